"""Background work of the accounts app."""

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_rendered_mail(*, to, subject, text, html, headers=None):
    message = EmailMultiAlternatives(
        subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=to, headers=headers or None
    )
    message.attach_alternative(html, "text/html")
    return message.send()
