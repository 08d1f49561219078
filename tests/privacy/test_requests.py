"""The life of a request through its services: deadlines, transitions, extension, answers and what each kind does."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from accounts.models import ChangeLog
from privacy.deadlines import add_months
from privacy.exceptions import RequestError
from privacy.marketing.audience import marketing_allowed
from privacy.models import (
    ConsentRecord,
    DataSubjectRequest,
    PendingPublicRequest,
    PostMortemDirective,
    Purpose,
    RecipientNotification,
    RequestEvent,
    Restriction,
    SupplementaryStatement,
)
from privacy.models.request_choices import TRANSITIONS, Kind, Status
from privacy.services import consent_record, is_suppressed
from privacy.services.requests import (
    _move,
    public_request_confirm,
    public_request_submit,
    public_requests_purge,
    request_await_identity,
    request_complete,
    request_extend,
    request_file,
    request_reject,
    request_start,
    request_verify_identity,
    request_withdraw,
    requests_digest,
)
from tests import factories

PARIS = ZoneInfo("Europe/Paris")
RECEIVED = datetime(2026, 1, 31, 9, 0, tzinfo=PARIS)  # worked example 2: due Sat 28 Feb 2026


@pytest.fixture
def outbox(django_capture_on_commit_callbacks):
    """Run on-commit callbacks (mails) as soon as the block ends."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _file(customer, kind=Kind.ACCESS, **kw):
    with time_machine.travel(RECEIVED, tick=False):
        return request_file(kind=kind, channel="client_area", customer=customer, actor=customer, **kw)


def _started(customer, kind=Kind.ACCESS, **kw):
    req = _file(customer, kind, **kw)
    with time_machine.travel(datetime(2026, 2, 2, 10, tzinfo=PARIS), tick=False):
        return request_start(req, actor=None)


@pytest.mark.smoke
@pytest.mark.django_db
def test_a_client_area_request_is_received_verified_and_acknowledged(alice, outbox):
    with outbox():
        req = _file(alice)

    assert req.status == Status.RECEIVED and req.received_at == RECEIVED
    assert req.due_at == datetime(2026, 2, 28, 22, 59, 59, 999999, tzinfo=ZoneInfo("UTC"))
    assert req.identity_verified_at is not None
    assert req.reference.startswith("R-") and len(req.reference) == 10
    event = req.events.get()
    assert (event.to_status, event.actor, event.actor_role) == (Status.RECEIVED, alice, "subject")
    message = mail.outbox[0]
    assert message.to == ["alice@example.com"] and req.reference in message.subject
    assert "28 February 2026, Paris time" in message.body
    assert "28 February 2026, Paris time" in message.alternatives[0].content


@pytest.mark.django_db
def test_the_acknowledgement_is_in_the_customers_language(alice, outbox):
    alice.preferred_language = "fr"
    alice.save()
    with outbox():
        _file(alice)

    assert "28 février 2026" in mail.outbox[0].body


@pytest.mark.django_db
def test_staff_may_log_a_past_receipt_but_never_a_future_one(alice):
    with time_machine.travel("2026-03-10 12:00 +01:00", tick=False):
        req = request_file(kind=Kind.ACCESS, channel="post", customer=alice, received_at=RECEIVED)
        assert req.due_at.date() == date(2026, 2, 28) and req.identity_verified_at is None
        with pytest.raises(RequestError, match="future"):
            request_file(
                kind=Kind.ACCESS,
                channel="phone",
                email="x@example.com",
                received_at=datetime(2026, 3, 11, tzinfo=PARIS),
            )


@pytest.mark.django_db
def test_a_second_request_of_the_same_kind_within_90_days_is_only_flagged(alice):
    first = _file(alice)
    with time_machine.travel("2026-04-20 10:00 +02:00", tick=False):
        second = request_file(kind=Kind.ACCESS, channel="client_area", customer=alice)
    with time_machine.travel("2026-05-15 10:00 +02:00", tick=False):
        third = request_file(kind=Kind.ERASURE, channel="client_area", customer=alice)

    assert not first.possibly_repetitive and second.possibly_repetitive and not third.possibly_repetitive
    assert second.status == Status.RECEIVED


@pytest.mark.parametrize("current", list(Status))
@pytest.mark.django_db
def test_every_transition_outside_r16_is_refused(alice, current):
    for target in Status:
        if target in TRANSITIONS[current]:
            continue
        req = _file(alice)
        DataSubjectRequest.objects.filter(pk=req.pk).update(status=current)
        req.refresh_from_db()
        with pytest.raises(RequestError):
            _move(req, target, actor=None)
        req.refresh_from_db()
        assert req.status == current


@pytest.mark.django_db
def test_the_whole_life_cycle_is_on_record(alice, dpo, outbox):
    with time_machine.travel("2026-02-02 09:00 +01:00", tick=False), outbox():
        req = request_file(
            kind=Kind.ACCESS, channel="email", email="alice@example.com", name="Alice", received_at=RECEIVED
        )
    with time_machine.travel("2026-02-03 10:00 +01:00", tick=False), outbox():
        request_await_identity(req, actor=dpo, note="The city of your postal address, please.")
    with time_machine.travel("2026-02-05 10:00 +01:00", tick=False):
        request_verify_identity(req, actor=dpo)
    with time_machine.travel("2026-02-20 10:00 +01:00", tick=False), outbox():
        request_extend(req, actor=dpo, until=date(2026, 4, 28), reason="Eleven years of history to gather.")
    with time_machine.travel("2026-04-01 10:00 +02:00", tick=False), outbox():
        request_complete(req, actor=dpo, response="Here is the copy of your data.")

    req.refresh_from_db()
    statuses = list(req.events.exclude(to_status="").values_list("from_status", "to_status"))
    assert statuses == [
        ("", "received"),
        ("received", "awaiting_identity"),
        ("awaiting_identity", "in_progress"),
        ("in_progress", "extended"),
        ("extended", "completed"),
    ]
    assert req.extended_until == datetime(2026, 4, 28, 23, 59, 59, 999999, tzinfo=PARIS)
    assert req.closed_at == datetime(2026, 4, 1, 10, tzinfo=PARIS) and req.days_left() is None
    subjects = [m.subject for m in mail.outbox]
    assert len(subjects) == 5 and subjects[-1] == "Your copy of your personal data is ready"
    assert "The city of your postal address" in mail.outbox[1].body
    assert "Eleven years of history" in mail.outbox[2].body and "28 April 2026, Paris time" in mail.outbox[2].body
    assert "Here is the copy of your data." in mail.outbox[3].body
    with pytest.raises(Exception):  # noqa: B017 - the append-only guard
        req.events.first().delete()


def _in_state(customer, status):
    """A request received on 31 January 2026 (due 28 February) in any open state before an extension (R14)."""
    if status == Status.IN_PROGRESS:
        return _started(customer)
    req = _file(customer)
    if status == Status.AWAITING_IDENTITY:
        with time_machine.travel(datetime(2026, 2, 2, 10, tzinfo=PARIS), tick=False):
            request_await_identity(req, actor=None, note="Your postal code, please.")
    req.refresh_from_db()
    assert req.status == status
    return req


OPEN_BEFORE_EXTENSION = [Status.RECEIVED, Status.AWAITING_IDENTITY, Status.IN_PROGRESS]


@pytest.mark.parametrize("status", OPEN_BEFORE_EXTENSION)
@pytest.mark.django_db
def test_an_extension_is_accepted_until_the_last_instant_of_the_due_date(alice, status):
    req = _in_state(alice, status)
    with time_machine.travel(datetime(2026, 2, 28, 23, 59, tzinfo=PARIS), tick=False):
        request_extend(req, actor=None, until=date(2026, 3, 31), reason="Complex.")

    req = DataSubjectRequest.objects.get(pk=req.pk)
    assert req.status == Status.EXTENDED
    assert req.extended_until == datetime(2026, 3, 31, 23, 59, 59, 999999, tzinfo=PARIS)


@pytest.mark.parametrize("status", OPEN_BEFORE_EXTENSION)
@pytest.mark.django_db
def test_an_extension_is_refused_from_midnight_after_the_due_date(alice, status):
    req = _in_state(alice, status)
    with time_machine.travel(datetime(2026, 3, 1, 0, 0, tzinfo=PARIS), tick=False):
        with pytest.raises(RequestError, match="first due date has passed"):
            request_extend(req, actor=None, until=date(2026, 3, 31), reason="Complex.")
        assert DataSubjectRequest.objects.get(pk=req.pk).is_overdue()

    assert DataSubjectRequest.objects.get(pk=req.pk).extended_until is None


@pytest.mark.parametrize(
    ("until", "reason", "message"),
    [
        (date(2026, 4, 29), "Complex.", "no later than 28 April 2026"),
        (date(2026, 2, 28), "Complex.", "after 28 February 2026"),
        (date(2026, 3, 31), "  ", "reason"),
    ],
)
@pytest.mark.django_db
def test_a_bad_extension_is_refused_and_changes_nothing(alice, until, reason, message):
    req = _started(alice)
    with time_machine.travel("2026-02-10 10:00 +01:00", tick=False), pytest.raises(RequestError, match=message):
        request_extend(req, actor=None, until=until, reason=reason)

    req.refresh_from_db()
    assert (req.status, req.extended_until, req.events.count()) == (Status.IN_PROGRESS, None, 2)


@pytest.mark.django_db
def test_only_one_extension(alice):
    req = _started(alice)
    with time_machine.travel("2026-02-10 10:00 +01:00", tick=False):
        request_extend(req, actor=None, until=date(2026, 3, 31), reason="Complex.")
        with pytest.raises(RequestError, match="already extended"):
            request_extend(req, actor=None, until=date(2026, 4, 28), reason="Even more complex.")


@pytest.mark.django_db
def test_starting_needs_a_verified_identity(alice):
    req = request_file(kind=Kind.ACCESS, channel="email", email="someone@example.org", name="Someone")

    with pytest.raises(RequestError, match="Verify"):
        request_start(req, actor=None)
    with pytest.raises(RequestError, match="Start the request"):
        request_complete(req, actor=None, response="Done.")


@pytest.mark.django_db
def test_a_rejection_needs_a_code_and_text_names_the_cnil_and_says_when_late(alice, dpo, outbox):
    req = _started(alice)
    with pytest.raises(RequestError):
        request_reject(req, actor=dpo, code="", text="No.")
    with pytest.raises(RequestError):
        request_reject(req, actor=dpo, code="excessive", text=" ")

    with time_machine.travel(datetime(2026, 3, 2, tzinfo=PARIS), tick=False), outbox():
        req, late = request_reject(req, actor=dpo, code="excessive", text="Third identical request this month.")

    assert late is True and req.status == Status.REJECTED
    body = mail.outbox[-1].body
    assert "CNIL" in body and "court" in body and "Third identical request" in body


@pytest.mark.django_db
def test_the_subject_can_withdraw_an_open_request_only(alice, bob):
    req = _file(alice)
    with pytest.raises(RequestError):
        request_withdraw(req, customer=bob)
    request_withdraw(req, customer=alice)
    with pytest.raises(RequestError):
        request_withdraw(req, customer=alice)

    assert DataSubjectRequest.objects.get(pk=req.pk).status == Status.WITHDRAWN


@pytest.mark.django_db
def test_rectification_applies_the_change_logs_it_and_lists_recipients_to_tell(alice, dpo):
    req = _started(alice, Kind.RECTIFICATION, rectification={"last_name": "Martin-Durand"})

    request_complete(req, actor=dpo, response="Corrected.")

    alice.refresh_from_db()
    assert alice.last_name == "Martin-Durand"
    log = ChangeLog.objects.get(customer=alice)
    assert (log.channel, log.actor, log.old_value) == (ChangeLog.Channel.REQUEST, dpo, "Martin")
    recipients = set(RecipientNotification.objects.filter(request=req).values_list("recipient", flat=True))
    assert "Our hosting provider" in recipients
    assert not any(n.is_done for n in RecipientNotification.objects.filter(request=req))


@pytest.mark.django_db
def test_a_correction_of_a_detail_the_customer_cannot_edit_is_attached_as_a_supplementary_statement(alice, dpo):
    req = _started(alice, Kind.RECTIFICATION, rectification={"referred_by_code": "FRIEND-42"})

    request_complete(req, actor=dpo, response="Your statement is attached.")

    alice.refresh_from_db()
    assert alice.referred_by_code == ""  # the detail itself is not edited
    statement = SupplementaryStatement.objects.get(customer=alice)
    assert (statement.about, statement.statement, statement.request) == (
        "accounts.user.referred_by_code",
        "FRIEND-42",
        req,
    )
    assert DataSubjectRequest.objects.get(pk=req.pk).status == Status.COMPLETED


@pytest.mark.django_db
def test_a_privilege_is_never_changed_nor_stated_through_a_rectification(alice):
    req = _started(alice, Kind.RECTIFICATION, rectification={"is_staff": True})

    with pytest.raises(RequestError, match="cannot be corrected"):
        request_complete(req, actor=None, response="Done.")
    alice.refresh_from_db()
    assert alice.is_staff is False and not SupplementaryStatement.objects.exists()
    assert DataSubjectRequest.objects.get(pk=req.pk).status == Status.IN_PROGRESS


@pytest.mark.django_db
def test_a_restriction_stops_marketing_and_records_its_ground(alice):
    consent_record(customer=alice, choices={Purpose.MARKETING_EMAIL: True}, source="profile")
    assert marketing_allowed(customer=alice, purpose=Purpose.MARKETING_EMAIL)
    req = _started(alice, Kind.RESTRICTION, restriction_ground="b")

    request_complete(req, actor=None, response="Restricted.")

    restriction = Restriction.objects.get(customer=alice)
    assert restriction.ground == "b" and restriction.blocks_erasure
    assert not marketing_allowed(customer=alice, purpose=Purpose.MARKETING_EMAIL)
    assert RecipientNotification.objects.filter(request=req).exists()


@pytest.mark.django_db
def test_an_objection_to_marketing_is_carried_out_at_once_and_for_good(alice, outbox):
    alice.phone = "+33612345678"
    alice.save()
    consent_record(customer=alice, choices={Purpose.MARKETING_EMAIL: True, Purpose.MARKETING_SMS: True}, source="x")

    with outbox():
        req = _file(alice, Kind.OBJECTION, objection_scope="marketing")

    assert req.status == Status.COMPLETED
    assert is_suppressed(email="ALICE@example.com") and is_suppressed(phone="06 12 34 56 78")
    consent_record(customer=alice, choices={Purpose.MARKETING_EMAIL: True}, source="profile")
    assert not marketing_allowed(customer=alice, purpose=Purpose.MARKETING_EMAIL)
    assert "complete" in mail.outbox[-1].subject.lower() or req.reference in mail.outbox[-1].subject


@pytest.mark.django_db
def test_an_objection_to_legitimate_interest_needs_a_decision(alice):
    req = _started(alice, Kind.OBJECTION, objection_scope="audience_measurement")

    with pytest.raises(RequestError, match="Decide"):
        request_complete(req, actor=None, response="…")
    request_complete(req, actor=None, response="Upheld.", objection_upheld=True)

    assert ConsentRecord.objects.filter(customer=alice, purpose=Purpose.ANALYTICS, granted=False).exists()


@pytest.mark.django_db
def test_withdrawing_consent_refuses_every_purpose_at_once(alice):
    consent_record(customer=alice, choices={Purpose.MARKETING_EMAIL: True, Purpose.ANALYTICS: True}, source="x")

    req = _file(alice, Kind.WITHDRAW_CONSENT)

    assert req.status == Status.COMPLETED
    latest = ConsentRecord.objects.filter(customer=alice).latest_per_purpose()
    assert {r.purpose: r.granted for r in latest} == dict.fromkeys(Purpose.values, False)


@pytest.mark.django_db
def test_an_automated_decision_review_records_the_human_outcome(alice):
    order = factories.OrderFactory(customer=alice, automated_decision=True, status="fraudulent")
    req = _started(alice, Kind.AUTOMATED_DECISION_REVIEW, order=order)

    with pytest.raises(RequestError, match="confirmed or overturned"):
        request_complete(req, actor=None, response="…")
    request_complete(req, actor=None, response="A person reviewed it.", decision_overturned=True)

    assert DataSubjectRequest.objects.get(pk=req.pk).decision_overturned is True


@pytest.mark.django_db
def test_a_new_post_mortem_directive_replaces_the_previous_one(alice):
    first = _started(alice, Kind.POST_MORTEM, directive="keep")
    request_complete(first, actor=None, response="Recorded.")
    second = _started(alice, Kind.POST_MORTEM, directive="hand_over", trusted_person="Paul Martin, paul@example.org")
    request_complete(second, actor=None, response="Recorded.")

    current = PostMortemDirective.objects.get(customer=alice, revoked_at__isnull=True)
    assert (current.instruction, current.trusted_person) == ("hand_over", "Paul Martin, paul@example.org")
    assert PostMortemDirective.objects.filter(customer=alice, revoked_at__isnull=False).count() == 1


@pytest.mark.django_db
def test_a_public_request_enters_the_queue_only_once_confirmed(alice, outbox):
    with time_machine.travel(RECEIVED, tick=False), outbox():
        public_request_submit(name="Alice", email="Alice@Example.com", kind=Kind.ACCESS, ip="192.0.2.1")
    assert not DataSubjectRequest.objects.exists()
    token = mail.outbox[0].body.split("/privacy/request/confirm/")[1].split("/")[0]

    with time_machine.travel("2026-02-02 10:00 +01:00", tick=False):
        req = public_request_confirm(token=token)

    assert req.received_at == RECEIVED and req.customer == alice and req.channel == "public_form"
    assert req.identity_verified_at is None  # the DPO verifies before disclosing anything
    assert not PendingPublicRequest.objects.exists()


@pytest.mark.django_db
def test_a_public_request_from_another_address_is_not_linked(alice):
    from privacy.services.requests import public_request_token

    pending = public_request_submit(name="Alice", email="alice.other@example.org", kind=Kind.ERASURE)
    token = public_request_token(pending)

    assert public_request_confirm(token=token).customer is None


@pytest.mark.django_db
def test_unconfirmed_public_requests_are_purged_after_7_days():
    with time_machine.travel("2026-03-01 10:00 +01:00", tick=False):
        public_request_submit(name="Old", email="old@example.org", kind=Kind.ACCESS)
    with time_machine.travel("2026-03-07 10:00 +01:00", tick=False):
        public_request_submit(name="New", email="new@example.org", kind=Kind.ACCESS)

    with time_machine.travel("2026-03-08 10:00:01 +01:00", tick=False):
        assert public_requests_purge() == 1
    assert list(PendingPublicRequest.objects.values_list("email", flat=True)) == ["new@example.org"]


@pytest.mark.django_db
def test_the_digest_lists_overdue_and_due_soon_and_stays_silent_otherwise(alice, bob, outbox):
    with time_machine.travel("2026-01-15 10:00 +01:00", tick=False), outbox():
        assert requests_digest() == {"overdue": 0, "due_soon": 0}
    assert mail.outbox == []
    late = _file(alice)  # due 28 Feb
    with time_machine.travel("2026-02-10 10:00 +01:00", tick=False):
        soon = request_file(kind=Kind.ACCESS, channel="client_area", customer=bob)  # due 12 Mar

    with time_machine.travel("2026-03-05 08:00 +01:00", tick=False), outbox():
        assert requests_digest() == {"overdue": 1, "due_soon": 1}

    body = mail.outbox[-1].body
    assert mail.outbox[-1].to == ["dpo@example.com"]
    assert late.reference in body.split("Due within")[0] and soon.reference in body.split("Due within")[1]
    assert "Due within 7 days" in body


@pytest.mark.django_db
def test_the_digest_says_the_configured_due_soon_window(alice, outbox, settings):
    settings.DSR_DUE_SOON_DAYS = 10
    with time_machine.travel("2026-02-19 10:00 +01:00", tick=False):
        request_file(kind=Kind.ACCESS, channel="client_area", customer=alice)  # due 21 Mar

    with time_machine.travel("2026-03-12 08:00 +01:00", tick=False), outbox():
        assert requests_digest() == {"overdue": 0, "due_soon": 1}

    assert "Due within 10 days" in mail.outbox[-1].body and "7 days" not in mail.outbox[-1].body


@pytest.mark.django_db
def test_the_hourly_purge_follows_the_rules_setting(settings):
    settings.RETENTION_PUBLIC_REQUEST_DAYS = 14
    with time_machine.travel("2026-03-01 10:00 +01:00", tick=False):
        PendingPublicRequest.objects.create(name="x", email="x@example.org", kind=Kind.ACCESS)

    with time_machine.travel("2026-03-09 10:00 +01:00", tick=False):
        assert public_requests_purge() == 0
    with time_machine.travel("2026-03-15 10:00:01 +01:00", tick=False):
        assert public_requests_purge() == 1


@pytest.mark.django_db
def test_markup_typed_by_the_requester_is_escaped_in_mails(outbox):
    with outbox():
        request_file(kind=Kind.OTHER, channel="email", email="x@example.org", name="<script>alert(1)</script>")

    html = mail.outbox[0].alternatives[0].content
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def test_events_are_append_only():
    with pytest.raises(Exception):  # noqa: B017
        RequestEvent.objects.update(note="x")


@pytest.mark.parametrize(("pause", "due"), [(False, date(2026, 2, 28)), (True, date(2026, 3, 4))])
@pytest.mark.django_db
def test_the_identity_pause_is_off_by_default_and_moves_the_deadline_when_on(settings, pause, due):
    settings.DSR_PAUSE_FOR_IDENTITY = pause
    with time_machine.travel(RECEIVED, tick=False):  # 31 Jan, due 28 Feb; by email, so identity is not known
        req = request_file(kind=Kind.ACCESS, channel="email", email="alice@example.com", name="Alice")
    with time_machine.travel(datetime(2026, 2, 2, 10, tzinfo=PARIS), tick=False):
        request_await_identity(req, actor=None, note="Your postal code, please.")
    with time_machine.travel(datetime(2026, 2, 6, 9, tzinfo=PARIS), tick=False):
        request_verify_identity(req, actor=None)

    req.refresh_from_db()
    assert req.first_due_date == due
    assert req.events.filter(to_status="awaiting_identity").exists() and req.identity_verified_at is not None
    assert req.extension_ceiling == add_months(due, 2)
