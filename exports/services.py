"""Exports: ask for one, build it, deliver it, send it on, expire it (R64-R67, R20, R27).

Jobs are claimed with conditional updates, so a second worker, a second run of a task or a beat job
running beside a build never does the same work twice. Every function that changes data returns counts.
"""

import logging
import os
import secrets
import shutil
import time
from datetime import timedelta

from celery import current_app
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from config.languages import subject_language
from config.links import LinkInvalid
from config.mail import mail_send
from exports.builder import build_archive
from exports.models import ACTIVE_STATUSES, ExportJob, Status, Transmission
from privacy.files import files_orphans_remove

logger = logging.getLogger(__name__)

CONFIRM_SALT = "exports.transmission-confirm"
# Exports a customer may ask for from the client area in 24 hours: each one is a full read of their history.
DAILY_LIMIT = 5


BUILD_TASK = "exports.tasks.build_export"


class ExportError(Exception):
    """A refusal the person acting should read."""


def site_link(path):
    return settings.EXPORT_SITE_URL + path


def _send(job_id):
    # Queued by name: exports.tasks imports this module, so this module does not import it back.
    current_app.signature(BUILD_TASK, args=(job_id,)).apply_async()


def _dispatch(job_id):
    # robust: with the broker down the page still answers; the job stays pending and the beat job sends it again.
    transaction.on_commit(lambda: _send(job_id), robust=True)


def export_request(*, customer=None, email="", request=None, requested_by=None, deliver=None, now=None) -> ExportJob:
    """Queue an export of one subject (a customer, or an email address); the same one already queued is reused.

    With `request`, the export is attached to it and, while the request is open, kept for the DPO unless
    `deliver`: completing the request delivers it (R20).
    """
    now = now or timezone.now()
    if request is not None:
        customer = request.customer
        email = "" if customer is not None else request.requester_email
    email = "" if customer is not None else (email or "").strip().lower()
    if customer is None and not email:
        raise ExportError(_("An export needs a customer or an email address."))
    with transaction.atomic():
        queued = ExportJob.objects.for_subject(customer=customer, email=email)
        existing = queued.active().filter(request=request).first()
        if existing is not None:
            # Asking again for a copy whose worker died starts it again at once, not after the beat job.
            if existing.is_stuck(now):
                _requeue(existing.pk, now)
                existing.refresh_from_db()
            return existing
        self_service = request is None and requested_by is not None and requested_by.pk == getattr(customer, "pk", 0)
        if self_service and queued.filter(created_at__gte=now - timedelta(days=1)).count() >= DAILY_LIMIT:
            raise ExportError(
                _("You have asked for %(n)s copies in the last 24 hours. Use the newest one, or try again tomorrow.")
                % {"n": DAILY_LIMIT}
            )
        job = ExportJob.objects.create(
            customer=customer,
            subject_email=email,
            request=request,
            requested_by=requested_by,
            language=subject_language(customer),
            deliver_to_subject=deliver if deliver is not None else (request is None or not request.is_open),
            created_at=now,
            dispatched_at=now,
        )
        _dispatch(job.pk)
    return job


def export_for_request(*, request, actor) -> ExportJob:
    """The DPO builds the export of a request's subject from the queue; it is attached to the request."""
    if request.identity_verified_at is None:
        raise ExportError(_("Verify the person's identity first."))
    return export_request(request=request, requested_by=actor)


def export_deliver_for_request(*, request) -> ExportJob:
    """Completing an access or portability request: deliver the attached export, or queue one (R20, R27)."""
    job = request.exports.exclude(status__in=(Status.FAILED, Status.EXPIRED)).order_by("-created_at").first()
    if job is None or job.is_expired():
        return export_request(request=request, requested_by=None, deliver=True)
    # Marked while still building: the build announces it when it ends. The row lock orders us with the worker.
    if ExportJob.objects.filter(pk=job.pk, status__in=ACTIVE_STATUSES).update(deliver_to_subject=True):
        return job
    ExportJob.objects.filter(pk=job.pk).update(deliver_to_subject=True)
    job.refresh_from_db()
    export_announce(job=job)
    return job


def export_retry(*, job, now=None) -> int:
    """Queue again an export that failed or is stuck (its worker died); 0 when it is neither."""
    now = now or timezone.now()
    updated = ExportJob.objects.filter(pk=job.pk, status=Status.FAILED).update(
        status=Status.PENDING, progress=0, error="", failed_at=None, dispatched_at=now
    )
    if updated:
        _dispatch(job.pk)
        return updated
    return _requeue(job.pk, now)


def _dead(now):
    """Running jobs whose worker stopped beating (started_at for rows from before the heartbeat existed)."""
    stale = now - timedelta(seconds=settings.EXPORT_HEARTBEAT_STALE_SECONDS)
    return Q(status=Status.RUNNING) & (Q(heartbeat_at__lt=stale) | Q(heartbeat_at__isnull=True, started_at__lt=stale))


def _lost_message(now):
    cutoff = now - timedelta(minutes=settings.EXPORT_STALE_PENDING_MINUTES)
    return Q(status=Status.PENDING) & (Q(dispatched_at__lt=cutoff) | Q(dispatched_at__isnull=True))


def _requeue(job_id, now) -> int:
    """Put a stuck job back to pending and queue it; the conditional update makes a race with the beat job
    or a reviving worker harmless (the build's own claim decides who builds)."""
    updated = ExportJob.objects.filter(_dead(now) | _lost_message(now), pk=job_id).update(
        status=Status.PENDING, progress=0, dispatched_at=now
    )
    if updated:
        _dispatch(job_id)
    return updated


def _progress_writer(job_id, started_at):
    """Saves the percentage, which is also the heartbeat, at most twice a second unless it jumped (the end of a
    phase), and at least every few seconds. Only while this build still owns the job (same started_at)."""
    last = {"at": time.monotonic(), "percent": 0}
    beat_every = max(settings.EXPORT_HEARTBEAT_STALE_SECONDS / 6, 0.5)

    def write(percent):
        moment = time.monotonic()
        if moment - last["at"] < 0.5 and percent - last["percent"] < 10:
            return
        if percent == last["percent"] and moment - last["at"] < beat_every:
            return
        last.update(at=moment, percent=percent)
        ExportJob.objects.filter(pk=job_id, status=Status.RUNNING, started_at=started_at).update(
            progress=percent, heartbeat_at=timezone.now()
        )

    return write


def _claim(job_id, now):
    return ExportJob.objects.filter(Q(status=Status.PENDING) | _dead(now), pk=job_id).update(
        status=Status.RUNNING, started_at=now, heartbeat_at=now, progress=0, error="", attempts=F("attempts") + 1
    )


def export_build(*, job_id, now=None) -> dict:
    """Build the ZIP of a pending export; does nothing for one already running elsewhere, ready or expired."""
    now = now or timezone.now()
    if not _claim(job_id, now):
        return {"built": 0, "failed": 0, "skipped": 1}
    job = ExportJob.objects.select_related("customer", "request", "requested_by").get(pk=job_id)
    root = settings.EXPORT_ROOT
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    _remove_dead_builds(root, job.pk)
    name = f"{job.pk}-{secrets.token_hex(8)}.zip"
    destination = root / name
    try:
        stats = build_archive(job, destination, progress=_progress_writer(job.pk, now))
        os.chmod(destination, 0o600)
    except Exception as e:
        destination.unlink(missing_ok=True)
        logger.exception("export %s failed", job.pk)
        ExportJob.objects.filter(pk=job.pk, status=Status.RUNNING, started_at=now).update(
            status=Status.FAILED, failed_at=timezone.now(), error=f"{type(e).__name__}: {e}"[:2000]
        )
        return {"built": 0, "failed": 1, "skipped": 0}
    finished = ExportJob.objects.filter(pk=job.pk, status=Status.RUNNING, started_at=now).update(
        status=Status.READY,
        ready_at=timezone.now(),
        progress=100,
        file_name=name,
        file_size=stats.size,
        row_count=stats.rows,
    )
    if not finished:
        # Taken over by another worker after being thought lost: its file wins.
        destination.unlink(missing_ok=True)
        return {"built": 0, "failed": 0, "skipped": 1}
    job.refresh_from_db()
    if job.deliver_to_subject:
        export_announce(job=job)
    return {"built": 1, "failed": 0, "skipped": 0, "rows": stats.rows}


def _remove_dead_builds(root, job_id):
    """What a killed build of this job left (a partial ZIP, its scratch folder): this build owns the job now."""
    for path in root.glob(f"{job_id}-*.zip"):
        path.unlink(missing_ok=True)
    for path in root.glob(f".build-{job_id}-*"):
        shutil.rmtree(path, ignore_errors=True)


def export_announce(*, job, now=None) -> int:
    """Mail the subject that their export is ready: to the client area, or with an expiring link when they
    have no account. At most once per export."""
    now = now or timezone.now()
    if not ExportJob.objects.filter(pk=job.pk, status=Status.READY, announced_at__isnull=True).update(announced_at=now):
        return 0
    context = {"job": job, "name": "", "expires_at": job.expires_at, "site_time_zone": settings.SITE_TIME_ZONE}
    if job.customer_id:
        context.update(name=job.customer.get_full_name(), link=site_link(reverse("privacy:my_data") + "#copy"))
        mail_send(to=job.customer.email, template="export_ready", context=context, language=job.language)
        return 1
    transmission = Transmission(
        job=job,
        recipient_kind=Transmission.Recipient.SUBJECT,
        recipient_email=job.subject_email,
        created_at=now,
        confirmed_at=now,
        sent_at=now,
        expires_at=job.expires_at,
    )
    token = transmission.issue_token()
    transmission.save()
    context.update(
        name=job.request.requester_name if job.request_id else "",
        link=site_link(reverse("exports:link_download", args=[token])),
        by_link=True,
    )
    mail_send(to=job.subject_email, template="export_ready", context=context, language=job.language)
    return 1


def transmission_request(*, job, recipient_email, requested_by, now=None) -> Transmission:
    """The subject names another controller (Art. 20(2)); nothing is sent until they confirm from their mailbox."""
    now = now or timezone.now()
    recipient_email = (recipient_email or "").strip().lower()
    try:
        validate_email(recipient_email)
    except ValidationError:
        raise ExportError(_("Enter the email address of the provider who should receive your data.")) from None
    if not job.is_downloadable(now):
        raise ExportError(_("This copy can no longer be sent: build a new one first."))
    transmission = Transmission.objects.create(
        job=job,
        recipient_kind=Transmission.Recipient.CONTROLLER,
        recipient_email=recipient_email,
        requested_by=requested_by,
        created_at=now,
    )
    token = signing.dumps({"t": transmission.pk}, salt=CONFIRM_SALT)
    mail_send(
        to=job.subject_address,
        template="export_transmission_confirm",
        context={
            "transmission": transmission,
            "job": job,
            "link": site_link(reverse("exports:transmission_confirm", args=[token])),
            "hours": settings.EXPORT_CONFIRM_MAX_AGE // 3600,
        },
        language=job.language,
    )
    return transmission


def transmission_for_token(token):
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=settings.EXPORT_CONFIRM_MAX_AGE)
    except signing.BadSignature as e:
        raise LinkInvalid from e
    transmission = Transmission.objects.select_related("job", "job__customer").filter(pk=data["t"]).first()
    if transmission is None:
        raise LinkInvalid
    return transmission


@transaction.atomic
def transmission_confirm(*, token, now=None) -> Transmission:
    """The subject confirmed again: mail the receiving controller an expiring link, and log it (R27)."""
    now = now or timezone.now()
    transmission = transmission_for_token(token)
    transmission = (
        Transmission.objects.select_for_update(of=("self",))
        .select_related("job", "job__customer")
        .get(pk=transmission.pk)
    )
    if transmission.sent_at is not None:
        return transmission
    job = transmission.job
    if not job.is_downloadable(now):
        raise ExportError(_("This copy has expired: build a new one and ask again."))
    link_token = transmission.issue_token()
    transmission.confirmed_at = transmission.sent_at = now
    transmission.expires_at = min(now + timedelta(hours=settings.EXPORT_LINK_HOURS), job.expires_at)
    transmission.save()
    subject_name = job.customer.get_full_name() if job.customer_id else ""
    mail_send(
        to=transmission.recipient_email,
        template="export_transmission",
        context={
            "transmission": transmission,
            "subject_name": subject_name,
            "subject_email": job.subject_address,
            "link": site_link(reverse("exports:link_download", args=[link_token])),
            "expires_at": transmission.expires_at,
            "site_time_zone": settings.SITE_TIME_ZONE,
        },
        language=job.language,
    )
    return transmission


def export_hand_over(*, customer, recipient_email, since, now=None) -> bool:
    """Post-mortem directive (LIL art. 85, R29): build the deceased customer's export, then mail the trusted person
    an expiring link to it, once. Called again until it returns True (the build runs on a worker meanwhile)."""
    now = now or timezone.now()
    jobs = ExportJob.objects.for_subject(customer=customer, email="").filter(requested_by=None, created_at__gte=since)
    if Transmission.objects.filter(
        job__in=jobs, recipient_kind=Transmission.Recipient.TRUSTED_PERSON, sent_at__isnull=False
    ).exists():
        return True
    job = jobs.exclude(status__in=(Status.FAILED, Status.EXPIRED)).order_by("-created_at").first()
    if job is None:
        export_request(customer=customer, requested_by=None, deliver=False, now=now)
        return False
    if not job.is_downloadable(now):
        return False
    transmission = Transmission(
        job=job,
        recipient_kind=Transmission.Recipient.TRUSTED_PERSON,
        recipient_email=recipient_email.strip().lower(),
        created_at=now,
        confirmed_at=now,
        sent_at=now,
        expires_at=min(now + timedelta(hours=settings.EXPORT_LINK_HOURS), job.expires_at),
    )
    token = transmission.issue_token()
    transmission.save()
    mail_send(
        to=transmission.recipient_email,
        template="export_handover",
        context={
            "subject_name": customer.get_full_name(),
            "link": site_link(reverse("exports:link_download", args=[token])),
            "expires_at": transmission.expires_at,
            "site_time_zone": settings.SITE_TIME_ZONE,
        },
        language=job.language,
    )
    return True


def exports_redispatch_stale(*, now=None) -> dict:
    """Queue again what never started (the broker was down, or kombu's filesystem broker handed the message to a
    worker that died before claiming it) and what lost its worker: no heartbeat for the stale window (R66)."""
    now = now or timezone.now()
    counts = {"pending_redispatched": 0, "running_restarted": 0}
    for key, condition in (("pending_redispatched", _lost_message(now)), ("running_restarted", _dead(now))):
        for pk in ExportJob.objects.filter(condition).values_list("pk", flat=True)[:500]:
            counts[key] += _requeue(pk, now)
    return counts


def exports_expire(*, now=None) -> dict:
    """Delete the files of exports ready for EXPORT_RETENTION_DAYS; the records stay, marked expired (R66).

    The file goes first: a worker killed in between leaves a ready record without a file, which the next
    run expires. Leftovers of killed builds are swept too.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.EXPORT_RETENTION_DAYS)
    counts = {"expired": 0, "files_deleted": 0, "leftovers_deleted": 0}
    due = ExportJob.objects.filter(status=Status.READY, ready_at__lte=cutoff)
    for job in due.only("pk", "file_name").iterator():
        counts["files_deleted"] += job.delete_file()
        counts["expired"] += ExportJob.objects.filter(pk=job.pk, status=Status.READY).update(
            status=Status.EXPIRED, expired_at=now
        )
    counts["leftovers_deleted"] = _sweep_leftovers(now)
    return counts


def _sweep_leftovers(now):
    # Leftovers of a killed build, and files whose row was deleted by a process that died before removing them.
    return files_orphans_remove()
