"""Every login attempt leaves a connection-log row (R07)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.utils import timezone

from accounts.models import ConnectionLog
from accounts.ownership import client_ip, user_agent


@receiver(user_logged_in)
def log_successful_login(sender, request, user, **kwargs):
    now = timezone.now()
    ConnectionLog.objects.create(
        customer=user,
        created_at=now,
        ip=client_ip(request),
        user_agent=user_agent(request),
        success=True,
    )
    get_user_model().objects.filter(pk=user.pk).update(last_activity_at=now)


@receiver(user_login_failed)
def log_failed_login(sender, credentials, request=None, **kwargs):
    email = (credentials or {}).get("username") or (credentials or {}).get("email") or ""
    customer = get_user_model().objects.filter(email__iexact=email.strip()).first() if email else None
    ConnectionLog.objects.create(
        customer=customer,
        ip=client_ip(request),
        user_agent=user_agent(request),
        success=False,
    )
