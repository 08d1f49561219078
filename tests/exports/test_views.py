"""The customer's side (R66): build from the page, follow it, get the mail, download it; nobody else can."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from exports.models import DownloadLog, ExportJob
from exports.services import exports_expire
from tests import factories
from tests.exports.archive import panel

CREATE = reverse("exports:create")
pytestmark = pytest.mark.usefixtures("fast_pdf")


def _download(job):
    return reverse("exports:download", args=[job.pk])


@pytest.fixture
def ready(zoe, build_export):
    job = build_export(customer=zoe, requested_by=zoe)
    assert job.status == ExportJob.Status.READY, job.error
    return job


@pytest.mark.smoke
@pytest.mark.django_db
def test_the_customer_clicks_the_button_and_gets_the_mail_and_the_zip(client, zoe, run_on_commit):
    client.force_login(zoe)

    with run_on_commit():
        response = client.post(CREATE)

    assert response.status_code == 302 and response.url.endswith("/account/privacy/#copy")
    job = ExportJob.objects.get(customer=zoe)
    assert (job.status, job.progress, job.requested_by, job.language) == ("ready", 100, zoe, "fr")
    (message,) = mail.outbox
    assert message.to == ["zoe@example.com"]
    assert message.subject == "Votre copie de vos données personnelles est prête"
    assert "https://client.example.com/account/privacy/#copy" in message.body
    assert "https://client.example.com/account/privacy/#copy" in message.alternatives[0].content
    download = client.get(_download(job))
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    assert download["Content-Disposition"].startswith('attachment; filename="personal-data-')
    assert b"".join(download.streaming_content)[:2] == b"PK"
    assert download["Cache-Control"] == "private, no-store"


@pytest.mark.django_db
def test_the_button_needs_a_login_and_a_post(client, zoe):
    assert client.post(CREATE).status_code == 302
    client.force_login(zoe)
    assert client.get(CREATE).status_code == 405
    assert not ExportJob.objects.exists()


@pytest.mark.django_db
def test_the_export_is_built_after_commit_not_while_the_page_waits(client, zoe, django_capture_on_commit_callbacks):
    client.force_login(zoe)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(CREATE)

    job = ExportJob.objects.get(customer=zoe)
    assert job.status == ExportJob.Status.PENDING and len(callbacks) == 1


@pytest.mark.django_db
def test_a_second_click_while_building_reuses_the_export(client, zoe, django_capture_on_commit_callbacks):
    client.force_login(zoe)

    with django_capture_on_commit_callbacks(execute=False):
        client.post(CREATE)
        client.post(CREATE)

    assert ExportJob.objects.filter(customer=zoe).count() == 1


@pytest.mark.django_db
def test_the_panel_shows_progress_while_running_and_polls_a_json_status(client, zoe):
    job = ExportJob.objects.create(customer=zoe, status=ExportJob.Status.RUNNING, progress=42)
    client.force_login(zoe)

    html = panel(zoe)
    status = client.get(reverse("exports:status", args=[job.pk])).json()

    assert '<progress max="100" value="42"' in html
    assert f'data-export-status="/account/privacy/export/{job.pk}/status/"' in html
    assert "js/export-status.js" in html and "<script>" not in html and "style=" not in html
    assert "disabled" in html  # no second build while one runs
    assert status == {"status": "running", "progress": 42, "label": "En cours de préparation"}


@pytest.mark.django_db
def test_the_panel_offers_the_download_link_with_its_expiry(ready, zoe):
    html = panel(zoe)

    link = reverse("exports:download", args=[ready.pk])
    assert f'href="{link}"' in html and "/export/" in link and "/download/" in link
    assert "<progress" not in html and "export-status.js" not in html
    assert "Disponible jusqu’au" in html or "Disponible jusqu'au" in html
    assert 'action="{}"'.format(reverse("exports:transmit", args=[ready.pk])) in html


@pytest.mark.django_db
def test_another_customer_gets_404_for_the_download_the_status_and_the_retry(client, ready, bob):
    client.force_login(bob)

    for name in ("download", "status"):
        assert client.get(reverse(f"exports:{name}", args=[ready.pk])).status_code == 404
    assert client.post(reverse("exports:retry", args=[ready.pk])).status_code == 404
    assert client.post(reverse("exports:transmit", args=[ready.pk]), {"recipient": "x@example.org"}).status_code == 404
    assert not DownloadLog.objects.exists()
    assert str(ready.pk) not in panel(bob)


@pytest.mark.django_db
def test_an_anonymous_visitor_is_sent_to_the_login(client, ready):
    response = client.get(_download(ready))

    assert response.status_code == 302 and reverse("accounts:login") in response.url


@pytest.mark.django_db
def test_staff_download_only_with_the_export_permission(client, ready, dpo):
    support = factories.StaffFactory(email="support@example.com")
    client.force_login(support)
    assert client.get(_download(ready)).status_code == 404

    client.force_login(dpo)
    response = client.get(_download(ready))

    assert response.status_code == 200
    (log,) = DownloadLog.objects.all()
    assert (log.job, log.user, log.role) == (ready, dpo, DownloadLog.Role.STAFF)


@pytest.mark.django_db
def test_every_download_is_logged_with_who_and_when(client, ready, zoe):
    client.force_login(zoe)
    moment = timezone.now() + timedelta(hours=1)

    with time_machine.travel(moment, tick=False):
        client.get(_download(ready))
    client.get(_download(ready))

    logs = list(DownloadLog.objects.order_by("pk"))
    assert [(log.user, log.role) for log in logs] == [(zoe, "subject")] * 2
    assert logs[0].downloaded_at == moment and logs[0].ip == "127.0.0.1"


@pytest.mark.django_db
def test_an_expired_link_answers_410_with_a_message_even_before_the_hourly_job(client, ready, zoe):
    client.force_login(zoe)

    with time_machine.travel(ready.ready_at + timedelta(days=7, seconds=1)):
        response = client.get(_download(ready))

    assert response.status_code == 410
    assert "plus disponible" in response.content.decode()
    assert not DownloadLog.objects.exists()


@pytest.mark.django_db
def test_after_expiry_the_file_is_gone_the_record_stays_and_the_page_says_so(client, ready, zoe):
    path = ready.path

    with time_machine.travel(ready.ready_at + timedelta(days=7, minutes=5)):
        counts = exports_expire()
        client.force_login(zoe)
        response = client.get(_download(ready))
        html = panel(zoe)

    ready.refresh_from_db()
    assert counts == {"expired": 1, "files_deleted": 1, "leftovers_deleted": 0}
    assert ready.status == ExportJob.Status.EXPIRED and ready.expired_at is not None
    assert not path.exists() and response.status_code == 410
    assert "Expiré" in html and _download(ready) not in html


@pytest.mark.django_db
def test_the_file_lives_in_the_private_root_not_under_static_or_media(ready, export_root, settings):
    assert ready.path.parent == export_root and ready.path.is_file()
    assert ready.path.stat().st_mode & 0o077 == 0
    assert not str(ready.path).startswith(str(settings.STATIC_ROOT))
    assert ready.file_name.endswith(".zip") and str(ready.pk) in ready.file_name


@pytest.mark.django_db
def test_an_export_the_dpo_prepares_for_an_open_request_stays_hidden_until_it_is_answered(
    client, zoe, dpo, run_on_commit
):
    from exports.services import export_for_request
    from privacy.models.requests import Kind
    from privacy.services.requests import request_file

    req = request_file(kind=Kind.ACCESS, channel="client_area", customer=zoe, actor=zoe)
    with run_on_commit():
        job = export_for_request(request=req, actor=dpo)
    job.refresh_from_db()
    client.force_login(zoe)

    assert job.status == ExportJob.Status.READY and not job.deliver_to_subject
    assert client.get(_download(job)).status_code == 404
    assert str(job.pk) not in panel(zoe)
    assert not [m for m in mail.outbox if "prête" in m.subject]
