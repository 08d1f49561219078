"""The consent ledger is append-only; the current state is the latest row per purpose (R36)."""

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.urls import reverse

from privacy.models import AppendOnlyError, ConsentRecord, Purpose
from privacy.services import consent_current, consent_record
from tests.factories import ConsentFactory, StaffFactory


@pytest.mark.smoke
@pytest.mark.django_db
def test_the_current_state_is_the_latest_row_per_purpose(alice, bob):
    with time_machine.travel("2026-01-01 10:00 +01:00", tick=False):
        ConsentFactory(customer=alice, purpose=Purpose.MARKETING_EMAIL, granted=True)
        ConsentFactory(customer=alice, purpose=Purpose.MARKETING_SMS, granted=True)
    with time_machine.travel("2026-02-01 10:00 +01:00", tick=False):
        ConsentFactory(customer=alice, purpose=Purpose.MARKETING_EMAIL, granted=False)
    ConsentFactory(customer=bob, purpose=Purpose.ANALYTICS, granted=True)

    state = consent_current(customer=alice)

    assert state[Purpose.MARKETING_EMAIL] is False
    assert state[Purpose.MARKETING_SMS] is True
    assert state[Purpose.ANALYTICS] is False  # never asked counts as refused
    assert set(state) == {p.value for p in Purpose}


@pytest.mark.django_db
def test_recording_appends_only_changes_with_its_context(alice):
    n1 = consent_record(
        customer=alice, choices={"marketing_email": True}, source="profile", ip="192.0.2.1", user_agent="UA"
    )
    n2 = consent_record(customer=alice, choices={"marketing_email": True}, source="profile")

    assert (n1, n2) == (1, 0)
    row = ConsentRecord.objects.get()
    assert (row.ip, row.user_agent, row.source, row.language) == ("192.0.2.1", "UA", "profile", "en")
    assert row.policy_version


@pytest.mark.django_db
def test_a_row_can_neither_be_changed_nor_deleted(alice):
    row = ConsentFactory(customer=alice)

    row.granted = False
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()
    with pytest.raises(AppendOnlyError):
        ConsentRecord.objects.filter(pk=row.pk).update(granted=False)
    with pytest.raises(AppendOnlyError):
        ConsentRecord.objects.filter(pk=row.pk).delete()
    assert ConsentRecord.objects.get(pk=row.pk).granted is True


@pytest.mark.django_db
def test_a_row_needs_a_customer_or_a_visitor(alice):
    from django.db import IntegrityError

    ConsentFactory(customer=None, visitor_id="v-123", purpose=Purpose.ANALYTICS)
    with pytest.raises(IntegrityError):
        ConsentFactory(customer=None, visitor_id="")


@pytest.mark.django_db
def test_even_a_superuser_cannot_add_change_or_delete_in_the_admin(client, alice):
    row = ConsentFactory(customer=alice)
    client.force_login(StaffFactory(is_superuser=True))

    assert client.get(reverse("admin:privacy_consentrecord_changelist")).status_code == 200
    page = client.get(reverse("admin:privacy_consentrecord_change", args=[row.pk]))
    assert page.status_code == 200 and b'name="_save"' not in page.content
    assert client.post(reverse("admin:privacy_consentrecord_change", args=[row.pk]), {"granted": ""}).status_code == 403
    assert client.get(reverse("admin:privacy_consentrecord_delete", args=[row.pk])).status_code == 403
    assert client.get(reverse("admin:privacy_consentrecord_add")).status_code == 403
    assert ConsentRecord.objects.get(pk=row.pk).granted is True


@pytest.mark.django_db
def test_the_dpo_reads_the_ledger(client, alice):
    ConsentFactory(customer=alice)
    dpo = StaffFactory()
    dpo.groups.add(Group.objects.get(name="DPO"))
    client.force_login(dpo)

    response = client.get(reverse("admin:privacy_consentrecord_changelist"))

    assert response.status_code == 200 and b"alice@example.com" in response.content
