"""The deadline function against every worked example of REQUIREMENTS.md section 2.7, and the flag checks."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from privacy.deadlines import (
    add_months,
    days_left,
    due_at,
    due_date,
    easter,
    end_of_day,
    extension_ceiling,
    legal_latest,
    paused_due_at,
)

PARIS = "Europe/Paris"


def _t(text):
    return datetime.fromisoformat(text)


# received_at, due date used, due_at stored (UTC), legal latest, extension ceiling
WORKED_EXAMPLES = [
    (
        "2026-03-05T10:00+01:00",
        date(2026, 4, 4),
        "2026-04-04T21:59:59.999999+00:00",
        date(2026, 4, 7),
        date(2026, 6, 4),
    ),
    (
        "2026-01-31T09:00+01:00",
        date(2026, 2, 28),
        "2026-02-28T22:59:59.999999+00:00",
        date(2026, 3, 2),
        date(2026, 4, 28),
    ),
    (
        "2028-01-31T09:00+01:00",
        date(2028, 2, 29),
        "2028-02-29T22:59:59.999999+00:00",
        date(2028, 2, 29),
        date(2028, 4, 29),
    ),
    (
        "2026-01-31T23:30+00:00",
        date(2026, 3, 1),
        "2026-03-01T22:59:59.999999+00:00",
        date(2026, 3, 2),
        date(2026, 5, 1),
    ),
    (
        "2026-03-01T12:00+01:00",
        date(2026, 3, 31),
        "2026-03-31T21:59:59.999999+00:00",
        date(2026, 4, 1),
        date(2026, 5, 31),
    ),
    (
        "2026-11-30T15:00+01:00",
        date(2026, 12, 30),
        "2026-12-30T22:59:59.999999+00:00",
        date(2026, 12, 30),
        date(2027, 2, 28),
    ),
    (
        "2025-12-30T15:00+01:00",
        date(2026, 1, 29),
        "2026-01-29T22:59:59.999999+00:00",
        date(2026, 1, 30),
        date(2026, 3, 29),
    ),
    (
        "2026-04-30T08:00+02:00",
        date(2026, 5, 30),
        "2026-05-30T21:59:59.999999+00:00",
        date(2026, 6, 1),
        date(2026, 7, 30),
    ),
]


@pytest.mark.parametrize(("received", "used", "stored", "latest", "ceiling"), WORKED_EXAMPLES)
def test_worked_examples(received, used, stored, latest, ceiling):
    received_at = _t(received)

    assert due_date(received_at, tz=PARIS) == used
    assert due_at(received_at, tz=PARIS) == _t(stored)
    assert due_at(received_at, tz=PARIS).tzinfo == UTC
    assert legal_latest(received_at, tz=PARIS) == latest
    assert extension_ceiling(used) == ceiling


def test_example_2_flags():
    received_at = _t("2026-01-31T09:00+01:00")
    deadline = due_at(received_at, tz=PARIS)
    paris = ZoneInfo(PARIS)

    assert days_left(deadline, datetime(2026, 2, 21, 12, tzinfo=paris), tz=PARIS) == 7
    assert datetime(2026, 2, 28, 23, 0, tzinfo=paris) <= deadline  # not yet overdue
    assert datetime(2026, 2, 28, 23, 59, tzinfo=paris) <= deadline  # an extension is still accepted
    one_past = datetime(2026, 3, 1, 0, 0, 1, tzinfo=paris)
    assert one_past > deadline and days_left(deadline, one_past, tz=PARIS) == -1
    assert datetime(2026, 3, 1, 0, 0, tzinfo=paris) > deadline  # an extension is refused


def test_one_month_setting_uses_the_legal_month_only():
    assert due_date(_t("2026-03-05T10:00+01:00"), tz=PARIS, period="1m") == date(2026, 4, 5)
    assert due_date(_t("2026-01-31T09:00+01:00"), tz=PARIS, period="1m") == date(2026, 2, 28)
    with pytest.raises(ValueError):
        due_date(_t("2026-03-05T10:00+01:00"), tz=PARIS, period="45d")


def test_the_result_is_never_later_than_the_law_or_the_policy():
    start = datetime(2024, 1, 1, 12, tzinfo=UTC)
    for i in range(0, 366 * 2):
        received_at = start + timedelta(days=i, hours=i % 24)
        d0 = received_at.astimezone(ZoneInfo(PARIS)).date()
        d = due_date(received_at, tz=PARIS)
        assert d <= add_months(d0, 1) and d <= d0 + timedelta(days=30)
        assert extension_ceiling(d) <= add_months(d0, 3)


def test_add_months_clamps_at_month_ends():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2026, 12, 31), 2) == date(2027, 2, 28)
    assert add_months(date(2026, 3, 31), 1) == date(2026, 4, 30)


def test_an_extension_ceiling_cannot_exceed_two_months():
    assert extension_ceiling(date(2026, 1, 15), months=5) == date(2026, 3, 15)


def test_end_of_day_uses_the_offset_of_that_day():
    assert end_of_day(date(2026, 3, 28), PARIS).hour == 22
    assert end_of_day(date(2026, 3, 29), PARIS).hour == 21


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        due_date(datetime(2026, 1, 1, 12), tz=PARIS)


def test_easter():
    assert [easter(y) for y in (2024, 2026, 2028)] == [date(2024, 3, 31), date(2026, 4, 5), date(2028, 4, 16)]


# Section 2.6: the informational legal date under each holiday calendar.
@pytest.mark.parametrize(
    ("received", "calendar", "latest"),
    [
        # Received 26 Nov 2026: the legal month ends Sat 26 Dec, then Sunday.
        (datetime(2026, 11, 26, 10, tzinfo=ZoneInfo(PARIS)), "FR", date(2026, 12, 28)),
        # Alsace-Moselle adds 26 December, a Saturday here: no change.
        (datetime(2026, 11, 26, 10, tzinfo=ZoneInfo(PARIS)), "FR-ALSACE", date(2026, 12, 28)),
        # 25 Nov 2027: the month ends on Christmas, a Saturday; Sunday 26th; Monday 27th works everywhere.
        (datetime(2027, 11, 25, 10, tzinfo=ZoneInfo(PARIS)), "FR-ALSACE", date(2027, 12, 27)),
        # Good Friday 2027 is 26 March: received 26 Feb 2027, the month ends that Friday.
        (datetime(2027, 2, 26, 10, tzinfo=ZoneInfo(PARIS)), "FR", date(2027, 3, 26)),
        (datetime(2027, 2, 26, 10, tzinfo=ZoneInfo(PARIS)), "FR-ALSACE", date(2027, 3, 30)),
        # Weekends only: Easter Monday 29 March 2027 is a working day.
        (datetime(2027, 2, 28, 10, tzinfo=ZoneInfo(PARIS)), "NONE", date(2027, 3, 29)),
        (datetime(2027, 2, 28, 10, tzinfo=ZoneInfo(PARIS)), "FR", date(2027, 3, 30)),
    ],
)
def test_the_legal_latest_date_follows_the_holiday_calendar(received, calendar, latest):
    assert legal_latest(received, tz=PARIS, calendar=calendar) == latest


# Section 2.5: with the pause on, the due date moves by the whole local days the person took to answer.
@pytest.mark.parametrize(
    ("asked", "answered", "moved_to"),
    [
        # Due 28 Feb 2026; asked on 3 Feb at 23:30, answered on 5 Feb at 00:10: two local days.
        ("2026-02-03 23:30", "2026-02-05 00:10", date(2026, 3, 2)),
        # Asked and answered the same day: no shift.
        ("2026-02-10 09:00", "2026-02-10 18:00", date(2026, 2, 28)),
        # Across the change to summer time (29 March 2026): still whole days.
        ("2026-02-20 12:00", "2026-03-30 12:00", date(2026, 4, 7)),
    ],
)
def test_the_identity_pause_moves_the_due_date_by_whole_local_days(asked, answered, moved_to):
    zone = ZoneInfo(PARIS)
    due = datetime(2026, 2, 28, 23, 59, 59, 999999, tzinfo=zone)
    at = lambda text: datetime.fromisoformat(text).replace(tzinfo=zone)  # noqa: E731

    moved = paused_due_at(due, at(asked), at(answered), tz=PARIS)

    assert moved == datetime.combine(moved_to, datetime.max.time(), tzinfo=zone)
