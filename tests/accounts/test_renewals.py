"""Recurring charges (R88): an explicit, logged authorisation to buy a renewable service; stopping the renewal and
changing the means of payment from the client area, both logged; another customer's service is a 404."""

import re
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import override_settings
from django.urls import reverse

from accounts.models import Offer, Order, RecurringPaymentEvent, Service
from privacy.registry import Keep, registry

FORM = reverse("accounts:order_new")
PARIS = ZoneInfo("Europe/Paris")
HOSTED = "https://pay.example.test/update-method"


@pytest.fixture
def hosting(db):
    return Offer.objects.create(code="hosting-s", name="Hosting S", price=Decimal("9.00"), period=Offer.Period.MONTH)


@pytest.fixture
def place(client, django_capture_on_commit_callbacks):
    def post(offer, **fields):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(FORM, {"offer": offer.pk, **fields}, REMOTE_ADDR="198.51.100.40", HTTP_USER_AGENT="UA/1")

    return post


@pytest.fixture
def alice_service(client, alice, hosting, place):
    client.force_login(alice)
    place(hosting, authorise_recurring="on")
    return Service.objects.get(customer=alice)


def test_the_recurring_box_is_unticked_on_the_form(client, alice, hosting):
    client.force_login(alice)

    html = client.get(FORM).content.decode()

    (box,) = re.findall(r'<input[^>]*name="authorise_recurring"[^>]*>', html)
    assert "checked" not in box
    assert "renews every month at 9.00 EUR until I stop the renewal" in html


def test_a_renewable_offer_without_the_authorisation_is_refused_and_creates_nothing(client, alice, hosting, place):
    client.force_login(alice)

    response = place(hosting)

    assert response.status_code == 200
    assert "tick the box to authorise the recurring charges" in response.content.decode()
    assert not Order.objects.exists() and not Service.objects.exists() and not RecurringPaymentEvent.objects.exists()


def test_the_authorisation_is_logged_with_its_words_time_and_ip(client, alice, hosting, place):
    with time_machine.travel(datetime(2028, 1, 31, 10, 0, tzinfo=PARIS), tick=False):
        client.force_login(alice)
        place(hosting, authorise_recurring="on")

    alice_service = Service.objects.get(customer=alice)
    event = RecurringPaymentEvent.objects.get()

    assert (event.customer, event.service, event.action) == (alice, alice_service, "authorised")
    assert event.order == alice_service.order and event.service_name == "Hosting S"
    assert event.wording.startswith("I authorise recurring charges: Hosting S renews every month at 9.00 EUR")
    assert (event.ip, event.user_agent, event.language) == ("198.51.100.40", "UA/1", "en")
    assert event.created_at == datetime(2028, 1, 31, 10, 0, tzinfo=PARIS)
    assert alice_service.auto_renew and alice_service.status == Service.Status.SUSPENDED  # until paid
    # A month after 31 January is the end of February, a leap February here.
    assert alice_service.renews_at.astimezone(PARIS) == datetime(2028, 2, 29, 10, 0, tzinfo=PARIS)


def test_the_authorisation_is_logged_in_the_buyers_language(client, alice, hosting, place):
    alice.preferred_language = "de"
    alice.save()
    client.force_login(alice)

    place(hosting, authorise_recurring="on")

    event = RecurringPaymentEvent.objects.get()
    assert event.language == "de" and event.wording.startswith("Ich erlaube wiederkehrende Abbuchungen: Hosting S")


def test_the_customer_stops_the_renewal_and_it_is_logged(client, alice_service):
    page = client.get(reverse("accounts:service_detail", args=[alice_service.pk])).content.decode()
    assert "Stop the automatic renewal" in page

    response = client.post(
        reverse("accounts:service_renewal_stop", args=[alice_service.pk]), REMOTE_ADDR="198.51.100.41"
    )

    assert response.status_code == 302
    alice_service.refresh_from_db()
    assert not alice_service.auto_renew
    event = RecurringPaymentEvent.objects.get(action="renewal_stopped")
    assert (event.service, event.ip, event.wording) == (alice_service, "198.51.100.41", "Stop the automatic renewal")
    # Twice is once.
    client.post(reverse("accounts:service_renewal_stop", args=[alice_service.pk]))
    assert RecurringPaymentEvent.objects.filter(action="renewal_stopped").count() == 1
    assert "Does not renew" in client.get(reverse("accounts:service_detail", args=[alice_service.pk])).content.decode()


@override_settings(PAYMENT_METHOD_UPDATE_URL=HOSTED)
def test_the_customer_changes_the_payment_method_on_the_providers_page_and_it_is_logged(client, alice_service):
    response = client.post(
        reverse("accounts:service_payment_method", args=[alice_service.pk]), REMOTE_ADDR="198.51.100.42"
    )

    assert response.status_code == 302
    assert response["Location"].startswith(HOSTED + "?service=SRV-")
    assert "return_url=http" in response["Location"]
    event = RecurringPaymentEvent.objects.get(action="method_change")
    assert (event.service, event.ip) == (alice_service, "198.51.100.42")


def test_without_a_hosted_page_nothing_is_logged_and_the_customer_is_told_why(client, alice_service):
    response = client.post(reverse("accounts:service_payment_method", args=[alice_service.pk]), follow=True)

    assert "no means of payment is stored" in response.content.decode()
    assert not RecurringPaymentEvent.objects.filter(action="method_change").exists()


@override_settings(PAYMENT_METHOD_UPDATE_URL=HOSTED)
@pytest.mark.parametrize("name", ["accounts:service_renewal_stop", "accounts:service_payment_method"])
def test_another_customers_service_is_404_and_changes_nothing(client, bob, alice_service, name):
    client.force_login(bob)

    assert client.post(reverse(name, args=[alice_service.pk])).status_code == 404
    alice_service.refresh_from_db()
    assert alice_service.auto_renew
    assert list(RecurringPaymentEvent.objects.values_list("action", flat=True)) == ["authorised"]


@pytest.mark.parametrize("name", ["accounts:service_renewal_stop", "accounts:service_payment_method"])
def test_the_renewal_actions_need_a_post(alice_service, client, name):
    assert client.get(reverse(name, args=[alice_service.pk])).status_code == 405


def test_the_log_is_registered_and_an_erasure_keeps_the_proof_without_the_network_details():
    entry = registry.entry(RecurringPaymentEvent)

    assert entry.owner == "customer" and entry.retention == "customer_lifetime"
    assert isinstance(entry.erasure, Keep)
    assert entry.erasure.blank == {"ip": None, "user_agent": ""}
    assert {"ip", "wording", "action", "created_at"} <= set(entry.fields)
    assert {"renews_at", "auto_renew"} <= set(registry.entry(Service).fields)


def test_the_profile_offers_both_actions_and_comes_back_to_the_profile(client, alice_service):
    profile = reverse("accounts:profile")
    html = client.get(profile).content.decode()
    assert reverse("accounts:service_renewal_stop", args=[alice_service.pk]) in html
    assert reverse("accounts:service_payment_method", args=[alice_service.pk]) in html

    response = client.post(reverse("accounts:service_renewal_stop", args=[alice_service.pk]), {"next": profile})

    assert response["Location"] == profile
    assert RecurringPaymentEvent.objects.filter(action="renewal_stopped", service=alice_service).exists()
    assert reverse("accounts:service_renewal_stop", args=[alice_service.pk]) not in client.get(profile).content.decode()


def test_a_foreign_next_is_not_followed(client, alice_service):
    response = client.post(
        reverse("accounts:service_renewal_stop", args=[alice_service.pk]), {"next": "https://evil.example/"}
    )

    assert response["Location"] == reverse("accounts:service_detail", args=[alice_service.pk])


def test_an_erasure_keeps_the_authorisation_as_proof_and_removes_the_network_details(alice, alice_service):
    from retention.services import customer_erase

    order = alice_service.order
    Order.objects.filter(pk=order.pk).update(affiliate_code="BOB42")

    customer_erase(customer=alice, reference="test")

    event = RecurringPaymentEvent.objects.get(action="authorised")
    assert (event.ip, event.user_agent, event.service) == (None, "", None)  # the service itself is deleted
    assert event.wording.startswith("I authorise recurring charges: Hosting S") and event.service_name == "Hosting S"
    order.refresh_from_db()
    assert (order.buyer_ip, order.affiliate_code) == (None, "")
