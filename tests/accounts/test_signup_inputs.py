"""Generated sign-up inputs (hypothesis): whatever is posted, the page never fails, and a refused sign-up stores
and sends nothing. 400 inputs in make test (FUZZ_SCALE multiplies them), counted in its `inputs_tried` figure."""

import itertools

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from accounts.models import User
from privacy.models import ConsentRecord
from tests.accounts.allauth_steps import SIGNUP, VERIFY
from tests.figures import figure_add
from tests.strategies import examples

INPUTS = examples(400)

ODD_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)),
    max_size=120,
)
EMAILS = st.one_of(
    st.emails(),
    st.builds(lambda local, n: f"{local}{n}@example.com", st.from_regex(r"[a-z]{1,12}", fullmatch=True), st.integers()),
    ODD_TEXT,
)
PASSWORDS = st.one_of(st.just("a-very-long-pass-42"), ODD_TEXT, st.text(min_size=8, max_size=40))
TICKS = st.sampled_from(["on", "", "off", "1", "true", "\x00", "yes"])


@st.composite
def signup_posts(draw):
    data = {
        "first_name": draw(st.one_of(st.just("Zoé"), ODD_TEXT)),
        "last_name": draw(st.one_of(st.just("Ålander"), ODD_TEXT)),
        "email": draw(EMAILS),
        "password1": draw(PASSWORDS),
        "country": draw(st.sampled_from(["FR", "US", "DE", "", "XX"])),
        "age": draw(st.sampled_from(["of_age", "under_age", "", "other"])),
        "accept_terms": draw(TICKS),
        "marketing_email": draw(TICKS),
        "marketing_sms": draw(TICKS),
        "marketing_social": draw(TICKS),
    }
    # Any field may be missing, or sent twice with different values.
    missing = draw(st.sets(st.sampled_from(sorted(data))))
    data = {k: v for k, v in data.items() if k not in missing}
    if draw(st.booleans()):
        extra = draw(st.sampled_from(sorted(data) or ["email"]))
        data[extra] = [data.get(extra, ""), draw(ODD_TEXT)]
    return data


def _stored():
    return (User.objects.count(), ConsentRecord.objects.count(), EmailAddress.objects.count(), len(mail.outbox))


@pytest.mark.django_db
def test_no_generated_sign_up_breaks_the_page_or_leaves_anything_behind(django_capture_on_commit_callbacks, settings):
    # What is tried here is the form's handling of any input; Argon2's cost would only slow the runs down.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    tried = itertools.count(1)
    outcomes = {"accepted": 0, "refused": 0, "limited": 0}

    @hypothesis_settings(
        max_examples=INPUTS,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(signup_posts())
    def one(data):
        n = next(tried)
        client = Client(REMOTE_ADDR=f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}")
        before = _stored()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(SIGNUP, data)
        assert response.status_code in (200, 302, 429), response.status_code
        if response.status_code == 429:
            # The same address signed up again and again: its mailbox is not flooded (3 codes a minute).
            outcomes["limited"] += 1
            assert "Too many attempts" in response.content.decode()
            assert len(mail.outbox) == before[3]
        elif response.status_code == 302:
            assert response.url == VERIFY
            outcomes["accepted"] += 1
            assert len(mail.outbox) == before[3] + 1
        else:
            outcomes["refused"] += 1
            assert response.context["form"].errors
            assert _stored() == before, data

    one()
    n = next(tried) - 1
    figure_add("inputs_tried", n)
    assert n >= INPUTS
    assert outcomes["accepted"] and outcomes["refused"], outcomes
