"""Re-authentication per session (R69) and the second factor that staff need for the back-office.

Both read what allauth records in THIS session (each password, code or key proven, with its time), never
`user.last_login`, which any other session refreshes. One helper serves views, admin views and admin actions:

    @reauthentication_required                      # a function view
    @method_decorator(reauthentication_required)    # a ModelAdmin view method (self, request, ...)
    if (response := reauthentication_response(request)) is not None: return response   # inside an admin action
"""

import time
from functools import wraps

from allauth.account.adapter import get_adapter
from allauth.account.authentication import get_authentication_records
from allauth.account.internal.flows.login import record_authentication
from allauth.account.internal.flows.reauthentication import suspend_request
from allauth.mfa.signals import authenticator_added
from django.conf import settings
from django.contrib import messages
from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext as _


def _records(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    return get_authentication_records(request, user)


def recently_authenticated(request) -> bool:
    """Whether this session proved a password, code or key within ACCOUNT_REAUTHENTICATION_TIMEOUT seconds."""
    limit = time.time() - settings.ACCOUNT_REAUTHENTICATION_TIMEOUT
    return any(record.get("at", 0) >= limit for record in _records(request))


def second_factor_in_session(request) -> bool:
    return any(record.get("method") == "mfa" for record in _records(request))


def reauthentication_response(request):
    """None when this session authenticated recently; otherwise the redirect to prove it again.

    A POST is kept by allauth and carried out once the person has re-authenticated, so nothing is typed twice.
    """
    if recently_authenticated(request):
        return None
    messages.warning(request, _("Please confirm it is you: this action needs a login within the last 15 minutes."))
    methods = get_adapter(request).get_reauthentication_methods(request.user)
    target = methods[0]["url"] if methods else reverse("account_login")
    return suspend_request(request, target)


def reauthentication_required(view):
    """Decorator: the view runs only for a session that authenticated within the last 15 minutes."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = reauthentication_response(request)
        return response if response is not None else view(request, *args, **kwargs)

    return wrapper


def account_security(user) -> dict:
    """What the profile page shows about the account's protection."""
    from allauth.mfa.models import Authenticator
    from allauth.usersessions.models import UserSession

    types = set(Authenticator.objects.filter(user=user).values_list("type", flat=True))
    return {
        "totp": Authenticator.Type.TOTP in types,
        "webauthn": Authenticator.Type.WEBAUTHN in types,
        "recovery_codes": Authenticator.Type.RECOVERY_CODES in types,
        "sessions": UserSession.objects.filter(user=user).count(),
    }


@receiver(authenticator_added)
def _enrolment_proves_the_factor(sender, request, user, authenticator, **kwargs):
    # Typing a valid code to enrol proves the factor: this session counts as having passed it.
    if request is not None and authenticator.type != authenticator.Type.RECOVERY_CODES:
        record_authentication(request, user, method="mfa", type=authenticator.type, id=authenticator.pk)
