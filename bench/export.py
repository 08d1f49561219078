"""Export benchmark: time and peak memory of one subject's export as their history grows (R64-R67, issue item 7).

It creates two customers, with 1,000 and 100,000 rows spread over the connection log, orders, invoices (with
their lines) and support tickets (with their messages), builds each one's export in a fresh child process
(as a worker would: its peak memory is that of one build), prints per size the time of data.json + the CSV
files, the time of the PDF and the peak RSS of the process (also as it stood once data.json and the CSV files
were written, before the PDF), then removes the customers, rows and files.
The last line reads

    json_csv_s=<s> pdf_s=<s> rss_growth=<peak RSS at 100k / peak RSS at 1k> ratio_vs_copy=<x> pdf_1k_s=<s>

with the times of the largest build. ratio_vs_copy compares its JSON and CSV pass with a lower bound: the same
rows and columns read with PostgreSQL's `COPY (...) TO STDOUT (FORMAT csv)` straight into a ZIP member per
category, at the same compression. pdf_1k_s is the PDF of the 1,000-row subject, built as an export worker builds it:
its process warmed up as it started (exports.builder.pdf.warm_up). The line before it, pdf_cold_s=<s>, is the
same PDF in a process that did not (WeasyPrint imported, nothing rendered yet); each size's line shows both.
Targets: rss_growth <= 1.5, ratio_vs_copy <= 3, pdf_1k_s < 2.

Run it on PostgreSQL, as production does: it uses DATABASE_URL and migrates the database first. As root:

    D=$(mktemp -d); chown postgres: $D
    runuser -u postgres -- /usr/lib/postgresql/15/bin/initdb -D $D/data -U postgres -A trust -E UTF8 \\
        --locale=C.UTF-8 --no-sync
    runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D $D/data -l $D/pg.log -w \\
        -o "-p 55466 -k $D -c listen_addresses=127.0.0.1 -c fsync=off" start
    createdb -h 127.0.0.1 -p 55466 -U postgres gdpr
    export DATABASE_URL=postgres://postgres@127.0.0.1:55466/gdpr
    nice .venv/bin/python bench/export.py       # --sizes 1000 100000 (the default)

It needs PostgreSQL (the COPY bound).
"""

import argparse
import base64
import itertools
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
import zipfile
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BATCH = 5000
# Share of the rows each kind of record takes; they add up to 1.
SHARES = {
    "connection_log": 0.40,
    "orders": 0.25,
    "invoices": 0.10,
    "invoice_lines": 0.05,
    "tickets": 0.02,
    "ticket_messages": 0.18,
}


def _setup(private_root):
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # Production mode (DEBUG unset) with throwaway keys: a benchmark signs nothing that outlives it.
    for name in ("SECRET_KEY", "SUPPRESSION_KEY", "ERASURE_HASH_KEY", "AUDIT_CHAIN_KEY"):
        os.environ.setdefault(name, f"bench-only-{name.lower()}")
    os.environ.setdefault("CREDENTIALS_KEYS", base64.urlsafe_b64encode(b"bench-only-credentials-key-32byt").decode())
    os.environ["PRIVATE_ROOT"] = str(private_root)
    os.environ["RUN_DIR"] = str(private_root)  # the cache and any run state too: never the local site's .run/
    import django

    django.setup()


def _batches(objects):
    iterator = iter(objects)
    while batch := list(itertools.islice(iterator, BATCH)):
        yield batch


def _seed(rows):
    """A customer with `rows` records over five years, inserted in batches (the seeding itself stays flat)."""
    from django.utils import timezone

    from accounts.models import ConnectionLog, Invoice, InvoiceLine, Order, SupportTicket, TicketMessage, User

    tag = uuid.uuid4().hex[:8]
    customer = User.objects.create_user(
        email=f"bench-{tag}@example.invalid", first_name="Zoé", last_name="Ålander-Bench", preferred_language="fr"
    )
    now = timezone.now()
    counts = {kind: int(rows * share) for kind, share in SHARES.items()}
    counts["connection_log"] += rows - sum(counts.values())
    span = timedelta(days=5 * 365)

    def at(i, kind):
        # Each kind spread over five years, inserted oldest first as in real life: the highest ids are the newest.
        return now - span * (counts[kind] - i) / counts[kind]

    for batch in _batches(
        ConnectionLog(
            customer=customer,
            created_at=at(i, "connection_log"),
            ip=f"198.51.{i % 250}.{i % 200 + 1}",
            success=i % 7 != 0,
        )
        for i in range(counts["connection_log"])
    ):
        ConnectionLog.objects.bulk_create(batch)
    for batch in _batches(
        Order(
            customer=customer,
            reference=f"B{tag}-{i}",
            product="Web hosting Pro",
            amount=Decimal("19.90"),
            status=Order.Status.COMPLETED,
            created_at=at(i, "orders"),
            buyer_ip="203.0.113.7",
        )
        for i in range(counts["orders"])
    ):
        Order.objects.bulk_create(batch)
    for batch in _batches(
        Invoice(
            customer=customer,
            number=f"B{tag[:6]}-{i}",
            status=Invoice.Status.PAID,
            total=Decimal("120.00"),
            created_at=at(i, "invoices"),
            issued_at=at(i, "invoices"),
            paid_at=at(i, "invoices"),
            billing_name="Zoé Ålander-Bench",
        )
        for i in range(counts["invoices"])
    ):
        Invoice.objects.bulk_create(batch)
    invoice_ids = Invoice.objects.filter(customer=customer).values_list("pk", flat=True)
    for batch in _batches(
        InvoiceLine(invoice_id=pk, description="Web hosting Pro, 1 year", unit_price=Decimal("120.00"))
        for pk in itertools.islice(invoice_ids.iterator(), counts["invoice_lines"])
    ):
        InvoiceLine.objects.bulk_create(batch)
    SupportTicket.objects.bulk_create(
        SupportTicket(customer=customer, subject=f"Question {i}", created_at=at(i, "tickets"))
        for i in range(counts["tickets"])
    )
    ticket_ids = list(SupportTicket.objects.filter(customer=customer).values_list("pk", flat=True)) or [None]
    for batch in _batches(
        TicketMessage(
            ticket_id=ticket_ids[i % len(ticket_ids)],
            author_role=TicketMessage.Role.CUSTOMER if i % 2 else TicketMessage.Role.SUPPORT,
            body=f"Message {i}: my site answers 502 since this morning. Merci d'avance, Ευχαριστώ.",
            created_at=at(i, "ticket_messages"),
        )
        for i in range(counts["ticket_messages"])
    ):
        TicketMessage.objects.bulk_create(batch)
    _settle(ConnectionLog, Invoice, InvoiceLine, Order, SupportTicket, TicketMessage, User)
    return customer


def _settle(*models):
    """VACUUM ANALYZE the seeded tables: rows just inserted carry no visibility hints yet, and the first pass to
    read them writes those, so whichever of the build and its COPY bound ran first paid for the other. Real
    customers' rows are long settled (autovacuum), as they are here after this."""
    from django.db import connection

    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(model._meta.db_table)}")


def _remove(customer):
    from accounts.models import ConnectionLog, Invoice, InvoiceLine, Order, SupportTicket, TicketMessage
    from exports.models import ExportJob

    for job in ExportJob.objects.filter(customer=customer):
        job.delete_file()
    ExportJob.objects.filter(customer=customer).delete()
    TicketMessage.objects.filter(ticket__customer=customer)._raw_delete(TicketMessage.objects.db)
    SupportTicket.objects.filter(customer=customer)._raw_delete(SupportTicket.objects.db)
    InvoiceLine.objects.filter(invoice__customer=customer)._raw_delete(InvoiceLine.objects.db)
    Invoice.objects.filter(customer=customer)._raw_delete(Invoice.objects.db)
    Order.objects.filter(customer=customer)._raw_delete(Order.objects.db)
    ConnectionLog.objects.filter(customer=customer)._raw_delete(ConnectionLog.objects.db)
    customer.delete()


def copy_bound(job, destination):
    """Seconds to write the subject's rows as one CSV per category into a ZIP through COPY: no Python per row."""
    from django.core.exceptions import EmptyResultSet
    from django.db import connection
    from psycopg import ClientCursor

    from exports.builder import archive
    from exports.builder.rows import Subject, exported_fields

    subject = Subject.of(job)
    started = time.perf_counter()
    connection.ensure_connection()
    raw = connection.connection
    with zipfile.ZipFile(destination, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=archive.ZIP_LEVEL) as zf:
        for category, entries in archive._categories():
            with zf.open(f"csv/{category.slug}.csv", "w", force_zip64=True) as member:
                for entry in entries:
                    rows = subject.rows(entry).order_by("pk").values_list(*exported_fields(entry))
                    try:
                        sql, params = rows.query.sql_with_params()
                    except EmptyResultSet:  # a kind of record this subject cannot have
                        continue
                    statement = ClientCursor(raw).mogrify(f"COPY ({sql}) TO STDOUT (FORMAT csv, HEADER)", params)
                    with raw.cursor().copy(statement) as copy:
                        for block in copy:
                            member.write(block)
    return time.perf_counter() - started


def build_one(job_id, private_root, cold=False):
    """In the child process: build one export, print its figures as JSON.

    First it calls pdf.warm_up(), the very function each process of an export worker calls as it starts
    (exports/tasks.py, on Celery's worker_process_init): pdf_s is what a customer waits for in production.
    With `cold`, it only imports WeasyPrint, as this bench did before the warm-up: the first export of a process
    that did not warm up, printed as pdf_cold_s.
    """
    _setup(private_root)
    from exports.builder import build_archive, pdf
    from exports.models import ExportJob

    warm_up_started = time.process_time()
    if cold:
        import weasyprint  # noqa: F401
    else:
        pdf.warm_up()
    warm_up_cpu_s = time.process_time() - warm_up_started

    # The peak so far when the PDF starts: what streaming data.json and the CSV files cost.
    marks = {}
    render = pdf.render

    def measured_render(context, path):
        marks["stream_peak_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.process_time()
        try:
            return render(context, path)
        finally:
            # CPU seconds beside the wall-clock time: on a shared, loaded machine the two part ways.
            marks["pdf_cpu_s"] = time.process_time() - started

    pdf.render = measured_render
    job = ExportJob.objects.select_related("customer").get(pk=job_id)
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    destination = Path(private_root) / f"bench-{job.pk}.zip"
    destination.parent.mkdir(parents=True, exist_ok=True)
    stats = build_archive(job, destination)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    destination.unlink()
    figures = {
        "rows": stats.rows,
        "json_csv_s": stats.json_csv_seconds,
        "pdf_s": stats.pdf_seconds,
        "zip_bytes": stats.size,
        "baseline_kb": baseline,
        "stream_peak_kb": marks["stream_peak_kb"],
        "pdf_cpu_s": marks["pdf_cpu_s"],
        "peak_kb": peak,
        "warm_up_cpu_s": warm_up_cpu_s,
    }
    print(json.dumps(figures))


def _child(job, private_root, *flags):
    """The figures of one build of `job` in a fresh process."""
    child = subprocess.run(
        [sys.executable, __file__, "--build", str(job.pk), "--private-root", private_root, *flags],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(child.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 100000])
    parser.add_argument("--build", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--private-root", help=argparse.SUPPRESS)
    parser.add_argument("--cold", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build:
        return build_one(args.build, args.private_root, cold=args.cold)

    with tempfile.TemporaryDirectory(prefix="bench-export-") as private_root:
        _setup(private_root)
        from django.core.management import call_command
        from django.db import connection

        from exports.models import ExportJob

        if connection.vendor != "postgresql":
            sys.exit("bench/export.py needs PostgreSQL: set DATABASE_URL=postgres://...")
        call_command("migrate", verbosity=0)
        print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
        results = {}
        for size in args.sizes:
            started = time.perf_counter()
            customer = _seed(size)
            seeded = time.perf_counter() - started
            try:
                job = ExportJob.objects.create(customer=customer, requested_by=customer, language="fr")
                figures, cold = (_child(job, private_root, *flag) for flag in ((), ("--cold",)))
                figures["pdf_cold_s"], figures["pdf_cold_cpu_s"] = cold["pdf_s"], cold["pdf_cpu_s"]
                figures["copy_s"] = copy_bound(job, Path(private_root) / "copy-bound.zip")
            finally:
                _remove(customer)
            results[size] = figures
            print(
                f"rows={figures['rows']} seed_s={seeded:.1f} json_csv_s={figures['json_csv_s']:.2f} "
                f"copy_s={figures['copy_s']:.2f} pdf_s={figures['pdf_s']:.2f} pdf_cpu_s={figures['pdf_cpu_s']:.2f} "
                f"warm_up_cpu_s={figures['warm_up_cpu_s']:.2f} "
                f"pdf_cold_s={figures['pdf_cold_s']:.2f} pdf_cold_cpu_s={figures['pdf_cold_cpu_s']:.2f} "
                f"zip_mb={figures['zip_bytes'] / 2**20:.1f} "
                f"baseline_rss_mb={figures['baseline_kb'] / 1024:.0f} "
                f"rss_after_json_csv_mb={figures['stream_peak_kb'] / 1024:.0f} "
                f"peak_rss_mb={figures['peak_kb'] / 1024:.0f}",
                flush=True,
            )
        smallest, largest = results[min(results)], results[max(results)]
        growth = largest["peak_kb"] / smallest["peak_kb"]
        ratio = largest["json_csv_s"] / largest["copy_s"]
        pdf_1k = results.get(1000, smallest)["pdf_s"]
        # The same PDF as the first export of a process that did not warm up.
        print(f"pdf_cold_s={results.get(1000, smallest)['pdf_cold_s']:.2f}")
        print(
            f"json_csv_s={largest['json_csv_s']:.2f} pdf_s={largest['pdf_s']:.2f} rss_growth={growth:.2f} "
            f"ratio_vs_copy={ratio:.2f} pdf_1k_s={pdf_1k:.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
