"""Support tickets and their messages."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.validators import validate_no_card_number
from privacy import categories
from privacy.registry import Delete, registry


class SupportTicket(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", pgettext_lazy("ticket status", "Closed")

    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("customer")
    )
    subject = models.CharField(_("subject"), max_length=200)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(_("opened at"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("support ticket")
        verbose_name_plural = _("support tickets")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["customer", "-created_at"]),
            models.Index(fields=["status", "closed_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="open", closed_at__isnull=True)
                | models.Q(status="closed", closed_at__isnull=False),
                name="accounts_ticket_closed_iff_closed_at",
            )
        ]

    def __str__(self):
        return self.subject

    def close(self, *, when=None):
        self.status = self.Status.CLOSED
        self.closed_at = when or timezone.now()


class TicketMessage(models.Model):
    class Role(models.TextChoices):
        CUSTOMER = "customer", _("Customer")
        SUPPORT = "support", _("Support team")

    ticket = models.ForeignKey(
        SupportTicket, on_delete=models.CASCADE, related_name="messages", verbose_name=_("ticket")
    )
    # The staff member who wrote it; shown to the customer and exported only as a role (R67).
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    author_role = models.CharField(pgettext_lazy("message sender", "from"), max_length=10, choices=Role.choices)
    body = models.TextField(_("message"), validators=[validate_no_card_number])
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("ticket message")
        verbose_name_plural = _("ticket messages")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["ticket", "created_at"])]

    def __str__(self):
        return f"{self.ticket_id} {self.created_at:%Y-%m-%d %H:%M}"


registry.register(
    SupportTicket,
    category=categories.SUPPORT,
    owner="customer",
    fields=("subject", "status", "created_at", "closed_at"),
    erasure=Delete(),
    retention="support_ticket_delete",
)
registry.register(
    TicketMessage,
    category=categories.SUPPORT,
    owner="ticket__customer",
    fields=("ticket__subject", "created_at", "author_role", "body"),
    erasure=Delete(),
    retention="support_ticket_delete",
    personal_fields=("body",),
)
