"""VAT numbers (R01) and card numbers in free text (R86), checked with python-stdnum: format and check digits."""

import pytest
from django.core.exceptions import ValidationError

from accounts.validators import contains_card_number, validate_eu_vat, validate_no_card_number

VALID = [
    "FR40303265045",  # France: two check characters over the SIREN
    "DE136695976",  # Germany: ISO 7064 mod 11,10
    "ATU13585627",
    "BE0403019261",
    "NL004495445B01",
    "IT00743110157",
    "ESA28015865",
    "PL5260001246",
    "EL094259216",  # Greece is EL for VAT
    "DK13585628",
    "SE556188840401",
    "IE6388047V",
    "XI 123 4567 82",  # Northern Ireland, typed with spaces
    "fr 40-303.265.045",  # lower case, dots and dashes as people type them
]
# Right format, wrong check digits: the old regular expressions let every one of these through.
WRONG_CHECK_DIGITS = ["FR41303265045", "DE136695975", "ATU13585626", "BE0403019262", "IT00743110158", "PL5260001247"]
WRONG_FORMAT = ["FR4030326504", "DE12345678", "GR094259216", "US123456789", "40303265045", "", "NL004495445B"]


@pytest.mark.parametrize("number", VALID)
def test_valid_vat_numbers_of_several_countries_pass(number):
    assert validate_eu_vat(number) is None  # no ValidationError: the number and its check digits are right


@pytest.mark.parametrize("number", WRONG_CHECK_DIGITS)
def test_a_mistyped_digit_is_caught_by_the_check_digits(number):
    with pytest.raises(ValidationError) as caught:
        validate_eu_vat(number)
    assert caught.value.code == "invalid_vat_checksum"
    assert "check digits" in caught.value.messages[0]


@pytest.mark.parametrize("number", WRONG_FORMAT)
def test_a_number_in_no_member_state_format_is_refused(number):
    with pytest.raises(ValidationError) as caught:
        validate_eu_vat(number)
    assert caught.value.code == "invalid_vat"
    assert "country prefix" in caught.value.messages[0]


def test_the_customer_form_says_which_is_wrong(alice):
    alice.is_professional, alice.company, alice.vat_number = True, "Martin SARL", "FR41303265045"

    with pytest.raises(ValidationError) as caught:
        alice.full_clean()

    assert "vat_number" in caught.value.message_dict
    alice.refresh_from_db()
    assert alice.vat_number == ""  # nothing saved


@pytest.mark.parametrize(
    "text",
    [
        "visa 4012 8888 8888 1881 please",
        "amex 3714-496353-98431",
        "diners 30569309025904",
        "maestro 6759649826438453",
        "19 digits 6011 0000 0000 0000 001",
    ],
)
def test_luhn_valid_card_numbers_of_13_to_19_digits_are_found(text):
    assert contains_card_number(text)
    with pytest.raises(ValidationError):
        validate_no_card_number(text)


@pytest.mark.parametrize(
    "text",
    ["4012 8888 8888 1882", "phone +33 1 23 45 67 89", "12 digits 401288888888", "20 digits 40128888888818810000"],
)
def test_other_numbers_are_not_cards(text):
    assert not contains_card_number(text)
