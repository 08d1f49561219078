"""The DPO's erasure page in the request queue: preview, typed email, a login within 15 minutes (R23, R69).

Moved from tests/retention/test_request_erasure.py with the page (once retention's admin, now privacy's).
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from accounts.models import Domain, Invoice, Order, Service, User
from accounts.services import invoice_issue
from privacy.models import DataSubjectRequest
from privacy.services.requests import request_file
from tests import factories
from tests.retention.population import erasure_request, everything

NOW = datetime(2026, 3, 16, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice_asks(alice, dpo):
    with time_machine.travel(NOW, tick=False):
        everything(alice, now=NOW, staff=dpo)
        return erasure_request(alice, staff=dpo, now=NOW)


def _erase_url(req):
    return reverse("admin:privacy_datasubjectrequest_erase", args=[req.pk])


def _login(client, user, when):
    with time_machine.travel(when, tick=False):
        client.force_login(user)
        User.objects.filter(pk=user.pk).update(last_login=when)


def test_the_dpo_sees_per_category_what_goes_and_what_stays_and_why(client, alice_asks, dpo):
    _login(client, dpo, NOW)
    with time_machine.travel(NOW + timedelta(minutes=1), tick=False):
        html = client.get(_erase_url(alice_asks)).content.decode()

    assert "alice@example.com" in html and 'id="erasure-preview"' in html
    assert "Accounting record kept 10 years" in html and "Support tickets" in html
    assert "The account stays as an anonymised record" in html
    assert 'id="erase-form"' in html
    assert User.objects.get(email="alice@example.com")  # a preview changes nothing


def test_a_wrong_typed_email_erases_nothing(client, alice_asks, dpo, alice):
    _login(client, dpo, NOW)
    with time_machine.travel(NOW + timedelta(minutes=5), tick=False):
        response = client.post(_erase_url(alice_asks), {"confirm_email": "bob@example.com", "response": "Done."})

    assert response.status_code == 200 and "not the person" in response.content.decode()
    assert User.objects.get(pk=alice.pk).email == "alice@example.com"


def test_a_login_older_than_15_minutes_sends_the_dpo_to_log_in_again(client, alice_asks, dpo, alice):
    _login(client, dpo, NOW)
    with time_machine.travel(NOW + timedelta(minutes=16), tick=False):
        response = client.post(_erase_url(alice_asks), {"confirm_email": "alice@example.com", "response": "Done."})

    assert response.status_code == 302 and response["Location"].startswith(reverse("account_reauthenticate"))
    assert "next=" in response["Location"]
    assert User.objects.get(pk=alice.pk).email == "alice@example.com"


def test_a_login_elsewhere_does_not_refresh_an_old_session(alice_asks, dpo, alice, password):
    # Two sessions of the same DPO (issue 9, finding 6): the old one stays old whatever the other does.
    old, fresh = Client(), Client()
    _login(old, dpo, NOW)
    _login(fresh, dpo, NOW + timedelta(minutes=20))
    data = {"confirm_email": "alice@example.com", "response": "Done."}
    with time_machine.travel(NOW + timedelta(minutes=21), tick=False):
        refused = old.post(_erase_url(alice_asks), data)
        assert refused.status_code == 302 and refused["Location"].startswith(reverse("account_reauthenticate"))
        assert User.objects.get(pk=alice.pk).email == "alice@example.com"
        done = fresh.post(_erase_url(alice_asks), data)

    assert done.status_code == 302
    assert User.objects.get(pk=alice.pk).state == User.State.ERASED


def test_a_recent_login_and_the_right_email_complete_the_request(client, alice_asks, dpo, alice):
    _login(client, dpo, NOW)
    with time_machine.travel(NOW + timedelta(minutes=14), tick=False):
        response = client.post(
            _erase_url(alice_asks), {"confirm_email": " Alice@Example.com ", "response": "Your data is erased."}
        )

    assert response.status_code == 302
    assert User.objects.get(pk=alice.pk).state == User.State.ERASED
    assert DataSubjectRequest.objects.get(pk=alice_asks.pk).status == "completed"
    assert not Order.objects.filter(customer=alice).exclude(target_url="").exists()


def test_a_blocked_erasure_shows_why_and_offers_no_button(client, alice_asks, dpo, alice):
    factories.ServiceFactory(customer=alice, status="active")
    _login(client, dpo, NOW)
    with time_machine.travel(NOW + timedelta(minutes=1), tick=False):
        html = client.get(_erase_url(alice_asks)).content.decode()

    assert "active service" in html and 'id="erase-form"' not in html


def test_support_staff_cannot_open_the_erasure_page(client, alice_asks):
    support = factories.StaffFactory(email="support@example.com")
    support.groups.add(Group.objects.get(name="Support"))
    _login(client, support, NOW)

    with time_machine.travel(NOW, tick=False):
        assert client.get(_erase_url(alice_asks)).status_code == 403


def test_only_erasure_requests_have_an_erasure_page(client, dpo, alice):
    req = request_file(kind="access", channel="client_area", customer=alice)
    _login(client, dpo, NOW)

    with time_machine.travel(NOW, tick=False):
        assert client.get(_erase_url(req)).status_code == 404


def _unpaid_invoice(customer):
    draft = factories.InvoiceFactory(customer=customer)
    factories.InvoiceLineFactory(invoice=draft, description="Hosting", unit_price="120.00")
    return invoice_issue(invoice=draft)


def _clear_url(req, action, pk):
    return reverse("admin:privacy_datasubjectrequest_erase_clear", args=[req.pk, action, pk])


def test_a_blocking_service_links_to_its_record_and_is_terminated_from_the_page(client, alice_asks, dpo, alice):
    """Issue 14: the page dead-ended on an active service, with no link and no button."""
    service = factories.ServiceFactory(customer=alice, status="active", name="Hosting Max")
    _login(client, dpo, NOW)
    with time_machine.travel(NOW + timedelta(minutes=1), tick=False):
        html = client.get(_erase_url(alice_asks)).content.decode()
        done = client.post(_clear_url(alice_asks, "terminate", service.pk))
        after = client.get(_erase_url(alice_asks)).content.decode()

    assert reverse("admin:accounts_service_change", args=[service.pk]) in html
    assert f'action="{_clear_url(alice_asks, "terminate", service.pk)}"' in html and "Terminate the service" in html
    assert done.status_code == 302 and done["Location"] == _erase_url(alice_asks)
    service.refresh_from_db()
    assert service.status == Service.Status.TERMINATED and service.ended_at == NOW + timedelta(minutes=1)
    assert 'id="erase-form"' in after and 'id="erasure-blockers"' not in after
    assert "Service Hosting Max terminated." in after


def test_clearing_a_blocker_needs_a_recent_login_and_a_post(client, alice_asks, dpo, alice):
    service = factories.ServiceFactory(customer=alice, status="active")
    _login(client, dpo, NOW)
    with time_machine.travel(NOW + timedelta(minutes=16), tick=False):
        opened = client.get(_clear_url(alice_asks, "terminate", service.pk))
        late = client.post(_clear_url(alice_asks, "terminate", service.pk))

    assert opened.status_code == 302 and opened["Location"] == _erase_url(alice_asks)
    assert late.status_code == 302 and late["Location"].startswith(reverse("account_reauthenticate"))
    assert Service.objects.get(pk=service.pk).status == Service.Status.ACTIVE


def test_another_customers_service_or_invoice_is_a_404_and_untouched(client, alice_asks, dpo):
    bob = factories.CustomerFactory(email="bob@example.com")
    service = factories.ServiceFactory(customer=bob, status="active")
    invoice = _unpaid_invoice(bob)
    _login(client, dpo, NOW)
    with time_machine.travel(NOW + timedelta(minutes=1), tick=False):
        terminate = client.post(_clear_url(alice_asks, "terminate", service.pk))
        settle = client.post(_clear_url(alice_asks, "settle", invoice.pk))
        unknown = client.post(_clear_url(alice_asks, "delete", service.pk))

    assert terminate.status_code == settle.status_code == unknown.status_code == 404
    assert Service.objects.get(pk=service.pk).status == Service.Status.ACTIVE
    assert Invoice.objects.get(pk=invoice.pk).status == Invoice.Status.UNPAID


def test_support_staff_cannot_clear_a_blocker(client, alice_asks, alice):
    support = factories.StaffFactory(email="support@example.com")
    support.groups.add(Group.objects.get(name="Support"))
    service = factories.ServiceFactory(customer=alice, status="active")
    _login(client, support, NOW)
    with time_machine.travel(NOW + timedelta(minutes=1), tick=False):
        assert client.post(_clear_url(alice_asks, "terminate", service.pk)).status_code == 403
    assert Service.objects.get(pk=service.pk).status == Service.Status.ACTIVE


def test_the_preview_lists_renewing_domains_and_unpaid_invoices_with_links(client, alice_asks, dpo, alice):
    """Issue 14: the preview did not mention auto-renewing domains or unpaid invoices."""
    renewing = factories.DomainFactory(customer=alice, name="alice-shop.fr", auto_renew=True)
    factories.DomainFactory(customer=alice, name="alice-old.fr", auto_renew=False)
    invoice = _unpaid_invoice(alice)
    _login(client, dpo, NOW)
    with time_machine.travel(NOW + timedelta(minutes=1), tick=False):
        html = client.get(_erase_url(alice_asks)).content.decode()
        settled = client.post(_clear_url(alice_asks, "settle", invoice.pk))

    settle_table = html[html.index('id="erasure-to-settle"') :]
    assert "alice-shop.fr" in settle_table and "alice-old.fr" not in settle_table
    assert reverse("admin:accounts_domain_change", args=[renewing.pk]) in settle_table
    assert "Renews automatically on" in settle_table
    assert reverse("admin:accounts_invoice_change", args=[invoice.pk]) in settle_table and invoice.number in html
    assert settled.status_code == 302
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID and invoice.paid_at == NOW + timedelta(minutes=1)
    assert Domain.objects.get(pk=renewing.pk).auto_renew  # shown, never changed by the page


def test_the_erase_button_is_styled_as_destructive(client, alice_asks, dpo):
    _login(client, dpo, NOW)
    with time_machine.travel(NOW + timedelta(minutes=1), tick=False):
        html = client.get(_erase_url(alice_asks)).content.decode()

    assert 'class="button-danger" value="Erase and complete the request"' in html
    assert "css/admin-backoffice.css" in html
