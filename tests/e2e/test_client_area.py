"""The client area in a real headless Chromium: log in and browse, sign up, and a wrong password."""

import re
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from accounts.models import ConnectionLog, Invoice, Order, User
from accounts.services import invoice_issue
from privacy.models import Purpose
from privacy.services import consent_current
from tests.accounts.allauth_steps import code_in, totp_code
from tests.factories import PASSWORD, CustomerFactory, InvoiceFactory, InvoiceLineFactory, OrderFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MARKETING_BOXES = ("marketing_email", "marketing_sms", "marketing_social")
PASSWORD_LABEL = re.compile(r"^Password:?$")  # Django adds its label suffix
# body { background: #f6f7f9 } in static/css/site.css: seen only if the stylesheet was served and applied.
SITE_BACKGROUND = "rgb(246, 247, 249)"


def expect_styled(page: Page):
    expect(page.locator("body")).to_have_css("background-color", SITE_BACKGROUND)


def main_nav(page: Page):
    return page.get_by_role("navigation", name="Main")


@dataclass
class CustomerWithInvoice:
    customer: User
    orders: list[Order]
    invoice: Invoice


@pytest.fixture
def customer_with_invoice(transactional_db):
    customer = CustomerFactory(email="claire@example.com", first_name="Claire", last_name="Dupont")
    orders = [
        OrderFactory(customer=customer, product="Instagram followers", amount=Decimal("19.90")),
        OrderFactory(customer=customer, product="Web hosting Pro", amount=Decimal("155.50")),
    ]
    draft = InvoiceFactory(customer=customer, order=orders[1])
    InvoiceLineFactory(invoice=draft, description="Web hosting Pro, 1 year", unit_price=Decimal("120.00"))
    InvoiceLineFactory(invoice=draft, description="Domain claire-dupont.fr, 1 year", unit_price=Decimal("35.50"))
    invoice = invoice_issue(invoice=draft)
    assert invoice.number and invoice.total == Decimal("155.50")
    return CustomerWithInvoice(customer=customer, orders=orders, invoice=invoice)


def test_customer_logs_in_and_reads_orders_and_invoice(page: Page, live_server, screenshot, customer_with_invoice):
    data = customer_with_invoice

    page.goto(live_server.url + "/")
    expect(page).to_have_url(re.compile(r"/account/login/\?next=(/|%2F)account(/|%2F)$"))
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    expect_styled(page)
    screenshot("01-login")

    page.get_by_label("Email address").fill(data.customer.email)
    page.get_by_label(PASSWORD_LABEL).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(live_server.url + "/account/")
    expect(page.get_by_role("heading", name="Hello Claire")).to_be_visible()
    screenshot("02-dashboard")

    main_nav(page).get_by_role("link", name="Orders", exact=True).click()
    expect(page).to_have_url(live_server.url + "/account/orders/")
    expect(page.get_by_role("heading", name="Orders")).to_be_visible()
    for order in data.orders:
        expect(page.get_by_role("link", name=order.reference, exact=True)).to_be_visible()
    screenshot("03-orders")

    main_nav(page).get_by_role("link", name="Invoices", exact=True).click()
    expect(page).to_have_url(live_server.url + "/account/invoices/")
    page.get_by_role("link", name=data.invoice.number, exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/account/invoices/{data.invoice.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Invoice {data.invoice.number}")
    expect(page.locator("tfoot")).to_contain_text("155.50 EUR")
    expect(page.get_by_role("cell", name="Domain claire-dupont.fr, 1 year")).to_be_visible()
    expect_styled(page)
    screenshot("04-invoice")

    assert ConnectionLog.objects.filter(customer=data.customer, success=True).count() == 1


def test_visitor_signs_up_verifies_enrols_totp_and_logs_in_with_it(page: Page, live_server, screenshot):
    """The issue's "done when": sign up, verify the address, turn on TOTP, log in again with the code."""
    page.goto(live_server.url + "/account/signup/")
    expect(page.get_by_role("heading", name="Create your account")).to_be_visible()
    for name in MARKETING_BOXES:
        box = page.locator(f'input[type="checkbox"][name="{name}"]')
        expect(box).to_be_visible()
        expect(box).not_to_be_checked()
    expect(page.locator('input[name="accept_terms"]')).not_to_be_checked()
    expect_styled(page)
    screenshot("01-form")

    page.get_by_label("First name").fill("Léa")
    page.get_by_label("Last name").fill("Moreau")
    page.get_by_label("Email address").fill("lea.moreau@example.com")
    page.get_by_label(PASSWORD_LABEL).fill(PASSWORD)
    page.get_by_label("Country", exact=True).select_option("FR")
    page.get_by_label("I have reached the age of digital consent of my country").check()
    page.get_by_label("I accept the terms of service").check()
    page.get_by_role("button", name="Create my account").click()

    # The code page: the code was mailed, and only this browser can use it.
    expect(page).to_have_url(live_server.url + "/account/confirm-email/")
    expect_styled(page)
    screenshot("02-code")
    customer = User.objects.get(email="lea.moreau@example.com")
    assert (customer.first_name, customer.last_name) == ("Léa", "Moreau")
    assert customer.email_verified_at is None
    consents = consent_current(customer=customer)
    assert not any(consents[p] for p in (Purpose.MARKETING_EMAIL, Purpose.MARKETING_SMS, Purpose.MARKETING_SOCIAL))
    sent = [m for m in mail.outbox if m.to == ["lea.moreau@example.com"]]
    assert len(sent) == 1
    page.locator('input[name="code"]').fill(code_in(sent[0]))
    page.get_by_role("button", name="Confirm").click()
    expect(page).to_have_url(live_server.url + "/account/")
    expect(page.get_by_role("heading", name="Hello Léa")).to_be_visible()
    customer.refresh_from_db()
    assert customer.email_verified_at is not None

    # Two-step login from the profile.
    main_nav(page).get_by_role("link", name="Profile", exact=True).click()
    page.locator("#security").get_by_role("link", name="Turn on").click()
    page.get_by_role("link", name="Activate").first.click()
    if "/reauthenticate/" in page.url:
        page.get_by_label(PASSWORD_LABEL).fill(PASSWORD)
        page.locator("main form button[type=submit]").first.click()
    expect(page.get_by_role("heading", name="Activate Authenticator App")).to_be_visible()
    secret = page.locator("#authenticator_secret").input_value()
    page.locator('input[name="code"]').fill(totp_code(secret))
    expect_styled(page)
    screenshot("03-totp")
    page.get_by_role("button", name="Activate").click()
    expect(page.get_by_text("Recovery Codes").first).to_be_visible()
    screenshot("04-totp-on")

    page.get_by_role("button", name="Log out").click()
    page.goto(live_server.url + "/account/login/")
    page.get_by_label("Email address").fill("lea.moreau@example.com")
    page.get_by_label(PASSWORD_LABEL).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/account/2fa/authenticate/$"))
    page.locator('input[name="code"]').fill(totp_code(secret, offset=1))
    screenshot("05-code-asked")
    page.locator("main form button[type=submit]").first.click()
    expect(page).to_have_url(live_server.url + "/account/")
    expect(page.get_by_role("heading", name="Hello Léa")).to_be_visible()
    assert ConnectionLog.objects.filter(customer=customer, success=True).count() == 2


def test_wrong_password_shows_the_error(page: Page, live_server, screenshot, transactional_db):
    customer = CustomerFactory(email="walter@example.com", first_name="Walter")

    page.goto(live_server.url + "/account/login/")
    page.get_by_label("Email address").fill(customer.email)
    page.get_by_label(PASSWORD_LABEL).fill("not the right password")
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_text("The email address or the password is wrong.")).to_be_visible()
    expect(page).to_have_url(live_server.url + "/account/login/")
    expect(main_nav(page)).to_have_count(0)
    expect(page.get_by_label("Email address")).to_have_value(customer.email)
    expect_styled(page)
    screenshot("01-error")

    assert ConnectionLog.objects.filter(customer=customer, success=False).count() == 1
    assert not ConnectionLog.objects.filter(customer=customer, success=True).exists()
