"""Settings for every environment, read through one django-environ object.

Fail closed: without DEBUG the site runs in production mode, where SECRET_KEY,
SUPPRESSION_KEY and ERASURE_HASH_KEY must come from the environment. Development
(DEBUG=True, set by `make run`) generates its secret key once into the run folder.

Settings of one concern live beside it and are read in here: config/settings_accounts.py (login, second factor),
settings_commerce.py (age, fraud, cookies, payments), settings_retention.py (the rules' periods) and
settings_operations.py (mail outbox, health checks). config/environment.py reads the environment for all of them.
"""

from datetime import timedelta
from pathlib import Path

from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from config.environment import BASE_DIR, DEBUG, env
from config.queues import task_routes
from config.secrets import dev_secret_key, production_key

# The local site's state (database, mail, broker, dev secret key); scripts/run.sh passes the same RUN_DIR.
RUN_DIR = Path(env("RUN_DIR", default=str(BASE_DIR / ".run"))).resolve()

if "SECRET_KEY" in env.ENVIRON:
    SECRET_KEY = env("SECRET_KEY")
elif DEBUG:
    SECRET_KEY = dev_secret_key(RUN_DIR)
else:
    raise ImproperlyConfigured(
        "SECRET_KEY is not set. In production (DEBUG unset or False) the secret key has no "
        "default: set the SECRET_KEY environment variable to a long random string. On a developer's machine, run "
        "manage.py with DEBUG=True (make run and make test do), or with DJANGO_SETTINGS_MODULE=config.test_settings."
    )

# Old keys still accepted for signatures made before a rotation (sessions, links in mails), then dropped.
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "config.apps.BackOfficeAdminConfig",  # django.contrib.admin with the back-office site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Its country names in every language come from its own catalogue, read only for an installed app.
    "django_countries",
    "accounts",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "privacy",
    "retention",
    "exports",
    "operations",
    "outbox",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.NoStoreMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.PreferredLanguageMiddleware",
    "config.middleware.StrictTextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "privacy.audit_middleware.StaffAuditMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "accounts.middleware.StaffSecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "privacy.middleware.CookieConsentMiddleware",
    "privacy.middleware.PolicyApprovalMiddleware",
]

if not DEBUG:
    # Serves collectstatic's compressed, hashed files, right after the HTTPS redirect (runserver serves them
    # in development).
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "privacy.cookies.cookie_context",
            ],
            "libraries": {"back_office": "config.back_office_tags"},
        },
    },
]

# Form fields and widgets: Django's own templates, drawn by Jinja2 where Django ships them so (config/form_renderer.py).
FORM_RENDERER = "config.form_renderer.FormRenderer"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{RUN_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Each process keeps its connection between requests (checked before reuse): opening one per request cost
    # a new PostgreSQL backend each time, with its catalogue caches cold, on every page (bench/web.py).
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=300)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default serves the site, a worker and beat at once. WAL lets readers run beside the one
    # writer; IMMEDIATE takes the write lock when a transaction starts, so a transaction that reads then writes
    # waits its turn (up to `timeout` seconds) instead of failing with "database is locked" on the upgrade.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": env.int("SQLITE_BUSY_TIMEOUT", default=30),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
# Rate limits and throttling need one cache shared by every process: Redis in production (CACHE_URL=redis://...),
# files in the run folder on the embedded default (shared by the processes of `make run`, and no query per read).
CACHES = {"default": env.cache_url("CACHE_URL", default=f"filecache://{RUN_DIR / 'cache'}")}
if not DEBUG and CACHES["default"]["BACKEND"].endswith(("LocMemCache", "DummyCache")):
    raise ImproperlyConfigured("CACHE_URL names a per-process cache: rate limits need one shared by every process.")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:dashboard"
LOGOUT_REDIRECT_URL = "account_login"
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=3600)
# allauth's backend only: it checks the password once whatever the account's state (no timing difference).
AUTHENTICATION_BACKENDS = ["allauth.account.auth_backends.AuthenticationBackend"]

from config.settings_accounts import *  # noqa: E402, F403

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("fr", _("French")),
    ("es", _("Spanish")),
    ("it", _("Italian")),
    ("de", _("German")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env("TIME_ZONE", default="Europe/Paris")
# The zone in which deadlines and retention periods are counted (REQUIREMENTS 2.3).
SITE_TIME_ZONE = env("SITE_TIME_ZONE", default=TIME_ZONE)

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(RUN_DIR / "static")))
# In production collectstatic writes gzip and brotli copies under content-hashed names, which WhiteNoise
# serves with a year's cache; development keeps plain names so no collectstatic is needed.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Files that must never be served publicly (exports) live here, outside any web root.
PRIVATE_ROOT = Path(env("PRIVATE_ROOT", default=str(RUN_DIR / "private")))
# A file no row owns is removed by the orphan sweep once untouched this long (a row saving it may not be committed).
PRIVATE_FILES_ORPHAN_GRACE_SECONDS = env.int("PRIVATE_FILES_ORPHAN_GRACE_SECONDS", default=120)
# Support tickets' attachments and imported chat transcripts (R56): private, deleted with their ticket.
TICKET_FILES_ROOT = Path(env("TICKET_FILES_ROOT", default=str(PRIVATE_ROOT / "tickets")))
TICKET_ATTACHMENT_MAX_BYTES = env.int("TICKET_ATTACHMENT_MAX_BYTES", default=5 * 1024 * 1024)
# Extensions a customer may attach; each is checked against the file's first bytes (accounts/uploads.py).
TICKET_ATTACHMENT_TYPES = env.list(
    "TICKET_ATTACHMENT_TYPES", default=["pdf", "png", "jpg", "jpeg", "gif", "txt", "log", "csv"]
)
TICKET_TRANSCRIPT_MAX_BYTES = env.int("TICKET_TRANSCRIPT_MAX_BYTES", default=20 * 1024 * 1024)

DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="privacy@example.com")
SERVER_EMAIL = env("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
DPO_EMAIL = env("DPO_EMAIL", default="dpo@example.com")
# Mail: one .eml file per message under .run/mail/ unless EMAIL_URL names a real server.
if "EMAIL_URL" in env.ENVIRON:
    _mail = env.email_url("EMAIL_URL")
    _options = {
        "host": _mail.get("EMAIL_HOST"),
        "port": _mail.get("EMAIL_PORT"),
        "username": _mail.get("EMAIL_HOST_USER") or None,
        "password": _mail.get("EMAIL_HOST_PASSWORD") or None,
        "use_tls": _mail.get("EMAIL_USE_TLS", False),
        "use_ssl": _mail.get("EMAIL_USE_SSL", False),
    }
    if _mail["EMAIL_BACKEND"].endswith(".smtp.EmailBackend"):
        # Well under MAIL_OUTBOX_LEASE_SECONDS: a mail server that hangs fails the attempt before the lease ends.
        _options["timeout"] = env.int("EMAIL_TIMEOUT", default=20)
        MAILERS = {"default": {"BACKEND": _mail["EMAIL_BACKEND"], "OPTIONS": _options}}
    else:
        MAILERS = {"default": {"BACKEND": _mail["EMAIL_BACKEND"]}}
else:
    MAILERS = {
        "default": {
            "BACKEND": "config.mail.EmlFileBackend",
            "OPTIONS": {"file_path": env("EMAIL_FILE_PATH", default=str(RUN_DIR / "mail"))},
        }
    }

CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = Path(env("CELERY_BROKER_DIR", default=str(RUN_DIR / "broker")))
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "out"),
        "data_folder_out": str(_broker_dir / "out"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
        # Broadcast messages (celery control): kombu's default is ./control, in whatever folder the process runs.
        "control_folder": str(_broker_dir / "control"),
    }
# Mail, exports and retention each have a queue (config/queues.py): a long export never delays an acknowledgement.
CELERY_QUEUE_PREFIX = env("CELERY_QUEUE_PREFIX", default="")
CELERY_TASK_DEFAULT_QUEUE = f"{CELERY_QUEUE_PREFIX}default"
CELERY_TASK_ROUTES = task_routes(CELERY_QUEUE_PREFIX)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_IGNORE_RESULT = True
# The message is acknowledged when the task ends, and a task whose pool process died goes back to the queue.
# kombu's filesystem broker deletes a message's file when it is read, so a killed worker main process loses it
# there (Redis redelivers it, an hour later): the heartbeat and the beat jobs below bring the work back within
# two minutes on both (README: "What each broker guarantees").
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A pool process has this long to start: an export worker's renders a first PDF as it starts (exports/tasks.py),
# a few seconds on a busy machine, beyond Celery's 4 s.
CELERY_WORKER_PROC_ALIVE_TIMEOUT = 30
CELERY_TIMEZONE = SITE_TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = env("CELERY_BEAT_SCHEDULE_FILENAME", default=str(RUN_DIR / "celerybeat-schedule"))

# Data-subject requests (REQUIREMENTS.md section 2.3).
DSR_RESPONSE_PERIOD = env("DSR_RESPONSE_PERIOD", default="30d")
if DSR_RESPONSE_PERIOD not in ("30d", "1m"):
    raise ImproperlyConfigured("DSR_RESPONSE_PERIOD must be 30d or 1m")
DSR_EXTENSION_MONTHS = min(env.int("DSR_EXTENSION_MONTHS", default=2), 2)  # Art. 12(3) allows no more
DSR_DUE_SOON_DAYS = env.int("DSR_DUE_SOON_DAYS", default=7)
# The dashboard's chart and median (the last 12 months) are kept this long in the shared cache; its counts are live.
DASHBOARD_HISTORY_SECONDS = env.int("DASHBOARD_HISTORY_SECONDS", default=300)
# Section 2.5: pause the clock while the person is asked for identity details (off: the stricter reading).
DSR_PAUSE_FOR_IDENTITY = env.bool("DSR_PAUSE_FOR_IDENTITY", default=False)
# Section 2.6: holidays for the informational "legal latest" date: FR, FR-ALSACE (Alsace-Moselle) or NONE.
DSR_HOLIDAY_CALENDAR = env("DSR_HOLIDAY_CALENDAR", default="FR")
DSR_REPETITIVE_DAYS = env.int("DSR_REPETITIVE_DAYS", default=90)
PUBLIC_REQUEST_LINK_MAX_AGE = env.int("PUBLIC_REQUEST_LINK_MAX_AGE", default=72 * 3600)
# The DPO's mails: one to DPO_EMAIL on each new request, one to the assignee on each assignment (off: false).
DSR_NOTIFY_NEW = env.bool("DSR_NOTIFY_NEW", default=True)
DSR_NOTIFY_ASSIGNMENT = env.bool("DSR_NOTIFY_ASSIGNMENT", default=True)
# How long the status link of a request filed without an account works (days from filing).
DSR_STATUS_LINK_DAYS = env.int("DSR_STATUS_LINK_DAYS", default=400)
PUBLIC_REQUEST_RATE = env("PUBLIC_REQUEST_RATE", default="5/h")
# Key of the HMAC-SHA256 hashes on the suppression list; must survive restores, so not derived at random.
# Production requires it (no fall-back to SECRET_KEY, which may be rotated); development makes one in RUN_DIR.
SUPPRESSION_KEY = production_key(env, "SUPPRESSION_KEY", debug=DEBUG, run_dir=RUN_DIR)

# Version of the privacy policy that consents cite until a version is published in the admin (R36).
PRIVACY_POLICY_VERSION = env("PRIVACY_POLICY_VERSION", default="2026-11-01")

# The published policy (R41): who the controller is, where the data is hosted, where letters go.
CONTROLLER_NAME = env("CONTROLLER_NAME", default="Example Hosting SAS")
CONTROLLER_ADDRESS = env("CONTROLLER_ADDRESS", default="1 rue de l'Exemple, 74000 Annecy, France")
CONTROLLER_EMAIL = env("CONTROLLER_EMAIL", default="contact@example.com")
HOSTING_LOCATION = env("HOSTING_LOCATION", default="France (European Union)")
# The terms of service, linked from the sign-up form next to the privacy policy (a page of the company's site).
TERMS_URL = env("TERMS_URL", default="")
PRIVACY_POSTAL_ADDRESS = env("PRIVACY_POSTAL_ADDRESS", default=f"Data protection officer, {CONTROLLER_ADDRESS}")

# How long after a substantial policy change every page shows a notice (R43).
POLICY_NOTICE_DAYS = env.int("POLICY_NOTICE_DAYS", default=30)

# Marketing (R37-R40, R76-R78). Senders per channel: email goes through the mail helper; the others through a
# class with send(*, to, text) — by default one that writes a file per message, as mail does in development.
MARKETING_SENDERS = {
    "sms": env("MARKETING_SMS_SENDER", default="privacy.marketing.senders.FileSender"),
    "social": env("MARKETING_SOCIAL_SENDER", default="privacy.marketing.senders.FileSender"),
}
MARKETING_OUTBOX = Path(env("MARKETING_OUTBOX", default=str(RUN_DIR / "marketing")))
MARKETING_BATCH = env.int("MARKETING_BATCH", default=500)
UNSUBSCRIBE_LINK_MAX_AGE = env.int("UNSUBSCRIBE_LINK_MAX_AGE", default=365 * 24 * 3600)
from config.settings_commerce import *  # noqa: E402, F403

# Production hardening (R68): HTTPS only, HSTS for a year, secure cookies.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if env.bool("BEHIND_PROXY", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Monitors probe the health endpoint on the private network, often over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}

# Exports: a subject's data as a ZIP (R64-R67), kept outside any web root.
EXPORT_ROOT = PRIVATE_ROOT / "exports"
# Files are deleted this many days after they are ready (rule export_expire); the export record stays.
EXPORT_RETENTION_DAYS = env.int("EXPORT_RETENTION_DAYS", default=7)
# An export still pending after this long was never picked up (broker down): it is queued again.
EXPORT_STALE_PENDING_MINUTES = env.int("EXPORT_STALE_PENDING_MINUTES", default=10)
# Rows per record type printed in the PDF (the newest); data.json and the CSV files always hold every row.
# WeasyPrint lays out each table cell on its own: 200 rows per type made the PDF of any long history take ~8 s
# (bench/export.py); at 25 a short history's report still ran to 20 pages (~0.2 s of CPU a page). 10 show the
# recent activity of each kind in a report of about 10 pages.
EXPORT_PDF_ROWS = env.int("EXPORT_PDF_ROWS", default=10)
# Emailed links: the subject's confirmation of a transmission, and the download link itself.
EXPORT_CONFIRM_MAX_AGE = env.int("EXPORT_CONFIRM_MAX_AGE", default=72 * 3600)
EXPORT_LINK_HOURS = env.int("EXPORT_LINK_HOURS", default=72)
# Links in mails sent by a worker, which has no request to take the host from.
EXPORT_SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# A running build writes a heartbeat with its progress; silent this long, its worker is taken for dead.
EXPORT_HEARTBEAT_STALE_SECONDS = env.int("EXPORT_HEARTBEAT_STALE_SECONDS", default=60)
# How often beat looks for exports left pending or whose heartbeat stopped (stale + this <= 2 minutes).
EXPORT_REDISPATCH_SECONDS = env.int("EXPORT_REDISPATCH_SECONDS", default=30)

from config.settings_retention import *  # noqa: E402, F403

# Key of the erasure tombstones' HMAC-SHA256; must survive restores, so never random.
ERASURE_HASH_KEY = production_key(env, "ERASURE_HASH_KEY", debug=DEBUG, run_dir=RUN_DIR)
# Append-only copy of the tombstones outside the database, read back by `manage.py replay_erasures` after a restore.
ERASURE_JOURNAL = env("ERASURE_JOURNAL", default=str(PRIVATE_ROOT / "erasure-journal.jsonl"))

from config.settings_operations import *  # noqa: E402, F403
from config.settings_operations import HEALTH_BEAT_INTERVAL, MAIL_OUTBOX_SWEEP_SECONDS  # noqa: E402  the beat below

# The beat schedule, all of it (times in CELERY_TIMEZONE, the site's).
CELERY_BEAT_SCHEDULE = {
    # Every day at 08:00: the DPO's digest of overdue and due-soon requests (none when both are empty).
    "dpo-digest": {"task": "privacy.tasks.dpo_digest", "schedule": crontab(hour=8, minute=0)},
    # Every hour at a quarter past: delete public-form requests never confirmed within 7 days.
    "purge-unconfirmed-public-requests": {
        "task": "privacy.tasks.purge_unconfirmed_public_requests",
        "schedule": crontab(minute=15),
    },
    # Every 30 s: queue again the exports left pending (broker down) or whose heartbeat stopped (worker killed).
    "exports-redispatch-stale": {
        "task": "exports.tasks.redispatch_stale_exports",
        "schedule": timedelta(seconds=EXPORT_REDISPATCH_SECONDS),
    },
    # Every hour at twenty to: delete the files of exports ready for more than EXPORT_RETENTION_DAYS days.
    "exports-expire": {"task": "exports.tasks.expire_exports", "schedule": crontab(minute=40)},
    # Every 5 minutes: remove files under PRIVATE_ROOT that no row owns any more (privacy.files).
    "private-files-orphans": {"task": "privacy.tasks.remove_orphan_files", "schedule": crontab(minute="*/5")},
    # Every night at 02:30: every retention rule, as of that day.
    "retention-nightly": {"task": "retention.tasks.retention_nightly", "schedule": crontab(hour=2, minute=30)},
    # Every hour at 25 past: resume the mailing about a substantial policy change, if a worker died mid-way (R43).
    "policy-notifications-resume": {
        "task": "privacy.tasks.resume_policy_notifications",
        "schedule": crontab(minute=25),
    },
    # Every ten minutes: resume any campaign left sending (a worker died, the broker was down).
    "campaigns-resume": {"task": "privacy.tasks.resume_campaigns", "schedule": crontab(minute="*/10")},
    # Every minute: the beat heartbeat, recorded by a worker of the default queue, whose age /healthz reports.
    "beat-heartbeat": {"task": "operations.tasks.beat_heartbeat", "schedule": HEALTH_BEAT_INTERVAL},
    # Every 30 s: send the mail left unsent (broker down, a process killed) or whose sending lease ran out.
    "outbox-send-due": {"task": "outbox.tasks.send_due_mail", "schedule": timedelta(seconds=MAIL_OUTBOX_SWEEP_SECONDS)},
    # Every hour at ten to: delete the mail sent more than MAIL_OUTBOX_RETENTION_DAYS days ago.
    "outbox-purge": {"task": "outbox.tasks.purge_sent_mail", "schedule": crontab(minute=50)},
    # Every 10 minutes: a lost breach alert, and the reminder of a breach less than 24 hours from its deadline.
    "breach-deadline-reminder": {"task": "privacy.tasks.breach_remind", "schedule": crontab(minute="*/10")},
    # Every 15 minutes: the post-mortem directives still due (an erasure blocked for now, an export building).
    "post-mortem-directives": {"task": "privacy.tasks.carry_out_directives", "schedule": crontab(minute="*/15")},
}


# Accountability (R71-R75)
# Key of the staff audit chain's HMAC-SHA256: without it a database writer cannot forge a row; never random.
AUDIT_CHAIN_KEY = production_key(env, "AUDIT_CHAIN_KEY", debug=DEBUG, run_dir=RUN_DIR)
# Fernet keys (comma-separated, newest first) encrypting customers' site credentials (R72). Production must set
# them; development derives one from SECRET_KEY so a restart can still read what it wrote.
if DEBUG:
    import base64
    import hashlib

    _dev_key = base64.urlsafe_b64encode(hashlib.sha256(f"credentials:{SECRET_KEY}".encode()).digest()).decode()
    CREDENTIALS_KEYS = env.list("CREDENTIALS_KEYS", default=[_dev_key])
else:
    try:
        CREDENTIALS_KEYS = env.list("CREDENTIALS_KEYS")
    except ImproperlyConfigured:
        raise ImproperlyConfigured(
            "CREDENTIALS_KEYS is not set. In production (DEBUG=False) the key encrypting site credentials has no "
            "default: set it to one or more Fernet keys, comma-separated, newest first."
        ) from None
# Revealing a stored credential needs a login within this many minutes (R69, R72).
REAUTH_MAX_AGE_MINUTES = env.int("REAUTH_MAX_AGE_MINUTES", default=15)
# The DPO is reminded this many hours before a breach's 72-hour authority deadline (R74).
BREACH_REMINDER_HOURS = env.int("BREACH_REMINDER_HOURS", default=24)
