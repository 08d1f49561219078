"""The cookie banner: nothing optional before a choice, every choice in the ledger, expiry, GPC, tags (R31-R35, R83)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings as django_settings
from django.test import Client

from accounts.models import AffiliateCommission
from privacy.cookies import AFFILIATE_COOKIE, ANALYTICS_COOKIE, CHOICE_COOKIE
from privacy.models import ConsentRecord, Purpose
from tests.factories import CustomerFactory

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=PARIS)
STRICTLY_NECESSARY = {
    django_settings.SESSION_COOKIE_NAME,
    django_settings.CSRF_COOKIE_NAME,
    django_settings.LANGUAGE_COOKIE_NAME,
    CHOICE_COOKIE,
}
PAGE = "/privacy/request/"  # a public page with a form, so the CSRF cookie is set too


def set_cookies(response):
    return {name for name, morsel in response.cookies.items() if morsel["max-age"] != 0 and morsel.value != ""}


def choose(client, choice, **extra):
    return client.post("/privacy/cookies/", {"choice": choice, "next": PAGE, **extra})


def test_a_fresh_visitor_gets_only_strictly_necessary_cookies_and_the_banner(client, db):
    response = client.get(PAGE + "?ref=AFF42")

    assert set_cookies(response) <= STRICTLY_NECESSARY
    assert ANALYTICS_COOKIE not in response.cookies and AFFILIATE_COOKIE not in response.cookies
    text = response.content.decode()
    assert 'value="accept_all"' in text and 'value="refuse_all"' in text and "Customise" in text


def test_the_three_choices_carry_equal_weight(client, db):
    text = client.get(PAGE).content.decode()
    banner = text[text.index('class="cookie-banner"') :]

    assert '<button type="submit" name="choice" value="accept_all">' in banner
    assert '<button type="submit" name="choice" value="refuse_all">' in banner
    assert '<a class="button" href="/privacy/cookies/' in banner


def test_accept_all_without_javascript_sets_the_analytics_cookie_and_writes_the_ledger(client, db):
    response = choose(client, "accept_all")

    assert response.status_code == 302 and response["Location"] == PAGE
    rows = ConsentRecord.objects.filter(visitor_id__gt="")
    assert {(r.purpose, r.granted, r.source) for r in rows} == {
        (Purpose.ANALYTICS, True, "banner"),
        (Purpose.ADVERTISING, True, "banner"),
        (Purpose.AFFILIATION, True, "banner"),
    }
    assert len({r.visitor_id for r in rows}) == 1 and rows[0].customer is None
    followed = client.get(PAGE)
    assert ANALYTICS_COOKIE in set_cookies(followed)
    assert 'class="cookie-banner"' not in followed.content.decode()


def test_refuse_all_sets_nothing_and_is_remembered_six_months(client, db):
    with time_machine.travel(NOW, tick=False):
        choose(client, "refuse_all")
        response = client.get(PAGE)
        assert set_cookies(response) <= STRICTLY_NECESSARY
        assert 'class="cookie-banner"' not in response.content.decode()
    assert ConsentRecord.objects.filter(granted=False, source="banner").count() == 3

    with time_machine.travel(NOW + timedelta(days=180), tick=False):
        assert 'class="cookie-banner"' not in client.get(PAGE).content.decode()
    with time_machine.travel(NOW + timedelta(days=200), tick=False):
        assert 'class="cookie-banner"' in client.get(PAGE).content.decode()


def test_a_consent_lasts_thirteen_months_then_the_banner_asks_again(client, db):
    with time_machine.travel(NOW, tick=False):
        choose(client, "accept_all")
    with time_machine.travel(datetime(2027, 4, 9, 12, tzinfo=PARIS), tick=False):
        response = client.get(PAGE)
        assert 'class="cookie-banner"' not in response.content.decode()
    with time_machine.travel(datetime(2027, 4, 12, 12, tzinfo=PARIS), tick=False):
        response = client.get(PAGE)
        assert 'class="cookie-banner"' in response.content.decode()
        # The consent is gone: the analytics cookie is expired at once.
        assert response.cookies[ANALYTICS_COOKIE]["max-age"] == 0


def test_closing_the_banner_counts_as_refusal(client, db):
    text = client.get(PAGE).content.decode()
    assert 'class="close"' in text and 'value="refuse_all" class="close"' in text

    choose(client, "")  # a forged or empty choice is a refusal too

    assert not ConsentRecord.objects.filter(granted=True).exists()


def test_customise_grants_one_purpose_and_withdrawal_expires_its_cookie_at_once(client, db):
    choose(client, "custom", analytics="on")
    assert ANALYTICS_COOKIE in set_cookies(client.get(PAGE))

    response = choose(client, "custom")

    assert response.cookies[ANALYTICS_COOKIE]["max-age"] == 0
    latest = ConsentRecord.objects.filter(purpose=Purpose.ANALYTICS).order_by("-pk")
    assert [r.granted for r in latest[:2]] == [False, True]  # earlier rows stay untouched


def test_global_privacy_control_counts_as_refuse_all_but_allows_opting_in(client, db):
    response = client.get(PAGE, HTTP_SEC_GPC="1")

    assert set_cookies(response) <= STRICTLY_NECESSARY
    text = response.content.decode()
    assert 'class="cookie-banner"' not in text and "Global Privacy Control" in text

    choose(client, "custom", analytics="on", HTTP_SEC_GPC="1")
    assert ANALYTICS_COOKIE in set_cookies(client.get(PAGE, HTTP_SEC_GPC="1"))


def test_tags_are_absent_from_the_html_until_consent(client, db, settings):
    settings.ANALYTICS_TAG_URL = "https://stats.example.net/tag.js"
    settings.ADVERTISING_TAG_URL = "https://ads.example.net/pixel.js"

    assert "stats.example.net" not in client.get(PAGE).content.decode()
    choose(client, "custom", analytics="on")
    text = client.get(PAGE).content.decode()

    assert '<script src="https://stats.example.net/tag.js" nonce="' in text
    assert "ads.example.net" not in text


def test_a_tampered_choice_cookie_counts_as_no_choice(client, db):
    client.cookies[CHOICE_COOKIE] = "eyJ2IjoieCIsInAiOnsiYW5hbHl0aWNzIjp0cnVlfX0:forged"

    response = client.get(PAGE)

    assert 'class="cookie-banner"' in response.content.decode()
    assert ANALYTICS_COOKIE not in set_cookies(response)


def test_the_exempt_audience_mode_measures_without_consent_unless_refused(client, db, settings):
    settings.AUDIENCE_MEASUREMENT_EXEMPT = True

    assert ANALYTICS_COOKIE in set_cookies(client.get(PAGE))
    choose(client, "refuse_all")
    assert client.get(PAGE).cookies[ANALYTICS_COOKIE]["max-age"] == 0


def test_a_logged_in_choice_names_the_customer_too(alice_client, alice):
    alice_client.post("/privacy/cookies/", {"choice": "accept_all", "next": "/account/"})

    assert ConsentRecord.objects.filter(customer=alice, visitor_id__gt="", source="banner").count() == 3


def test_the_affiliate_code_goes_into_the_session_and_its_cookie_waits_for_consent(client, db):
    response = client.get(PAGE + "?ref=AFF42")

    assert client.session["affiliate_ref"] == "AFF42"
    assert AFFILIATE_COOKIE not in response.cookies
    choose(client, "custom", affiliation="on")
    response = client.get(PAGE)
    assert response.cookies[AFFILIATE_COOKIE].value == "AFF42"
    assert int(response.cookies[AFFILIATE_COOKIE]["max-age"]) <= 395 * 24 * 3600


def test_an_invalid_affiliate_code_is_ignored(client, db):
    client.get(PAGE + "?ref=<script>")

    assert "affiliate_ref" not in client.session


def test_an_unsafe_next_is_not_followed(client, db):
    response = client.post("/privacy/cookies/", {"choice": "refuse_all", "next": "https://evil.example/"})

    assert response["Location"] == "/"


def test_every_page_has_a_footer_with_policy_cookie_settings_and_request_form(alice, db):
    visitor, customer = Client(), Client()
    customer.force_login(alice)
    for c, url in ((visitor, PAGE), (visitor, "/account/login/"), (visitor, "/privacy/"), (customer, "/account/")):
        text = c.get(url).content.decode()
        footer = text[text.index('<footer class="site-footer">') :]
        assert (
            'href="/privacy/"' in footer
            and 'href="/privacy/cookies/' in footer
            and 'href="/privacy/request/"' in footer
        )


@pytest.mark.parametrize("sensitive", ["buyer@example.com", "Buyer", "203.0.113.9", "https://target.example/x"])
def test_an_affiliate_sees_only_reference_date_amount_and_status(client, db, sensitive):
    from accounts.models import Order

    affiliate = CustomerFactory(email="aff@example.com")
    buyer = CustomerFactory(email="buyer@example.com", first_name="Buyer")
    order = Order.objects.create(
        customer=buyer,
        reference="ORD-1",
        product="Hosting",
        amount=10,
        buyer_ip="203.0.113.9",
        target_url="https://target.example/x",
    )
    AffiliateCommission.objects.create(affiliate=affiliate, order=order, amount=2, status="accepted")
    client.force_login(affiliate)

    text = client.get("/account/commissions/").content.decode()

    assert "ORD-1" in text
    assert sensitive not in text


def test_the_banner_keeps_to_the_csp_no_inline_script_without_a_nonce(client, db, settings):
    import re

    settings.ANALYTICS_TAG_URL = "https://stats.example.net/tag.js"
    choose(client, "accept_all")
    response = client.get(PAGE)

    assert "script-src 'self' 'nonce-" in response["Content-Security-Policy"]
    scripts = re.findall(r"<script[^>]*>", response.content.decode())
    assert scripts and all("nonce=" in s and 'nonce=""' not in s for s in scripts)
