"""The published retention rules' periods, star-imported by config/settings.py: the one place their defaults are
written."""

from django.core.exceptions import ImproperlyConfigured

from config.environment import env

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
RETENTION_ENGAGEMENT_MONTHS = env.int("RETENTION_ENGAGEMENT_MONTHS", default=13)
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
