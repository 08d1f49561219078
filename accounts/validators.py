"""Validators for customer input: EU VAT numbers (R01) and card numbers typed in free text (R86).

Both rest on python-stdnum: its EU VAT module knows every member state's format and check digits, and its
Luhn module checks card numbers.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import luhn
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import InvalidChecksum
from stdnum.exceptions import ValidationError as StdnumError

# The prefixes of the VIES service: Greece is EL there (ISO's GR is not a VAT prefix), Northern Ireland XI.
VAT_PREFIXES = frozenset("el" if country == "gr" else country for country in eu_vat.MEMBER_STATES)


def normalise_vat(value: str) -> str:
    """The number without spaces, dots or dashes, upper case, its country prefix kept (EL for Greece)."""
    return re.sub(r"[\s.\-]", "", value or "").upper()


def validate_eu_vat(value: str):
    vat = normalise_vat(value)
    # stdnum also accepts a number without its prefix when the country can be guessed; we want the prefix.
    if vat[:2].lower() not in VAT_PREFIXES:
        raise ValidationError(
            _("Enter an EU VAT number with its country prefix, for example FR40303265045."), code="invalid_vat"
        )
    try:
        eu_vat.validate(vat)
    except InvalidChecksum:
        raise ValidationError(
            _("The check digits of this VAT number do not match: look for a mistyped digit."),
            code="invalid_vat_checksum",
        ) from None
    except StdnumError:
        raise ValidationError(
            _("Enter an EU VAT number with its country prefix, for example FR40303265045."), code="invalid_vat"
        ) from None


# 13 to 19 digits, possibly grouped by spaces or dashes as people type card numbers.
_CARD_LIKE = re.compile(r"(?<!\d)(?:\d[ -]?){12,18}\d(?!\d)")


def contains_card_number(text: str) -> bool:
    for match in _CARD_LIKE.finditer(text or ""):
        digits = re.sub(r"\D", "", match.group())
        if 13 <= len(digits) <= 19 and luhn.is_valid(digits):
            return True
    return False


def validate_no_card_number(value: str):
    if contains_card_number(value):
        raise ValidationError(
            _("This looks like a payment card number. Never send card numbers: we do not store them."),
            code="card_number",
        )
