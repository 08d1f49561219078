"""The automatic fraud rules (R28): an order they stop is an automated decision, and the customer is told why and how
to ask a person to review it (Art. 22). An upheld objection to fraud prevention (R26) switches the scoring off."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse

from accounts.fraud import order_fraud_screen
from accounts.models import ObjectedPurpose, Order, ProcessingObjection
from outbox.models import OutgoingMail
from tests import factories

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 3, 29, 2, 30, tzinfo=PARIS)  # the night summer time starts


def _burst(customer, n, *, ip="203.0.113.7", start=NOW):
    return [
        factories.OrderFactory(
            customer=customer, buyer_ip=ip, status=Order.Status.PENDING, created_at=start - timedelta(minutes=i)
        )
        for i in range(n)
    ]


@pytest.fixture
def rules(settings):
    settings.FRAUD_SCREENING = True
    settings.FRAUD_VELOCITY_MAX_ORDERS = 3
    settings.FRAUD_VELOCITY_WINDOW_MINUTES = 10
    settings.FRAUD_VAT_COUNTRY_MISMATCH = True
    return settings


@pytest.mark.django_db
def test_card_testing_cancels_the_order_marks_it_automated_and_mails_the_customer(
    alice, rules, django_capture_on_commit_callbacks
):
    *_, newest = reversed(_burst(alice, 4))

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        reason = order_fraud_screen(order=newest, now=NOW)
        # The mail is written with the decision, in the same transaction (the outbox row).
        assert OutgoingMail.objects.filter(recipient=alice.email, template="automated_decision").count() == 1

    newest.refresh_from_db()
    assert "more than 3 orders" in reason and "10 minutes" in reason
    assert (newest.status, newest.automated_decision, newest.automated_decision_reason) == (
        Order.Status.CANCELLED,
        True,
        reason,
    )
    sent = mail.outbox[-1]
    body = sent.body
    assert newest.reference in sent.subject
    assert reason in body  # the logic
    assert "reviewed by a person" in body and "Ask for a human review" in body  # the right, and how to use it
    assert reverse("accounts:order_detail", args=[newest.pk]) in body
    assert sent.alternatives and reason in sent.alternatives[0][0]


@pytest.mark.django_db
def test_the_customer_is_told_in_their_own_language(rules, django_capture_on_commit_callbacks):
    zoe = factories.CustomerFactory(preferred_language="fr")
    *_, newest = reversed(_burst(zoe, 4))

    with django_capture_on_commit_callbacks(execute=True):
        reason = order_fraud_screen(order=newest, now=NOW)

    assert "commandes" in reason
    assert reason in mail.outbox[-1].body


@pytest.mark.django_db
def test_under_the_limit_or_outside_the_window_nothing_is_decided(alice, rules):
    orders = _burst(alice, 3)
    old = factories.OrderFactory(customer=alice, status=Order.Status.PENDING, created_at=NOW - timedelta(minutes=11))

    assert order_fraud_screen(order=orders[0], now=NOW) is None
    assert order_fraud_screen(order=old, now=NOW) is None
    assert not Order.objects.filter(automated_decision=True).exists()
    assert not OutgoingMail.objects.filter(template="automated_decision").exists()


@pytest.mark.django_db
def test_many_customers_from_one_address_count_together(rules):
    for _ in range(3):
        _burst(factories.CustomerFactory(), 1, ip="198.51.100.9")
    newest = _burst(factories.CustomerFactory(), 1, ip="198.51.100.9")[0]

    assert order_fraud_screen(order=newest, now=NOW)


@pytest.mark.django_db
def test_a_vat_number_from_another_country_than_the_address_stops_the_order(rules):
    buyer = factories.CustomerFactory(is_professional=True, vat_number="DE136695976", country="FR")
    order = factories.OrderFactory(customer=buyer, status=Order.Status.PENDING, created_at=NOW)

    reason = order_fraud_screen(order=order, now=NOW)

    assert "(DE)" in reason and "(FR)" in reason
    rules.FRAUD_VAT_COUNTRY_MISMATCH = False
    other = factories.OrderFactory(customer=buyer, status=Order.Status.PENDING, created_at=NOW)
    assert order_fraud_screen(order=other, now=NOW) is None


@pytest.mark.django_db
def test_a_greek_vat_prefix_matches_greece(rules):
    buyer = factories.CustomerFactory(is_professional=True, vat_number="EL094259216", country="GR")
    order = factories.OrderFactory(customer=buyer, status=Order.Status.PENDING, created_at=NOW)

    assert order_fraud_screen(order=order, now=NOW) is None


@pytest.mark.django_db
def test_the_setting_switches_the_rules_off(alice, rules):
    rules.FRAUD_SCREENING = False
    *_, newest = reversed(_burst(alice, 5))

    assert order_fraud_screen(order=newest, now=NOW) is None


@pytest.mark.django_db
def test_an_upheld_objection_to_fraud_prevention_stops_the_scoring_of_that_customer(alice, bob, rules):
    ProcessingObjection.objects.create(customer=alice, purpose=ObjectedPurpose.FRAUD)
    *_, newest = reversed(_burst(alice, 5))

    assert order_fraud_screen(order=newest, now=NOW) is None
    newest.refresh_from_db()
    assert not newest.automated_decision
    # Nor do her orders count in anyone else's score from the same address.
    bobs = _burst(bob, 1)[0]
    assert order_fraud_screen(order=bobs, now=NOW) is None


@pytest.mark.django_db
def test_the_order_page_offers_the_human_review(alice_client, alice, rules):
    *_, newest = reversed(_burst(alice, 4))
    order_fraud_screen(order=newest, now=NOW)

    page = alice_client.get(reverse("accounts:order_detail", args=[newest.pk])).content.decode()

    assert "Ask for a human review" in page and "more than 3 orders" in page
