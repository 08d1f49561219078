"""Staff roles (R70): four groups; only the DPO works the queue, holds and breaches; Support neither erases nor sees
payment references."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts import services
from privacy.services.requests import request_file
from tests import factories

pytestmark = pytest.mark.django_db

DPO_ONLY = (
    "privacy.work_queue",
    "retention.add_legalhold",
    "retention.erase_customer",
    "privacy.view_breach",
    "privacy.add_breach",
    "privacy.change_breach",
    "privacy.view_auditentry",
    "privacy.add_authoritydisclosure",
    "accounts.reveal_sitecredential",
)


def _member(group, email):
    user = factories.StaffFactory(email=email)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def paid(alice):
    invoice = services.invoice_issue(invoice=factories.InvoiceLineFactory(invoice__customer=alice).invoice)
    return factories.TransactionFactory(customer=alice, invoice=invoice, provider_reference="pi_3QxPaymentRef")


def test_the_four_groups_exist_by_their_exact_names():
    assert set(Group.objects.values_list("name", flat=True)) >= {"Support", "Billing", "Management", "DPO"}


@pytest.mark.parametrize("group", ["Support", "Billing", "Management"])
def test_only_the_dpo_group_holds_the_queue_hold_erasure_and_breach_permissions(group, dpo):
    member = _member(group, f"{group.lower()}@example.com")

    assert [p for p in DPO_ONLY if member.has_perm(p)] == []
    assert [p for p in DPO_ONLY if not dpo.has_perm(p)] == []


@pytest.mark.parametrize("group", ["Support", "Billing", "Management"])
def test_other_groups_are_refused_the_queue_the_holds_and_the_breaches(client, alice, group):
    client.force_login(_member(group, f"{group.lower()}@example.com"))
    req = request_file(kind="erasure", channel="client_area", customer=alice)

    assert client.get(reverse("admin:privacy_datasubjectrequest_changelist")).status_code == 403
    assert client.post(reverse("admin:privacy_datasubjectrequest_start", args=[req.pk])).status_code == 403
    assert client.get(reverse("admin:retention_legalhold_add")).status_code == 403
    assert client.get(reverse("admin:privacy_breach_changelist")).status_code == 403
    assert client.get(reverse("admin:privacy_datasubjectrequest_erase", args=[req.pk])).status_code == 403


def test_the_dpo_opens_the_queue_the_holds_and_the_breaches(dpo_client):
    for name in ("privacy_datasubjectrequest_changelist", "retention_legalhold_add", "privacy_breach_changelist"):
        assert dpo_client.get(reverse(f"admin:{name}")).status_code == 200, name


def test_support_sees_the_customer_page_without_payment_references(client, alice, paid):
    client.force_login(_member("Support", "support@example.com"))

    page = client.get(reverse("admin:accounts_user_change", args=[alice.pk]))

    assert page.status_code == 200 and "alice@example.com" in page.content.decode()
    assert "pi_3QxPaymentRef" not in page.content.decode()
    assert client.get(reverse("admin:accounts_transaction_changelist")).status_code == 403


def test_the_dpo_sees_the_payment_reference_on_the_same_page(dpo_client, alice, paid):
    page = dpo_client.get(reverse("admin:accounts_user_change", args=[alice.pk]))

    assert "pi_3QxPaymentRef" in page.content.decode()
