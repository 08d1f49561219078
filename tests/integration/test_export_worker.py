"""A real Celery worker builds a customer's export through the real Redis, on PostgreSQL, while the page polls it."""

import time
import zipfile

import pytest
from django.urls import reverse

from exports.models import DownloadLog, ExportJob
from tests import factories

pytestmark = pytest.mark.integration

BUILD_TIMEOUT = 120


@pytest.fixture
def shared_private_root(worker_site, settings):
    """The worker (a child process started after this) and the test read and write the same private folder."""
    return settings.EXPORT_ROOT


@pytest.fixture
def fresh_broker_pools(celery_to_redis):
    """kombu keeps one connection pool per broker URL for the whole process; an earlier integration test that
    published to the same Redis closed it on teardown. Start from new pools so this test can publish too."""
    from kombu import pools

    pools.reset()
    celery_to_redis._pool = None
    celery_to_redis.__dict__.pop("amqp", None)
    return celery_to_redis


def _follow(client, job, worker):
    """Poll the status endpoint as the page's script does; the states and percentages seen, in order."""
    seen = []
    deadline = time.monotonic() + BUILD_TIMEOUT
    while time.monotonic() < deadline:
        status = client.get(reverse("exports:status", args=[job.pk])).json()
        if not seen or seen[-1] != (status["status"], status["progress"]):
            seen.append((status["status"], status["progress"]))
        if status["status"] not in ("pending", "running"):
            return seen
        if worker.process.poll() is not None:
            pytest.fail(f"the worker died:\n{worker.log()}", pytrace=False)
        time.sleep(0.1)
    pytest.fail(f"the export was not built in {BUILD_TIMEOUT} s; seen {seen}:\n{worker.log()}", pytrace=False)


@pytest.mark.django_db(transaction=True)
def test_a_worker_builds_the_export_the_customer_asked_for(
    client, shared_private_root, celery_worker, fresh_broker_pools
):
    zoe = factories.CustomerFactory(email="zoe.worker@example.com", first_name="Zoé", last_name="Ålander")
    for _ in range(3):
        factories.OrderFactory(customer=zoe)
    factories.ConnectionLogFactory(customer=zoe, ip="192.0.2.77")
    client.force_login(zoe)

    response = client.post(reverse("exports:create"))
    job = ExportJob.objects.get(customer=zoe)
    seen = _follow(client, job, celery_worker)

    job.refresh_from_db()
    assert response.status_code == 302
    assert job.status == ExportJob.Status.READY, f"{job.error}\n{celery_worker.log()}"
    assert seen[-1] == ("ready", 100) and all(p <= q for (_, p), (_, q) in zip(seen, seen[1:], strict=False))
    assert "exports.tasks.build_export" in celery_worker.log()
    assert job.announced_at is not None  # the worker handed the ready mail to the mail task
    with zipfile.ZipFile(shared_private_root / job.file_name) as archive:
        assert {"data.json", "report.pdf", "README.txt", "csv/orders.csv"} <= set(archive.namelist())
        assert b"192.0.2.77" in archive.read("csv/connection_log.csv")
    download = client.get(reverse("exports:download", args=[job.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content)[:2] == b"PK"
    assert DownloadLog.objects.filter(job=job, user=zoe).count() == 1
