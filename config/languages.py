"""The language a person is written to in: their own if they chose one, else the page's, else the site's.

Imports no app: a customer is anything with `preferred_language`, or None for a person without an account.
"""

from django.conf import settings
from django.utils import translation


def subject_language(customer=None) -> str:
    if customer is not None and customer.preferred_language:
        return customer.preferred_language
    return (translation.get_language() or settings.LANGUAGE_CODE)[:2]
