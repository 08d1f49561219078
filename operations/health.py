"""The checks behind /healthz, for monitors: none of them reads or returns personal data.

A check is a function of no argument listed in settings.HEALTH_CHECKS. It returns a dict with at least "ok",
or None when it has nothing to check on this installation (its key is then left out of the answer). Its key
in the answer is the function's name. An exception in a check counts as that check failing.
"""

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.module_loading import import_string

from operations.models import Heartbeat
from operations.services import BEAT


def _age(moment, now):
    return None if moment is None else round((now - moment).total_seconds())


def database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True}


def broker():
    """The broker answers a connection within a few seconds."""
    from config.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=3)
    return {"ok": True}


def beat():
    """Seconds since beat's heartbeat task last ran (it runs every minute on the default queue)."""
    heartbeat = Heartbeat.objects.filter(name=BEAT).first()
    if heartbeat is None:
        return {"ok": False, "age_s": None}
    age = heartbeat.age()
    return {"ok": age <= settings.HEALTH_BEAT_MAX_AGE, "age_s": age}


def retention():
    """Seconds since a retention rule last finished a real (not dry) run.

    An installation that has not yet lived through a night has no run: that is fine until its first
    heartbeat is older than the allowed age.
    """
    run = apps.get_model("retention", "RetentionRun")
    now = timezone.now()
    finished = (
        run.objects.filter(dry_run=False, finished_at__isnull=False)
        .order_by("-finished_at")
        .values_list("finished_at", flat=True)
        .first()
    )
    limit = settings.HEALTH_RETENTION_MAX_AGE
    if finished is None:
        since = Heartbeat.objects.filter(name=BEAT).values_list("first_at", flat=True).first()
        return {"ok": since is not None and _age(since, now) <= limit, "age_s": None}
    age = _age(finished, now)
    return {"ok": age <= limit, "age_s": age}


def outbox():
    """Unsent mail in the outbox model named by HEALTH_OUTBOX_MODEL; left out when there is none."""
    label = settings.HEALTH_OUTBOX_MODEL
    if not label:
        return None
    model = apps.get_model(label)
    pending = model.objects.filter(**settings.HEALTH_OUTBOX_PENDING)
    field = settings.HEALTH_OUTBOX_DATE_FIELD
    oldest = pending.order_by(field).values_list(field, flat=True).first()
    age = _age(oldest, timezone.now())
    return {"ok": age is None or age <= settings.HEALTH_OUTBOX_MAX_AGE, "backlog": pending.count(), "oldest_age_s": age}


def health_report():
    """({check name: its answer}, all ok?) for every check in settings.HEALTH_CHECKS."""
    checks = {}
    for path in settings.HEALTH_CHECKS:
        check = import_string(path)
        try:
            result = check()
        except Exception as e:  # any failure of a check is that check failing
            # Only the exception's type: its message may carry a host name or a credential.
            result = {"ok": False, "error": type(e).__name__}
        if result is not None:
            checks[check.__name__] = result
    return checks, all(result["ok"] for result in checks.values())
