"""Trigram indexes for the DPO queue's search (PostgreSQL only).

The admin searches reference, requester's email and name with `icontains`, which PostgreSQL runs as
UPPER(column::text) LIKE '%TERM%': without these indexes, a scan of every request (120 ms at 100,000 requests,
bench/web.py); with them, a few milliseconds. pg_trgm is a trusted extension (PostgreSQL 13 and later): the
database's owner may create it. Where that is refused, the migration says so and goes on: the search still works,
only slower (docs/operations.md).
"""

from django.db import DatabaseError, migrations, transaction

COLUMNS = ("reference", "requester_email", "requester_name")


def _index(column):
    return f"privacy_request_{column}_trgm"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError as e:
        print(f"\n  pg_trgm could not be created ({e.__class__.__name__}); the queue's search will scan the table.")
        return
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {_index(column)} ON privacy_datasubjectrequest "
            f"USING gin (UPPER({column}::text) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS {_index(column)}")


class Migration(migrations.Migration):
    dependencies = [("privacy", "0013_statement_customer_label")]

    operations = [migrations.RunPython(create, drop)]
