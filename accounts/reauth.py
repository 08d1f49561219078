"""Recent re-authentication for sensitive staff actions: the time of the last login, kept in the session.

One function answers "did this person prove who they are within the last 15 minutes?"; it is the one place to
swap for allauth's reauthentication once that lands.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import timezone

SESSION_KEY = "authenticated_at"


@receiver(user_logged_in)
def stamp_authentication(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = timezone.now().isoformat()


def recently_authenticated(request, now=None) -> bool:
    stamp = request.session.get(SESSION_KEY)
    if not stamp:
        return False
    try:
        at = datetime.fromisoformat(stamp)
    except ValueError:
        return False
    age = (now or timezone.now()) - at
    return timedelta(0) <= age <= timedelta(minutes=settings.REAUTH_MAX_AGE_MINUTES)
