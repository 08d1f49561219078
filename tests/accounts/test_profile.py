"""The customer corrects every self-editable field (R03); each change is logged (R04); consents are toggles (R36)."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import ChangeLog, User
from privacy.models import ConsentRecord, Purpose
from tests.accounts.allauth_steps import code_in

PROFILE = reverse("accounts:profile")


def _form_data(customer, **overrides):
    data = {
        "form": "profile",
        "first_name": customer.first_name,
        "last_name": customer.last_name,
        "phone": customer.phone,
        "address": customer.address,
        "postal_code": customer.postal_code,
        "city": customer.city,
        "country": customer.country.code or "",
        "preferred_language": customer.preferred_language,
        "company": customer.company,
        "vat_number": customer.vat_number,
    }
    if customer.is_professional:
        data["is_professional"] = "on"
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _snapshot(customer):
    customer = User.objects.get(pk=customer.pk)
    return {f: str(getattr(customer, f)) for f in (*User.SELF_EDITABLE_FIELDS, "email")}


@pytest.mark.django_db
def test_the_page_offers_every_self_editable_field(alice_client):
    form = alice_client.get(PROFILE).context["form"]

    assert set(User.SELF_EDITABLE_FIELDS) == set(form.fields)


@pytest.mark.smoke
@pytest.mark.django_db
def test_a_correction_is_saved_and_each_changed_field_logged(alice_client, alice):
    response = alice_client.post(
        PROFILE,
        _form_data(alice, last_name="Martin-Leroy", phone="06 12 34 56 78", country="FR", city="Annecy"),
    )

    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.last_name == "Martin-Leroy"
    assert alice.phone == "+33612345678"
    logs = {log.field: log for log in ChangeLog.objects.filter(customer=alice)}
    assert set(logs) == {"last_name", "phone", "country", "city"}
    assert (logs["last_name"].old_value, logs["last_name"].new_value) == ("Martin", "Martin-Leroy")
    assert logs["phone"].new_value == "+33612345678"
    assert all(log.actor == alice and log.actor_role == "customer" for log in logs.values())
    assert {log.channel for log in logs.values()} == {ChangeLog.Channel.CLIENT_AREA}


@pytest.mark.django_db
def test_saving_without_changes_logs_nothing(alice_client, alice):
    alice_client.post(PROFILE, _form_data(alice))

    assert not ChangeLog.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"is_professional": "on", "vat_number": "FR123"}, "vat_number", "EU VAT number"),
        ({"phone": "12"}, "phone", "valid phone number"),
        ({"address": "card 4111-1111-1111-1111 please"}, "address", "payment card number"),
        ({"first_name": ""}, "first_name", "required"),
        ({"preferred_language": "xx"}, "preferred_language", "valid choice"),
    ],
)
@pytest.mark.django_db
def test_bad_input_is_shown_on_its_field_and_nothing_changes(alice_client, alice, overrides, field, message):
    before = _snapshot(alice)

    response = alice_client.post(PROFILE, _form_data(alice, last_name="Changed", **overrides))

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert "Nothing was saved" in response.content.decode()
    assert _snapshot(alice) == before
    assert not ChangeLog.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_the_vat_number_is_checked_only_for_professionals(alice_client, alice):
    alice_client.post(PROFILE, _form_data(alice, vat_number="anything"))
    alice.refresh_from_db()
    assert alice.vat_number == "anything"

    alice_client.post(PROFILE, _form_data(alice, is_professional="on", company="ACME", vat_number="fr 40 303265045"))
    alice.refresh_from_db()
    assert (alice.is_professional, alice.vat_number) == (True, "FR40303265045")


EMAIL = reverse("account_email")


def _change_email(client, capture, new, password):
    """allauth's email change: ask, confirm the password, type the code mailed to the new address."""
    with capture(execute=True):
        response = client.post(EMAIL, {"action_add": "", "email": new})
        assert response.url.startswith(reverse("account_reauthenticate"))
        client.post(response.url, {"password": password})
    return mail.outbox[-1]


@pytest.mark.django_db
def test_a_new_email_takes_effect_only_once_confirmed(
    alice_client, alice, password, django_capture_on_commit_callbacks
):
    message = _change_email(alice_client, django_capture_on_commit_callbacks, "alice.new@example.org", password)

    alice.refresh_from_db()
    assert alice.email == "alice@example.com"
    assert message.to == ["alice.new@example.org"]
    assert not ChangeLog.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(reverse("account_email_verification_sent"), {"code": code_in(message)})

    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.email == "alice.new@example.org"
    log = ChangeLog.objects.get()
    assert (log.field, log.old_value, log.new_value) == ("email", "alice@example.com", "alice.new@example.org")
    # The old address is told (finding 9).
    assert mail.outbox[-1].to == ["alice@example.com"]


@pytest.mark.django_db
def test_an_email_used_by_another_account_reads_the_same(
    alice_client, alice, bob, password, django_capture_on_commit_callbacks
):
    taken = _change_email(alice_client, django_capture_on_commit_callbacks, "BOB@example.com", password)

    # Nothing on the page says Bob exists; Bob's mailbox hears that someone tried, and the address stays his.
    assert taken.to == ["bob@example.com"]
    alice.refresh_from_db()
    assert alice.email == "alice@example.com"


@pytest.mark.django_db
def test_consent_toggles_append_only_what_changed(alice_client, alice):
    alice_client.post(PROFILE, {"form": "consents", "marketing_email": "on"})
    alice_client.post(PROFILE, {"form": "consents", "marketing_email": "on", "advertising": "on"})
    alice_client.post(PROFILE, {"form": "consents", "advertising": "on"})

    rows = list(ConsentRecord.objects.filter(customer=alice).order_by("pk").values_list("purpose", "granted"))
    assert rows == [
        (Purpose.MARKETING_EMAIL, True),
        (Purpose.ADVERTISING, True),
        (Purpose.MARKETING_EMAIL, False),
    ]
    form = alice_client.get(PROFILE).context["consent_form"]
    assert form.fields["advertising"].initial is True
    assert form.fields["marketing_email"].initial is False
