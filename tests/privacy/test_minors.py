"""Minors (R76-R78) and lifting a restriction (R24)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from accounts.models import ChangeLog
from accounts.services import customer_flag_minor as minor_flag
from privacy.marketing.audience import classify
from privacy.models import Purpose, RequestEvent, Restriction
from privacy.services import consent_record
from privacy.services.minors import consent_age, parental_consent_record
from privacy.services.restrictions import RestrictionError, restriction_lift
from retention.sweeps import SWEEPS
from tests.factories import CustomerFactory
from tests.privacy.test_marketing import restrict

PARIS = ZoneInfo("Europe/Paris")


@pytest.mark.parametrize(
    ("country", "age"),
    [("FR", 16), ("DE", 16), ("ES", 16), ("IT", 16), ("US", 13), ("", 16), ("BR", 16)],
)
def test_the_age_of_consent_is_the_country_table_raised_to_the_policy_floor(country, age):
    assert consent_age(country) == age


def test_a_lower_floor_lets_the_country_table_speak(settings):
    settings.DIGITAL_CONSENT_FLOOR = 13

    assert (consent_age("FR"), consent_age("ES"), consent_age("DE"), consent_age("BE")) == (15, 14, 16, 13)


@pytest.mark.django_db
def test_flagging_a_minor_stops_marketing_at_once_and_is_logged(dpo):
    child = CustomerFactory()
    consent_record(customer=child, choices={Purpose.MARKETING_EMAIL: True}, source="signup")
    assert classify([child], Purpose.MARKETING_EMAIL) == {child.pk: None}

    assert minor_flag(customer=child, actor=dpo) == 1

    child.refresh_from_db()
    assert classify([child], Purpose.MARKETING_EMAIL) == {child.pk: "minor"}
    log = ChangeLog.objects.get(customer=child, field="flagged_minor_at")
    assert log.actor == dpo and log.channel == "admin"


@pytest.mark.django_db
def test_a_flagged_minor_is_erased_after_thirty_days_unless_parental_consent_arrives(dpo):
    flagged_at = datetime(2026, 2, 1, 10, tzinfo=PARIS)
    erased, saved = CustomerFactory(), CustomerFactory()
    with time_machine.travel(flagged_at, tick=False):
        minor_flag(customer=erased, actor=dpo)
        minor_flag(customer=saved, actor=dpo)
    parental_consent_record(customer=saved, guardian_name="Parent", method="signed_form", actor=dpo)

    saved.refresh_from_db()
    due = {c.pk for sweep in SWEEPS["minor_erase"] for c in sweep.due(_ctx(datetime(2026, 3, 5).date()))}
    assert erased.pk in due and saved.pk not in due
    assert saved.flagged_minor_at is None
    # Staff flag again: the consent on file was found invalid, so it no longer counts.
    assert minor_flag(customer=saved, actor=dpo) == 1
    saved.refresh_from_db()
    assert classify([saved], Purpose.MARKETING_EMAIL) == {saved.pk: "no_consent"}
    from privacy.marketing.audience import consent_processing_blocked

    assert consent_processing_blocked(saved) == "minor"


def _ctx(as_of):
    from types import SimpleNamespace

    return SimpleNamespace(as_of=as_of, now=timezone.now())


@pytest.mark.django_db
def test_lifting_a_restriction_tells_the_person_first_and_records_the_end(
    alice, dpo, django_capture_on_commit_callbacks
):
    restriction = restrict(alice)
    alice.preferred_language = "fr"
    alice.save()
    end = timezone.now() + timedelta(days=7)

    with django_capture_on_commit_callbacks(execute=True):
        restriction_lift(restriction=restriction, actor=dpo, on=end)

    restriction.refresh_from_db()
    assert restriction.ends_at == end
    assert Restriction.objects.active().filter(pk=restriction.pk).exists()  # still applies until then
    assert not Restriction.objects.active(now=end + timedelta(seconds=1)).filter(pk=restriction.pk).exists()
    assert len(mail.outbox) == 1 and "prendra fin" in mail.outbox[0].body
    assert RequestEvent.objects.filter(request=restriction.request, note__contains="ends on").exists()


@pytest.mark.django_db
def test_a_restriction_cannot_be_lifted_without_notice(alice, dpo):
    restriction = restrict(alice)

    with pytest.raises(RestrictionError):
        restriction_lift(restriction=restriction, actor=dpo, on=timezone.now() - timedelta(minutes=1))
    restriction.refresh_from_db()
    assert restriction.ends_at is None and mail.outbox == []


@pytest.mark.django_db
def test_staff_flag_a_minor_from_the_customer_list(admin_client):
    child = CustomerFactory()

    admin_client.post("/admin/accounts/user/", {"action": "flag_minor", "_selected_action": [child.pk]})

    child.refresh_from_db()
    assert child.flagged_minor_at is not None
