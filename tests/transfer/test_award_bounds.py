"""The widest period estimated dates allow travels through the awards file both ways."""

import datetime

import pytest
from django.utils import translation

from clusters.models import StatusAward
from tests.factories import ClusterFactory, RoundFactory
from transfer.service import export_file, import_file, resource_for
from transfer.spreadsheets import read_table

pytestmark = pytest.mark.django_db
D = datetime.date
HEADER = "Klaster;Runda;Ważny od;Ważny do;Daty szacunkowe;Możliwy od;Możliwy do"


@pytest.fixture
def round_v():
    RoundFactory(name="Runda V", slug="runda-v", number=5)
    ClusterFactory(name="Klaster Fotoniki i Światłowodów")


def test_bounds_import_and_export_in_their_own_columns(round_v):
    row = "Klaster Fotoniki i Światłowodów;Runda V;31.12.2021;31.12.2024;tak;01.01.2021;"
    report = import_file("awards", f"{HEADER}\n{row}\n".encode())
    assert (report.new, report.errors) == (1, [])
    award = StatusAward.objects.get()
    assert (award.earliest_start, award.latest_end) == (D(2021, 1, 1), None)
    exported = read_table(export_file("awards"))
    assert {"Możliwy od", "Możliwy do"} <= set(resource_for("awards").template_headers())
    assert exported.dict[0]["Możliwy od"] == "01.01.2021"
    assert exported.dict[0]["Możliwy do"] == ""


@pytest.mark.parametrize(
    ("cells", "column"),
    [
        ("tak;01.01.2022;", "Możliwy od"),  # after the proven start
        ("nie;01.01.2021;", "Możliwy od"),  # dates not estimated
        ("tak;;01.01.2024", "Możliwy do"),  # before the proven end
    ],
)
def test_bounds_that_do_not_widen_an_estimate_are_refused_on_their_column(round_v, cells, column):
    row = f"Klaster Fotoniki i Światłowodów;Runda V;31.12.2021;31.12.2024;{cells}"
    with translation.override("en"):
        report = import_file("awards", f"{HEADER}\n{row}\n".encode())
    assert [(error.row, error.column) for error in report.errors] == [(2, column)]
    assert not StatusAward.objects.exists()
