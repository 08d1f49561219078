"""Issue 14, the back-office's words: its name, the order of its apps, labels, event titles and dates, in English and
in French, and the steps offered only where they apply."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise

from privacy.models import DataSubjectRequest
from privacy.services import requests as services

PARIS = ZoneInfo("Europe/Paris")
# Winter: Paris is UTC+1, so an event at 08:15 UTC reads 09:15 on the page.
FILED = datetime(2026, 2, 2, 8, 15, tzinfo=ZoneInfo("UTC"))
PROJECT_APPS = ("accounts", "privacy", "retention", "exports", "operations", "outbox")

pytestmark = pytest.mark.django_db


def _speak(user, language):
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])


def _file(kind="access", email="lea@example.org"):
    return services.request_file(
        kind=kind, channel="email", name="Léa Moreau", email=email, received_at=FILED, details="By email."
    )


def _app_labels_in_order(html):
    return re.findall(r'<div class="app-(\w+) module', html)


@pytest.mark.parametrize(
    ("language", "header"), [("en", "Privacy back-office"), ("fr", "Back-office protection des données")]
)
def test_the_back_office_has_its_own_name_and_lists_privacy_first(dpo_client, dpo, language, header):
    _speak(dpo, language)

    html = dpo_client.get(reverse("admin:index")).content.decode()

    assert f">{header}</a>" in html and "Django" not in html
    assert _app_labels_in_order(html)[0] == "privacy", _app_labels_in_order(html)


def test_every_field_of_the_project_has_a_translatable_label():
    """Django writes a field without verbose_name as its name ("done by", "actor"), never translated."""
    raw = [
        f"{model._meta.label}.{field.name}"
        for app in PROJECT_APPS
        for model in apps.get_app_config(app).get_models()
        for field in model._meta.local_fields
        if not field.auto_created and not isinstance(field.verbose_name, Promise)
    ]
    assert raw == []


def test_the_request_page_labels_its_columns_in_french(dpo_client, dpo):
    _speak(dpo, "fr")
    with time_machine.travel(FILED, tick=False):
        req = services.request_verify_identity(_file(), actor=dpo)

    html = dpo_client.get(reverse("admin:privacy_datasubjectrequest_change", args=[req.pk])).content.decode()

    assert "Membre du personnel" in html
    for raw in (">Actor<", ">Done by<", ">Request<", ">Actor", "Done by"):
        assert raw not in html, raw


@pytest.mark.parametrize(
    ("language", "title"),
    [
        ("en", "Feb. 2, 2026, 9:15 a.m.: Received → In progress"),
        ("fr", "2 février 2026 09:15: Reçue → En cours"),
    ],
)
def test_an_event_is_titled_with_its_statuses_in_local_time(dpo, language, title):
    with time_machine.travel(FILED, tick=False):
        req = services.request_verify_identity(_file(), actor=dpo)
    event = req.events.get(to_status="in_progress")

    with translation.override(language):
        assert str(event) == title
        assert "received" not in str(event) and "2026-02-02" not in str(event)


@pytest.mark.parametrize(("kind", "offered"), [("access", True), ("portability", True), ("rectification", False)])
def test_building_an_export_is_offered_only_for_access_and_portability(dpo_client, dpo, kind, offered):
    req = services.request_verify_identity(_file(kind=kind), actor=dpo)
    build = reverse("admin:exports_exportjob_build_for_request", args=[req.pk])

    page = dpo_client.get(reverse("admin:privacy_datasubjectrequest_change", args=[req.pk])).content.decode()
    opened = dpo_client.get(build)

    assert (build in page) is offered
    assert (opened.status_code == 200) is offered
    if not offered:
        assert opened["Location"] == reverse("admin:privacy_datasubjectrequest_change", args=[req.pk])
        assert not DataSubjectRequest.objects.get(pk=req.pk).exports.exists()


def test_the_suppression_list_filters_by_source_labels_not_codes(dpo_client):
    from privacy.services.suppression import suppression_add

    suppression_add(email="stop@example.org", source="sms_stop")

    html = dpo_client.get(reverse("admin:privacy_suppressionentry_changelist")).content.decode()

    assert "SMS reply STOP" in html and ">sms_stop<" not in html and "sms_stop</a>" not in html


def test_the_queue_names_kinds_and_statuses_in_the_staffs_own_words_in_french(dpo_client, dpo):
    """Issue 14: staff-facing text spoke in the person's voice ("Effacement de mes données", "Vos demandes")."""
    _speak(dpo, "fr")
    with time_machine.travel(FILED, tick=False):
        req = services.request_verify_identity(_file(kind="erasure"), actor=dpo)

    queue = dpo_client.get(reverse("admin:privacy_datasubjectrequest_changelist")).content.decode()
    page = dpo_client.get(reverse("admin:privacy_datasubjectrequest_change", args=[req.pk])).content.decode()

    assert ">Effacement<" in queue and "de mes données" not in queue
    assert "de mes données" not in page
    assert "Ancien statut" in page and "Expéditeur" not in page
