"""Settings of what keeps the site running, star-imported by config/settings.py: the mail outbox and the health
endpoint (/healthz) with the beat heartbeat it reads."""

from config.environment import env

# Seconds between two beats of the heartbeat that /healthz reads (a minute; tests shorten it).
HEALTH_BEAT_INTERVAL = env.float("HEALTH_BEAT_INTERVAL", default=60.0)
# Mail outbox: every mail is a row written with its cause, sent by a worker, swept by beat (outbox/services.py).
MAIL_OUTBOX_MODEL = "outbox.OutgoingMail"
# A worker holds a mail this long while sending it; killed meanwhile, the mail is sent again after it.
MAIL_OUTBOX_LEASE_SECONDS = env.int("MAIL_OUTBOX_LEASE_SECONDS", default=60)
# How often beat sends what is left unsent (lease + this <= 2 minutes), and how many per run.
MAIL_OUTBOX_SWEEP_SECONDS = env.int("MAIL_OUTBOX_SWEEP_SECONDS", default=30)
MAIL_OUTBOX_BATCH = env.int("MAIL_OUTBOX_BATCH", default=500)
# Failed attempts are retried with a doubling delay (30 s up to 1 h); after this many the mail is given up.
MAIL_OUTBOX_MAX_ATTEMPTS = env.int("MAIL_OUTBOX_MAX_ATTEMPTS", default=10)
# Sent (or given up) mail is deleted after this many days (retention rule outbox_sent_delete).
MAIL_OUTBOX_RETENTION_DAYS = env.int("MAIL_OUTBOX_RETENTION_DAYS", default=30)

# Health endpoint (/healthz): the checks it runs, in order; each returns its JSON part, or None to be left out.
# Add a dotted path here to monitor something new (see operations/health.py for the contract).
HEALTH_CHECKS = env.list(
    "HEALTH_CHECKS",
    default=[
        "operations.health.database",
        "operations.health.broker",
        "operations.health.beat",
        "operations.health.retention",
        "operations.health.outbox",
    ],
)
# Beat writes a heartbeat every minute; older than this, beat (or the default queue's worker) is down.
HEALTH_BEAT_MAX_AGE = env.int("HEALTH_BEAT_MAX_AGE", default=300)
# The nightly retention run finished less than this many seconds ago (a day and two hours of slack).
HEALTH_RETENTION_MAX_AGE = env.int("HEALTH_RETENTION_MAX_AGE", default=26 * 3600)
# The mail outbox: its model ("app_label.Model"), the lookup of unsent rows and the
# field they are dated by; unsent mail older than HEALTH_OUTBOX_MAX_AGE seconds means sending is stuck.
HEALTH_OUTBOX_MODEL = env("HEALTH_OUTBOX_MODEL", default=MAIL_OUTBOX_MODEL)
HEALTH_OUTBOX_PENDING = {"status__in": ("pending", "sending")}
HEALTH_OUTBOX_DATE_FIELD = "created_at"
HEALTH_OUTBOX_MAX_AGE = env.int("HEALTH_OUTBOX_MAX_AGE", default=600)
