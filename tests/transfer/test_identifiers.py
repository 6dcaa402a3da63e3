"""Identifiers a spreadsheet turned into numbers come back with their leading zeros."""

import pytest
from stdnum.pl import nip, regon

from clusters.models import Coordinator
from transfer.service import import_file
from transfer.spreadsheets import write_xlsx

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def valid_regon_with_leading_zero():
    base = "01234567"
    return base + str(regon.calc_check_digit(base))


def valid_nip_with_leading_zero():
    for n in range(1000):
        candidate = f"0{123450000 + n}"
        if nip.is_valid(candidate):
            return candidate
    raise AssertionError("no NIP found")


def coordinators_file(regon_cell="", krs_cell="", nip_cell=""):
    return (f"Nazwa;NIP;REGON;KRS\nFundacja Zerowa;{nip_cell};{regon_cell};{krs_cell}\n").encode()


def test_a_regon_that_lost_its_leading_zero_comes_back_when_its_checksum_proves_it():
    full = valid_regon_with_leading_zero()
    report = import_file("coordinators", coordinators_file(regon_cell=full.lstrip("0")))
    assert report.errors == []
    assert Coordinator.objects.get().regon == full


def test_a_krs_of_fewer_than_ten_digits_is_written_with_ten():
    report = import_file("coordinators", coordinators_file(krs_cell="12345"))
    assert report.errors == []
    assert Coordinator.objects.get().krs == "0000012345"


def test_a_nip_that_lost_its_leading_zero_comes_back_when_its_checksum_proves_it():
    full = valid_nip_with_leading_zero()
    report = import_file("coordinators", coordinators_file(nip_cell=full[1:]))
    assert report.errors == []
    assert Coordinator.objects.get().nip == full


def test_an_xlsx_number_cell_comes_back_too():
    import tablib

    full = valid_regon_with_leading_zero()
    sheet = tablib.Dataset(["Fundacja Zerowa", float(full)], headers=["Nazwa", "REGON"])
    report = import_file("coordinators", write_xlsx(sheet))
    assert report.errors == []
    assert Coordinator.objects.get().regon == full


def test_an_eight_digit_regon_the_checksum_does_not_prove_is_refused_as_before():
    full = valid_regon_with_leading_zero()
    wrong = full.lstrip("0")[:-1] + str((int(full[-1]) + 1) % 10)
    report = import_file("coordinators", coordinators_file(regon_cell=wrong))
    assert [(e.column, e.value) for e in report.errors] == [("REGON", wrong)]
    assert "9 or 14 digits" in report.errors[0].message
    assert not Coordinator.objects.exists()
