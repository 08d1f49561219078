"""What the integration tests share: the real services, or a skip that CI is not allowed to take.

`make test` starts PostgreSQL and Redis, exports DATABASE_URL, TEST_REDIS_URL and REQUIRE_INTEGRATION=1.
Without those services a developer's run skips these tests with the reason; with REQUIRE_INTEGRATION=1
the same situation is a failure, so CI can never go green by silently skipping them.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from kombu import pools

from config.queues import queue_names, task_routes
from tests.localsite import private_env

ROOT = Path(__file__).resolve().parents[2]
CELERY = ROOT / ".venv" / "bin" / "celery"
WORKER_READY_TIMEOUT = 90  # a loaded 2-core machine needs more than 30 s to start a worker
WORKER_STOP_TIMEOUT = 15


def skip_or_fail(reason):
    """Skip with `reason`, or fail when REQUIRE_INTEGRATION=1 says the services must be there."""
    if os.environ.get("REQUIRE_INTEGRATION") == "1":
        pytest.fail(f"{reason} (REQUIRE_INTEGRATION=1: integration tests may not be skipped)", pytrace=False)
    pytest.skip(reason)


@dataclass(frozen=True)
class IntegrationServices:
    redis_url: str


@pytest.fixture
def integration_services():
    """The real Redis and PostgreSQL of `make test`; skips (or fails under REQUIRE_INTEGRATION=1) without them."""
    redis_url = os.environ.get("TEST_REDIS_URL", "").strip()
    if not redis_url:
        skip_or_fail("TEST_REDIS_URL is not set: integration tests need a real Redis (run them with make test)")
    engine = settings.DATABASES["default"]["ENGINE"]
    if engine != "django.db.backends.postgresql":
        skip_or_fail(f"integration tests need PostgreSQL (DATABASE_URL=postgres://...), the database is {engine}")
    import redis

    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=3).ping()
    except redis.RedisError as e:
        skip_or_fail(f"Redis at TEST_REDIS_URL={redis_url} does not answer: {e}")
    return IntegrationServices(redis_url=redis_url)


def database_url_of_test_db():
    """A postgres:// URL for the test database pytest-django created (call it once the database is set up)."""
    db = settings.DATABASES["default"]
    user = quote(db.get("USER") or "", safe="")
    password = quote(str(db.get("PASSWORD") or ""), safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = db.get("HOST") or "localhost"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{credentials}{host}{port}/{quote(db['NAME'], safe='')}"


@dataclass
class CeleryWorker:
    process: subprocess.Popen
    hostname: str
    log_path: Path
    mail_dir: Path
    queue: str
    prefix: str = ""

    def log(self):
        return self.log_path.read_text(errors="replace")


def _wait_ready(worker):
    deadline = time.monotonic() + WORKER_READY_TIMEOUT
    while time.monotonic() < deadline:
        if worker.process.poll() is not None:
            pytest.fail(f"the Celery worker exited with code {worker.process.returncode}:\n{worker.log()}")
        if " ready." in worker.log():
            return
        time.sleep(0.2)
    pytest.fail(f"the Celery worker was not ready after {WORKER_READY_TIMEOUT} s:\n{worker.log()}")


def _stop(process):
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=WORKER_STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=WORKER_STOP_TIMEOUT)


@pytest.fixture
def worker_site(tmp_path, settings):
    """The worker's own state folder (private files, erasure journal, mail, broker), shared with this process's
    settings so the test reads what the worker wrote: never the developer's .run/ (issue 8, finding 5)."""
    site = tmp_path / "site"
    env = private_env(site)
    settings.PRIVATE_ROOT = site / "private"
    settings.EXPORT_ROOT = settings.PRIVATE_ROOT / "exports"
    settings.ERASURE_JOURNAL = env["ERASURE_JOURNAL"]
    return site


@pytest.fixture
def celery_worker(integration_services, transactional_db, tmp_path, worker_site):
    """A real `celery worker` process on the test Redis and the test database; mail lands in `worker.mail_dir`.

    The worker consumes only its own queues (the product's queues under a prefix of its own), so leftovers of
    another run in the same Redis never reach it; the test process must route its tasks there (see
    `celery_to_redis`).
    """
    mail_dir = worker_site / "mail"
    log_path = tmp_path / "worker.log"
    suffix = uuid.uuid4().hex[:10]
    prefix = f"integration-{suffix}-"
    queue = f"{prefix}default"
    hostname = f"integration-{suffix}@%h"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"EMAIL_URL", "CELERY_TASK_ALWAYS_EAGER", "CELERY_BROKER_DIR"}
    }
    env.update(private_env(worker_site))
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        CELERY_BROKER_URL=integration_services.redis_url,
        DATABASE_URL=database_url_of_test_db(),
        EMAIL_FILE_PATH=str(mail_dir),
        CELERY_QUEUE_PREFIX=prefix,
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
        PYTHONUNBUFFERED="1",
    )
    celery = str(CELERY) if CELERY.exists() else str(Path(sys.executable).with_name("celery"))
    command = [
        celery,
        "-A",
        "config",
        "worker",
        "--pool=solo",
        "--concurrency=1",
        "-l",
        "info",
        "-n",
        hostname,
        "-Q",
        ",".join(queue_names(prefix)),
        "--without-gossip",
        "--without-mingle",
    ]
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    worker = CeleryWorker(
        process=process, hostname=hostname, log_path=log_path, mail_dir=mail_dir, queue=queue, prefix=prefix
    )
    try:
        _wait_ready(worker)
        yield worker
    finally:
        _stop(process)


def _reset_broker_side(app):
    """Forget cached broker connections and routing so the next publish follows the current configuration."""
    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = None
    # `app.amqp` caches the queues, the router and the producer pool built from the configuration.
    app.__dict__.pop("amqp", None)
    # kombu keeps one connection pool per broker URL; a closed one would be handed to the next test.
    pools.reset()


@contextmanager
def publishing_to(broker_url, queue, transport_options=None, prefix=""):
    """The test process publishes tasks to this broker and queue instead of running them inline.

    tests/conftest.py makes every test eager; this undoes it for one test and restores everything afterwards.
    """
    from config.celery import app

    saved = {
        "task_always_eager": app.conf.task_always_eager,
        "broker_url": app.conf.broker_url,
        "broker_transport_options": app.conf.broker_transport_options,
        "task_default_queue": app.conf.task_default_queue,
        "task_routes": app.conf.task_routes,
    }
    _reset_broker_side(app)
    app.conf.task_always_eager = False
    app.conf.broker_url = broker_url
    app.conf.broker_transport_options = transport_options or {}
    app.conf.task_default_queue = queue
    # With a prefix, the product's routes under it; without, every task to this one queue.
    app.conf.task_routes = task_routes(prefix) if prefix else {"*": {"queue": queue}}
    try:
        with app.connection_for_write() as conn:
            assert conn.as_uri().split("://")[0] == broker_url.split("://")[0], conn.as_uri()
        assert app.amqp.default_queue.name == queue
        yield app
    finally:
        _reset_broker_side(app)
        for key, value in saved.items():
            setattr(app.conf, key, value)


@pytest.fixture
def celery_to_redis(integration_services, celery_worker):
    """The test process publishes tasks to the worker's Redis queue instead of running them inline."""
    with publishing_to(integration_services.redis_url, celery_worker.queue, prefix=celery_worker.prefix) as app:
        yield app


@pytest.fixture
def celery_to_queue(integration_services):
    """The test process publishes to a queue of its own on the test Redis, for workers the test starts itself."""
    with publishing_to(integration_services.redis_url, f"integration-{uuid.uuid4().hex[:10]}") as app:
        yield app
