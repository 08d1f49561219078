"""Periodic work of the operations app."""

from celery import shared_task

from operations.services import heartbeat_record


@shared_task
def beat_heartbeat():
    """Beat sends this every minute; the time a worker records is what /healthz compares with now."""
    return heartbeat_record()
