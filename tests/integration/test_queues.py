"""Separate queues (config/queues.py): an acknowledgement leaves while a long export occupies the export worker.

Real workers on the test Redis and PostgreSQL, each consuming the queues the README gives it. The export's row
is held FOR UPDATE from another connection, so the export worker stays inside build_export for as long as the
test decides, as it would on a subject with a very long history.
"""

import psycopg
import pytest
from celery.signals import after_task_publish
from django.urls import reverse

from config.queues import task_routes
from exports.models import ExportJob
from exports.tasks import build_export
from privacy.models import DataSubjectRequest
from tests import factories
from tests.integration.conftest import _reset_broker_side, database_url_of_test_db
from tests.integration.stack import Stack, mails_to, wait_for

pytestmark = pytest.mark.integration

# What a worker logs when it takes a task (its start-up banner lists every task name, so the name alone says nothing).
RAN = "Task {}["


@pytest.fixture
def stack(integration_services, transactional_db, tmp_path, settings):
    """Workers under a queue prefix of their own; the test process publishes with the same routes."""
    from config.celery import app

    started = Stack(tmp=tmp_path, redis_url=integration_services.redis_url)
    # The worker building the export and this process read and write the same private folder.
    settings.EXPORT_ROOT = started.private_root / "exports"
    names = ("task_always_eager", "broker_url", "broker_transport_options", "task_default_queue", "task_routes")
    saved = {name: getattr(app.conf, name) for name in names}
    _reset_broker_side(app)
    app.conf.task_always_eager = False
    app.conf.broker_url = integration_services.redis_url
    app.conf.broker_transport_options = {}
    app.conf.task_default_queue = f"{started.prefix}default"
    app.conf.task_routes = task_routes(started.prefix)
    try:
        yield started
    finally:
        started.stop()
        _reset_broker_side(app)
        for name, value in saved.items():
            setattr(app.conf, name, value)


def _waiting_on_a_lock():
    with psycopg.connect(database_url_of_test_db().replace("postgres://", "postgresql://", 1)) as conn:
        rows = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        ).fetchone()
    return rows[0]


def test_the_acknowledgement_is_sent_while_an_export_occupies_the_export_worker(stack, client):
    export_worker = stack.worker("exports", ["exports"], pool="solo")
    mail_worker = stack.worker("mail", ["mail", "default"], pool="solo")
    workers = [export_worker, mail_worker]
    zoe = factories.CustomerFactory(email="zoe.queues@example.com", first_name="Zoé", last_name="Queue")
    job = ExportJob.objects.create(customer=zoe, requested_by=zoe, language="en")
    published = []

    def on_publish(sender=None, routing_key=None, **kwargs):
        published.append((sender, routing_key))

    after_task_publish.connect(on_publish, weak=False)
    lock = psycopg.connect(database_url_of_test_db().replace("postgres://", "postgresql://", 1))
    try:
        lock.execute(f"SELECT id FROM {ExportJob._meta.db_table} WHERE id = %s FOR UPDATE", [job.pk])  # noqa: S608
        build_export.delay(job.pk)
        # The export worker took the task and is stuck inside it, on the row.
        wait_for(lambda: RAN.format("exports.tasks.build_export") in export_worker.log(), "the export taken", workers)
        wait_for(_waiting_on_a_lock, "the export worker busy", workers)

        client.force_login(zoe)
        response = client.post(reverse("privacy:request_file"), {"kind": "access", "details": "All of it."})
        assert response.status_code == 302
        reference = DataSubjectRequest.objects.get(customer=zoe).reference

        acknowledgement = wait_for(
            lambda: [m for m in mails_to(stack.mail_dir, zoe.email) if reference in str(m["Subject"])],
            "the acknowledgement while the export worker is busy",
            workers,
            timeout=60,
        )
        job.refresh_from_db()
        assert job.status == ExportJob.Status.PENDING  # the export is still held up
        assert _waiting_on_a_lock() >= 1
        assert len(acknowledgement) == 1
    finally:
        after_task_publish.disconnect(on_publish)
        lock.rollback()
        lock.close()

    assert ("exports.tasks.build_export", f"{stack.prefix}exports") in published and (
        "outbox.tasks.send_mail",
        f"{stack.prefix}mail",
    ) in published, published
    # Released, the export finishes on its own worker; the mail worker never touched it, nor the reverse.
    wait_for(lambda: ExportJob.objects.filter(pk=job.pk, status=ExportJob.Status.READY).exists(), "the export", workers)
    assert RAN.format("outbox.tasks.send_mail") in mail_worker.log()
    assert RAN.format("exports.tasks.build_export") not in mail_worker.log()
    assert RAN.format("outbox.tasks.send_mail") not in export_worker.log()
