"""Steps of allauth's flows as a browser takes them, for the account tests."""

import re

from django.core import mail
from django.urls import reverse

SIGNUP = reverse("account_signup")
LOGIN = reverse("account_login")
VERIFY = reverse("account_email_verification_sent")
GOOD = {
    "first_name": "Zoé",
    "last_name": "Ålander-Ωmega",
    "email": "Zoe@Example.com",
    "password1": "a-very-long-pass-42",
    "country": "FR",
    "age": "of_age",
    "accept_terms": "on",
}


def signup(client, capture, **overrides):
    with capture(execute=True):
        return client.post(SIGNUP, {**GOOD, **overrides})


def code_in(message):
    """The verification (or reset) code allauth mails: the line of capitals and digits on its own."""
    return re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4}|[A-Z0-9]{6,8})\s*$", message.body, re.M).group(1)


def verify(client, capture, code=None):
    with capture(execute=True):
        return client.post(VERIFY, {"code": code or code_in(mail.outbox[-1])})


def login(client, email, password, **extra):
    return client.post(LOGIN, {"login": email, "password": password}, **extra)


def totp_code(secret, offset=0):
    """The code an authenticator app shows now (offset: periods later), as allauth computes it."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time

    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2] + offset))


def enrol_totp(client, capture=None):
    """Open allauth's TOTP page, read the secret it shows, type the current code; returns the secret."""
    url = reverse("mfa_activate_totp")
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    secret = client.session["mfa.totp.secret"]
    response = client.post(url, {"code": totp_code(secret)})
    assert response.status_code == 302, response.content.decode()[:2000]
    return secret
