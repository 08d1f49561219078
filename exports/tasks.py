"""Background work of the exports app: thin tasks around one service each, safe to run twice."""

from celery import shared_task

from exports.services import export_build, exports_expire, exports_redispatch_stale


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
