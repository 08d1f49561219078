"""Export jobs: one subject's data as a ZIP (R64-R67), who downloaded it, and where it was sent (R27).

The ZIP lives under settings.EXPORT_ROOT, outside any web root; the job row outlives the file.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from privacy import categories
from privacy.registry import Delete, registry

USER = settings.AUTH_USER_MODEL


class Status(models.TextChoices):
    PENDING = "pending", _("Waiting to start")
    RUNNING = "running", _("Being built")
    READY = "ready", _("Ready to download")
    FAILED = "failed", _("Failed")
    EXPIRED = "expired", _("Expired")


ACTIVE_STATUSES = (Status.PENDING, Status.RUNNING)


class ExportJobQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status__in=ACTIVE_STATUSES)

    def for_subject(self, *, customer=None, email=""):
        if customer is not None:
            return self.filter(customer=customer)
        return self.filter(customer__isnull=True, subject_email__iexact=email)


class ExportJob(models.Model):
    """One build of one subject's export: a customer, or a person known only by email (a prospect)."""

    Status = Status

    customer = models.ForeignKey(
        USER, on_delete=models.CASCADE, null=True, blank=True, related_name="exports", verbose_name=_("customer")
    )
    subject_email = models.EmailField(_("subject's email (no account)"), blank=True)
    request = models.ForeignKey(
        "privacy.DataSubjectRequest",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="exports",
        verbose_name=_("request"),
    )
    requested_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("requested by")
    )
    language = models.CharField(_("language"), max_length=2, default="en")
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    file_name = models.CharField(_("file"), max_length=200, blank=True)
    file_size = models.BigIntegerField(_("size (bytes)"), null=True, blank=True)
    row_count = models.PositiveIntegerField(_("rows exported"), null=True, blank=True)
    # For staff only; the customer sees a plain message.
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # False while the DPO prepares the answer to an open request: completing the request delivers it (R20).
    deliver_to_subject = models.BooleanField(_("shown and announced to the person"), default=True)
    announced_at = models.DateTimeField(_("announced at"), null=True, blank=True)
    created_at = models.DateTimeField(_("asked for at"), default=timezone.now)
    dispatched_at = models.DateTimeField(_("last queued at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    # Written with every progress update: a running build silent for EXPORT_HEARTBEAT_STALE_SECONDS lost its worker.
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    ready_at = models.DateTimeField(_("ready at"), null=True, blank=True)
    failed_at = models.DateTimeField(_("failed at"), null=True, blank=True)
    expired_at = models.DateTimeField(_("expired at"), null=True, blank=True)

    objects = ExportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at", "-pk"]
        permissions = [("download_any_export", _("Can download any subject's export"))]
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["customer", "-created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(customer__isnull=False, subject_email="")
                | models.Q(customer__isnull=True) & ~models.Q(subject_email=""),
                name="exports_job_one_subject",
            ),
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="exports_job_progress_percent"),
        ]

    def __str__(self):
        return f"{self.subject_address} ({self.created_at:%Y-%m-%d})"

    @property
    def subject_address(self):
        return self.customer.email if self.customer_id else self.subject_email

    @property
    def is_active(self):
        return self.status in ACTIVE_STATUSES

    @property
    def expires_at(self):
        if self.ready_at is None:
            return None
        return self.ready_at + timedelta(days=settings.EXPORT_RETENTION_DAYS)

    def is_stuck(self, now=None):
        """Running without a heartbeat for the stale window, or pending long after it was queued: its worker or
        its message was lost. The beat job queues it again; asking again or "retry" does so at once."""
        now = now or timezone.now()
        if self.status == Status.RUNNING:
            beat = self.heartbeat_at or self.started_at
            return beat is not None and beat < now - timedelta(seconds=settings.EXPORT_HEARTBEAT_STALE_SECONDS)
        if self.status == Status.PENDING:
            queued = self.dispatched_at or self.created_at
            return queued < now - timedelta(minutes=settings.EXPORT_STALE_PENDING_MINUTES)
        return False

    def is_expired(self, now=None):
        """Expired by status, or past its date even if the hourly job has not run yet."""
        if self.status == Status.EXPIRED:
            return True
        return self.status == Status.READY and (now or timezone.now()) >= self.expires_at

    def is_downloadable(self, now=None):
        return self.status == Status.READY and not self.is_expired(now) and bool(self.file_name)

    @property
    def path(self):
        return settings.EXPORT_ROOT / self.file_name if self.file_name else None

    @property
    def download_name(self):
        return f"personal-data-{(self.ready_at or self.created_at):%Y-%m-%d}.zip"

    @classmethod
    def files_being_written(cls):
        """Name prefixes of the ZIPs and scratch folders of builds running now (see privacy.files)."""
        running = cls._base_manager.filter(status=Status.RUNNING).values_list("pk", flat=True)
        return [prefix for pk in running for prefix in (f"{pk}-", f".build-{pk}-")]

    def delete_file(self):
        """Remove the ZIP if it is there; True when a file was removed."""
        if not self.file_name:
            return False
        try:
            self.path.unlink()
        except FileNotFoundError:
            return False
        return True


class DownloadLog(models.Model):
    """Every download of an export: who, in which role, when (R66)."""

    class Role(models.TextChoices):
        SUBJECT = "subject", _("The person concerned")
        STAFF = "staff", _("Our data protection team")
        CONTROLLER = "controller", _("The receiving controller")

    job = models.ForeignKey(ExportJob, on_delete=models.CASCADE, related_name="downloads", verbose_name=_("export"))
    user = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("account")
    )
    transmission = models.ForeignKey(
        "exports.Transmission",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="downloads",
        verbose_name=_("through the emailed link"),
    )
    role = models.CharField(_("downloaded by"), max_length=10, choices=Role.choices)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    downloaded_at = models.DateTimeField(_("downloaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("export download")
        verbose_name_plural = _("export downloads")
        ordering = ["-downloaded_at", "-pk"]

    def __str__(self):
        return f"{self.job_id} {self.role} {self.downloaded_at:%Y-%m-%d %H:%M}"


def token_digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


class Transmission(models.Model):
    """An expiring download link mailed to someone without an account here.

    Either the receiving controller named by the subject, once the subject confirmed again (Art. 20(2), R27),
    or the subject known only by email. The link's token is only in the mail; the row keeps its hash.
    """

    class Recipient(models.TextChoices):
        CONTROLLER = "controller", _("Another controller, at the person's request")
        SUBJECT = "subject", _("The person concerned (no account)")
        TRUSTED_PERSON = "trusted", _("The trusted person named in instructions for after death")

    job = models.ForeignKey(ExportJob, on_delete=models.CASCADE, related_name="transmissions", verbose_name=_("export"))
    recipient_kind = models.CharField(_("sent to"), max_length=10, choices=Recipient.choices)
    recipient_email = models.EmailField(_("recipient's address"))
    requested_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("asked for by")
    )
    created_at = models.DateTimeField(_("asked for at"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed by the person at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("link sent at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("link expires at"), null=True, blank=True)
    token_digest = models.CharField(
        max_length=64, unique=True, null=True, blank=True, editable=False, verbose_name=_("token digest")
    )

    class Meta:
        verbose_name = _("transmission")
        verbose_name_plural = _("transmissions")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.recipient_email} ({self.get_recipient_kind_display()})"

    def issue_token(self):
        """A new link token (returned once, never stored in clear)."""
        token = secrets.token_urlsafe(32)
        self.token_digest = token_digest(token)
        return token

    def is_link_expired(self, now=None):
        return self.expires_at is None or (now or timezone.now()) >= self.expires_at


registry.register(
    ExportJob,
    category=categories.REQUESTS,
    owner="customer",
    email_field="subject_email",
    fields=("created_at", "status", "ready_at", "expired_at", "file_size"),
    erasure=Delete(),
    retention="export_expire",
    files={"file_name": "EXPORT_ROOT"},
    files_exported=False,
)
registry.register(
    DownloadLog,
    category=categories.REQUESTS,
    owner="job__customer",
    email_field="job__subject_email",
    # The role only: a staff member's name or address is someone else's data (R67).
    fields=("job__created_at", "downloaded_at", "role"),
    erasure=Delete(),
    retention="request_file_anonymise",
)
registry.register(
    Transmission,
    category=categories.REQUESTS,
    owner="job__customer",
    email_field="job__subject_email",
    fields=("job__created_at", "recipient_kind", "recipient_email", "confirmed_at", "sent_at", "expires_at"),
    erasure=Delete(),
    retention="request_file_anonymise",
)
