"""/healthz: each check's healthy and failing state, the 503, and that nothing personal is in the answer."""

import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.urls import reverse

from exports.models import ExportJob
from operations.models import Heartbeat
from operations.services import heartbeat_record
from operations.tasks import beat_heartbeat
from retention.models import RetentionRun

NOW = datetime(2026, 3, 29, 1, 30, tzinfo=UTC)  # the night Paris moves to summer time


@pytest.fixture
def healthy(db, settings):
    """Beat beat a minute ago, retention finished last night; the broker is the embedded filesystem one."""
    settings.CELERY_BROKER_URL = "filesystem://"
    with time_machine.travel(NOW - timedelta(days=3), tick=False):
        heartbeat_record()
    with time_machine.travel(NOW - timedelta(minutes=1), tick=False):
        heartbeat_record()
    RetentionRun.objects.create(
        rule="customer_inactive",
        as_of=NOW.date(),
        started_at=NOW - timedelta(hours=23),
        finished_at=NOW - timedelta(hours=22, minutes=58),
    )


def _get(client):
    with time_machine.travel(NOW, tick=False):
        response = client.get(reverse("healthz"))
    return response, json.loads(response.content)


def test_all_well_is_200_with_each_check(client, healthy):
    response, body = _get(client)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert body == {
        "status": "ok",
        "checks": {
            "database": {"ok": True},
            "broker": {"ok": True},
            "beat": {"ok": True, "age_s": 60},
            "retention": {"ok": True, "age_s": (22 * 60 + 58) * 60},
            "outbox": {"ok": True, "backlog": 0, "oldest_age_s": None},
        },
    }


def test_mail_stuck_in_the_real_outbox_is_a_503(client, healthy):
    from outbox.models import OutgoingMail

    OutgoingMail.objects.create(
        recipient="someone@example.com",
        subject="Hello",
        message_id="<stuck@example.com>",
        created_at=NOW - timedelta(minutes=20),
    )

    response, body = _get(client)

    assert response.status_code == 503
    assert body["checks"]["outbox"]["ok"] is False and body["checks"]["outbox"]["backlog"] == 1
    assert "someone" not in response.content.decode()


def test_no_outbox_model_means_no_outbox_key(client, healthy, settings):
    settings.HEALTH_OUTBOX_MODEL = ""

    _, body = _get(client)

    assert "outbox" not in body["checks"]


def test_the_answer_names_no_one(client, healthy, alice):
    response, _ = _get(client)

    for value in (alice.email, alice.first_name, alice.last_name, str(alice.pk) + "@"):
        assert value.encode() not in response.content


def test_a_stale_heartbeat_is_503(client, healthy, settings):
    Heartbeat.objects.update(beat_at=NOW - timedelta(seconds=settings.HEALTH_BEAT_MAX_AGE + 1))

    response, body = _get(client)

    assert response.status_code == 503
    assert body["status"] == "failing"
    assert body["checks"]["beat"] == {"ok": False, "age_s": settings.HEALTH_BEAT_MAX_AGE + 1}
    assert body["checks"]["database"] == {"ok": True}


def test_beat_that_never_ran_is_503(client, healthy):
    Heartbeat.objects.all().delete()
    RetentionRun.objects.all().delete()

    response, body = _get(client)

    assert response.status_code == 503
    assert body["checks"]["beat"] == {"ok": False, "age_s": None}
    # Without a first heartbeat, nothing says the installation is new: a missing retention run is a failure.
    assert body["checks"]["retention"] == {"ok": False, "age_s": None}


def test_the_heartbeat_task_records_the_time_and_keeps_the_first(db):
    with time_machine.travel(NOW - timedelta(hours=1), tick=False):
        beat_heartbeat.delay()
    with time_machine.travel(NOW, tick=False):
        beat_heartbeat.delay()

    heartbeat = Heartbeat.objects.get()
    assert (heartbeat.first_at, heartbeat.beat_at) == (NOW - timedelta(hours=1), NOW)


def test_a_retention_run_older_than_a_night_and_a_bit_is_503(client, healthy, settings):
    RetentionRun.objects.update(finished_at=NOW - timedelta(seconds=settings.HEALTH_RETENTION_MAX_AGE + 60))

    response, body = _get(client)

    assert response.status_code == 503
    assert body["checks"]["retention"] == {"ok": False, "age_s": settings.HEALTH_RETENTION_MAX_AGE + 60}


def test_dry_runs_and_unfinished_runs_do_not_count(client, healthy, settings):
    RetentionRun.objects.update(finished_at=NOW - timedelta(days=3))
    RetentionRun.objects.create(rule="customer_inactive", as_of=NOW.date(), dry_run=True, finished_at=NOW)
    RetentionRun.objects.create(rule="customer_archived", as_of=NOW.date(), started_at=NOW - timedelta(hours=1))

    response, body = _get(client)

    assert response.status_code == 503
    assert body["checks"]["retention"]["age_s"] == 3 * 24 * 3600


def test_a_new_installation_without_a_retention_run_yet_is_healthy(client, healthy):
    RetentionRun.objects.all().delete()
    Heartbeat.objects.update(first_at=NOW - timedelta(hours=5))

    response, body = _get(client)

    assert response.status_code == 200
    assert body["checks"]["retention"] == {"ok": True, "age_s": None}


def test_an_installation_a_few_days_old_that_never_ran_retention_is_503(client, healthy):
    RetentionRun.objects.all().delete()

    response, body = _get(client)

    assert response.status_code == 503
    assert body["checks"]["retention"] == {"ok": False, "age_s": None}


def test_a_broker_that_does_not_answer_is_503(client, healthy, settings):
    from config.celery import app

    # Port 9 (discard) is closed on loopback: a real connection refused, no mock.
    saved = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:9/0"
    app._pool = None
    try:
        response, body = _get(client)
    finally:
        app.conf.broker_url = saved
        app._pool = None

    assert response.status_code == 503
    assert body["checks"]["broker"]["ok"] is False
    # The error names the failure's type, never the broker URL (which may carry a password).
    assert "127.0.0.1" not in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_database_that_does_not_answer_is_503(client, settings):
    """The request's connection really fails: the database settings point where no database is."""
    real = dict(connection.settings_dict)
    # SQLite's in-memory test database lasts only as long as a connection to it: that one is set aside, not
    # closed (closing it emptied the database for every later test of the run).
    kept = None
    if connection.vendor == "postgresql":
        connection.settings_dict["PORT"] = 9
        connection.close()
    else:
        connection.settings_dict["NAME"] = "/nonexistent-folder/db.sqlite3"
        kept, connection.connection = connection.connection, None
    try:
        response = client.get(reverse("healthz"))
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(real)
        if kept is not None:
            connection.connection = kept

    body = json.loads(response.content)
    assert response.status_code == 503
    assert body["checks"]["database"] == {"ok": False, "error": "OperationalError"}
    assert body["checks"]["beat"]["ok"] is False


def test_the_outbox_check_reads_the_model_named_in_the_settings(client, healthy, settings, alice):
    """Pluggable: any model with unsent rows dated by a field; ExportJob stands in for the outbox here."""
    settings.HEALTH_OUTBOX_MODEL = "exports.ExportJob"
    settings.HEALTH_OUTBOX_PENDING = {"status": ExportJob.Status.PENDING}
    settings.HEALTH_OUTBOX_DATE_FIELD = "created_at"
    ExportJob.objects.create(customer=alice, requested_by=alice, created_at=NOW - timedelta(seconds=30))

    response, body = _get(client)

    assert response.status_code == 200
    assert body["checks"]["outbox"] == {"ok": True, "backlog": 1, "oldest_age_s": 30}

    ExportJob.objects.create(customer=alice, requested_by=alice, created_at=NOW - timedelta(hours=1))
    response, body = _get(client)

    assert response.status_code == 503
    assert body["checks"]["outbox"] == {"ok": False, "backlog": 2, "oldest_age_s": 3600}


def test_an_outbox_model_named_but_missing_is_a_failure_not_a_silence(client, healthy, settings):
    settings.HEALTH_OUTBOX_MODEL = "nowhere.Outbox"

    response, body = _get(client)

    assert response.status_code == 503
    assert body["checks"]["outbox"] == {"ok": False, "error": "LookupError"}


def test_a_check_added_in_the_settings_is_run(client, healthy, settings):
    settings.HEALTH_CHECKS = [*settings.HEALTH_CHECKS, "tests.operations.test_healthz.disk"]

    response, body = _get(client)

    assert body["checks"]["disk"] == {"ok": False, "free_pct": 3}
    assert response.status_code == 503


def disk():
    return {"ok": False, "free_pct": 3}


def test_healthz_answers_plain_http_in_production(client, healthy, settings):
    """Monitors on the private network probe it without TLS: it is exempt from the HTTPS redirect."""
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

    response, _ = _get(client)
    other = client.get(reverse("accounts:login"))

    assert response.status_code == 200
    assert other.status_code == 301


def test_the_number_of_queries_does_not_grow_with_the_history(client, healthy, django_assert_num_queries):
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        _get(client)
    RetentionRun.objects.bulk_create(
        RetentionRun(rule="customer_inactive", as_of=NOW.date(), finished_at=NOW - timedelta(days=d))
        for d in range(200)
    )
    with django_assert_num_queries(len(few)):
        _get(client)
