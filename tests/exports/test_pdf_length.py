"""The PDF's length follows what is held (issue 16, item 7): WeasyPrint's layout costs about 0.2 s of CPU a page,
and a short history's report used to print a section for every kind of record the registry knows, held or not."""

import io
import re
import zipfile
from types import SimpleNamespace

import pytest
from django.utils.text import capfirst
from pypdf import PdfReader

from exports.builder import build_archive
from exports.models import ExportJob
from privacy.registry import registry
from tests import factories
from tests.exports.archive import open_archive


@pytest.fixture
def ben(db):
    """A customer with one order and nothing else."""
    customer = factories.CustomerFactory(email="ben@example.com", first_name="Ben", preferred_language="en")
    factories.OrderFactory(customer=customer, reference="ORD-BEN-1")
    return customer


def _zip(customer, export_root):
    job = ExportJob.objects.create(customer=customer, requested_by=customer, language="en")
    destination = export_root / "ben.zip"
    destination.parent.mkdir(parents=True, exist_ok=True)
    build_archive(job, destination)
    return destination


def _pdf(customer, export_root):
    return open_archive(SimpleNamespace(path=_zip(customer, export_root)))


@pytest.mark.django_db
def test_categories_with_nothing_held_are_listed_together_not_printed_one_section_each(ben, export_root):
    archive = _pdf(ben, export_root)
    text = archive.pdf_text

    assert "Where we hold nothing about you" in text
    assert "ORD-BEN-1" in text
    # No "Nothing held." section per empty kind of record: the empty kinds are named on one line per category.
    assert "Nothing held." not in text
    held = {s for s, rows in archive.data["sections"].items() if rows}
    empty_labels = [str(c.label) for c in registry.categories() if c.slug not in held]
    nothing_held = text.split("Where we hold nothing about you")[-1]
    for label in empty_labels:
        assert label.split()[0] in nothing_held
    # Cover, contents, identity and orders, the list of the empty categories, the Article 15 part.
    assert archive.pdf_pages <= 6, archive.pdf_pages


@pytest.mark.django_db
def test_an_empty_kind_of_record_in_a_held_category_is_named_on_one_line(ben, export_root):
    archive = _pdf(ben, export_root)
    text = " ".join(archive.pdf_text.split())

    lines = []
    for slug, rows in archive.data["sections"].items():
        records = {row["record"] for row in rows}
        empty = [capfirst(str(e.label)) for e in registry.entries_in(slug) if e.model._meta.label_lower not in records]
        if records and empty:
            lines.append(f"{', '.join(empty)}: nothing held.")
    assert lines, "a held category has a kind of record with nothing held"
    for line in lines:
        assert line in text


@pytest.mark.django_db
def test_the_contents_dotted_lines_are_drawn_in_a_few_pieces_each(ben, export_root):
    """WeasyPrint lays out, draws and tags every copy of a leader's text on its own: a one-dot leader drew about
    120 pieces a line, a tenth of a short report's work (templates/pdf/export_report.css)."""
    with zipfile.ZipFile(_zip(ben, export_root)) as archive:
        contents = PdfReader(io.BytesIO(archive.read("report.pdf"))).pages[1]
    text = contents.extract_text()
    lines = [line for line in text.splitlines() if re.search(r"\. \d+$", line)]
    shown = len(re.findall(rb"T[Jj]\b", contents.get_contents().get_data()))

    assert "Contents" in text and len(lines) >= 4, text
    assert shown <= 20 * len(lines), (shown, len(lines))
