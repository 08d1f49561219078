"""R04: every change to a customer's data appends a change-log row, whoever made it: scheduled jobs on the "job"
channel, staff editing an order, a ticket or the record of a death in the back-office on the "admin" channel."""

import pytest
import time_machine
from django.urls import reverse

from accounts.models import ChangeLog, User
from accounts.services import invoice_issue
from tests import factories
from tests.admin_forms import admin_change
from tests.retention.conftest import at, nightly

pytestmark = pytest.mark.django_db


@pytest.fixture
def root_client(client):
    root = User.objects.create_superuser(email="root@example.com", password="x" * 12)  # noqa: S106
    client.force_login(root)
    client.root = root
    return client


def _logs(customer):
    return list(
        ChangeLog.objects.filter(customer_id=customer.pk).values_list("field", "old_value", "new_value", "channel")
    )


def test_the_nightly_archiving_of_an_inactive_customer_is_in_their_change_log():
    with time_machine.travel(at("2025-01-02"), tick=False):
        customer = factories.CustomerFactory(date_joined=at("2025-01-02"))
    User.objects.filter(pk=customer.pk).update(last_activity_at=at("2026-01-31"), last_login=at("2026-01-31"))

    nightly("customer_inactive_archive", "2026-05-01")

    assert _logs(customer) == [("state", "active", "archived", ChangeLog.Channel.JOB)]
    log = ChangeLog.objects.get(customer=customer)
    assert log.actor is None and log.actor_role == "system"


def test_a_minor_erased_by_the_nightly_job_keeps_that_fact_in_the_tombstones_change_log():
    with time_machine.travel(at("2026-01-01"), tick=False):
        minor = factories.CustomerFactory(flagged_minor_at=at("2026-01-01"))
        invoice_issue(invoice=factories.InvoiceLineFactory(invoice__customer=minor).invoice)  # keeps a tombstone

    nightly("minor_erase", "2026-03-01")

    assert User.objects.get(pk=minor.pk).state == User.State.ERASED
    assert _logs(minor) == [("state", "active", "erased", ChangeLog.Channel.JOB)]


def test_a_staff_edit_of_an_order_is_logged(root_client):
    order = factories.OrderFactory(status="pending")

    response = admin_change(root_client, reverse("admin:accounts_order_change", args=[order.pk]), status="cancelled")

    assert response.status_code == 302
    log = ChangeLog.objects.get(customer=order.customer)
    assert (log.field, log.old_value, log.new_value, log.channel) == (
        f"order {order.pk}.status",
        "pending",
        "cancelled",
        ChangeLog.Channel.ADMIN,
    )
    assert log.actor == root_client.root and log.actor_role == "staff"


def test_a_staff_edit_of_a_ticket_and_of_one_of_its_messages_is_logged(root_client):
    ticket = factories.TicketFactory(subject="Site down")
    message = factories.TicketMessageFactory(ticket=ticket, body="My card ends 42, call me")
    url = reverse("admin:accounts_supportticket_change", args=[ticket.pk])
    prefix = "messages-0-"

    response = admin_change(root_client, url, subject="Site down (fixed)", **{f"{prefix}body": "Call me"})

    assert response.status_code == 302
    assert set(_logs(ticket.customer)) == {
        (f"supportticket {ticket.pk}.subject", "Site down", "Site down (fixed)", ChangeLog.Channel.ADMIN),
        (f"ticketmessage {message.pk}.body", "My card ends 42, call me", "Call me", ChangeLog.Channel.ADMIN),
    }


def test_recording_a_death_in_the_admin_is_logged(root_client):
    customer = factories.CustomerFactory()
    url = reverse("admin:accounts_user_change", args=[customer.pk])

    response = admin_change(
        root_client,
        url,
        deceased_at_0="2026-03-01",
        deceased_at_1="10:00:00",
        deceased_evidence="Death certificate from the town hall",
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    fields = {field: (new, channel) for field, _old, new, channel in _logs(customer)}
    assert fields["deceased_evidence"] == ("Death certificate from the town hall", ChangeLog.Channel.ADMIN)
    assert fields["deceased_at"][0].startswith("2026-03-01")
