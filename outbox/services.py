"""Sending the outbox: claim a row under a lease, hand it to the mail backend, mark it sent.

Why a lease and not only a lock: the claim is a conditional UPDATE (pending -> sending, with a lease end and a
fresh token) committed BEFORE the mail leaves, so no transaction stays open across an SMTP conversation and a
second worker, a second copy of the task or the beat job can never claim the same row while the lease runs.
A worker killed while sending leaves the row "sending"; once the lease ends the beat job claims it again.

The trade-off, stated honestly: delivery is at-least-once, not exactly-once. If a worker is killed after the
mail server accepted the message but before "sent" is committed (a window of one UPDATE), the mail goes out a
second time when the lease ends. Nothing on our side can close that window (the mail server and our database
share no transaction); every attempt carries the row's own Message-ID, which lets the receiving side drop the
copy. A worker killed before the server accepted the message causes no duplicate at all.
"""

import logging
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import F, Q
from django.utils import timezone

from outbox.models import OutgoingMail, Status

logger = logging.getLogger(__name__)

# Seconds before the first retry after a failed attempt; doubles each time, up to an hour.
RETRY_BASE = 30
RETRY_CEILING = 3600


def _lease():
    return timedelta(seconds=settings.MAIL_OUTBOX_LEASE_SECONDS)


def _claimable(now):
    return Q(status=Status.PENDING, next_attempt_at__lte=now) | Q(status=Status.SENDING, lease_until__lt=now)


def outbox_claim(*, mail_id, now=None):
    """Take one due mail for sending: its lease token, or None when it is sent, given up or leased elsewhere."""
    now = now or timezone.now()
    token = uuid.uuid4()
    claimed = OutgoingMail.objects.filter(_claimable(now), pk=mail_id).update(
        status=Status.SENDING, lease_until=now + _lease(), lease_token=token, attempts=F("attempts") + 1
    )
    return token if claimed else None


def _deliver(mail):
    message = EmailMultiAlternatives(
        subject=mail.subject,
        body=mail.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[mail.recipient],
        headers={**(mail.headers or {}), "Message-ID": mail.message_id},
    )
    message.attach_alternative(mail.html, "text/html")
    message.send()


def outbox_send(*, mail_id, now=None) -> int:
    """Send one outbox mail if it is due and nobody else holds it; 1 when this call sent it, else 0."""
    token = outbox_claim(mail_id=mail_id, now=now)
    if token is None:
        return 0
    mail = OutgoingMail.objects.get(pk=mail_id)
    try:
        _deliver(mail)
    except Exception as e:
        _failed(mail, token, e)
        return 0
    # The bodies may hold one-time links (password reset, sign-up): once sent, only the evidence stays.
    marked = OutgoingMail.objects.filter(pk=mail_id, lease_token=token).update(
        status=Status.SENT, sent_at=timezone.now(), lease_until=None, lease_token=None, text="", html="", last_error=""
    )
    if not marked:
        logger.warning("outbox mail %s was sent after its lease ended; another attempt may send it again", mail_id)
    return 1


def _failed(mail, token, error):
    attempts = mail.attempts
    give_up = attempts >= settings.MAIL_OUTBOX_MAX_ATTEMPTS
    delay = min(RETRY_BASE * 2 ** (attempts - 1), RETRY_CEILING)
    OutgoingMail.objects.filter(pk=mail.pk, lease_token=token).update(
        status=Status.FAILED if give_up else Status.PENDING,
        next_attempt_at=timezone.now() + timedelta(seconds=delay),
        lease_until=None,
        lease_token=None,
        last_error=f"{type(error).__name__}: {error}"[:2000],
    )
    log = logger.error if give_up else logger.warning
    log("outbox mail %s attempt %s failed%s: %s", mail.pk, attempts, " (given up)" if give_up else "", error)


def outbox_send_due(*, now=None, limit=None) -> dict:
    """What the beat job does: send every mail left unsent (broker down, a process killed) or whose lease ended."""
    now = now or timezone.now()
    limit = limit or settings.MAIL_OUTBOX_BATCH
    due = OutgoingMail.objects.filter(_claimable(now)).order_by("next_attempt_at", "pk")
    counts = {"due": 0, "sent": 0}
    for mail_id in list(due.values_list("pk", flat=True)[:limit]):
        counts["due"] += 1
        counts["sent"] += outbox_send(mail_id=mail_id, now=now)
    return counts


def outbox_purge(*, now=None, dry_run=False) -> dict:
    """Delete mails sent (or given up) more than MAIL_OUTBOX_RETENTION_DAYS ago (rule outbox_sent_delete)."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.MAIL_OUTBOX_RETENTION_DAYS)
    done = Q(status=Status.SENT, sent_at__lt=cutoff) | Q(status=Status.FAILED, next_attempt_at__lt=cutoff)
    due = OutgoingMail.objects.filter(done)
    if dry_run:
        return {"matched": due.count(), "deleted": 0}
    deleted, _ = due.delete()
    return {"matched": deleted, "deleted": deleted}
