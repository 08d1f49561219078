"""Scheduled work of the privacy app: thin tasks around one service each."""

from celery import shared_task

from privacy.marketing.campaigns import campaign_send_batch, campaigns_resume
from privacy.services.policy import policy_notifications_resume, policy_notify_batch
from privacy.services.requests import public_requests_purge, requests_digest


@shared_task
def dpo_digest():
    return requests_digest()


@shared_task
def purge_unconfirmed_public_requests():
    return public_requests_purge()


@shared_task
def notify_policy_change(version_id):
    """One batch of the mailing about a substantial policy change; queues the next batch until everyone is told."""
    result = policy_notify_batch(version_id=version_id)
    if not result["done"]:
        notify_policy_change.delay(version_id)
    return result


@shared_task
def resume_policy_notifications():
    return policy_notifications_resume()


@shared_task
def send_campaign_batch(campaign_id):
    """One batch of a campaign; the service queues the next one until everyone was considered."""
    return campaign_send_batch(campaign_id=campaign_id)


@shared_task
def resume_campaigns():
    return campaigns_resume()
