"""'My Personal Data' in a real headless Chromium: a customer reads their data and files an access request."""

import re

import pytest
from playwright.sync_api import Page, expect

from privacy.models import DataSubjectRequest
from privacy.templatetags.privacy_tags import in_full
from tests.e2e.test_client_area import PASSWORD_LABEL, expect_styled, main_nav
from tests.factories import PASSWORD, ConnectionLogFactory, CustomerFactory, OrderFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_customer_files_an_access_request_from_my_personal_data(page: Page, live_server, screenshot):
    customer = CustomerFactory(email="claire@example.com", first_name="Claire", last_name="Dupont")
    OrderFactory(customer=customer, reference="ORD-CLAIRE-1", product="Web hosting Pro")
    ConnectionLogFactory(customer=customer, ip="192.0.2.44")

    page.goto(live_server.url + "/account/login/")
    page.get_by_label("Email address").fill(customer.email)
    page.get_by_label(PASSWORD_LABEL).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Hello Claire")).to_be_visible()

    main_nav(page).get_by_role("link", name="My personal data", exact=True).click()
    expect(page).to_have_url(live_server.url + "/account/privacy/")
    expect(page.get_by_role("heading", name="My personal data", level=1)).to_be_visible()
    expect(page.locator("#cat-orders").get_by_role("heading", name="Orders", level=3)).to_be_visible()
    expect(page.locator("#cat-orders")).to_contain_text("ORD-CLAIRE-1")
    page.locator("#cat-connection_log > summary").click()  # the categories fold, closed at first
    expect(page.get_by_role("cell", name="192.0.2.44", exact=True)).to_be_visible()
    expect(page.get_by_text("You have made no request yet.")).to_be_visible()
    expect_styled(page)
    screenshot("01-my-data")

    form = page.locator("#new-request form")
    form.locator('select[name="kind"]').select_option("access")
    form.get_by_label("Details").fill("Please include my connection history.")
    screenshot("02-form-filled")
    form.get_by_role("button", name="Send my request").click()

    expect(page).to_have_url(re.compile(r"/account/privacy/(#requests)?$"))
    req = DataSubjectRequest.objects.get(customer=customer)
    due = in_full(req.due_at)
    expect(page.locator(".messages")).to_contain_text(f"Your request {req.reference} (Access to my data) is registered")
    expect(page.locator(".messages")).to_contain_text(due)
    card = page.locator("#requests article")
    expect(card.get_by_role("heading", level=3)).to_contain_text(req.reference)
    expect(card).to_contain_text(due)
    expect(card.get_by_role("link", name="Withdraw this request")).to_be_visible()
    screenshot("03-request-filed")

    assert (req.kind, req.channel, req.details) == ("access", "client_area", "Please include my connection history.")
