"""Sending a campaign: a dry run that counts who is left out and why, then batches in the background that resume
after a crash and never reach anyone twice; one-click unsubscribe and engagement events (R37-R40)."""

from collections import Counter

from celery import current_app
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from config.mail import mail_send
from privacy.marketing.audience import REASONS, classify, customers
from privacy.marketing.links import open_pixel_url, unsubscribe_url
from privacy.marketing.senders import sender_for
from privacy.models import Campaign, CampaignDelivery, Channel, ConsentRecord, EngagementEvent, Purpose
from privacy.services.consents import consent_current
from privacy.services.policy import policy_version_number
from privacy.services.suppression import suppression_add


class CampaignError(Exception):
    pass


def campaign_dry_run(*, campaign, now=None) -> dict:
    """How many people the campaign would reach, and how many are left out by reason; changes nothing."""
    reached, excluded = 0, Counter()
    qs = customers().order_by("pk")
    last = 0
    while True:
        batch = list(qs.filter(pk__gt=last)[: settings.MARKETING_BATCH])
        if not batch:
            break
        last = batch[-1].pk
        for reason in classify(batch, campaign.purpose, now=now).values():
            if reason is None:
                reached += 1
            else:
                excluded[reason] += 1
    return {"reached": reached, "excluded": {r: excluded.get(r, 0) for r in REASONS}}


def campaign_start(*, campaign) -> int:
    """Mark the campaign as sending and queue its first batch, in one transaction; beat resumes it if lost."""
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if campaign.status != Campaign.Status.DRAFT:
            raise CampaignError(f"The campaign “{campaign}” was already sent.")
        campaign.status = Campaign.Status.SENDING
        campaign.started_at = timezone.now()
        campaign.save(update_fields=["status", "started_at"])
        transaction.on_commit(lambda: _batch_task().delay(campaign.pk))
    return 1


def _batch_task():
    return current_app.tasks["privacy.tasks.send_campaign_batch"]


def campaign_send_batch(*, campaign_id, batch_size=None, now=None) -> dict:
    """Send to the next batch of customers; the deliveries, the progress mark and the mails commit together."""
    batch_size = batch_size or settings.MARKETING_BATCH
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign_id)
        if campaign.status != Campaign.Status.SENDING:
            return {"sent": 0, "done": True}
        batch = list(customers().filter(pk__gt=campaign.progress_pk).order_by("pk")[:batch_size])
        verdicts = classify(batch, campaign.purpose, now=now)
        already = set(
            CampaignDelivery.objects.filter(campaign=campaign, customer__in=batch).values_list("customer_id", flat=True)
        )
        excluded = Counter(campaign.excluded)
        sent = 0
        for customer in batch:
            reason = verdicts[customer.pk]
            if reason:
                excluded[reason] += 1
                continue
            if customer.pk in already:
                continue
            _deliver(campaign, customer)
            sent += 1
        campaign.excluded = dict(excluded)
        campaign.reached += sent
        if batch:
            campaign.progress_pk = batch[-1].pk
        done = len(batch) < batch_size
        if done:
            campaign.status = Campaign.Status.SENT
            campaign.finished_at = timezone.now()
        campaign.save()
    if not done:
        transaction.on_commit(lambda: _batch_task().delay(campaign_id))
    return {"sent": sent, "done": done}


def _deliver(campaign, customer):
    tracked = campaign.channel == Channel.EMAIL and consent_current(customer=customer).get(Purpose.ENGAGEMENT, False)
    delivery = CampaignDelivery.objects.create(
        campaign=campaign, customer=customer, channel=campaign.channel, tracked=tracked
    )
    language = customer.preferred_language or settings.LANGUAGE_CODE
    if campaign.channel == Channel.EMAIL:
        link = unsubscribe_url(delivery)
        mail_send(
            to=customer.email,
            template="marketing",
            context={
                "campaign": campaign,
                "first_name": customer.first_name,
                "unsubscribe_url": link,
                "pixel_url": open_pixel_url(delivery) if tracked else "",
            },
            language=language,
            headers={"List-Unsubscribe": f"<{link}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
        )
    else:
        with translation.override(language):
            stop = translation.gettext("Reply STOP to receive no more of these messages.")
        target = customer.phone if campaign.channel == Channel.SMS else customer.email
        sender_for(campaign.channel).send(to=target, text=f"{campaign.text}\n\n{stop}")
    return delivery


def campaigns_resume() -> dict:
    """Beat: re-queue every campaign left sending (a worker died, the broker was down)."""
    pending = list(Campaign.objects.filter(status=Campaign.Status.SENDING).values_list("pk", flat=True))
    for pk in pending:
        _batch_task().delay(pk)
    return {"resumed": len(pending)}


def unsubscribe(*, delivery, ip=None, user_agent="") -> int:
    """One click: the channel's consent is withdrawn at once (ledger source "unsubscribe") and the address goes on
    the suppression list, so no later campaign on that channel reaches it until a new opt-in (R25, R38, R39).
    Returns the ledger rows written (0 when it was already withdrawn)."""
    customer, purpose = delivery.customer, delivery.campaign.purpose
    with transaction.atomic():
        written = 0
        if consent_current(customer=customer).get(purpose):
            ConsentRecord.objects.create(
                customer=customer,
                purpose=purpose,
                granted=False,
                policy_version=policy_version_number(),
                language=(customer.preferred_language or settings.LANGUAGE_CODE)[:2],
                source=ConsentRecord.Source.UNSUBSCRIBE,
                ip=ip,
                user_agent=(user_agent or "")[:300],
            )
            written = 1
        if delivery.channel == Channel.SMS and customer.phone:
            suppression_add(phone=customer.phone, source="unsubscribe")
        else:
            suppression_add(email=customer.email, source="unsubscribe")
        if delivery.unsubscribed_at is None:
            delivery.unsubscribed_at = timezone.now()
            delivery.save(update_fields=["unsubscribed_at"])
    return written


def engagement_record(*, delivery, kind) -> int:
    """An open or a click, kept only when the message was sent with the engagement consent (R40)."""
    if not delivery.tracked:
        return 0
    try:
        EngagementEvent.objects.create(delivery=delivery, kind=kind)
    except IntegrityError:
        return 0
    return 1
