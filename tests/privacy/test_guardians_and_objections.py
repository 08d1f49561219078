"""R25 through the public form and R79: a marketing objection confirmed by email takes effect at once; a guardian's
request is linked to the child's account only by staff, after a recorded check; the suppression list and
restriction lifting in the back-office (R24, R39)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from privacy.marketing.audience import classify
from privacy.models import DataSubjectRequest, Purpose, RequestEvent, Restriction, SuppressionEntry
from privacy.models.requests import Status
from privacy.services import consent_record, is_suppressed
from privacy.services.requests import request_file
from tests.factories import CustomerFactory
from tests.privacy.test_marketing import restrict

FORM = reverse("privacy:public_request")


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def _confirm_link(message):
    import re

    return re.search(r"https?://[^\s\"<]+(/privacy/request/confirm/[^/\s\"<]+/)", message.body).group(1)


@pytest.mark.django_db
def test_a_marketing_objection_from_the_public_form_is_carried_out_once_confirmed(
    client, django_capture_on_commit_callbacks
):
    customer = CustomerFactory(email="paul@example.org", phone="+33612345678")
    consent_record(customer=customer, choices={Purpose.MARKETING_EMAIL: True}, source="signup")
    data = {"name": "Paul", "email": "paul@example.org", "kind": "objection", "objection_scope": "marketing"}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(FORM, data)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(_confirm_link(mail.outbox[0]))

    req = DataSubjectRequest.objects.get()
    assert (req.kind, req.objection_scope, req.status) == ("objection", "marketing", Status.COMPLETED)
    assert is_suppressed(email="paul@example.org") and is_suppressed(phone="+33612345678")
    assert classify([customer], Purpose.MARKETING_EMAIL)[customer.pk] is not None


@pytest.mark.django_db
def test_an_objection_scope_on_another_kind_is_dropped(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(FORM, {"name": "Ann", "email": "ann@example.org", "kind": "access", "objection_scope": "marketing"})

    from privacy.models import PendingPublicRequest

    assert PendingPublicRequest.objects.get().objection_scope == ""


@pytest.fixture
def guardian_request(db):
    return request_file(
        kind="access", channel="public_form", name="Parent", email="parent@example.org", is_guardian=True
    )


@pytest.mark.django_db
def test_staff_link_a_guardians_request_to_the_childs_account_after_a_recorded_check(dpo_client, guardian_request):
    child = CustomerFactory(email="child@example.org")
    url = reverse("admin:privacy_datasubjectrequest_link_account", args=[guardian_request.pk])

    response = dpo_client.post(url, {"account_email": "CHILD@example.org", "check": "Birth certificate and ID seen."})

    assert response.status_code == 302
    guardian_request.refresh_from_db()
    assert guardian_request.customer == child and guardian_request.identity_verified_at is not None
    event = RequestEvent.objects.filter(request=guardian_request).latest("pk")
    assert "Birth certificate" in event.note and not event.visible_to_subject


@pytest.mark.django_db
def test_linking_needs_a_check_and_a_customer_account(dpo_client, dpo, guardian_request):
    url = reverse("admin:privacy_datasubjectrequest_link_account", args=[guardian_request.pk])

    no_check = dpo_client.post(url, {"account_email": "nobody@example.org", "check": ""})
    staff = dpo_client.post(url, {"account_email": dpo.email, "check": "Seen."})

    assert no_check.status_code == 200 and "No customer account has this address." in no_check.content.decode()
    assert staff.status_code == 200
    guardian_request.refresh_from_db()
    assert guardian_request.customer is None


@pytest.mark.django_db
def test_support_cannot_link_an_account(client, guardian_request):
    from django.contrib.auth.models import Group

    from tests.factories import StaffFactory

    support = StaffFactory()
    group, _ = Group.objects.get_or_create(name="Support")
    support.groups.add(group)
    client.force_login(support)
    CustomerFactory(email="child@example.org")

    response = client.post(
        reverse("admin:privacy_datasubjectrequest_link_account", args=[guardian_request.pk]),
        {"account_email": "child@example.org", "check": "x"},
    )

    assert response.status_code in (302, 403) and DataSubjectRequest.objects.get().customer is None


@pytest.mark.django_db
def test_staff_add_a_phone_to_the_suppression_list_after_an_sms_stop(dpo_client):
    customer = CustomerFactory(phone="+33612345678")
    consent_record(customer=customer, choices={Purpose.MARKETING_SMS: True}, source="signup")

    response = dpo_client.post(
        reverse("admin:privacy_suppressionentry_add"),
        {"kind": "phone", "value": "06 12 34 56 78", "source": "sms_stop"},
    )

    assert response.status_code == 302
    entry = SuppressionEntry.objects.get()
    assert (entry.kind, entry.source) == ("phone", "sms_stop") and "612345678" not in entry.digest
    assert classify([customer], Purpose.MARKETING_SMS) == {customer.pk: "suppressed"}
    listing = dpo_client.get(reverse("admin:privacy_suppressionentry_changelist")).content.decode()
    assert "SMS reply STOP" in listing


@pytest.mark.django_db
def test_a_bad_phone_is_refused_and_nothing_is_stored(dpo_client):
    response = dpo_client.post(
        reverse("admin:privacy_suppressionentry_add"), {"kind": "phone", "value": "12", "source": "sms_stop"}
    )

    assert response.status_code == 200 and not SuppressionEntry.objects.exists()


@pytest.mark.django_db
def test_the_dpo_lifts_a_restriction_from_the_admin_and_the_person_is_told_first(
    dpo_client, alice, django_capture_on_commit_callbacks
):
    restriction = restrict(alice)
    day = (timezone.localdate() + timedelta(days=10)).isoformat()

    with django_capture_on_commit_callbacks(execute=True):
        dpo_client.post(
            reverse("admin:privacy_restriction_changelist"),
            {"action": "lift", "_selected_action": [restriction.pk], "ends_on": day},
        )

    restriction.refresh_from_db()
    assert timezone.localtime(restriction.ends_at).date().isoformat() == day
    assert [m.to for m in mail.outbox] == [[alice.email]]
    assert Restriction.objects.active().filter(pk=restriction.pk).exists()
