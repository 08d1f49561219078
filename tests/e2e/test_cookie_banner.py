"""The cookie banner and the published policy in a real headless Chromium (R31-R35, R41, R82)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import Page, expect

from privacy.demo_policy import seed_policy

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PARIS = ZoneInfo("Europe/Paris")
ESSENTIAL = {"sessionid", "csrftoken", "django_language", "cookie_choice"}


def names(context):
    return {c["name"] for c in context.cookies()}


def test_a_fresh_visitor_gets_no_optional_cookie_until_they_accept(page: Page, live_server, screenshot):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/privacy/request/?ref=AFF42")
    expect(page.get_by_role("region", name="Cookies")).to_be_visible()
    assert names(page.context) <= ESSENTIAL
    screenshot("banner-390")

    page.get_by_role("button", name="Accept all").click()

    expect(page.get_by_role("region", name="Cookies")).to_have_count(0)
    page.reload()
    assert {"site_analytics", "affiliate_ref"} <= names(page.context)


def test_refuse_all_sets_nothing_and_the_banner_stays_away_six_months(page: Page, live_server):
    start = datetime(2026, 5, 1, 12, tzinfo=PARIS)
    with time_machine.travel(start, tick=True):
        page.goto(live_server.url + "/privacy/request/")
        page.get_by_role("button", name="Refuse all", exact=True).click()
        expect(page.get_by_role("region", name="Cookies")).to_have_count(0)
        assert names(page.context) <= ESSENTIAL
    with time_machine.travel(start + timedelta(days=175), tick=True):
        page.goto(live_server.url + "/privacy/request/")
        expect(page.get_by_role("region", name="Cookies")).to_have_count(0)
        assert names(page.context) <= ESSENTIAL
    with time_machine.travel(start + timedelta(days=190), tick=True):
        page.goto(live_server.url + "/privacy/request/")
        expect(page.get_by_role("region", name="Cookies")).to_be_visible()


def test_global_privacy_control_sets_no_optional_cookie(browser, live_server):
    context = browser.new_context(extra_http_headers={"Sec-GPC": "1"})
    page = context.new_page()
    page.goto(live_server.url + "/privacy/request/?ref=AFF42")

    expect(page.get_by_text("Global Privacy Control")).to_be_visible()
    expect(page.get_by_role("region", name="Cookies")).to_have_count(0)
    page.reload()
    assert names(context) <= ESSENTIAL
    context.close()


@pytest.mark.parametrize(
    ("language", "heading", "period"),
    [
        ("en", "Privacy policy", "10 years"),
        ("fr", "Politique de confidentialité", "10 ans"),
        ("de", "Datenschutzerklärung", "10 Jahre"),
        ("es", "Política de privacidad", "10 años"),
        ("it", "Informativa sulla privacy", "10 anni"),
    ],
)
def test_the_policy_page_renders_in_each_language(browser, live_server, language, heading, period):
    seed_policy()
    context = browser.new_context(locale=language, viewport={"width": 1280, "height": 900})
    page = context.new_page()

    page.goto(live_server.url + "/privacy/")

    expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible()
    expect(page.locator("#retention + .table-scroll")).to_contain_text(period)
    expect(page.locator("#processors + .table-scroll")).to_contain_text("Stripe")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    context.close()
