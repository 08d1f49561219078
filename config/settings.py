"""Settings for every environment, read through one django-environ object.

Development needs no .env: every value has a safe default, except that with
DEBUG=False (production) the secret key must come from the environment.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
RUN_DIR = BASE_DIR / ".run"

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    env.read_env(str(BASE_DIR / ".env"))

DEBUG = env.bool("DEBUG", default=True)

if DEBUG:
    SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-never-use-in-production")
else:
    try:
        SECRET_KEY = env("SECRET_KEY")
    except ImproperlyConfigured:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. In production (DEBUG=False) the secret key has no "
            "default: set the SECRET_KEY environment variable to a long random string."
        ) from None

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "accounts",
    "privacy",
    "retention",
    "exports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.PreferredLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "privacy.audit_middleware.StaffAuditMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

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
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{RUN_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
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
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"
# Links in sign-up and email-change mails stop working after these delays.
SIGNUP_LINK_MAX_AGE = env.int("SIGNUP_LINK_MAX_AGE", default=3 * 24 * 3600)
EMAIL_CHANGE_LINK_MAX_AGE = env.int("EMAIL_CHANGE_LINK_MAX_AGE", default=24 * 3600)
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=3600)

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
# Files that must never be served publicly (exports) live here, outside any web root.
PRIVATE_ROOT = Path(env("PRIVATE_ROOT", default=str(RUN_DIR / "private")))

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
    }
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = SITE_TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(RUN_DIR / "celerybeat-schedule")

# Data-subject requests (REQUIREMENTS.md section 2.3).
DSR_RESPONSE_PERIOD = env("DSR_RESPONSE_PERIOD", default="30d")
if DSR_RESPONSE_PERIOD not in ("30d", "1m"):
    raise ImproperlyConfigured("DSR_RESPONSE_PERIOD must be 30d or 1m")
DSR_EXTENSION_MONTHS = min(env.int("DSR_EXTENSION_MONTHS", default=2), 2)  # Art. 12(3) allows no more
DSR_DUE_SOON_DAYS = env.int("DSR_DUE_SOON_DAYS", default=7)
DSR_REPETITIVE_DAYS = env.int("DSR_REPETITIVE_DAYS", default=90)
PUBLIC_REQUEST_LINK_MAX_AGE = env.int("PUBLIC_REQUEST_LINK_MAX_AGE", default=72 * 3600)
PUBLIC_REQUEST_RATE = env("PUBLIC_REQUEST_RATE", default="5/h")
# Key of the HMAC-SHA256 hashes on the suppression list; must survive restores, so not derived at random.
SUPPRESSION_KEY = env("SUPPRESSION_KEY", default=SECRET_KEY)

# Version of the privacy policy that consents given now refer to (R36).
PRIVACY_POLICY_VERSION = env("PRIVACY_POLICY_VERSION", default="2026-11-01")

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
# A build running this long lost its worker: it is started again.
EXPORT_STALE_RUNNING_MINUTES = env.int("EXPORT_STALE_RUNNING_MINUTES", default=60)
# Rows per record type printed in the PDF; data.json and the CSV files always hold every row.
EXPORT_PDF_ROWS = env.int("EXPORT_PDF_ROWS", default=200)
# Emailed links: the subject's confirmation of a transmission, and the download link itself.
EXPORT_CONFIRM_MAX_AGE = env.int("EXPORT_CONFIRM_MAX_AGE", default=72 * 3600)
EXPORT_LINK_HOURS = env.int("EXPORT_LINK_HOURS", default=72)
# Links in mails sent by a worker, which has no request to take the host from.
EXPORT_SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# Retention
# Periods of the published retention rules (REQUIREMENTS.md section 3), in the unit their name says: the one place
# their defaults are written. retention/rules.py clamps each to its legal floor and ceiling (a warning at start-up
# says when it had to).
RETENTION_CUSTOMER_INACTIVE_MONTHS = env.int("RETENTION_CUSTOMER_INACTIVE_MONTHS", default=3)
RETENTION_CUSTOMER_ARCHIVED_MONTHS = env.int("RETENTION_CUSTOMER_ARCHIVED_MONTHS", default=6)
RETENTION_CUSTOMER_EMPTY_MONTHS = env.int("RETENTION_CUSTOMER_EMPTY_MONTHS", default=6)
RETENTION_CUSTOMER_TERMINATED_DAYS = env.int("RETENTION_CUSTOMER_TERMINATED_DAYS", default=30)
RETENTION_MINOR_DAYS = env.int("RETENTION_MINOR_DAYS", default=30)
RETENTION_INVOICE_CANCELLED_DAYS = env.int("RETENTION_INVOICE_CANCELLED_DAYS", default=30)
RETENTION_ORDER_STALE_DAYS = env.int("RETENTION_ORDER_STALE_DAYS", default=30)
RETENTION_ACCOUNTING_YEARS = env.int("RETENTION_ACCOUNTING_YEARS", default=10)
RETENTION_ORDER_DATA_YEARS = env.int("RETENTION_ORDER_DATA_YEARS", default=10)
RETENTION_SUPPORT_TICKET_YEARS = env.int("RETENTION_SUPPORT_TICKET_YEARS", default=3)
RETENTION_CONNECTION_LOG_MONTHS = env.int("RETENTION_CONNECTION_LOG_MONTHS", default=12)
RETENTION_PROSPECT_YEARS = env.int("RETENTION_PROSPECT_YEARS", default=3)
RETENTION_COOKIE_CONSENT_MONTHS = env.int("RETENTION_COOKIE_CONSENT_MONTHS", default=13)
RETENTION_COOKIE_REFUSAL_MONTHS = env.int("RETENTION_COOKIE_REFUSAL_MONTHS", default=6)
RETENTION_FRAUD_MARKER_YEARS = env.int("RETENTION_FRAUD_MARKER_YEARS", default=3)
RETENTION_PUBLIC_REQUEST_DAYS = env.int("RETENTION_PUBLIC_REQUEST_DAYS", default=7)
RETENTION_REQUEST_FILE_YEARS = env.int("RETENTION_REQUEST_FILE_YEARS", default=5)
RETENTION_AUDIENCE_RAW_MONTHS = env.int("RETENTION_AUDIENCE_RAW_MONTHS", default=25)
RETENTION_HOST_IDENTITY_YEARS = env.int("RETENTION_HOST_IDENTITY_YEARS", default=5)
RETENTION_HOST_ACCOUNT_YEARS = env.int("RETENTION_HOST_ACCOUNT_YEARS", default=1)
# Fiscal year end (MM-DD) from which accounting periods count; order data from it or from the last order (R55).
FISCAL_YEAR_END = env("FISCAL_YEAR_END", default="12-31")
ORDER_RETENTION_ANCHOR = env("ORDER_RETENTION_ANCHOR", default="fiscal_year")
if ORDER_RETENTION_ANCHOR not in ("fiscal_year", "last_order"):
    raise ImproperlyConfigured("ORDER_RETENTION_ANCHOR must be fiscal_year or last_order")
# Hosting offers (LCEN art. 6): identity archived 5 years at erasure, connection logs kept 12 months exactly (R62).
HOST_OBLIGATIONS = env.bool("HOST_OBLIGATIONS", default=False)
# Customers erased per transaction, and plain records deleted per transaction.
RETENTION_BATCH_SIZE = env.int("RETENTION_BATCH_SIZE", default=1000)
RETENTION_RECORD_BATCH_SIZE = env.int("RETENTION_RECORD_BATCH_SIZE", default=10000)
# Key of the erasure tombstones' HMAC-SHA256; must survive restores, so never random.
ERASURE_HASH_KEY = env("ERASURE_HASH_KEY", default=SECRET_KEY)
# Append-only copy of the tombstones outside the database, read back by `manage.py replay_erasures` after a restore.
ERASURE_JOURNAL = env("ERASURE_JOURNAL", default=str(PRIVATE_ROOT / "erasure-journal.jsonl"))

# The beat schedule, all of it (times in CELERY_TIMEZONE, the site's).
CELERY_BEAT_SCHEDULE = {
    # Every day at 08:00: the DPO's digest of overdue and due-soon requests (none when both are empty).
    "dpo-digest": {"task": "privacy.tasks.dpo_digest", "schedule": crontab(hour=8, minute=0)},
    # Every hour at a quarter past: delete public-form requests never confirmed within 7 days.
    "purge-unconfirmed-public-requests": {
        "task": "privacy.tasks.purge_unconfirmed_public_requests",
        "schedule": crontab(minute=15),
    },
    # Every 5 minutes: queue again the exports left pending (asked for while the broker was down).
    "exports-redispatch-stale": {"task": "exports.tasks.redispatch_stale_exports", "schedule": crontab(minute="*/5")},
    # Every hour at twenty to: delete the files of exports ready for more than EXPORT_RETENTION_DAYS days.
    "exports-expire": {"task": "exports.tasks.expire_exports", "schedule": crontab(minute=40)},
    # Every night at 02:30: every retention rule, as of that day.
    "retention-nightly": {"task": "retention.tasks.retention_nightly", "schedule": crontab(hour=2, minute=30)},
    # Every 10 minutes: a lost breach alert, and the reminder of a breach less than 24 hours from its deadline.
    "breach-deadline-reminder": {"task": "privacy.tasks.breach_remind", "schedule": crontab(minute="*/10")},
}

# Accountability (R71-R75)
# Key of the staff audit chain's HMAC-SHA256: without it a database writer cannot forge a row; never random.
AUDIT_CHAIN_KEY = env("AUDIT_CHAIN_KEY", default=SECRET_KEY)
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
