"""The log of disclosures to authorities (R30): who may write it, and what the subject's access answer reads."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.urls import reverse

from privacy.models import AuditEntry, AuthorityDisclosure
from privacy.registry import registry
from tests import factories

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 6, 10, 15, 0, tzinfo=PARIS)
ENDS = datetime(2026, 12, 31, 23, 0, tzinfo=PARIS)

pytestmark = pytest.mark.django_db


def _disclosure(**fields):
    values = {
        "disclosed_at": NOW,
        "authority": "DGFiP, brigade de contrôle",
        "legal_reference": "LPF art. L81",
        "data_categories": "invoices",
    }
    return AuthorityDisclosure.objects.create(**{**values, **fields})


def test_a_disclosure_about_someone_without_an_account_is_found_by_email_until_secrecy_applies():
    entry = registry.entry(AuthorityDisclosure)
    _disclosure(email="prospect@example.org")
    _disclosure(email="prospect@example.org", authority="Police judiciaire", secret_until=ENDS)

    with time_machine.travel(ENDS - timedelta(minutes=1), tick=False):
        before = list(entry.rows_for_email("Prospect@Example.org").values_list("authority", flat=True))
    with time_machine.travel(ENDS, tick=False):
        after = set(entry.rows_for_email("prospect@example.org").values_list("authority", flat=True))

    assert before == ["DGFiP, brigade de contrôle"]
    assert after == {"DGFiP, brigade de contrôle", "Police judiciaire"}


def test_a_disclosure_names_a_customer_or_an_email():
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        _disclosure()


def test_the_dpo_logs_a_disclosure_and_sees_secret_ones_in_the_admin(dpo_client, alice):
    response = dpo_client.post(
        reverse("admin:privacy_authoritydisclosure_add"),
        {
            "disclosed_at_0": "2026-06-10",
            "disclosed_at_1": "15:00:00",
            "authority": "Tribunal judiciaire de Lyon",
            "legal_reference": "Réquisition 2026/88",
            "data_categories": "identity",
            "customer": alice.pk,
            "email": "",
            "secret_until_0": "2027-01-01",
            "secret_until_1": "00:00:00",
        },
    )

    assert response.status_code == 302
    listing = dpo_client.get(reverse("admin:privacy_authoritydisclosure_changelist")).content.decode()
    assert "Tribunal judiciaire de Lyon" in listing
    stored = AuthorityDisclosure.all_objects.get()
    assert stored.is_secret() and stored.recorded_by.email == "dpo@example.com"
    assert not AuthorityDisclosure.objects.exists()  # what the subject's side reads
    assert AuditEntry.objects.filter(action="add", customer=alice, target="privacy.authoritydisclosure").exists()


def test_support_cannot_read_or_write_the_log(client, alice):
    support = factories.StaffFactory(email="support@example.com")
    support.groups.add(Group.objects.get(name="Support"))
    client.force_login(support)

    assert client.get(reverse("admin:privacy_authoritydisclosure_changelist")).status_code == 403
    assert client.get(reverse("admin:privacy_authoritydisclosure_add")).status_code == 403
