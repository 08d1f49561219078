"""Forms of the client area. Each one validates fully before anything is written."""

from allauth.account import forms as allauth_forms
from django import forms
from django.conf import settings
from django.contrib import messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.forms_age import AgeOfConsentForm
from accounts.models import ChangeLog, User
from accounts.ownership import client_ip, user_agent
from accounts.services import customer_update
from accounts.validators import validate_no_card_number
from privacy.models import PROFILE_PURPOSES, ConsentRecord, Purpose
from privacy.services import consent_record


class LoginForm(allauth_forms.LoginForm):
    """allauth's login with the client area's labels (the fields stay `login` and `password`)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.label_suffix = ""
        self.fields["login"].label = _("Email address")
        self.fields["password"].label = _("Password")
        self.fields["password"].help_text = ""
        for field in self.fields.values():
            field.widget.attrs.pop("placeholder", None)


class SignupForm(AgeOfConsentForm, allauth_forms.SignupForm):
    """allauth's sign-up with only names, email and password required (R01); marketing per channel, unticked (R37).

    An address held by an unverified account that never logged in is not refused: the owner's sign-up resets that
    pre-registration (new password, names, choices), so whoever typed the address first gets nothing (finding 2).
    """

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    accept_terms = forms.BooleanField(
        label=_("I accept the terms of service and have read the privacy policy"),
        required=True,
    )
    marketing_email = forms.BooleanField(label=Purpose.MARKETING_EMAIL.label, required=False, initial=False)
    marketing_sms = forms.BooleanField(label=Purpose.MARKETING_SMS.label, required=False, initial=False)
    marketing_social = forms.BooleanField(label=Purpose.MARKETING_SOCIAL.label, required=False, initial=False)

    field_order = ["first_name", "last_name", "email", "password1", "country", "age", "accept_terms"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.label_suffix = ""
        self.stale_user = None
        self.fields["email"].label = _("Email address")
        for name in ("email", "password1"):
            self.fields[name].widget.attrs.pop("placeholder", None)

    def validate_unique_email(self, value):
        email = super().validate_unique_email(value)
        if self.account_already_exists:
            stale = pre_registration(email)
            if stale is not None:
                self.stale_user, self.account_already_exists = stale, False
        return email

    def clean_first_name(self):
        validate_no_card_number(self.cleaned_data["first_name"])
        return self.cleaned_data["first_name"]

    def save(self, request):
        if self.stale_user is not None:
            stale_user_reset(user=self.stale_user)
            request._stale_signup_user = self.stale_user
        return super().save(request)

    def signup(self, request, user):
        """Called by allauth once the customer row exists: the country, the age answer, and the marketing choices in
        the consent ledger. Below the age of digital consent the account is flagged as a minor (R77)."""
        user.country = self.cleaned_data["country"]
        user.save(update_fields=["country"])
        if self.under_age:
            customer_update(
                customer=user,
                changes={"flagged_minor_at": timezone.now()},
                actor=user,
                channel=ChangeLog.Channel.CLIENT_AREA,
            )
            messages.warning(
                request,
                _(
                    "You are younger than the age of digital consent of your country: please ask a parent or "
                    "guardian to write to %(dpo)s to give their consent. Until then we send you no news and set no "
                    "optional cookies, and without it your account is deleted after %(days)s days."
                )
                % {"dpo": settings.DPO_EMAIL, "days": settings.RETENTION_MINOR_DAYS},
            )
        consent_record(
            customer=user,
            choices=marketing_choices(self.cleaned_data),
            source=ConsentRecord.Source.SIGNUP,
            ip=client_ip(request),
            user_agent=user_agent(request),
            only_changes=False,
        )


def pre_registration(email):
    """The account holding `email` when nobody ever proved owning it: unverified, never logged in, not staff."""
    from allauth.account.models import EmailAddress

    user = User.objects.filter(email__iexact=email).first()
    if user is None or user.is_staff or user.last_login or user.email_verified_at:
        return None
    if EmailAddress.objects.filter(user=user, verified=True).exists():
        return None
    return user


def stale_user_reset(*, user) -> int:
    """Forget what the first sign-up set, so that the owner's sign-up starts afresh on the same row."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    n, _ = EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    user.set_unusable_password()
    user.is_active = True
    return n


def marketing_choices(cleaned_data) -> dict:
    return {
        p: bool(cleaned_data.get(p))
        for p in (
            Purpose.MARKETING_EMAIL,
            Purpose.MARKETING_SMS,
            Purpose.MARKETING_SOCIAL,
        )
    }


class ProfileForm(forms.ModelForm):
    """Every self-editable field (R03); the email changes on its own page, after a password and a code."""

    class Meta:
        model = User
        fields = User.SELF_EDITABLE_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vat_number"].help_text = _("Checked only for professional customers.")

    def changes(self):
        """Field -> new value after the model's own cleaning; the form works on a copy."""
        return {name: getattr(self.instance, name) for name in User.SELF_EDITABLE_FIELDS}


class ConsentForm(forms.Form):
    """The profile toggles: each change appends a row to the consent ledger."""

    def __init__(self, *args, current: dict, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        for purpose in PROFILE_PURPOSES:
            self.fields[purpose.value] = forms.BooleanField(
                label=purpose.label,
                required=False,
                initial=current.get(purpose.value, False),
            )
