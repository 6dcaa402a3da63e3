import datetime
from decimal import Decimal

import pytest

from transfer.widgets import (
    BooleanWidget,
    DateWidget,
    DecimalWidget,
    DigitsWidget,
    IntegerWidget,
    PointsListWidget,
    voivodeship_widget,
)

D = datetime.date
pytestmark = pytest.mark.usefixtures("english")


@pytest.mark.parametrize(
    "text", ["17.12.2018", "2018-12-17", "17-12-2018", "17/12/2018", " 17.12.2018 "]
)
def test_date_accepts_polish_and_iso_forms(text):
    assert DateWidget().clean(text) == D(2018, 12, 17)


def test_date_from_an_xlsx_cell_and_rendered_the_polish_way():
    assert DateWidget().clean(datetime.datetime(2018, 12, 17, 0, 0)) == D(2018, 12, 17)
    assert DateWidget().render(D(2018, 12, 17)) == "17.12.2018"
    assert DateWidget().clean("") is None


@pytest.mark.parametrize("text", ["31.02.2023", "2023-13-01", "wczoraj", "17.12"])
def test_date_rejects_what_is_not_a_date_and_says_the_expected_form(text):
    with pytest.raises(ValueError, match="dd.mm.yyyy"):
        DateWidget().clean(text)


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("128,5", Decimal("128.5")),
        ("1 234,50", Decimal("1234.50")),
        ("64.5", Decimal("64.5")),
        (12, Decimal(12)),
    ],
)
def test_decimal_accepts_decimal_commas_and_thousand_spaces(text, number):
    assert DecimalWidget().clean(text) == number


def test_decimal_renders_a_comma_without_trailing_zeros():
    assert DecimalWidget().render(Decimal("128.00")) == "128"
    assert DecimalWidget().render(Decimal("64.50")) == "64,5"


def test_integer_refuses_fractions():
    assert IntegerWidget().clean("2011") == 2011
    assert IntegerWidget().clean(2011.0) == 2011
    with pytest.raises(ValueError, match="whole number"):
        IntegerWidget().clean("20,5")


@pytest.mark.parametrize(
    ("text", "value"), [("tak", True), ("TAK", True), ("x", True), ("nie", False), ("", False)]
)
def test_boolean_reads_polish_yes_and_no(text, value):
    assert BooleanWidget().clean(text) is value


def test_boolean_rejects_other_words():
    with pytest.raises(ValueError, match="tak"):
        BooleanWidget().clean("może")


@pytest.mark.parametrize(
    "text",
    ["Śląskie", "śląskie", "slaskie", "woj. śląskie", "Województwo Śląskie", "Silesian", "silesia"],
)
def test_voivodeship_by_any_common_spelling(text):
    assert voivodeship_widget().clean(text) == "silesia"


def test_voivodeship_unknown_lists_the_allowed_names():
    with pytest.raises(ValueError) as caught:
        voivodeship_widget().clean("Śląsk Cieszyński")
    assert "łódzkie" in str(caught.value)


def test_nip_digits_are_compacted():
    assert DigitsWidget().clean("PL 526-025-02-74") == "5260250274"


def test_points_of_several_experts_in_one_cell():
    assert PointsListWidget().clean("32; 32,5") == [Decimal("32"), Decimal("32.5")]
    assert PointsListWidget().render([Decimal("32"), Decimal("32.5")]) == "32; 32,5"
