"""The erasure engine: what the registry declares, applied to a set of subjects with set-based statements.

plan.py reads the registry, erase.py and delete.py write, predict.py counts the same work without writing;
conditions.py holds the legal exceptions as query conditions, sql.py the SQL helpers, counts.py the counts every
run returns, tombstones.py the hashes of the erased and their journal. The caller owns the transaction: a sweep
wraps each claimed batch in one, a request erasure runs inside the request's own. The names below are the
engine's public face for the rest of the product.
"""

from retention.engine.conditions import (
    active_service,
    customer_held,
    held_models,
    open_request,
    record_held,
    restriction_in_force,
)
from retention.engine.counts import bump, bump_rows, merge, new_counts, skip
from retention.engine.delete import ProtectedRows, blocking_condition, delete_rows, predict_delete
from retention.engine.erase import ErasureBlocked, erase_customers, erase_email_subject
from retention.engine.plan import email_entries, email_rows, entry_rows, erasure_plan, keep_blanks, owner_models
from retention.engine.predict import predict_customers, predict_email_subject
from retention.engine.sql import dependents, in_ids, m2m_tables
from retention.engine.tombstones import customer_digest, digest, email_digest, journal_read, tombstones_restore

__all__ = [
    "ErasureBlocked",
    "ProtectedRows",
    "active_service",
    "blocking_condition",
    "bump",
    "bump_rows",
    "customer_digest",
    "customer_held",
    "delete_rows",
    "dependents",
    "digest",
    "email_digest",
    "email_entries",
    "email_rows",
    "entry_rows",
    "erase_customers",
    "erase_email_subject",
    "erasure_plan",
    "held_models",
    "in_ids",
    "journal_read",
    "keep_blanks",
    "m2m_tables",
    "merge",
    "new_counts",
    "open_request",
    "owner_models",
    "predict_customers",
    "predict_delete",
    "predict_email_subject",
    "record_held",
    "restriction_in_force",
    "skip",
    "tombstones_restore",
]
