"""allauth's rows in the personal-data registry: addresses, second factors and sessions are the person's data,
shown on "My Personal Data", exported, and deleted by erasure (never the secret inside an authenticator)."""

from allauth.account.models import EmailAddress, EmailConfirmation
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.utils.translation import gettext_lazy as _

from privacy.registry import Category, Delete, registry

ACCOUNT_SECURITY = Category(
    "account_security",
    _("Account security"),
    _("Protecting your account: the addresses you log in with, your second factors and where you are logged in"),
    _("Security of processing (Art. 32) and legitimate interest in security (Art. 6(1)(f))"),
    (),
    order=105,
)

registry.register(
    EmailAddress,
    category=ACCOUNT_SECURITY,
    owner="user",
    fields=("email", "verified", "primary"),
    erasure=Delete(),
    retention="customer_lifetime",
)
registry.register(
    EmailConfirmation,
    category=ACCOUNT_SECURITY,
    owner="email_address__user",
    fields=("created", "sent"),
    erasure=Delete(),
    retention="customer_lifetime",
    personal_fields=("key",),
)
registry.register(
    Authenticator,
    category=ACCOUNT_SECURITY,
    owner="user",
    fields=("type", "created_at", "last_used_at"),
    erasure=Delete(),
    retention="customer_lifetime",
    personal_fields=("data",),
)
registry.register(
    UserSession,
    category=ACCOUNT_SECURITY,
    owner="user",
    fields=("created_at", "last_seen_at", "ip", "user_agent"),
    erasure=Delete(),
    retention="customer_lifetime",
)
