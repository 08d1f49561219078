"""Writing and checking the staff audit trail (R71): the one helper every staff path calls, and the verifier."""

import json
import secrets

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from privacy.models.audit import GENESIS, AuditChainHead, AuditEntry
from privacy.registry import registry


def customer_of(obj):
    """The customer a record belongs to, through the registry's owner lookup (None when it has none)."""
    model = type(obj)
    if not registry.is_registered(model):
        return None
    owner = registry.entry(model).owner
    if owner is None:
        return None
    if owner == "":
        return obj
    value = obj
    for part in owner.split("__"):
        value = getattr(value, part, None)
        if value is None:
            return None
    return value


def audit_record(*, actor, action, obj=None, customer=None, target="", ip=None, path="", detail=None, at=None):
    """Append one row to the chain, in the caller's transaction. Returns the row.

    The head row's lock makes concurrent writers take turns, so two rows never claim the same predecessor.
    """
    if obj is not None:
        target = target or obj._meta.label_lower
        if customer is None:
            customer = customer_of(obj)
    detail = json.dumps(detail, cls=DjangoJSONEncoder, sort_keys=True, separators=(",", ":")) if detail else ""
    with transaction.atomic():
        head, _created = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        entry = AuditEntry(
            seq=head.seq + 1,
            at=at or timezone.now(),
            actor=actor if actor is not None and actor.pk else None,
            actor_label=getattr(actor, "email", "") or "",
            ip=ip or None,
            action=action,
            target=target,
            customer=customer,
            customer_label=getattr(customer, "email", "") or "",
            object_id="" if obj is None else str(obj.pk or ""),
            object_repr="" if obj is None else str(obj)[:200],
            path=path[:500],
            detail=detail,
            salt=secrets.token_hex(16),
            prev_hash=head.hash,
        )
        entry.personal_digest = entry.compute_personal_digest()
        entry.hash = entry.compute_hash()
        entry.save()
        AuditChainHead.objects.filter(pk=1).update(seq=entry.seq, hash=entry.hash)
    return entry


def audit_record_request(request, *, action, obj=None, customer=None, target="", detail=None):
    """audit_record for a staff member's HTTP request: who, from which IP, on which page."""
    from accounts.ownership import client_ip

    return audit_record(
        actor=request.user,
        action=action,
        obj=obj,
        customer=customer,
        target=target,
        ip=client_ip(request),
        path=request.path,
        detail=detail,
    )


def audit_verify() -> tuple[int, str]:
    """(rows checked, "" or the first bad row and why). Reads the trail in order, a chunk at a time."""
    expected_seq, prev_hash, checked = 1, GENESIS, 0
    rows = AuditEntry.objects.order_by("seq").iterator(chunk_size=2000)
    for row in rows:
        problem = row.problem(expected_seq=expected_seq, prev_hash=prev_hash)
        if problem:
            return checked, f"row id={row.pk} seq={row.seq}: {problem}"
        checked += 1
        expected_seq, prev_hash = row.seq + 1, row.hash
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.seq, head.hash) != (expected_seq - 1, prev_hash):
        return checked, f"the chain ends at seq={expected_seq - 1} but its head says seq={head.seq}: rows were cut off"
    return checked, ""
