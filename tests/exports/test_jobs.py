"""The background side (R66): failures and retries, lost messages sent again, expiry, and what twice does."""

from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from kombu.exceptions import OperationalError

from exports import services, tasks
from exports.models import ExportJob
from exports.services import export_build, export_request, export_retry, exports_expire, exports_redispatch_stale
from tests.exports.archive import panel

NOW = timezone.make_aware(timezone.datetime(2026, 3, 2, 10, 0))
Status = ExportJob.Status
pytestmark = pytest.mark.usefixtures("fast_pdf")


def _broken_builder(*args, **kwargs):
    raise RuntimeError("disk full")


@pytest.mark.django_db
def test_a_failed_build_shows_a_plain_message_and_keeps_the_cause_for_staff(client, zoe, run_on_commit, export_root):
    client.force_login(zoe)

    with mock.patch.object(services, "build_archive", _broken_builder), run_on_commit():
        client.post("/account/privacy/export/")

    job = ExportJob.objects.get(customer=zoe)
    assert (job.status, job.error, job.attempts) == (Status.FAILED, "RuntimeError: disk full", 1)
    assert job.failed_at is not None and not list(export_root.glob("*.zip"))
    assert not mail.outbox
    html = panel(zoe)
    assert "pas pu préparer cette copie. Vos données ne sont pas en cause" in html
    assert "disk full" not in html
    assert f'action="/account/privacy/export/{job.pk}/retry/"' in html


@pytest.mark.django_db
def test_the_retry_button_builds_it_again(client, zoe, run_on_commit):
    client.force_login(zoe)
    with mock.patch.object(services, "build_archive", _broken_builder), run_on_commit():
        client.post("/account/privacy/export/")
    job = ExportJob.objects.get(customer=zoe)

    with run_on_commit():
        response = client.post(f"/account/privacy/export/{job.pk}/retry/")

    job.refresh_from_db()
    assert response.status_code == 302
    assert (job.status, job.error, job.attempts) == (Status.READY, "", 2)
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_retrying_what_did_not_fail_does_nothing(zoe, build_export):
    job = build_export(customer=zoe, requested_by=zoe)

    assert export_retry(job=job) == 0
    job.refresh_from_db()
    assert job.status == Status.READY


@pytest.mark.django_db
def test_a_second_run_of_the_task_does_nothing_once_ready(zoe, build_export):
    job = build_export(customer=zoe, requested_by=zoe)

    again = tasks.build_export(job.pk)

    job_after = ExportJob.objects.get(pk=job.pk)
    assert again == {"built": 0, "failed": 0, "skipped": 1}
    assert (job_after.file_name, job_after.attempts) == (job.file_name, 1)
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_build_running_elsewhere_is_left_alone_until_it_is_stale(zoe):
    job = ExportJob.objects.create(customer=zoe, status=Status.RUNNING, started_at=NOW)

    with time_machine.travel(NOW + timedelta(minutes=5)):
        assert export_build(job_id=job.pk)["skipped"] == 1
    with time_machine.travel(NOW + timedelta(minutes=61)):
        assert export_build(job_id=job.pk)["built"] == 1


@pytest.mark.django_db
def test_a_request_made_while_the_broker_is_down_still_answers_and_the_beat_job_sends_it_again(
    client, zoe, run_on_commit
):
    client.force_login(zoe)
    with (
        time_machine.travel(NOW, tick=False),
        mock.patch.object(tasks.build_export, "apply_async", side_effect=OperationalError("connection refused")),
        run_on_commit(),
    ):
        response = client.post("/account/privacy/export/")
    job = ExportJob.objects.get(customer=zoe)
    assert response.status_code == 302 and job.status == Status.PENDING

    with time_machine.travel(NOW + timedelta(minutes=5), tick=False), run_on_commit():
        too_early = exports_redispatch_stale()
    with time_machine.travel(NOW + timedelta(minutes=11), tick=False), run_on_commit():
        counts = exports_redispatch_stale()

    job.refresh_from_db()
    assert too_early == {"pending_redispatched": 0, "running_restarted": 0}
    assert counts == {"pending_redispatched": 1, "running_restarted": 0}
    assert job.status == Status.READY and len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_build_whose_worker_died_is_started_again(zoe, run_on_commit):
    job = ExportJob.objects.create(customer=zoe, status=Status.RUNNING, started_at=NOW, progress=40)

    with time_machine.travel(NOW + timedelta(minutes=61), tick=False), run_on_commit():
        counts = exports_redispatch_stale()

    job.refresh_from_db()
    assert counts == {"pending_redispatched": 0, "running_restarted": 1}
    assert job.status == Status.READY


@pytest.mark.django_db
def test_the_beat_jobs_are_scheduled(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE

    assert schedule["exports-redispatch-stale"]["task"] == "exports.tasks.redispatch_stale_exports"
    assert schedule["exports-expire"]["task"] == "exports.tasks.expire_exports"


@pytest.mark.django_db
def test_files_are_deleted_seven_days_after_ready_and_the_records_stay(zoe, bob, run_on_commit):
    with time_machine.travel(NOW, tick=False), run_on_commit():
        old = export_request(customer=zoe, requested_by=zoe)
    with time_machine.travel(NOW + timedelta(days=3), tick=False), run_on_commit():
        recent = export_request(customer=bob, requested_by=bob)
    old.refresh_from_db()
    recent.refresh_from_db()

    with time_machine.travel(NOW + timedelta(days=6, hours=23), tick=False):
        assert exports_expire()["expired"] == 0
    with time_machine.travel(NOW + timedelta(days=7, minutes=1), tick=False):
        counts = exports_expire()
        again = exports_expire()

    assert counts == {"expired": 1, "files_deleted": 1, "leftovers_deleted": 0}
    assert again == {"expired": 0, "files_deleted": 0, "leftovers_deleted": 0}
    old_after, recent_after = ExportJob.objects.get(pk=old.pk), ExportJob.objects.get(pk=recent.pk)
    assert old_after.status == Status.EXPIRED and not old.path.exists()
    assert recent_after.status == Status.READY and recent.path.exists()


@pytest.mark.django_db
def test_a_record_left_ready_without_its_file_is_expired_on_the_next_run(zoe, build_export):
    job = build_export(customer=zoe, requested_by=zoe)
    job.path.unlink()  # a worker killed between deleting the file and marking the record

    with time_machine.travel(job.ready_at + timedelta(days=8)):
        counts = exports_expire()

    assert counts["expired"] == 1 and counts["files_deleted"] == 0


@pytest.mark.django_db
def test_leftovers_of_a_killed_build_are_swept(zoe, build_export, export_root):
    job = build_export(customer=zoe, requested_by=zoe)
    (export_root / ".build-abc").mkdir()
    (export_root / "999-dead.zip").write_bytes(b"PK")

    with time_machine.travel(timezone.now() + timedelta(days=2)):
        counts = exports_expire()

    assert counts["leftovers_deleted"] == 2 and job.path.exists()
    assert sorted(p.name for p in export_root.iterdir()) == [job.file_name]


@pytest.mark.django_db
def test_the_progress_moves_forward_during_a_build(zoe, zoe_history, monkeypatch):
    seen = []
    monkeypatch.setattr(services, "_progress_writer", lambda job_id: seen.append)
    job = ExportJob.objects.create(customer=zoe)

    export_build(job_id=job.pk)

    assert seen == sorted(seen) and seen[0] < 75 <= seen[-1] < 100
    assert ExportJob.objects.get(pk=job.pk).progress == 100


@pytest.mark.django_db
def test_a_customer_cannot_ask_for_more_than_five_copies_a_day(zoe, build_export):
    for _ in range(5):
        build_export(customer=zoe, requested_by=zoe)

    with pytest.raises(services.ExportError):
        export_request(customer=zoe, requested_by=zoe)
