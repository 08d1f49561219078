"""Background work of the exports app: thin tasks around one service each, safe to run twice."""

import logging

from celery import current_app, shared_task
from celery.signals import worker_process_init
from django.conf import settings

from exports.builder import pdf
from exports.services import export_build, exports_expire, exports_redispatch_stale

logger = logging.getLogger(__name__)


# A build that overruns is stopped and marked failed (the customer sees a retry button); one hour is far
# beyond a long history (bench/export.py: 100,000 rows in well under a minute).
@shared_task(soft_time_limit=3600, time_limit=3700)
def build_export(job_id):
    return export_build(job_id=job_id)


@shared_task
def redispatch_stale_exports():
    return exports_redispatch_stale()


@shared_task
def expire_exports():
    return exports_expire()


def consumes_exports(app):
    """Whether this worker takes exports: its -Q names the exports queue (without -Q, a worker takes the default
    queue only)."""
    return f"{settings.CELERY_QUEUE_PREFIX}exports" in app.amqp.queues.consume_from


@worker_process_init.connect
def warm_up_pdf(**kwargs):
    """As each process of an export worker starts: a first PDF, in memory, so that the first customer's export
    does not wait for WeasyPrint's import, the fonts and the template (pdf.warm_up, about 1.5 s of CPU).
    A failure is logged and the process carries on: the export itself reports any real problem."""
    if not consumes_exports(current_app):
        return
    try:
        pdf.warm_up()
    except Exception:
        logger.exception("The PDF warm-up failed; the first export of this process will do it")
