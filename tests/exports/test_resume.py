"""A build whose worker died is found by its stale heartbeat and built again: by the beat job, by asking again,
or by the retry button (finding 3 of issue 8: it used to stay "running" for an hour, and both refused)."""

from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from exports import services
from exports.models import ExportJob
from exports.services import export_build, export_request, export_retry
from tests.exports.archive import panel

NOW = timezone.make_aware(timezone.datetime(2026, 3, 31, 23, 59))
Status = ExportJob.Status
pytestmark = pytest.mark.usefixtures("fast_pdf")


def _dead_build(customer, *, beat_age):
    """A job left "running" by a worker that was killed `beat_age` seconds after its last progress update."""
    return ExportJob.objects.create(
        customer=customer,
        requested_by=customer,
        status=Status.RUNNING,
        progress=40,
        attempts=1,
        started_at=NOW - timedelta(minutes=3),
        heartbeat_at=NOW - timedelta(seconds=beat_age),
        dispatched_at=NOW - timedelta(minutes=3),
    )


@pytest.mark.django_db
def test_asking_again_for_a_stuck_export_builds_it_again(client, zoe, run_on_commit):
    stuck = _dead_build(zoe, beat_age=61)
    client.force_login(zoe)

    with time_machine.travel(NOW, tick=False), run_on_commit():
        response = client.post("/account/privacy/export/")

    stuck.refresh_from_db()
    assert response.status_code == 302
    assert ExportJob.objects.filter(customer=zoe).count() == 1
    assert (stuck.status, stuck.progress, stuck.attempts) == (Status.READY, 100, 2)


@pytest.mark.django_db
def test_asking_again_while_the_build_is_alive_does_not_start_a_second_one(zoe, run_on_commit):
    alive = _dead_build(zoe, beat_age=20)

    with time_machine.travel(NOW, tick=False), run_on_commit():
        again = export_request(customer=zoe, requested_by=zoe)

    alive.refresh_from_db()
    assert again.pk == alive.pk
    assert (alive.status, alive.progress, alive.attempts) == (Status.RUNNING, 40, 1)


@pytest.mark.django_db
def test_the_retry_button_works_on_a_stuck_export(client, zoe, run_on_commit):
    stuck = _dead_build(zoe, beat_age=90)
    client.force_login(zoe)

    with time_machine.travel(NOW, tick=False):
        html = panel(zoe)
    with time_machine.travel(NOW, tick=False), run_on_commit():
        response = client.post(f"/account/privacy/export/{stuck.pk}/retry/")

    stuck.refresh_from_db()
    assert f'action="/account/privacy/export/{stuck.pk}/retry/"' in html
    assert response.status_code == 302
    assert (stuck.status, stuck.attempts) == (Status.READY, 2)


@pytest.mark.django_db
def test_retry_refuses_a_build_that_is_still_alive(zoe):
    alive = _dead_build(zoe, beat_age=10)

    with time_machine.travel(NOW, tick=False):
        assert export_retry(job=alive) == 0

    alive.refresh_from_db()
    assert (alive.status, alive.progress) == (Status.RUNNING, 40)


@pytest.mark.django_db
def test_progress_updates_are_the_heartbeat(zoe, run_on_commit):
    seen = []
    real = services.build_archive

    def watched(job, destination, *, progress):
        def spy(percent):
            progress(percent)
            seen.append(ExportJob.objects.values_list("progress", "heartbeat_at").get(pk=job.pk))

        with time_machine.travel(NOW + timedelta(seconds=30), tick=False):
            spy(50)
        return real(job, destination, progress=progress)

    with time_machine.travel(NOW, tick=False), mock.patch.object(services, "build_archive", watched), run_on_commit():
        job = export_request(customer=zoe, requested_by=zoe)

    assert seen[0] == (50, NOW + timedelta(seconds=30))
    assert ExportJob.objects.get(pk=job.pk).status == Status.READY


@pytest.mark.django_db
def test_a_build_taken_over_cannot_overwrite_the_new_builds_progress_or_file(zoe, run_on_commit, export_root):
    job = _dead_build(zoe, beat_age=61)
    writer = services._progress_writer(job.pk, job.started_at)  # the dead build's own writer

    with time_machine.travel(NOW, tick=False):
        built = export_build(job_id=job.pk)
    writer(99)

    job.refresh_from_db()
    assert built["built"] == 1
    assert (job.status, job.progress, job.attempts) == (Status.READY, 100, 2)
    assert [p.name for p in export_root.glob("*.zip")] == [job.file_name]


def test_a_dead_worker_is_noticed_and_its_job_queued_again_within_two_minutes():
    schedule = settings.CELERY_BEAT_SCHEDULE["exports-redispatch-stale"]["schedule"]

    assert settings.EXPORT_HEARTBEAT_STALE_SECONDS + schedule.total_seconds() <= 120
    # The heartbeat is written every stale/6 seconds at least: a live build never looks dead.
    assert settings.EXPORT_HEARTBEAT_STALE_SECONDS >= 30


def test_the_brokers_that_redeliver_get_acks_late_and_reject_on_worker_lost():
    from config.celery import app

    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True


@pytest.mark.django_db
def test_building_again_removes_what_the_killed_build_left_and_nothing_else(zoe, bob, export_root):
    job = _dead_build(zoe, beat_age=61)
    other = _dead_build(bob, beat_age=5)
    export_root.mkdir(parents=True)
    (export_root / f"{job.pk}-0123456789abcdef.zip").write_bytes(b"PK partial")
    (export_root / f".build-{job.pk}-0123456789abcdef-x1y2").mkdir()
    (export_root / f"{other.pk}-fedcba9876543210.zip").write_bytes(b"PK building elsewhere")

    with time_machine.travel(NOW, tick=False):
        export_build(job_id=job.pk)

    job.refresh_from_db()
    assert sorted(p.name for p in export_root.iterdir()) == sorted([job.file_name, f"{other.pk}-fedcba9876543210.zip"])


@pytest.mark.django_db(transaction=True)
def test_a_pdf_longer_than_the_stale_window_keeps_beating_and_is_never_taken_for_dead(zoe, monkeypatch, settings):
    """WeasyPrint lays the whole report out in one call: the heartbeat goes on from a thread meanwhile. Before, a PDF
    longer than the stale window (more rows per type in EXPORT_PDF_ROWS) looked dead and was queued again."""
    import time

    from exports.builder import pdf

    settings.EXPORT_HEARTBEAT_STALE_SECONDS = 2  # a beat every 0.5 s
    seen = {}

    def slow_render(context, path):
        time.sleep(2.75)  # longer than the stale window; read between two beats (SQLite's in-memory test database)
        now = timezone.now()
        job = ExportJob.objects.get(pk=context["job"].pk)
        seen.update(beat_age=(now - job.heartbeat_at).total_seconds(), progress=job.progress)
        seen["dead"] = ExportJob.objects.filter(services._dead(now), pk=job.pk).exists()
        path.write_bytes(b"%PDF-1.7 placeholder")

    monkeypatch.setattr(pdf, "render", slow_render)
    job = ExportJob.objects.create(customer=zoe, requested_by=zoe, language="fr")
    export_build(job_id=job.pk)

    assert seen["dead"] is False and seen["beat_age"] < 1.5
    assert seen["progress"] == 75  # the JSON and CSV pass done, the PDF under way
    job.refresh_from_db()
    assert (job.status, job.progress) == (Status.READY, 100)
