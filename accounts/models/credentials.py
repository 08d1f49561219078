"""Access credentials a customer gives for the website a service works on (R72), encrypted at field level.

The secret is a Fernet token (AES-128-CBC with HMAC-SHA256, from `cryptography`) under the keys in
CREDENTIALS_KEYS, newest first: MultiFernet decrypts with any of them and `rotate_credentials` re-encrypts
every row under the newest. The plain value exists only in memory, for the one staff reveal that asked for it.
"""

from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models.commerce import Service
from privacy import categories
from privacy.registry import Delete, registry


@cache
def _cipher(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.strip().encode()) for key in keys if key.strip()])


def cipher() -> MultiFernet:
    return _cipher(tuple(settings.CREDENTIALS_KEYS))


# Second-factor secrets (allauth's TOTP key, the recovery codes' seed) under the same keys, marked so that a value
# stored before they were encrypted is recognised (accounts/adapter.py, MFAAdapter; migration 0011).
SECOND_FACTOR_MARK = "fernet:"


def second_factor_encrypt(text: str) -> str:
    return SECOND_FACTOR_MARK + cipher().encrypt(text.encode()).decode()


def second_factor_decrypt(stored: str) -> str:
    """The secret; InvalidToken when no key of CREDENTIALS_KEYS reads it, ValueError if it was never encrypted."""
    if not stored.startswith(SECOND_FACTOR_MARK):
        raise ValueError("a second-factor secret stored unencrypted: run manage.py migrate")
    return cipher().decrypt(stored.removeprefix(SECOND_FACTOR_MARK).encode()).decode()


def second_factor_rotate(stored: str) -> str:
    return SECOND_FACTOR_MARK + cipher().rotate(stored.removeprefix(SECOND_FACTOR_MARK).encode()).decode()


# The values allauth keeps in Authenticator.data that are secrets, per type of authenticator: each a string or a
# list of strings (allauth.mfa.totp and .recovery_codes pass exactly these through the adapter's encrypt()).
SECOND_FACTOR_SECRETS = {"totp": ("secret",), "recovery_codes": ("seed", "migrated_codes")}


def second_factor_data(kind: str, data: dict, change) -> dict:
    """`data` of an authenticator of type `kind` with `change` applied to each of its secrets."""
    data = dict(data)
    for key in SECOND_FACTOR_SECRETS.get(kind, ()):
        value = data.get(key)
        if isinstance(value, str):
            data[key] = change(value)
        elif isinstance(value, list):
            data[key] = [change(v) for v in value]
    return data


class CredentialUnreadable(Exception):
    """The stored secret was encrypted with a key no longer in CREDENTIALS_KEYS, or was altered."""


class SiteCredential(models.Model):
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="credentials", verbose_name=_("service")
    )
    label = models.CharField(_("label"), max_length=100, help_text=_('What it opens, e.g. "WordPress admin".'))
    login_url = models.URLField(_("login address"), max_length=500, blank=True)
    username = models.CharField(_("username"), max_length=200, blank=True)
    secret_token = models.TextField(editable=False, verbose_name=_("secret token"))
    created_at = models.DateTimeField(_("added at"), default=timezone.now)
    rotated_at = models.DateTimeField(_("last re-encrypted at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("site credential")
        verbose_name_plural = _("site credentials")
        ordering = ["service", "label", "pk"]
        permissions = [("reveal_sitecredential", _("Can reveal a stored site credential"))]

    def __str__(self):
        return f"{self.service} - {self.label}"

    def __repr__(self):
        return f"<SiteCredential {self.pk} {self.label!r}>"

    def set_secret(self, plain: str):
        self.secret_token = cipher().encrypt(plain.encode()).decode()

    def reveal(self) -> str:
        """The plain secret. Callers audit the reveal (credential_reveal); nothing here logs it."""
        try:
            return cipher().decrypt(self.secret_token.encode()).decode()
        except InvalidToken:
            raise CredentialUnreadable(f"site credential {self.pk} cannot be decrypted with CREDENTIALS_KEYS") from None


registry.register(
    SiteCredential,
    category=categories.SERVICES,
    owner="service__customer",
    # By label only (R67): never the secret, not even encrypted, in a page or an export.
    fields=("service__name", "label", "login_url", "created_at"),
    erasure=Delete(),
    retention="customer_lifetime",
    personal_fields=("username", "secret_token"),
)
