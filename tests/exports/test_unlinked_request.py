"""R11: an export for a request not linked to an account holds only what is held under that address without an
account; an account's data leave only once staff have linked the request to it after checking."""

import json
import zipfile
from types import SimpleNamespace

import pytest

from exports.models import ExportJob
from privacy.models.requests import Kind
from privacy.registry import registry
from privacy.services.requests import request_file, request_link_account
from tests import factories


def open_archive(job):
    """data.json and the CSV files (the PDF is drawn from the same rows; a placeholder stands in for it here)."""
    with zipfile.ZipFile(job.path) as zf:
        data = json.loads(zf.read("data.json"))
        csvs = {n: zf.read(n).decode() for n in zf.namelist() if n.startswith("csv/")}
    return SimpleNamespace(data=data, csv=csvs)


def _everything(archive):
    return json.dumps(archive.data, ensure_ascii=False) + "".join(archive.csv.values())


def _records(archive):
    return {row["record"] for rows in archive.data["sections"].values() for row in rows}


@pytest.mark.django_db
def test_a_guardians_unlinked_request_never_exports_the_guardians_own_account(
    zoe, zoe_history, build_export, dpo, fast_pdf
):
    # Zoé writes as the parent of a child; her own address is also her account's.
    req = request_file(kind=Kind.ACCESS, channel="email", email="zoe@example.com", name="Zoé Ålander", is_guardian=True)

    job = build_export(request=req, requested_by=dpo)
    archive = open_archive(job)

    assert job.status == ExportJob.Status.READY, job.error
    assert job.customer is None
    everything = _everything(archive)
    for hers in (zoe_history.order_reference, zoe_history.invoice_number, zoe_history.domain, "192.0.2.1"):
        assert hers not in everything
    assert "Où sont mes données" not in everything  # her own client-area request is her account's
    # Only records that can be held under an address without an account: the prospect row, this request, its mails.
    by_email = {e.model._meta.label_lower for e in registry.entries() if e.email_field}
    assert _records(archive) <= by_email
    assert "accounts.prospect" in _records(archive)
    refs = [r["reference"] for r in archive.data["sections"]["requests"] if r["record"] == "privacy.datasubjectrequest"]
    assert refs == [req.reference]


@pytest.mark.django_db
def test_a_staff_members_address_pulls_in_nothing_of_their_account(build_export, dpo, fast_pdf):
    staff = factories.StaffFactory(email="helen@example.com", first_name="Helen")
    factories.OrderFactory(customer=staff, reference="ORD-STAFF-1")
    factories.ConnectionLogFactory(customer=staff, ip="198.51.100.7")
    req = request_file(kind=Kind.ACCESS, channel="post", email="Helen@Example.com", name="Helen")

    archive = open_archive(build_export(request=req, requested_by=dpo))

    everything = _everything(archive)
    assert "ORD-STAFF-1" not in everything and "198.51.100.7" not in everything
    assert archive.data["sections"]["orders"] == []


@pytest.mark.django_db
def test_once_staff_link_the_request_the_export_is_the_accounts(zoe, zoe_history, build_export, dpo, fast_pdf):
    child = factories.CustomerFactory(email="lea@example.com", first_name="Léa")
    factories.OrderFactory(customer=child, reference="ORD-LEA-1")
    req = request_file(kind=Kind.ACCESS, channel="email", email="zoe@example.com", name="Zoé Ålander", is_guardian=True)
    req = request_link_account(req, actor=dpo, customer=child, check="Birth certificate and ID seen")

    archive = open_archive(build_export(request=req, requested_by=dpo))

    everything = _everything(archive)
    assert "ORD-LEA-1" in everything
    assert zoe_history.order_reference not in everything
