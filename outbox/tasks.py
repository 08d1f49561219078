"""Background work of the outbox: thin tasks around one service each, safe to run twice."""

from celery import shared_task

from outbox.services import outbox_purge, outbox_send, outbox_send_due


# Not retried by Celery: a failed attempt is written on the row and the beat job tries again with a backoff.
@shared_task(acks_late=True)
def send_mail(mail_id):
    return outbox_send(mail_id=mail_id)


@shared_task
def send_due_mail():
    return outbox_send_due()


@shared_task
def purge_sent_mail():
    return outbox_purge()
