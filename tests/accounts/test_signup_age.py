"""Sign-up asks for the country and whether its age of digital consent is reached (R76); a US child under 13 gets no
account and nothing is kept (R77, COPPA); a younger person elsewhere gets no marketing and is flagged as a minor."""

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from accounts.forms import SignupForm
from accounts.models import ChangeLog, User
from outbox.models import OutgoingMail
from privacy.marketing.audience import consent_processing_blocked
from privacy.models import ConsentRecord
from tests.accounts.allauth_steps import GOOD, SIGNUP, VERIFY, signup

COPPA = "We cannot open an account for a child under 13 in the United States (COPPA)."


def _form(**overrides):
    data = {**GOOD, **overrides}
    data = {k: v for k, v in data.items() if v is not None}
    return SignupForm(data)


def _nothing_kept():
    return (
        User.objects.count(),
        EmailAddress.objects.count(),
        ConsentRecord.objects.count(),
        OutgoingMail.objects.count(),
        ChangeLog.objects.count(),
        len(mail.outbox),
    ) == (0, 0, 0, 0, 0, 0)


@pytest.mark.django_db
def test_the_form_needs_the_country_and_the_age_answer():
    form = _form(country=None, age=None)

    assert not form.is_valid()
    assert set(form.errors) >= {"country", "age"}


@pytest.mark.django_db
def test_the_form_accepts_a_person_of_age():
    assert _form(country="US", age="of_age").is_valid()


@pytest.mark.django_db
def test_the_form_refuses_a_us_child_under_13_and_forgets_what_was_typed():
    form = _form(country="US", age="under_age")

    assert not form.is_valid()
    assert COPPA in form.non_field_errors()[0]
    assert "email" not in form.data and "first_name" not in form.data and "password1" not in form.data


@pytest.mark.django_db
def test_the_form_refuses_marketing_below_the_age_elsewhere():
    form = _form(country="FR", age="under_age", marketing_email="on")

    assert not form.is_valid()
    assert "need a parent's consent" in form.errors["marketing_email"][0]
    assert _form(country="FR", age="under_age").is_valid()


@pytest.mark.django_db
def test_the_page_shows_the_question_with_the_ages(client, settings):
    html = client.get(SIGNUP).content.decode()

    assert 'name="country"' in html and 'value="under_age"' in html
    assert "I have reached the age of digital consent of my country" in html
    assert "The age of digital consent is 16, except: United States of America 13." in html
    settings.DIGITAL_CONSENT_FLOOR = 13
    html = client.get(SIGNUP).content.decode()
    help_text = html.split("The age of digital consent is ")[1].split("</span>")[0]
    assert help_text.startswith("16, except:") and "France 15" in help_text and "Spain 14" in help_text
    assert "Germany" not in help_text


@pytest.mark.django_db
def test_through_the_real_view_a_us_child_under_13_gets_no_account_and_nothing_is_kept(
    client, django_capture_on_commit_callbacks
):
    response = signup(client, django_capture_on_commit_callbacks, country="US", age="under_age")

    assert response.status_code == 200
    page = response.content.decode()
    assert COPPA in page and "Nothing you typed has been kept." in page
    assert GOOD["email"] not in page and GOOD["first_name"] not in page
    assert _nothing_kept()


@pytest.mark.django_db
def test_through_the_real_view_a_person_of_age_gets_the_account_with_the_country(
    client, django_capture_on_commit_callbacks
):
    response = signup(client, django_capture_on_commit_callbacks, country="US", age="of_age")

    assert response.status_code == 302 and response.url == VERIFY
    customer = User.objects.get()
    assert customer.country.code == "US" and customer.flagged_minor_at is None


@pytest.mark.django_db
def test_through_the_real_view_a_younger_person_elsewhere_is_flagged_and_gets_no_marketing(
    client, django_capture_on_commit_callbacks
):
    refused = signup(client, django_capture_on_commit_callbacks, country="FR", age="under_age", marketing_sms="on")
    assert refused.status_code == 200 and not User.objects.exists()

    response = signup(client, django_capture_on_commit_callbacks, country="FR", age="under_age")

    assert response.status_code == 302
    customer = User.objects.get()
    assert customer.flagged_minor_at is not None
    assert consent_processing_blocked(customer) == "minor"
    assert not ConsentRecord.objects.filter(customer=customer, granted=True).exists()
    log = ChangeLog.objects.get(customer=customer, field="flagged_minor_at")
    assert log.channel == ChangeLog.Channel.CLIENT_AREA
    page = client.get(VERIFY).content.decode()
    assert "ask a parent or guardian" in page
