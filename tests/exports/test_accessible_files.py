"""The export's files open well for everyone (issue 14): CSV that Excel reads as UTF-8 in any language, and a PDF
tagged for screen readers (PDF/UA-1)."""

import codecs
import io
import zipfile

import pytest
from pypdf import PdfReader

from exports.models import ExportJob


@pytest.fixture
def zoe_zip(zoe, zoe_history, build_export):
    job = build_export(customer=zoe, requested_by=zoe)
    assert job.status == ExportJob.Status.READY, job.error
    with zipfile.ZipFile(job.path) as archive:
        yield archive


@pytest.mark.django_db
def test_every_csv_starts_with_the_utf8_byte_order_mark_that_excel_needs(zoe_zip):
    csvs = [n for n in zoe_zip.namelist() if n.startswith("csv/")]

    assert csvs
    for name in csvs:
        raw = zoe_zip.read(name)
        assert raw.startswith(codecs.BOM_UTF8), name
        assert not raw[3:].startswith(codecs.BOM_UTF8), name  # one mark, not two
    identity = zoe_zip.read("csv/identity.csv").decode("utf-8-sig")
    assert identity.startswith("record,") and "Besançon" in identity


@pytest.mark.django_db
def test_the_pdf_is_tagged_pdf_ua_in_the_subjects_language(zoe_zip):
    reader = PdfReader(io.BytesIO(zoe_zip.read("report.pdf")))
    catalog = reader.trailer["/Root"]

    assert "/StructTreeRoot" in catalog
    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert catalog["/Lang"] == "fr"
    assert bool(catalog["/ViewerPreferences"]["/DisplayDocTitle"])
    assert b'pdfuaid:part="1"' in catalog["/Metadata"].get_object().get_data()
    assert reader.metadata.title.startswith("Copie de vos données personnelles")
