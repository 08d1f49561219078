"""A worker SIGKILLed halfway through an export: the job is picked up again within two minutes, on kombu's
filesystem broker (the embedded default, which deleted the message when the worker read it) and on Redis
(issue 8, finding 3: the job used to stay "running" for about 65 minutes)."""

import time
import zipfile

import pytest
from django.conf import settings

from accounts.models import ConnectionLog
from exports.models import ExportJob
from exports.services import export_request
from tests import factories
from tests.figures import figure_add
from tests.integration.conftest import database_url_of_test_db, publishing_to
from tests.integration.processes import free_port, process_env, start_beat, start_worker, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

# The windows of production (60 s without a heartbeat, a beat run every 30 s) shortened for the test.
FAST = {"EXPORT_HEARTBEAT_STALE_SECONDS": 8, "EXPORT_REDISPATCH_SECONDS": 2, "MAIL_OUTBOX_SWEEP_SECONDS": 3600}
ROWS = 30000


def _big_history(customer):
    ConnectionLog.objects.bulk_create(
        ConnectionLog(customer=customer, ip=f"198.51.{i % 250}.{i % 200 + 1}", user_agent="Mozilla/5.0", success=True)
        for i in range(ROWS)
    )


@pytest.fixture
def procs():
    started = []
    yield started
    for proc in reversed(started):
        proc.stop()


@pytest.mark.parametrize("broker", ["filesystem", "redis"])
def test_an_export_whose_worker_was_killed_halfway_is_built_again_within_two_minutes(
    broker, integration_services, tmp_path, procs
):
    site = tmp_path / "site"
    queue = f"resume-{free_port()}"
    env = process_env(site, DATABASE_URL=database_url_of_test_db(), **FAST)
    settings.EXPORT_ROOT = site / "private" / "exports"
    if broker == "redis":
        broker_url, options = integration_services.redis_url, {}
        env["CELERY_BROKER_URL"] = broker_url
    else:
        broker_url = "filesystem://"
        folder = site / "broker"
        options = {"data_folder_in": str(folder / "out"), "data_folder_out": str(folder / "out")}
        options |= {"processed_folder": str(folder / "processed"), "store_processed": False}
        options |= {"control_folder": str(folder / "control")}
    zoe = factories.CustomerFactory(email="zoe.resume@example.com")
    _big_history(zoe)
    first = start_worker("worker", env=env, logs=tmp_path, queue=queue)
    procs.append(first)

    with publishing_to(broker_url, queue, options):
        job = export_request(customer=zoe, requested_by=zoe)

    def halfway():
        job.refresh_from_db()
        return job.status == ExportJob.Status.RUNNING and 20 <= job.progress < 75

    wait_for(halfway, timeout=120, every=0.05, message=f"the build halfway ({job.status} {job.progress} %)")
    first.kill()
    killed_at = time.monotonic()
    progress_at_kill = job.progress
    procs.append(start_worker("worker2", env=env, logs=tmp_path, queue=queue))
    procs.append(start_beat("beat", env=env, logs=tmp_path, queue=queue))

    def done():
        job.refresh_from_db()
        return job.status not in (ExportJob.Status.PENDING, ExportJob.Status.RUNNING)

    wait_for(done, timeout=120, message=f"the export built again ({job.status} {job.progress} %)")
    resumed_in = time.monotonic() - killed_at
    assert job.status == ExportJob.Status.READY, job.error
    assert job.attempts >= 2 and job.row_count >= ROWS
    with zipfile.ZipFile(settings.EXPORT_ROOT / job.file_name) as archive:
        assert archive.testzip() is None
        assert "csv/connection_log.csv" in archive.namelist()
    assert [p.name for p in settings.EXPORT_ROOT.glob("*.zip")] == [job.file_name]  # the killed build's file is gone
    assert 20 <= progress_at_kill < 75 and resumed_in < 120
    figure_add("faults_survived")
