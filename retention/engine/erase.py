"""Erasure of customers, and of people known only by email, with set-based statements in the caller's transaction.

Every write is a queryset `update()` or a direct DELETE on rows selected by a list of ids, never a loop over
objects and never Django's Collector (which loads what it deletes). Append-only models (consent ledger, request
events) refuse `update()` on their default manager; the engine writes to them only through `_base_manager`, and
only what the registry's keep/anonymise rules say.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.utils.crypto import get_random_string

from accounts.models import Service
from privacy.registry import Anonymise, Delete
from retention.adminlog import adminlog_redact
from retention.engine.counts import bump, bump_rows
from retention.engine.delete import blocked_ids, delete_rows
from retention.engine.plan import (
    anonymise_values,
    dropped_rows,
    dropping_entries,
    email_entries,
    email_rows,
    entry_rows,
    erasure_plan,
    keep_blanks,
    referrers_first,
    user_entry,
)
from retention.engine.sql import count_many, in_ids, m2m_tables
from retention.engine.tombstones import customer_digest, email_digest, tombstone_write
from retention.models import ErasureTombstone, HostArchive
from retention.periods import YEARS, add_period, site_date, start_of_day
from retention.rules import RULES, host_account_years

HOST_FIELDS = ("first_name", "last_name", "company", "address", "postal_code", "city", "country", "vat_number")


class ErasureBlocked(Exception):
    """A subject that must not be erased now; `code` is one of rules.SKIP_REASONS."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


def host_archives(subjects, services, at):
    """R62: with HOST_OBLIGATIONS, a terminated hosting customer's identity goes to the restricted archive."""
    rule = RULES["lcen_host_identity"]
    archives = []
    for row in subjects:
        hosting = row["pk"] in services or row["state"] == get_user_model().State.TERMINATED
        if not hosting:
            continue
        ended = row["terminated_at"] or services.get(row["pk"]) or at
        ended_day = site_date(ended)
        if start_of_day(add_period(ended_day, rule.amount, YEARS)) <= at:
            continue
        identity = {f: str(row[f] or "") for f in HOST_FIELDS}
        account = {}
        if start_of_day(add_period(ended_day, host_account_years(), YEARS)) > at:
            account = {"email": row["email"], "phone": row["phone"], "date_joined": row["date_joined"].isoformat()}
        archives.append(HostArchive(customer_id=row["pk"], identity=identity, account=account, contract_ended_at=ended))
    return archives


def service_ends(ids):
    """{customer id: when their last service ended} for these customers (the hosting contract's end, R62)."""
    ends = Service.objects.filter(in_ids("customer", ids)).values("customer").annotate(end=models.Max("ended_at"))
    return {row["customer"]: row["end"] for row in ends}


def erase_customers(ids, *, reference, at, counts, held=frozenset(), tombstones=True):
    """Erase these customers (already claimed, exceptions already checked) in the caller's transaction."""
    user_model = get_user_model()
    if not ids:
        return
    wanted = ["pk", "email", "state", "terminated_at"]
    if settings.HOST_OBLIGATIONS:
        wanted += ["phone", "date_joined", *HOST_FIELDS]
    subjects = list(user_model._base_manager.filter(in_ids("pk", ids)).values(*wanted))
    emails = [row["email"].strip().lower() for row in subjects]
    adminlog_redact(ids=ids, emails=emails)
    services = service_ends(ids) if settings.HOST_OBLIGATIONS else {}

    updates, deletes, lifetime = erasure_plan()
    drop_uncovered(ids, held=held, at=at, counts=counts)
    as_is = []
    for entry in updates:
        rows = entry_rows(entry, ids=ids, emails=emails, held=held, at=at)
        if not update_entry(entry, rows, counts):
            as_is.append((entry, rows))
    gone = set()
    for entry in deletes:
        delete_rows(entry.model, entry_rows(entry, ids=ids, emails=emails, held=held, at=at), counts, gone=gone)
        gone.add(entry.model)
    if settings.HOST_OBLIGATIONS:
        archives = host_archives(subjects, services, at)
        HostArchive.objects.bulk_create(archives)
        bump_rows(counts, HostArchive, "kept", len(archives))

    blocked = sorted(blocked_ids(ids, held, at))
    free = sorted(set(ids) - set(blocked))
    for entry in lifetime:
        if blocked:
            rows = entry_rows(entry, ids=blocked, held=held, at=at)
            if not update_entry(entry, rows, counts):
                as_is.append((entry, rows))
        if free:
            delete_rows(entry.model, entry_rows(entry, ids=free, held=held, at=at), counts, gone=gone)
            gone.add(entry.model)
    for (entry, _rows), n in zip(as_is, count_many([rows for _entry, rows in as_is]), strict=True):
        bump_rows(counts, entry.model, "kept", n)

    users = user_model._base_manager
    for through, fk in m2m_tables(user_model):
        through._base_manager.filter(in_ids(fk, ids))._raw_delete(users.db)
    if blocked:
        n = users.filter(in_ids("pk", blocked)).update(
            **anonymise_values(user_entry()),
            state=user_model.State.ERASED,
            state_changed_at=at,
            erased_at=at,
            is_active=False,
            password="!" + get_random_string(40),
        )
        bump_rows(counts, user_model, "anonymised", n)
    if free:
        delete_rows(user_model, users.filter(in_ids("pk", free)), counts, gone=gone)
    bump(counts, "erased", len(subjects))
    if tombstones:
        tombstone_write(
            [
                ErasureTombstone(
                    kind=ErasureTombstone.Kind.CUSTOMER,
                    subject_digest=customer_digest(row["pk"]),
                    contact_digest=email_digest(row["email"]),
                    reference=reference,
                    erased_at=at,
                )
                for row in subjects
            ]
        )


def drop_uncovered(ids, *, held, at, counts):
    """Delete the rows of these customers that a keep's reason does not cover (`Keep.drop`: unissued drafts)."""
    for entry in dropping_entries():
        delete_rows(entry.model, dropped_rows(entry, entry_rows(entry, ids=ids, held=held, at=at)), counts)


def update_entry(entry, rows, counts):
    """Write what Anonymise or Keep says; returns False for a keep with nothing to blank (the caller counts it)."""
    if isinstance(entry.erasure, Anonymise):
        bump_rows(counts, entry.model, "anonymised", rows.update(**anonymise_values(entry)))
        return True
    blanks = keep_blanks(entry)
    if not blanks:
        return False
    bump_rows(counts, entry.model, "kept", rows.update(**blanks))
    return True


def erase_email_subject(email, *, reference, at, counts, held=frozenset(), tombstone=True, created_before=None):
    """Erase what is held about a person known only by this address: never an account's rows (R11).

    `created_before`: only rows that existed then (a replay after a restore must not erase a later sign-up).
    """
    emails = [email.strip().lower()]
    adminlog_redact(emails=emails)
    entries = email_entries()
    for entry in entries:
        if not isinstance(entry.erasure, Delete):
            rows = email_rows(entry, emails, held, at, created_before)
            if not update_entry(entry, rows, counts):
                bump_rows(counts, entry.model, "kept", rows.count())
    for entry in referrers_first([e for e in entries if isinstance(e.erasure, Delete)]):
        delete_rows(entry.model, email_rows(entry, emails, held, at, created_before), counts)
    bump(counts, "erased")
    if tombstone:
        kind = ErasureTombstone.Kind.EMAIL
        tombstone_write(
            [ErasureTombstone(kind=kind, subject_digest=email_digest(email), reference=reference, erased_at=at)]
        )
