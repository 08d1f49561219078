"""The record rules at fixed dates, each with the day before it applies, and their exceptions (R52-R58, R62, R63)."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType

from accounts import services as account_services
from accounts.models import (
    AffiliateCommission,
    ConnectionLog,
    Invoice,
    InvoiceLine,
    Order,
    Prospect,
    Service,
    SupportTicket,
    TicketMessage,
    Transaction,
    User,
)
from privacy.models import ConsentRecord, DataSubjectRequest, PendingPublicRequest, Purpose, RequestEvent, Restriction
from privacy.services.requests import request_file
from retention import engine
from retention.models import FraudMarker, HostArchive, LegalHold
from retention.services import customer_erase, retention_run
from retention.sweeps import cookie_choice_expired
from tests import factories
from tests.retention.conftest import at, day, nightly

pytestmark = pytest.mark.django_db


def hold(record, **fields):
    return LegalHold.objects.create(
        content_type=ContentType.objects.get_for_model(record), object_id=record.pk, reason="Dispute", **fields
    )


def issue(customer, when, **fields):
    draft = factories.InvoiceLineFactory(invoice__customer=customer, invoice__created_at=when).invoice
    invoice = account_services.invoice_issue(invoice=draft, when=when)
    if fields:
        Invoice.objects.filter(pk=invoice.pk).update(**fields)
    return invoice


# Unnumbered cancelled invoices: 30 days after cancellation (R52).


def test_a_cancelled_draft_is_deleted_thirty_days_and_a_day_after_cancellation(alice):
    draft = factories.InvoiceFactory(customer=alice, status=Invoice.Status.CANCELLED, cancelled_at=at("2026-01-01"))
    factories.InvoiceLineFactory(invoice=draft)

    assert nightly("invoice_cancelled_delete", "2026-01-31")["matched"] == 0
    counts = nightly("invoice_cancelled_delete", "2026-02-01")

    assert counts["rows"] == {"accounts.Invoice": {"deleted": 1}, "accounts.InvoiceLine": {"deleted": 1}}
    assert not Invoice.objects.filter(pk=draft.pk).exists()


def test_a_numbered_invoice_is_never_deleted_as_a_cancelled_draft(alice):
    with time_machine.travel(at("2026-01-01"), tick=False):
        invoice = issue(alice, at("2026-01-01"))
        account_services.invoice_credit(invoice=invoice, when=at("2026-01-02"))

    assert nightly("invoice_cancelled_delete", "2026-06-01")["matched"] == 0
    assert Invoice.objects.count() == 2


def test_a_cancelled_draft_that_is_held_or_paid_towards_is_kept(alice):
    held = factories.InvoiceFactory(customer=alice, status=Invoice.Status.CANCELLED, cancelled_at=at("2026-01-01"))
    hold(held, created_at=at("2026-01-02"))
    linked = factories.InvoiceFactory(customer=alice, status=Invoice.Status.CANCELLED, cancelled_at=at("2026-01-01"))
    factories.TransactionFactory(customer=alice, invoice=linked, status="failed")

    counts = nightly("invoice_cancelled_delete", "2026-03-01")

    assert counts["skipped"] == {"legal_hold": 1, "linked_record_kept": 1}
    assert Invoice.objects.count() == 2


# Stale orders: 30 days after the last status change (R53).


@pytest.mark.parametrize("status", ["cancelled", "pending", "fraudulent"])
def test_a_stale_order_is_deleted_thirty_days_and_a_day_after_its_last_status_change(alice, status):
    order = factories.OrderFactory(customer=alice, status=status, status_changed_at=at("2026-03-01"))

    assert nightly("order_stale_delete", "2026-03-31")["matched"] == 0
    assert nightly("order_stale_delete", "2026-04-01")["rows"]["accounts.Order"] == {"deleted": 1}
    assert not Order.objects.filter(pk=order.pk).exists()


def test_completed_and_active_orders_are_not_stale(alice):
    factories.OrderFactory(customer=alice, status="completed", status_changed_at=at("2020-01-01"))
    factories.OrderFactory(customer=alice, status="active", status_changed_at=at("2020-01-01"))

    assert nightly("order_stale_delete", "2026-04-01")["matched"] == 0


def test_a_deleted_fraudulent_order_leaves_only_keyed_hashes_of_its_email_and_ip(alice):
    factories.OrderFactory(
        customer=alice, status="fraudulent", status_changed_at=at("2026-01-01"), buyer_ip="192.0.2.9"
    )

    counts = nightly("order_stale_delete", "2026-03-01")

    assert counts["fraud_orders_hashed"] == 1
    assert set(FraudMarker.objects.values_list("digest", "kind")) == {
        (engine.digest("fraud:email:alice@example.com"), "email"),
        (engine.digest("fraud:ip:192.0.2.9"), "ip"),
    }


@pytest.mark.parametrize(
    "reason", ["legal_hold", "open_request", "active_service", "accepted_commission", "paid_or_invoiced"]
)
def test_a_stale_order_is_kept_for_each_exception(alice, reason):
    order = factories.OrderFactory(customer=alice, status="cancelled", status_changed_at=at("2026-01-01"))
    with time_machine.travel(at("2026-01-02"), tick=False):
        if reason == "legal_hold":
            hold(order)
        elif reason == "open_request":
            request_file(kind="access", channel="client_area", customer=alice, received_at=at("2026-01-02"))
        elif reason == "active_service":
            factories.ServiceFactory(customer=alice, order=order, status=Service.Status.ACTIVE)
        elif reason == "accepted_commission":
            factories.CommissionFactory(order=order, status=AffiliateCommission.Status.ACCEPTED)
        else:
            issue(alice, at("2026-01-02"), order_id=order.pk)

    counts = nightly("order_stale_delete", "2026-03-01")

    assert counts["skipped"] == {reason: 1}
    assert Order.objects.filter(pk=order.pk).exists()


def test_a_captured_payment_keeps_a_stale_order_and_a_failed_one_does_not(alice):
    paid = factories.OrderFactory(customer=alice, status="cancelled", status_changed_at=at("2026-01-01"))
    factories.TransactionFactory(customer=alice, order=paid, status=Transaction.Status.REFUNDED)
    declined = factories.OrderFactory(customer=alice, status="fraudulent", status_changed_at=at("2026-01-01"))
    failed = factories.TransactionFactory(customer=alice, order=declined, status=Transaction.Status.FAILED)

    counts = nightly("order_stale_delete", "2026-03-01")

    assert counts["skipped"] == {"paid_or_invoiced": 1} and counts["rows"]["accounts.Order"] == {"deleted": 1}
    failed.refresh_from_db()
    assert failed.order_id is None  # the transaction is an accounting record: it stays, unlinked


def test_a_pending_or_rejected_commission_goes_with_its_stale_order(alice, bob):
    order = factories.OrderFactory(customer=alice, status="cancelled", status_changed_at=at("2026-01-01"))
    factories.CommissionFactory(affiliate=bob, order=order, status=AffiliateCommission.Status.REJECTED)

    counts = nightly("order_stale_delete", "2026-03-01")

    assert counts["rows"] == {"accounts.AffiliateCommission": {"deleted": 1}, "accounts.Order": {"deleted": 1}}


# Accounting records: 10 years after the end of their fiscal year (R54).


def test_invoices_of_fiscal_year_2015_are_deleted_from_1_january_2026_not_on_31_december_2025(alice):
    with time_machine.travel(at("2015-06-15"), tick=False):
        invoice = issue(alice, at("2015-06-15"), status=Invoice.Status.PAID)
        factories.TransactionFactory(customer=alice, invoice=invoice)
        newer = issue(alice, at("2016-01-01"))

    assert nightly("accounting_records_delete", "2025-12-31")["matched"] == 0
    counts = nightly("accounting_records_delete", "2026-01-01")

    assert counts["rows"] == {
        "accounts.Transaction": {"deleted": 1},
        "accounts.Invoice": {"deleted": 1},
        "accounts.InvoiceLine": {"deleted": 1},
    }
    assert list(Invoice.objects.values_list("pk", flat=True)) == [newer.pk]


def test_the_fiscal_year_end_is_a_setting(alice, settings):
    settings.FISCAL_YEAR_END = "06-30"
    with time_machine.travel(at("2015-07-01"), tick=False):
        issue(alice, at("2015-07-01"))  # fiscal year 1 July 2015 - 30 June 2016

    assert nightly("accounting_records_delete", "2026-06-30")["matched"] == 0
    assert nightly("accounting_records_delete", "2026-07-01")["rows"]["accounts.Invoice"] == {"deleted": 1}


def test_an_invoice_stays_while_its_later_credit_note_or_payment_is_kept(alice):
    with time_machine.travel(at("2015-12-20"), tick=False):
        credited = issue(alice, at("2015-12-20"))
        account_services.invoice_credit(invoice=credited, when=at("2016-01-05"))
        paid_late = issue(alice, at("2015-12-21"))
        factories.TransactionFactory(customer=alice, invoice=paid_late, created_at=at("2016-01-03"))

    counts = nightly("accounting_records_delete", "2026-01-01")
    assert counts["skipped"] == {"linked_record_kept": 2} and "deleted" not in counts

    counts = nightly("accounting_records_delete", "2027-01-01")
    assert counts["rows"]["accounts.Invoice"] == {"deleted": 3}  # the credit note, then both invoices
    assert not Invoice.objects.exists() and not Transaction.objects.exists()


def test_a_held_accounting_record_is_kept(alice):
    with time_machine.travel(at("2015-06-15"), tick=False):
        invoice = issue(alice, at("2015-06-15"))
        hold(invoice)

    assert nightly("accounting_records_delete", "2026-01-01")["skipped"] == {"legal_hold": 1}
    assert InvoiceLine.objects.filter(invoice=invoice).exists()


def test_an_accepted_commission_counts_from_the_year_it_was_accepted(alice, bob):
    order = factories.OrderFactory(customer=bob, created_at=at("2015-12-01"))
    factories.CommissionFactory(
        affiliate=alice, order=order, status="accepted", created_at=at("2015-12-01"), decided_at=at("2016-01-10")
    )

    assert nightly("accounting_records_delete", "2026-01-01")["matched"] == 0
    assert nightly("accounting_records_delete", "2027-01-01")["rows"] == {
        "accounts.AffiliateCommission": {"deleted": 1}
    }


# Order data: 10 years from the end of the order's fiscal year, or from the last order (R55).


def test_order_data_is_deleted_ten_years_after_its_fiscal_year(alice):
    factories.OrderFactory(customer=alice, created_at=at("2015-03-01"))
    factories.OrderFactory(customer=alice, created_at=at("2016-03-01"))

    assert nightly("order_data_delete", "2025-12-31")["matched"] == 0
    assert nightly("order_data_delete", "2026-01-01")["rows"] == {"accounts.Order": {"deleted": 1}}


def test_with_the_last_order_anchor_a_loyal_customers_orders_stay_ten_years_after_the_last(alice, bob, settings):
    settings.ORDER_RETENTION_ANCHOR = "last_order"
    factories.OrderFactory(customer=alice, created_at=at("2015-03-01"))
    factories.OrderFactory(customer=alice, created_at=at("2020-03-01"))
    factories.OrderFactory(customer=bob, created_at=at("2015-03-01"))

    assert nightly("order_data_delete", "2026-01-01")["rows"] == {"accounts.Order": {"deleted": 1}}
    assert Order.objects.filter(customer=alice).count() == 2
    assert nightly("order_data_delete", "2030-03-01")["matched"] == 0
    assert nightly("order_data_delete", "2030-03-02")["rows"] == {"accounts.Order": {"deleted": 2}}


def test_an_order_stays_while_its_commission_is_kept_and_goes_with_it_in_the_same_run(alice, bob):
    order = factories.OrderFactory(customer=bob, created_at=at("2015-03-01"))
    factories.CommissionFactory(
        affiliate=alice, order=order, status="accepted", created_at=at("2015-03-02"), decided_at=at("2016-02-01")
    )

    assert nightly("order_data_delete", "2026-01-01")["skipped"] == {"linked_record_kept": 1}
    with time_machine.travel(at("2027-01-01").replace(hour=2), tick=False):
        results = retention_run(rules=["accounting_records_delete", "order_data_delete"])
    assert results["order_data_delete"]["rows"] == {"accounts.Order": {"deleted": 1}}


# Support tickets, logs, prospects, fraud list (R56-R58).


def test_a_ticket_is_deleted_with_its_messages_three_years_and_a_day_after_closing(alice):
    ticket = factories.TicketFactory(customer=alice, status="closed", closed_at=at("2023-02-28"))
    factories.TicketMessageFactory(ticket=ticket)
    factories.TicketFactory(customer=alice)  # open: never

    assert nightly("support_ticket_delete", "2026-02-28")["matched"] == 0
    counts = nightly("support_ticket_delete", "2026-03-01")

    assert counts["rows"] == {"accounts.SupportTicket": {"deleted": 1}, "accounts.TicketMessage": {"deleted": 1}}
    assert SupportTicket.objects.count() == 1 and not TicketMessage.objects.exists()


def test_an_open_request_keeps_the_tickets_an_answer_may_need(alice):
    factories.TicketFactory(customer=alice, status="closed", closed_at=at("2020-01-01"))
    with time_machine.travel(at("2026-02-20"), tick=False):
        request_file(kind="access", channel="client_area", customer=alice, received_at=at("2026-02-20"))

    assert nightly("support_ticket_delete", "2026-03-01")["skipped"] == {"open_request": 1}


def test_connection_logs_go_twelve_months_and_a_day_after_they_were_written_unless_held(alice, bob):
    factories.ConnectionLogFactory(customer=alice, created_at=at("2025-03-31"))
    factories.ConnectionLogFactory(customer=None, created_at=at("2025-03-31"), success=False)
    factories.ConnectionLogFactory(customer=bob, created_at=at("2025-03-31"))
    with time_machine.travel(at("2025-04-01"), tick=False):
        LegalHold.objects.create(customer=bob, reason="Judicial requisition", reference="PV-2025-1")

    assert nightly("connection_log_delete", "2026-03-31")["matched"] == 0
    counts = nightly("connection_log_delete", "2026-04-01")

    assert counts["rows"] == {"accounts.ConnectionLog": {"deleted": 2}} and counts["skipped"] == {"legal_hold": 1}
    assert list(ConnectionLog.objects.values_list("customer", flat=True)) == [bob.pk]


def test_a_prospect_is_deleted_three_years_after_their_last_own_contact():
    factories.ProspectFactory(last_contact_at=at("2023-01-15"))

    assert nightly("prospect_delete", "2026-01-15")["matched"] == 0
    assert nightly("prospect_delete", "2026-01-16")["rows"] == {"accounts.Prospect": {"deleted": 1}}
    assert not Prospect.objects.exists()


def test_fraud_list_hashes_go_after_three_years():
    FraudMarker.objects.create(digest="a" * 64, kind="ip", created_at=at("2023-01-15"))

    assert nightly("fraud_marker_delete", "2026-01-15")["matched"] == 0
    assert nightly("fraud_marker_delete", "2026-01-16")["deleted"] == 1


# Requests: unconfirmed ones after 7 days, closed files anonymised after 5 years.


def test_an_unconfirmed_public_request_is_deleted_after_seven_days():
    PendingPublicRequest.objects.create(
        name="Ann", email="ann@example.org", kind="access", submitted_at=at("2026-01-01")
    )

    assert nightly("public_request_unconfirmed_delete", "2026-01-08")["matched"] == 0
    assert nightly("public_request_unconfirmed_delete", "2026-01-09")["deleted"] == 1


def test_a_closed_request_file_is_anonymised_five_years_after_closing_keeping_kind_dates_and_outcome(alice):
    with time_machine.travel(at("2020-12-01"), tick=False):
        req = request_file(
            kind="restriction", channel="client_area", customer=alice, received_at=at("2020-12-01"), details="Mine"
        )
        DataSubjectRequest.objects.filter(pk=req.pk).update(status="completed", closed_at=at("2021-01-10"))
        Restriction.objects.create(customer=alice, request=req, ground="a", lifted_at=at("2021-06-01"))
        RequestEvent.objects.create(request=req, actor_role="staff", note="Alice called")
        open_one = request_file(kind="access", channel="client_area", customer=alice, received_at=at("2020-12-01"))

    assert nightly("request_file_anonymise", "2026-01-10")["matched"] == 0
    counts = nightly("request_file_anonymise", "2026-01-11")

    assert counts["rows"]["privacy.DataSubjectRequest"] == {"anonymised": 1}
    assert counts["rows"]["privacy.Restriction"] == {"deleted": 1}
    req.refresh_from_db()
    assert (req.requester_name, req.requester_email, req.details, req.customer_id) == ("", "", "", None)
    assert (req.kind, req.status, req.received_at) == ("restriction", "completed", at("2020-12-01"))
    assert not RequestEvent.objects.filter(request=req).exclude(note="").exists()
    assert DataSubjectRequest.objects.get(pk=open_one.pk).requester_email == "alice@example.com"
    assert nightly("request_file_anonymise", "2026-01-12")["matched"] == 0  # done once


# Cookie choices expire: the banner asks again; the ledger row stays (R33).


def test_cookie_grants_expire_after_13_months_and_refusals_after_6():
    def choice(visitor, granted, when):
        return ConsentRecord.objects.create(
            visitor_id=visitor,
            purpose=Purpose.ANALYTICS,
            granted=granted,
            policy_version="1",
            language="fr",
            source="banner",
            created_at=at(when),
        )

    choice("grant", True, "2025-01-31")
    choice("refusal", False, "2025-08-31")
    choice("changed-mind", True, "2024-01-01")
    choice("changed-mind", False, "2026-02-01")

    assert nightly("cookie_consent_expire", "2026-02-28")["matched"] == 0
    assert nightly("cookie_consent_expire", "2026-03-01")["expired"] == 1
    assert nightly("cookie_refusal_reask", "2026-02-28")["matched"] == 0
    assert nightly("cookie_refusal_reask", "2026-03-01")["expired"] == 1
    assert ConsentRecord.objects.count() == 4
    assert cookie_choice_expired(given_at=at("2025-01-31"), granted=True, now=at("2026-03-01"))
    assert not cookie_choice_expired(given_at=at("2025-01-31"), granted=True, now=at("2026-02-28"))


# Hosting obligations (R62) and what an erased account leaves behind (customer_lifetime).


def test_a_hosts_terminated_customer_leaves_a_restricted_identity_archive_that_expires_by_law(settings, dpo):
    settings.HOST_OBLIGATIONS = True
    with time_machine.travel(at("2020-01-01"), tick=False):
        customer = factories.CustomerFactory(first_name="Hector", last_name="Host", phone="+33611111111")
        factories.ServiceFactory(customer=customer, order=None, status="terminated", ended_at=at("2026-01-10"))
    customer.set_state(User.State.TERMINATED, when=at("2026-01-10"))
    customer.save()

    nightly("customer_terminated_erase", "2026-03-01")

    archive = HostArchive.objects.get(customer=customer)
    assert archive.identity["last_name"] == "Host" and archive.account["phone"] == "+33611111111"
    assert User.objects.get(pk=customer.pk).last_name == ""
    assert nightly("lcen_host_identity", "2027-01-10")["matched"] == 0
    assert nightly("lcen_host_identity", "2027-01-11")["anonymised"] == 1
    assert HostArchive.objects.get().account == {} and HostArchive.objects.get().identity["last_name"] == "Host"
    assert nightly("lcen_host_identity", "2031-01-10")["matched"] == 0
    assert nightly("lcen_host_identity", "2031-01-11")["deleted"] == 1
    # The tombstone, and the change-log row saying the nightly job erased it (R04).
    assert nightly("customer_lifetime", "2031-01-12")["rows"] == {
        "accounts.ChangeLog": {"deleted": 1},
        "accounts.User": {"deleted": 1},
    }
    assert not User.objects.filter(pk=customer.pk).exists()


def test_an_erased_account_goes_with_its_consent_proof_once_no_kept_record_points_to_it(alice):
    with time_machine.travel(at("2015-06-01"), tick=False):
        factories.OrderFactory(customer=alice, created_at=at("2015-06-01"))
        factories.ConsentFactory(customer=alice)
        customer_erase(customer=alice, reference="R-1")

    assert nightly("customer_lifetime", "2025-12-31")["matched"] == 0
    nightly("order_data_delete", "2026-01-01")
    counts = nightly("customer_lifetime", "2026-01-02")

    assert counts["rows"] == {"privacy.ConsentRecord": {"deleted": 1}, "accounts.User": {"deleted": 1}}
    assert not User.objects.filter(pk=alice.pk).exists()


def test_the_period_used_is_the_one_in_force_on_the_day(settings, alice):
    settings.RETENTION_ORDER_STALE_DAYS = 60
    factories.OrderFactory(customer=alice, status="cancelled", status_changed_at=at("2026-01-01"))

    assert nightly("order_stale_delete", "2026-03-02")["matched"] == 0
    assert nightly("order_stale_delete", "2026-03-03")["deleted"] == 1
    assert day("2026-03-03") - day("2026-01-01") == timedelta(days=61)


OLD = "2015-01-10"
RECORDS = {
    "invoice_cancelled_delete": lambda c: factories.InvoiceFactory(
        customer=c, status="cancelled", cancelled_at=at(OLD)
    ),
    "order_stale_delete": lambda c: factories.OrderFactory(customer=c, status="cancelled", status_changed_at=at(OLD)),
    "order_data_delete": lambda c: factories.OrderFactory(customer=c, created_at=at(OLD)),
    "support_ticket_delete": lambda c: factories.TicketFactory(customer=c, status="closed", closed_at=at(OLD)),
    "connection_log_delete": lambda c: factories.ConnectionLogFactory(customer=c, created_at=at(OLD)),
    "accounting_records_delete": lambda c: factories.TransactionFactory(customer=c, created_at=at(OLD)),
    "prospect_delete": lambda c: factories.ProspectFactory(last_contact_at=at(OLD)),
    "fraud_marker_delete": lambda c: FraudMarker.objects.create(digest="f" * 64, kind="ip", created_at=at(OLD)),
    "public_request_unconfirmed_delete": lambda c: PendingPublicRequest.objects.create(
        name="P", email="p@example.org", kind="access", submitted_at=at(OLD)
    ),
}


@pytest.mark.parametrize("rule", sorted(RECORDS))
def test_a_record_under_a_legal_hold_is_never_deleted_and_its_skip_is_counted(alice, rule):
    record = RECORDS[rule](alice)
    hold(record, created_at=at("2016-01-01"))

    counts = nightly(rule, "2030-01-01")

    assert counts["skipped"] == {"legal_hold": 1}
    assert type(record)._base_manager.filter(pk=record.pk).exists()

    LegalHold.objects.update(lifted_at=at("2029-12-31"))
    assert nightly(rule, "2030-01-01")["deleted"] >= 1


CUSTOMER_RECORDS = (
    "invoice_cancelled_delete",
    "order_stale_delete",
    "order_data_delete",
    "support_ticket_delete",
    "connection_log_delete",
    "accounting_records_delete",
)


@pytest.mark.parametrize("rule", CUSTOMER_RECORDS)
def test_a_hold_on_the_customer_keeps_all_their_records(alice, rule):
    record = RECORDS[rule](alice)
    LegalHold.objects.create(customer=alice, reason="Dispute", created_at=at("2016-01-01"))

    assert nightly(rule, "2030-01-01")["skipped"] == {"legal_hold": 1}
    assert type(record)._base_manager.filter(pk=record.pk).exists()
