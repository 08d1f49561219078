"""Scheduled work of the privacy app: thin tasks around one service each."""

from celery import shared_task

from privacy.files import files_orphans_remove
from privacy.marketing.campaigns import campaign_send_batch, campaigns_resume
from privacy.services.breaches import breach_alert as breaches_alert
from privacy.services.breaches import breach_remind as breaches_remind
from privacy.services.directives import directives_carry_out
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


@shared_task
def remove_orphan_files():
    return files_orphans_remove()


@shared_task
def breach_remind():
    return breaches_remind()


@shared_task
def breach_alert(breach_id):
    return breaches_alert(breach_id=breach_id)


@shared_task
def carry_out_directives():
    """Post-mortem directives due since a death was recorded (R29); queued at the commit, retried by beat."""
    return directives_carry_out()
