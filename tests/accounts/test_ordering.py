"""The order form (R02, R07, R83): a visitor's first purchase creates the account and mails a set-password link; an
address that has an account gets nothing attached and learns nothing; bad input creates nothing."""

import re
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import (
    AffiliateCommission,
    Invoice,
    Offer,
    Order,
    RecurringPaymentEvent,
    Service,
    Transaction,
    User,
)
from accounts.ordering.services import order_payment_received
from outbox.models import OutgoingMail
from privacy.registry import registry
from tests import factories

FORM = reverse("accounts:order_new")
SENT = reverse("accounts:order_sent")
IP = "198.51.100.23"
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def hosting(db):
    return Offer.objects.create(code="hosting-s", name="Hosting S", price=Decimal("9.00"), period=Offer.Period.MONTH)


@pytest.fixture
def audit(db):
    return Offer.objects.create(
        code="audit", name="Security audit", price=Decimal("150.00"), period=Offer.Period.ONCE, creates_service=False
    )


@pytest.fixture
def order(client, django_capture_on_commit_callbacks):
    def post(offer, c=None, ip=IP, **fields):
        data = {"offer": offer.pk, **fields}
        with django_capture_on_commit_callbacks(execute=True):
            return (c or client).post(FORM, {k: v for k, v in data.items() if v is not None}, REMOTE_ADDR=ip)

    return post


def visitor(**overrides):
    return {
        "first_name": "Jeanne",
        "last_name": "Petit",
        "email": "jeanne@example.org",
        "accept_terms": "on",
        **overrides,
    }


def _main(response):
    return re.search(r"<main[^>]*>(.*)</main>", response.content.decode(), re.S).group(1)


def _link(text, path):
    return re.search(rf"https?://[^\s\"<]+({re.escape(path)}[^\s\"<]*)", text).group(1)


def test_a_visitors_first_purchase_creates_the_account_and_the_order(order, audit):
    response = order(audit, **visitor(is_professional="on", company="Petit SARL", vat_number="FR 40 303265045"))

    assert response.status_code == 302 and response["Location"] == SENT
    customer = User.objects.get(email="jeanne@example.org")
    assert (customer.first_name, customer.company, customer.vat_number) == ("Jeanne", "Petit SARL", "FR40303265045")
    assert not customer.has_usable_password()
    placed = Order.objects.get(customer=customer)
    assert (placed.product, placed.amount, placed.status, placed.buyer_ip, placed.offer) == (
        "Security audit",
        Decimal("150.00"),
        Order.Status.PENDING,
        IP,
        audit,
    )
    # Invoiced when paid: an unpaid order leaves no accounting record and goes after 30 days (order_stale_delete).
    assert not Invoice.objects.exists()
    assert not Service.objects.filter(order=placed).exists()  # a one-off job runs as no service
    customer.refresh_from_db()
    assert customer.last_activity_at == placed.created_at


def test_the_payment_received_issues_the_paid_invoice_and_starts_the_service(order, hosting):
    order(hosting, **visitor(authorise_recurring="on"))
    placed = Order.objects.get()

    assert order_payment_received(order=placed) == 1
    assert order_payment_received(order=placed) == 0  # twice is once

    placed.refresh_from_db()
    assert placed.status == Order.Status.ACTIVE
    invoice = Invoice.objects.get(order=placed)
    assert invoice.number and invoice.status == Invoice.Status.PAID and invoice.total == Decimal("9.00")
    assert invoice.billing_name == "Jeanne Petit"
    payment = Transaction.objects.get(order=placed)
    assert (payment.provider, payment.provider_reference, payment.method, payment.status, payment.invoice) == (
        "bank",
        placed.reference,
        "bank_transfer",
        "succeeded",
        invoice,
    )
    assert Service.objects.get(order=placed).status == Service.Status.ACTIVE


def test_staff_record_the_payment_from_the_order_list(order, audit):
    order(audit, **visitor())
    placed = Order.objects.get()
    staff = Client()
    staff.force_login(factories.StaffFactory(is_superuser=True, email="root@example.com"))

    response = staff.post(
        reverse("admin:accounts_order_changelist"),
        {"action": "payment_received", "_selected_action": [placed.pk]},
        follow=True,
    )

    assert "1 order marked as paid." in response.content.decode()
    placed.refresh_from_db()
    assert placed.status == Order.Status.COMPLETED and Invoice.objects.get(order=placed).status == "paid"


def test_the_buyer_is_mailed_a_set_password_link_and_my_personal_data_in_their_language(client, order, audit):
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    order(audit, **visitor())

    row = OutgoingMail.objects.get(template="order_placed")
    assert row.language == "fr" and row.recipient == "jeanne@example.org"
    assert "Votre commande" in row.subject
    (sent,) = mail.outbox
    assert "/account/privacy/" in sent.body and "/account/privacy/" in sent.alternatives[0][0]
    assert "Nous avons créé votre compte client" in sent.body
    assert Order.objects.get().reference in sent.body and "FR76" in sent.body  # how to pay: the bank details
    set_password = _link(sent.body, "/account/password/reset/key/")
    customer = User.objects.get(email="jeanne@example.org")
    assert customer.preferred_language == "fr"

    page = client.get(set_password, follow=True)
    assert page.status_code == 200 and 'name="password1"' in page.content.decode()
    new = "A long new pass 42!"
    response = client.post(page.redirect_chain[-1][0], {"password1": new, "password2": new})
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.check_password(new)


def test_an_address_with_an_account_gets_nothing_attached_and_the_visitor_sees_the_same_page(
    client, order, audit, alice
):
    new = order(audit, **visitor(email="someone.new@example.org"))
    new_page = _main(client.get(new["Location"]))
    mail.outbox.clear()

    taken = order(audit, **visitor(email="ALICE@example.com", first_name="Mallory"))
    taken_page = _main(client.get(taken["Location"]))

    assert (taken.status_code, taken["Location"]) == (new.status_code, new["Location"])
    assert taken_page.replace("ALICE@example.com", "X") == new_page.replace("someone.new@example.org", "X")
    assert not Order.objects.filter(customer=alice).exists()
    alice.refresh_from_db()
    assert alice.first_name == "Alice" and User.objects.filter(email__iexact="alice@example.com").count() == 1
    (sent,) = mail.outbox
    assert sent.to == ["alice@example.com"] and "Security audit" in sent.body and "/account/login/" in sent.body
    assert "/password/reset/key/" not in sent.body  # no key mailed unasked: the owner asks for one if need be


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"first_name": ""}, "first_name", "This field is required."),
        ({"email": "not-an-address"}, "email", "Enter a valid email address."),
        ({"accept_terms": None}, "accept_terms", "This field is required."),
        ({"is_professional": "on", "vat_number": "FR00"}, "vat_number", "EU VAT number"),
        ({"last_name": "4111 1111 1111 1111"}, "last_name", "payment card number"),
    ],
)
def test_bad_input_gets_a_clear_message_and_creates_nothing(order, audit, fields, field, message):
    response = order(audit, **visitor(**fields))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Nothing was ordered: please correct the fields marked below." in html
    assert message in str(response.context["form"].errors[field])
    assert not User.objects.exists() and not Order.objects.exists() and not Invoice.objects.exists()
    assert not OutgoingMail.objects.exists()


def test_an_offer_no_longer_on_sale_is_refused(order, audit):
    audit.is_active = False
    audit.save()

    response = order(audit, **visitor())

    assert "This offer is not on sale." in str(response.context["form"].errors["offer"])
    assert not Order.objects.exists()


def test_a_logged_in_customer_orders_as_themselves_and_sees_how_to_pay(client, order, audit, alice):
    client.force_login(alice)

    response = order(audit, client, first_name="Ignored", email="other@example.org")

    placed = Order.objects.get()
    assert placed.customer == alice and placed.buyer_ip == IP
    assert response["Location"] == reverse("accounts:order_placed", args=[placed.pk])
    page = client.get(response["Location"]).content.decode()
    assert placed.reference in page and "FR76 3000 6000 0112 3456 7890 189" in page
    (row,) = OutgoingMail.objects.all()
    assert row.recipient == "alice@example.com" and "/password/reset/key/" not in row.text
    assert User.objects.count() == 1


def test_another_customers_confirmation_page_is_404(client, order, audit, alice, bob):
    client.force_login(bob)
    order(audit, client)
    client.force_login(alice)

    assert client.get(reverse("accounts:order_placed", args=[Order.objects.get().pk])).status_code == 404


# R07: the buyer's IP, as the settings trust it.


def test_the_buyers_ip_comes_from_remote_addr_and_a_forged_forwarded_for_is_ignored(client, audit, alice):
    client.force_login(alice)
    client.post(FORM, {"offer": audit.pk}, REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="10.6.6.6")

    assert Order.objects.get().buyer_ip == "203.0.113.9"


def test_the_buyers_ip_and_affiliate_code_are_declared_personal_data():
    entry = registry.entry(Order)

    assert {"buyer_ip", "affiliate_code"} <= set(entry.fields)
    assert entry.erasure.blank["buyer_ip"] is None and entry.erasure.blank["affiliate_code"] == ""
    assert entry.retention == "order_data_delete"
    assert registry.is_registered(RecurringPaymentEvent) and registry.exemption(Offer)


# R83: the session's affiliate code goes onto the order; the affiliate still sees no buyer.


def test_the_sessions_affiliate_code_goes_onto_the_order_and_books_a_commission(client, order, audit, bob):
    bob.affiliate_code = "BOB42"
    bob.save()
    client.get("/?ref=BOB42")

    order(audit, **visitor())
    order(audit, **visitor(email="second@example.org"))  # every order of the session

    assert list(Order.objects.values_list("affiliate_code", flat=True)) == ["BOB42", "BOB42"]
    commission = AffiliateCommission.objects.filter(affiliate=bob).first()
    assert AffiliateCommission.objects.filter(affiliate=bob).count() == 2 and commission.amount == Decimal("15.00")
    assert User.objects.get(email="jeanne@example.org").referred_by_code == "BOB42"

    client.force_login(bob)
    page = client.get(reverse("accounts:commission_list")).content.decode()
    assert commission.order.reference in page
    for buyer_data in ("Jeanne", "Petit", "jeanne@example.org", IP):
        assert buyer_data not in page


def test_without_a_code_in_the_session_the_order_carries_none(order, audit, bob):
    bob.affiliate_code = "BOB42"
    bob.save()

    order(audit, **visitor())

    assert Order.objects.get().affiliate_code == ""
    assert not AffiliateCommission.objects.exists()


def test_a_customer_referring_themselves_earns_nothing(client, order, audit, alice):
    alice.affiliate_code = "ALICE1"
    alice.save()
    client.force_login(alice)
    client.get("/account/?ref=ALICE1")

    order(audit, client)

    assert Order.objects.get().affiliate_code == "ALICE1" and not AffiliateCommission.objects.exists()


def test_the_order_page_costs_the_same_queries_whatever_the_catalogue(client, alice):
    def offers(n):
        for i in range(n):
            period = Offer.Period.YEAR if i % 2 else Offer.Period.ONCE
            Offer.objects.create(code=f"o{Offer.objects.count()}", name=f"Offer {i}", price=Decimal("5"), period=period)

    client.force_login(alice)
    factories.OrderFactory.create_batch(3, customer=alice)
    offers(2)
    client.get(FORM)  # the policy version in force is cached per process: warm it
    with CaptureQueriesContext(connection) as few:
        assert client.get(FORM).status_code == 200
    offers(20)
    with CaptureQueriesContext(connection) as many:
        html = client.get(FORM).content.decode()

    assert html.count('name="offer"') == 22
    assert len(many.captured_queries) == len(few.captured_queries)


def test_an_unpaid_order_leaves_nothing_behind_after_thirty_days_and_a_day(client, order, hosting):
    from tests.retention.conftest import nightly

    with time_machine.travel(datetime(2026, 3, 1, 12, 0, tzinfo=PARIS), tick=False):
        order(hosting, **visitor(authorise_recurring="on"))
    placed = Order.objects.get()

    assert nightly("order_stale_delete", "2026-03-31")["matched"] == 0
    assert nightly("order_stale_delete", "2026-04-01")["rows"]["accounts.Order"] == {"deleted": 1}
    assert not Order.objects.filter(pk=placed.pk).exists() and not Invoice.objects.exists()
    # The authorisation stays as proof, pointing to no order; the never-started service stays with the account.
    assert RecurringPaymentEvent.objects.get().order is None


# R28 on the real order path: the fraud rules judge every order placed through the form, in its transaction.


def test_an_order_the_fraud_rules_stop_is_cancelled_and_the_customer_told_in_the_same_transaction(
    client, order, hosting, alice, bob, settings
):
    settings.FRAUD_VELOCITY_MAX_ORDERS = 2
    settings.FRAUD_VELOCITY_WINDOW_MINUTES = 10
    client.force_login(bob)
    order(hosting, client, authorise_recurring="on")
    order(hosting, client, authorise_recurring="on")
    client.force_login(alice)

    response = order(hosting, client, authorise_recurring="on")

    stopped = Order.objects.filter(customer=alice).latest("pk")
    assert stopped.status == Order.Status.CANCELLED and stopped.automated_decision
    assert "2 orders" in stopped.automated_decision_reason
    assert not stopped.services.filter(status="active").exists()
    assert set(stopped.services.values_list("status", flat=True)) <= {"terminated"}
    mails = OutgoingMail.objects.filter(recipient="alice@example.com")
    assert [m.template for m in mails] == ["automated_decision"]
    page = client.get(response["Location"]).content.decode()
    assert "stopped by our automatic checks" in page and "FR76" not in page
