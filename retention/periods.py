"""How a retention period is counted, in the site time zone: pure date arithmetic, tested on its own (month ends,
leap years, summer time), over privacy.deadlines'. retention.rules explains the counting in words."""

import calendar
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from privacy import deadlines
from privacy.deadlines import add_months

DAYS, MONTHS, YEARS = "days", "months", "years"


def site_date(instant: datetime) -> date:
    """The day of `instant` in the site time zone (privacy.deadlines.local_date, with the site's zone)."""
    return deadlines.local_date(instant, settings.SITE_TIME_ZONE)


def today() -> date:
    return site_date(timezone.now())


def start_of_day(day: date) -> datetime:
    """Midnight at the start of `day` in the site time zone (midnight always exists in Europe/Paris)."""
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(settings.SITE_TIME_ZONE))


def add_period(day: date, amount: int, unit: str) -> date:
    if unit == DAYS:
        return day + timedelta(days=amount)
    return add_months(day, amount * (12 if unit == YEARS else 1))


def last_due_day(as_of: date, amount: int, unit: str) -> date:
    """The latest trigger day T such that T + period < as_of (adding a period never goes backwards in T)."""
    if unit == DAYS:
        return as_of - timedelta(days=amount + 1)
    day = add_period(as_of, -amount, unit) + timedelta(days=5)
    while add_period(day, amount, unit) >= as_of:
        day -= timedelta(days=1)
    return day


def cutoff(as_of: date, amount: int, unit: str) -> datetime:
    return start_of_day(last_due_day(as_of, amount, unit) + timedelta(days=1))


def fiscal_year_end_setting() -> tuple[int, int]:
    month, day = (int(part) for part in str(settings.FISCAL_YEAR_END).split("-"))
    return month, day


def fiscal_year_end(year: int, month_day: tuple[int, int]) -> date:
    month, day = month_day
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def fiscal_year_end_of(day: date, month_day: tuple[int, int]) -> date:
    """The last day of the fiscal year `day` belongs to."""
    end = fiscal_year_end(day.year, month_day)
    return end if day <= end else fiscal_year_end(day.year + 1, month_day)


def fiscal_cutoff(as_of: date, years: int, month_day: tuple[int, int]) -> datetime:
    """Rows dated before this instant belong to fiscal years that ended more than `years` years before `as_of`."""
    year = as_of.year
    while add_period(fiscal_year_end(year, month_day), years, YEARS) >= as_of:
        year -= 1
    return start_of_day(fiscal_year_end(year, month_day) + timedelta(days=1))
