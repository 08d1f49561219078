"""Mail goes through one helper: a text and an HTML part, in the recipient's language; in development, .eml files."""

import email
from email import policy

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import translation

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


@pytest.mark.django_db
def test_a_mail_is_rendered_in_the_recipients_language(rf, django_capture_on_commit_callbacks):
    from allauth.core import context

    from accounts.adapter import AccountAdapter
    from tests.factories import CustomerFactory

    zoe = CustomerFactory(email="zoe@example.com", preferred_language="fr")
    request = rf.get("/")
    with context.request_context(request), django_capture_on_commit_callbacks(execute=True):
        AccountAdapter(request).send_mail("account/email/password_changed", zoe.email, {"user": zoe})
        AccountAdapter(request).send_mail("account/email/password_changed", "nobody@example.com", {})

    french, english = mail.outbox
    assert english.subject == "Password Changed"
    assert french.subject != english.subject and french.body != english.body
    assert [a.mimetype for a in french.alternatives] == ["text/html"]
    assert translation.get_language() in ("en", "en-us", None)


def test_the_allauth_template_renders_both_parts():
    subject, text, html = mail_render(
        template="allauth", context={"subject_text": "Hello", "text_body": "See https://x/y/"}, language="fr"
    )

    assert subject == "Hello" and text.strip() == "See https://x/y/"
    assert '<a href="https://x/y/"' in html


@pytest.mark.django_db
def test_the_helper_sends_after_commit_with_both_parts(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        mail_send(
            to="z@example.com",
            template="allauth",
            context={"subject_text": "Hello", "text_body": "Hello <b>Zoé</b>, https://x/"},
            language="en",
        )

    message = mail.outbox[0]
    assert message.to == ["z@example.com"] and message.alternatives[0].mimetype == "text/html"
    assert "&lt;b&gt;Zoé&lt;/b&gt;" in message.alternatives[0].content
