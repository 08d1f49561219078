"""Settings of accounts, login and the second factor (django-allauth), star-imported by config/settings.py."""

from config.environment import DEBUG, env

# Accounts (django-allauth): email login, mandatory verification by a code typed in the signing-up session.
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {"signup": "accounts.forms.SignupForm", "login": "accounts.forms.LoginForm"}
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_EMAIL_VERIFICATION_SUPPORTS_RESEND = True
# No "use another address" on the code page: it is offered only when no account exists, which would tell.
ACCOUNT_EMAIL_VERIFICATION_SUPPORTS_CHANGE = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_MAX_EMAIL_ADDRESSES = 2
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_REAUTHENTICATION_REQUIRED = True
# R69: sensitive actions need an authentication in this session within the last 15 minutes.
ACCOUNT_REAUTHENTICATION_TIMEOUT = env.int("REAUTHENTICATION_TIMEOUT", default=15 * 60)
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
# Limits live in CACHES (shared by every web process); a client over one gets HTTP 429.
ACCOUNT_RATE_LIMITS = {
    "login_failed": env("RATE_LOGIN_FAILED", default="10/m/ip,5/15m/key"),
    "login": env("RATE_LOGIN", default="30/m/ip"),
    "signup": env("RATE_SIGNUP", default="5/10m/ip"),
    "reset_password": env("RATE_RESET_PASSWORD", default="5/10m/ip,3/h/key"),
    "reset_password_from_key": "20/m/ip",
    "manage_email": env("RATE_CHANGE_EMAIL", default="3/h/user"),
    "change_password": "5/m/user",
    "reauthenticate": "10/m/user",
    "confirm_email": "3/m/key",
}
# Second factor (R69): TOTP with recovery codes, and WebAuthn security keys.
MFA_ADAPTER = "accounts.adapter.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_TOTP_ISSUER = env("MFA_TOTP_ISSUER", default="Client area")
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
MFA_TRUST_ENABLED = False
# One period either side for clock drift between the phone and the server.
MFA_TOTP_TOLERANCE = 1
# The demo DPO of `seed_demo` is not asked for a second factor, and only while DEBUG is on (DESIGN.md).
MFA_DEVELOPMENT_EXEMPT = ["dpo@example.com"]
# Sessions are recorded at login; no write on every request to track activity.
USERSESSIONS_TRACK_ACTIVITY = False
