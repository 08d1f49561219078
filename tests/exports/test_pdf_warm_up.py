"""An export worker's processes render a first PDF as they start (exports.builder.pdf.warm_up), so the first
customer's export does not wait for what a process loads once; bench/export.py times builds after the same call."""

import io
import logging
import os
from pathlib import Path
from types import SimpleNamespace

import pytest
from celery.signals import worker_process_init
from django.conf import settings

from exports import tasks
from exports.builder import pdf


def _worker(queues):
    """A Celery app as a worker started with -Q `queues` sees it."""
    consume_from = {settings.CELERY_QUEUE_PREFIX + q: None for q in queues}
    return SimpleNamespace(amqp=SimpleNamespace(queues=SimpleNamespace(consume_from=consume_from)))


@pytest.fixture
def written(monkeypatch):
    """What pdf.write produced, as bytes, for each call."""
    calls = []
    real = pdf.write

    def spy(html, target):
        real(html, target)
        calls.append(target.getvalue() if isinstance(target, io.BytesIO) else Path(target).read_bytes())

    monkeypatch.setattr(pdf, "write", spy)
    return calls


def _files(*folders):
    return {folder: sorted(os.listdir(folder)) if folder.exists() else None for folder in folders}


@pytest.mark.django_db
def test_an_export_workers_process_renders_a_pdf_as_it_starts_without_the_database_or_a_file(
    monkeypatch, written, export_root, tmp_path, django_assert_num_queries
):
    monkeypatch.setattr(tasks, "current_app", _worker(["exports"]))
    monkeypatch.chdir(tmp_path)
    folders = (Path(tmp_path), Path(settings.BASE_DIR), export_root.parent, Path(settings.PRIVATE_ROOT))
    before = _files(*folders)

    with django_assert_num_queries(0):
        worker_process_init.send(sender="exports@test")

    assert len(written) == 1
    assert written[0].startswith(b"%PDF-")
    assert _files(*folders) == before


def test_a_worker_that_takes_no_exports_does_not_warm_up(monkeypatch, written):
    monkeypatch.setattr(tasks, "current_app", _worker(["mail"]))

    worker_process_init.send(sender="mail@test")

    assert written == []


def test_a_failed_warm_up_is_logged_and_the_process_carries_on(monkeypatch, caplog):
    monkeypatch.setattr(tasks, "current_app", _worker(["mail", "exports"]))

    def broken():
        raise OSError("no fonts")

    monkeypatch.setattr(pdf, "warm_up", broken)
    with caplog.at_level(logging.ERROR, logger="exports.tasks"):
        tasks.warm_up_pdf(sender="exports@test")

    assert "warm-up failed" in caplog.text


def test_the_bench_times_builds_after_the_workers_warm_up():
    bench = (Path(settings.BASE_DIR) / "bench" / "export.py").read_text()

    assert "pdf.warm_up()" in bench
    assert "pdf_cold_s" in bench
