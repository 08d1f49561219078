"""Sign-up (allauth) asks only what is needed (R01), keeps marketing separate and unticked (R37), verifies by code."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import ConnectionLog, User
from privacy.models import ConsentRecord, Purpose
from tests.accounts.allauth_steps import GOOD, SIGNUP, code_in, login, signup, verify


@pytest.mark.smoke
@pytest.mark.django_db
def test_it_opens_an_account_with_names_email_and_password_only(client, django_capture_on_commit_callbacks):
    response = signup(client, django_capture_on_commit_callbacks)

    assert response.status_code == 302 and response.url == reverse("account_email_verification_sent")
    customer = User.objects.get()
    assert customer.email == "zoe@example.com"
    assert (customer.first_name, customer.last_name) == ("Zoé", "Ålander-Ωmega")
    assert customer.phone == customer.address == customer.company == customer.vat_number == ""
    assert customer.email_verified_at is None
    assert customer.password.startswith("argon2")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["zoe@example.com"]
    assert [a.mimetype for a in message.alternatives] == ["text/html"]
    assert code_in(message) in message.alternatives[0].content


@pytest.mark.django_db
def test_the_mail_speaks_the_language_of_the_page(client, django_capture_on_commit_callbacks):
    client.cookies["django_language"] = "fr"
    signup(client, django_capture_on_commit_callbacks, HTTP_ACCEPT_LANGUAGE="fr")

    assert User.objects.get().preferred_language == "fr"
    assert "code" in mail.outbox[0].body and "Merci" in mail.outbox[0].body


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
    signup(client, django_capture_on_commit_callbacks, marketing_sms="on")

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
        ("password1", "123", "This password is too short."),
        ("accept_terms", "", "This field is required."),
        ("first_name", "4111 1111 1111 1111", "payment card number"),
    ],
)
@pytest.mark.django_db
def test_bad_input_is_shown_on_the_field_and_creates_nothing(
    client, django_capture_on_commit_callbacks, field, value, message
):
    response = signup(client, django_capture_on_commit_callbacks, **{field: value})

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not User.objects.exists()
    assert not ConsentRecord.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_the_code_verifies_the_address_and_logs_the_customer_in_once(client, django_capture_on_commit_callbacks):
    signup(client, django_capture_on_commit_callbacks)

    response = verify(client, django_capture_on_commit_callbacks)

    assert response.status_code == 302 and response.url == reverse("accounts:dashboard")
    customer = User.objects.get()
    assert customer.is_active and customer.email_verified_at is not None
    assert client.get(reverse("accounts:dashboard")).status_code == 200
    assert ConnectionLog.objects.filter(customer=customer, success=True).count() == 1


@pytest.mark.django_db
def test_a_wrong_code_changes_nothing(client, django_capture_on_commit_callbacks):
    signup(client, django_capture_on_commit_callbacks)

    response = verify(client, django_capture_on_commit_callbacks, code="AAAA-AAAA")

    assert response.status_code == 200
    assert User.objects.get().email_verified_at is None
    assert client.get(reverse("accounts:dashboard")).status_code == 302


@pytest.mark.django_db
def test_logging_in_before_verifying_sends_a_new_code(client, django_capture_on_commit_callbacks):
    signup(client, django_capture_on_commit_callbacks)
    client.cookies.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = login(client, GOOD["email"], GOOD["password1"])

    assert response.status_code == 302 and response.url == reverse("account_email_verification_sent")
    assert len(mail.outbox) == 2 and code_in(mail.outbox[1]) != code_in(mail.outbox[0])
    assert not ConnectionLog.objects.filter(success=True).exists()


@pytest.mark.django_db
def test_a_logged_in_customer_is_sent_to_the_dashboard(alice_client):
    assert alice_client.get(SIGNUP).url == reverse("accounts:dashboard")
