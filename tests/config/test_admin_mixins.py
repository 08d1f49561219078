"""Admin building blocks (config/admin_mixins.py)."""

import pytest
from django.contrib import admin
from django.test.html import parse_html
from django.utils import translation

from config.admin_mixins import QuickActionCheckbox
from privacy.models import DataSubjectRequest


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_quick_row_checkbox_is_the_markup_django_renders(language):
    # What str() shows, with markup and quotes to escape.
    req = DataSubjectRequest(pk=42, reference='<i>R"&1</i>', requester_email="a@example.com")
    model_admin = admin.site._registry[DataSubjectRequest]
    assert isinstance(model_admin, QuickActionCheckbox)

    with translation.override(language):
        quick = model_admin.action_checkbox(req)
        django = admin.ModelAdmin.action_checkbox(model_admin, req)

    assert parse_html(quick) == parse_html(django)
    assert "<i>" not in quick
