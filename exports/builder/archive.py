"""The ZIP of one subject's data: data.json, csv/<category>.csv, report.pdf, README.txt and the files held (R64).

Rows are streamed once from the database: each row goes to data.json (inside the ZIP), to its category's
CSV (spooled to a private temporary file, since a ZIP takes one member at a time) and to a bounded
summary from which the PDF is made. Memory does not grow with the subject's history. On PostgreSQL the
JSON and CSV text of a chunk of rows is written by the database (pg_rows.py), the same bytes, several times faster.
"""

import csv
import io
import json
import logging
import tempfile
import threading
import time
import zipfile
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path

from django.conf import settings
from django.db import connection, models
from django.template.loader import render_to_string
from django.utils import timezone, translation

from exports.builder import pdf, pg_rows
from exports.builder.rows import CHUNK, Subject, date_column, exported_fields, plain, record_name
from exports.builder.spreadsheet import neutralised
from privacy.files import file_paths
from privacy.registry import registry

logger = logging.getLogger(__name__)
SCHEMA_VERSION = "1.0"
# Share of the progress bar taken by the JSON and CSV pass; the PDF takes most of the rest.
STREAM_SHARE = 75
PDF_SHARE = 23
# zlib level of the ZIP members: level 1 deflates several times faster than 6 for a few percent more bytes,
# and these files live a week at most.
ZIP_LEVEL = 1
# Rows PostgreSQL turns into text per query on the SQL pass (pg_rows): a few MB of text at most.
SQL_CHUNK = 10000


@dataclass
class EntrySummary:
    """What the PDF shows of one registered model: the count, the period covered and the newest rows."""

    entry: object
    fields: tuple
    limit: int
    total: int = 0
    first_at: object = None
    last_at: object = None
    newest: deque = field(default=None)

    def __post_init__(self):
        self.newest = deque(maxlen=self.limit)
        self.date_index = date_column(self.entry, self.fields)

    def add(self, row):
        self.total += 1
        self.newest.append(row)
        if self.date_index is not None and (moment := row[self.date_index]) is not None:
            if self.first_at is None or moment < self.first_at:
                self.first_at = moment
            if self.last_at is None or moment > self.last_at:
                self.last_at = moment

    def add_chunk(self, count, first_at, last_at):
        """`count` rows whose date column ran from `first_at` to `last_at` (pg_rows: the newest are read apart)."""
        self.total += count
        if first_at is not None and (self.first_at is None or first_at < self.first_at):
            self.first_at = first_at
        if last_at is not None and (self.last_at is None or last_at > self.last_at):
            self.last_at = last_at

    @property
    def truncated(self):
        return self.total > len(self.newest)


@dataclass
class CategorySummary:
    category: object
    entries: list

    @property
    def slug(self):
        return self.category.slug

    @property
    def total(self):
        return sum(e.total for e in self.entries)


@dataclass
class BuildStats:
    rows: int
    size: int
    json_csv_seconds: float
    pdf_seconds: float


def _categories():
    """[(category, [entries])] in registry order; every category, even one with nothing held."""
    grouped = {}
    for entry in registry.entries():
        grouped.setdefault(entry.category.slug, (entry.category, []))[1].append(entry)
    return list(grouped.values())


def _subject_json(job, subject):
    return {
        "kind": subject.kind,
        "name": subject.name,
        "email": subject.email,
        "language": subject.language,
        "request": job.request.reference if job.request_id else None,
    }


class _Progress:
    """Reports a percentage to `callback` only when it moves forward."""

    def __init__(self, callback, total_rows):
        self.callback = callback
        self.total_rows = max(total_rows, 1)
        self.last = -1

    def at(self, percent):
        percent = max(0, min(100, int(percent)))
        if percent > self.last:
            self.last = percent
            self.callback(percent)

    def rows(self, done):
        # Rows written since the counts were taken can push past the share; the bar never goes back.
        self.at(min(STREAM_SHARE, STREAM_SHARE * done / self.total_rows))

    def beat(self):
        """The same percentage again: the callback writes it (the heartbeat) when its last write is old enough."""
        self.callback(max(self.last, 0))


@contextmanager
def _beating(meter):
    """Beats `meter` from a thread while the block runs. WeasyPrint lays the whole PDF out in one call that reports
    nothing: without this, a PDF longer than the stale window (EXPORT_HEARTBEAT_STALE_SECONDS, with more rows per
    type in EXPORT_PDF_ROWS) made a live build look dead, and beat queued it again while it ran."""
    if connection.in_atomic_block:
        # Built inside a transaction (not as a worker builds): nothing it writes is seen elsewhere before it ends,
        # and a beat from another connection would wait on this one's lock on the job.
        yield
        return
    stop = threading.Event()
    every = max(settings.EXPORT_HEARTBEAT_STALE_SECONDS / 6, 0.5)

    def run():
        try:
            while not stop.wait(every):
                try:
                    meter.beat()
                except Exception:  # a missed beat is not a failed build: the next one may get through
                    logger.exception("export heartbeat not written")
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=run, name="export-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=every)


def build_archive(job, destination: Path, *, progress=lambda percent: None, pdf_rows=None) -> BuildStats:
    """Write the ZIP of `job`'s subject to `destination`; temporary files stay beside it, in the private root."""
    subject = Subject.of(job)
    limit = pdf_rows or settings.EXPORT_PDF_ROWS
    grouped = _categories()
    # One COUNT per model, for the progress bar only.
    meter = _Progress(progress, sum(subject.rows(entry).count() for _, entries in grouped for entry in entries))
    generated_at = timezone.now()
    started = time.perf_counter()

    with (
        tempfile.TemporaryDirectory(dir=destination.parent, prefix=f".build-{job.pk}-") as scratch,
        zipfile.ZipFile(destination, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=ZIP_LEVEL) as archive,
    ):
        scratch = Path(scratch)
        summaries = []
        with archive.open("data.json", "w", force_zip64=True) as raw:
            out = io.TextIOWrapper(raw, encoding="utf-8", newline="\n")
            header = {"schema_version": SCHEMA_VERSION, "generated_at": plain(generated_at)}
            header["subject"] = _subject_json(job, subject)
            out.write("{\n")
            for key, value in header.items():
                out.write(f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)},\n")
            out.write('  "sections": {')
            done = 0
            for n, (category, entries) in enumerate(grouped):
                out.write(("\n" if n == 0 else ",\n") + f"    {json.dumps(category.slug)}: [")
                summary = CategorySummary(category, [])
                # utf-8-sig writes the byte-order mark by which Excel recognises UTF-8 (without it, a French Excel
                # reads the file as Windows-1252 and garbles every accent); other programs skip it.
                with (scratch / f"{category.slug}.csv").open("w", encoding="utf-8-sig", newline="") as spool:
                    done = _stream_category(subject, entries, out, spool, summary, limit, meter, done)
                out.write("]")
                summaries.append(summary)
            out.write("\n  }\n}\n")
            out.flush()
            out.detach()
        for category, _ in grouped:
            archive.write(scratch / f"{category.slug}.csv", f"csv/{category.slug}.csv")
        files = _write_files(subject, archive)
        meter.at(STREAM_SHARE)
        json_csv_seconds = time.perf_counter() - started

        started = time.perf_counter()
        context = {
            "job": job,
            "subject": subject,
            "categories": summaries,
            "generated_at": generated_at,
            "limit": limit,
            "access_information": pdf.includes_access_information(job),
            "dpo_email": settings.DPO_EMAIL,
            "files": files,
        }
        with translation.override(subject.language), _beating(meter):
            pdf.render(context, scratch / "report.pdf")
            meter.at(STREAM_SHARE + PDF_SHARE)
            readme = render_to_string("exports/README.txt", {**context, "columns": _csv_columns(grouped)})
        archive.write(scratch / "report.pdf", "report.pdf")
        archive.writestr("README.txt", readme)
        pdf_seconds = time.perf_counter() - started

    rows = sum(s.total for s in summaries)
    return BuildStats(rows, destination.stat().st_size, json_csv_seconds, pdf_seconds)


def _write_files(subject, archive) -> list[str]:
    """The files the subject's rows own (ticket attachments, chat transcripts) as files/<stored name>.

    The stored name is what the row's "file" column holds in data.json and the CSV, so each file is found from its row.
    """
    written = []
    for entry in registry.entries():
        if not entry.files or not entry.files_exported:
            continue
        for path in file_paths(entry.model, subject.rows(entry)):
            if path.is_file():
                archive.write(path, f"files/{path.name}")
                written.append(f"files/{path.name}")
    return written


# The same text as json.dumps(..., ensure_ascii=False), without building an encoder per row.
_json = json.JSONEncoder(ensure_ascii=False).encode
# Columns whose values plain() returns unchanged (str, int, bool or None).
_AS_IS = (models.CharField, models.TextField, models.IntegerField, models.BooleanField, models.FloatField)


def _converter(entry, path):
    """plain() specialised to one column's type, or None when plain() would return the value unchanged.

    Calling plain() on every value, then again for the CSV, was most of the JSON and CSV pass (bench/export.py).
    """
    field = entry.final_field(path)
    if isinstance(field, models.DateTimeField):
        return _utc_iso
    if isinstance(field, _AS_IS) and not field.is_relation:
        return None
    return plain


def _utc_iso(value):
    return None if value is None else value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _csv_text(value):
    """cell() of a value already made plain."""
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    return value if type(value) is str else str(value)


def _csv_header(entries):
    return ["record", *dict.fromkeys(f for entry in entries for f in exported_fields(entry))]


def _csv_columns(grouped):
    """For the README: each CSV file with its columns."""
    return [(category, _csv_header(entries)) for category, entries in grouped]


def _stream_category(subject, entries, out, spool, summary, limit, meter, done):
    header = _csv_header(entries)
    writer = csv.writer(spool)
    writer.writerow(header)
    first = True
    for entry in entries:
        fields = exported_fields(entry)
        name = record_name(entry)
        entry_summary = EntrySummary(entry, fields, limit)
        summary.entries.append(entry_summary)
        rows = subject.rows(entry).order_by("pk").values_list(*fields)
        if pg_rows.supported(entry, fields):
            # PostgreSQL writes the text; the PDF's newest rows are read once the stream is done.
            parts = pg_rows.chunks(
                entry, fields, subject.rows(entry), name=name, header=header, date_index=entry_summary.date_index,
                chunk=SQL_CHUNK,
            )  # fmt: skip
            for json_text, csv_text, count, first_at, last_at in parts:
                out.write(("\n      " if first else ",\n      ") + json_text)
                spool.write(csv_text)
                entry_summary.add_chunk(count, first_at, last_at)
                first = False
                done += count
                meter.rows(done)
            newest = rows.reverse()[:limit] if entry_summary.total else []
            entry_summary.newest.extend(reversed(list(newest)))
            continue
        positions = [header.index(f) for f in fields]
        blank = [""] * len(header)
        blank[0] = name
        converters = [_converter(entry, f) for f in fields]
        for row in rows.iterator(chunk_size=CHUNK):
            values = [v if convert is None else convert(v) for convert, v in zip(converters, row, strict=True)]
            record = {"record": name, **dict(zip(fields, values, strict=True))}
            line = blank.copy()
            for position, value in zip(positions, values, strict=True):
                line[position] = neutralised(_csv_text(value), value)
            out.write(("\n      " if first else ",\n      ") + _json(record))
            writer.writerow(line)
            entry_summary.add(row)
            first = False
            done += 1
            if done % 500 == 0:
                meter.rows(done)
    if not first:
        out.write("\n    ")
    meter.rows(done)
    return done
