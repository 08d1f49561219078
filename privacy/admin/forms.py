"""The queue's action forms: one per step of a request, each calling exactly one service, and the form that
logs a request received by email, post, ticket or phone.
"""

from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.widgets import ForeignKeyRawIdWidget
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.db.models.fields import BLANK_CHOICE_LABEL
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from accounts.validators import validate_no_card_number
from privacy.admin.identity import identity_comparison
from privacy.models import DataSubjectRequest, PreparedAnswer
from privacy.models.requests import Channel, Directive, Kind, ObjectionScope, RejectionCode, RestrictionGround, Status
from privacy.services.answers import prepared_answer_text
from privacy.services.requests import (
    request_assign,
    request_await_identity,
    request_complete,
    request_extend,
    request_link_account,
    request_reject,
    request_start,
    request_verify_identity,
)
from privacy.templatetags.privacy_tags import in_full

BLANK = ("", BLANK_CHOICE_LABEL)
STAFF_CHANNELS = (Channel.EMAIL, Channel.POST, Channel.TICKET, Channel.PHONE)


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

    def comparison(self):
        return identity_comparison(self.req)

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
        open_before_extension = (Status.RECEIVED, Status.AWAITING_IDENTITY, Status.IN_PROGRESS)
        return req.status in open_before_extension and req.extended_until is None and now <= req.due_at

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
        self.fields["response"].initial = prepared_answer_text(req, PreparedAnswer.Outcome.COMPLETED)
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
        # Erasure completes on its own page of this queue (erasure.py): preview, typed email, recent login (R23).
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].initial = prepared_answer_text(self.req, PreparedAnswer.Outcome.REJECTED)

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
class LinkAccountForm(QueueActionForm):
    """R79: a request filed without an account (typically a guardian's) is linked to the account concerned, once
    the relationship or identity has been checked; access and erasure then run on that account."""

    title = _("Link to the account concerned")
    submit_label = _("Link the account")
    account_email = forms.EmailField(label=_("Email address of the account concerned"))
    check = forms.CharField(
        label=_("How the relationship or identity was checked (internal)"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
    )

    @classmethod
    def applies(cls, req, now):
        return req.is_open and req.customer_id is None

    def clean_account_email(self):
        email = self.cleaned_data["account_email"]
        customer = get_user_model().objects.filter(email__iexact=email, is_staff=False).first()
        if customer is None:
            raise forms.ValidationError(_("No customer account has this address."))
        self.customer = customer
        return email

    def act(self, *, actor):
        request_link_account(self.req, actor=actor, customer=self.customer, check=self.cleaned_data["check"])
        return [(messages.SUCCESS, _("The request is linked to the account %(email)s.") % {"email": self.customer})]


QUEUE_ACTIONS = {
    "verify": VerifyIdentityForm,
    "link-account": LinkAccountForm,
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
