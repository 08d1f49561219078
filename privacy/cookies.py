"""Cookies and tags: what the site may set or load, and for which purpose; the visitor's choice and its expiry.

Before a choice only the strictly necessary cookies exist (R31). A choice is kept in one strictly necessary
cookie, signed, with the anonymous visitor id that its consent-ledger rows carry. A grant counts for 13 months
and a refusal for 6 (retention's `cookie_choice_expired`, on the rules `cookie_consent_expire` and
`cookie_refusal_reask`); after that the
banner asks again (R33). A browser sending Global Privacy Control counts as "Refuse all" until the visitor
opts in through the settings page.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from privacy.models import COOKIE_PURPOSES, Purpose
from privacy.services.policy import policy_notice
from retention.rules import cookie_choice_expired

CHOICE_COOKIE = "cookie_choice"
ANALYTICS_COOKIE = "site_analytics"
AFFILIATE_COOKIE = "affiliate_ref"
AFFILIATE_SESSION_KEY = "affiliate_ref"
SALT = "privacy.cookies.choice"


@dataclass(frozen=True)
class Cookie:
    name: str
    purpose: str | None  # None: strictly necessary, set without asking
    lifetime: str
    description: str


@dataclass(frozen=True)
class Tag:
    """A script loaded only for visitors who consented to its purpose (R34); its URL comes from the settings."""

    purpose: str
    setting: str
    label: str

    @property
    def src(self) -> str:
        return getattr(settings, self.setting, "") or ""


def cookies() -> list[Cookie]:
    """Every cookie the site sets, as listed on the policy page."""
    return [
        Cookie(
            settings.SESSION_COOKIE_NAME, None, _("until you log out or close the browser"), _("Keeps you logged in.")
        ),
        Cookie(settings.CSRF_COOKIE_NAME, None, _("1 year"), _("Protects the forms against forgery.")),
        Cookie(settings.LANGUAGE_COOKIE_NAME, None, _("1 year"), _("Remembers the language you chose.")),
        Cookie(CHOICE_COOKIE, None, _("13 months"), _("Remembers your cookie choices.")),
        Cookie(
            ANALYTICS_COOKIE,
            Purpose.ANALYTICS,
            _("13 months"),
            _("An anonymous id to count visits and pages (audience measurement)."),
        ),
        Cookie(
            AFFILIATE_COOKIE,
            Purpose.AFFILIATION,
            _("%(days)d days") % {"days": affiliate_cookie_days()},
            _("The affiliate who sent you, for their commission."),
        ),
    ]


TAGS = (
    Tag(Purpose.ANALYTICS, "ANALYTICS_TAG_URL", _("Audience measurement")),
    Tag(Purpose.ADVERTISING, "ADVERTISING_TAG_URL", _("Advertising")),
)

NON_ESSENTIAL = frozenset((ANALYTICS_COOKIE, AFFILIATE_COOKIE))
MAX_AGE = 13 * 31 * 24 * 3600  # a little over 13 months; the choice itself is checked against its date


def affiliate_cookie_days() -> int:
    """The setting, never more than 13 months (R83)."""
    return max(1, min(int(settings.AFFILIATE_COOKIE_DAYS), 395))


@dataclass
class Choice:
    visitor_id: str
    given_at: datetime | None
    granted: dict  # purpose -> bool, for COOKIE_PURPOSES
    gpc: bool = False

    @property
    def made(self) -> bool:
        return self.given_at is not None

    def allows(self, purpose) -> bool:
        if purpose == Purpose.ANALYTICS and settings.AUDIENCE_MEASUREMENT_EXEMPT:
            # R35's exempt mode: anonymous first-party statistics run unless the visitor said no (or sends GPC).
            return not self.gpc and (not self.made or bool(self.granted.get(purpose)))
        return self.made and bool(self.granted.get(purpose))

    @property
    def any_granted(self) -> bool:
        return any(self.granted.get(p) for p in COOKIE_PURPOSES)


def new_visitor_id() -> str:
    return secrets.token_urlsafe(16)


def read_choice(request) -> Choice:
    """The visitor's current choice; an expired, forged or missing one counts as no choice."""
    gpc = request.headers.get("Sec-GPC", "").strip() == "1"
    raw = request.COOKIES.get(CHOICE_COOKIE, "")
    try:
        data = signing.loads(raw, salt=SALT) if raw else None
    except signing.BadSignature:
        data = None
    if data:
        visitor_id = str(data.get("v", ""))[:64] or new_visitor_id()
        try:
            given_at = datetime.fromisoformat(data["at"])
        except (KeyError, TypeError, ValueError):
            given_at = None
        granted = {p.value: bool(data.get("p", {}).get(p.value)) for p in COOKIE_PURPOSES}
        if given_at and not cookie_choice_expired(given_at=given_at, granted=any(granted.values()), now=timezone.now()):
            return Choice(visitor_id, given_at, granted, gpc)
        return Choice(visitor_id, None, {}, gpc)
    return Choice(new_visitor_id(), None, {}, gpc)


def write_choice(response, choice: Choice):
    """Store the choice, and remove at once the cookies of every purpose no longer granted (R32)."""
    value = signing.dumps(
        {"v": choice.visitor_id, "at": choice.given_at.isoformat(), "p": choice.granted}, salt=SALT, compress=True
    )
    response.set_cookie(
        CHOICE_COOKIE,
        value,
        max_age=MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    if not choice.allows(Purpose.ANALYTICS):
        response.delete_cookie(ANALYTICS_COOKIE, samesite="Lax")
    if not choice.allows(Purpose.AFFILIATION):
        response.delete_cookie(AFFILIATE_COOKIE, samesite="Lax")


def banner_state(request) -> dict:
    """What the templates need: show the banner? GPC notice? which tags may load?"""
    choice = getattr(request, "cookie_choice", None) or read_choice(request)
    show = not choice.made and not choice.gpc
    return {
        "choice": choice,
        "show_banner": show,
        "gpc_notice": choice.gpc and not choice.made,
        "tags": [t for t in TAGS if t.src and choice.allows(t.purpose)],
    }


def cookie_context(request):
    """Template context processor: the banner's state, the policy notice and the terms' address on every page."""
    return {
        "cookie_consent": banner_state(request),
        "policy_notice": policy_notice(),
        "terms_url": settings.TERMS_URL,
    }
