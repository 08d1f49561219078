"""Settings of what customers buy and how they are screened, star-imported by config/settings.py: the age of
digital consent, the fraud rules, cookies and affiliates, payments."""

from config.environment import env

# R76: the age of digital consent per country, each raised to the policy's floor (16, or 13 for the US).
DIGITAL_CONSENT_AGE = {"FR": 15, "DE": 16, "ES": 14, "IT": 14, "BE": 13, "AT": 14, "IE": 16, "NL": 16, "US": 13}
DIGITAL_CONSENT_AGE_DEFAULT = 16
DIGITAL_CONSENT_FLOOR = env.int("DIGITAL_CONSENT_FLOOR", default=16)
DIGITAL_CONSENT_FLOOR_US = env.int("DIGITAL_CONSENT_FLOOR_US", default=13)

# R28: the automatic fraud rules (accounts/fraud.py). Each one is simple enough to explain to the customer (Art. 22).
FRAUD_SCREENING = env.bool("FRAUD_SCREENING", default=True)
# Card testing: more than this many orders by one customer, or from one IP address, within the window.
FRAUD_VELOCITY_MAX_ORDERS = env.int("FRAUD_VELOCITY_MAX_ORDERS", default=5)
FRAUD_VELOCITY_WINDOW_MINUTES = env.int("FRAUD_VELOCITY_WINDOW_MINUTES", default=10)
# A VAT number whose country prefix differs from the billing country.
FRAUD_VAT_COUNTRY_MISMATCH = env.bool("FRAUD_VAT_COUNTRY_MISMATCH", default=True)

# Cookies and tags (R31-R35, R83). A tag loads only for visitors who agreed to its purpose; empty means none.
ANALYTICS_TAG_URL = env("ANALYTICS_TAG_URL", default="")
ADVERTISING_TAG_URL = env("ADVERTISING_TAG_URL", default="")
# R35: first-party anonymous audience measurement without consent, unless the visitor refused it.
AUDIENCE_MEASUREMENT_EXEMPT = env.bool("AUDIENCE_MEASUREMENT_EXEMPT", default=False)
# Lifetime of the persistent affiliate cookie, set only after consent; never more than 13 months (R83).
AFFILIATE_COOKIE_DAYS = env.int("AFFILIATE_COOKIE_DAYS", default=30)
# Share of an order's amount owed to the affiliate whose code the order carries (R83, R84).
AFFILIATE_COMMISSION_PERCENT = env.int("AFFILIATE_COMMISSION_PERCENT", default=10)

# Payments (R02, R86-R88). The provider class takes the order form's payments; the default, a bank transfer, needs
# no network. The update URL is the provider's hosted page where a customer changes a renewal's means of payment.
PAYMENT_PROVIDER = env("PAYMENT_PROVIDER", default="accounts.ordering.providers.BankTransferProvider")
PAYMENT_METHOD_UPDATE_URL = env("PAYMENT_METHOD_UPDATE_URL", default="")
PAYMENT_BANK_HOLDER = env("PAYMENT_BANK_HOLDER", default="Example Hosting SAS")
PAYMENT_BANK_IBAN = env("PAYMENT_BANK_IBAN", default="FR76 3000 6000 0112 3456 7890 189")
PAYMENT_BANK_BIC = env("PAYMENT_BANK_BIC", default="AGRIFRPP")
