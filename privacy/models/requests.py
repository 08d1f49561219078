"""Data-subject requests, their append-only events, and what completing them leaves behind."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from privacy import categories, deadlines
from privacy.models.base import AppendOnlyModel
from privacy.models.request_choices import (
    OPEN_STATUSES,
    Channel,
    Directive,
    Kind,
    ObjectionScope,
    RejectionCode,
    RestrictionGround,
    Status,
)
from privacy.registry import Delete, Keep, registry

STAFF = settings.AUTH_USER_MODEL


def _due_soon(now):
    until = deadlines.due_soon_until(now, settings.DSR_DUE_SOON_DAYS, tz=settings.SITE_TIME_ZONE)
    return models.Q(deadline_at__gte=now, deadline_at__lte=until)


class RequestQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def with_deadline(self):
        return self.annotate(deadline_at=Coalesce("extended_until", "due_at"))

    def overdue(self, now=None):
        return self.open().with_deadline().filter(deadline_at__lt=now or timezone.now())

    def due_soon(self, now=None):
        """Open, not overdue, and due within DSR_DUE_SOON_DAYS local days (0 <= days_left <= N)."""
        now = now or timezone.now()
        return self.open().with_deadline().filter(_due_soon(now))

    def counts(self, now=None):
        """{"open", "overdue", "due_soon"}: the three figures of the filters above, in one pass over open requests."""
        now = now or timezone.now()
        return (
            self.open()
            .with_deadline()
            .aggregate(
                open=models.Count("pk"),
                overdue=models.Count("pk", filter=models.Q(deadline_at__lt=now)),
                due_soon=models.Count("pk", filter=_due_soon(now)),
            )
        )


def new_reference():
    # Not sequential: a reference must not reveal how many requests others made.
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "R-" + "".join(secrets.choice(alphabet) for _ in range(8))


class DataSubjectRequest(models.Model):
    Kind = Kind
    Status = Status
    Channel = Channel
    RejectionCode = RejectionCode
    RestrictionGround = RestrictionGround
    ObjectionScope = ObjectionScope
    Directive = Directive

    reference = models.CharField(_("reference"), max_length=12, unique=True, default=new_reference, editable=False)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    customer = models.ForeignKey(
        STAFF,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="privacy_requests",
        verbose_name=_("account"),
    )
    requester_name = models.CharField(_("requester's name"), max_length=300)
    requester_email = models.EmailField(_("requester's email"))
    is_guardian = models.BooleanField(_("filed by a parent or guardian"), default=False)
    details = models.TextField(_("details"), blank=True)
    received_at = models.DateTimeField(_("received at"))
    due_at = models.DateTimeField(_("due at"))
    extended_until = models.DateTimeField(_("extended until"), null=True, blank=True)
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    identity_verified_at = models.DateTimeField(_("identity verified at"), null=True, blank=True)
    possibly_repetitive = models.BooleanField(_("possibly repetitive"), default=False)
    assignee = models.ForeignKey(
        STAFF, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("assignee")
    )
    created_at = models.DateTimeField(_("logged at"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    response = models.TextField(_("response"), blank=True)
    rejection_code = models.CharField(_("rejection reason"), max_length=32, choices=RejectionCode.choices, blank=True)
    # What some kinds need to be carried out.
    rectification = models.JSONField(_("corrections asked for"), default=dict, blank=True)
    restriction_ground = models.CharField(
        _("restriction ground"), max_length=1, choices=RestrictionGround.choices, blank=True
    )
    objection_scope = models.CharField(_("objection to"), max_length=24, choices=ObjectionScope.choices, blank=True)
    order = models.ForeignKey(
        "accounts.Order", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("order")
    )
    directive = models.CharField(_("instruction"), max_length=10, choices=Directive.choices, blank=True)
    trusted_person = models.CharField(_("trusted person"), max_length=300, blank=True)
    # The DPO's decision on an objection to legitimate interest (R26) or on an automated decision (R28).
    objection_upheld = models.BooleanField(_("objection upheld"), null=True, blank=True)
    decision_overturned = models.BooleanField(_("automated decision overturned"), null=True, blank=True)

    objects = RequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("data-subject request")
        verbose_name_plural = _("data-subject requests")
        ordering = ["due_at", "pk"]
        permissions = [("work_queue", _("Can work the request queue"))]
        indexes = [
            models.Index(fields=["status", "due_at"]),
            models.Index(fields=["customer", "-received_at"]),
            models.Index(fields=["requester_email"]),
            # The DPO queue's order (open first, nearest deadline on top): with it PostgreSQL reads the first
            # page from the index instead of sorting every request (1.6 s at 100,000 requests, bench/web.py).
            models.Index(
                models.Case(
                    models.When(status__in=OPEN_STATUSES, then=models.Value(0)),
                    default=models.Value(1),
                    output_field=models.IntegerField(),
                ),
                Coalesce("extended_until", "due_at"),
                models.F("id"),
                name="privacy_request_queue_order",
            ),
            # The open requests' deadlines alone: the queue's and the dashboard's counts read it, not the table.
            models.Index(
                fields=["due_at", "extended_until"],
                condition=models.Q(status__in=OPEN_STATUSES),
                name="privacy_request_open_deadline",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(extended_until__isnull=True) | models.Q(extended_until__gt=models.F("due_at")),
                name="privacy_request_extension_after_due",
            )
        ]

    def __str__(self):
        return self.reference

    @property
    def is_open(self):
        return self.status in OPEN_STATUSES

    @property
    def deadline(self):
        return self.extended_until or self.due_at

    def days_left(self, now=None):
        if not self.is_open:
            return None
        return deadlines.days_left(self.deadline, now or timezone.now(), tz=settings.SITE_TIME_ZONE)

    def is_overdue(self, now=None):
        return self.is_open and (now or timezone.now()) > self.deadline

    def is_due_soon(self, now=None):
        left = self.days_left(now)
        return left is not None and 0 <= left <= settings.DSR_DUE_SOON_DAYS and not self.is_overdue(now)

    @property
    def first_due_date(self):
        return deadlines.local_date(self.due_at, settings.SITE_TIME_ZONE)

    @property
    def extension_ceiling(self):
        return deadlines.extension_ceiling(self.first_due_date, months=settings.DSR_EXTENSION_MONTHS)

    @property
    def legal_latest(self):
        return deadlines.legal_latest(
            self.received_at, tz=settings.SITE_TIME_ZONE, calendar=settings.DSR_HOLIDAY_CALENDAR
        )


class RequestEvent(AppendOnlyModel):
    """One step of a request: who, when, from which status to which, and why (R16)."""

    class Role(models.TextChoices):
        SUBJECT = "subject", _("The person concerned")
        STAFF = "staff", _("Our data protection team")
        SYSTEM = "system", _("Automatic")

    request = models.ForeignKey(
        DataSubjectRequest, on_delete=models.PROTECT, related_name="events", verbose_name=_("request")
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    actor = models.ForeignKey(
        STAFF, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("staff member")
    )
    actor_role = models.CharField(_("by"), max_length=8, choices=Role.choices)
    from_status = models.CharField(_("previous status"), max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(_("new status"), max_length=20, choices=Status.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    visible_to_subject = models.BooleanField(_("shown to the person"), default=True)

    class Meta(AppendOnlyModel.Meta):
        verbose_name = _("request event")
        verbose_name_plural = _("request events")
        ordering = ["created_at", "pk"]

    def __str__(self):
        # The title of the event's row on the request page: local time and the statuses' labels, as the row shows.
        when = formats.date_format(timezone.localtime(self.created_at), "DATETIME_FORMAT")
        steps = " → ".join(
            str(label) for label in (self.get_from_status_display(), self.get_to_status_display()) if label
        )
        return f"{when}: {steps}" if steps else when


class PendingPublicRequest(models.Model):
    """A request from the public form, held until its email link is clicked (R10)."""

    name = models.CharField(_("name"), max_length=300)
    email = models.EmailField(_("email address"))
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    details = models.TextField(_("details"), blank=True)
    is_guardian = models.BooleanField(_("filed by a parent or guardian"), default=False)
    objection_scope = models.CharField(_("objection to"), max_length=24, choices=ObjectionScope.choices, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now, db_index=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("unconfirmed public request")
        verbose_name_plural = _("unconfirmed public requests")

    def __str__(self):
        return f"{self.email} {self.kind}"


# Art. 18(2): data restricted because the processing is unlawful or for legal claims must be kept, not erased.
ERASURE_BLOCKING_GROUNDS = (RestrictionGround.UNLAWFUL, RestrictionGround.LEGAL_CLAIMS)


class RestrictionQuerySet(models.QuerySet):
    def active(self, now=None):
        now = now or timezone.now()
        return self.filter(lifted_at__isnull=True, starts_at__lte=now).filter(
            models.Q(ends_at__isnull=True) | models.Q(ends_at__gt=now)
        )

    def blocking_erasure(self, now=None):
        """The restrictions in force that forbid erasing the customer (grounds (b) and (c)); retention reads this."""
        return self.active(now).filter(ground__in=ERASURE_BLOCKING_GROUNDS)


class Restriction(models.Model):
    """Art. 18: while active, no marketing or analytics, and for grounds (b)/(c) no retention erasure (R24)."""

    customer = models.ForeignKey(
        STAFF, on_delete=models.PROTECT, related_name="restrictions", verbose_name=_("customer")
    )
    request = models.ForeignKey(
        DataSubjectRequest, on_delete=models.PROTECT, related_name="restrictions", verbose_name=_("request")
    )
    ground = models.CharField(_("ground"), max_length=1, choices=RestrictionGround.choices)
    starts_at = models.DateTimeField(_("starts at"), default=timezone.now)
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)

    objects = RestrictionQuerySet.as_manager()

    class Meta:
        verbose_name = _("restriction of processing")
        verbose_name_plural = _("restrictions of processing")

    def __str__(self):
        return f"{self.customer_id} ({self.ground})"

    @property
    def blocks_erasure(self):
        return self.ground in ERASURE_BLOCKING_GROUNDS


class RecipientNotification(models.Model):
    """Art. 19: one recipient to tell about a rectification, erasure or restriction (R22)."""

    request = models.ForeignKey(
        DataSubjectRequest, on_delete=models.PROTECT, related_name="notifications", verbose_name=_("request")
    )
    recipient = models.CharField(_("recipient"), max_length=300)
    categories = models.CharField(_("categories concerned"), max_length=500)
    notified_at = models.DateTimeField(_("told on"), null=True, blank=True)
    impossible_reason = models.TextField(_("why it was impossible or disproportionate"), blank=True)
    done_by = models.ForeignKey(
        STAFF, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("done by")
    )

    class Meta:
        verbose_name = _("recipient to notify")
        verbose_name_plural = _("recipients to notify")
        constraints = [
            models.UniqueConstraint(fields=["request", "recipient"], name="privacy_notification_once_per_recipient")
        ]

    def __str__(self):
        return self.recipient

    @property
    def is_done(self):
        return self.notified_at is not None or bool(self.impossible_reason)


PROOF = _("Proof that we answered (Art. 5(2)); requester details anonymised after 5 years")

registry.register(
    DataSubjectRequest,
    category=categories.REQUESTS,
    owner="customer",
    email_field="requester_email",
    fields=(
        "reference",
        "kind",
        "status",
        "channel",
        "requester_name",
        "requester_email",
        "details",
        "received_at",
        "due_at",
        "extended_until",
        "extension_reason",
        "closed_at",
        "response",
    ),
    erasure=Keep(reason=PROOF),
    retention="request_file_anonymise",
    retention_from="closed_at",
)
registry.register(
    RequestEvent,
    category=categories.REQUESTS,
    owner="request__customer",
    # The note is left out of what the person is shown: staff-only notes live there; the answers the person
    # receives are on the request itself (response, extension reason).
    fields=("request__reference", "created_at", "actor_role", "from_status", "to_status"),
    erasure=Keep(reason=PROOF),
    retention="request_file_anonymise",
    personal_fields=("note",),
)
registry.register(
    PendingPublicRequest,
    category=categories.REQUESTS,
    email_field="email",
    fields=("name", "email", "kind", "details", "submitted_at"),
    erasure=Delete(),
    retention="public_request_unconfirmed_delete",
)
registry.register(
    Restriction,
    category=categories.REQUESTS,
    owner="customer",
    fields=("request__reference", "ground", "starts_at", "ends_at", "lifted_at"),
    erasure=Keep(reason=PROOF),
    retention="request_file_anonymise",
)

# R22: the list of recipients told about a correction or erasure can be given to the person.
registry.register(
    RecipientNotification,
    category=categories.REQUESTS,
    owner="request__customer",
    fields=("request__reference", "recipient", "categories", "notified_at", "impossible_reason"),
    erasure=Keep(reason=PROOF),
    retention="request_file_anonymise",
)
