"""Forms of the client area. Each one validates fully before anything is written."""

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.validators import validate_no_card_number
from config.mail import mail_send
from privacy.models import PROFILE_PURPOSES, Purpose


class SignupForm(forms.Form):
    """Only names, email and password are required (R01); marketing is asked per channel, unticked (R37)."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(label=_("Email address"))
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)
    accept_terms = forms.BooleanField(
        label=_("I accept the terms of service and have read the privacy policy"),
        required=True,
    )
    marketing_email = forms.BooleanField(label=Purpose.MARKETING_EMAIL.label, required=False, initial=False)
    marketing_sms = forms.BooleanField(label=Purpose.MARKETING_SMS.label, required=False, initial=False)
    marketing_social = forms.BooleanField(label=Purpose.MARKETING_SOCIAL.label, required=False, initial=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError(_("An account already uses this email address. Log in or reset your password."))
        return email

    def clean_first_name(self):
        validate_no_card_number(self.cleaned_data["first_name"])
        return self.cleaned_data["first_name"]

    def clean(self):
        cleaned = super().clean()
        password = cleaned.get("password")
        if password:
            probe = User(
                email=cleaned.get("email", ""),
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
            try:
                password_validation.validate_password(password, probe)
            except ValidationError as e:
                self.add_error("password", e)
        return cleaned


class LoginForm(AuthenticationForm):
    username = forms.EmailField(label=_("Email address"), widget=forms.EmailInput(attrs={"autofocus": True}))

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The email address or the password is wrong."),
        "unverified": _("Confirm your email address first: we sent you a link when you signed up."),
        "inactive": _("This account is closed or archived. Contact us to reopen it."),
    }

    def clean(self):
        try:
            return super().clean()
        except ValidationError as error:
            # An inactive account fails like a wrong password (and is logged so by the backend);
            # only someone who knows the password learns why.
            email, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
            user = get_user_model().objects.filter(email__iexact=email or "").first()
            if error.code == "invalid_login" and user and not user.is_active and user.check_password(password):
                code = "unverified" if user.email_verified_at is None else "inactive"
                raise ValidationError(self.error_messages[code], code=code) from None
            raise


class ProfileForm(forms.ModelForm):
    """Every self-editable field (R03); the email changes only through its confirmation link."""

    new_email = forms.EmailField(
        label=_("Email address"),
        help_text=_("A new address takes effect once you click the link we send to it."),
    )

    class Meta:
        model = User
        fields = User.SELF_EDITABLE_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_email"].initial = self.instance.email
        self.order_fields(["first_name", "last_name", "new_email"])
        self.fields["vat_number"].help_text = _("Checked only for professional customers.")

    def clean_new_email(self):
        email = self.cleaned_data["new_email"].strip().lower()
        if email != self.instance.email and get_user_model().objects.filter(email__iexact=email).exists():
            raise ValidationError(_("Another account already uses this email address."))
        return email

    def changes(self):
        """Field -> new value after the model's own cleaning (email excluded); the form works on a copy."""
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


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's reset flow, with its mail sent through the product's one mail helper."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        **kwargs,
    ):
        user = context["user"]
        context = {**context, "link": f"{context['protocol']}://{context['domain']}"}
        context["link"] += reverse("accounts:password_reset_confirm", args=[context["uid"], context["token"]])
        mail_send(
            to=to_email,
            template="password_reset",
            context=context,
            language=user.preferred_language,
        )
