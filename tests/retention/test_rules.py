"""The rule catalogue: periods from settings within their legal limits, and how a period is counted (R47)."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import checks

from privacy.deadlines import add_months
from privacy.registry import registry
from retention.periods import DAYS, MONTHS, YEARS, cutoff, fiscal_cutoff, last_due_day, start_of_day
from retention.rules import RULES
from retention.sweeps import RUN_ORDER, SWEEPS

PARIS = ZoneInfo("Europe/Paris")


def test_every_published_rule_has_a_sweep_and_a_place_in_the_nightly_order():
    assert set(RUN_ORDER) == set(RULES)
    assert all(SWEEPS[name] for name in RULES)


def test_every_rule_names_its_data_trigger_action_and_period():
    for rule in RULES.values():
        assert str(rule.data) and str(rule.trigger) and rule.action_label, rule.name
        assert str(rule.period), rule.name


def test_every_registry_entry_is_governed_by_a_rule_that_exists():
    assert {e.retention for e in registry.entries()} <= set(RULES)


@pytest.mark.parametrize(
    ("rule", "text"),
    [
        ("customer_inactive_archive", "3 months"),
        ("customer_archived_erase", "6 months"),
        ("customer_empty_erase", "6 months"),
        ("customer_terminated_erase", "30 days"),
        ("invoice_cancelled_delete", "30 days"),
        ("order_stale_delete", "30 days"),
        ("accounting_records_delete", "10 years"),
        ("order_data_delete", "10 years"),
        ("support_ticket_delete", "3 years"),
        ("connection_log_delete", "12 months"),
        ("prospect_delete", "3 years"),
        ("cookie_consent_expire", "13 months"),
        ("cookie_refusal_reask", "6 months"),
        ("minor_erase", "30 days"),
        ("fraud_marker_delete", "3 years"),
        ("public_request_unconfirmed_delete", "7 days"),
        ("request_file_anonymise", "5 years"),
        ("lcen_host_identity", "5 years"),
        ("export_expire", "7 days"),
    ],
)
def test_the_default_periods_are_the_published_ones(rule, text):
    assert RULES[rule].period == text


def test_a_setting_changes_the_period(settings):
    settings.RETENTION_CUSTOMER_INACTIVE_MONTHS = 4

    assert RULES["customer_inactive_archive"].amount == 4
    assert RULES["customer_inactive_archive"].period == "4 months"


def test_the_accounting_period_cannot_go_below_its_legal_floor(settings):
    settings.RETENTION_ACCOUNTING_YEARS = 3

    rule = RULES["accounting_records_delete"]
    assert (rule.amount, rule.clamped, rule.floor_text) == (10, True, "10 years")


def test_the_log_and_cookie_periods_cannot_go_above_their_ceilings(settings):
    settings.RETENTION_CONNECTION_LOG_MONTHS = 36
    settings.RETENTION_COOKIE_CONSENT_MONTHS = 24

    assert RULES["connection_log_delete"].amount == 12
    assert RULES["cookie_consent_expire"].amount == 13


def test_a_host_keeps_connection_logs_twelve_months_no_less(settings):
    settings.RETENTION_CONNECTION_LOG_MONTHS = 6
    assert RULES["connection_log_delete"].amount == 6

    settings.HOST_OBLIGATIONS = True
    assert RULES["connection_log_delete"].amount == 12


def test_a_clamped_setting_is_reported_by_the_system_checks(settings):
    settings.RETENTION_ACCOUNTING_YEARS = 5

    warnings = [m for m in checks.run_checks(tags=["retention"]) if m.id == "retention.W001"]

    assert len(warnings) == 1 and "RETENTION_ACCOUNTING_YEARS=5" in warnings[0].msg


def test_a_negative_setting_counts_as_zero(settings):
    settings.RETENTION_ORDER_STALE_DAYS = -5

    assert RULES["order_stale_delete"].amount == 0


# How a period is counted: "period and a day", months clamped at month ends, days in the site time zone.


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),  # leap year
        (date(2026, 1, 31), 3, date(2026, 4, 30)),
        (date(2025, 11, 30), 3, date(2026, 2, 28)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2026, 8, 31), 6, date(2027, 2, 28)),
        (date(2026, 3, 15), -3, date(2025, 12, 15)),
    ],
)
def test_adding_months_clamps_at_month_ends(start, months, expected):
    assert add_months(start, months) == expected


@pytest.mark.parametrize(
    ("trigger", "amount", "unit", "first_due"),
    [
        # Last activity 31 January + 3 months = 30 April: archived on 1 May, not on 30 April.
        (date(2026, 1, 31), 3, MONTHS, date(2026, 5, 1)),
        (date(2026, 1, 30), 3, MONTHS, date(2026, 5, 1)),
        (date(2026, 1, 29), 3, MONTHS, date(2026, 4, 30)),
        (date(2025, 11, 30), 3, MONTHS, date(2026, 3, 1)),
        (date(2027, 11, 30), 3, MONTHS, date(2028, 3, 1)),  # 29 February 2028 + 1 day
        (date(2027, 11, 29), 3, MONTHS, date(2028, 3, 1)),
        (date(2027, 11, 28), 3, MONTHS, date(2028, 2, 29)),
        (date(2025, 8, 31), 6, MONTHS, date(2026, 3, 1)),
        (date(2026, 1, 1), 30, DAYS, date(2026, 2, 1)),
        (date(2026, 3, 1), 30, DAYS, date(2026, 4, 1)),
        (date(2024, 2, 29), 1, YEARS, date(2025, 3, 1)),
        (date(2023, 2, 28), 3, YEARS, date(2026, 3, 1)),
    ],
)
def test_a_row_is_due_the_day_after_its_period_ends(trigger, amount, unit, first_due):
    def due_on(d):
        return start_of_day(trigger) < cutoff(d, amount, unit)

    assert due_on(first_due)
    assert not due_on(first_due - timedelta(days=1))


def test_the_last_due_day_is_exact_for_every_day_of_six_years():
    for unit, amounts in ((MONTHS, (1, 3, 6, 12, 13)), (YEARS, (1, 3, 10)), (DAYS, (7, 30))):
        for amount in amounts:
            d = date(2024, 1, 1)
            while d < date(2030, 1, 1):
                t = last_due_day(d, amount, unit)
                assert t < d
                from retention.periods import add_period

                assert add_period(t, amount, unit) < d <= add_period(t + timedelta(days=1), amount, unit)
                d += timedelta(days=11)


def test_the_cutoff_is_local_midnight_whatever_the_summer_time():
    # Rows up to 31 March are due on 1 May: the cutoff is midnight starting 1 April, summer time (UTC+2).
    assert cutoff(date(2025, 5, 1), 1, MONTHS) == datetime(2025, 4, 1, 0, 0, tzinfo=PARIS)
    assert cutoff(date(2025, 5, 1), 1, MONTHS).utcoffset() == timedelta(hours=2)
    assert cutoff(date(2026, 1, 2), 1, MONTHS).utcoffset() == timedelta(hours=1)


def test_a_row_written_late_evening_utc_counts_on_the_local_day():
    # 31 January 23:30 UTC is 1 February 00:30 in Paris: its 3 months end on 1 May, due on 2 May.
    written = datetime(2026, 1, 31, 23, 30, tzinfo=ZoneInfo("UTC"))
    assert not written < cutoff(date(2026, 5, 1), 3, MONTHS)
    assert written < cutoff(date(2026, 5, 2), 3, MONTHS)


@pytest.mark.parametrize(
    ("fiscal_year_end", "issued", "first_due"),
    [
        ((12, 31), date(2015, 1, 1), date(2026, 1, 1)),
        ((12, 31), date(2015, 12, 31), date(2026, 1, 1)),
        ((12, 31), date(2016, 1, 1), date(2027, 1, 1)),
        ((6, 30), date(2015, 7, 1), date(2026, 7, 1)),
        ((6, 30), date(2015, 6, 30), date(2025, 7, 1)),
        ((2, 28), date(2016, 2, 29), date(2027, 3, 1)),  # fiscal year ending 28 February 2017
    ],
)
def test_accounting_periods_run_from_the_end_of_the_fiscal_year(fiscal_year_end, issued, first_due):
    def due_on(d):
        return start_of_day(issued) < fiscal_cutoff(d, 10, fiscal_year_end)

    assert due_on(first_due)
    assert not due_on(first_due - timedelta(days=1))
