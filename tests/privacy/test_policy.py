"""The published privacy policy: versions, the publish guard, generated parts, acceptance and the mailing (R41-R46)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from privacy.authority import CNIL
from privacy.demo_policy import seed_policy
from privacy.models import ConsentRecord, PolicyText, PolicyVersion, Processor, Purpose, TransferTool
from privacy.policy_page import processing_record
from privacy.services.policy import (
    PolicyError,
    policy_accept,
    policy_current,
    policy_notify_batch,
    policy_publish,
    policy_version_number,
)
from tests.factories import CustomerFactory

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=PARIS)
LANGUAGES = ("en", "fr", "de", "es", "it")


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def processor(db):
    return Processor.objects.create(
        provider="Stripe", role="Card payments", data="Name, email", location="Ireland", transfer_tool=TransferTool.EEA
    )


def _version(number, *, languages=("en",), body="Our policy.", **flags):
    version = PolicyVersion.objects.create(number=number, **flags)
    for language in languages:
        PolicyText.objects.create(version=version, language=language, content=f"{body} [{language}]")
    return version


@pytest.fixture
def published(processor):
    version = _version("2026.1", languages=LANGUAGES)
    with time_machine.travel(NOW, tick=False):
        policy_publish(version=version)
    version.refresh_from_db()
    return version


def test_nothing_published_reads_as_such(client, db):
    response = client.get("/privacy/")

    assert response.status_code == 503
    assert b"No version of the privacy policy has been published yet." in response.content


def test_the_policy_page_is_public_and_generated(client, published):
    with time_machine.travel(NOW, tick=False):
        response = client.get("/privacy/")

    text = response.content.decode()
    assert response.status_code == 200
    assert "Version 2026.1" in text and "Last updated: 20 November 2026" in text
    # The register comes from the registry: a category with its purpose and basis.
    assert "Identity and contact details" in text and "Performance of the contract (Art. 6(1)(b))" in text
    # The processors, with their safeguard from the closed list.
    assert "Stripe" in text and "Stays in the European Economic Area" in text
    # The three ways to use the rights, the authority in full, the cookie list.
    assert reverse("privacy:my_data") in text and reverse("privacy:public_request") in text and "a letter to" in text
    assert CNIL.postal_address in text and "cookie_choice" in text
    # The retention table, from the rules' current periods.
    for period in ("30 days", "12 months", "13 months", "3 years", "10 years"):
        assert period in text, period


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("fr", ("30 jours", "12 mois", "13 mois", "3 ans", "10 ans", "Dernière mise à jour")),
        ("de", ("30 Tage", "12 Monate", "13 Monate", "3 Jahre", "10 Jahre", "Zuletzt aktualisiert")),
        ("es", ("30 días", "12 meses", "13 meses", "3 años", "10 años", "Última actualización")),
        ("it", ("30 giorni", "12 mesi", "13 mesi", "3 anni", "10 anni", "Ultimo aggiornamento")),
    ],
)
def test_the_page_reads_in_each_language(client, published, language, words):
    response = client.get("/privacy/", HTTP_ACCEPT_LANGUAGE=language)

    text = response.content.decode()
    for word in words:
        assert word in text, (language, word)
    assert f"[{language}]" in text


def test_changing_a_retention_setting_changes_the_table(client, published, settings):
    settings.RETENTION_SUPPORT_TICKET_YEARS = 4

    text = client.get("/privacy/").content.decode()

    assert "4 years" in text


def test_a_missing_translation_shows_english_with_a_notice_never_an_older_version(client, processor):
    old = _version("2025.1", languages=("en", "de"), body="Old")
    policy_publish(version=old, at=datetime(2025, 1, 1, tzinfo=PARIS))
    new = _version("2026.1", languages=("en",), body="New")
    policy_publish(version=new, at=datetime(2026, 1, 1, tzinfo=PARIS))

    text = client.get("/privacy/", HTTP_ACCEPT_LANGUAGE="de").content.decode()

    assert "New [en]" in text and "Old [de]" not in text
    assert "Version 2026.1" in text
    assert "noch nicht in Ihre Sprache übersetzt" in text


def test_past_versions_stay_readable(client, processor):
    old = _version("2025.1", body="Old")
    policy_publish(version=old, at=datetime(2025, 1, 1, tzinfo=PARIS))
    policy_publish(version=_version("2026.1", body="New"), at=datetime(2026, 1, 1, tzinfo=PARIS))

    response = client.get("/privacy/versions/2025.1/")

    assert response.status_code == 200
    assert "Old [en]" in response.content.decode() and "This is a past version." in response.content.decode()
    assert client.get("/privacy/versions/9.9/").status_code == 404


def test_a_draft_is_not_readable(client, processor):
    _version("2027.1")

    assert client.get("/privacy/versions/2027.1/").status_code == 404


@pytest.mark.parametrize("placeholder", ["[TO BE COMPLETED: host]", "TODO", "XXX", "[email protected]"])
def test_a_placeholder_blocks_publishing(processor, placeholder):
    version = _version("2026.1", body=f"Host: {placeholder}.")

    with pytest.raises(PolicyError, match="placeholder"):
        policy_publish(version=version)

    version.refresh_from_db()
    assert version.published_at is None


def test_an_empty_processor_list_blocks_publishing(db):
    version = _version("2026.1")

    with pytest.raises(PolicyError, match="processors is empty"):
        policy_publish(version=version)


def test_a_version_without_english_cannot_be_published(processor):
    with pytest.raises(PolicyError, match="English text is missing"):
        policy_publish(version=_version("2026.1", languages=("fr",)))


def test_the_privacy_shield_is_refused(processor):
    bad = Processor(
        provider="Old US host", role="Hosting", data="All", location="US (Privacy Shield)", transfer_tool="eea"
    )
    with pytest.raises(ValidationError):
        bad.full_clean()
    with pytest.raises(PolicyError, match="Privacy Shield"):
        policy_publish(version=_version("2026.1", body="Transfers rely on the EU-US Privacy Shield."))


def test_the_transfer_tool_is_a_closed_list(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        Processor.objects.create(provider="X", role="r", data="d", location="US", transfer_tool="shield")


def test_consents_cite_the_version_in_force(published, settings):
    assert policy_version_number() == "2026.1"
    assert policy_current() == published


def test_a_substantial_version_mails_every_active_customer_in_their_language(
    processor, django_capture_on_commit_callbacks
):
    fr = CustomerFactory(email="fr@example.com", preferred_language="fr")
    CustomerFactory(email="de@example.com", preferred_language="de")
    CustomerFactory(email="gone@example.com", is_active=False)
    version = _version("2026.2", substantial=True)

    with django_capture_on_commit_callbacks(execute=True):
        policy_publish(version=version)

    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == ["de@example.com", "fr@example.com"]
    french = next(m for m in mail.outbox if m.to == [fr.email])
    assert french.subject == "Notre politique de confidentialité a changé"
    assert french.alternatives and "2026.2" in french.body
    version.refresh_from_db()
    assert version.notified_at is not None


def test_the_mailing_resumes_after_the_last_customer_told(processor, django_capture_on_commit_callbacks):
    customers = [CustomerFactory() for _ in range(5)]
    version = _version("2026.2", substantial=True)
    policy_publish(version=version, at=datetime(2026, 1, 1, tzinfo=PARIS))  # the mailing task is not run here
    # The first batch of two went out; then the worker died.
    with django_capture_on_commit_callbacks(execute=True):
        assert policy_notify_batch(version_id=version.pk, batch_size=2) == {"sent": 2, "done": False}

    results = []
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            results.append(policy_notify_batch(version_id=version.pk, batch_size=2))

    assert [r["sent"] for r in results] == [2, 1, 0]
    assert sorted(m.to[0] for m in mail.outbox) == sorted(c.email for c in customers)
    assert len({m.to[0] for m in mail.outbox}) == len(mail.outbox) == 5


def test_a_version_that_needs_approval_stops_customers_until_they_accept(client, alice, processor):
    version = _version("2026.3", needs_approval=True)
    policy_publish(version=version)
    client.force_login(alice)

    response = client.get("/account/")

    assert response.status_code == 302 and response["Location"].startswith("/privacy/accept/")
    assert client.get("/privacy/").status_code == 200  # the policy itself stays readable
    response = client.post("/privacy/accept/?next=/account/", {"accept": "yes", "next": "/account/"})
    assert response.status_code == 302 and response["Location"] == "/account/"
    row = ConsentRecord.objects.get(customer=alice, purpose=Purpose.POLICY)
    assert row.granted and row.policy_version == "2026.3" and row.source == "policy"
    assert client.get("/account/").status_code == 200


def test_the_admin_lists_who_has_not_accepted(admin_client, alice, bob, processor):
    version = _version("2026.3", needs_approval=True)
    policy_publish(version=version)
    policy_accept(customer=alice, version=version)

    response = admin_client.get(reverse("admin:privacy_policyversion_not_accepted", args=[version.pk]))

    text = response.content.decode()
    assert "bob@example.com" in text and "alice@example.com" not in text


def test_publishing_from_the_admin_reports_the_guard(admin_client, db):
    version = _version("2026.1", body="TODO")

    response = admin_client.post(
        reverse("admin:privacy_policyversion_changelist"),
        {"action": "publish", "_selected_action": [version.pk]},
        follow=True,
    )

    assert "placeholder" in response.content.decode()
    version.refresh_from_db()
    assert not version.is_published


def test_the_record_of_processing_is_generated_and_downloadable(admin_client, processor):
    rows = processing_record()
    response = admin_client.get(reverse("admin:privacy_processing_record") + "?format=csv")

    assert len(rows) >= 8
    assert response["Content-Type"].startswith("text/csv")
    body = response.content.decode("utf-8-sig")
    assert body.splitlines()[0].startswith("Purpose,Legal basis,Categories of data")
    assert "Stripe" in body and "10 years" in body
    assert admin_client.get(reverse("admin:privacy_processing_record")).status_code == 200


def test_demo_policy_is_published_once(db):
    created = seed_policy()

    assert created > 0 and seed_policy() == 0
    version = policy_current()
    assert {t.language for t in version.texts.all()} == set(LANGUAGES)


def test_a_substantial_version_is_announced_on_every_page_for_a_month(client, processor):
    version = _version("2026.2", substantial=True)
    policy_publish(version=version, at=NOW)

    with time_machine.travel(NOW, tick=False):
        assert "Our privacy policy changed on" in client.get("/privacy/request/").content.decode()
    cache.clear()
    with time_machine.travel(datetime(2027, 1, 5, tzinfo=PARIS), tick=False):
        assert "Our privacy policy changed on" not in client.get("/privacy/request/").content.decode()


def test_the_sign_up_form_links_the_policy_and_the_terms(client, db, settings):
    settings.TERMS_URL = "https://www.example.com/terms/"

    text = client.get("/account/signup/").content.decode()

    assert 'href="/privacy/"' in text.split('name="accept_terms"')[1][:600]
    assert 'href="https://www.example.com/terms/"' in text
