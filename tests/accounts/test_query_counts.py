"""List pages cost the same number of queries whatever the customer's history."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import services
from tests import factories
from tests.accounts.test_ownership import LIST_URLS


def _history(customer, n):
    orders = factories.OrderFactory.create_batch(n, customer=customer)
    for order in orders:
        factories.ServiceFactory(customer=customer, order=order)
        factories.TransactionFactory(customer=customer, order=order)
    factories.DomainFactory.create_batch(n, customer=customer)
    factories.TicketFactory.create_batch(n, customer=customer)
    factories.ConnectionLogFactory.create_batch(n, customer=customer)
    factories.CommissionFactory.create_batch(n, affiliate=customer)
    for _ in range(n):
        invoice = factories.InvoiceLineFactory(invoice__customer=customer).invoice
        services.invoice_issue(invoice=invoice)
        factories.TransactionFactory(customer=customer, invoice=invoice)


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_list_pages_do_not_grow_with_the_data(client, alice, bob):
    _history(alice, 2)
    _history(bob, 40)  # beyond one page of 25
    client.force_login(alice)
    # The policy version in force is cached per process (one query a minute): warm it so both sides count alike.
    client.get(reverse("accounts:dashboard"))
    small = {name: _queries(client, reverse(f"accounts:{name}")) for name in LIST_URLS}
    client.force_login(bob)
    large = {name: _queries(client, reverse(f"accounts:{name}")) for name in LIST_URLS}

    assert small == large


@pytest.mark.django_db
def test_the_order_list_runs_these_queries(alice_client, alice, django_assert_num_queries):
    _history(alice, 30)
    alice_client.get(reverse("accounts:dashboard"))  # the first request caches the policy version for everyone
    # session, user, savepoint (ATOMIC_REQUESTS), count for the paginator, the page of orders, release
    with django_assert_num_queries(6):
        alice_client.get(reverse("accounts:order_list"))
