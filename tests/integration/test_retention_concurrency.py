"""Retention under concurrency and crashes, with real Celery workers on the real Redis and PostgreSQL (R60).

Two workers running one rule at once end where one worker would, with nothing done twice; a worker SIGKILLed in
the middle of a batch leaves no customer half erased, and the next run finishes the work.

A row lock taken by the test stands in for a slow statement: the worker erasing that customer's batch waits on it,
mid-transaction, for as long as the test wants.
"""

import os
import subprocess
import sys
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from kombu import pools as kombu_pools

from accounts.models import ChangeLog, Order, SupportTicket, User
from config.queues import queue_names, task_routes
from privacy.models import ConsentRecord
from retention.models import ErasureTombstone, LegalHold, RetentionRun
from retention.periods import start_of_day
from retention.services import rule_apply
from tests import factories
from tests.integration.conftest import (
    CELERY,
    ROOT,
    CeleryWorker,
    _reset_broker_side,
    _stop,
    _wait_ready,
    database_url_of_test_db,
)

pytestmark = pytest.mark.integration

RULE = "customer_archived_erase"
AS_OF = date(2026, 5, 2)
BATCH = 5
TIMEOUT = 60


def _at(days_before):
    return start_of_day(AS_OF) - timedelta(days=days_before) + timedelta(hours=12)


def _due_customers(n):
    """`n` customers archived 7 months before AS_OF, each with an order, a ticket, a consent and a log."""
    people = []
    for i in range(n):
        customer = factories.CustomerFactory(email=f"due{i:03d}@example.com", date_joined=_at(900))
        order = factories.OrderFactory(customer=customer, created_at=_at(800), target_url=f"https://x.test/due{i}")
        factories.TicketMessageFactory(ticket__customer=customer, body=f"due{i} writes")
        factories.ConsentFactory(customer=customer, ip="203.0.113.5")
        factories.ConnectionLogFactory(customer=customer, created_at=_at(300))
        User.objects.filter(pk=customer.pk).update(state="archived", archived_at=_at(213), is_active=False)
        people.append((customer.pk, order.pk))
    return people


def _others():
    """Customers the run must leave alone: archived too recently, and archived but under a legal hold."""
    recent = factories.CustomerFactory(email="recent@example.com")
    User.objects.filter(pk=recent.pk).update(state="archived", archived_at=_at(30))
    held = factories.CustomerFactory(email="held@example.com")
    User.objects.filter(pk=held.pk).update(state="archived", archived_at=_at(300))
    LegalHold.objects.create(customer=held, reason="Dispute", created_at=_at(100))
    return [recent.pk, held.pk]


def _table_counts():
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


def _expected_counts(before, planned):
    """Table sizes after a clean run: what the dry run says is deleted goes; tombstones and runs are added."""
    from django.apps import apps

    expected = dict(before)
    for label, actions in planned["rows"].items():
        table = apps.get_model(label)._meta.db_table
        expected[table] -= actions.get("deleted", 0)
    expected[ErasureTombstone._meta.db_table] += planned["erased"]
    # Every subject here keeps orders, so stays as a tombstone account whose change log records the job's
    # "state: erased" (R04: scheduled jobs write change-log rows).
    expected[ChangeLog._meta.db_table] += planned["erased"]
    return expected


def _intact(pk, order_pk):
    customer = User.objects.get(pk=pk)
    return (
        customer.state == "archived"
        and customer.email.startswith("due")
        and SupportTicket.objects.filter(customer_id=pk).exists()
        and Order.objects.get(pk=order_pk).target_url.startswith("https://")
        and ConsentRecord.objects.filter(customer_id=pk, ip__isnull=False).exists()
    )


def _erased(pk, order_pk):
    customer = User.objects.get(pk=pk)
    return (
        customer.state == "erased"
        and customer.email == f"erased-{pk}@invalid"
        and not SupportTicket.objects.filter(customer_id=pk).exists()
        and Order.objects.get(pk=order_pk).target_url == ""
        and not ConsentRecord.objects.filter(customer_id=pk, ip__isnull=False).exists()
    )


@pytest.fixture
def retention_workers(integration_services, transactional_db, tmp_path):
    """Start real `celery worker` processes on one queue of the test Redis, with batches of BATCH customers."""
    prefix = f"retention-{uuid.uuid4().hex[:10]}-"
    queue = f"{prefix}default"
    started = []

    def start(name):
        log_path = tmp_path / f"{name}.log"
        env = {k: v for k, v in os.environ.items() if k not in {"EMAIL_URL", "CELERY_TASK_ALWAYS_EAGER"}}
        env.update(
            DJANGO_SETTINGS_MODULE="config.settings",
            CELERY_BROKER_URL=integration_services.redis_url,
            DATABASE_URL=database_url_of_test_db(),
            EMAIL_FILE_PATH=str(tmp_path / "mail"),
            ERASURE_JOURNAL=str(tmp_path / "journal.jsonl"),
            RETENTION_BATCH_SIZE=str(BATCH),
            CELERY_QUEUE_PREFIX=prefix,
            PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
            PYTHONUNBUFFERED="1",
        )
        celery = str(CELERY) if CELERY.exists() else str(Path(sys.executable).with_name("celery"))
        command = [celery, "-A", "config", "worker", "--pool=solo", "--concurrency=1", "-l", "info"]
        command += ["-n", f"{name}-{queue}@%h", "-Q", ",".join(queue_names(prefix))]
        command += ["--without-gossip", "--without-mingle"]
        with log_path.open("wb") as log:
            process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        worker = CeleryWorker(process=process, hostname=name, log_path=log_path, mail_dir=tmp_path, queue=queue)
        started.append(worker)
        _wait_ready(worker)
        return worker

    from config.celery import app

    saved = {k: getattr(app.conf, k) for k in ("task_always_eager", "broker_url", "broker_transport_options")}
    saved["task_default_queue"] = app.conf.task_default_queue
    saved["task_routes"] = app.conf.task_routes
    _reset_broker_side(app)
    # kombu keeps one producer pool per broker URL, process-wide: a previous test may have closed it.
    kombu_pools.reset()
    app.conf.task_always_eager = False
    app.conf.broker_url = integration_services.redis_url
    app.conf.broker_transport_options = {}
    app.conf.task_default_queue = queue
    app.conf.task_routes = task_routes(prefix)
    try:
        yield start
    finally:
        for worker in started:
            _stop(worker.process)
        _reset_broker_side(app)
        kombu_pools.reset()
        for key, value in saved.items():
            setattr(app.conf, key, value)


class RowLock:
    """A row held FOR UPDATE from a connection of its own, until released."""

    def __init__(self, table, pk):
        self.conn = psycopg.connect(database_url_of_test_db().replace("postgres://", "postgresql://", 1))
        self.conn.execute(f"SELECT id FROM {table} WHERE id = %s FOR UPDATE", [pk])  # noqa: S608

    def release(self):
        self.conn.rollback()
        self.conn.close()

    def waiters(self):
        """Backends of the test database waiting on a lock: a worker stuck mid-batch behind this one."""
        with psycopg.connect(database_url_of_test_db().replace("postgres://", "postgresql://", 1)) as other:
            rows = other.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            ).fetchall()
        return [pid for (pid,) in rows]


def _wait(condition, what, workers=(), timeout=TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        for worker in workers:
            if worker.process.poll() is not None and worker.process.returncode not in (0, -9):
                pytest.fail(f"{worker.hostname} exited:\n{worker.log()}")
        time.sleep(0.1)
    logs = "\n".join(f"--- {w.hostname}\n{w.log()[-3000:]}" for w in workers)
    pytest.fail(f"timed out waiting for {what}\n{logs}")


def _send():
    from retention.tasks import retention_rule

    return retention_rule.apply_async(args=[RULE, AS_OF.isoformat()])


def _require_postgres():
    from tests.integration.conftest import skip_or_fail

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        skip_or_fail("row locks and SKIP LOCKED are only meaningful on PostgreSQL")


@pytest.mark.django_db(transaction=True)
def test_two_workers_on_one_rule_end_where_one_would_and_never_do_a_subject_twice(retention_workers):
    _require_postgres()
    people = _due_customers(40)
    others = _others()
    planned = rule_apply(rule=RULE, as_of=AS_OF, dry_run=True)
    assert planned["erased"] == 40 and planned["skipped"] == {"legal_hold": 1}
    before = _table_counts()
    first = retention_workers("first")
    second = retention_workers("second")

    # The first batch's lowest customer is stuck behind our lock: whoever claims it waits mid-transaction,
    # while the other worker must skip the claimed customers and take every other batch.
    lock = RowLock(SupportTicket._meta.db_table, SupportTicket.objects.get(customer_id=people[0][0]).pk)
    try:
        _send()
        _send()
        _wait(lambda: lock.waiters(), "a worker to block on the locked ticket", [first, second])
        _wait(
            lambda: RetentionRun.objects.filter(rule=RULE, finished_at__isnull=False).count() == 1,
            "the free worker to finish every other batch",
            [first, second],
        )
        stuck = [pk for pk, order in people[:BATCH] if _intact(pk, order)]
        assert len(stuck) == BATCH  # the waiting batch is not half done: its transaction is still open
    finally:
        lock.release()
    _wait(
        lambda: RetentionRun.objects.filter(rule=RULE, finished_at__isnull=False).count() == 2,
        "the blocked worker to finish",
        [first, second],
    )

    runs = list(RetentionRun.objects.filter(rule=RULE))
    assert [r.error for r in runs] == ["", ""]
    assert sorted(r.counts.get("erased", 0) for r in runs) == [BATCH, 40 - BATCH]
    assert sum(r.counts["rows"]["accounts.SupportTicket"]["deleted"] for r in runs) == 40
    assert ErasureTombstone.objects.filter(reference=RULE).count() == 40
    assert ErasureTombstone.objects.values("subject_digest").distinct().count() == 40
    assert all(_erased(pk, order) for pk, order in people)
    assert User.objects.filter(pk__in=others, state="archived").count() == 2
    assert _table_counts() == {**_expected_counts(before, planned), RetentionRun._meta.db_table: 2}
    for label, actions in planned["rows"].items():
        for action, n in actions.items():
            assert sum(r.counts["rows"].get(label, {}).get(action, 0) for r in runs) == n, (label, action)


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_batch_leaves_nobody_half_erased_and_the_next_run_finishes(retention_workers):
    _require_postgres()
    people = _due_customers(30)
    _others()
    planned = rule_apply(rule=RULE, as_of=AS_OF, dry_run=True)
    before = _table_counts()
    doomed = retention_workers("doomed")

    # The third batch (customers 10 to 14) blocks on its third customer's ticket: batches 1-2 are committed.
    lock = RowLock(SupportTicket._meta.db_table, SupportTicket.objects.get(customer_id=people[12][0]).pk)
    try:
        _send()
        _wait(lambda: lock.waiters(), "the worker to block in its third batch", [doomed])
        waiting = lock.waiters()
        doomed.process.kill()  # SIGKILL: no clean-up of any kind
        doomed.process.wait(timeout=10)
        assert doomed.process.returncode == -9
    finally:
        lock.release()
    # The server notices the dead client once the statement ends, and rolls its transaction back.
    _wait(lambda: not set(waiting) & set(_backends()), "the killed worker's transaction to end")

    assert [p for p, o in people if _erased(p, o)] == [p for p, _o in people[:10]]
    assert all(_intact(p, o) for p, o in people[10:])  # not one half-erased customer
    killed = RetentionRun.objects.get(rule=RULE)
    assert killed.finished_at is None and killed.counts["erased"] == 10
    assert ErasureTombstone.objects.count() == 10

    rescuer = retention_workers("rescuer")
    _send()
    _wait(
        lambda: RetentionRun.objects.filter(rule=RULE, finished_at__isnull=False).exists(),
        "the next run to finish",
        [rescuer],
    )

    done = RetentionRun.objects.get(rule=RULE, finished_at__isnull=False)
    assert done.error == "" and done.counts["erased"] == 20
    assert all(_erased(p, o) for p, o in people)
    assert ErasureTombstone.objects.filter(reference=RULE).count() == 30
    assert ErasureTombstone.objects.values("subject_digest").distinct().count() == 30
    assert _table_counts() == {**_expected_counts(before, planned), RetentionRun._meta.db_table: 2}


def _backends():
    with psycopg.connect(database_url_of_test_db().replace("postgres://", "postgresql://", 1)) as other:
        rows = other.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database()").fetchall()
    return [pid for (pid,) in rows]
