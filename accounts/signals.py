"""Every login attempt leaves a connection-log row (R07); allauth's email addresses follow the customer row."""

from allauth.account.signals import email_changed, email_confirmed
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from accounts.models import ChangeLog, ConnectionLog
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


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def verified_address_for_allauth(sender, instance, created, raw=False, update_fields=None, **kwargs):
    """A user saved with a verified email (staff created in the admin, demo data, factories) can log in through
    allauth: its address is recorded as verified. Unverified sign-ups are left to allauth's own flow."""
    from allauth.account.models import EmailAddress

    if raw or not instance.email or instance.email_verified_at is None:
        return
    if update_fields is not None and not {"email", "email_verified_at"} & set(update_fields):
        return
    address = EmailAddress.objects.filter(user=instance, email__iexact=instance.email).first()
    if address is None:
        EmailAddress.objects.filter(user=instance, primary=True).update(primary=False)
        EmailAddress.objects.create(user=instance, email=instance.email.lower(), verified=True, primary=True)
    elif not address.verified or not address.primary:
        EmailAddress.objects.filter(user=instance, primary=True).exclude(pk=address.pk).update(primary=False)
        address.verified = address.primary = True
        address.save(update_fields=["verified", "primary"])


@receiver(email_confirmed)
def remember_verification(sender, request, email_address, **kwargs):
    get_user_model().objects.filter(pk=email_address.user_id, email_verified_at__isnull=True).update(
        email_verified_at=timezone.now()
    )


@receiver(email_changed)
def log_email_change(sender, request, user, from_email_address, to_email_address, **kwargs):
    """An email change is a correction like any other: one change-log row (R04)."""
    ChangeLog.objects.create(
        customer=user,
        field="email",
        old_value=from_email_address.email if from_email_address else "",
        new_value=to_email_address.email,
        actor=user,
        actor_role="customer",
        channel=ChangeLog.Channel.CLIENT_AREA,
        created_at=timezone.now(),
    )
