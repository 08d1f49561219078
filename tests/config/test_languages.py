"""The one rule for the language a person is written to in: theirs, else the page's, else the site's."""

import pytest
from django.conf import settings
from django.utils import translation

from config.languages import subject_language
from exports.services import export_request
from tests.factories import CustomerFactory


def test_a_customers_own_language_comes_first(db):
    customer = CustomerFactory(preferred_language="fr")

    with translation.override("de"):
        assert subject_language(customer) == "fr"


@pytest.mark.parametrize(("page_language", "expected"), [("es", "es"), ("en-us", "en"), ("de", "de")])
def test_without_a_choice_the_language_of_the_page_is_used(db, page_language, expected):
    customer = CustomerFactory(preferred_language="")

    with translation.override(page_language):
        assert subject_language(customer) == expected
        assert subject_language(None) == expected


def test_without_a_page_the_sites_language_is_used():
    with translation.override(None):
        assert subject_language(None) == settings.LANGUAGE_CODE


@pytest.mark.django_db
def test_an_export_for_someone_without_an_account_speaks_the_language_they_asked_in():
    # Exports used to fall back to the site's language here, unlike the request mails: one rule for both now.
    with translation.override("it"):
        job = export_request(email="paolo@example.org")

    assert job.language == "it"
