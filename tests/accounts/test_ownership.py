"""Every customer object is reached only by its owner (R05); the client area needs a login."""

import pytest
from django.urls import reverse

from accounts import services
from tests import factories


def _issued_invoice(customer):
    return services.invoice_issue(invoice=factories.InvoiceLineFactory(invoice__customer=customer).invoice)


# Every client-area URL that takes an object id, and how to build such an object for a customer.
OBJECT_URLS = {
    "order_detail": lambda c: factories.OrderFactory(customer=c),
    "service_detail": lambda c: factories.ServiceFactory(customer=c),
    "invoice_detail": lambda c: _issued_invoice(c),
    "ticket_detail": lambda c: factories.TicketMessageFactory(ticket__customer=c).ticket,
    "order_placed": lambda c: factories.OrderFactory(customer=c),
    # POST-only: their 404 for another customer's service is in tests/accounts/test_renewals.py.
    "service_renewal_stop": None,
    "service_payment_method": None,
    # Two ids (the ticket and its file): their 404s for another customer are in tests/accounts/test_ticket_pages.py.
    "ticket_attachment": None,
    "ticket_transcript": None,
}

LIST_URLS = [
    "dashboard",
    "profile",
    "order_list",
    "service_list",
    "domain_list",
    "invoice_list",
    "transaction_list",
    "ticket_list",
    "connection_list",
    "commission_list",
]


def _object_url_names():
    from accounts import urls

    return {p.name for p in urls.urlpatterns if "pk" in str(p.pattern) or "<str:token>" in str(p.pattern)}


def test_every_object_url_is_covered_here():
    expected = _object_url_names()
    assert expected == set(OBJECT_URLS)


@pytest.mark.smoke
@pytest.mark.parametrize("name", [n for n, make in OBJECT_URLS.items() if make])
@pytest.mark.django_db
def test_another_customers_object_is_a_404(client, alice, bob, name):
    mine, theirs = OBJECT_URLS[name](alice), OBJECT_URLS[name](bob)
    client.force_login(alice)

    assert client.get(reverse(f"accounts:{name}", args=[mine.pk])).status_code == 200
    assert client.get(reverse(f"accounts:{name}", args=[theirs.pk])).status_code == 404
    assert client.get(reverse(f"accounts:{name}", args=[10**9])).status_code == 404


@pytest.mark.django_db
def test_a_draft_invoice_is_not_shown_even_to_its_owner(alice_client, alice):
    draft = factories.InvoiceLineFactory(invoice__customer=alice).invoice

    assert alice_client.get(reverse("accounts:invoice_detail", args=[draft.pk])).status_code == 404


@pytest.mark.parametrize("name", LIST_URLS)
@pytest.mark.django_db
def test_lists_show_only_the_customers_own_rows(client, alice, bob, name):
    for make in (factories.OrderFactory, factories.ServiceFactory, factories.DomainFactory, factories.TicketFactory):
        make(customer=bob)
    services.invoice_issue(invoice=factories.InvoiceLineFactory(invoice__customer=bob).invoice)
    factories.TransactionFactory(customer=bob, provider_reference="pi_bob_secret")
    factories.ConnectionLogFactory(customer=bob, ip="192.0.2.99")
    factories.CommissionFactory(affiliate=bob, order__reference="ORD-BOB-AFF")
    client.force_login(alice)

    html = client.get(reverse(f"accounts:{name}")).content.decode()

    for secret in ("bob@example.com", "Bob", "pi_bob_secret", "192.0.2.99", "ORD-BOB-AFF", "ORD-", "example-"):
        assert secret not in html


@pytest.mark.parametrize("name", LIST_URLS)
@pytest.mark.django_db
def test_the_client_area_needs_a_login(client, name):
    response = client.get(reverse(f"accounts:{name}"))

    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


@pytest.mark.django_db
def test_the_root_leads_to_the_login_page(client):
    response = client.get("/", follow=True)

    assert response.redirect_chain[-1][0].startswith(reverse("accounts:login"))
    assert response.status_code == 200
