"""Validators for customer input: EU VAT numbers (R01) and card numbers typed in free text (R86)."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Formats of the VIES service, country prefix included (Greece uses EL).
EU_VAT_FORMATS = {
    "AT": r"ATU\d{8}",
    "BE": r"BE[01]\d{9}",
    "BG": r"BG\d{9,10}",
    "CY": r"CY\d{8}[A-Z]",
    "CZ": r"CZ\d{8,10}",
    "DE": r"DE\d{9}",
    "DK": r"DK\d{8}",
    "EE": r"EE\d{9}",
    "EL": r"EL\d{9}",
    "ES": r"ES[A-Z0-9]\d{7}[A-Z0-9]",
    "FI": r"FI\d{8}",
    "FR": r"FR[A-HJ-NP-Z0-9]{2}\d{9}",
    "HR": r"HR\d{11}",
    "HU": r"HU\d{8}",
    "IE": r"IE\d{7}[A-W][A-I]?|IE\d[A-Z+*]\d{5}[A-W]",
    "IT": r"IT\d{11}",
    "LT": r"LT(\d{9}|\d{12})",
    "LU": r"LU\d{8}",
    "LV": r"LV\d{11}",
    "MT": r"MT\d{8}",
    "NL": r"NL\d{9}B\d{2}",
    "PL": r"PL\d{10}",
    "PT": r"PT\d{9}",
    "RO": r"RO\d{2,10}",
    "SE": r"SE\d{12}",
    "SI": r"SI\d{8}",
    "SK": r"SK\d{10}",
    "XI": r"XI(\d{9}|\d{12}|GD\d{3}|HA\d{3})",
}


def normalise_vat(value: str) -> str:
    return re.sub(r"[\s.\-]", "", value or "").upper()


def validate_eu_vat(value: str):
    vat = normalise_vat(value)
    pattern = EU_VAT_FORMATS.get(vat[:2])
    if not pattern or not re.fullmatch(pattern, vat):
        raise ValidationError(
            _("Enter an EU VAT number with its country prefix, for example FR40303265045."),
            code="invalid_vat",
        )


def luhn_valid(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2 == 1:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return total % 10 == 0


# 13 to 19 digits, possibly grouped by spaces or dashes as people type card numbers.
_CARD_LIKE = re.compile(r"(?<!\d)(?:\d[ -]?){12,18}\d(?!\d)")


def contains_card_number(text: str) -> bool:
    for match in _CARD_LIKE.finditer(text or ""):
        digits = re.sub(r"\D", "", match.group())
        if 13 <= len(digits) <= 19 and luhn_valid(digits):
            return True
    return False


def validate_no_card_number(value: str):
    if contains_card_number(value):
        raise ValidationError(
            _("This looks like a payment card number. Never send card numbers: we do not store them."),
            code="card_number",
        )
