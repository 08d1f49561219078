"""A real Celery worker, fed through the real Redis, delivers the sign-up code from the real database's commit."""

import email
import re
import time
from email import policy

import pytest
from celery.signals import after_task_publish
from django.core import mail
from django.urls import reverse

from accounts.models import User
from tests.factories import PASSWORD

pytestmark = pytest.mark.integration

MAIL_TIMEOUT = 30


def wait_for_eml(worker, *, timeout=MAIL_TIMEOUT):
    """The .eml files the worker wrote, polling up to `timeout` s; fails at once if the task or the worker dies."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if sorted(worker.mail_dir.glob("*.eml")):
            time.sleep(0.5)  # let a second, unexpected message show up before counting
            return sorted(worker.mail_dir.glob("*.eml"))
        log = worker.log()
        if "raised unexpected" in log or worker.process.poll() is not None:
            pytest.fail(f"the worker did not deliver the mail:\n{log}", pytrace=False)
        time.sleep(0.2)
    return []


@pytest.mark.django_db(transaction=True)
def test_worker_delivers_signup_verification_mail(client, celery_worker, celery_to_redis):
    published = []

    def on_publish(sender=None, headers=None, routing_key=None, **kwargs):
        published.append({"task": sender, "routing_key": routing_key})

    after_task_publish.connect(on_publish, weak=False)
    try:
        response = client.post(
            reverse("accounts:signup"),
            {
                "first_name": "Zoé",
                "last_name": "Worker",
                "email": "zoe.worker@example.com",
                "password1": PASSWORD,
                "country": "FR",
                "age": "of_age",
                "accept_terms": "on",
            },
        )
    finally:
        after_task_publish.disconnect(on_publish)

    assert response.status_code == 302 and response["Location"] == reverse("account_email_verification_sent")
    customer = User.objects.get(email="zoe.worker@example.com")
    assert customer.email_verified_at is None

    # The commit handed the outbox row's id to the broker, on the worker's mail queue, instead of sending it here.
    assert published == [{"task": "outbox.tasks.send_mail", "routing_key": f"{celery_worker.prefix}mail"}]
    assert mail.outbox == []

    files = wait_for_eml(celery_worker)
    assert len(files) == 1, f"expected one .eml in {celery_worker.mail_dir}, got {files}\n{celery_worker.log()}"
    log = celery_worker.log()
    assert "outbox.tasks.send_mail" in log
    assert "succeeded" in log

    message = email.message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert message["To"] == "zoe.worker@example.com"
    assert message["Subject"] == "Please Confirm Your Email Address"
    content_types = [part.get_content_type() for part in message.walk()]
    assert "text/plain" in content_types
    assert "text/html" in content_types
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()

    code = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", text, re.M).group(1)
    assert code in html
    response = client.post(reverse("account_email_verification_sent"), {"code": code})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:dashboard")
    customer.refresh_from_db()
    assert customer.email_verified_at is not None
    assert client.get(reverse("accounts:dashboard")).status_code == 200
