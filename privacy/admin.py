"""The DPO's back-office: the request queue with its deadlines, the actions that call the services, and the ledgers.

Only users with `privacy.work_queue` see any of it. Nothing here changes a request directly: every step is a
service of privacy.services.requests, reached through a small form, so deadlines, events and mails stay right.
"""

import functools
from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import ForeignKeyRawIdWidget
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, IntegerField, Q, Value, When
from django.db.models.fields import BLANK_CHOICE_LABEL
from django.db.models.functions import Coalesce
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.admin import ReadOnlyAdmin
from accounts.validators import validate_no_card_number
from exports.admin import RequestExportsInline
from privacy import deadlines
from privacy.models import (
    ConsentRecord,
    DataSubjectRequest,
    PendingPublicRequest,
    PostMortemDirective,
    RecipientNotification,
    RequestEvent,
    Restriction,
    SuppressionEntry,
)
from privacy.models.requests import (
    OPEN_STATUSES,
    Channel,
    Directive,
    Kind,
    ObjectionScope,
    RejectionCode,
    RestrictionGround,
    Status,
)
from privacy.services.requests import (
    RequestError,
    request_assign,
    request_await_identity,
    request_complete,
    request_extend,
    request_file,
    request_reject,
    request_start,
    request_verify_identity,
)
from privacy.templatetags.privacy_tags import in_full

WORK_QUEUE = "privacy.work_queue"
BLANK = ("", BLANK_CHOICE_LABEL)
STAFF_CHANNELS = (Channel.EMAIL, Channel.POST, Channel.TICKET, Channel.PHONE)


@admin.register(ConsentRecord)
class ConsentRecordAdmin(ReadOnlyAdmin):
    """The ledger is append-only: rows are written by the product, never edited or deleted here (R36)."""

    list_display = (
        "created_at",
        "customer",
        "visitor_id",
        "purpose",
        "granted",
        "source",
        "policy_version",
    )
    list_filter = ("purpose", "granted", "source", "policy_version", "language")
    search_fields = ("customer__email", "visitor_id")
    list_select_related = ("customer",)
    date_hierarchy = "created_at"


def can_work_queue(request):
    return request.user.is_active and request.user.is_staff and request.user.has_perm(WORK_QUEUE)


class QueueOnly:
    """Staff without privacy.work_queue (the Support group) do not see these pages at all."""

    def has_module_permission(self, request):
        return can_work_queue(request) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return can_work_queue(request) and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args):
        return can_work_queue(request) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return can_work_queue(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False


def _local_day(moment):
    return formats.date_format(deadlines.local_date(moment, settings.SITE_TIME_ZONE), "DATE_FORMAT")


def active_restrictions(customer, now=None):
    return list(Restriction.objects.active(now).filter(customer=customer).order_by("starts_at"))


def restriction_banner(customer, now=None):
    """The R24 banner for a customer's pages in the admin; empty when nothing restricts their processing."""
    if customer is None:
        return ""
    restrictions = active_restrictions(customer, now)
    if not restrictions:
        return ""
    return render_to_string("admin/privacy/restriction_banner.html", {"restrictions": restrictions})


def countdown(req, now=None):
    """'12', '0 (today)' or '-3 (overdue)' in a badge marking overdue and due-soon rows; nothing once closed (R15)."""
    now = now or timezone.now()
    left = req.days_left(now)
    if left is None:
        return ""
    if req.is_overdue(now):
        return format_html(
            '<span class="queue-badge queue-overdue">{}</span>', _("%(days)d (overdue)") % {"days": left}
        )
    text = _("%(days)d (today)") % {"days": left} if left == 0 else str(left)
    if req.is_due_soon(now):
        return format_html('<span class="queue-badge queue-soon">{}</span>', text)
    return format_html('<span class="queue-days">{}</span>', text)


class DeadlineFilter(admin.SimpleListFilter):
    title = _("deadline")
    parameter_name = "deadline"

    def lookups(self, request, model_admin):
        return (
            ("open", _("Open")),
            ("overdue", _("Overdue")),
            ("due_soon", _("Due within %(days)d days") % {"days": settings.DSR_DUE_SOON_DAYS}),
        )

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "open":
            return queryset.open()
        if self.value() == "overdue":
            return queryset.overdue(now)
        if self.value() == "due_soon":
            return queryset.due_soon(now)
        return queryset


class AssigneeFilter(admin.SimpleListFilter):
    title = _("assignee")
    parameter_name = "assigned"

    def lookups(self, request, model_admin):
        return (("me", _("Assigned to me")), ("nobody", _("Not assigned")))

    def queryset(self, request, queryset):
        if self.value() == "me":
            return queryset.filter(assignee=request.user)
        if self.value() == "nobody":
            return queryset.filter(assignee__isnull=True)
        return queryset


class RequestEventInline(admin.TabularInline):
    """The request's history (R16): shown, never added to, changed or deleted here, not even by a superuser."""

    model = RequestEvent
    fields = ("created_at", "actor", "actor_role", "from_status", "to_status", "note", "visible_to_subject")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class RecipientNotificationForm(forms.ModelForm):
    class Meta:
        model = RecipientNotification
        fields = ("notified_at", "impossible_reason")
        widgets = {"impossible_reason": forms.Textarea(attrs={"rows": 2, "cols": 40})}

    def clean_notified_at(self):
        value = self.cleaned_data["notified_at"]
        if value and value > timezone.now():
            raise ValidationError(_("The date the recipient was told cannot be in the future."))
        return value


class RecipientNotificationInline(admin.TabularInline):
    """Art. 19: staff tick each recipient off with the date it was told, or why that was impossible (R22)."""

    model = RecipientNotification
    form = RecipientNotificationForm
    fields = ("recipient", "categories", "notified_at", "impossible_reason", "done_by")
    readonly_fields = ("recipient", "categories", "done_by")
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return can_work_queue(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("done_by").order_by("recipient")


# One form per queue action; each calls exactly one service and says what happened.


class QueueActionForm(forms.Form):
    title = ""
    submit_label = _("Confirm")

    def __init__(self, *args, req, admin_site=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.req = req

    def clean(self):
        # R86: notes, reasons and answers are free text; a card number typed in one is refused like anywhere else.
        cleaned = super().clean()
        for name, value in list(cleaned.items()):
            if isinstance(value, str) and name not in self.errors:
                try:
                    validate_no_card_number(value)
                except ValidationError as e:
                    self.add_error(name, e)
        return cleaned

    @classmethod
    def applies(cls, req, now):
        """Whether the change page offers the button; the service still decides when it is pressed."""
        return req.is_open

    def act(self, *, actor):
        """Call the service; return [(level, message)]. A RequestError leaves the request as it was."""
        raise NotImplementedError

    def warnings(self, now):
        return []


class VerifyIdentityForm(QueueActionForm):
    title = _("Verify identity")
    submit_label = _("Identity verified")
    note = forms.CharField(
        label=_("Note (internal)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("How the identity was checked. Not shown to the person."),
    )

    @classmethod
    def applies(cls, req, now):
        return req.is_open and req.identity_verified_at is None

    def act(self, *, actor):
        req = request_verify_identity(self.req, actor=actor, note=self.cleaned_data["note"])
        return [(messages.SUCCESS, _("Identity verified; the request is %(status)s.") % {"status": _status(req)})]


class AwaitIdentityForm(QueueActionForm):
    title = _("Ask for identity details")
    submit_label = _("Send the request for details")
    note = forms.CharField(
        label=_("What the person must send"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=_("Sent to the person by email. Ask only for what you need; no identity document by default."),
    )

    @classmethod
    def applies(cls, req, now):
        return req.status == Status.RECEIVED

    def act(self, *, actor):
        request_await_identity(self.req, actor=actor, note=self.cleaned_data["note"])
        return [(messages.SUCCESS, _("The person was asked for identity details."))]


class StartForm(QueueActionForm):
    title = _("Start working on the request")
    submit_label = _("Start")

    @classmethod
    def applies(cls, req, now):
        return req.status in (Status.RECEIVED, Status.AWAITING_IDENTITY) and req.identity_verified_at is not None

    def act(self, *, actor):
        request_start(self.req, actor=actor)
        return [(messages.SUCCESS, _("The request is in progress."))]


def queue_workers():
    permissions = Permission.objects.filter(codename="work_queue", content_type__app_label="privacy")
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .filter(Q(is_superuser=True) | Q(groups__permissions__in=permissions) | Q(user_permissions__in=permissions))
        .distinct()
        .order_by("first_name", "last_name", "email")
    )


class AssignForm(QueueActionForm):
    title = _("Assign the request")
    submit_label = _("Assign")
    assignee = forms.ModelChoiceField(label=_("Assign to"), queryset=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = queue_workers()
        self.fields["assignee"].initial = self.req.assignee_id
        self.fields["assignee"].label_from_instance = lambda user: f"{user.get_full_name()} <{user.email}>"

    def act(self, *, actor):
        request_assign(self.req, actor=actor, assignee=self.cleaned_data["assignee"])
        return [(messages.SUCCESS, _("Assigned to %(who)s.") % {"who": self.cleaned_data["assignee"].get_full_name()})]


class ExtendForm(QueueActionForm):
    title = _("Extend the deadline")
    submit_label = _("Extend and tell the person")
    until = forms.DateField(label=_("New deadline"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=_("Sent to the person with the new date (Art. 12(3)). A request can be extended only once."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        first, ceiling = self.req.first_due_date, self.req.extension_ceiling
        self.fields["until"].widget.attrs.update(
            {"min": (first + timedelta(days=1)).isoformat(), "max": ceiling.isoformat()}
        )
        self.fields["until"].help_text = _("After %(due)s and no later than %(ceiling)s.") % {
            "due": formats.date_format(first, "DATE_FORMAT"),
            "ceiling": formats.date_format(ceiling, "DATE_FORMAT"),
        }

    @classmethod
    def applies(cls, req, now):
        return req.status == Status.IN_PROGRESS and req.extended_until is None and now <= req.due_at

    def act(self, *, actor):
        req = request_extend(
            self.req, actor=actor, until=self.cleaned_data["until"], reason=self.cleaned_data["reason"]
        )
        return [
            (messages.SUCCESS, _("Extended until %(date)s; the person was told.") % {"date": in_full(req.deadline)})
        ]


BOOLEAN_CHOICES = {
    "objection_upheld": (
        ("true", _("Upheld: the processing stops for this person")),
        ("false", _("Refused: the compelling grounds are written in the answer")),
    ),
    "decision_overturned": (
        ("true", _("Overturned after human review")),
        ("false", _("Confirmed after human review")),
    ),
}


def _to_bool(value):
    return value == "true"


class CompleteForm(QueueActionForm):
    title = _("Complete the request")
    submit_label = _("Complete and send the answer")
    response = forms.CharField(
        label=_("Answer"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "cols": 60}),
        help_text=_("Sent to the person by email."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        req = self.req
        for name in self.decision_fields(req):
            if name in BOOLEAN_CHOICES:
                field = forms.TypedChoiceField(
                    choices=BOOLEAN_CHOICES[name],
                    coerce=_to_bool,
                    empty_value=None,
                    required=False,
                    widget=forms.RadioSelect,
                )
                current = getattr(req, name)
                field.initial = None if current is None else ("true" if current else "false")
            elif name == "restriction_ground":
                field = forms.ChoiceField(choices=[BLANK, *RestrictionGround.choices], required=False)
                field.initial = req.restriction_ground
            elif name == "directive":
                field = forms.ChoiceField(choices=[BLANK, *Directive.choices], required=False)
                field.initial = req.directive
            else:
                field = forms.CharField(max_length=300, required=False, initial=req.trusted_person)
            field.label = DataSubjectRequest._meta.get_field(name).verbose_name.capitalize()
            self.fields[name] = field

    @staticmethod
    def decision_fields(req):
        """Only what this kind needs decided: R26, R28, R29 and Art. 18(1)."""
        if req.kind == Kind.OBJECTION and req.objection_scope != ObjectionScope.MARKETING:
            return ("objection_upheld",)
        if req.kind == Kind.AUTOMATED_DECISION_REVIEW:
            return ("decision_overturned",)
        if req.kind == Kind.POST_MORTEM:
            return ("directive", "trusted_person")
        if req.kind == Kind.RESTRICTION:
            return ("restriction_ground",)
        return ()

    @classmethod
    def applies(cls, req, now):
        # Erasure completes on the retention app's page: preview, typed email, recent login (R23).
        return req.status in (Status.IN_PROGRESS, Status.EXTENDED) and req.kind != Kind.ERASURE

    def act(self, *, actor):
        decision = {name: self.cleaned_data[name] for name in self.decision_fields(self.req)}
        request_complete(self.req, actor=actor, response=self.cleaned_data["response"], **decision)
        return [(messages.SUCCESS, _("The request is completed and the answer was sent."))]


class RejectForm(QueueActionForm):
    title = _("Reject the request")
    submit_label = _("Reject and send the reasons")
    code = forms.ChoiceField(label=_("Reason"), choices=[BLANK, *RejectionCode.choices], required=False)
    text = forms.CharField(
        label=_("Explanation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "cols": 60}),
        help_text=_(
            "Sent to the person with the reason, and with their right to complain to the CNIL and to go to court."
        ),
    )

    def warnings(self, now):
        found = []
        if self.req.is_overdue(now):
            found.append(_("This request is past its deadline: a rejection sent now is late (Art. 12(4))."))
        if self.req.possibly_repetitive:
            found.append(
                _(
                    "Flagged as possibly repetitive: the same kind of request from the same person within "
                    "%(days)d days. This alone is no reason to refuse; show why it is excessive."
                )
                % {"days": settings.DSR_REPETITIVE_DAYS}
            )
        return found

    def act(self, *, actor):
        req, late = request_reject(
            self.req, actor=actor, code=self.cleaned_data["code"], text=self.cleaned_data["text"]
        )
        notes = [(messages.SUCCESS, _("The request is rejected and the reasons were sent."))]
        if late:
            notes.append(
                (
                    messages.WARNING,
                    _("This rejection went out after the deadline of %(date)s (Art. 12(4)).")
                    % {"date": in_full(req.deadline)},
                )
            )
        return notes


# Slug in the URL → form; also the order of the buttons on the change page.
QUEUE_ACTIONS = {
    "verify": VerifyIdentityForm,
    "await-identity": AwaitIdentityForm,
    "start": StartForm,
    "assign": AssignForm,
    "extend": ExtendForm,
    "complete": CompleteForm,
    "reject": RejectForm,
}


def _status(req):
    return Status(req.status).label


class LogRequestForm(forms.Form):
    """A request that arrived by email, post, ticket or phone, logged with its real receipt time (R12)."""

    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    objection_scope = forms.ChoiceField(
        label=_("Objection to"),
        choices=[BLANK, *ObjectionScope.choices],
        required=False,
        help_text=_("Only for an objection. An objection to direct marketing is carried out at once."),
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=[(c.value, c.label) for c in STAFF_CHANNELS])
    received_at = forms.DateTimeField(
        label=_("Received at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    requester_name = forms.CharField(
        label=_("Requester's name"), max_length=300, required=False, widget=forms.TextInput({"class": "vTextField"})
    )
    requester_email = forms.EmailField(
        label=_("Requester's email"), required=False, widget=forms.EmailInput({"class": "vTextField"})
    )
    customer = forms.ModelChoiceField(
        label=_("Account"),
        queryset=get_user_model().objects.filter(is_staff=False),
        required=False,
        help_text=_("Link the account only when the request comes from its owner (same email address)."),
    )
    is_guardian = forms.BooleanField(label=_("Filed by a parent or guardian"), required=False)
    details = forms.CharField(label=_("Details"), required=False, widget=forms.Textarea(attrs={"rows": 6, "cols": 60}))

    def __init__(self, *args, admin_site, **kwargs):
        super().__init__(*args, **kwargs)
        rel = DataSubjectRequest._meta.get_field("customer").remote_field
        self.fields["customer"].widget = ForeignKeyRawIdWidget(rel, admin_site)
        zone = settings.SITE_TIME_ZONE
        self.fields["received_at"].help_text = _(
            "When the email, letter, ticket or call actually arrived (%(zone)s time), not when you type it. "
            "The deadline runs from it."
        ) % {"zone": zone}

    def clean_received_at(self):
        value = self.cleaned_data["received_at"]
        if value > timezone.now():
            raise ValidationError(_("The receipt time cannot be in the future."))
        return value

    def clean(self):
        data = super().clean()
        if not data.get("customer") and not data.get("requester_email") and "requester_email" not in self.errors:
            self.add_error("requester_email", _("Give the requester's email, or link their account."))
        return data

    def service_kwargs(self):
        data = self.cleaned_data
        kwargs = {
            "kind": data["kind"],
            "channel": data["channel"],
            "customer": data["customer"],
            "name": data["requester_name"],
            "email": data["requester_email"],
            "details": data["details"],
            "received_at": data["received_at"],
            "is_guardian": data["is_guardian"],
        }
        if data["kind"] == Kind.OBJECTION and data["objection_scope"]:
            kwargs["objection_scope"] = data["objection_scope"]
        return kwargs


@admin.register(DataSubjectRequest)
class DataSubjectRequestAdmin(QueueOnly, admin.ModelAdmin):
    """The DPO queue (R15): open requests first, the nearest deadline on top; actions go through the services."""

    list_display = (
        "reference",
        "kind",
        "requester",
        "channel",
        "received",
        "due",
        "days_left",
        "status_and_flags",
        "assigned_to",
    )
    list_display_links = ("reference",)
    list_filter = (DeadlineFilter, "status", "kind", "channel", AssigneeFilter, "possibly_repetitive")
    search_fields = ("reference", "requester_email", "requester_name")
    list_select_related = ("customer", "assignee")
    # Open requests first, the nearest deadline (extended or not) on top. Expressions, not the with_deadline()
    # annotation, because the admin also orders plain querysets with this (foreign-key choices elsewhere).
    ordering = (
        Case(When(status__in=OPEN_STATUSES, then=Value(0)), default=Value(1), output_field=IntegerField()).asc(),
        Coalesce("extended_until", "due_at").asc(),
        "pk",
    )
    actions = ["assign_to_me"]
    inlines = [RecipientNotificationInline, RequestEventInline, RequestExportsInline]
    fieldsets = (
        (None, {"fields": ("reference", "kind", "status", "channel", "repetitive_note")}),
        (
            _("Requester"),
            {"fields": ("requester_name", "requester_email", "customer", "is_guardian", "details")},
        ),
        (
            _("Deadline"),
            {
                "fields": (
                    "received_at",
                    "due_in_full",
                    "extended_in_full",
                    "extension_reason",
                    "days_left",
                    "legal_latest_in_full",
                    "extension_ceiling_in_full",
                )
            },
        ),
        (
            _("Handling"),
            {
                "fields": (
                    "assignee",
                    "identity_verified_at",
                    "created_at",
                    "closed_at",
                    "response",
                    "rejection_code",
                )
            },
        ),
    )
    # What some kinds carry, shown only for those kinds.
    KIND_FIELDS = {
        Kind.RECTIFICATION: ("rectification",),
        Kind.RESTRICTION: ("restriction_ground",),
        Kind.OBJECTION: ("objection_scope", "objection_upheld"),
        Kind.AUTOMATED_DECISION_REVIEW: ("order", "decision_overturned"),
        Kind.POST_MORTEM: ("directive", "trusted_person"),
    }

    class Media:
        css = {"all": ("css/admin-queue.css",)}

    def has_work_queue_permission(self, request):
        return can_work_queue(request)

    def get_queryset(self, request):
        return super().get_queryset(request).with_deadline()

    @admin.display(description=_("requester"), ordering="requester_name")
    def requester(self, obj):
        return format_html('{}<br><span class="queue-muted">{}</span>', obj.requester_name, obj.requester_email)

    @admin.display(description=_("received"), ordering="received_at")
    def received(self, obj):
        local = timezone.localtime(obj.received_at)
        return format_html(
            '{}<br><span class="queue-muted">{}</span>',
            formats.date_format(local, "DATE_FORMAT"),
            formats.time_format(local, "TIME_FORMAT"),
        )

    @admin.display(description=_("due"), ordering="deadline_at")
    def due(self, obj):
        if obj.extended_until:
            return format_html(
                '{}<br><span class="queue-muted">{}</span>', _local_day(obj.extended_until), _("(extended)")
            )
        return _local_day(obj.due_at)

    @admin.display(description=_("days left"), ordering="deadline_at")
    def days_left(self, obj):
        return countdown(obj)

    @admin.display(description=_("status"), ordering="status")
    def status_and_flags(self, obj):
        return format_html("{}<br>{}", obj.get_status_display(), self.flags(obj))

    @admin.display(description=_("assignee"), ordering="assignee__first_name")
    def assigned_to(self, obj):
        return (obj.assignee.get_full_name() or obj.assignee.email) if obj.assignee else ""

    @admin.display(description=_("flags"))
    def flags(self, obj):
        if obj.possibly_repetitive:
            return format_html(
                '<span class="queue-badge queue-flag" title="{}">{}</span>',
                _("Same kind from the same person within %(days)d days: never a reason to refuse on its own.")
                % {"days": settings.DSR_REPETITIVE_DAYS},
                _("possibly repetitive"),
            )
        return ""

    @admin.display(description=_("possibly repetitive"))
    def repetitive_note(self, obj):
        if not obj.possibly_repetitive:
            return _("No")
        return format_html(
            '<span class="queue-badge queue-flag">{}</span> {}',
            _("possibly repetitive"),
            _(
                "A request of the same kind from the same person within %(days)d days. "
                "Never a reason to refuse on its own (Art. 12(5)): it must be shown to be excessive."
            )
            % {"days": settings.DSR_REPETITIVE_DAYS},
        )

    @admin.action(description=_("Assign the selected open requests to me"), permissions=["work_queue"])
    def assign_to_me(self, request, queryset):
        n = 0
        for req in queryset.open():
            request_assign(req, actor=request.user, assignee=request.user)
            n += 1
        self.message_user(
            request, ngettext("%(n)d request assigned to you.", "%(n)d requests assigned to you.", n) % {"n": n}
        )

    # The change page: everything is read-only, the services own the fields.

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(self.fieldsets)
        specific = self.KIND_FIELDS.get(obj.kind) if obj else None
        if specific:
            fieldsets.append((_("What this kind needs"), {"fields": specific}))
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        return [name for _name, options in self.get_fieldsets(request, obj) for name in options["fields"]]

    @admin.display(description=_("first due date"))
    def due_in_full(self, obj):
        return in_full(obj.due_at)

    @admin.display(description=_("extended until"))
    def extended_in_full(self, obj):
        return in_full(obj.extended_until) if obj.extended_until else _("not extended")

    @admin.display(description=_("legal latest (information only)"))
    def legal_latest_in_full(self, obj):
        return _("%(date)s: the legal month moved past weekends and public holidays; the due date above applies.") % {
            "date": formats.date_format(obj.legal_latest, "DATE_FORMAT")
        }

    @admin.display(description=_("latest possible extension"))
    def extension_ceiling_in_full(self, obj):
        return formats.date_format(obj.extension_ceiling, "DATE_FORMAT")

    def save_model(self, request, obj, form, change):
        # The request's own fields are all read-only: only the Art. 19 inline is saved from this page.
        if not change:
            raise PermissionDenied

    def save_formset(self, request, form, formset, change):
        if formset.model is not RecipientNotification:
            # The events inline is view-only: its forms never count as changed, so this saves nothing.
            return super().save_formset(request, form, formset, change)
        for row in formset.save(commit=False):
            row.done_by = request.user
            row.save()

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            now = timezone.now()
            notifications = [
                f for f in context.get("inline_admin_formsets", []) if f.opts.model is RecipientNotification
            ]
            has_rows = any(f.formset.initial_form_count() for f in notifications)
            context.update(
                {
                    "queue_actions": [
                        *(
                            {"label": form_class.title, "url": self._action_url(obj, slug)}
                            for slug, form_class in QUEUE_ACTIONS.items()
                            if can_work_queue(request) and form_class.applies(obj, now)
                        ),
                        *self._handover_actions(request, obj),
                    ],
                    "restriction_banner": restriction_banner(obj.customer, now),
                    "show_save_and_add_another": False,
                    "show_save": has_rows,
                    "show_save_and_continue": has_rows,
                    "show_delete": False,
                }
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _handover_actions(self, request, obj):
        """Buttons to the other apps' pages for this request: build the export, run the erasure."""
        actions = []
        if obj.kind == Kind.ERASURE and obj.status in (Status.IN_PROGRESS, Status.EXTENDED) and can_work_queue(request):
            actions.append(
                {
                    "label": _("Preview and run the erasure"),
                    "url": reverse("admin:retention_erase_request", args=[obj.pk]),
                }
            )
        if obj.is_open and request.user.has_perm("exports.add_exportjob"):
            url = reverse("admin:exports_exportjob_build_for_request", args=[obj.pk])
            actions.append({"label": _("Build the export"), "url": url})
        return actions

    # The add page: a request logged by staff goes through request_file, never a plain save.

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        # Staff type the local time of receipt: read and show it in the site's zone.
        with timezone.override(settings.SITE_TIME_ZONE):
            form = LogRequestForm(request.POST if request.method == "POST" else None, admin_site=self.admin_site)
            if form.is_bound and form.is_valid():
                try:
                    req = request_file(actor=request.user, **form.service_kwargs())
                except RequestError as e:
                    form.add_error(None, str(e))
                else:
                    self.log_addition(request, req, [{"added": {}}])
                    self.message_user(
                        request,
                        _("Request %(ref)s logged; it is due on %(due)s. The acknowledgement was sent.")
                        % {"ref": req.reference, "due": in_full(req.due_at)},
                        messages.SUCCESS,
                    )
                    return redirect(self._change_url(req))
            return self._render_queue_form(
                request,
                form,
                req=None,
                title=_("Log a request received by email, post, ticket or phone"),
                submit_label=_("Log the request and send the acknowledgement"),
            )

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        actions = [
            path(
                f"<path:object_id>/{slug}/",
                self.admin_site.admin_view(functools.partial(self.queue_action_view, action=slug)),
                name="{}_{}_{}".format(*info, slug.replace("-", "_")),
            )
            for slug in QUEUE_ACTIONS
        ]
        return actions + super().get_urls()

    def _change_url(self, req):
        return reverse(f"{self.admin_site.name}:privacy_datasubjectrequest_change", args=[req.pk])

    def _action_url(self, req, slug):
        return reverse(f"{self.admin_site.name}:privacy_datasubjectrequest_{slug.replace('-', '_')}", args=[req.pk])

    def queue_action_view(self, request, object_id, action):
        if not can_work_queue(request):
            raise PermissionDenied
        req = self.get_object(request, unquote(object_id))
        if req is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        form_class = QUEUE_ACTIONS[action]
        if action == "complete" and req.kind == Kind.ERASURE:
            return redirect("admin:retention_erase_request", req.pk)
        form = form_class(request.POST if request.method == "POST" else None, req=req, admin_site=self.admin_site)
        if form.is_bound and form.is_valid():
            try:
                notes = form.act(actor=request.user)
            except RequestError as e:
                form.add_error(None, str(e))
            else:
                for level, text in notes:
                    self.message_user(request, text, level)
                return redirect(self._change_url(req))
        return self._render_queue_form(
            request,
            form,
            req=req,
            title=form.title,
            submit_label=form.submit_label,
            warnings=form.warnings(timezone.now()),
        )

    def _render_queue_form(self, request, form, *, req, title, submit_label, warnings=()):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "subtitle": str(req) if req else None,
            "form": form,
            "req": req,
            "submit_label": submit_label,
            "warnings": warnings,
            "media": self.media + form.media,
            "cancel_url": self._change_url(req)
            if req
            else reverse(f"{self.admin_site.name}:privacy_datasubjectrequest_changelist"),
        }
        if req is not None:
            context.update({"summary": self._summary(req), "restriction_banner": restriction_banner(req.customer)})
        return TemplateResponse(request, "admin/privacy/datasubjectrequest/action_form.html", context)

    def _summary(self, req):
        return [
            (_("Reference"), req.reference),
            (_("Kind"), req.get_kind_display()),
            (_("Requester"), self.requester(req)),
            (_("Status"), req.get_status_display()),
            (_("Received at"), formats.date_format(timezone.localtime(req.received_at), "DATETIME_FORMAT")),
            (_("Due"), in_full(req.deadline) + (" " + str(_("(extended)")) if req.extended_until else "")),
            (_("Days left"), countdown(req)),
        ] + ([(_("Flags"), self.flags(req))] if req.possibly_repetitive else [])


# The queue's ledgers: read-only evidence, for the people who work the queue.


class QueueLedgerAdmin(QueueOnly, ReadOnlyAdmin):
    pass


@admin.register(RequestEvent)
class RequestEventAdmin(QueueLedgerAdmin):
    list_display = ("created_at", "request", "actor_role", "actor", "from_status", "to_status", "visible_to_subject")
    list_filter = ("actor_role", "to_status", "visible_to_subject")
    search_fields = ("request__reference", "request__requester_email")
    list_select_related = ("request", "actor")
    date_hierarchy = "created_at"


@admin.register(Restriction)
class RestrictionAdmin(QueueLedgerAdmin):
    list_display = ("customer", "ground", "starts_at", "ends_at", "lifted_at", "request")
    list_filter = ("ground",)
    search_fields = ("customer__email", "request__reference")
    list_select_related = ("customer", "request")


@admin.register(PendingPublicRequest)
class PendingPublicRequestAdmin(QueueLedgerAdmin):
    list_display = ("submitted_at", "email", "kind")
    list_filter = ("kind",)
    search_fields = ("email",)


@admin.register(PostMortemDirective)
class PostMortemDirectiveAdmin(QueueLedgerAdmin):
    list_display = ("customer", "instruction", "created_at", "revoked_at")
    list_filter = ("instruction",)
    search_fields = ("customer__email",)
    list_select_related = ("customer",)


@admin.register(SuppressionEntry)
class SuppressionEntryAdmin(QueueLedgerAdmin):
    list_display = ("kind", "source", "created_at")
    list_filter = ("kind", "source")
    search_fields = ("source",)
