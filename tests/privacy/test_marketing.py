"""Marketing that respects every choice: the one gate, campaigns, one-click unsubscribe, tracking (R24-R25,
R37-R40, R77-R78)."""

import base64
import binascii
import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from privacy.marketing.audience import classify, marketing_allowed
from privacy.marketing.campaigns import (
    CampaignError,
    campaign_dry_run,
    campaign_send_batch,
    campaign_start,
)
from privacy.models import (
    Campaign,
    CampaignDelivery,
    Channel,
    ConsentRecord,
    DataSubjectRequest,
    EngagementEvent,
    ParentalConsent,
    Purpose,
    Restriction,
    SuppressionEntry,
)
from privacy.services import consent_record, suppression_add
from tests.factories import CustomerFactory

EMAIL = Purpose.MARKETING_EMAIL


def opted_in(*purposes, **fields):
    customer = CustomerFactory(**fields)
    consent_record(customer=customer, choices=dict.fromkeys(purposes or (EMAIL,), True), source="signup")
    return customer


def restrict(customer):
    req = DataSubjectRequest.objects.create(
        kind="restriction",
        customer=customer,
        requester_name="x",
        requester_email=customer.email,
        received_at=timezone.now(),
        due_at=timezone.now() + timedelta(days=30),
    )
    return Restriction.objects.create(customer=customer, request=req, ground="a")


@pytest.fixture
def campaign(db):
    return Campaign.objects.create(name="Winter offer", subject="-20% this winter", text="Our winter offer.")


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """Start the campaign and run its batches as a worker would, on-commit callbacks included."""

    def run(campaign, batch_size=500):
        with django_capture_on_commit_callbacks(execute=True):
            campaign_start(campaign=campaign)
        while True:
            with django_capture_on_commit_callbacks(execute=True):
                result = campaign_send_batch(campaign_id=campaign.pk, batch_size=batch_size)
            if result["done"]:
                break
        campaign.refresh_from_db()
        return campaign

    return run


@pytest.mark.django_db
def test_the_gate_reaches_only_a_current_grant_on_that_channel():
    email_only = opted_in(EMAIL)
    sms_only = opted_in(Purpose.MARKETING_SMS)
    withdrew = opted_in(EMAIL)
    consent_record(customer=withdrew, choices={EMAIL: False}, source="profile")

    verdicts = classify([email_only, sms_only, withdrew], EMAIL)

    assert verdicts == {email_only.pk: None, sms_only.pk: "no_consent", withdrew.pk: "no_consent"}


@pytest.mark.django_db
def test_archived_restricted_minor_objected_and_suppressed_people_are_left_out():
    archived = opted_in(state="archived", is_active=False)
    restricted = opted_in()
    restrict(restricted)
    minor = opted_in(flagged_minor_at=timezone.now())
    minor_with_parent = opted_in(flagged_minor_at=timezone.now())
    ParentalConsent.objects.create(customer=minor_with_parent, guardian_name="Parent", method="signed_form")
    objected = opted_in()
    DataSubjectRequest.objects.create(
        kind="objection",
        objection_scope="marketing",
        status="completed",
        customer=objected,
        requester_name="x",
        requester_email=objected.email,
        received_at=timezone.now(),
        due_at=timezone.now(),
    )
    suppressed = opted_in()
    suppression_add(email=suppressed.email.upper(), source="sms_stop")

    verdicts = classify([archived, restricted, minor, minor_with_parent, objected, suppressed], EMAIL)

    assert verdicts == {
        archived.pk: "archived",
        restricted.pk: "restricted",
        minor.pk: "minor",
        minor_with_parent.pk: None,
        objected.pk: "objected",
        suppressed.pk: "suppressed",
    }
    assert not marketing_allowed(customer=restricted, purpose=EMAIL)
    assert marketing_allowed(customer=minor_with_parent, purpose=EMAIL)


@pytest.mark.django_db
def test_a_phone_on_the_suppression_list_stops_sms_after_a_stop_reply():
    customer = opted_in(Purpose.MARKETING_SMS, phone="+33612345678")
    suppression_add(phone="06 12 34 56 78", source="sms_stop")

    assert classify([customer], Purpose.MARKETING_SMS) == {customer.pk: "suppressed"}


@pytest.mark.django_db
def test_the_dry_run_counts_exclusions_by_reason_and_sends_nothing(campaign):
    opted_in()
    opted_in()
    CustomerFactory()
    restrict(opted_in())

    result = campaign_dry_run(campaign=campaign)

    assert result["reached"] == 2
    assert result["excluded"]["no_consent"] == 1 and result["excluded"]["restricted"] == 1
    assert not CampaignDelivery.objects.exists() and mail.outbox == []


@pytest.mark.django_db
def test_the_command_prints_the_dry_run(campaign, capsys):
    opted_in()
    CustomerFactory()

    call_command("send_campaign", str(campaign.pk), "--dry-run")

    assert "would reach 1; excluded no_consent=1 archived=0" in capsys.readouterr().out


@pytest.mark.django_db
def test_a_campaign_mails_each_consenting_person_once_in_batches_with_unsubscribe_headers(campaign, send):
    fr = opted_in(preferred_language="fr", email="fr@example.com")
    people = [fr, *(opted_in() for _ in range(4))]
    CustomerFactory(email="never@example.com")

    sent = send(campaign, batch_size=2)

    assert sent.status == Campaign.Status.SENT and sent.reached == 5 and sent.excluded == {"no_consent": 1}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)
    french = next(m for m in mail.outbox if m.to == ["fr@example.com"])
    link = french.extra_headers["List-Unsubscribe"].strip("<>")
    assert french.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link in french.body and link in french.alternatives[0][0]
    assert "article 21 du RGPD" in french.body and "Bonjour" in french.body
    # The link carries no readable personal data.
    token = link.rstrip("/").rsplit("/", 1)[-1]
    assert token.split(":", 1)[0] == str(CampaignDelivery.objects.get(customer=fr).pk)
    for part in re.split(r"[:.]", token):
        try:
            decoded = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
        except binascii.Error:
            continue
        assert b"fr@example" not in decoded


@pytest.mark.django_db
def test_a_campaign_already_sent_cannot_be_sent_again(campaign, send):
    opted_in()
    send(campaign)

    with pytest.raises(CampaignError):
        campaign_start(campaign=campaign)
    assert CampaignDelivery.objects.count() == 1


@pytest.mark.django_db
def test_a_crashed_batch_resumes_without_sending_twice(campaign, django_capture_on_commit_callbacks):
    people = [opted_in() for _ in range(3)]
    campaign_start(campaign=campaign)
    with django_capture_on_commit_callbacks(execute=True):
        campaign_send_batch(campaign_id=campaign.pk, batch_size=2)
    # The worker died after committing, before recording progress elsewhere: replay from the start.
    Campaign.objects.filter(pk=campaign.pk).update(progress_pk=0)
    with django_capture_on_commit_callbacks(execute=True):
        campaign_send_batch(campaign_id=campaign.pk, batch_size=10)

    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)


@pytest.mark.django_db
def test_sms_goes_through_the_pluggable_sender(send, settings, tmp_path):
    settings.MARKETING_OUTBOX = tmp_path
    opted_in(Purpose.MARKETING_SMS, phone="+33612345678")
    campaign = Campaign.objects.create(name="SMS", channel=Channel.SMS, text="Flash sale")

    send(campaign)

    files = list((tmp_path / "sms").iterdir())
    assert len(files) == 1
    text = files[0].read_text()
    assert "To: +33612345678" in text and "Flash sale" in text and "STOP" in text


@pytest.mark.django_db
def test_one_click_unsubscribes_without_login_and_no_later_campaign_reaches_them(campaign, send):
    customer = opted_in()
    send(campaign)
    link = mail.outbox[0].extra_headers["List-Unsubscribe"].strip("<>")
    path = link.split("://", 1)[1].split("/", 1)[1]

    response = Client().get("/" + path)

    assert response.status_code == 200 and "You are unsubscribed" in response.content.decode()
    row = ConsentRecord.objects.filter(customer=customer, purpose=EMAIL).latest("pk")
    assert (row.granted, row.source) == (False, "unsubscribe")
    mail.outbox.clear()
    second = send(Campaign.objects.create(name="Spring", text="Spring offer"))
    assert mail.outbox == [] and second.excluded == {"no_consent": 1}


@pytest.mark.django_db
def test_rfc_8058_one_click_post_works_without_a_session(campaign, send):
    customer = opted_in()
    send(campaign)
    path = "/" + mail.outbox[0].extra_headers["List-Unsubscribe"].strip("<>").split("/", 3)[3]

    response = Client(enforce_csrf_checks=True).post(path, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert not marketing_allowed(customer=customer, purpose=EMAIL)


@pytest.mark.django_db
def test_a_forged_unsubscribe_link_is_refused(client):
    assert client.get("/unsubscribe/42:forged/").status_code == 404


@pytest.mark.django_db
def test_after_erasure_and_a_new_sign_up_the_address_stays_suppressed_until_a_new_opt_in(campaign, send):
    from retention.services import customer_erase

    customer = opted_in(email="leaver@example.com")
    send(campaign)
    Client().get("/" + mail.outbox[0].extra_headers["List-Unsubscribe"].strip("<>").split("/", 3)[3])
    grant_before = ConsentRecord.objects.filter(customer=customer, granted=True).values_list("created_at", flat=True)[0]
    customer_erase(customer=customer, reference="ERASE-1")
    assert SuppressionEntry.objects.count() == 1  # the list survives erasure

    again = CustomerFactory(email="leaver@example.com")
    # A consent carried over from before the unsubscribe (an import, a restore) does not lift the list.
    ConsentRecord.objects.create(
        customer=again,
        purpose=EMAIL,
        granted=True,
        policy_version="1",
        language="en",
        source="staff",
        created_at=grant_before,
    )
    assert classify([again], EMAIL) == {again.pk: "suppressed"}
    consent_record(customer=again, choices={EMAIL: True}, source="profile", only_changes=False)  # a new opt-in
    assert marketing_allowed(customer=again, purpose=EMAIL)


@pytest.mark.django_db
def test_no_open_pixel_without_the_engagement_consent(campaign, send):
    tracked = opted_in(EMAIL, Purpose.ENGAGEMENT, email="tracked@example.com")
    opted_in(EMAIL, email="plain@example.com")

    send(campaign)

    html = {m.to[0]: m.alternatives[0][0] for m in mail.outbox}
    assert "/m/o/" in html["tracked@example.com"] and "/m/o/" not in html["plain@example.com"]
    deliveries = {d.customer_id: d for d in CampaignDelivery.objects.all()}
    assert deliveries[tracked.pk].tracked
    for delivery in deliveries.values():
        from privacy.marketing.links import delivery_token

        Client().get(f"/m/o/{delivery_token(delivery)}/")
    assert list(EngagementEvent.objects.values_list("delivery__customer", flat=True)) == [tracked.pk]


@pytest.mark.django_db
def test_transactional_mail_never_carries_a_pixel_or_unsubscribe_header(alice, django_capture_on_commit_callbacks):
    from config.mail import mail_send

    version = SimpleNamespace(number="2", published_at=timezone.now(), summary="", needs_approval=False)
    with django_capture_on_commit_callbacks(execute=True):
        mail_send(to=alice.email, template="policy_changed", context={"version": version}, language="en")

    assert len(mail.outbox) == 1

    assert all("/m/o/" not in str(m.alternatives) and "List-Unsubscribe" not in m.extra_headers for m in mail.outbox)


@pytest.mark.django_db
def test_a_restriction_or_a_minor_flag_stops_analytics_cookies(alice_client, alice):
    alice_client.post("/privacy/cookies/", {"choice": "accept_all", "next": "/account/"})
    assert "site_analytics" in alice_client.get("/account/").cookies
    restrict(alice)

    response = alice_client.get("/account/")

    assert response.cookies["site_analytics"]["max-age"] == 0
