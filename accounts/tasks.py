"""Background work of the accounts app."""

from celery import shared_task


# Mail now goes through the outbox (outbox.tasks.send_mail). This task only drains messages a broker still
# holds from before the outbox existed: each becomes an outbox row, which the outbox sends.
@shared_task
def send_rendered_mail(*, to, subject, text, html):
    from outbox.models import OutgoingMail

    for address in to:
        OutgoingMail.objects.queue(to=address, subject=subject, text=text, html=html, language="")
    return len(to)
