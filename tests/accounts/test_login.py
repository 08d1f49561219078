"""Every login attempt is logged (R07); log-out needs a POST; password reset by mail, without telling who exists."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import ConnectionLog, User
from tests.accounts.allauth_steps import LOGIN, login

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Test/1.0"
RESET = reverse("account_reset_password")


@pytest.mark.smoke
@pytest.mark.django_db
def test_a_successful_login_is_logged_with_ip_and_browser(client, alice, password):
    response = login(client, "alice@example.com", password, HTTP_USER_AGENT=BROWSER)

    assert response.status_code == 302 and response.url == reverse("accounts:dashboard")
    log = ConnectionLog.objects.get()
    assert (log.customer, log.success, log.ip, log.user_agent) == (alice, True, "127.0.0.1", BROWSER)
    alice.refresh_from_db()
    assert alice.last_activity_at == log.created_at


@pytest.mark.django_db
def test_the_old_address_of_the_login_page_still_works(client):
    assert reverse("accounts:login") == LOGIN == "/account/login/"
    assert reverse("accounts:signup") == "/account/signup/"


@pytest.mark.django_db
def test_the_email_is_case_insensitive(client, alice, password):
    assert login(client, "ALICE@Example.COM", password).status_code == 302


@pytest.mark.django_db
def test_a_wrong_password_is_logged_as_a_failure_of_that_customer(client, alice):
    response = login(client, "alice@example.com", "nope", HTTP_USER_AGENT=BROWSER)

    assert response.status_code == 200
    assert "The email address or the password is wrong." in response.content.decode()
    log = ConnectionLog.objects.get()
    assert (log.customer, log.success, log.user_agent) == (alice, False, BROWSER)


@pytest.mark.django_db
def test_an_unknown_address_is_logged_without_a_customer(client):
    login(client, "nobody@example.com", "whatever")

    log = ConnectionLog.objects.get()
    assert log.customer is None and log.success is False and log.ip == "127.0.0.1"


@pytest.mark.django_db
def test_an_archived_customer_cannot_log_in_and_is_told_why_only_with_the_right_password(client, alice, password):
    alice.set_state(User.State.ARCHIVED)
    alice.save()

    wrong = login(client, "alice@example.com", "not-the-password")
    right = login(client, "alice@example.com", password)

    assert wrong.status_code == 200 and "is wrong" in wrong.content.decode()
    assert right.status_code == 302 and right.url == reverse("account_inactive")
    assert not ConnectionLog.objects.filter(success=True).exists()
    assert client.get(reverse("accounts:dashboard")).status_code == 302


@pytest.mark.django_db
def test_logging_out_needs_a_post(alice_client):
    assert alice_client.get(reverse("account_logout")).status_code == 200  # a confirmation page, still logged in
    assert alice_client.get(reverse("accounts:dashboard")).status_code == 200
    assert alice_client.post(reverse("account_logout")).status_code == 302
    assert alice_client.get(reverse("accounts:dashboard")).status_code == 302


@pytest.mark.django_db
def test_password_reset_mails_a_working_link_in_two_parts(client, alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(RESET, {"email": "alice@example.com"})
    assert response.status_code == 302

    message = mail.outbox[0]
    assert message.to == ["alice@example.com"]
    assert message.alternatives[0].mimetype == "text/html"
    link = re.search(r"https?://\S+/password/reset/key/\S+/", message.body).group()
    form_url = client.get(link).url
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(form_url, {"password1": "another-long-pass-77", "password2": "another-long-pass-77"})
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password("another-long-pass-77")
    # The link works once, and the account's address is told the password changed.
    assert 'name="password1"' not in client.get(link, follow=True).content.decode()
    assert mail.outbox[-1].to == ["alice@example.com"] and "password" in mail.outbox[-1].subject.lower()


@pytest.mark.django_db
def test_password_reset_for_an_unknown_address_reads_the_same(client, alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(RESET, {"email": "alice@example.com"}, follow=True)
        unknown = client.post(RESET, {"email": "nobody@example.com"}, follow=True)

    assert known.redirect_chain == unknown.redirect_chain
    assert _text(known) == _text(unknown)
    # The unknown address is told that someone asked, and that it has no account here.
    assert [m.to for m in mail.outbox] == [["alice@example.com"], ["nobody@example.com"]]


def _text(response):
    return re.sub(r'value="[^"]*"', "", response.content.decode())
