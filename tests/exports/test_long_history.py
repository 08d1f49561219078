"""A long history (issue item 6): the machine-readable files hold every row, the PDF the newest ones and says
so, and the database is read in a fixed number of streamed queries whatever the length (bench/export.py
measures the memory at 1,000 and 100,000 rows)."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import ConnectionLog
from exports.builder import build_archive
from exports.models import ExportJob
from tests.exports.archive import open_archive


def _logs(customer, n):
    start = timezone.now() - timedelta(days=n)
    ConnectionLog.objects.bulk_create(
        ConnectionLog(
            customer=customer,
            created_at=start + timedelta(days=i),
            ip=f"192.0.{2 + i // 250}.{i % 250 + 1}",
            success=True,
        )
        for i in range(n)
    )


@pytest.mark.django_db
def test_a_long_section_prints_its_newest_rows_and_points_to_the_complete_files(zoe, build_export, settings):
    settings.EXPORT_PDF_ROWS = 5
    _logs(zoe, 12)

    archive = open_archive(build_export(customer=zoe, requested_by=zoe))

    assert len(archive.data["sections"]["connection_log"]) == 12
    assert len(list(csv.DictReader(io.StringIO(archive.csv["csv/connection_log.csv"])))) == 12
    text = archive.pdf_text
    for newest in ("192.0.2.12", "192.0.2.8"):
        assert newest in text
    for oldest in ("192.0.2.7 ", "192.0.2.1\n", "192.0.2.2 "):
        assert oldest not in text
    assert "Les 5 plus récentes sur 12 sont imprimées ci-dessous" in text
    assert "csv/connection_log.csv" in text
    assert text.index("192.0.2.12") < text.index("192.0.2.8")  # newest first
    assert "12 entrées, du " in text


@pytest.mark.django_db
def test_the_number_of_queries_does_not_grow_with_the_history(zoe, fast_pdf, export_root):
    export_root.mkdir(parents=True)

    def queries(rows):
        ConnectionLog.objects.all().delete()
        _logs(zoe, rows)
        job = ExportJob.objects.create(customer=zoe)
        with CaptureQueriesContext(connection) as captured:
            build_archive(job, export_root / f"{rows}.zip")
        return len(captured)

    assert queries(10) == queries(300)
