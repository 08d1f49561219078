"""Speak the customer's stored language; otherwise the browser's (LocaleMiddleware), else English (R80)."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _


class PreferredLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.preferred_language:
            translation.activate(user.preferred_language)
            request.LANGUAGE_CODE = user.preferred_language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


class StaffSecondFactorMiddleware:
    """The back-office needs a second factor proven in this session (R69); staff without one enrol first.

    Only the demo DPO of DESIGN.md is exempt, and only while DEBUG is on (accounts.adapter.mfa_exempt).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self._gate(request)
        return response if response is not None else self.get_response(request)

    def _gate(self, request):
        from allauth.mfa.utils import is_mfa_enabled

        from accounts.adapter import mfa_exempt
        from accounts.security import second_factor_in_session

        user = getattr(request, "user", None)
        admin_root = reverse("admin:index")
        if user is None or not user.is_authenticated or not user.is_staff or not request.path.startswith(admin_root):
            return None
        if request.path == reverse("admin:logout") or mfa_exempt(user) or second_factor_in_session(request):
            return None
        if not is_mfa_enabled(user):
            messages.info(request, _("The back-office needs a second factor: set up your authenticator app first."))
            target = reverse("mfa_activate_totp")
        else:
            target = reverse("mfa_reauthenticate")
        return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
