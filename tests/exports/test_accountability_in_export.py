"""The access answer names authority disclosures unless secrecy still applies (R30); credentials only by label (R67)."""

import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from accounts.models import SiteCredential
from exports.models import ExportJob
from privacy.models import AuthorityDisclosure
from tests import factories
from tests.exports.archive import open_archive

PARIS = ZoneInfo("Europe/Paris")
DISCLOSED = datetime(2026, 6, 10, 15, 0, tzinfo=PARIS)
SECRET_UNTIL = datetime(2026, 9, 1, 0, 0, tzinfo=PARIS)
SECRET = "Tr0ub4dor-3-wp-admin"

pytestmark = pytest.mark.django_db


@pytest.fixture
def disclosure(zoe, dpo):
    return AuthorityDisclosure.objects.create(
        customer=zoe,
        disclosed_at=DISCLOSED,
        authority="Tribunal judiciaire de Besançon",
        legal_reference="Réquisition judiciaire, art. 60-1 CPP, n° 2026/4411",
        data_categories="identité, adresses IP de connexion",
        recorded_by=dpo,
    )


def _export(build_export, zoe):
    job = build_export(customer=zoe, requested_by=zoe)
    assert job.status == ExportJob.Status.READY, job.error
    archive = open_archive(job)
    archive.pdf_text = " ".join(archive.pdf_text.split())  # table cells wrap lines
    return archive


def test_a_disclosure_appears_in_data_json_the_csv_and_the_pdf(zoe, disclosure, build_export):
    with time_machine.travel(DISCLOSED + timedelta(days=1), tick=False):
        archive = _export(build_export, zoe)

    (row,) = archive.data["sections"]["authority_disclosures"]
    assert row["authority"] == "Tribunal judiciaire de Besançon"
    assert row["legal_reference"].startswith("Réquisition judiciaire") and row["disclosed_at"].startswith("2026-06-10")
    assert row["data_categories"] == "identité, adresses IP de connexion"
    assert "Tribunal judiciaire de Besançon" in archive.csv["csv/authority_disclosures.csv"]
    assert "Tribunal judiciaire de Besançon" in archive.pdf_text
    assert "Communications aux autorités" in archive.pdf_text  # the category, in Zoé's language


def test_a_secret_disclosure_is_left_out_until_its_secrecy_ends_then_appears(zoe, disclosure, build_export, client):
    disclosure.secret_until = SECRET_UNTIL
    disclosure.save()
    client.force_login(zoe)

    with time_machine.travel(SECRET_UNTIL - timedelta(seconds=1), tick=False):
        before = _export(build_export, zoe)
        page_before = client.get("/account/privacy/").content.decode()
    with time_machine.travel(SECRET_UNTIL, tick=False):
        after = _export(build_export, zoe)
        page_after = client.get("/account/privacy/").content.decode()

    assert before.data["sections"]["authority_disclosures"] == []
    assert "Besançon" not in before.csv["csv/authority_disclosures.csv"]
    assert "Tribunal judiciaire" not in before.pdf_text and "Tribunal judiciaire" not in page_before
    assert len(after.data["sections"]["authority_disclosures"]) == 1
    assert "Tribunal judiciaire" in after.pdf_text and "Tribunal judiciaire de Besançon" in page_after


def test_the_my_personal_data_page_lists_the_disclosure(zoe, disclosure, client):
    client.force_login(zoe)

    html = client.get("/account/privacy/").content.decode()

    assert 'id="cat-authority_disclosures"' in html and "Tribunal judiciaire de Besançon" in html


def test_a_disclosure_about_someone_else_never_shows(zoe, disclosure, client):
    other = factories.CustomerFactory(email="other@example.com")
    client.force_login(other)

    assert "Tribunal judiciaire" not in client.get("/account/privacy/").content.decode()


def test_site_credentials_are_exported_by_label_only_and_never_logged(zoe, build_export, caplog):
    service = factories.ServiceFactory(customer=zoe, name="Hébergement Pro")
    credential = SiteCredential(service=service, label="WordPress admin", username="zoe-admin")
    credential.set_secret(SECRET)
    credential.save()

    with caplog.at_level(logging.DEBUG):
        archive = _export(build_export, zoe)

    (row,) = [r for r in archive.data["sections"]["services"] if r["record"] == "accounts.sitecredential"]
    assert row["label"] == "WordPress admin"
    everything = "\n".join([str(archive.data), *archive.csv.values(), archive.pdf_text, archive.readme])
    assert SECRET not in everything and credential.secret_token not in everything
    assert "zoe-admin" not in everything  # the username opens the site too: label only (R67)
    assert SECRET not in caplog.text and credential.secret_token not in caplog.text


def test_a_staff_download_is_audited_as_an_export_and_the_subjects_own_is_not(zoe, dpo, build_export, fast_pdf, client):
    from django.urls import reverse

    from privacy.models import AuditEntry

    job = build_export(customer=zoe, requested_by=zoe)
    url = reverse("exports:download", args=[job.pk])
    client.force_login(zoe)
    assert client.get(url).status_code == 200
    assert not AuditEntry.objects.exists()

    client.force_login(dpo)
    response = client.get(url, REMOTE_ADDR="192.0.2.77")

    assert response.status_code == 200
    (row,) = AuditEntry.objects.all()
    assert (row.action, row.actor, row.customer, row.ip) == ("export", dpo, zoe, "192.0.2.77")
    assert (row.target, row.object_id) == ("exports.exportjob", str(job.pk))


def test_a_staff_download_whose_audit_row_cannot_be_written_leaves_no_download_log(
    zoe, dpo, build_export, fast_pdf, client, audit_store_down
):
    """The download log and the audit row are written in one transaction: the one is never there without the
    other."""
    from django.urls import reverse

    from exports.models import DownloadLog

    job = build_export(customer=zoe, requested_by=zoe)
    client.force_login(dpo)

    audit_store_down()
    with pytest.raises(RuntimeError, match="audit trail"):
        client.get(reverse("exports:download", args=[job.pk]))

    assert not DownloadLog.objects.exists()
