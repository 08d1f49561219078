"""On PostgreSQL, data.json's rows and the CSV files are written by SQL (exports/builder/pg_rows.py): the same bytes
as the Python pass, for every kind of value a column can hold; SQLite keeps the Python pass."""

import zipfile
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db import connection

from accounts.models import ConnectionLog, Order, TicketMessage
from exports.builder import archive, build_archive, pg_rows
from exports.models import ExportJob
from privacy.registry import registry
from tests import factories
from tests.integration.conftest import skip_or_fail

pytestmark = pytest.mark.integration

# What a cell or a JSON string has to survive: separators, quotes, line breaks, control characters, formulas,
# numbers that look like formulas, text in other scripts, a backslash, empty text.
TEXTS = [
    "plain",
    "comma, inside",
    'a "quoted" word',
    "two\nlines",
    "carriage\rreturn",
    "crlf\r\nend",
    "tab\there",
    "\tstarts with a tab",
    "=1+1",
    "+33 6 12 34 56 78",
    "-12.50",
    "-12\n",
    "-١٢",
    "@SUM(A1)",
    "-",
    "Ευχαριστώ, Zoé “quotes” — ✓ 🙂",
    "line\u2028separator",
    "back\\slash \\n",
    "ctrl \x01\x1f\x7f",
    "",
    " leading and trailing ",
    "\\.",
]


@pytest.fixture
def postgresql(db):
    if connection.vendor != "postgresql":
        skip_or_fail("the SQL pass of the exports runs on PostgreSQL (DATABASE_URL=postgres://...)")


@pytest.fixture
def tricky(postgresql):
    customer = factories.CustomerFactory(
        email="tricky@example.com", first_name='Zoé, "Z"', last_name="=HYPERLINK(1)", preferred_language="fr"
    )
    moments = [
        datetime(2024, 2, 29, 23, 59, 59, tzinfo=UTC),
        datetime(2024, 3, 31, 1, 30, 0, 123456, tzinfo=UTC),
        datetime(1999, 12, 31, 0, 0, 0, 1, tzinfo=UTC),
    ]
    for i, text in enumerate(TEXTS):
        Order.objects.create(
            customer=customer,
            reference=f"T-{i}",
            product=text,
            amount=Decimal("-12.50") if i % 3 == 0 else Decimal("0.00") if i % 3 == 1 else Decimal("1234567.89"),
            status=Order.Status.COMPLETED,
            created_at=moments[i % len(moments)],
            buyer_ip=["203.0.113.7", "2001:db8::1", None][i % 3],
        )
        ConnectionLog.objects.create(
            customer=customer, created_at=moments[i % 3], ip="198.51.100.7", success=i % 2 == 0, user_agent=text
        )
    ticket = factories.TicketFactory(customer=customer, subject="=cmd|' /C calc'!A0")
    for text in TEXTS:
        factories.TicketMessageFactory(ticket=ticket, body=text, author_role=TicketMessage.Role.CUSTOMER)
    return customer


@pytest.fixture
def fast_pdf(monkeypatch):
    from exports.builder import pdf

    monkeypatch.setattr(pdf, "render", lambda context, path: path.write_bytes(b"%PDF-1.7 placeholder"))


def _jobs(customer):
    """Both builds' jobs, made first: the exports a customer asked for are part of their data."""
    return [ExportJob.objects.create(customer=customer, requested_by=customer, language="fr") for _ in range(2)]


def _build(job, tmp_path, name, *, sql):
    destination = tmp_path / f"{name}.zip"
    original = pg_rows.supported
    pg_rows.supported = original if sql else (lambda entry, fields: False)
    try:
        build_archive(job, destination, pdf_rows=5)
    finally:
        pg_rows.supported = original
    with zipfile.ZipFile(destination) as zf:
        return {n: zf.read(n) for n in zf.namelist() if n != "report.pdf"}


def _sections(data_json):
    # generated_at differs between two builds; everything from the sections on must not.
    return data_json.split(b'"sections"', 1)[1]


def test_the_sql_pass_writes_the_same_bytes_as_the_python_pass(tricky, tmp_path, monkeypatch, fast_pdf):
    monkeypatch.setattr(archive, "SQL_CHUNK", 7)  # several chunks per kind of record, and a last short one
    used = []
    original = pg_rows.chunks

    def counted(entry, *args, **kwargs):
        used.append(entry.model)
        yield from original(entry, *args, **kwargs)

    monkeypatch.setattr(pg_rows, "chunks", counted)
    first, second = _jobs(tricky)
    python = _build(first, tmp_path, "python", sql=False)
    assert not used
    sql = _build(second, tmp_path, "sql", sql=True)

    assert {Order, ConnectionLog, TicketMessage} <= set(used)
    assert sql.keys() == python.keys()
    for name in python:
        if name == "data.json":
            assert _sections(sql[name]) == _sections(python[name])
        elif name != "README.txt":
            assert sql[name] == python[name], name
    orders = sql["csv/orders.csv"].decode()
    assert "'=1+1" in orders and ",-12.50," in orders and '"two\nlines"' in orders


def test_every_column_type_of_the_registry_is_written_by_sql_or_keeps_the_python_pass(postgresql):
    from exports.builder.rows import exported_fields

    kept = [e.model.__name__ for e in registry.entries() if not pg_rows.supported(e, exported_fields(e))]
    # A JSON field's text (Python's repr of a dict) only Python writes.
    assert len(kept) <= 3, kept


def test_the_pdf_summary_is_the_same_on_both_passes(tricky, tmp_path, monkeypatch):
    from exports.builder import pdf

    seen = {}

    def capture(context, path):
        seen.setdefault("runs", []).append(
            [
                (e.entry.model, e.total, e.first_at, e.last_at, list(e.newest))
                for c in context["categories"]
                for e in c.entries
            ]
        )
        path.write_bytes(b"%PDF-1.7 placeholder")

    monkeypatch.setattr(pdf, "render", capture)
    first, second = _jobs(tricky)
    _build(first, tmp_path, "python", sql=False)
    _build(second, tmp_path, "sql", sql=True)

    python, sql = seen["runs"]
    assert sql == python
