"""Per-request privacy duties: the visitor's cookie choice and the cookies it allows (R31-R33, R83), and a policy
version that needs approval (R43)."""

import re
import secrets

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from privacy.cookies import (
    AFFILIATE_COOKIE,
    AFFILIATE_SESSION_KEY,
    ANALYTICS_COOKIE,
    MAX_AGE,
    affiliate_cookie_days,
    read_choice,
)
from privacy.marketing.audience import consent_processing_blocked
from privacy.models import Purpose
from privacy.services.policy import current_policy_cached, policy_awaiting_acceptance

AFFILIATE_CODE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
ACCEPTED_SESSION_KEY = "privacy_policy_accepted"


class CookieConsentMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.cookie_choice = choice = read_choice(request)
        user = getattr(request, "user", None)
        if choice.any_granted and user is not None and user.is_authenticated and consent_processing_blocked(user):
            # A restriction (R24) or a minor without parental consent (R77) stops every optional cookie.
            choice.granted = {}
        ref = request.GET.get("ref", "")
        if ref and AFFILIATE_CODE.match(ref) and hasattr(request, "session"):
            # R83: the code of this visit lives in the server-side session, which needs no consent.
            request.session[AFFILIATE_SESSION_KEY] = ref
        elif choice.allows(Purpose.AFFILIATION) and hasattr(request, "session"):
            remembered = request.COOKIES.get(AFFILIATE_COOKIE, "")
            if AFFILIATE_CODE.match(remembered) and AFFILIATE_SESSION_KEY not in request.session:
                request.session[AFFILIATE_SESSION_KEY] = remembered
        # What the order form puts on the order (R83); accounts reads it here rather than from privacy's session key.
        request.affiliate_code = getattr(request, "session", {}).get(AFFILIATE_SESSION_KEY, "")
        response = self.get_response(request)
        if getattr(response, "cookie_choice_written", False):
            return response
        secure = settings.SESSION_COOKIE_SECURE
        if choice.allows(Purpose.ANALYTICS):
            if ANALYTICS_COOKIE not in request.COOKIES:
                response.set_cookie(
                    ANALYTICS_COOKIE, secrets.token_urlsafe(12), max_age=MAX_AGE, secure=secure, samesite="Lax"
                )
        elif ANALYTICS_COOKIE in request.COOKIES:
            response.delete_cookie(ANALYTICS_COOKIE, samesite="Lax")
        code = getattr(request, "session", {}).get(AFFILIATE_SESSION_KEY, "")
        if choice.allows(Purpose.AFFILIATION):
            if code and request.COOKIES.get(AFFILIATE_COOKIE) != code:
                response.set_cookie(
                    AFFILIATE_COOKIE,
                    code,
                    max_age=affiliate_cookie_days() * 24 * 3600,
                    secure=secure,
                    httponly=True,
                    samesite="Lax",
                )
        elif AFFILIATE_COOKIE in request.COOKIES:
            response.delete_cookie(AFFILIATE_COOKIE, samesite="Lax")
        return response


class PolicyApprovalMiddleware:
    """A logged-in customer meets the acceptance page until they accept a version that needs approval (R43)."""

    EXEMPT_PREFIXES = ("/privacy/", "/static/", "/i18n/", "/admin/", "/healthz")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            request.method == "GET"
            and user is not None
            and user.is_authenticated
            and not user.is_staff
            and not request.path.startswith(self.EXEMPT_PREFIXES)
            and request.path != reverse("accounts:logout")
        ):
            current = current_policy_cached()
            if current and current.needs_approval and request.session.get(ACCEPTED_SESSION_KEY) != current.number:
                if policy_awaiting_acceptance(user):
                    query = urlencode({"next": request.get_full_path()})
                    return redirect(f"{reverse('privacy:policy_accept')}?{query}")
                request.session[ACCEPTED_SESSION_KEY] = current.number
        return self.get_response(request)
