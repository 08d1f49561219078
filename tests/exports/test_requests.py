"""Exports and requests: the DPO builds one from the queue, completing the request delivers it (R20), and
portability sends it on to another controller after the subject confirms again (R27)."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from exports.models import DownloadLog, ExportJob, Transmission
from privacy.models.requests import Kind
from privacy.services.requests import request_complete, request_file, request_start, request_verify_identity
from tests import factories

Status = ExportJob.Status
pytestmark = pytest.mark.usefixtures("fast_pdf")


def _link(message, path_part):
    links = re.findall(r"https://client\.example\.com(/\S+)", message.body)
    return next(link for link in links if path_part in link)


def _started(customer=None, kind=Kind.ACCESS, *, actor, **kw):
    """A request in progress: from the client area (identity known), or by email once the DPO verified it."""
    if customer is not None:
        req = request_file(kind=kind, channel="client_area", customer=customer, actor=customer, **kw)
        return request_start(req, actor=actor)
    req = request_file(kind=kind, channel="email", **kw)
    return request_verify_identity(req, actor=actor)


def _build_url(req):
    return reverse("admin:exports_exportjob_build_for_request", args=[req.pk])


@pytest.mark.django_db
def test_the_dpo_builds_an_export_from_the_queue_and_it_is_attached_to_the_request(dpo_client, zoe, dpo, run_on_commit):
    req = _started(zoe, actor=dpo)

    page = dpo_client.get(_build_url(req))
    with run_on_commit():
        response = dpo_client.post(_build_url(req))

    job = req.exports.get()
    assert page.status_code == 200 and req.reference in page.content.decode()
    assert response.status_code == 302
    assert (job.customer, job.request, job.requested_by, job.status) == (zoe, req, dpo, Status.READY)
    assert not job.deliver_to_subject and job.announced_at is None
    assert dpo_client.get(reverse("exports:download", args=[job.pk])).status_code == 200


@pytest.mark.django_db
def test_staff_without_the_export_permission_cannot_build(client, zoe, dpo):
    req = _started(zoe, actor=dpo)
    support = factories.StaffFactory(email="support@example.com", is_superuser=False)
    client.force_login(support)

    assert client.post(_build_url(req)).status_code in (302, 403)
    assert not ExportJob.objects.exists()


@pytest.mark.django_db
def test_no_export_before_the_identity_is_verified(dpo_client, dpo, run_on_commit):
    req = request_file(kind=Kind.ACCESS, channel="email", email="someone@example.org", name="Someone")

    with run_on_commit():
        dpo_client.post(_build_url(req))

    assert not ExportJob.objects.exists()


@pytest.mark.django_db
def test_completing_an_access_request_delivers_the_export_already_built(zoe, dpo, run_on_commit):
    req = _started(zoe, actor=dpo)
    from exports.services import export_for_request

    with run_on_commit():
        job = export_for_request(request=req, actor=dpo)
    mail.outbox.clear()

    with run_on_commit():
        request_complete(req, actor=dpo, response="Voici la copie de vos données.")

    job.refresh_from_db()
    assert job.deliver_to_subject and job.announced_at is not None
    assert ExportJob.objects.count() == 1
    subjects = sorted(m.subject for m in mail.outbox)
    assert any("prête" in s for s in subjects) and any(req.reference in s for s in subjects)


@pytest.mark.django_db
def test_completing_an_access_request_without_an_export_queues_one_and_announces_it_when_ready(zoe, dpo, run_on_commit):
    req = _started(zoe, actor=dpo)

    with run_on_commit():
        request_complete(req, actor=dpo, response="Voici la copie de vos données.")

    job = req.exports.get()
    assert (job.status, job.requested_by, job.deliver_to_subject) == (Status.READY, None, True)
    assert job.announced_at is not None
    assert [m.to for m in mail.outbox if "prête" in m.subject] == [["zoe@example.com"]]


@pytest.mark.django_db
def test_completing_while_the_export_is_still_building_delivers_it_when_it_is_ready(zoe, dpo, run_on_commit):
    from exports.services import export_build, export_for_request

    req = _started(zoe, actor=dpo)
    job = export_for_request(request=req, actor=dpo)  # queued; its on-commit dispatch is dropped here

    with run_on_commit():
        request_complete(req, actor=dpo, response="Voici.")
    assert ExportJob.objects.get(pk=job.pk).status == Status.PENDING
    with run_on_commit():
        export_build(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == Status.READY and job.announced_at is not None
    assert ExportJob.objects.count() == 1


@pytest.mark.django_db
def test_a_prospect_gets_an_expiring_link_by_email_that_works_without_an_account(client, dpo, run_on_commit):
    factories.ProspectFactory(email="paul@example.org", first_name="Paul")
    req = _started(email="paul@example.org", name="Paul Ørsted", actor=dpo)

    with run_on_commit():
        request_complete(req, actor=dpo, response="Here is your copy.")

    job = req.exports.get()
    (ready,) = [m for m in mail.outbox if "ready" in m.subject]
    link = _link(ready, "/export/link/")
    assert ready.to == ["paul@example.org"] and "download" in link
    response = client.get(link)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    (log,) = DownloadLog.objects.all()
    assert (log.job, log.user, log.role, log.transmission.recipient_kind) == (job, None, "subject", "subject")
    with time_machine.travel(job.ready_at + timedelta(days=7, seconds=1)):
        assert client.get(link).status_code == 410
    assert client.get(link.replace("/link/", "/link/x")).status_code == 404


@pytest.mark.django_db
def test_portability_sends_a_link_to_the_receiving_controller_after_the_subject_confirms(
    client, zoe, build_export, run_on_commit
):
    job = build_export(customer=zoe, requested_by=zoe)
    mail.outbox.clear()
    client.force_login(zoe)

    with run_on_commit():
        client.post(reverse("exports:transmit", args=[job.pk]), {"recipient": "Import@NewHost.example"})

    transmission = Transmission.objects.get()
    assert (transmission.recipient_email, transmission.sent_at) == ("import@newhost.example", None)
    (confirm,) = mail.outbox
    assert confirm.to == ["zoe@example.com"] and "import@newhost.example" in confirm.body
    confirm_link = _link(confirm, "/confirm/")

    client.logout()
    page = client.get(confirm_link)
    assert page.status_code == 200 and not Transmission.objects.get().sent_at  # opening the link sends nothing
    assert len(mail.outbox) == 1
    with run_on_commit():
        client.post(confirm_link)
        client.post(confirm_link)  # a second click sends nothing more

    transmission.refresh_from_db()
    assert transmission.confirmed_at and transmission.sent_at and transmission.expires_at <= job.expires_at
    (sent,) = mail.outbox[1:]
    assert sent.to == ["import@newhost.example"] and "Zoé Ålander" in sent.body and "20(2)" in sent.body
    download = _link(sent, "/export/link/")
    assert client.get(download).status_code == 200
    (log,) = DownloadLog.objects.all()
    assert (log.role, log.user, log.transmission) == ("controller", None, transmission)
    with time_machine.travel(transmission.expires_at + timedelta(seconds=1)):
        assert client.get(download).status_code == 410


@pytest.mark.django_db
def test_a_forged_or_old_confirmation_link_sends_nothing(client, zoe, build_export, run_on_commit):
    job = build_export(customer=zoe, requested_by=zoe)
    client.force_login(zoe)
    with run_on_commit():
        client.post(reverse("exports:transmit", args=[job.pk]), {"recipient": "import@newhost.example"})
    confirm_link = _link(mail.outbox[-1], "/confirm/")

    assert client.post(confirm_link.replace("/confirm/", "x/confirm/")).status_code == 400
    with time_machine.travel(job.created_at + timedelta(hours=73)):
        assert client.post(confirm_link).status_code == 400
    assert Transmission.objects.get().sent_at is None


@pytest.mark.django_db
def test_the_dpo_can_ask_for_a_transmission_for_a_prospect(dpo_client, dpo, run_on_commit):
    req = _started(email="paul@example.org", name="Paul", actor=dpo, kind=Kind.PORTABILITY)
    with run_on_commit():
        request_complete(req, actor=dpo, response="Here it is.")
    job = req.exports.get()
    mail.outbox.clear()

    with run_on_commit():
        response = dpo_client.post(
            reverse("admin:exports_exportjob_transmit", args=[job.pk]), {"recipient": "dpo@otherhost.example"}
        )

    assert response.status_code == 302
    (confirm,) = mail.outbox
    assert confirm.to == ["paul@example.org"]
    assert Transmission.objects.filter(recipient_kind="controller", sent_at__isnull=True).count() == 1


@pytest.mark.django_db
def test_the_admin_lists_exports_and_logs_read_only(dpo_client, zoe, build_export):
    job = build_export(customer=zoe, requested_by=zoe)

    changelist = dpo_client.get(reverse("admin:exports_exportjob_changelist"))
    change = dpo_client.get(reverse("admin:exports_exportjob_change", args=[job.pk]))

    assert changelist.status_code == 200 and "zoe@example.com" in changelist.content.decode()
    assert change.status_code == 200 and reverse("exports:download", args=[job.pk]) in change.content.decode()
    assert dpo_client.get(reverse("admin:exports_exportjob_delete", args=[job.pk])).status_code == 403


@pytest.mark.django_db
def test_the_inline_for_the_request_page_passes_the_admin_checks_and_lists_the_attached_export(
    zoe, dpo, run_on_commit, rf
):
    from django.contrib import admin

    from exports.admin import RequestExportsInline
    from exports.services import export_for_request
    from privacy.models import DataSubjectRequest

    req = _started(zoe, actor=dpo)
    with run_on_commit():
        job = export_for_request(request=req, actor=dpo)
    job.refresh_from_db()
    inline = RequestExportsInline(DataSubjectRequest, admin.site)
    request = rf.get("/")
    request.user = dpo

    assert inline.check() == []
    assert list(inline.get_queryset(request).filter(request=req)) == [job]
    assert reverse("exports:download", args=[job.pk]) in inline.file(job)
