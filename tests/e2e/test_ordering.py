"""A visitor's first purchase in a real Chromium (R02): order, account created, mail with a set-password link that
works, and the affiliate code of the visit on the order (R83)."""

import re
from decimal import Decimal

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from accounts.models import Offer, Order, RecurringPaymentEvent, User

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_visitors_first_purchase_creates_the_account_and_mails_a_set_password_link(
    page: Page, live_server, screenshot
):
    offer = Offer.objects.create(code="hosting", name="Web hosting Starter", price=Decimal("4.90"), period="month")

    page.goto(live_server.url + "/account/order/?ref=PARTNER7")
    screenshot("01-order-form")
    page.get_by_label("Web hosting Starter").check()
    page.get_by_label("First name").fill("Hugo")
    page.get_by_label("Last name").fill("Lemaire")
    page.get_by_label("Email address").fill("hugo.lemaire@example.com")
    page.get_by_label("I accept the terms of service").check()
    page.get_by_role("button", name="Place my order").click()
    # The renewable offer needs the box, which is never ticked in advance.
    expect(page.get_by_text("tick the box to authorise the recurring charges")).to_be_visible()
    assert not Order.objects.exists()
    page.get_by_label("I authorise recurring charges").check()
    page.get_by_role("button", name="Place my order").click()

    expect(page.get_by_role("heading", name="Check your mailbox")).to_be_visible()
    screenshot("02-check-your-mailbox")
    customer = User.objects.get(email="hugo.lemaire@example.com")
    order = Order.objects.get(customer=customer)
    assert (order.product, order.affiliate_code, order.buyer_ip) == (offer.name, "PARTNER7", "127.0.0.1")
    assert RecurringPaymentEvent.objects.get(customer=customer).action == "authorised"
    (sent,) = [m for m in mail.outbox if m.to == ["hugo.lemaire@example.com"]]
    assert "/account/privacy/" in sent.body
    link = re.search(r"https?://\S+(/account/password/reset/key/\S+)", sent.body).group(1)

    page.goto(live_server.url + link)
    page.locator('input[name="password1"]').fill("Hugo's own passphrase 2026")
    page.locator('input[name="password2"]').fill("Hugo's own passphrase 2026")
    screenshot("03-set-password")
    page.locator('input[name="password2"]').press("Enter")
    page.wait_for_load_state()
    customer.refresh_from_db()
    assert customer.check_password("Hugo's own passphrase 2026")
