"""An export's ZIP goes with its row, however the row goes: erasure, a sweep, the ORM (issue 8, finding 1)."""

import os
import time
import zipfile

import pytest
from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.db import models, transaction

from exports.models import ExportJob
from privacy import files
from privacy.registry import registry
from retention import engine
from retention.services import customer_erase
from tests import factories
from tests.exports.conftest import ZOE_PHONE


def _age(path, seconds):
    moment = time.time() - seconds
    os.utime(path, (moment, moment))


@pytest.mark.django_db
def test_erasing_a_customer_deletes_the_zip_of_their_export(zoe, build_export, fast_pdf, run_on_commit):
    job = build_export(customer=zoe, requested_by=zoe)
    assert job.status == ExportJob.Status.READY
    with zipfile.ZipFile(job.path) as archive:
        assert ZOE_PHONE in archive.read("csv/identity.csv").decode()

    with run_on_commit(), transaction.atomic():
        customer_erase(customer=zoe, reference="test")
        # Still there until the erasure commits: a rollback must find the file where it was.
        assert job.path.exists()

    assert not ExportJob.objects.filter(pk=job.pk).exists()
    assert not job.path.exists()


@pytest.mark.django_db
def test_a_rolled_back_erasure_keeps_the_file(zoe, build_export, fast_pdf, run_on_commit):
    job = build_export(customer=zoe, requested_by=zoe)

    with run_on_commit(), pytest.raises(RuntimeError), transaction.atomic():
        customer_erase(customer=zoe, reference="test")
        raise RuntimeError("the erasure failed later on")

    assert ExportJob.objects.filter(pk=job.pk).exists() and job.path.exists()


@pytest.mark.django_db
def test_the_engines_bulk_delete_of_an_export_row_takes_its_file(zoe, build_export, fast_pdf, run_on_commit):
    job = build_export(customer=zoe, requested_by=zoe)
    counts = engine.new_counts()

    with run_on_commit(), transaction.atomic():
        engine.delete_rows(ExportJob, ExportJob.objects.filter(pk=job.pk), counts)

    assert counts["rows"]["exports.ExportJob"] == {"deleted": 1}
    assert not job.path.exists()


@pytest.mark.django_db
def test_a_delete_through_the_orm_takes_the_file(zoe, build_export, fast_pdf, run_on_commit):
    # The admin's delete view and any `.delete()` use Django's collector, which sends post_delete per row.
    job = build_export(customer=zoe, requested_by=zoe)

    with run_on_commit():
        zoe.delete()

    assert not ExportJob.objects.filter(pk=job.pk).exists()
    assert not job.path.exists()


@pytest.mark.django_db
def test_an_orphan_left_by_a_process_killed_after_the_commit_is_removed_at_once(zoe, build_export, fast_pdf):
    job = build_export(customer=zoe, requested_by=zoe)
    # The row went, and the process died before its on-commit removal ran.
    ExportJob.objects.filter(pk=job.pk)._raw_delete(ExportJob.objects.db)
    _age(job.path, 3 * 60)

    assert files.files_orphans_remove() == 1
    assert not job.path.exists()


@pytest.mark.django_db
def test_a_file_being_built_right_now_is_left_alone(zoe, export_root):
    running = ExportJob.objects.create(customer=zoe, status=ExportJob.Status.RUNNING)
    export_root.mkdir(parents=True)
    partial = export_root / f"{running.pk}-0123456789abcdef.zip"
    partial.write_bytes(b"PK partial")
    scratch = export_root / f".build-{running.pk}-x1y2"
    scratch.mkdir()
    stranger = export_root / "99999-feedfacecafebeef.zip"
    stranger.write_bytes(b"PK")
    fresh = export_root / "88888-0000000000000000.zip"
    fresh.write_bytes(b"PK")
    for path in (partial, scratch, stranger):
        _age(path, 30 * 60)

    removed = files.files_orphans_remove()

    assert removed == 1
    assert partial.exists() and scratch.exists() and fresh.exists() and not stranger.exists()


@pytest.mark.django_db
def test_the_orphan_sweep_never_leaves_its_folder(zoe, export_root, tmp_path):
    outside = tmp_path / "private" / "erasure-journal.jsonl"
    outside.parent.mkdir(parents=True, exist_ok=True)
    outside.write_text("{}\n")
    _age(outside, 3600)
    ExportJob.objects.create(customer=zoe, status=ExportJob.Status.EXPIRED, file_name="../erasure-journal.jsonl")

    files.files_orphans_remove()
    ExportJob.objects.all().delete()

    assert outside.exists()


def test_every_model_with_a_file_field_declares_its_files():
    undeclared = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, models.FileField) and field.name not in files.owned_files(model)
    ]

    assert undeclared == []


def test_the_export_declares_its_zip():
    assert registry.entry(ExportJob).files == {"file_name": "EXPORT_ROOT"}
    assert files.owned_files(LogEntry) == {}


def test_the_orphan_sweep_runs_every_five_minutes(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["private-files-orphans"]

    assert entry["task"] == "privacy.tasks.remove_orphan_files"
    assert entry["schedule"].minute == set(range(0, 60, 5))


@pytest.mark.django_db
def test_the_nightly_erasure_of_an_empty_account_takes_its_export_file(build_export, fast_pdf, run_on_commit):
    from datetime import timedelta

    from django.utils import timezone

    from retention.services import rule_apply

    customer = factories.CustomerFactory(date_joined=timezone.now() - timedelta(days=400))
    job = build_export(customer=customer, requested_by=customer)

    with run_on_commit():
        counts = rule_apply(rule="customer_empty_erase")

    assert counts["erased"] == 1
    assert not ExportJob.objects.filter(pk=job.pk).exists()
    assert not job.path.exists()
