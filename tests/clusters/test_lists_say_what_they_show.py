"""Public lists that say what they show: coordinators over time, no empty columns or
unknown legal forms, the hint when nobody holds status, which filter was ignored, and
downloads for people (XLSX, CSV for Polish Excel) beside the open data."""

import csv
import datetime
import io
import re
from decimal import Decimal

import openpyxl
import pytest

from clusters.exports import EXPORT_FIELDS, SPREADSHEET_HEADERS
from clusters.models import Coordinator, ExpertScore
from tests.factories import (
    ApplicationFactory,
    ClusterFactory,
    RepresentationFactory,
    RoundFactory,
    StageFactory,
    StageResultFactory,
    StatusAwardFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]
D = datetime.date


def text(response):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


def section(page, start, end):
    return page.split(start, 1)[1].split(end, 1)[0]


# --- Coordinators over time -------------------------------------------------


def test_two_coordinators_over_time_are_listed_under_a_plural_heading_with_periods(client):
    cluster = ClusterFactory(name="Klaster Zmieniony")
    RepresentationFactory(
        cluster=cluster,
        coordinator__name="Fundacja Dawna",
        since=D(2015, 3, 1),
        until=D(2020, 6, 30),
    )
    RepresentationFactory(
        cluster=cluster, coordinator__name="Stowarzyszenie Obecne", since=D(2020, 7, 1)
    )
    page = text(client.get(cluster.get_absolute_url()))
    coordinators = section(page, "<h2>Koordynatorzy</h2>", "<h2>")
    assert '01.03.2015</time> – <time datetime="2020-06-30">30.06.2020</time>' in coordinators
    assert 'od <time datetime="2020-07-01">01.07.2020</time>' in coordinators
    # The current one is named in words (its heading), not by colour alone.
    former, current = coordinators.split("Stowarzyszenie Obecne", 1)
    assert "obecny koordynator" not in former
    assert "obecny koordynator" in current.split("</h3>", 1)[0]


def test_one_coordinator_keeps_the_singular_heading(client):
    cluster = ClusterFactory(name="Klaster Stały")
    RepresentationFactory(cluster=cluster, since=D(2015, 3, 1))
    # A second term of the same coordinator is still one coordinator.
    RepresentationFactory(
        cluster=cluster,
        coordinator=cluster.representations.get().coordinator,
        since=D(2010, 1, 1),
        until=D(2012, 1, 1),
    )
    page = text(client.get("/en/clusters/klaster-staly/"))
    assert "<h2>Coordinator</h2>" in page and "<h2>Coordinators</h2>" not in page
    assert "current coordinator" not in page


def test_an_unknown_legal_form_is_not_shown_to_the_public(client):
    cluster = ClusterFactory(name="Klaster Nieznany")
    RepresentationFactory(
        cluster=cluster, coordinator__legal_form=Coordinator.LegalForm.OTHER, coordinator__nip=""
    )
    known = ClusterFactory(name="Klaster Znany")
    RepresentationFactory(cluster=known, coordinator__legal_form=Coordinator.LegalForm.FOUNDATION)
    page = text(client.get(cluster.get_absolute_url()))
    assert "Forma prawna" not in page and "nieznana" not in page
    assert "Forma prawna" in text(client.get(known.get_absolute_url()))


# --- Empty columns ----------------------------------------------------------


def test_results_without_points_or_experts_scores_leave_those_columns_out(client):
    cluster = ClusterFactory(name="Klaster Oceniony")
    formal = StageFactory(kind="formal")
    application = ApplicationFactory(cluster=cluster, round=formal.round, scores_published=True)
    StageResultFactory(application=application, stage=formal)
    page = text(client.get(cluster.get_absolute_url()))
    table = section(page, "<h2>Wyniki oceny</h2>", "</table>")
    assert "Punkty" not in table and "Oceny ekspertów" not in table

    scored = StageFactory(round=formal.round, kind="parametric", max_points=140, order=2)
    result = StageResultFactory(application=application, stage=scored, points=Decimal(128))
    ExpertScore.objects.create(stage_result=result, expert_number=1, points=Decimal(127))
    page = text(client.get(cluster.get_absolute_url()))
    table = section(page, "<h2>Wyniki oceny</h2>", "</table>")
    assert "Punkty" in table and "Oceny ekspertów" in table
    # Points as the admin shows them: two decimals, a decimal comma.
    assert "128,00 / 140" in table and "127,00" in table


def test_round_results_leave_out_the_points_column_when_no_application_has_points(client):
    round_ = RoundFactory(slug="runda-rankingowa", publishes_points=True)
    application = ApplicationFactory(round=round_, rank=1, cluster__name="Klaster Pierwszy")
    page = text(client.get("/en/rounds/runda-rankingowa/"))
    results = section(page, 'id="results"', "</table>")
    assert "Klaster Pierwszy" in results and "Points" not in results

    application.total_points = Decimal(150)
    application.scores_published = True
    application.save()
    results = section(text(client.get("/en/rounds/runda-rankingowa/")), 'id="results"', "</table>")
    assert "Points" in results and "150" in results


# --- Status today, ignored filters -----------------------------------------


def test_status_today_with_nobody_holding_it_gives_the_home_pages_hint(client):
    StatusAwardFactory(valid_from=D(2022, 12, 17), valid_until=D(2025, 12, 17))
    StatusAwardFactory(valid_from=D(2022, 12, 17), valid_until=D(2025, 12, 17))
    page = text(client.get("/en/clusters/", {"status": "current"}))
    hint = "The last day on which clusters held it was 17 December 2025: 2 clusters held it then."
    assert hint in page
    assert '/en/clusters/?status=current&amp;as_of=2025-12-17">See them</a>' in page
    assert hint in text(client.get("/en/"))  # the same words, from the same include


def test_status_today_never_held_says_so(client):
    ClusterFactory()
    page = text(client.get("/en/clusters/", {"status": "current"}))
    assert "No cluster has held the status yet." in page


def test_an_empty_list_while_others_hold_status_today_gives_no_hint(client):
    StatusAwardFactory(
        cluster__voivodeship="lodz", valid_from=D(2026, 1, 1), valid_until=D(2028, 1, 1)
    )
    page = text(client.get("/en/clusters/", {"status": "current", "voivodeship": "masovia"}))
    assert "No cluster matches these filters." in page
    assert "No cluster holds the status today" not in page


def test_an_ignored_filter_value_is_named_with_its_filter(client):
    ClusterFactory(name="Klaster Widoczny")
    page = text(client.get("/en/clusters/", {"voivodeship": "narnia", "as_of": "wczoraj"}))
    ignored = section(page, "could not be used and were ignored:", "</div>")
    assert "Voivodeship: “narnia” –" in ignored
    assert "On the day: “wczoraj” –" in ignored
    polish = text(client.get("/klastry/", {"status": "<b>może</b>"}))
    assert "Status KKK: „&lt;b&gt;może&lt;/b&gt;” –" in polish


# --- Downloads -------------------------------------------------------------


@pytest.fixture
def listed():
    cluster = ClusterFactory(
        name='=HYPERLINK("http://zło")', city="Łódź", voivodeship="lodz", kind="cluster"
    )
    RepresentationFactory(cluster=cluster, coordinator__name="+48 Fundacja", coordinator__nip="")
    StatusAwardFactory(cluster=cluster, valid_from=D(2026, 1, 1), valid_until=D(2028, 1, 1))
    StatusAwardFactory(
        cluster__name="Klaster Mazowiecki",
        cluster__voivodeship="masovia",
        valid_from=D(2026, 1, 1),
        valid_until=D(2028, 1, 1),
    )
    ClusterFactory(name="Klaster Bez Statusu", voivodeship="lodz")
    return cluster


def test_xlsx_download_gives_the_filtered_list_with_polish_headers_labels_and_dates(client, listed):
    response = client.get("/klastry/export.xlsx", {"status": "current", "voivodeship": "lodz"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert len(rows) == 2  # headers and the one cluster the filters leave
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Nazwa"] == '\'=HYPERLINK("http://zło")'
    assert row["Koordynator"] == "'+48 Fundacja"
    assert row["Miejscowość"] == "Łódź"
    assert row["Województwo"] == "łódzkie"
    assert row["Rodzaj"] == "klaster"
    assert row["Status KKK na dzień 24.11.2026"] == "posiada status"
    assert row["Daty szacunkowe"] == "nie"
    assert row["Status ważny do"].date() == D(2028, 1, 1)


def test_excel_csv_is_semicolons_utf8_with_bom_polish_headers_and_escaped(client, listed):
    response = client.get("/klastry/export-excel.csv", {"voivodeship": "lodz"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    by_name = {row["Nazwa"]: row for row in rows}
    assert set(by_name) == {"Klaster Bez Statusu", '\'=HYPERLINK("http://zło")'}
    held = by_name['\'=HYPERLINK("http://zło")']
    assert held["Koordynator"] == "'+48 Fundacja"
    assert held["Status KKK na dzień 24.11.2026"] == "posiada status"
    assert held["Status ważny do"] == "01.01.2028"
    never = by_name["Klaster Bez Statusu"]
    assert never["Status KKK na dzień 24.11.2026"] == "nigdy nie posiadał statusu"


def test_open_data_csv_keeps_its_columns_and_codes(client, listed):
    response = client.get("/klastry/export.csv", {"voivodeship": "lodz"})
    reader = csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))
    rows = list(reader)
    assert reader.fieldnames == EXPORT_FIELDS
    assert {row["status"] for row in rows} == {"current", "never"}
    assert {row["voivodeship"] for row in rows} == {"lodz"}


def test_every_open_data_column_has_a_spreadsheet_header():
    # Specialisations come once, in the page's language.
    assert set(SPREADSHEET_HEADERS) == set(EXPORT_FIELDS) - {"specialisations_en"}


@pytest.mark.parametrize(
    ("url", "params", "name"),
    [
        (
            "/klastry/export.xlsx",
            {"status": "current", "voivodeship": "masovia"},
            "klastry-posiada-status-wojewodztwo-mazowieckie-2026-11-24.xlsx",
        ),
        (
            "/klastry/export-excel.csv",
            {"status": "expired", "as_of": "2020-05-05", "q": "Łódź"},
            "klastry-status-wygasl-na-dzien-2020-05-05-szukaj-lodz-excel-2026-11-24.csv",
        ),
        ("/klastry/export.csv", {}, "klastry-2026-11-24.csv"),
        # An ignored value is not in the file, nor in its name.
        (
            "/klastry/export.csv",
            {"kind": "cluster", "round": "nie-ma"},
            "klastry-klaster-2026-11-24.csv",
        ),
        (
            "/en/clusters/export.xlsx",
            {"status": "current"},
            "clusters-holds-status-2026-11-24.xlsx",
        ),
    ],
)
def test_download_names_carry_the_filters_and_the_day(client, listed, url, params, name):
    disposition = client.get(url, params)["Content-Disposition"]
    assert disposition == f'attachment; filename="{name}"'


def test_two_downloads_of_different_filters_or_formats_never_share_a_name(client, listed):
    names = {
        client.get(url, params)["Content-Disposition"]
        for url in ["/klastry/export.xlsx", "/klastry/export-excel.csv", "/klastry/export.csv"]
        for params in [{}, {"voivodeship": "lodz"}, {"voivodeship": "masovia"}]
    }
    assert len(names) == 9


def test_the_list_links_each_download_with_its_format_size_and_the_filters(client, listed):
    page = text(client.get("/klastry/", {"voivodeship": "lodz", "page": 1}))
    downloads = section(page, '<p class="downloads">', "</p>")
    for url in ["export.xlsx", "export-excel.csv", "export.csv", "export.json"]:
        assert f'/klastry/{url}?voivodeship=lodz"' in downloads
    assert "XLSX dla Excela" in downloads and "CSV dla Excela" in downloads
    assert "średniki" in downloads and "przecinki, stałe kody" in downloads
    assert downloads.count("ok. ") == 4
