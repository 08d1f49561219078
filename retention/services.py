"""What the rest of the product calls: run the rules, erase one subject, preview an erasure, lift holds, replay.

The management command, the Celery tasks, the admin and the request hand-over all go through these functions.
"""

import logging
import traceback
from dataclasses import dataclass, field
from datetime import date
from itertools import batched

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Domain, Invoice, Service
from privacy.models import DataSubjectRequest
from privacy.registry import Keep, registry
from retention import engine
from retention.answer import KeptLine, answer_lines, kept_line, kept_until, lifetime_ends  # noqa: F401 (kept_until: read by the layout test)
from retention.models import ErasureTombstone, LegalHold, RetentionRun
from retention.periods import (
    start_of_day,
    today,
)
from retention.rules import RULES
from retention.sweeps import RUN_ORDER, SWEEPS, Context

log = logging.getLogger(__name__)


def as_of_instant(as_of: date):
    """The instant a run acts at: now for today, else the start of that day in the site time zone."""
    return timezone.now() if as_of == today() else start_of_day(as_of)


def rule_apply(*, rule, as_of=None, dry_run=False, before=(), batch_size=None, record=None) -> dict:
    """Apply (or with dry_run, only count) one rule as of a day; a real run is stored with its counts.

    record=True also stores a dry run (marked so), for the DPO who asked for one from the back-office to read.
    """
    if rule not in RULES:
        raise ValueError(f"unknown retention rule {rule!r}")
    as_of = as_of or today()
    ctx = Context(
        as_of=as_of,
        at=as_of_instant(as_of),
        dry_run=dry_run,
        batch_size=batch_size or settings.RETENTION_BATCH_SIZE,
        record_batch_size=settings.RETENTION_RECORD_BATCH_SIZE,
        before=frozenset(before),
    )
    ctx.refresh_holds()
    record = not dry_run if record is None else record
    run = None
    if record:
        run = RetentionRun.objects.create(rule=rule, as_of=as_of, dry_run=dry_run, started_at=timezone.now())
    ctx.run_id = run and run.pk
    try:
        for sweep in SWEEPS[rule]:
            sweep.run(ctx)
    except Exception:
        if run:
            RetentionRun.objects.filter(pk=run.pk).update(
                counts=ctx.counts, error=traceback.format_exc(limit=5), finished_at=timezone.now()
            )
        raise
    if run:
        RetentionRun.objects.filter(pk=run.pk).update(counts=ctx.counts, finished_at=timezone.now())
    return ctx.counts


def retention_run(*, as_of=None, dry_run=False, rules=None, record=None) -> dict:
    """Every rule (or the named ones) in RUN_ORDER as of a day; {rule: counts}, with "error" for a rule that failed.

    A failing rule does not stop the others: each rule's work is independent and the next night retries it.
    """
    as_of = as_of or today()
    names = [name for name in RUN_ORDER if rules is None or name in rules]
    results, done = {}, []
    for name in names:
        try:
            results[name] = rule_apply(rule=name, as_of=as_of, dry_run=dry_run, before=done, record=record)
            done.append(name)
        except Exception as e:
            log.exception("retention rule %s failed", name)
            results[name] = {"error": f"{type(e).__name__}: {e}"}
    return results


def counts_line(rule, counts) -> str:
    """One line per rule, as the command prints it: `rule: matched=3 erased=2 … skipped[legal_hold]=1`."""
    if "error" in counts:
        return f"{rule}: error={counts['error']}"
    parts = [f"matched={counts.get('matched', 0)}"]
    for key in ("archived", "erased", "anonymised", "deleted", "kept", "expired", "fraud_orders_hashed"):
        if key in counts:
            parts.append(f"{key}={counts[key]}")
    parts.append(f"skipped={sum(counts.get('skipped', {}).values())}")
    parts += [f"skipped[{reason}]={n}" for reason, n in sorted(counts.get("skipped", {}).items())]
    rule_obj = RULES[rule]
    if rule_obj.applied_by:
        parts.append(f"(also applied hourly by the {rule_obj.applied_by} app)")
    if not rule_obj.in_force:
        parts.append(f"(not in force: {rule_obj.only_if} is off)")
    return f"{rule}: " + " ".join(parts)


# Erasure of one subject: for a request (R23), through the same engine as the rules.


@dataclass
class CategoryPreview:
    category: object
    deleted: int = 0
    anonymised: int = 0
    kept: int = 0
    held: int = 0
    reasons: list = field(default_factory=list)


@dataclass
class Preview:
    subject: str
    customer_row: str = ""
    categories: list = field(default_factory=list)
    blockers: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    kept: list = field(default_factory=list)
    # The records behind the blockers and the consequences, for the page to link to and act on (issue 14).
    active_services: list = field(default_factory=list)
    renewing_domains: list = field(default_factory=list)
    unpaid_invoices: list = field(default_factory=list)
    holds: list = field(default_factory=list)
    # What the completion mail lists: deleted, anonymised, then kept with reason and end date (R23).
    lines: list = field(default_factory=list)

    @property
    def total(self):
        return sum(c.deleted + c.anonymised + c.kept for c in self.categories)


def _blockers(customer, at, *, for_request=None):
    """Reasons this customer cannot be erased now, as (code, message)."""
    user = get_user_model()
    found = []
    qs = user._base_manager.filter(pk=customer.pk)
    if customer.state == user.State.ERASED:
        found.append(("erased", _("This customer has already been erased.")))
    if customer.is_staff or customer.is_superuser:
        found.append(("staff", _("Staff accounts are not erased here; remove their staff status first.")))
    hold = LegalHold.objects.active(at).filter(customer=customer).first()
    if hold:
        found.append(
            (
                "legal_hold",
                _("The customer is under a legal hold (%(reason)s, ref. %(ref)s): lift it before erasing.")
                % {"reason": hold.reason, "ref": hold.reference or "-"},
            )
        )
    if qs.filter(engine.restriction_in_force(at)).exists():
        found.append(
            (
                "restriction",
                _(
                    "A restriction under Art. 18(1)(b) or (c) is in force: the data must be kept until it ends "
                    "(Art. 18(2))."
                ),
            )
        )
    if qs.filter(engine.active_service()).exists():
        found.append(
            ("active_service", _("The customer has an active service: terminate it before erasing the account."))
        )
    return found


def _records_in_the_way(preview, customer, at):
    """What blocks the erasure (services, holds) and what it leaves to settle (renewing domains, unpaid invoices)."""
    preview.active_services = list(customer.services.filter(status=Service.Status.ACTIVE).order_by("name"))
    preview.renewing_domains = list(
        customer.domains.filter(status=Domain.Status.ACTIVE, auto_renew=True).order_by("expires_at", "name")
    )
    preview.unpaid_invoices = list(customer.invoices.filter(status=Invoice.Status.UNPAID).order_by("issued_at"))
    preview.holds = list(LegalHold.objects.active(at).filter(customer=customer).order_by("created_at"))


def erasure_preview(*, customer=None, email="", request=None, at=None) -> Preview:
    """Per category, what an erasure would delete, anonymise and keep (with why), and what blocks it now.

    The subject is `customer`, else the person known only by `email`; with neither, the subject of `request` (its
    customer, else its requester's email). `request` is left out of the "other open requests" warning. Everything
    the DPO's erasure page shows is on the returned Preview: subject, blockers, warnings, categories (counts and
    reasons kept, with their dates), what becomes of the account row (customer_row) and the kept lines of the mail.
    """
    at = at or timezone.now()
    if customer is None and not email and request is not None:
        customer = request.customer if request.customer_id else None
        email = request.requester_email
    held = engine.held_models(at)
    counts = engine.new_counts()
    user = get_user_model()
    if customer is not None:
        preview = Preview(subject=customer.email, blockers=[message for _code, message in _blockers(customer, at)])
        engine.predict_customers(user._base_manager.filter(pk=customer.pk), counts=counts, held=held, at=at)
        tombstone = counts["rows"].get(user._meta.label, {}).get("anonymised")
        preview.customer_row = "anonymised" if tombstone else "deleted"
        _records_in_the_way(preview, customer, at)

        def rows(entry, left_out):
            return engine.entry_rows(entry, ids=[customer.pk], emails=[customer.email.lower()], held=left_out, at=at)
    else:
        preview = Preview(subject=email)
        engine.predict_email_subject(email, counts=counts, held=held, at=at)

        def rows(entry, left_out):
            return engine.email_rows(entry, [email.strip().lower()], left_out, at)

    others = _other_open_requests(customer=customer, email=email or customer.email, exclude=request)
    if others:
        preview.warnings.append(
            _("Other open requests of this person (%(refs)s): answer them first if they need the data.")
            % {"refs": ", ".join(others)}
        )
    by_category = {}
    for entry in registry.entries():
        numbers = counts["rows"].get(entry.model._meta.label, {})
        item = by_category.setdefault(entry.category.slug, CategoryPreview(entry.category))
        item.deleted += numbers.get("deleted", 0)
        item.anonymised += numbers.get("anonymised", 0)
        item.kept += numbers.get("kept", 0)
        known = {str(line.reason): line for line in item.reasons}
        if numbers.get("kept") and isinstance(entry.erasure, Keep):
            line = kept_line(entry, rows(entry, frozenset()), at)
            same = known.get(str(entry.erasure.reason))
            if same is None:
                item.reasons.append(line)
            elif line.until and (same.until is None or line.until > same.until):
                same.until = line.until
        if held & {model for _prefix, model in engine.owner_models(entry)}:
            under_hold = rows(entry, frozenset()).count() - rows(entry, held).count()
            if under_hold:
                item.held += under_hold
                item.reasons.append(KeptLine(entry.category, gettext_lazy("under a legal hold")))
    preview.categories = [c for c in by_category.values() if c.deleted or c.anonymised or c.kept or c.held]
    preview.kept = lifetime_ends([line for c in preview.categories for line in c.reasons])
    preview.lines = answer_lines(preview.categories)
    return preview


def _other_open_requests(*, customer, email, exclude):
    qs = DataSubjectRequest.objects.open()
    qs = qs.filter(customer=customer) if customer else qs.filter(requester_email=email.strip().lower())
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return list(qs.values_list("reference", flat=True))


@dataclass
class ErasureResult:
    counts: dict
    kept_lines: list
    lines: list = field(default_factory=list)


def customer_erase(*, customer, reference, request=None, at=None) -> ErasureResult:
    """Erase one customer now, in the caller's transaction; raises engine.ErasureBlocked when the law says wait."""
    at = at or timezone.now()
    user = get_user_model()
    with transaction.atomic():
        customer = user._base_manager.select_for_update().get(pk=customer.pk)
        blockers = _blockers(customer, at)
        if blockers:
            code, message = blockers[0]
            raise engine.ErasureBlocked(code, message)
        preview = erasure_preview(customer=customer, request=request, at=at)
        counts = engine.new_counts()
        engine.erase_customers([customer.pk], reference=reference, at=at, counts=counts, held=engine.held_models(at))
    return ErasureResult(counts=counts, kept_lines=preview.kept, lines=preview.lines)


def email_subject_erase(*, email, reference, request=None, at=None) -> ErasureResult:
    """Erase what is held about a person without an account (prospect, unconfirmed request, export by email)."""
    at = at or timezone.now()
    with transaction.atomic():
        preview = erasure_preview(email=email, request=request, at=at)
        counts = engine.new_counts()
        engine.erase_email_subject(email, reference=reference, at=at, counts=counts, held=engine.held_models(at))
    return ErasureResult(counts=counts, kept_lines=preview.kept, lines=preview.lines)


# Legal holds (R59, R69).


def hold_lift(*, hold, actor, at=None) -> int:
    """Lift a hold that is still in force; returns 1 if lifted, 0 if it already was."""
    at = at or timezone.now()
    return LegalHold.objects.filter(pk=hold.pk, lifted_at__isnull=True).update(lifted_at=at, lifted_by=actor)


# Backup restores (R63).


def erasures_replay(*, journal=None, dry_run=False, chunk_size=2000) -> dict:
    """Erase again whatever a restore brought back of subjects erased since the backup (R63).

    Run it right after the restore, before the site takes sign-ups again. Tombstones come from the table and from
    the journal (which outlives a restore of the database). Live accounts are matched by the hash of their id, which
    a restore keeps; a row created after the erasure is someone new and is left alone. Rows are hashed chunk by
    chunk, so memory does not grow with the tables.
    """
    counts = {"tombstones_restored": 0, "customers": 0, "emails": 0}
    if journal:
        counts["tombstones_restored"] = engine.tombstones_restore(journal, dry_run=dry_run)
    user = get_user_model()
    live = user._base_manager.exclude(state=user.State.ERASED).filter(is_staff=False, is_superuser=False)
    at = timezone.now()
    customers = ErasureTombstone.objects.filter(kind=ErasureTombstone.Kind.CUSTOMER)
    rows = live.order_by("pk").values_list("pk", "date_joined").iterator(chunk_size=chunk_size)
    for chunk in batched(rows, chunk_size):
        joined = dict(chunk)
        by_digest = {engine.customer_digest(pk): pk for pk in joined}
        found = [
            t
            for t in customers.filter(subject_digest__in=list(by_digest))
            if joined[by_digest[t.subject_digest]] <= t.erased_at
        ]
        pks = sorted(by_digest[t.subject_digest] for t in found)
        if pks and not dry_run:
            with transaction.atomic():
                engine.erase_customers(
                    pks,
                    reference="replay",
                    at=at,
                    counts=engine.new_counts(),
                    held=engine.held_models(at),
                    tombstones=False,
                )
                customers.filter(pk__in=[t.pk for t in found]).update(replayed_at=at)
        counts["customers"] += len(pks)
    done = set()
    emails = ErasureTombstone.objects.filter(kind=ErasureTombstone.Kind.EMAIL)
    for entry in engine.email_entries():
        addresses = entry.model._base_manager.values_list(entry.email_field, flat=True).distinct().order_by()
        for chunk in batched(addresses.iterator(chunk_size=chunk_size), chunk_size):
            by_digest = {engine.email_digest(e): e.strip().lower() for e in chunk if e}
            for tombstone in emails.filter(subject_digest__in=list(by_digest)).exclude(subject_digest__in=done):
                done.add(tombstone.subject_digest)
                if not dry_run:
                    with transaction.atomic():
                        engine.erase_email_subject(
                            by_digest[tombstone.subject_digest],
                            reference="replay",
                            at=at,
                            counts=engine.new_counts(),
                            tombstone=False,
                            created_before=tombstone.erased_at,
                        )
                        emails.filter(pk=tombstone.pk).update(replayed_at=at)
                counts["emails"] += 1
    return counts
