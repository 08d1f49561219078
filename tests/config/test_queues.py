"""The routes of config/queues.py as Celery applies them, and the commands that consume the queues."""

import re
from pathlib import Path

import pytest
from celery.app.routes import Router, prepare

from config.celery import app
from config.queues import QUEUES, queue_names, task_routes

ROOT = Path(__file__).resolve().parents[2]


def _queue_of(task_name, prefix=""):
    router = Router(prepare(task_routes(prefix)), app.amqp.queues, create_missing=True, app=app)
    route = router.route({}, task_name)
    return route["queue"].name if "queue" in route else app.conf.task_default_queue


@pytest.mark.parametrize(
    ("task", "queue"),
    [
        ("accounts.tasks.send_rendered_mail", "mail"),
        ("config.outbox.send_outbox_mail", "mail"),
        ("accounts.tasks.outbox_flush", "mail"),
        ("exports.tasks.build_export", "exports"),
        ("exports.tasks.expire_exports", "exports"),
        ("retention.tasks.retention_nightly", "retention"),
        ("retention.tasks.retention_rule", "retention"),
    ],
)
def test_each_kind_of_task_goes_to_its_queue(task, queue):
    assert _queue_of(task) == queue
    assert _queue_of(task, prefix="staging-") == f"staging-{queue}"


def test_the_rest_goes_to_the_default_queue():
    for task in ("privacy.tasks.dpo_digest", "operations.tasks.beat_heartbeat"):
        assert _queue_of(task) == "default" == app.conf.task_default_queue


@pytest.mark.django_db  # Celery's Django fixup runs the model checks, which ask SQLite about JSON support
def test_every_registered_task_lands_on_a_queue_that_someone_consumes():
    app.loader.import_default_modules()
    names = [name for name in app.tasks if not name.startswith("celery.")]

    assert {_queue_of(name) for name in names} <= set(QUEUES)
    assert "exports.tasks.build_export" in names and "outbox.tasks.send_mail" in names


def test_make_run_has_one_worker_on_every_queue():
    run = (ROOT / "scripts" / "run.sh").read_text()

    workers = re.findall(r"celery -A config worker -Q (\S+)", run)

    assert len(workers) == 1
    assert sorted(workers[0].split(",")) == sorted(queue_names())


def test_the_readme_shows_a_worker_per_queue():
    readme = (ROOT / "README.md").read_text()

    consumed = re.findall(r"celery -A config worker -Q (\S+)", readme)

    assert sorted(consumed) == sorted(QUEUES)
