"""The client area on a phone and its forms, in a real Chromium (issue 14): the menu folds and marks the current page,
My Personal Data shows only the chosen kind's fields and folds its sections, all without JavaScript; withdrawing
asks first; an error takes the focus to the summary; the language switcher also sets the preferred language."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from accounts.models import User
from privacy.models import DataSubjectRequest
from privacy.models.requests import Kind, Status
from privacy.services.requests import request_file
from tests.e2e.test_client_area import PASSWORD_LABEL
from tests.factories import PASSWORD, CustomerFactory, OrderFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def claire(transactional_db):
    user = CustomerFactory(email="claire@example.com", first_name="Claire", last_name="Dupont")
    OrderFactory(customer=user, reference="CMD-1")
    return user


def _log_in(page: Page, base, email):
    page.goto(base + "/account/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label(PASSWORD_LABEL).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(base + "/account/")


def test_without_javascript_the_menu_folds_on_a_phone_and_my_data_shows_only_the_chosen_kind(
    browser: Browser, live_server, claire
):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    base = live_server.url
    _log_in(page, base, claire.email)

    page.goto(base + "/account/orders/")
    menu = page.locator("details.site-menu")
    orders_link = menu.get_by_role("link", name="Orders", exact=True)
    expect(orders_link).to_be_hidden()
    menu.locator("summary").click()
    expect(orders_link).to_be_visible()
    expect(orders_link).to_have_attribute("aria-current", "page")
    expect(menu.locator("[aria-current]")).to_have_count(1)
    expect(menu.get_by_role("button", name="Log out")).to_be_visible()

    # Wider than 640 pixels, the menu is always open and its button gone.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(base + "/account/privacy/")
    expect(page.locator("details.site-menu > summary")).to_be_hidden()
    expect(page.get_by_role("link", name="My personal data", exact=True)).to_have_attribute("aria-current", "page")

    page.set_viewport_size({"width": 390, "height": 844})
    form = page.locator("#new-request form")
    groups = form.locator("fieldset.kind-fields")
    expect(groups).to_have_count(5)
    for i in range(5):
        expect(groups.nth(i)).to_be_hidden()
    form.locator('select[name="kind"]').select_option(Kind.RECTIFICATION)
    expect(form.locator('fieldset[data-kind="rectification"]')).to_be_visible()
    expect(form.get_by_label("Which detail is wrong?")).to_be_visible()
    expect(form.locator('fieldset[data-kind="objection"]')).to_be_hidden()
    form.locator('select[name="kind"]').select_option(Kind.OBJECTION)
    expect(form.locator('fieldset[data-kind="rectification"]')).to_be_hidden()
    expect(form.get_by_label("What do you object to?")).to_be_visible()

    # The categories fold: closed at first, open with a tap.
    orders = page.locator("#cat-orders")
    expect(orders.get_by_role("cell", name="CMD-1")).to_be_hidden()
    orders.locator("summary").click()
    expect(orders.get_by_role("cell", name="CMD-1")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()


def test_withdrawing_asks_first_and_the_button_is_secondary(page: Page, live_server, screenshot, claire):
    req = request_file(kind=Kind.ACCESS, channel="client_area", customer=claire, actor=claire)
    base = live_server.url
    _log_in(page, base, claire.email)
    page.goto(base + "/account/privacy/")

    withdraw = page.locator("#requests").get_by_role("link", name="Withdraw this request")
    expect(withdraw).to_have_class(re.compile(r"\bsecondary\b"))
    withdraw.click()
    expect(page.get_by_role("heading", name="Withdraw this request?", level=1)).to_be_visible()
    req.refresh_from_db()
    assert req.status == Status.RECEIVED
    page.get_by_role("link", name="No, keep my request").click()
    expect(page).to_have_url(re.compile(r"/account/privacy/#requests$"))
    req.refresh_from_db()
    assert req.status == Status.RECEIVED

    page.locator("#requests").get_by_role("link", name="Withdraw this request").click()
    page.get_by_role("button", name="Yes, withdraw it").click()
    expect(page.locator(".messages")).to_contain_text(f"Your request {req.reference} is withdrawn.")
    assert DataSubjectRequest.objects.get(pk=req.pk).status == Status.WITHDRAWN


def test_an_error_moves_the_focus_to_the_summary(page: Page, live_server, claire):
    base = live_server.url
    _log_in(page, base, claire.email)
    page.goto(base + "/account/profile/")

    page.get_by_label("First name").fill("")
    page.get_by_role("button", name="Save my details").click()

    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("First name")
    summary.get_by_role("link").first.click()
    expect(page.get_by_label("First name")).to_be_focused()


def test_the_language_switcher_of_a_customer_sets_their_preferred_language(page: Page, live_server, claire):
    base = live_server.url
    _log_in(page, base, claire.email)
    page.goto(base + "/account/orders/")

    page.locator("header").get_by_label("Language").select_option("fr")
    page.locator("header").get_by_role("button", name="Change").click()

    expect(page).to_have_url(base + "/account/orders/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Commandes")
    assert User.objects.get(pk=claire.pk).preferred_language == "fr"
