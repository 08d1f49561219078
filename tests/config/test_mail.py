"""Mail goes through one helper: a text and an HTML part, in the recipient's language; in development, .eml files."""

import email
from email import policy

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import translation

from accounts.models import User
from config.mail import mail_render, mail_send


def test_the_development_backend_writes_one_eml_file_per_message(tmp_path):
    mailers = {"default": {"BACKEND": "config.mail.EmlFileBackend", "OPTIONS": {"file_path": str(tmp_path)}}}
    with override_settings(MAILERS=mailers):
        mail.mailers._settings = None
        msg = mail.EmailMultiAlternatives("Sujet é", "Texte", "a@example.com", ["b@example.com"])
        msg.attach_alternative("<p>HTML</p>", "text/html")
        msg.send()
        mail.EmailMessage("Second", "Body", "a@example.com", ["c@example.com"]).send()

    files = sorted(tmp_path.glob("*.eml"))
    assert len(files) == 2
    parsed = email.message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert parsed["Subject"] == "Sujet é" and parsed["To"] == "b@example.com"
    assert {p.get_content_type() for p in parsed.walk()} >= {"text/plain", "text/html"}


def test_a_mail_is_rendered_in_the_recipients_language():
    customer = User(first_name="Zoé", email="z@example.com")
    context = {"customer": customer, "link": "https://x/verify/abc/", "hours": 72}

    en = mail_render(template="signup_verify", context=context, language="en")
    fr = mail_render(template="signup_verify", context=context, language="fr")

    assert en[0] == "Confirm your email address"
    assert fr[0] != en[0]
    assert "https://x/verify/abc/" in fr[1] and "https://x/verify/abc/" in fr[2]
    assert translation.get_language() in ("en", "en-us", None)


@pytest.mark.django_db
def test_the_helper_sends_after_commit_with_both_parts(django_capture_on_commit_callbacks):
    customer = User(first_name="<b>Zoé</b>", email="z@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        mail_send(
            to="z@example.com",
            template="signup_verify",
            context={"customer": customer, "link": "https://x/", "hours": 72},
            language="en",
        )

    message = mail.outbox[0]
    assert message.to == ["z@example.com"] and message.alternatives[0].mimetype == "text/html"
    assert "&lt;b&gt;Zoé&lt;/b&gt;" in message.alternatives[0].content
