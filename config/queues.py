"""The Celery queues and the tasks each one carries, so that mail never waits behind an export or a retention run.

Routes match task names with shell-style patterns, first match first. CELERY_QUEUE_PREFIX lets several
deployments (or test runs) share one Redis without taking each other's tasks.
"""

# Everything not routed below (digests, purges, the beat heartbeat) goes to "default".
QUEUES = ("default", "mail", "exports", "retention")

ROUTES = (
    ("accounts.tasks.send_rendered_mail", "mail"),
    # The mail outbox's tasks, wherever its module lives (any task name containing "outbox").
    ("*outbox*", "mail"),
    ("exports.tasks.*", "exports"),
    ("retention.tasks.*", "retention"),
)


def queue_names(prefix=""):
    """Every queue, as a worker consuming all of them lists them after -Q."""
    return [prefix + queue for queue in QUEUES]


def task_routes(prefix=""):
    """Celery's task_routes: {pattern: {"queue": name}}, in ROUTES order."""
    return {pattern: {"queue": prefix + queue} for pattern, queue in ROUTES}
