"""The life of a data-subject request: filing, identity, extension, answer (what each kind does is in
privacy.services.effects).

Every status change goes through `_move`, which checks R16's transitions and appends an event.
Views and admin actions call these functions and show `RequestError` messages as they are.
"""

from datetime import date, timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from config.languages import subject_language
from config.links import LinkInvalid
from config.mail import mail_send
from privacy import deadlines
from privacy.exceptions import RequestError
from privacy.models import DataSubjectRequest, PendingPublicRequest, RequestEvent
from privacy.models.request_choices import OPEN_STATUSES, TRANSITIONS, Channel, Kind, ObjectionScope, Status
from privacy.services.effects import recipients_to_tell, request_carry_out, touched_categories
from privacy.services.notes import staff_notify_assignment, staff_notify_new
from privacy.status_links import request_status_url
from privacy.templatetags.privacy_tags import day_in_full
from retention.rules import RULES

PUBLIC_SALT = "privacy.public-request"
# Kinds carried out at once, without waiting for the DPO (R25, Art. 7(3)).
IMMEDIATE = (Kind.WITHDRAW_CONSENT,)


def _mail(req, template, **context):
    # Whoever has no client-area page for the request follows it through its signed status link.
    status_link = request_status_url(req) if req.channel != Channel.CLIENT_AREA else ""
    mail_send(
        to=req.requester_email,
        template=template,
        context={"req": req, "site_time_zone": settings.SITE_TIME_ZONE, "status_link": status_link, **context},
        language=subject_language(req.customer),
    )


def _role(actor, req):
    if actor is None:
        return RequestEvent.Role.SYSTEM
    if req.customer_id and actor.pk == req.customer_id and not actor.is_staff:
        return RequestEvent.Role.SUBJECT
    return RequestEvent.Role.STAFF


def _event(req, *, actor, note="", to=None, visible=True, now=None, first=False):
    return RequestEvent.objects.create(
        request=req,
        actor=actor,
        actor_role=_role(actor, req),
        from_status=req.status if to and not first else "",
        to_status=to or "",
        note=note,
        visible_to_subject=visible,
        created_at=now or timezone.now(),
    )


def _move(req, to, *, actor, note="", visible=True, now=None):
    if to not in TRANSITIONS[req.status]:
        raise RequestError(
            _("A request that is “%(current)s” cannot become “%(target)s”.")
            % {"current": Status(req.status).label, "target": Status(to).label}
        )
    now = now or timezone.now()
    event = _event(req, actor=actor, note=note, to=to, visible=visible, now=now)
    req.status = to
    if to not in OPEN_STATUSES:
        req.closed_at = now
    req.save()
    return event


def _locked(req):
    # of=("self",): PostgreSQL cannot lock the nullable side of the outer join to the customer.
    return DataSubjectRequest.objects.select_for_update(of=("self",)).select_related("customer").get(pk=req.pk)


def _is_repetitive(*, kind, customer, email, received_at):
    since = received_at - timedelta(days=settings.DSR_REPETITIVE_DAYS)
    same_subject = Q(customer=customer) if customer else Q(requester_email__iexact=email.strip())
    return DataSubjectRequest.objects.filter(same_subject, kind=kind, received_at__range=(since, received_at)).exists()


@transaction.atomic
def request_file(
    *,
    kind,
    channel,
    actor=None,
    customer=None,
    name="",
    email="",
    details="",
    received_at=None,
    is_guardian=False,
    **specifics,
):
    """Put a request in the queue with its deadline, acknowledge it (R13), and run the immediate kinds."""
    now = timezone.now()
    received_at = received_at or now
    if received_at > now:
        raise RequestError(_("The receipt time cannot be in the future."))
    if kind not in Kind.values:
        raise RequestError(_("Unknown kind of request."))
    if customer is not None:
        name, email = name or customer.get_full_name(), email or customer.email
    order = specifics.get("order")
    if order is not None and (customer is None or order.customer_id != customer.pk):
        raise RequestError(_("This order is not the customer's."))
    if not email:
        raise RequestError(_("An email address is needed to answer the request."))
    req = DataSubjectRequest(
        kind=kind,
        channel=channel,
        customer=customer,
        requester_name=name,
        requester_email=email.strip().lower(),
        details=details,
        is_guardian=is_guardian,
        received_at=received_at,
        due_at=deadlines.due_at(received_at, tz=settings.SITE_TIME_ZONE, period=settings.DSR_RESPONSE_PERIOD),
        possibly_repetitive=_is_repetitive(kind=kind, customer=customer, email=email, received_at=received_at),
        created_at=now,
        **specifics,
    )
    # The logged-in session proves who the customer is (R11); a guardian's link to the child is checked by staff.
    if channel == Channel.CLIENT_AREA and customer is not None and not is_guardian:
        req.identity_verified_at = now
    req.save()
    _event(req, actor=actor, to=Status.RECEIVED, note=Channel(channel).label, now=now, first=True)
    _mail(req, "request_received")
    marketing_objection = kind == Kind.OBJECTION and req.objection_scope == ObjectionScope.MARKETING
    if customer is not None and (kind in IMMEDIATE or marketing_objection):
        request_carry_out(req, actor=actor, now=now)
        _move(req, Status.COMPLETED, actor=None, note=_("Carried out at once."), now=now)
        _mail(req, "request_completed", kept=[])
    if req.is_open:
        staff_notify_new(req)
    return req


def _address_digest(email):
    """Binds a confirmation link to the address it was sent to, without putting the address in the URL (logs)."""
    return salted_hmac(PUBLIC_SALT, email.strip().lower(), algorithm="sha256").hexdigest()[:20]


def public_request_token(pending) -> str:
    """The confirmation link's token: the held request's id and a keyed digest of its address, signed."""
    return signing.dumps({"p": pending.pk, "h": _address_digest(pending.email)}, salt=PUBLIC_SALT)


def public_request_submit(
    *, name, email, kind, details="", is_guardian=False, objection_scope="", ip=None, http_request=None
):
    """Hold a public-form request and mail its confirmation link (R10); nothing reaches the queue yet."""
    if kind not in Kind.values:
        raise RequestError(_("Unknown kind of request."))
    if kind != Kind.OBJECTION:
        objection_scope = ""
    pending = PendingPublicRequest.objects.create(
        name=name,
        email=email.strip().lower(),
        kind=kind,
        details=details,
        is_guardian=is_guardian,
        objection_scope=objection_scope,
        ip=ip,
    )
    token = public_request_token(pending)
    link = reverse("privacy:public_request_confirm", args=[token])
    mail_send(
        to=pending.email,
        template="public_request_confirm",
        context={
            "pending": pending,
            "link": http_request.build_absolute_uri(link) if http_request else link,
            "hours": settings.PUBLIC_REQUEST_LINK_MAX_AGE // 3600,
        },
        language=subject_language(None),
    )
    return pending


@transaction.atomic
def public_request_confirm(*, token):
    """Move a confirmed public request into the queue, received when it was submitted (R10, R11)."""
    from django.contrib.auth import get_user_model

    try:
        data = signing.loads(token, salt=PUBLIC_SALT, max_age=settings.PUBLIC_REQUEST_LINK_MAX_AGE)
    except signing.BadSignature as e:
        raise LinkInvalid from e
    pending = PendingPublicRequest.objects.select_for_update().filter(pk=data["p"]).first()
    if pending is None or not constant_time_compare(data.get("h", ""), _address_digest(pending.email)):
        raise LinkInvalid
    # Linked to an account only when the confirmed address is the account's own address. A guardian's address
    # is usually the guardian's own account, not the child's: the DPO links it after checking the relationship.
    customer = None
    if not pending.is_guardian:
        customer = get_user_model().objects.filter(email__iexact=pending.email, is_staff=False).first()
    req = request_file(
        kind=pending.kind,
        channel=Channel.PUBLIC_FORM,
        customer=customer,
        name=pending.name,
        email=pending.email,
        details=pending.details,
        is_guardian=pending.is_guardian,
        objection_scope=pending.objection_scope,
        received_at=pending.submitted_at,
    )
    pending.delete()
    return req


def public_requests_purge(*, now=None) -> int:
    """Delete public-form submissions never confirmed within RETENTION_PUBLIC_REQUEST_DAYS (7 by default, R10)."""
    cutoff = (now or timezone.now()) - timedelta(days=RULES["public_request_unconfirmed_delete"].amount)
    deleted, _ = PendingPublicRequest.objects.filter(submitted_at__lt=cutoff).delete()
    return deleted


@transaction.atomic
def request_verify_identity(req, *, actor, note=""):
    req = _locked(req)
    if not req.is_open:
        raise RequestError(_("This request is closed."))
    if req.identity_verified_at is not None:
        raise RequestError(_("The identity is already verified."))
    req.identity_verified_at = timezone.now()
    fields = ["identity_verified_at"]
    if settings.DSR_PAUSE_FOR_IDENTITY and req.status == Status.AWAITING_IDENTITY and req.extended_until is None:
        asked = req.events.filter(to_status=Status.AWAITING_IDENTITY).order_by("-created_at").first()
        if asked is not None:
            req.due_at = deadlines.paused_due_at(
                req.due_at, asked.created_at, req.identity_verified_at, tz=settings.SITE_TIME_ZONE
            )
            fields.append("due_at")
    req.save(update_fields=fields)
    _event(req, actor=actor, note=note or _("Identity verified."), visible=False)
    if req.status in (Status.RECEIVED, Status.AWAITING_IDENTITY):
        _move(req, Status.IN_PROGRESS, actor=actor, note=_("We are working on your request."))
    return req


@transaction.atomic
def request_link_account(req, *, actor, customer, check):
    """After checking, staff link a request filed without an account (a guardian's, R79) to the account concerned;
    access and erasure then run on that account, not on the requester's address. The check is recorded."""
    req = _locked(req)
    if not req.is_open:
        raise RequestError(_("This request is closed."))
    if req.customer_id is not None:
        raise RequestError(_("This request is already linked to an account."))
    if customer.is_staff:
        raise RequestError(_("A staff account cannot be the subject of a request."))
    if not check.strip():
        raise RequestError(_("Write down how the relationship or identity was checked."))
    req.customer = customer
    fields = ["customer"]
    if req.identity_verified_at is None:
        req.identity_verified_at = timezone.now()
        fields.append("identity_verified_at")
    req.save(update_fields=fields)
    _event(
        req,
        actor=actor,
        note=_("Linked to the account concerned after this check: %(check)s") % {"check": check},
        visible=False,
    )
    return req


@transaction.atomic
def request_await_identity(req, *, actor, note):
    """Ask the person for proportionate details before anything is disclosed or changed (R11, R12)."""
    req = _locked(req)
    if not note.strip():
        raise RequestError(_("Say which details you need, so the person knows what to send."))
    _move(req, Status.AWAITING_IDENTITY, actor=actor, note=note)
    _mail(req, "request_awaiting_identity", asked=note)
    return req


@transaction.atomic
def request_start(req, *, actor):
    req = _locked(req)
    if req.identity_verified_at is None:
        raise RequestError(_("Verify the person's identity first."))
    _move(req, Status.IN_PROGRESS, actor=actor, note=_("We are working on your request."))
    return req


@transaction.atomic
def request_assign(req, *, actor, assignee):
    req = _locked(req)
    if not req.is_open:
        raise RequestError(_("This request is closed."))
    if assignee is None or not assignee.has_perm("privacy.work_queue"):
        raise RequestError(_("Choose a staff member who works the request queue."))
    req.assignee = assignee
    req.save(update_fields=["assignee"])
    _event(req, actor=actor, note=_("Assigned to %(who)s.") % {"who": assignee.get_full_name()}, visible=False)
    staff_notify_assignment(req, actor=actor, assignee=assignee)
    return req


@transaction.atomic
def request_extend(req, *, actor, until: date, reason, now=None):
    """Extend once, before the first due date, with reasons told to the person (R14, Art. 12(3))."""
    now = now or timezone.now()
    req = _locked(req)
    if req.extended_until is not None:
        raise RequestError(_("This request was already extended once; it cannot be extended again."))
    if now > req.due_at:
        raise RequestError(_("The first due date has passed: an extension can no longer be granted."))
    if not reason.strip():
        raise RequestError(_("Write the reason for the extension: the person will receive it."))
    if not req.first_due_date < until <= req.extension_ceiling:
        raise RequestError(
            _("Choose a date after %(due)s and no later than %(ceiling)s.")
            % {"due": day_in_full(req.first_due_date), "ceiling": day_in_full(req.extension_ceiling)}
        )
    req.extended_until = deadlines.end_of_day(until, settings.SITE_TIME_ZONE)
    req.extension_reason = reason
    _move(req, Status.EXTENDED, actor=actor, note=reason, now=now)
    _mail(req, "request_extended")
    return req


@transaction.atomic
def request_reject(req, *, actor, code, text, now=None):
    """Refuse with a reason code and text; the mail names the CNIL and the courts (R18)."""
    now = now or timezone.now()
    req = _locked(req)
    if code not in DataSubjectRequest.RejectionCode.values or not text.strip():
        raise RequestError(_("A rejection needs a reason code and a written explanation."))
    late = now > req.deadline
    req.rejection_code, req.response = code, text
    _move(req, Status.REJECTED, actor=actor, note=text, now=now)
    _mail(req, "request_rejected")
    return req, late


@transaction.atomic
def request_withdraw(req, *, customer):
    """The subject takes their request back while it is still open (R17)."""
    req = _locked(req)
    if req.customer_id != customer.pk:
        raise RequestError(_("This is not your request."))
    _move(req, Status.WITHDRAWN, actor=customer, note=_("Withdrawn by the person concerned."))
    return req


@transaction.atomic
def request_complete(req, *, actor, response, now=None, **decision):
    """Answer the request: carry out what its kind asks for, tell recipients (Art. 19), mail the person."""
    now = now or timezone.now()
    req = _locked(req)
    if req.status not in (Status.IN_PROGRESS, Status.EXTENDED):
        raise RequestError(_("Start the request (after verifying identity) before completing it."))
    if not response.strip():
        raise RequestError(_("Write the answer the person will receive."))
    for key, value in decision.items():
        setattr(req, key, value)
    req.response = response
    # Read before carrying out: an erasure removes the very rows that say which recipients had them.
    touched = touched_categories(req)
    kept = request_carry_out(req, actor=actor, now=now)
    _move(req, Status.COMPLETED, actor=actor, note=response, now=now)
    recipients_to_tell(req, touched)
    _mail(req, "request_completed", kept=kept, copy_link=_copy_link(req))
    return req


def _copy_link(req):
    """The owner-only link to the copy of the data an access or portability answer delivers (R20); people
    without an account get theirs by an expiring link in the export's own mail."""
    if req.kind not in (Kind.ACCESS, Kind.PORTABILITY) or req.customer_id is None:
        return ""
    return settings.EXPORT_SITE_URL + reverse("privacy:request_copy", args=[req.pk])


def requests_digest(*, now=None) -> dict:
    """Mail the DPO what is overdue or due within the threshold; no mail when both lists are empty (R15)."""
    now = now or timezone.now()
    overdue = list(DataSubjectRequest.objects.overdue(now).order_by("deadline_at"))
    soon = list(DataSubjectRequest.objects.due_soon(now).order_by("deadline_at"))
    if overdue or soon:
        mail_send(
            to=settings.DPO_EMAIL,
            template="dpo_digest",
            context={
                "overdue": overdue,
                "soon": soon,
                "now": now,
                "site_time_zone": settings.SITE_TIME_ZONE,
                "due_soon_days": settings.DSR_DUE_SOON_DAYS,
            },
            language=settings.LANGUAGE_CODE,
        )
    return {"overdue": len(overdue), "due_soon": len(soon)}
