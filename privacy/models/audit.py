"""The staff audit trail (R71): one append-only, hash-chained row per staff view, change, export or erasure.

Each row's `hash` is an HMAC of its fixed facts and of the hash before it, so a changed, deleted or inserted row
breaks the chain (`manage.py verify_audit_log`). The values that identify a customer are kept out of that form:
the chain covers only their salted digest, so erasure can blank them (and the salt) without breaking it.
"""

import hashlib
import hmac
import json
from datetime import UTC

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from privacy import categories
from privacy.models.base import AppendOnlyModel
from privacy.registry import Anonymise, registry

GENESIS = "0" * 64
# The columns erasure blanks; the chain covers them only through `personal_digest`.
REDACTABLE = ("customer_id", "customer_label", "object_id", "object_repr", "path", "detail")


class AuditEntry(AppendOnlyModel):
    class Action(models.TextChoices):
        VIEW = "view", _("viewed")
        ADD = "add", _("added")
        CHANGE = "change", _("changed")
        DELETE = "delete", _("deleted")
        EXPORT = "export", _("exported")
        ERASE = "erase", _("erased")
        REVEAL = "reveal", _("revealed a credential")
        NOTIFY = "notify", _("notified")

    seq = models.PositiveBigIntegerField(_("sequence"), unique=True, editable=False)
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    # No database constraint: the row must outlive the staff account, and the id is part of the chain.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
        verbose_name=_("staff member"),
    )
    actor_label = models.CharField(_("staff member's login"), max_length=254, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    target = models.CharField(_("record type"), max_length=100, blank=True)
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_entries_about",
        verbose_name=_("customer"),
    )
    customer_label = models.CharField(_("customer's email"), max_length=254, blank=True)
    object_id = models.CharField(_("record id"), max_length=64, blank=True)
    object_repr = models.CharField(_("record"), max_length=200, blank=True)
    path = models.CharField(_("page"), max_length=500, blank=True)
    # Canonical JSON text (a JSONField would make `manage.py check` open the database to probe SQLite's support).
    detail = models.TextField(_("detail"), blank=True)
    salt = models.CharField(max_length=32, blank=True, verbose_name=_("salt"))
    personal_digest = models.CharField(max_length=64, verbose_name=_("personal data digest"))
    redacted = models.BooleanField(_("redacted"), default=False)
    prev_hash = models.CharField(max_length=64, verbose_name=_("previous hash"))
    hash = models.CharField(max_length=64, verbose_name=_("hash"))

    class Meta:
        verbose_name = _("staff audit entry")
        verbose_name_plural = _("staff audit trail")
        ordering = ["-seq"]
        indexes = [models.Index(fields=["customer", "-seq"]), models.Index(fields=["actor", "-seq"])]

    def __str__(self):
        return f"#{self.seq} {self.actor_label} {self.action} {self.target}"

    def personal_values(self) -> list:
        return [self.salt, *(getattr(self, name) for name in REDACTABLE)]

    def compute_personal_digest(self) -> str:
        return _mac(json.dumps(self.personal_values(), sort_keys=True, separators=(",", ":"), default=str))

    def canonical(self) -> str:
        """The facts the chain covers: everything but the redactable values, which enter by their digest."""
        at = self.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        facts = [self.seq, at, self.actor_id, self.actor_label, self.ip, self.action, self.target]
        return json.dumps([*facts, self.personal_digest, self.prev_hash], separators=(",", ":"))

    def compute_hash(self) -> str:
        return _mac(self.canonical())

    def problem(self, *, expected_seq, prev_hash) -> str:
        """Why this row breaks the chain, or "" (read by verify_audit_log)."""
        if self.seq != expected_seq:
            return f"sequence {self.seq} where {expected_seq} was expected (a row was deleted or inserted)"
        if self.prev_hash != prev_hash:
            return "does not point to the row before it (a row was deleted or inserted)"
        if self.redacted:
            if self.salt or any(getattr(self, name) not in (None, "") for name in REDACTABLE):
                return "marked redacted but still holds personal values"
        elif self.compute_personal_digest() != self.personal_digest:
            return "its customer, record, page or detail was changed"
        if not hmac.compare_digest(self.compute_hash(), self.hash):
            return "its content was changed (hash mismatch)"
        return ""


class AuditChainHead(models.Model):
    """The last row of the chain; its row lock serialises writers, and it shows when the last rows were cut off."""

    seq = models.PositiveBigIntegerField(default=0, verbose_name=_("sequence number"))
    hash = models.CharField(max_length=64, default=GENESIS, verbose_name=_("hash"))

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self):
        return f"{self.seq} {self.hash[:12]}"


def _mac(text: str) -> str:
    return hmac.new(settings.AUDIT_CHAIN_KEY.encode(), text.encode(), hashlib.sha256).hexdigest()


registry.register(
    AuditEntry,
    category=categories.STAFF_ACCESS,
    owner="customer",
    # The customer sees what was done and when, never the staff member or their address (R67).
    fields=("at", "action", "target"),
    erasure=Anonymise(
        fields={
            "customer": None,
            "customer_label": "",
            "object_id": "",
            "object_repr": "",
            "path": "",
            "detail": "",
            "salt": "",
            "redacted": True,
        }
    ),
    retention="accountability_keep",
    personal_fields=("customer_label", "object_repr", "path", "detail", "object_id"),
)
registry.exempt(AuditChainHead, "the last sequence number and hash of the audit chain")
