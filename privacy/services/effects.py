"""What a granted request does, one function per kind chosen from `EFFECTS`, and who must be told (Art. 19).

Called by privacy.services.requests when a request completes, inside its transaction. Access, portability
and erasure hand over to the exports and retention apps through privacy.handover.
"""

from django.utils.translation import gettext as _

from accounts.models import ChangeLog, ObjectedPurpose, ProcessingObjection
from accounts.services import customer_update
from privacy.exceptions import RequestError
from privacy.handover import hand_over_erasure, hand_over_export
from privacy.models import (
    MARKETING_PURPOSES,
    ConsentRecord,
    PostMortemDirective,
    Purpose,
    RecipientNotification,
    Restriction,
)
from privacy.models.requests import Kind, ObjectionScope
from privacy.registry import registry
from privacy.services.consents import consent_record
from privacy.services.statements import statement_add, statement_subjects
from privacy.services.suppression import suppression_add

# Kinds that change an account, and so cannot be carried out for an email address alone.
NEED_ACCOUNT = (Kind.RECTIFICATION, Kind.RESTRICTION, Kind.WITHDRAW_CONSENT, Kind.POST_MORTEM)
# Kinds whose recipients must be told what changed (Art. 19, R22).
NOTIFY_KINDS = (Kind.RECTIFICATION, Kind.ERASURE, Kind.RESTRICTION)


def request_carry_out(req, *, actor, now):
    """Do what the request's kind asks for; return what was kept and why (for the completion mail)."""
    if req.kind in NEED_ACCOUNT and not req.customer:
        raise RequestError(_("This kind of request needs an account linked to it."))
    effect = EFFECTS.get(req.kind)
    return (effect(req, actor=actor, now=now) if effect else None) or []


def _rectify(req, *, actor, now):
    """Correct what the profile edits; a detail that is not corrected in place (the customer cannot edit it) gets
    the person's words attached as a supplementary statement instead (Art. 16, R21). Privileges never change."""
    customer = req.customer
    allowed = {*customer.SELF_EDITABLE_FIELDS, "email"}
    label = customer._meta.label_lower
    subjects = {code for _group, items in statement_subjects() for code, _label in items}
    supplemented = {name for name in set(req.rectification) - allowed if f"{label}.{name}" in subjects}
    unknown = set(req.rectification) - allowed - supplemented
    if unknown:
        raise RequestError(_("These fields cannot be corrected here: %(f)s") % {"f": ", ".join(sorted(unknown))})
    new_email = str(req.rectification.get("email", "")).strip().lower()
    if new_email and type(customer).objects.filter(email__iexact=new_email).exclude(pk=customer.pk).exists():
        raise RequestError(_("Another account already uses this email address."))
    changes = {name: value for name, value in req.rectification.items() if name in allowed}
    customer_update(customer=customer, changes=changes, actor=actor, channel=ChangeLog.Channel.REQUEST)
    for name in sorted(supplemented):
        statement_add(customer=customer, about=f"{label}.{name}", statement=str(req.rectification[name]), request=req)


def _restrict(req, *, actor, now):
    if not req.restriction_ground:
        raise RequestError(_("Choose the ground of the restriction (Art. 18(1) a to d)."))
    Restriction.objects.create(customer=req.customer, request=req, ground=req.restriction_ground, starts_at=now)


def _withdraw_consent(req, *, actor, now):
    consent_record(
        customer=req.customer,
        choices=dict.fromkeys(Purpose.values, False),
        source=ConsentRecord.Source.REQUEST,
        only_changes=False,
    )


def _object(req, *, actor, now):
    customer = req.customer
    if req.objection_scope == ObjectionScope.MARKETING:
        if customer is not None:
            consent_record(
                customer=customer,
                choices=dict.fromkeys((*MARKETING_PURPOSES, Purpose.ADVERTISING), False),
                source=ConsentRecord.Source.REQUEST,
                only_changes=False,
            )
        suppression_add(email=req.requester_email, phone=customer.phone if customer else "", source="objection")
        return
    if req.objection_upheld is None:
        raise RequestError(_("Decide: uphold the objection, or refuse it with the compelling grounds in the answer."))
    if not req.objection_upheld or customer is None or req.objection_scope not in ObjectedPurpose.values:
        return
    # Upheld: the purpose is switched off for this customer (R26). The processing reads the row: the fraud rules
    # (accounts.fraud) and the service-improvement results (accounts.services_surveys).
    ProcessingObjection.objects.get_or_create(
        customer=customer,
        purpose=req.objection_scope,
        defaults={"upheld_at": now, "request_reference": req.reference},
    )
    if req.objection_scope == ObjectionScope.AUDIENCE:
        consent_record(
            customer=customer,
            choices={Purpose.ANALYTICS: False},
            source=ConsentRecord.Source.REQUEST,
            only_changes=False,
        )


def _review_decision(req, *, actor, now):
    if req.decision_overturned is None:
        raise RequestError(_("Record whether the automated decision is confirmed or overturned."))


def _record_directive(req, *, actor, now):
    if not req.directive:
        raise RequestError(_("Choose the instruction to record."))
    PostMortemDirective.objects.filter(customer=req.customer, revoked_at__isnull=True).update(revoked_at=now)
    PostMortemDirective.objects.create(
        customer=req.customer, request=req, instruction=req.directive, trusted_person=req.trusted_person
    )


def _export(req, *, actor, now):
    hand_over_export(request=req)


def _erase(req, *, actor, now):
    return hand_over_erasure(request=req, actor=actor)


# Kind → its effect. A kind missing here (Kind.OTHER) is answered in words only.
EFFECTS = {
    Kind.RECTIFICATION: _rectify,
    Kind.RESTRICTION: _restrict,
    Kind.WITHDRAW_CONSENT: _withdraw_consent,
    Kind.OBJECTION: _object,
    Kind.AUTOMATED_DECISION_REVIEW: _review_decision,
    Kind.POST_MORTEM: _record_directive,
    Kind.ACCESS: _export,
    Kind.PORTABILITY: _export,
    Kind.ERASURE: _erase,
}


def touched_categories(req):
    """The categories a rectification, erasure or restriction changes; read before an erasure removes them."""
    if req.kind not in NOTIFY_KINDS or req.customer is None:
        return []
    if req.kind == Kind.RECTIFICATION:
        return [registry.entry(type(req.customer)).category]
    return [e.category for e in registry.entries() if e.owner is not None and e.rows_for_user(req.customer).exists()]


def recipients_to_tell(req, touched):
    """One row per recipient of the categories the request touched, for staff to tick off (R22)."""
    recipients = {}
    for category in touched:
        for recipient in category.recipients:
            recipients.setdefault(str(recipient), []).append(str(category.label))
    RecipientNotification.objects.bulk_create(
        RecipientNotification(request=req, recipient=r, categories=", ".join(dict.fromkeys(c)))
        for r, c in recipients.items()
    )
    return len(recipients)
