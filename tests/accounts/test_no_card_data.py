"""No model stores a card or bank account number, and free text refuses them (R86)."""

import re

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from accounts.validators import contains_card_number, validate_no_card_number

PROJECT_APPS = ("accounts", "privacy", "retention", "exports")
FORBIDDEN = re.compile(r"card_?(number|no|num)|^pan$|cvv|cvc|iban|bic|swift|account_?number|bank_?account|expiry")


def test_no_model_has_a_field_for_card_or_bank_numbers():
    offenders = [
        f"{model.__name__}.{field.name}"
        for app in PROJECT_APPS
        for model in apps.get_app_config(app).get_models()
        for field in model._meta.get_fields()
        if FORBIDDEN.search(field.name)
    ]

    assert offenders == []


def test_the_scan_would_see_such_a_field():
    assert FORBIDDEN.search("card_number") and FORBIDDEN.search("iban") and FORBIDDEN.search("cvv")


@pytest.mark.parametrize(
    "text",
    ["4111 1111 1111 1111", "my card is 5555-5555-5555-4444 thanks", "378282246310005", "6011111111111117"],
)
def test_luhn_valid_card_numbers_are_refused(text):
    assert contains_card_number(text)
    with pytest.raises(ValidationError):
        validate_no_card_number(text)


@pytest.mark.parametrize(
    "text",
    ["4111 1111 1111 1112", "order 2026-000123", "+33 6 12 34 56 78", "123456789012", "FR40303265045", ""],
)
def test_other_numbers_pass(text):
    assert not contains_card_number(text)
    validate_no_card_number(text)
