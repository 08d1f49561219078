"""The mail outbox (issue 8, finding 4): a mail is a row written with its cause, sent once, and swept if left."""

import ast
from datetime import UTC, datetime, timedelta
from pathlib import Path
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.urls import reverse

from config.mail import mail_send
from outbox import services
from outbox.models import OutgoingMail
from privacy.registry import registry
from retention.services import customer_erase, rule_apply

NOW = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 02:30 in Paris, the night summer time ends
Status = OutgoingMail.Status
ROOT = Path(__file__).resolve().parents[2]


def _send(to="alice@example.com", **context):
    mail_send(
        to=to,
        template="allauth",
        context={"subject_text": "Confirm your address", "text_body": "Open https://x/verify/abc/", **context},
        language="fr",
    )


@pytest.mark.django_db
def test_a_mail_is_a_row_written_in_its_causes_transaction(alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _send()
        row = OutgoingMail.objects.get()

    assert (row.status, row.recipient, row.customer, row.template, row.language) == (
        Status.PENDING,
        "alice@example.com",
        alice,
        "allauth",
        "fr",
    )
    assert "https://x/verify/abc/" in row.text and "https://x/verify/abc/" in row.html
    assert len(callbacks) == 1 and mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_cause_leaves_no_mail():
    with pytest.raises(RuntimeError), transaction.atomic():
        _send()
        raise RuntimeError("the request failed after queuing its mail")

    assert OutgoingMail.objects.count() == 0 and mail.outbox == []


@pytest.mark.django_db
def test_a_mail_whose_process_died_after_the_commit_is_sent_by_the_beat_job(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):  # the on-commit hand-off never runs
        _send()

    counts = services.outbox_send_due()

    row = OutgoingMail.objects.get()
    assert counts == {"due": 1, "sent": 1}
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["alice@example.com"]
    assert mail.outbox[0].extra_headers["Message-ID"] == row.message_id
    assert {a.mimetype for a in mail.outbox[0].alternatives} == {"text/html"}
    # Once sent only the evidence stays: the one-time link is not kept in the database.
    assert (row.status, row.text, row.html, row.lease_token) == (Status.SENT, "", "", None)
    assert row.sent_at is not None


@pytest.mark.django_db
def test_a_mail_is_never_sent_twice_by_the_task_the_beat_job_or_a_second_copy(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _send()
    pk = OutgoingMail.objects.get().pk

    assert services.outbox_send(mail_id=pk) == 0
    assert services.outbox_send_due() == {"due": 0, "sent": 0}
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_mail_held_by_a_live_sender_is_left_alone_and_taken_back_when_its_lease_ends(
    django_capture_on_commit_callbacks, settings
):
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=False):
        _send()
    pk = OutgoingMail.objects.get().pk
    with time_machine.travel(NOW, tick=False):
        token = services.outbox_claim(mail_id=pk)  # a worker took it, then was SIGKILLed

    with time_machine.travel(NOW + timedelta(seconds=settings.MAIL_OUTBOX_LEASE_SECONDS - 1), tick=False):
        during = services.outbox_send_due()
    with time_machine.travel(NOW + timedelta(seconds=settings.MAIL_OUTBOX_LEASE_SECONDS + 1), tick=False):
        after = services.outbox_send_due()

    row = OutgoingMail.objects.get()
    assert token is not None
    assert during == {"due": 0, "sent": 0}
    assert after == {"due": 1, "sent": 1}
    assert (row.status, row.attempts, len(mail.outbox)) == (Status.SENT, 2, 1)


@pytest.mark.django_db
def test_a_late_sender_whose_lease_was_taken_cannot_mark_the_new_attempt(django_capture_on_commit_callbacks, settings):
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=False):
        _send()
    pk = OutgoingMail.objects.get().pk
    with time_machine.travel(NOW, tick=False):
        old = services.outbox_claim(mail_id=pk)
    with time_machine.travel(NOW + timedelta(seconds=settings.MAIL_OUTBOX_LEASE_SECONDS + 1), tick=False):
        new = services.outbox_claim(mail_id=pk)

    assert old is not None and new is not None and old != new
    assert OutgoingMail.objects.filter(pk=pk, lease_token=old).count() == 0


@pytest.mark.django_db
def test_a_failed_attempt_is_retried_later_and_given_up_after_the_last(django_capture_on_commit_callbacks, settings):
    settings.MAIL_OUTBOX_MAX_ATTEMPTS = 2
    with (
        time_machine.travel(NOW, tick=False),
        mock.patch.object(services, "_deliver", side_effect=OSError("connection refused")),
    ):
        with django_capture_on_commit_callbacks(execute=True):
            _send()
        first = OutgoingMail.objects.get()
        assert services.outbox_send_due() == {"due": 0, "sent": 0}  # not before its retry time
    with (
        time_machine.travel(NOW + timedelta(seconds=31), tick=False),
        mock.patch.object(services, "_deliver", side_effect=OSError("connection refused")),
    ):
        services.outbox_send_due()

    last = OutgoingMail.objects.get()
    assert (first.status, first.attempts, first.last_error) == (Status.PENDING, 1, "OSError: connection refused")
    assert first.next_attempt_at == NOW + timedelta(seconds=30)
    assert (last.status, last.attempts) == (Status.FAILED, 2)
    assert mail.outbox == []


@pytest.mark.django_db
def test_the_outbox_is_registered_personal_data_found_by_customer_and_by_address(alice, bob):
    _send(to="ALICE@example.com")
    _send(to="prospect@example.com")
    entry = registry.entry(OutgoingMail)

    assert entry.retention == "outbox_sent_delete"
    assert list(entry.rows_for_user(alice).values_list("recipient", flat=True)) == ["ALICE@example.com"]
    assert entry.rows_for_user(bob).count() == 0
    assert entry.rows_for_email("prospect@example.com").count() == 1


@pytest.mark.django_db
def test_erasing_a_customer_deletes_their_mails(alice, bob, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _send(to="alice@example.com")
        _send(to="bob@example.com")

    customer_erase(customer=alice, reference="TEST-1")

    assert list(OutgoingMail.objects.values_list("recipient", flat=True)) == ["bob@example.com"]


@pytest.mark.django_db
def test_sent_mail_is_deleted_after_the_period_in_the_settings(settings, django_capture_on_commit_callbacks):
    settings.MAIL_OUTBOX_RETENTION_DAYS = 30
    with time_machine.travel(NOW - timedelta(days=31), tick=False), django_capture_on_commit_callbacks(execute=True):
        _send(to="old@example.com")
    with time_machine.travel(NOW - timedelta(days=29), tick=False), django_capture_on_commit_callbacks(execute=True):
        _send(to="recent@example.com")
    with time_machine.travel(NOW - timedelta(days=60), tick=False), django_capture_on_commit_callbacks(execute=False):
        _send(to="unsent@example.com")

    with time_machine.travel(NOW, tick=False):
        dry = rule_apply(rule="outbox_sent_delete", dry_run=True)
        after_dry_run = OutgoingMail.objects.count()
        counts = rule_apply(rule="outbox_sent_delete")

    assert (dry["matched"], after_dry_run) == (1, 3)
    assert counts["deleted"] == 1
    assert sorted(OutgoingMail.objects.values_list("recipient", flat=True)) == [
        "recent@example.com",
        "unsent@example.com",
    ]


def test_the_beat_sends_what_is_left_within_two_minutes(settings):
    sweep = settings.CELERY_BEAT_SCHEDULE["outbox-send-due"]

    assert sweep["task"] == "outbox.tasks.send_due_mail"
    assert settings.MAIL_OUTBOX_LEASE_SECONDS + sweep["schedule"].total_seconds() <= 120
    assert settings.CELERY_BEAT_SCHEDULE["outbox-purge"]["task"] == "outbox.tasks.purge_sent_mail"


def test_config_imports_no_app():
    apps = {"accounts", "privacy", "retention", "exports", "outbox"}
    found = []
    for path in (ROOT / "config").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            found += [f"{path.name}: {n}" for n in names if n.split(".")[0] in apps]

    assert found == []


def test_every_kind_of_mail_has_a_label_and_every_label_a_template():
    folders = {p.name for p in (ROOT / "templates" / "emails").iterdir() if p.is_dir()}

    assert set(OutgoingMail.Kind.values) == folders


@pytest.mark.django_db
def test_my_personal_data_names_each_mail_in_the_customers_language_not_by_its_template(alice, client):
    client.force_login(alice)
    _send(to=alice.email)
    OutgoingMail.objects.update(template="request_received")

    pages = {}
    for language in ("en", "fr"):
        alice.preferred_language = language
        alice.save(update_fields=["preferred_language"])
        pages[language] = client.get(reverse("privacy:my_data")).content.decode()
    english, french = pages["en"], pages["fr"]

    assert "Request received" in english and "request_received" not in english
    assert "Demande reçue" in french and "request_received" not in french
