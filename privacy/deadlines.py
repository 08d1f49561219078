"""The answer deadline of a data-subject request, as REQUIREMENTS.md section 2 works it out.

Pure functions of dates and zones: no database, no settings read here (callers pass them in).
The day of receipt is read in the site time zone; the period ends at the end of the earlier of
"+30 days" (the policy's promise) and "+1 calendar month" (Art. 12(3), Reg. 1182/71 art. 3);
one extension may reach at most two calendar months past that first due date.
"""

import calendar
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

MAX_EXTENSION_MONTHS = 2
PERIODS = ("30d", "1m")
# A date written in full, per language, for deadlines and "kept until" lines (R81); English is the fall-back.
FULL_DATE = {"en": "j F Y", "fr": "j F Y", "es": r"j \d\e F \d\e Y", "it": "j F Y", "de": "j. F Y"}


def full_date_format(language: str | None) -> str:
    """The date format of FULL_DATE for a language code ("fr", "fr-be", None)."""
    return FULL_DATE.get((language or "en")[:2], FULL_DATE["en"])


def add_months(d: date, months: int) -> date:
    """Same day number `months` later, or the last day of that month when it is shorter."""
    index = d.month - 1 + months
    year, month = d.year + index // 12, index % 12 + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def local_date(moment: datetime, tz: str) -> date:
    """The calendar date of an aware datetime in zone `tz` (convert first, then take the date)."""
    if moment.tzinfo is None:
        raise ValueError("an aware datetime is required")
    return moment.astimezone(ZoneInfo(tz)).date()


def end_of_day(d: date, tz: str) -> datetime:
    """The last instant of day `d` in `tz`, as an aware UTC datetime (the offset in force that day)."""
    local = datetime.combine(d, time.max, tzinfo=ZoneInfo(tz))
    return local.astimezone(UTC)


def due_date(received_at: datetime, *, tz: str, period: str = "30d") -> date:
    if period not in PERIODS:
        raise ValueError(f"period must be one of {PERIODS}, not {period!r}")
    d0 = local_date(received_at, tz)
    month_date = add_months(d0, 1)
    if period == "1m":
        return month_date
    return min(d0 + timedelta(days=30), month_date)


def due_at(received_at: datetime, *, tz: str, period: str = "30d") -> datetime:
    return end_of_day(due_date(received_at, tz=tz, period=period), tz)


def extension_ceiling(first_due_date: date, *, months: int = MAX_EXTENSION_MONTHS) -> date:
    """The latest date an extension may reach; never more than the law's two months."""
    return add_months(first_due_date, min(months, MAX_EXTENSION_MONTHS))


def due_soon_until(now: datetime, days: int, *, tz: str) -> datetime:
    """The end of the last local day that counts as due soon: `days` days after today in `tz`."""
    return end_of_day(local_date(now, tz) + timedelta(days=days), tz)


def days_left(deadline: datetime, now: datetime, *, tz: str) -> int:
    """Whole local days from today to the deadline's day: 0 on the last day, negative once overdue."""
    return (local_date(deadline, tz) - local_date(now, tz)).days


def easter(year: int) -> date:
    """Gregorian Easter Sunday (anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    m = (32 + 2 * e + 2 * i - h - k) % 7
    n = (a + 11 * h + 22 * m) // 451
    month = (h + m - 7 * n + 114) // 31
    day = (h + m - 7 * n + 114) % 31 + 1
    return date(year, month, day)


def paused_due_at(due_at: datetime, asked_at: datetime, answered_at: datetime, *, tz: str) -> datetime:
    """With DSR_PAUSE_FOR_IDENTITY on (2.5): the due date moves forward by the whole local days between asking the
    person for identity details and their answer; still the end of a local day."""
    paused = (local_date(answered_at, tz) - local_date(asked_at, tz)).days
    return end_of_day(local_date(due_at, tz) + timedelta(days=max(paused, 0)), tz)


def french_holidays(year: int) -> set[date]:
    sunday = easter(year)
    return {
        date(year, 1, 1),
        sunday + timedelta(days=1),  # Easter Monday
        date(year, 5, 1),
        date(year, 5, 8),
        sunday + timedelta(days=39),  # Ascension
        sunday + timedelta(days=50),  # Whit Monday
        date(year, 7, 14),
        date(year, 8, 15),
        date(year, 11, 1),
        date(year, 11, 11),
        date(year, 12, 25),
    }


# DSR_HOLIDAY_CALENDAR (2.6): France, Alsace-Moselle (adds Good Friday and 26 December), or weekends only.
CALENDARS = ("FR", "FR-ALSACE", "NONE")


def holidays(year: int, calendar: str = "FR") -> set[date]:
    calendar = calendar.upper()
    if calendar == "NONE":
        return set()
    found = french_holidays(year)
    if calendar == "FR-ALSACE":
        found |= {easter(year) - timedelta(days=2), date(year, 12, 26)}
    return found


def legal_latest(received_at: datetime, *, tz: str, calendar: str = "FR") -> date:
    """For information only: the legal month moved past weekends and holidays (Reg. 1182/71 art. 3(4))."""
    d = add_months(local_date(received_at, tz), 1)
    while d.weekday() >= 5 or d in holidays(d.year, calendar):
        d += timedelta(days=1)
    return d
