"""Every login attempt is logged (R07); password reset goes through the mail helper."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import ConnectionLog, User

LOGIN = reverse("accounts:login")
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Test/1.0"


@pytest.mark.smoke
@pytest.mark.django_db
def test_a_successful_login_is_logged_with_ip_and_browser(client, alice, password):
    response = client.post(LOGIN, {"username": "alice@example.com", "password": password}, HTTP_USER_AGENT=BROWSER)

    assert response.status_code == 302 and response.url == reverse("accounts:dashboard")
    log = ConnectionLog.objects.get()
    assert (log.customer, log.success, log.ip, log.user_agent) == (alice, True, "127.0.0.1", BROWSER)
    alice.refresh_from_db()
    assert alice.last_activity_at == log.created_at


@pytest.mark.django_db
def test_the_email_is_case_insensitive(client, alice, password):
    response = client.post(LOGIN, {"username": "ALICE@Example.COM", "password": password})

    assert response.status_code == 302


@pytest.mark.django_db
def test_a_wrong_password_is_logged_as_a_failure_of_that_customer(client, alice):
    response = client.post(LOGIN, {"username": "alice@example.com", "password": "nope"}, HTTP_USER_AGENT=BROWSER)

    assert response.status_code == 200
    assert "The email address or the password is wrong." in response.content.decode()
    log = ConnectionLog.objects.get()
    assert (log.customer, log.success, log.user_agent) == (alice, False, BROWSER)


@pytest.mark.django_db
def test_an_unknown_address_is_logged_without_a_customer(client):
    client.post(LOGIN, {"username": "nobody@example.com", "password": "whatever"})

    log = ConnectionLog.objects.get()
    assert log.customer is None and log.success is False and log.ip == "127.0.0.1"


@pytest.mark.django_db
def test_an_archived_customer_cannot_log_in_and_is_told_why(client, alice, password):
    alice.set_state(User.State.ARCHIVED)
    alice.save()

    response = client.post(LOGIN, {"username": "alice@example.com", "password": password})

    assert "closed or archived" in response.content.decode()
    assert ConnectionLog.objects.get().success is False
    assert alice.archived_at is not None


@pytest.mark.django_db
def test_logging_out_needs_a_post(alice_client):
    assert alice_client.get(reverse("accounts:logout")).status_code == 405
    assert alice_client.post(reverse("accounts:logout")).status_code == 302
    assert alice_client.get(reverse("accounts:dashboard")).status_code == 302


@pytest.mark.django_db
def test_password_reset_mails_a_working_link_in_two_parts(client, alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:password_reset"), {"email": "alice@example.com"})
    assert response.status_code == 302

    message = mail.outbox[0]
    assert message.to == ["alice@example.com"]
    assert message.alternatives[0].mimetype == "text/html"
    link = re.search(r"https?://\S+/password-reset/\S+/\S+/", message.body).group()
    form_url = client.get(link).url
    response = client.post(form_url, {"new_password1": "another-long-pass-77", "new_password2": "another-long-pass-77"})
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password("another-long-pass-77")


@pytest.mark.django_db
def test_password_reset_for_an_unknown_address_says_the_same_and_sends_nothing(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.com"})

    assert response.status_code == 302
    assert mail.outbox == []
