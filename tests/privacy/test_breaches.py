"""The breach register (R73-R75): the 72-hour clock in exact hours, the DPO's alerts, notices to the people."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from privacy.models import AuditEntry, Breach, BreachFollowUp, BreachSubject
from privacy.services.breaches import breach_notify_subjects, breach_record, breach_remind
from tests import factories

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 6, 10, 9, 30, tzinfo=PARIS)

pytestmark = pytest.mark.django_db


def _breach(**fields):
    values = {
        "became_aware_at": NOW,
        "nature": "A backup of the customer table was readable from the internet.",
        "data_categories": "names, emails, phone numbers",
        "people_categories": "customers",
        "people_count": 120,
        "records_count": 130,
        "consequences": "Phishing messages in your name.",
        "measures": "The backup was removed and access keys rotated.",
        "risk": Breach.Risk.HIGH,
    }
    return Breach(**{**values, **fields})


def _form(**fields):
    """The admin add/change form as a browser posts it, with both inlines empty."""
    data = {
        "became_aware_at_0": "2026-06-10",
        "became_aware_at_1": "09:30:00",
        "risk": "high",
        "nature": "Backup exposed",
        "data_categories": "emails",
        "people_categories": "customers",
        "people_count": "12",
        "records_count": "12",
        "consequences": "Phishing",
        "measures": "Removed",
        "dpo_contact": "dpo@example.com",
        "authority_reference": "",
        "late_reason": "",
        "notice_exemption": "",
        "exemption_justification": "",
    }
    for prefix in ("follow_ups", "subjects"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    data.update(fields)
    return data


# The clock: hours, not days; UTC arithmetic, so summer time neither adds nor removes an hour.


@pytest.mark.parametrize(
    ("aware", "deadline_paris"),
    [
        # REQUIREMENTS 2.7: no move for the 1 May holiday or the weekend.
        (datetime(2026, 5, 1, 16, 10, tzinfo=PARIS), datetime(2026, 5, 4, 16, 10, tzinfo=PARIS)),
        # Summer time ends on 25 October: 72 elapsed hours end at 11:00 Paris wall time, not 12:00.
        (datetime(2026, 10, 24, 12, 0, tzinfo=PARIS), datetime(2026, 10, 27, 11, 0, tzinfo=PARIS)),
        # Summer time starts on 29 March: the wall clock shows 13:00 after 72 hours.
        (datetime(2026, 3, 28, 12, 0, tzinfo=PARIS), datetime(2026, 3, 31, 13, 0, tzinfo=PARIS)),
        # Across a leap day and a year end.
        (datetime(2028, 2, 27, 23, 0, tzinfo=PARIS), datetime(2028, 3, 1, 23, 0, tzinfo=PARIS)),
        (datetime(2026, 12, 30, 8, 0, tzinfo=PARIS), datetime(2027, 1, 2, 8, 0, tzinfo=PARIS)),
    ],
)
def test_the_authority_deadline_is_exactly_72_hours_after_awareness(aware, deadline_paris):
    assert _breach(became_aware_at=aware).authority_deadline == deadline_paris
    assert _breach(became_aware_at=aware).authority_deadline - aware.astimezone(UTC) == timedelta(hours=72)


def test_a_breach_recorded_across_the_summer_time_change_keeps_its_deadline_in_the_database(dpo):
    aware = datetime(2026, 10, 24, 12, 0, tzinfo=PARIS)
    with time_machine.travel(aware + timedelta(minutes=5), tick=False):
        breach_record(breach=_breach(became_aware_at=aware), actor=dpo)

    stored = Breach.objects.get()
    assert stored.authority_deadline.astimezone(PARIS) == datetime(2026, 10, 27, 11, 0, tzinfo=PARIS)
    assert stored.hours_left(datetime(2026, 10, 27, 10, 0, 1, tzinfo=PARIS)) == 1
    assert stored.hours_left(datetime(2026, 10, 27, 11, 0, tzinfo=PARIS)) == 0
    assert stored.hours_left(datetime(2026, 10, 27, 12, 30, tzinfo=PARIS)) == -1


def test_hours_left_counts_down_from_72():
    breach = _breach()
    assert breach.hours_left(NOW) == 72
    assert breach.hours_left(NOW + timedelta(seconds=1)) == 72
    assert breach.hours_left(NOW + timedelta(hours=1)) == 71
    assert breach.hours_left(NOW + timedelta(hours=71, minutes=59)) == 1


def test_a_notification_after_the_deadline_needs_a_reason():
    deadline = NOW + timedelta(hours=72)
    with time_machine.travel(NOW + timedelta(days=10), tick=False):
        _breach(authority_notified_at=deadline).full_clean()  # at the very instant: in time
        late = _breach(authority_notified_at=deadline + timedelta(microseconds=1))
        with pytest.raises(ValidationError) as error:
            late.full_clean()
        assert "late_reason" in error.value.message_dict
        late.late_reason = "The host told us only on day 4 what had been exposed."
        late.full_clean()


def test_skipping_the_notice_needs_one_of_the_three_exemptions_and_a_justification():
    assert {c for c, _ in Breach.Exemption.choices} == {"encrypted", "risk_removed", "disproportionate"}
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        with pytest.raises(ValidationError) as error:
            _breach(notice_exemption="encrypted").full_clean()
        assert "exemption_justification" in error.value.message_dict
        with pytest.raises(ValidationError) as error:
            _breach(exemption_justification="we decided so").full_clean()
        assert "notice_exemption" in error.value.message_dict
        _breach(notice_exemption="encrypted", exemption_justification="AES-256 backup, key not exposed").full_clean()


# The admin: record, see the hours left, notify late only with a reason.


def test_a_breach_recorded_now_shows_72_hours_left_and_the_dpo_is_mailed_at_once(
    dpo_client, django_capture_on_commit_callbacks
):
    with time_machine.travel(NOW, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            response = dpo_client.post(reverse("admin:privacy_breach_add"), _form())
        breach = Breach.objects.get()
        detail = dpo_client.get(reverse("admin:privacy_breach_change", args=[breach.pk])).content.decode()
        listing = dpo_client.get(reverse("admin:privacy_breach_changelist")).content.decode()
        dashboard = dpo_client.get(reverse("admin:index")).content.decode()

    assert response.status_code == 302
    assert breach.recorded_by.email == "dpo@example.com" and breach.dpo_alerted_at == NOW
    assert "72 h" in detail and "72 h" in listing
    assert 'id="open-breaches"' in dashboard and "72 hours left" in dashboard
    (alert,) = mail.outbox
    assert alert.to == [settings.DPO_EMAIL] and f"Breach {breach} recorded" in alert.subject
    assert "72 hours left" in alert.body and alert.alternatives


def test_the_dashboard_shows_no_breach_section_when_none_is_open(dpo_client):
    _breach(closed_at=NOW).save()

    assert 'id="open-breaches"' not in dpo_client.get(reverse("admin:index")).content.decode()


def test_the_admin_refuses_a_late_notification_without_a_reason(dpo_client, dpo):
    with time_machine.travel(NOW, tick=False):
        breach_record(breach=_breach(), actor=dpo)
    breach = Breach.objects.get()
    late = {"authority_notified_at_0": "2026-06-13", "authority_notified_at_1": "09:30:01"}
    url = reverse("admin:privacy_breach_change", args=[breach.pk])

    with time_machine.travel(NOW + timedelta(days=4), tick=False):
        refused = dpo_client.post(url, _form(**late))
        accepted = dpo_client.post(url, _form(**late, late_reason="Investigation of the host's logs took 4 days."))

    assert refused.status_code == 200 and "reason for the delay" in refused.content.decode()
    assert accepted.status_code == 302
    assert Breach.objects.get().notified_late()


def test_follow_up_entries_are_appended_with_their_author(dpo_client, dpo):
    with time_machine.travel(NOW, tick=False):
        breach_record(breach=_breach(), actor=dpo)
        breach = Breach.objects.get()
        data = _form(**{"follow_ups-TOTAL_FORMS": "1", "follow_ups-0-note": "CNIL asked for the host's report."})
        response = dpo_client.post(reverse("admin:privacy_breach_change", args=[breach.pk]), data)

    assert response.status_code == 302
    (entry,) = BreachFollowUp.objects.all()
    assert (entry.author, entry.note, entry.at) == (dpo, "CNIL asked for the host's report.", NOW)


def test_breaches_are_for_the_dpo_only(client):
    support = factories.StaffFactory(email="support@example.com")
    support.groups.add(Group.objects.get(name="Support"))
    client.force_login(support)
    _breach().save()

    assert client.get(reverse("admin:privacy_breach_changelist")).status_code == 403
    assert client.post(reverse("admin:privacy_breach_add"), _form()).status_code == 403
    assert 'id="open-breaches"' not in client.get(reverse("admin:index")).content.decode()


# The DPO's reminder, 24 hours before the deadline, once.


def test_the_dpo_is_reminded_once_24_hours_before_the_deadline(dpo, django_capture_on_commit_callbacks):
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        breach_record(breach=_breach(), actor=dpo)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert breach_remind(now=NOW + timedelta(hours=47, minutes=59)) == 0
        assert breach_remind(now=NOW + timedelta(hours=48)) == 1
        assert breach_remind(now=NOW + timedelta(hours=50)) == 0

    (reminder,) = mail.outbox
    assert reminder.to == [settings.DPO_EMAIL] and "24 hours left to notify the authority" in reminder.subject


def test_an_alert_lost_before_it_was_queued_is_sent_by_the_next_beat_once(dpo, django_capture_on_commit_callbacks):
    # The process died between the commit and queueing the alert: the breach is there, no alert went out.
    with time_machine.travel(NOW, tick=False):
        breach_record(breach=_breach(), actor=dpo)
    assert Breach.objects.get().dpo_alerted_at is None

    with django_capture_on_commit_callbacks(execute=True):
        assert breach_remind(now=NOW + timedelta(minutes=10)) == 1
        assert breach_remind(now=NOW + timedelta(minutes=20)) == 0

    (alert,) = mail.outbox
    assert "recorded" in alert.subject and Breach.objects.get().dpo_alerted_at == NOW + timedelta(minutes=10)


def test_no_reminder_once_the_authority_is_notified_or_without_risk(dpo):
    alerted = {"dpo_alerted_at": NOW}
    _breach(authority_notified_at=NOW + timedelta(hours=5), **alerted).save()
    _breach(risk=Breach.Risk.NONE, **alerted).save()
    _breach(closed_at=NOW + timedelta(hours=1), **alerted).save()

    assert breach_remind(now=NOW + timedelta(hours=60)) == 0


def test_the_reminder_runs_from_the_beat_schedule(dpo):
    from privacy.tasks import breach_remind as task

    entry = settings.CELERY_BEAT_SCHEDULE["breach-deadline-reminder"]
    assert entry["task"] == task.name == "privacy.tasks.breach_remind"
    _breach(became_aware_at=NOW - timedelta(hours=60), dpo_alerted_at=NOW - timedelta(hours=59)).save()
    with time_machine.travel(NOW, tick=False):
        assert task.delay().get() == 1


# Art. 34: the people, each in their own language.


@pytest.fixture
def high_risk(dpo, django_capture_on_commit_callbacks):
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        breach_record(breach=_breach(), actor=dpo)
    mail.outbox.clear()
    return Breach.objects.get()


def test_the_high_risk_notice_goes_to_each_person_in_their_language_and_is_recorded(
    high_risk, dpo_client, dpo, django_capture_on_commit_callbacks
):
    french = factories.CustomerFactory(email="amelie@example.fr", first_name="Amélie", preferred_language="fr")
    english = factories.CustomerFactory(email="john@example.com", first_name="John", preferred_language="en")
    for customer in (french, english):
        BreachSubject.objects.create(breach=high_risk, customer=customer)
    url = reverse("admin:privacy_breach_changelist")

    with time_machine.travel(NOW + timedelta(hours=3), tick=False), django_capture_on_commit_callbacks(execute=True):
        response = dpo_client.post(url, {"action": "notify_subjects", "_selected_action": [high_risk.pk]})

    assert response.status_code == 302
    by_to = {m.to[0]: m for m in mail.outbox}
    assert set(by_to) == {"amelie@example.fr", "john@example.com"}
    fr, en = by_to["amelie@example.fr"], by_to["john@example.com"]
    assert fr.subject == "Important : un incident de sécurité concernant vos données personnelles"
    assert "Bonjour Amélie," in fr.body and "Conséquences probables" in fr.body
    assert "A backup of the customer table was readable" in fr.body and "dpo@example.com" in fr.body
    assert en.subject == "Important: a security incident concerning your personal data"
    assert "Likely consequences" in en.body and fr.alternatives and en.alternatives
    high_risk.refresh_from_db()
    assert high_risk.subjects_notified_at == NOW + timedelta(hours=3) and high_risk.subjects_notified_count == 2
    assert set(BreachSubject.objects.values_list("notified_at", flat=True)) == {NOW + timedelta(hours=3)}
    assert AuditEntry.objects.filter(action="notify", customer=french).count() == 1


def test_a_second_run_mails_only_the_people_added_since(high_risk, dpo, django_capture_on_commit_callbacks):
    BreachSubject.objects.create(breach=high_risk, customer=factories.CustomerFactory())
    with django_capture_on_commit_callbacks(execute=True):
        assert breach_notify_subjects(breach=high_risk, actor=dpo) == 1
        BreachSubject.objects.create(breach=high_risk, customer=factories.CustomerFactory())
        assert breach_notify_subjects(breach=high_risk, actor=dpo) == 1

    assert len(mail.outbox) == 2
    assert Breach.objects.get().subjects_notified_count == 2


def test_no_notice_for_a_breach_that_is_not_high_risk_or_is_exempted(high_risk, dpo):
    BreachSubject.objects.create(breach=high_risk, customer=factories.CustomerFactory())
    high_risk.risk = Breach.Risk.RISK
    with pytest.raises(ValidationError):
        breach_notify_subjects(breach=high_risk, actor=dpo)
    high_risk.risk = Breach.Risk.HIGH
    high_risk.notice_exemption, high_risk.exemption_justification = "encrypted", "AES-256, key safe"
    with pytest.raises(ValidationError):
        breach_notify_subjects(breach=high_risk, actor=dpo)

    assert not BreachSubject.objects.filter(notified_at__isnull=False).exists()
    assert mail.outbox == []
