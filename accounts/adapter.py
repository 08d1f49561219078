"""How django-allauth fits the product: mails through config.mail, the 429 page, staff second factor at first login.

The sign-up form (accounts.forms.SignupForm) flags an unverified pre-registration of the same address; `new_user`
then hands that row back to be reset by the real owner's sign-up instead of refusing it (finding 2).
"""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.authentication import get_authentication_records
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.core.internal.ratelimit import respond_429
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.models.credentials import second_factor_decrypt, second_factor_encrypt
from config.mail import mail_send


def recipient_language(email, context):
    """The stored language of the account the mail is about, else the page's language."""
    user = context.get("user")
    if not isinstance(user, User):
        user = User.objects.filter(email__iexact=email).only("preferred_language").first()
    language = getattr(user, "preferred_language", "") or get_language() or settings.LANGUAGE_CODE
    return language[:2]


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "email_password_mismatch": _("The email address or the password is wrong."),
    }

    def send_mail(self, template_prefix, email, context):
        """allauth's texts in the recipient's language, sent as text + HTML by the product's one mail helper."""
        request = self.request
        context = {"email": email, "request": request, "current_site": get_current_site(request), **context}
        language = recipient_language(email, context)
        with translation.override(language):
            subject = render_to_string(f"{template_prefix}_subject.txt", context, request).strip()
            text = render_to_string(f"{template_prefix}_message.txt", context, request).strip()
        # Passed on as a plain (not "safe") string, so that the HTML part escapes it (emails/allauth/body.html).
        mail_send(
            to=email,
            template="allauth",
            context={"subject_text": " ".join(subject.split()), "text_body": str.__str__(text)},
            language=language,
        )

    def new_user(self, request):
        form_stale = getattr(request, "_stale_signup_user", None)
        if form_stale is not None:
            return form_stale
        return super().new_user(request)

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        user.preferred_language = (get_language() or settings.LANGUAGE_CODE)[:2]
        if commit:
            user.save()
        return user

    def pre_authenticate(self, request, **credentials):
        # Over the failed-login limit the answer is a 429 page, not a form error (finding 3).
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError as error:
            if error.code == "too_many_login_attempts":
                raise ImmediateHttpResponse(respond_429(request)) from error
            raise

    def login(self, request, user):
        # A login just completed counts as a recent authentication of this session (R69: 15 minutes), as it does
        # for accounts.security; otherwise allauth would ask the password again to enrol the second factor.
        super().login(request, user)
        records = get_authentication_records(request, user)
        if records:
            records[-1]["reauthenticated"] = True
            request.session.modified = True

    def get_login_redirect_url(self, request):
        if staff_must_enrol(request.user):
            return reverse("mfa_activate_totp")
        return super().get_login_redirect_url(request)


def mfa_exempt(user) -> bool:
    """The demo DPO of DESIGN.md needs no second factor, and only while DEBUG is on."""
    return bool(settings.DEBUG) and user.email.lower() in {e.lower() for e in settings.MFA_DEVELOPMENT_EXEMPT}


def staff_must_enrol(user) -> bool:
    from allauth.mfa.utils import is_mfa_enabled

    return user.is_authenticated and user.is_staff and not mfa_exempt(user) and not is_mfa_enabled(user)


class MFAAdapter(DefaultMFAAdapter):
    # The TOTP key and the recovery codes' seed are stored encrypted under CREDENTIALS_KEYS (Fernet, newest key
    # first), like customers' site credentials: a copy of the database alone no longer gives anyone's second
    # factor. `rotate_credentials` re-encrypts them with the site credentials; migration 0011 encrypted those
    # stored before.
    def encrypt(self, text):
        return second_factor_encrypt(text)

    def decrypt(self, encrypted_text):
        return second_factor_decrypt(encrypted_text)

    def can_delete_authenticator(self, authenticator):
        # Staff keep at least one second factor; they may replace it, never drop to none.
        user = authenticator.user
        if user.is_staff and not mfa_exempt(user):
            from allauth.mfa.models import Authenticator

            others = Authenticator.objects.filter(user=user).exclude(pk=authenticator.pk)
            return others.exclude(type=Authenticator.Type.RECOVERY_CODES).exists()
        return True
