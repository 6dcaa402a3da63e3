"""Slash dates are never guessed: each column's own values prove day- or month-first."""

import datetime

import pytest
from django.urls import reverse

from events.models import Event
from tests.transfer.uploads import upload
from transfer.service import import_file
from transfer.spreadsheets import ImportFileError

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
D = datetime.date


def events_file(*starts):
    lines = ["Tytuł;Identyfikator;Rodzaj;Data rozpoczęcia"]
    lines += [f"Gala {n};gala-{n};gala;{start}" for n, start in enumerate(starts)]
    return "\n".join(lines).encode()


def starts():
    return dict(Event.objects.values_list("slug", "start_date"))


def test_a_day_above_12_proves_the_column_day_first():
    report = import_file("events", events_file("06/01/2022", "17/01/2022"))
    assert report.errors == []
    assert starts() == {"gala-0": D(2022, 1, 6), "gala-1": D(2022, 1, 17)}


def test_a_second_part_above_12_proves_the_column_month_first():
    report = import_file("events", events_file("06/01/2022", "01/17/2022"))
    assert report.errors == []
    assert starts() == {"gala-0": D(2022, 6, 1), "gala-1": D(2022, 1, 17)}


@pytest.mark.parametrize(
    ("cells", "said"),
    [
        (["06/01/2022", "07/02/2022"], "do not show whether the day or the month"),
        (["17/01/2022", "01/17/2022"], "day first (“17/01/2022”) and month first (“01/17/2022”)"),
    ],
)
def test_a_column_proving_neither_or_both_is_refused_naming_it(cells, said):
    with pytest.raises(ImportFileError, match="Data rozpoczęcia") as refused:
        import_file("events", events_file(*cells))
    assert said in str(refused.value) and "dd.mm.yyyy" in str(refused.value)
    assert not Event.objects.exists()


def test_dotted_and_iso_dates_need_no_proof():
    report = import_file("events", events_file("06.01.2022", "2022-01-07"))
    assert report.errors == []
    assert starts() == {"gala-0": D(2022, 1, 6), "gala-1": D(2022, 1, 7)}


def test_the_admin_check_shows_the_refusal_on_the_job_page(admin_client):
    response = upload(
        admin_client,
        events_file("06/01/2022"),
        name="wydarzenia.csv",
        url=reverse("admin:events_event_import"),
        follow=True,
    )
    # The dates are read by the worker's check: its job fails with the refusal, in Polish.
    assert response.status_code == 200 and response.context["job"].state == "failed"
    assert "Data rozpoczęcia" in response.content.decode()
    assert "dd.mm.rrrr" in response.content.decode()
    assert not Event.objects.exists()


def test_the_refusal_reads_in_polish_with_rrrr():
    from django.utils import translation

    with translation.override("pl"), pytest.raises(ImportFileError) as refused:
        import_file("events", events_file("06/01/2022"))
    assert "Kolumna „Data rozpoczęcia”" in str(refused.value)
    assert "dd.mm.rrrr" in str(refused.value)
