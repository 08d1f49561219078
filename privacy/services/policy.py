"""The privacy policy: the version in force, publishing with the R44 guards, telling customers of a substantial
change in batches that resume after a crash, and acceptance of a version that needs approval (R41-R44, R82)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from celery import current_app
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone, translation

from config.mail import mail_send
from privacy.models import ConsentRecord, PolicyVersion, Processor, Purpose
from privacy.models.policy import INVALID_TRANSFER, PLACEHOLDERS
from privacy.registry import registry

NOTIFY_BATCH = 500
CURRENT_POLICY_KEY = "privacy:policy:current"


def _notify_task():
    # By name: privacy.tasks imports this module, and the task must go through the broker (or run eagerly in tests).
    return current_app.tasks["privacy.tasks.notify_policy_change"]


class PolicyError(Exception):
    """Publishing refused, with a message for the DPO."""


def policy_current(at=None) -> PolicyVersion | None:
    return PolicyVersion.objects.current(at)


@dataclass(frozen=True)
class CurrentPolicy:
    pk: int
    number: str
    needs_approval: bool
    substantial: bool
    published_at: datetime


def current_policy_cached() -> CurrentPolicy | None:
    """The version in force, cached for a minute and cleared on publishing: one lookup, not one per page."""
    found = cache.get(CURRENT_POLICY_KEY)
    if found is None:
        v = policy_current()
        found = CurrentPolicy(v.pk, v.number, v.needs_approval, v.substantial, v.published_at) if v else ()
        cache.set(CURRENT_POLICY_KEY, found, 60)
    return found or None


def policy_notice(now=None) -> CurrentPolicy | None:
    """A substantial version published within POLICY_NOTICE_DAYS is announced on every page (R43)."""
    current = current_policy_cached()
    recent = current and (now or timezone.now()) - current.published_at <= timedelta(days=settings.POLICY_NOTICE_DAYS)
    return current if recent and current.substantial else None


def policy_version_number(at=None) -> str:
    """The number consent rows cite: the version in force, else the configured one (before anything is published)."""
    current = policy_current(at)
    return current.number if current else settings.PRIVACY_POLICY_VERSION


def policy_problems(version) -> list[str]:
    """Why `version` cannot be published, in words for the DPO; empty when it can (R42, R44, R46)."""
    from django.utils.translation import gettext as _

    found = []
    texts = list(version.texts.all())
    if not any(t.language == settings.LANGUAGE_CODE for t in texts):
        found.append(_("The English text is missing: it is shown wherever a translation is missing."))
    for text in texts:
        match = PLACEHOLDERS.search(text.content)
        if match:
            found.append(
                _("The %(language)s text still holds the placeholder “%(placeholder)s”.")
                % {"language": text.get_language_display(), "placeholder": match.group(0)}
            )
        if INVALID_TRANSFER.search(text.content):
            found.append(_("The %(language)s text relies on the Privacy Shield.") % {"language": text.language})
    declares_recipients = any(c.recipients for c in registry.categories())
    if declares_recipients and not Processor.objects.filter(active=True).exists():
        found.append(_("The list of processors is empty although the register names recipients."))
    for processor in Processor.objects.filter(active=True):
        if any(INVALID_TRANSFER.search(getattr(processor, f)) for f in ("provider", "role", "data", "location")):
            found.append(_("The processor %(name)s relies on the Privacy Shield.") % {"name": processor.provider})
    return found


def policy_publish(*, version, at=None) -> int:
    """Publish `version` now (its date becomes "Last updated"); returns 1, or raises PolicyError with the reasons.

    A substantial version starts the mailing to every active customer, in the same transaction.
    """
    with transaction.atomic():
        version = PolicyVersion.objects.select_for_update().get(pk=version.pk)
        if version.is_published:
            raise PolicyError(f"Version {version.number} is already published.")
        problems = policy_problems(version)
        if problems:
            raise PolicyError(" ".join(problems))
        version.published_at = at or timezone.now()
        version.save(update_fields=["published_at"])
        transaction.on_commit(lambda: cache.delete(CURRENT_POLICY_KEY))
        if version.substantial:
            transaction.on_commit(lambda: _notify_task().delay(version.pk))
    return 1


def _active_customers():
    return get_user_model().objects.filter(is_active=True, is_staff=False)


def policy_notify_batch(*, version_id, batch_size=NOTIFY_BATCH) -> dict:
    """Mail the next batch of active customers about a substantial version, in their own language.

    The batch's mails and the progress mark are written in one transaction, so a crash repeats nothing
    and loses nothing: the next call (the task re-queues itself, and beat re-dispatches unfinished mailings)
    starts after the last customer told.
    """
    with transaction.atomic():
        version = PolicyVersion.objects.select_for_update().get(pk=version_id)
        if not version.is_published or not version.substantial or version.notified_at:
            return {"sent": 0, "done": True}
        batch = list(_active_customers().filter(pk__gt=version.notified_through).order_by("pk")[:batch_size])
        for customer in batch:
            mail_send(
                to=customer.email,
                template="policy_changed",
                context={"version": version, "first_name": customer.first_name, "site_url": settings.EXPORT_SITE_URL},
                language=customer.preferred_language or settings.LANGUAGE_CODE,
            )
        if batch:
            version.notified_through = batch[-1].pk
        done = len(batch) < batch_size
        if done:
            version.notified_at = timezone.now()
        version.save(update_fields=["notified_through", "notified_at"])
    return {"sent": len(batch), "done": done}


def policy_notifications_resume() -> dict:
    """Beat: re-dispatch every substantial mailing left unfinished (a worker died, the broker was down)."""
    pending = list(
        PolicyVersion.objects.published()
        .filter(substantial=True, notified_at__isnull=True)
        .values_list("pk", flat=True)
    )
    for pk in pending:
        _notify_task().delay(pk)
    return {"redispatched": len(pending)}


def policy_awaiting_acceptance(customer) -> PolicyVersion | None:
    """The version in force if it needs approval and this customer has not accepted it yet (R43)."""
    current = policy_current()
    if current is None or not current.needs_approval or customer.is_staff:
        return None
    accepted = ConsentRecord.objects.filter(
        customer=customer, purpose=Purpose.POLICY, granted=True, policy_version=current.number
    ).exists()
    return None if accepted else current


def policy_accept(*, customer, version, ip=None, user_agent="") -> int:
    """The customer accepts `version`: one consent-ledger row, the proof the admin reads (R43)."""
    ConsentRecord.objects.create(
        customer=customer,
        purpose=Purpose.POLICY,
        granted=True,
        policy_version=version.number,
        language=(translation.get_language() or settings.LANGUAGE_CODE)[:2],
        source=ConsentRecord.Source.POLICY,
        ip=ip,
        user_agent=(user_agent or "")[:300],
    )
    return 1


def policy_not_accepted(version):
    """Active customers who have not accepted `version` (for the admin)."""
    accepted = ConsentRecord.objects.filter(
        purpose=Purpose.POLICY, granted=True, policy_version=version.number, customer__isnull=False
    ).values("customer_id")
    return _active_customers().exclude(pk__in=accepted).order_by("pk")
