"""allauth's rows in the personal-data registry: addresses, second factors and sessions are the person's data,
shown on "My Personal Data", exported, and deleted by erasure (never the secret inside an authenticator)."""

from allauth.account.models import EmailAddress, EmailConfirmation
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession

from privacy import categories
from privacy.registry import Delete, registry

registry.register(
    EmailAddress,
    category=categories.IDENTITY,
    owner="user",
    fields=("email", "verified", "primary"),
    erasure=Delete(),
    retention="customer_lifetime",
)
registry.register(
    EmailConfirmation,
    category=categories.IDENTITY,
    owner="email_address__user",
    fields=("created", "sent"),
    erasure=Delete(),
    retention="customer_lifetime",
    personal_fields=("key",),
)
registry.register(
    Authenticator,
    category=categories.CONNECTION_LOG,
    owner="user",
    fields=("type", "created_at", "last_used_at"),
    erasure=Delete(),
    retention="customer_lifetime",
    personal_fields=("data",),
)
registry.register(
    UserSession,
    category=categories.CONNECTION_LOG,
    owner="user",
    fields=("created_at", "last_seen_at", "ip", "user_agent"),
    erasure=Delete(),
    retention="customer_lifetime",
)
