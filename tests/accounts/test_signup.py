"""Sign-up asks only for what is needed (R01), keeps marketing separate and unticked (R37), and verifies the email."""

import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from accounts.models import ConnectionLog, User
from privacy.models import ConsentRecord, Purpose

SIGNUP = reverse("accounts:signup")
GOOD = {
    "first_name": "Zoé",
    "last_name": "Ålander-Ωmega",
    "email": "Zoe@Example.com",
    "password": "a-very-long-pass-42",
    "accept_terms": "on",
}


def _signup(client, capture, **overrides):
    with capture(execute=True):
        return client.post(SIGNUP, {**GOOD, **overrides})


def _link(message):
    return re.search(r"https?://\S+/signup/verify/\S+/", message.body).group()


@pytest.mark.smoke
@pytest.mark.django_db
def test_it_opens_an_account_with_names_email_and_password_only(client, django_capture_on_commit_callbacks):
    response = _signup(client, django_capture_on_commit_callbacks)

    assert response.status_code == 200
    customer = User.objects.get()
    assert customer.email == "zoe@example.com"
    assert (customer.first_name, customer.last_name) == ("Zoé", "Ålander-Ωmega")
    assert customer.phone == customer.address == customer.company == customer.vat_number == ""
    assert customer.is_active is False and customer.email_verified_at is None
    assert customer.password.startswith("argon2")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["zoe@example.com"]
    assert [a.mimetype for a in message.alternatives] == ["text/html"]
    assert _link(message) in message.alternatives[0].content


@pytest.mark.django_db
def test_marketing_boxes_are_unticked_and_separate_from_the_terms(client):
    html = client.get(SIGNUP).content.decode()

    for name in ("marketing_email", "marketing_sms", "marketing_social"):
        tag = re.search(rf"<input[^>]*name=\"{name}\"[^>]*>", html).group()
        assert "checked" not in tag
    terms = re.search(r"<input[^>]*name=\"accept_terms\"[^>]*>", html).group()
    assert "required" in terms


@pytest.mark.django_db
def test_each_marketing_channel_is_recorded_in_the_ledger(client, django_capture_on_commit_callbacks):
    _signup(client, django_capture_on_commit_callbacks, marketing_sms="on")

    rows = {r.purpose: r for r in ConsentRecord.objects.all()}
    assert set(rows) == {Purpose.MARKETING_EMAIL, Purpose.MARKETING_SMS, Purpose.MARKETING_SOCIAL}
    assert rows[Purpose.MARKETING_SMS].granted is True
    assert rows[Purpose.MARKETING_EMAIL].granted is False
    assert rows[Purpose.MARKETING_SOCIAL].granted is False
    assert {r.source for r in rows.values()} == {ConsentRecord.Source.SIGNUP}
    assert all(r.policy_version and r.ip == "127.0.0.1" for r in rows.values())


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("last_name", "", "This field is required."),
        ("email", "not-an-email", "Enter a valid email address."),
        ("password", "123", "This password is too short."),
        ("accept_terms", "", "This field is required."),
        ("first_name", "4111 1111 1111 1111", "payment card number"),
    ],
)
@pytest.mark.django_db
def test_bad_input_is_shown_on_the_field_and_creates_nothing(
    client, django_capture_on_commit_callbacks, field, value, message
):
    response = _signup(client, django_capture_on_commit_callbacks, **{field: value})

    assert response.status_code == 200
    assert message in response.context["form"].errors[field][0]
    assert not User.objects.exists()
    assert not ConsentRecord.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_an_address_already_in_use_is_refused_whatever_its_case(client, alice, django_capture_on_commit_callbacks):
    response = _signup(client, django_capture_on_commit_callbacks, email="ALICE@example.com")

    assert "already uses this email" in response.context["form"].errors["email"][0]
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_the_link_verifies_the_address_and_logs_the_customer_in(client, django_capture_on_commit_callbacks):
    _signup(client, django_capture_on_commit_callbacks)

    response = client.get(_link(mail.outbox[0]))

    assert response.status_code == 302 and response.url == reverse("accounts:dashboard")
    customer = User.objects.get()
    assert customer.is_active and customer.email_verified_at is not None
    assert client.get(reverse("accounts:dashboard")).status_code == 200


@pytest.mark.django_db
def test_a_tampered_link_changes_nothing(client, django_capture_on_commit_callbacks):
    _signup(client, django_capture_on_commit_callbacks)

    response = client.get(_link(mail.outbox[0]).replace("/verify/ey", "/verify/ez"))

    assert response.status_code == 400
    assert User.objects.get().email_verified_at is None


@pytest.mark.django_db
def test_the_link_expires_after_72_hours(client, django_capture_on_commit_callbacks):
    with time_machine.travel("2026-03-28 12:00 +01:00", tick=False):
        _signup(client, django_capture_on_commit_callbacks)
    link = _link(mail.outbox[0])

    # 72 hours later, across the switch to summer time, plus one second.
    with time_machine.travel("2026-03-31 13:00:01 +02:00", tick=False):
        assert client.get(link).status_code == 400
    with time_machine.travel("2026-03-31 12:59 +02:00", tick=False):
        assert client.get(link).status_code == 302


@pytest.mark.django_db
def test_logging_in_before_verifying_says_why_and_is_logged(client, django_capture_on_commit_callbacks):
    _signup(client, django_capture_on_commit_callbacks)

    response = client.post(reverse("accounts:login"), {"username": GOOD["email"], "password": GOOD["password"]})

    assert "Confirm your email address first" in response.content.decode()
    log = ConnectionLog.objects.get()
    assert log.success is False and log.customer == User.objects.get()


@pytest.mark.django_db
def test_a_logged_in_customer_is_sent_to_the_dashboard(alice_client):
    assert alice_client.get(SIGNUP).url == reverse("accounts:dashboard")
