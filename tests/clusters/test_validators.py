import pytest
from django.core.exceptions import ValidationError

from clusters.models import Coordinator
from clusters.validators import validate_krs, validate_nip, validate_postal_code, validate_regon

# Valid numbers with correct check digits (NIP of the Ministry of Finance, REGON examples
# from GUS documentation).
GOOD_NIP = ["5260250274", "526-025-02-74", "PL 526 025 02 74"]
GOOD_REGON = ["123456785", "12345678512347"]


@pytest.mark.parametrize("value", GOOD_NIP)
def test_nip_accepts_valid_numbers_in_common_spellings(value):
    validate_nip(value)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("5260250275", "checksum"),
        ("526025027", "invalid_length"),
        ("52602502AB", "invalid_characters"),
    ],
)
def test_nip_rejects_bad_numbers_with_a_specific_reason(value, code):
    with pytest.raises(ValidationError) as caught:
        validate_nip(value)
    assert caught.value.code == code


def test_nip_error_message_names_the_value():
    with pytest.raises(ValidationError) as caught:
        validate_nip("5260250275")
    assert "5260250275" in str(caught.value.messages[0] % caught.value.params)


@pytest.mark.parametrize("value", GOOD_REGON)
def test_regon_accepts_9_and_14_digit_numbers(value):
    validate_regon(value)


@pytest.mark.parametrize(
    ("value", "code"),
    [("123456786", "checksum"), ("12345678", "invalid_length"), ("12345678512340", "checksum")],
)
def test_regon_rejects_bad_numbers(value, code):
    with pytest.raises(ValidationError) as caught:
        validate_regon(value)
    assert caught.value.code == code


def test_krs_accepts_ten_digits():
    validate_krs("0000123456")


@pytest.mark.parametrize("value", ["123456", "0000000000", "00001234AB"])
def test_krs_rejects_wrong_length_zeros_and_letters(value):
    with pytest.raises(ValidationError):
        validate_krs(value)


@pytest.mark.parametrize("value", ["00-950", "65-057"])
def test_postal_code_accepts_polish_format(value):
    validate_postal_code(value)


@pytest.mark.parametrize("value", ["00950", "00-95", "0O-950", "00 950"])
def test_postal_code_rejects_other_formats(value):
    with pytest.raises(ValidationError):
        validate_postal_code(value)


@pytest.mark.django_db
def test_coordinator_stores_identifiers_normalised():
    coordinator = Coordinator(name="Fundacja Test", nip="PL 526-025-02-74", krs="0000 123 456")
    coordinator.full_clean()
    coordinator.save()
    coordinator.refresh_from_db()
    assert coordinator.nip == "5260250274"
    assert coordinator.krs == "0000123456"


@pytest.mark.django_db
def test_coordinator_full_clean_reports_bad_nip_on_its_field():
    coordinator = Coordinator(name="Fundacja Test", nip="5260250275")
    with pytest.raises(ValidationError) as caught:
        coordinator.full_clean()
    assert list(caught.value.message_dict) == ["nip"]
