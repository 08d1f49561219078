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
