"""Breach register work (R73-R75): recording a breach, reminding the DPO of the clock, telling the people."""

from datetime import timedelta

from celery import current_app
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.mail import mail_send
from privacy.models import AuditEntry, Breach, BreachSubject
from privacy.services.audit import audit_record

ALERT_TASK = "privacy.tasks.breach_alert"


def _dpo_mail(*, breach, template, now):
    mail_send(
        to=settings.DPO_EMAIL,
        template=template,
        context={
            "breach": breach,
            "deadline": timezone.localtime(breach.authority_deadline),
            "hours_left": breach.hours_left(now),
            "url": f"{settings.EXPORT_SITE_URL}/admin/privacy/breach/{breach.pk}/change/",
        },
        language=settings.LANGUAGE_CODE,
    )


def breach_record(*, breach, actor, now=None) -> int:
    """Save a new breach; the DPO's alert is queued on commit, and the beat job sends any alert that was lost."""
    now = now or timezone.now()
    with transaction.atomic():
        breach.recorded_by = actor
        breach.recorded_at = now
        breach.save()
        # Queued by name: privacy.tasks imports this module, so this module does not import it back.
        transaction.on_commit(lambda: current_app.signature(ALERT_TASK, args=(breach.pk,)).apply_async())
    return 1


def breach_alert(*, breach_id, now=None) -> int:
    """Mail the DPO that a breach was recorded, once: the conditional update claims it (returns 1, or 0)."""
    now = now or timezone.now()
    with transaction.atomic():
        if not Breach.objects.filter(pk=breach_id, dpo_alerted_at__isnull=True).update(dpo_alerted_at=now):
            return 0
        _dpo_mail(breach=Breach.objects.get(pk=breach_id), template="breach_recorded", now=now)
    return 1


def breach_remind(*, now=None) -> int:
    """Send any alert a crash lost, then mail the DPO once per breach whose authority deadline is less than
    BREACH_REMINDER_HOURS away (or passed) and whose authority is not notified. Returns the mails sent.
    Each mail is claimed by a conditional update, so two beats send it once.
    """
    now = now or timezone.now()
    lost = Breach.objects.filter(dpo_alerted_at__isnull=True, recorded_at__lte=now - timedelta(minutes=5))
    sent = sum(breach_alert(breach_id=pk, now=now) for pk in lost.values_list("pk", flat=True))
    horizon = now + timedelta(hours=settings.BREACH_REMINDER_HOURS)
    due = Breach.objects.filter(
        closed_at__isnull=True,
        authority_notified_at__isnull=True,
        dpo_reminded_at__isnull=True,
        became_aware_at__lte=horizon - timedelta(hours=72),
    ).exclude(risk=Breach.Risk.NONE)
    for breach in due:
        with transaction.atomic():
            if Breach.objects.filter(pk=breach.pk, dpo_reminded_at__isnull=True).update(dpo_reminded_at=now):
                _dpo_mail(breach=breach, template="breach_deadline", now=now)
                sent += 1
    return sent


def breach_notify_subjects(*, breach, actor, ip=None, now=None) -> int:
    """Mail every affected person not yet told, in their own language (Art. 34). Returns how many were mailed."""
    now = now or timezone.now()
    if breach.risk != Breach.Risk.HIGH:
        raise ValidationError(_("Only a high-risk breach is notified to the people concerned (Art. 34(1))."))
    if breach.notice_exemption:
        raise ValidationError(_("An exemption was recorded for this breach: the people are not mailed."))
    with transaction.atomic():
        pending = list(
            BreachSubject.objects.select_for_update()
            .filter(breach=breach, notified_at__isnull=True)
            .select_related("customer")
        )
        for subject in pending:
            customer = subject.customer
            mail_send(
                to=customer.email,
                template="breach_notice",
                context={"breach": breach, "customer": customer},
                language=customer.preferred_language or settings.LANGUAGE_CODE,
            )
            audit_record(actor=actor, action=AuditEntry.Action.NOTIFY, obj=subject, ip=ip, detail={"breach": breach.pk})
        BreachSubject.objects.filter(pk__in=[s.pk for s in pending]).update(notified_at=now)
        total = BreachSubject.objects.filter(breach=breach, notified_at__isnull=False).count()
        Breach.objects.filter(pk=breach.pk).update(subjects_notified_at=now, subjects_notified_count=total)
        breach.subjects_notified_at, breach.subjects_notified_count = now, total
    return len(pending)


def open_breaches(now=None) -> list:
    """Open breaches for the DPO dashboard, nearest deadline first (1 query)."""
    now = now or timezone.now()
    rows = list(Breach.objects.filter(closed_at__isnull=True).order_by("became_aware_at", "pk")[:20])
    return [(b, b.hours_left(now)) for b in rows]
