"""The four staff groups of R70: what each can and cannot open; archived customers hidden from all but the DPO (R48)."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.models import User
from accounts.staff import STAFF_GROUPS
from tests import factories


def _list(name):
    return reverse(f"admin:{name}_changelist")


# What each group opens (200) and is refused (403), list page by list page.
CAN = {
    "Support": [
        "accounts_user",
        "accounts_order",
        "accounts_service",
        "accounts_domain",
        "accounts_supportticket",
        "accounts_connectionlog",
        "accounts_changelog",
    ],
    "Billing": [
        "accounts_user",
        "accounts_order",
        "accounts_invoice",
        "accounts_transaction",
        "accounts_affiliatecommission",
        "accounts_invoicesequence",
    ],
    "Management": [
        "accounts_user",
        "accounts_order",
        "accounts_invoice",
        "accounts_prospect",
        "retention_retentionrun",
    ],
    "DPO": [
        "accounts_user",
        "accounts_transaction",
        "privacy_datasubjectrequest",
        "retention_legalhold",
        "retention_erasuretombstone",
        "exports_exportjob",
    ],
}
CANNOT = {
    # R70: Support never sees payment references and runs no erasure; nobody but the DPO works requests and holds.
    "Support": [
        "accounts_transaction",
        "accounts_invoice",
        "privacy_datasubjectrequest",
        "retention_legalhold",
        "retention_erasuretombstone",
        "exports_exportjob",
        "auth_group",
        "mfa_authenticator",
    ],
    "Billing": [
        "accounts_supportticket",
        "privacy_datasubjectrequest",
        "retention_legalhold",
        "exports_exportjob",
        "auth_group",
    ],
    "Management": [
        "accounts_transaction",
        "accounts_supportticket",
        "privacy_datasubjectrequest",
        "retention_legalhold",
        "exports_exportjob",
        "auth_group",
    ],
    "DPO": ["auth_group", "mfa_authenticator", "usersessions_usersession"],
}


def _member(group_name):
    user = factories.StaffFactory(email=f"{group_name.lower()}@example.com")
    user.groups.add(Group.objects.get(name=group_name))
    return user


def test_the_four_groups_exist_by_these_names(db):
    assert set(Group.objects.filter(name__in=STAFF_GROUPS).values_list("name", flat=True)) == set(STAFF_GROUPS)


@pytest.mark.parametrize("group_name", STAFF_GROUPS)
@pytest.mark.django_db
def test_what_each_group_can_and_cannot_open(client, group_name):
    client.force_login(_member(group_name))

    assert client.get(reverse("admin:index")).status_code == 200
    opened = {name: client.get(_list(name)).status_code for name in CAN[group_name]}
    refused = {name: client.get(_list(name)).status_code for name in CANNOT[group_name]}

    assert set(opened.values()) == {200}, opened
    assert set(refused.values()) == {403}, refused


@pytest.mark.parametrize("group_name", ["Support", "Billing", "Management"])
@pytest.mark.django_db
def test_only_the_dpo_runs_an_erasure_page(client, group_name):
    client.force_login(_member(group_name))

    # Refused on the permission, before any request is even looked up.
    assert client.get(reverse("admin:privacy_datasubjectrequest_erase", args=[1])).status_code == 403


@pytest.fixture
def archived_alice(alice):
    order = factories.OrderFactory(customer=alice, reference="ORD-ARCHIVED")
    factories.TicketMessageFactory(ticket__customer=alice, ticket__subject="Archived ticket")
    factories.InvoiceLineFactory(invoice__customer=alice)
    factories.TransactionFactory(customer=alice, order=order)
    factories.ConnectionLogFactory(customer=alice)
    alice.set_state(User.State.ARCHIVED)
    alice.save()
    return alice


OWNED_LISTS = {
    "accounts_user": "accounts.User",
    "accounts_order": "accounts.Order",
    "accounts_supportticket": "accounts.SupportTicket",
    "accounts_invoice": "accounts.Invoice",
    "accounts_transaction": "accounts.Transaction",
    "accounts_connectionlog": "accounts.ConnectionLog",
}


@pytest.mark.parametrize("group_name", ["Support", "Billing", "Management"])
@pytest.mark.django_db
def test_an_archived_customer_and_what_they_own_are_nowhere_for_other_roles(client, archived_alice, bob, group_name):
    factories.OrderFactory(customer=bob, reference="ORD-BOB")
    client.force_login(_member(group_name))
    order = archived_alice.orders.get()

    for name in CAN[group_name]:
        if name not in OWNED_LISTS:
            continue
        page = client.get(_list(name))
        assert page.status_code == 200
        shown = list(page.context["cl"].result_list)
        assert all(archived_alice.pk not in (getattr(r, "customer_id", None), r.pk) for r in shown), name
        searched = client.get(_list(name), {"q": "alice"})
        assert list(searched.context["cl"].result_list) == [], name
    # Its change page is not found either, and the customer picker does not offer it.
    assert client.get(reverse("admin:accounts_order_change", args=[order.pk])).status_code == 302
    picker = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "accounts", "model_name": "order", "field_name": "customer", "term": "alice"},
    )
    assert picker.status_code in (200, 403)
    if picker.status_code == 200:
        assert picker.json()["results"] == []


@pytest.mark.django_db
def test_the_dpo_still_finds_an_archived_customer(dpo_client, archived_alice):
    order = archived_alice.orders.get()

    assert dpo_client.get(reverse("admin:accounts_order_change", args=[order.pk])).status_code == 200
    listed = dpo_client.get(_list("accounts_user"), {"q": "alice"}).context["cl"].result_list
    assert list(listed) == [archived_alice]
    picker = dpo_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "accounts", "model_name": "order", "field_name": "customer", "term": "alice"},
    )
    assert [r["id"] for r in picker.json()["results"]] == [str(archived_alice.pk)]


@pytest.mark.django_db
def test_a_superuser_outside_the_dpo_group_does_not_see_archived_customers_either(client, archived_alice):
    client.force_login(factories.StaffFactory(is_superuser=True, email="root@example.com"))

    assert archived_alice not in list(client.get(_list("accounts_user")).context["cl"].result_list)
