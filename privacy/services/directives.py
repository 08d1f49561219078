"""Post-mortem directives (LIL art. 85, R29): the customer records, changes and revokes them; once staff record the
death, they are carried out without anyone having to remember: erase, hand the data over, or keep.

Recording the death marks the directive due in the same transaction and queues the work after the commit; beat
retries what is still due (an erasure the law blocks for now, an export still building). Each step is logged in
the staff audit trail, which outlives the erasure.
"""

import re

from celery import current_app
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from privacy.exceptions import RequestError
from privacy.handover import hand_over_post_mortem_erasure, hand_over_to_trusted_person
from privacy.models import AuditEntry, PostMortemDirective
from privacy.models.requests import Directive
from privacy.services.audit import audit_record

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
TASK = "privacy.tasks.carry_out_directives"


@transaction.atomic
def directive_revoke(*, directive, customer, now=None) -> int:
    """The customer revokes their directive (not only replaces it); 1 if revoked, 0 if it was not in force."""
    if directive.customer_id != customer.pk:
        raise RequestError(_("This directive is not yours."))
    return PostMortemDirective.objects.filter(pk=directive.pk, revoked_at__isnull=True, due_since__isnull=True).update(
        revoked_at=now or timezone.now()
    )


def directives_due(*, customer, at=None) -> int:
    """The death is recorded: the directive in force becomes due, in the caller's transaction, and the work is
    queued once it commits (beat retries it if the queue was down)."""
    at = at or timezone.now()
    n = PostMortemDirective.objects.filter(customer=customer, revoked_at__isnull=True, due_since__isnull=True).update(
        due_since=at
    )
    if n:
        # Queued by name (privacy.tasks imports this module); robust: with the broker down, beat sends it again.
        transaction.on_commit(lambda: current_app.signature(TASK).apply_async(), robust=True)
    return n


def _log(directive, customer, outcome, action=None):
    audit_record(
        actor=None,
        action=action or AuditEntry.Action.CHANGE,
        customer=customer,
        target="privacy.postmortemdirective",
        detail={"directive": directive.pk, "instruction": directive.instruction, "outcome": outcome},
    )


def _carry_out(directive, now):
    """One due directive; returns (done, outcome)."""
    customer = directive.customer
    if directive.instruction == Directive.KEEP:
        return True, "kept as instructed"
    if directive.instruction == Directive.DELETE:
        blocked = hand_over_post_mortem_erasure(customer=customer, reference=f"post-mortem-{directive.pk}")
        return (False, f"erasure waits: {blocked}") if blocked else (True, "erased as instructed")
    found = EMAIL.search(directive.trusted_person or "")
    if found is None:
        return False, "no email address for the trusted person: staff hand the data over by post"
    sent = hand_over_to_trusted_person(customer=customer, email=found.group(0), since=directive.due_since, now=now)
    return (True, f"copy sent to {found.group(0)}") if sent else (False, "copy being prepared")


def directives_carry_out(*, now=None) -> dict:
    """Carry out every due directive, one transaction each; what cannot be done yet stays due and is retried."""
    now = now or timezone.now()
    counts = {"done": 0, "waiting": 0}
    due = PostMortemDirective.objects.filter(
        due_since__isnull=False, carried_out_at__isnull=True, revoked_at__isnull=True
    ).values_list("pk", flat=True)
    for pk in list(due[:200]):
        with transaction.atomic():
            directive = (
                PostMortemDirective.objects.select_for_update(skip_locked=True)
                .select_related("customer")
                .filter(pk=pk, carried_out_at__isnull=True)
                .first()
            )
            if directive is None:
                continue
            customer = directive.customer
            done, outcome = _carry_out(directive, now)
            erased = done and directive.instruction == Directive.DELETE
            # An erasure deletes the directive with the rest of the data: the audit trail keeps what was done.
            _log(directive, None if erased else customer, outcome, AuditEntry.Action.ERASE if erased else None)
            if not erased:
                PostMortemDirective.objects.filter(pk=pk).update(outcome=outcome, carried_out_at=now if done else None)
            counts["done" if done else "waiting"] += 1
    return counts
