"""Dates as the law wants people to read them: in full, in their language, with the site's time zone (R81)."""

from zoneinfo import ZoneInfo

from django import template
from django.conf import settings
from django.utils import translation
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from privacy.deadlines import full_date_format

register = template.Library()

# Zone cities as people name them; add a city here when a deployment uses another zone.
CITIES = {"Europe/Paris": gettext_noop("Paris"), "Europe/London": gettext_noop("London")}


@register.filter
def day_in_full(day):
    """'28 February 2026' / '28 février 2026': a day written in full in the active language, never 2026-02-28."""
    if day is None:
        return ""
    return date_format(day, full_date_format(translation.get_language()))


@register.filter
def in_full(moment):
    """'28 February 2026, Paris time' / '28 février 2026, heure de Paris'."""
    if moment is None:
        return ""
    zone = settings.SITE_TIME_ZONE
    local = moment.astimezone(ZoneInfo(zone))
    city = _(CITIES.get(zone, zone.split("/")[-1].replace("_", " ")))
    return _("%(date)s, %(city)s time") % {
        "date": date_format(local, full_date_format(translation.get_language())),
        "city": city,
    }


@register.filter
def in_full_date(day):
    """A day alone, in full and in the reader's language: '28 February 2026' / '28 février 2026'."""
    if day is None:
        return ""
    if hasattr(day, "astimezone"):
        day = day.astimezone(ZoneInfo(settings.SITE_TIME_ZONE)).date()
    return date_format(day, full_date_format(translation.get_language()))


@register.simple_tag
def privacy_dashboard():
    """The DPO dashboard's figures and chart, for the admin index (shown only to those who work the queue)."""
    from privacy import dashboard

    return dashboard.summary()


@register.filter
def days_left(req):
    return req.days_left()


@register.simple_tag
def authority():
    """The supervisory authority, one constant for pages, mails and the PDF."""
    from privacy.authority import CNIL

    return CNIL
