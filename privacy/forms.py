"""Forms of the privacy pages: a request from the client area, a request from the public form, erasure."""

import copy

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.validators import validate_no_card_number
from config.widgets import QuickSelect
from privacy.models.requests import Directive, Kind, ObjectionScope, RestrictionGround

RECTIFIABLE = (*User.SELF_EDITABLE_FIELDS, "email")
DETAILS_MAX = 5000


def _blank(choices):
    return [("", "—"), *choices]


def _rectifiable_choices():
    return [(name, capfirst(User._meta.get_field(name).verbose_name)) for name in RECTIFIABLE]


class RequestForm(forms.Form):
    """A request of any of the ten kinds (R09); the fields a kind needs are required only for that kind."""

    kind = forms.ChoiceField(label=_("What do you ask for?"), choices=Kind.choices, initial=Kind.ACCESS)
    details = forms.CharField(
        label=_("Details"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=DETAILS_MAX,
        validators=[validate_no_card_number],
        help_text=_("Anything that helps us answer. Never write a payment card number."),
    )
    rectify_field = forms.ChoiceField(
        label=_("Which detail is wrong?"), choices=_blank(_rectifiable_choices()), required=False
    )
    rectify_value = forms.CharField(
        label=_("The correct value"),
        max_length=300,
        required=False,
        validators=[validate_no_card_number],
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    restriction_ground = forms.ChoiceField(
        label=_("Why should we restrict the processing?"), choices=_blank(RestrictionGround.choices), required=False
    )
    objection_scope = forms.ChoiceField(
        label=_("What do you object to?"), choices=_blank(ObjectionScope.choices), required=False
    )
    directive = forms.ChoiceField(
        label=_("What should we do with your data after your death?"),
        choices=_blank(Directive.choices),
        required=False,
    )
    trusted_person = forms.CharField(
        label=_("Trusted person (name and email or postal address)"),
        max_length=300,
        required=False,
        validators=[validate_no_card_number],
        help_text=_("Needed when your data is to be handed over to them."),
    )
    order = forms.ModelChoiceField(
        label=_("Which order was decided automatically?"),
        queryset=None,
        required=False,
        empty_label="—",
        help_text=_("Only orders decided by an automatic rule are listed; an empty list means there is none."),
    )

    # Which fields each kind needs, shown in groups on the page.
    KIND_FIELDS = {
        Kind.RECTIFICATION: ("rectify_field", "rectify_value"),
        Kind.RESTRICTION: ("restriction_ground",),
        Kind.OBJECTION: ("objection_scope",),
        Kind.POST_MORTEM: ("directive", "trusted_person"),
        Kind.AUTOMATED_DECISION_REVIEW: ("order",),
    }

    def __init__(self, *args, customer, orders, **kwargs):
        """`orders`: the customer's automatically decided orders, already scoped to them by the view."""
        super().__init__(*args, **kwargs)
        self.customer = customer
        self.fields["order"].queryset = orders

    def kind_groups_by_value(self):
        """(kind value, kind label, [bound fields]): the value lets the stylesheet show only the chosen kind's group."""
        return [(kind.value, kind.label, [self[name] for name in names]) for kind, names in self.KIND_FIELDS.items()]

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind == Kind.RECTIFICATION:
            self._clean_rectification(cleaned)
        elif kind == Kind.RESTRICTION:
            self._require(cleaned, "restriction_ground", _("Choose the ground of your request."))
        elif kind == Kind.OBJECTION:
            self._require(cleaned, "objection_scope", _("Choose what you object to."))
        elif kind == Kind.POST_MORTEM:
            self._require(cleaned, "directive", _("Choose what we should do with your data."))
            if cleaned.get("directive") == Directive.HAND_OVER:
                self._require(cleaned, "trusted_person", _("Name the person who should receive your data."))
        elif kind == Kind.AUTOMATED_DECISION_REVIEW:
            if not self.fields["order"].queryset.exists():
                self.add_error(
                    "kind",
                    _("None of your orders was decided automatically, so there is no decision to review."),
                )
            else:
                self._require(cleaned, "order", _("Choose the order whose decision you want reviewed."))
        elif kind == Kind.OTHER:
            self._require(cleaned, "details", _("Tell us what your question is."))
        return cleaned

    def _require(self, cleaned, name, message):
        if not cleaned.get(name) and name not in self.errors:
            self.add_error(name, message)

    def _clean_rectification(self, cleaned):
        self._require(cleaned, "rectify_field", _("Choose the detail to correct."))
        self._require(cleaned, "rectify_value", _("Write the correct value."))
        name, raw = cleaned.get("rectify_field"), (cleaned.get("rectify_value") or "").strip()
        if not name or not raw or self.errors:
            return
        try:
            cleaned["rectify_value"] = _corrected_value(self.customer, name, raw)
        except ValidationError as e:
            self.add_error("rectify_value", e)

    def specifics(self):
        """The keyword arguments request_file needs for the chosen kind, and only those."""
        data, kind = self.cleaned_data, self.cleaned_data["kind"]
        if kind == Kind.RECTIFICATION:
            return {"rectification": {data["rectify_field"]: data["rectify_value"]}}
        if kind == Kind.RESTRICTION:
            return {"restriction_ground": data["restriction_ground"]}
        if kind == Kind.OBJECTION:
            return {"objection_scope": data["objection_scope"]}
        if kind == Kind.POST_MORTEM:
            return {"directive": data["directive"], "trusted_person": data["trusted_person"]}
        if kind == Kind.AUTOMATED_DECISION_REVIEW:
            return {"order": data["order"]}
        return {}


def _corrected_value(customer, name, raw):
    """The new value as the profile would store it, checked by the model's own rules (JSON-ready)."""
    if name == "email":
        email = forms.EmailField().clean(raw).lower()
        if User.objects.filter(email__iexact=email).exclude(pk=customer.pk).exists():
            raise ValidationError(_("Another account already uses this email address."))
        return email
    field = User._meta.get_field(name)
    value = raw
    if isinstance(field, models.BooleanField):
        answers = {gettext("yes").lower(): True, "yes": True, "true": True, "1": True}
        answers |= {gettext("no").lower(): False, "no": False, "false": False, "0": False}
        if raw.lower() not in answers:
            raise ValidationError(_("Answer yes or no."))
        value = answers[raw.lower()]
    elif field.flatchoices:
        by_text = {str(code).lower(): code for code, _label in field.flatchoices}
        by_text |= {str(label).lower(): code for code, label in field.flatchoices}
        if raw.lower() not in by_text:
            raise ValidationError(_("“%(value)s” is not one of the values this detail accepts."), params={"value": raw})
        value = by_text[raw.lower()]
    probe = copy.copy(customer)
    setattr(probe, name, value)
    others = [f.name for f in User._meta.fields if f.name != name]
    try:
        probe.clean_fields(exclude=others)
        probe.clean()
    except ValidationError as e:
        errors = e.message_dict.get(name)
        if errors:
            raise ValidationError(errors) from None
    value = getattr(probe, name)
    return getattr(value, "code", value)  # a Country becomes its code


class PublicRequestForm(forms.Form):
    """The form for people without an account (R10, R79)."""

    name = forms.CharField(
        label=_("Your name"),
        max_length=300,
        validators=[validate_no_card_number],
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    # The column's length: a longer address (the validator allows one) would fail at the database.
    email = forms.EmailField(
        label=_("Your email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("We send a confirmation link to this address; only a confirmed request is processed."),
    )
    kind = forms.ChoiceField(label=_("What do you ask for?"), choices=Kind.choices, initial=Kind.ACCESS)
    details = forms.CharField(
        label=_("Details"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=DETAILS_MAX,
        validators=[validate_no_card_number],
        help_text=_(
            "Anything that helps us find your data and answer, e.g. an order reference. "
            "Never write a payment card number."
        ),
    )
    objection_scope = forms.ChoiceField(
        label=_("If you object: to what?"),
        choices=[("", "—"), *ObjectionScope.choices],
        required=False,
        help_text=_("An objection to direct marketing takes effect as soon as you confirm, with no review."),
    )
    is_guardian = forms.BooleanField(label=_("I am the parent or guardian of the person concerned"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == Kind.OTHER and not cleaned.get("details") and "details" not in self.errors:
            self.add_error("details", _("Tell us what your question is."))
        return cleaned


class DeleteAccountForm(forms.Form):
    """'Delete my account' files an erasure request; nothing is deleted here (R06)."""

    confirm = forms.BooleanField(
        label=_("I want my account and my personal data erased"),
        error_messages={"required": _("Tick the box to confirm.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)


class ReviewForm(forms.Form):
    """'Ask for a human review' on an order decided automatically (R28)."""

    details = forms.CharField(
        label=_("What should the person reviewing the decision know? (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=DETAILS_MAX,
        validators=[validate_no_card_number],
    )


class StatementForm(forms.Form):
    """A supplementary statement about a detail the customer cannot edit themselves (Art. 16, R21)."""

    # Some two hundred details in groups: written in one pass, not one template per option.
    about = forms.ChoiceField(label=_("Which detail is it about?"), choices=(), widget=QuickSelect)
    statement = forms.CharField(
        label=_("Your statement"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        validators=[validate_no_card_number],
        help_text=_("It is kept with the detail and shown wherever the detail is, including in the copy of your data."),
    )

    def __init__(self, *args, **kwargs):
        from privacy.services.statements import statement_subjects

        super().__init__(*args, **kwargs)
        self.fields["about"].choices = [("", "—"), *statement_subjects()]
