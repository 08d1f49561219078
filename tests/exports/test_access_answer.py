"""The answer to an access request (issue 13, must-have 4): the Art. 15 part of the PDF names the authorities that
received the data, the transfers from the processor list, the promised period as the policy words it and every
way of exercising rights, the postal one included; a completed access request links to its ZIP on "My Personal
Data" and in the completion mail, for its owner only; the staff's internal notes are never in the copy."""

import zipfile
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from exports.models import ExportJob
from privacy.models import AuthorityDisclosure, Processor, TransferTool
from privacy.models.requests import Kind
from privacy.services.notes import request_note_add
from privacy.services.requests import request_complete, request_file, request_start
from tests import factories
from tests.exports.archive import open_archive

PARIS = ZoneInfo("Europe/Paris")
NOTE = "Staff only: she phoned twice, angry about the invoice."

pytestmark = pytest.mark.django_db


@pytest.fixture
def ada(db):
    return factories.CustomerFactory(
        email="ada@example.com", first_name="Ada", last_name="Byron", preferred_language="en"
    )


def _completed_access(customer, dpo, run_on_commit, *, note=""):
    req = request_start(request_file(kind=Kind.ACCESS, channel="client_area", customer=customer), actor=dpo)
    if note:
        request_note_add(req, actor=dpo, text=note)
    with run_on_commit():
        request_complete(req, actor=dpo, response="Here is the copy of your data.")
    job = req.exports.get()
    assert job.status == ExportJob.Status.READY, job.error
    return req, job


def test_the_art15_part_names_authorities_transfers_the_period_and_every_way_to_exercise_rights(
    ada, dpo, run_on_commit, settings
):
    settings.PRIVACY_POSTAL_ADDRESS = "DPO, 12 avenue des Alpes, 74000 Annecy, France"
    settings.DPO_EMAIL = "dpo@jsbcloud.example"
    settings.DSR_RESPONSE_PERIOD = "30d"
    Processor.objects.create(
        provider="Mailjet US",
        role="Sending mail",
        data="Email",
        location="United States",
        transfer_tool=TransferTool.SCC,
    )
    with time_machine.travel(datetime(2026, 3, 1, 10, 0, tzinfo=PARIS)):
        AuthorityDisclosure.objects.create(
            customer=ada,
            disclosed_at=datetime(2026, 2, 10, 15, 0, tzinfo=PARIS),
            authority="Tribunal judiciaire d'Annecy",
            legal_reference="Requisition 2026/17",
            data_categories="identity",
            recorded_by=dpo,
        )
        _req, job = _completed_access(ada, dpo, run_on_commit)

    text = " ".join(open_archive(job).pdf_text.split())
    # The Art. 15 part is the last section; the table of contents names it first.
    art15 = text[text.rindex("How and why we use your data, and your rights") :]
    assert "Besides the recipients above, your data was disclosed on a legal request" in art15
    assert "Tribunal judiciaire d'Annecy" in art15
    assert "Requisition 2026/17" in art15
    assert "Mailjet US" in art15 and "United States" in art15
    assert "Standard contractual clauses of the European Commission" in art15
    assert "within 30 days at the most" in art15
    for way in ("“My Personal Data” page", "/privacy/request/", "dpo@jsbcloud.example", "12 avenue des Alpes"):
        assert way in art15, way


def test_a_completed_access_request_links_to_its_zip_for_its_owner_only(ada, dpo, client, run_on_commit):
    req, job = _completed_access(ada, dpo, run_on_commit)
    bob = factories.CustomerFactory(email="bob@example.com")
    copy = reverse("privacy:request_copy", args=[req.pk])

    client.force_login(ada)
    page = client.get(reverse("privacy:my_data")).content.decode()
    to_zip = client.get(copy)
    download = client.get(to_zip.url)
    client.force_login(bob)
    other = client.get(copy)
    others_zip = client.get(reverse("exports:download", args=[job.pk]))

    assert f'href="{copy}"' in page and "Download the copy of your data (ZIP)" in page
    assert to_zip.status_code == 302 and to_zip.url == reverse("exports:download", args=[job.pk])
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    assert other.status_code == 404 and others_zip.status_code == 404


def test_the_completion_mail_carries_the_link_to_the_copy(ada, dpo, run_on_commit):
    req, _job = _completed_access(ada, dpo, run_on_commit)

    (answer,) = [m for m in mail.outbox if req.reference in m.subject and "answer" in m.subject.lower()]
    link = f"https://client.example.com{reverse('privacy:request_copy', args=[req.pk])}"
    assert link in answer.body and link in answer.alternatives[0].content


def test_a_request_that_is_not_an_access_has_no_copy_link(ada, dpo, client):
    req = request_start(request_file(kind=Kind.OTHER, channel="client_area", customer=ada), actor=dpo)
    request_complete(req, actor=dpo, response="Answered.")
    client.force_login(ada)

    assert "Download the copy of your data (ZIP)" not in client.get(reverse("privacy:my_data")).content.decode()
    assert client.get(reverse("privacy:request_copy", args=[req.pk])).status_code == 302


@pytest.mark.usefixtures("fast_pdf")
def test_an_internal_note_is_not_in_the_copy_of_the_data(ada, dpo, run_on_commit):
    _req, job = _completed_access(ada, dpo, run_on_commit, note=NOTE)

    with zipfile.ZipFile(job.path) as archive:
        everything = "".join(archive.read(n).decode("utf-8") for n in archive.namelist() if n != "report.pdf")
    assert "angry about the invoice" not in everything
    assert "Here is the copy of your data." in everything  # the answer itself is the person's
