"""The customer rules at fixed dates, each with the day before it applies, and every exception (R48-R51, R59, R78)."""

import pytest
import time_machine

from accounts.models import Service, User
from privacy.models import DataSubjectRequest, Restriction
from privacy.services.requests import request_file
from retention.models import ErasureTombstone, LegalHold, RetentionRun
from tests import factories
from tests.retention.conftest import at, nightly

pytestmark = pytest.mark.django_db

ARCHIVE, ARCHIVED, EMPTY, TERMINATED, MINOR = (
    "customer_inactive_archive",
    "customer_archived_erase",
    "customer_empty_erase",
    "customer_terminated_erase",
    "minor_erase",
)


def state(customer):
    return User.objects.get(pk=customer.pk).state


def customer_seen_on(day_text, **fields):
    """A customer who ordered once and was last active on that day (midday, site time)."""
    with time_machine.travel(at("2025-01-02"), tick=False):
        customer = factories.CustomerFactory(date_joined=at("2025-01-02"), **fields)
        factories.OrderFactory(customer=customer, created_at=at("2025-01-02"))
    User.objects.filter(pk=customer.pk).update(last_activity_at=at(day_text), last_login=at(day_text))
    return customer


def archived_on(day_text, **fields):
    customer = customer_seen_on("2025-06-01", **fields)
    customer.set_state(User.State.ARCHIVED, when=at(day_text))
    customer.save()
    return customer


# Inactive customers are archived 3 months and a day after their last activity (R48).


def test_a_customer_inactive_three_months_and_a_day_is_archived_one_day_less_is_not():
    customer = customer_seen_on("2026-01-31")

    assert nightly(ARCHIVE, "2026-04-30")["matched"] == 0
    assert state(customer) == User.State.ACTIVE

    counts = nightly(ARCHIVE, "2026-05-01")

    assert counts["archived"] == 1
    archived = User.objects.get(pk=customer.pk)
    assert archived.state == User.State.ARCHIVED and not archived.is_active
    assert archived.archived_at == at("2026-05-01").replace(hour=2, minute=30)


def test_archiving_counts_from_the_latest_of_login_order_and_service_end_whatever_last_activity_says():
    customer = customer_seen_on("2026-01-31")
    factories.ServiceFactory(customer=customer, order=None, status=Service.Status.TERMINATED, ended_at=at("2026-03-01"))

    assert nightly(ARCHIVE, "2026-05-01")["matched"] == 0
    assert nightly(ARCHIVE, "2026-06-02")["archived"] == 1


@pytest.mark.parametrize("reason", ["active_service", "open_request", "legal_hold"])
def test_archiving_skips_the_exceptions_and_counts_them_by_reason(reason):
    customer = customer_seen_on("2026-01-31")
    with time_machine.travel(at("2026-02-01"), tick=False):
        if reason == "active_service":
            factories.ServiceFactory(customer=customer, order=None, status=Service.Status.ACTIVE)
        elif reason == "open_request":
            request_file(kind="access", channel="client_area", customer=customer, received_at=at("2026-02-01"))
        else:
            LegalHold.objects.create(customer=customer, reason="Unpaid balance", reference="INV-1")

    counts = nightly(ARCHIVE, "2026-05-01")

    assert counts["matched"] == 1 and counts["skipped"] == {reason: 1} and "archived" not in counts
    assert state(customer) == User.State.ACTIVE


def test_a_lifted_or_ended_hold_no_longer_blocks():
    lifted, ended = customer_seen_on("2026-01-31"), customer_seen_on("2026-01-31")
    with time_machine.travel(at("2026-02-01"), tick=False):
        LegalHold.objects.create(customer=lifted, reason="Settled", lifted_at=at("2026-03-01"))
        LegalHold.objects.create(customer=ended, reason="Until April", ends_at=at("2026-04-30"))

    assert nightly(ARCHIVE, "2026-05-01")["archived"] == 2


def test_staff_accounts_are_never_archived_or_erased():
    staff = customer_seen_on("2020-01-31", is_staff=True)
    User.objects.filter(pk=staff.pk).update(state=User.State.ARCHIVED, archived_at=at("2020-02-01"))

    assert nightly(ARCHIVE, "2026-05-01")["matched"] == 0
    assert nightly(ARCHIVED, "2026-05-01")["matched"] == 0
    assert User.objects.get(pk=staff.pk).email == staff.email


# Archived customers are erased 6 months after archiving (R49).


def test_an_archived_customer_is_erased_six_months_and_a_day_later():
    customer = archived_on("2025-11-01")

    assert nightly(ARCHIVED, "2026-05-01")["matched"] == 0
    counts = nightly(ARCHIVED, "2026-05-02")

    assert counts["erased"] == 1
    assert state(customer) == User.State.ERASED
    assert ErasureTombstone.objects.filter(reference=ARCHIVED).count() == 1


def test_an_archived_customer_reactivated_by_the_dpo_is_not_erased():
    customer = archived_on("2025-06-01")
    customer.set_state(User.State.ACTIVE)
    customer.save()

    assert nightly(ARCHIVED, "2026-05-02")["matched"] == 0


@pytest.mark.parametrize(("ground", "blocks"), [("a", False), ("b", True), ("c", True), ("d", False)])
def test_only_a_restriction_on_ground_b_or_c_holds_the_erasure_back(ground, blocks):
    customer = archived_on("2025-06-01")
    with time_machine.travel(at("2025-07-01"), tick=False):
        req = request_file(kind="restriction", channel="email", customer=customer, received_at=at("2025-07-01"))
        DataSubjectRequest.objects.filter(pk=req.pk).update(status="completed", closed_at=at("2025-07-02"))
        Restriction.objects.create(customer=customer, request=req, ground=ground, starts_at=at("2025-07-02"))

    counts = nightly(ARCHIVED, "2026-05-02")

    assert counts["skipped"] == ({"restriction": 1} if blocks else {})
    assert state(customer) == (User.State.ARCHIVED if blocks else User.State.ERASED)


def test_an_ended_restriction_no_longer_holds_it_back():
    customer = archived_on("2025-06-01")
    with time_machine.travel(at("2025-07-01"), tick=False):
        req = request_file(kind="restriction", channel="email", customer=customer, received_at=at("2025-07-01"))
        DataSubjectRequest.objects.filter(pk=req.pk).update(status="completed", closed_at=at("2025-07-02"))
        Restriction.objects.create(customer=customer, request=req, ground="c", ends_at=at("2026-01-01"))

    assert nightly(ARCHIVED, "2026-05-02")["erased"] == 1


@pytest.mark.parametrize("reason", ["legal_hold", "open_request", "active_service"])
def test_the_archived_erasure_skips_held_requesting_and_served_customers(reason):
    customer = archived_on("2025-06-01")
    with time_machine.travel(at("2026-01-01"), tick=False):
        if reason == "legal_hold":
            LegalHold.objects.create(customer=customer, reason="Judicial requisition", reference="PV-12")
        elif reason == "open_request":
            # A public-form request by the same address, even unlinked, is the same person's.
            request_file(kind="access", channel="email", email=customer.email, name="X", received_at=at("2026-01-01"))
        else:
            factories.ServiceFactory(customer=customer, status=Service.Status.ACTIVE)

    counts = nightly(ARCHIVED, "2026-05-02")

    assert counts["skipped"] == {reason: 1}
    assert state(customer) == User.State.ARCHIVED


# Empty customers are erased 6 months after registration, however often they log in (R50).


def test_a_customer_who_never_ordered_is_erased_six_months_after_registration_even_if_active():
    with time_machine.travel(at("2025-08-31"), tick=False):
        customer = factories.CustomerFactory(date_joined=at("2025-08-31"))
    User.objects.filter(pk=customer.pk).update(last_login=at("2026-02-27"), last_activity_at=at("2026-02-27"))

    assert nightly(EMPTY, "2026-02-28")["matched"] == 0
    assert nightly(EMPTY, "2026-03-01")["erased"] == 1
    assert not User.objects.filter(pk=customer.pk).exists()  # nothing kept points to it: the row goes


def test_a_customer_with_an_order_or_a_service_is_not_empty():
    with time_machine.travel(at("2025-01-01"), tick=False):
        factories.OrderFactory(customer__date_joined=at("2025-01-01"))
        factories.ServiceFactory(customer__date_joined=at("2025-01-01"))

    assert nightly(EMPTY, "2026-03-01")["matched"] == 0


# Terminated accounts are erased 30 days after the later of termination and last login (R51).


def test_a_terminated_account_is_erased_thirty_days_after_the_later_of_termination_and_last_login():
    customer = customer_seen_on("2026-01-20")
    customer.refresh_from_db()
    customer.set_state(User.State.TERMINATED, when=at("2026-01-10"))
    customer.save()

    assert nightly(TERMINATED, "2026-02-19")["matched"] == 0
    assert nightly(TERMINATED, "2026-02-20")["erased"] == 1


def test_a_termination_after_the_last_login_counts_from_the_termination():
    customer = customer_seen_on("2025-12-01")
    customer.refresh_from_db()
    customer.set_state(User.State.TERMINATED, when=at("2026-01-31"))
    customer.save()

    assert nightly(TERMINATED, "2026-03-02")["matched"] == 0
    assert nightly(TERMINATED, "2026-03-03")["erased"] == 1


# Minors without parental consent are erased 30 days after being flagged (R78).


def test_a_minor_is_erased_thirty_days_after_being_flagged_unless_the_flag_is_cleared():
    flagged = customer_seen_on("2026-02-01", flagged_minor_at=at("2026-02-01"))
    cleared = customer_seen_on("2026-02-01", flagged_minor_at=at("2026-02-01"))
    User.objects.filter(pk=cleared.pk).update(flagged_minor_at=None)

    assert nightly(MINOR, "2026-03-03")["matched"] == 0
    counts = nightly(MINOR, "2026-03-04")

    assert counts["erased"] == 1
    assert (state(flagged), state(cleared)) == (User.State.ERASED, User.State.ACTIVE)


# Every real run is stored with its counts, never the values (R60).


def test_each_real_run_is_stored_with_its_counts_and_skip_reasons_and_a_dry_run_is_not():
    archived_on("2025-06-01")
    held = archived_on("2025-06-01")
    with time_machine.travel(at("2026-01-01"), tick=False):
        LegalHold.objects.create(customer=held, reason="Chargeback")

    nightly(ARCHIVED, "2026-05-02", dry_run=True)
    assert not RetentionRun.objects.exists()
    nightly(ARCHIVED, "2026-05-02")

    run = RetentionRun.objects.get()
    assert (run.rule, run.as_of.isoformat(), run.error) == (ARCHIVED, "2026-05-02", "")
    assert run.finished_at is not None and run.started_at <= run.finished_at
    assert run.counts["matched"] == 2 and run.counts["erased"] == 1 and run.counts["skipped"] == {"legal_hold": 1}
    assert held.email not in str(run.counts)
