"""Scheduled work of the privacy app: thin tasks around one service each."""

from celery import shared_task

from privacy.services.breaches import breach_alert as breaches_alert
from privacy.services.breaches import breach_remind as breaches_remind
from privacy.services.requests import public_requests_purge, requests_digest


@shared_task
def dpo_digest():
    return requests_digest()


@shared_task
def purge_unconfirmed_public_requests():
    return public_requests_purge()


@shared_task
def breach_remind():
    return breaches_remind()


@shared_task
def breach_alert(breach_id):
    return breaches_alert(breach_id=breach_id)
