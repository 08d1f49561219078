"""The mail outbox: every mail the product sends is first a row here, written in its cause's transaction.

config.mail.mail_send reaches this model through settings.MAIL_OUTBOX_MODEL, so config imports no app.
"""

import uuid

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from privacy import categories
from privacy.registry import Delete, registry


class Status(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Given up")


class Kind(models.TextChoices):
    """What each mail is, as the customer reads it in My Personal Data: one per folder of templates/emails/."""

    ALLAUTH = "allauth", _("Account: sign-in, address or password")
    AUTOMATED_DECISION = "automated_decision", _("Order stopped by an automatic rule")
    BREACH_DEADLINE = "breach_deadline", _("Breach: the notification deadline is near")
    BREACH_NOTICE = "breach_notice", _("Security incident notice")
    BREACH_RECORDED = "breach_recorded", _("Breach recorded")
    DPO_DIGEST = "dpo_digest", _("Digest of requests")
    DSR_ASSIGNED = "dsr_assigned", _("Request assigned")
    DSR_NEW_REQUEST = "dsr_new_request", _("New request")
    EXPORT_HANDOVER = "export_handover", _("Personal data handed over")
    EXPORT_READY = "export_ready", _("Copy of your data ready")
    EXPORT_TRANSMISSION = "export_transmission", _("Personal data sent to another provider")
    EXPORT_TRANSMISSION_CONFIRM = "export_transmission_confirm", _("Confirm sending your data to another provider")
    MARKETING = "marketing", _("Newsletter")
    ORDER_EXISTING_ACCOUNT = "order_existing_account", _("Order started with your address")
    ORDER_PLACED = "order_placed", _("Order confirmation")
    POLICY_CHANGED = "policy_changed", _("Privacy policy changed")
    PUBLIC_REQUEST_CONFIRM = "public_request_confirm", _("Confirm your request")
    REQUEST_AWAITING_IDENTITY = "request_awaiting_identity", _("Request: a detail is needed")
    REQUEST_COMPLETED = "request_completed", _("Request answered")
    REQUEST_EXTENDED = "request_extended", _("Request: more time needed")
    REQUEST_RECEIVED = "request_received", _("Request received")
    REQUEST_REJECTED = "request_rejected", _("Request refused")
    RESTRICTION_LIFTED = "restriction_lifted", _("Restriction ending")


class OutgoingMailManager(models.Manager):
    def queue(self, *, to, subject, text, html, language, template="", headers=None):
        """Store one rendered mail in the caller's transaction; a worker is asked to send it once that commits.

        The row is what counts: if the worker, the broker or this process dies before the mail leaves,
        the beat job `outbox.tasks.send_due_mail` finds it unsent and sends it.
        """
        from django.contrib.auth import get_user_model

        to = to.strip()
        customer_id = get_user_model()._default_manager.filter(email__iexact=to).values_list("pk", flat=True).first()
        mail = self.create(
            customer_id=customer_id,
            recipient=to,
            template=template,
            language=language or "",
            subject=subject,
            text=text,
            html=html,
            headers=dict(headers or {}),
        )
        # robust: a broker that is down must not turn a committed request into an error page.
        transaction.on_commit(lambda: _dispatch(mail.pk), robust=True)
        return mail


SEND_TASK = "outbox.tasks.send_mail"


def _dispatch(mail_id):
    # Queued by name: outbox.tasks imports the services, which import this module.
    from celery import current_app

    current_app.signature(SEND_TASK, args=(mail_id,)).apply_async()


class OutgoingMail(models.Model):
    """One mail to one recipient: pending, being sent (under a lease), sent, or given up after many attempts."""

    Status = Status
    Kind = Kind

    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("customer"),
    )
    recipient = models.EmailField(_("recipient"), max_length=254)
    template = models.CharField(_("kind of mail"), max_length=100, blank=True, choices=Kind.choices)
    language = models.CharField(_("language"), max_length=8, blank=True)
    subject = models.TextField(_("subject"))
    text = models.TextField(_("text part"), blank=True)
    html = models.TextField(_("HTML part"), blank=True)
    # Extra headers of this mail, e.g. List-Unsubscribe on marketing mail (RFC 8058).
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    # The same Message-ID on every attempt, so a receiving system can drop a duplicate (see outbox/services.py).
    message_id = models.CharField(_("Message-ID"), max_length=200, unique=True, editable=False)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("queued at"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    lease_until = models.DateTimeField(_("being sent until"), null=True, blank=True)
    lease_token = models.UUIDField(null=True, blank=True, editable=False, verbose_name=_("lease token"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    objects = OutgoingMailManager()

    class Meta:
        verbose_name = _("outgoing mail")
        verbose_name_plural = _("outgoing mails")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due"),
            models.Index(fields=["status", "lease_until"], name="outbox_lease"),
            models.Index(fields=["status", "sent_at"], name="outbox_sent"),
        ]

    def __str__(self):
        return f"{self.template or self.subject} → {self.recipient}"

    def save(self, *args, **kwargs):
        if not self.message_id:
            domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "localhost"
            self.message_id = f"<{uuid.uuid4().hex}@{domain}>"
        super().save(*args, **kwargs)


registry.register(
    OutgoingMail,
    category=categories.IDENTITY,
    owner="customer",
    email_field="recipient",
    fields=("created_at", "template", "subject", "status", "sent_at"),
    personal_fields=("recipient", "text", "html"),
    erasure=Delete(),
    retention="outbox_sent_delete",
)
