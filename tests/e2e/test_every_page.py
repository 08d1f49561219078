"""Every page of the client area and every public page, in a real Chromium (issue 14): no page wider than a 390-pixel
phone, in English and French; each page's inputs labelled, headings in order, a skip link first and a visible focus;
French without raw codes or English left over; a screenshot of each at 390 and 1280 pixels, named by page."""

import re
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import ChangeLog, User
from accounts.services import customer_update, invoice_issue
from privacy.demo_policy import seed_policy
from privacy.models.requests import Kind
from privacy.services.requests import request_file
from tests.e2e.test_client_area import PASSWORD_LABEL
from tests.factories import (
    PASSWORD,
    CommissionFactory,
    ConnectionLogFactory,
    CustomerFactory,
    DomainFactory,
    InvoiceLineFactory,
    OrderFactory,
    ServiceFactory,
    TicketFactory,
    TicketMessageFactory,
    TransactionFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE, LAPTOP = 390, 1280
# Words that give away English left in a French page (user data in the fixture is French or neutral).
ENGLISH = re.compile(r"\b(the|your|you|and|with|of|request|order|invoice|none|yes|no)\b", re.I)
# A raw code: snake_case words such as postal_code, client_area, awaiting_identity.
RAW_CODE = re.compile(r"\b[a-z]+_[a-z_]+\b")

# In the page: what fails the checks of issue 14's Must-have 7, as a list of messages.
CHECKS = """() => {
  const problems = [];
  const fields = document.querySelectorAll('input:not([type=hidden]), select, textarea');
  for (const f of fields) {
    const named = (f.labels && f.labels.length) || f.getAttribute('aria-label') || f.getAttribute('aria-labelledby');
    if (!named) problems.push('unlabelled ' + f.tagName.toLowerCase() + ' ' + (f.name || f.id));
  }
  const headings = [...document.querySelectorAll('main h1, main h2, main h3, main h4, main h5, main h6')];
  if (document.querySelectorAll('h1').length !== 1) problems.push('h1 count ' + document.querySelectorAll('h1').length);
  let level = 0;
  for (const h of headings) {
    const n = Number(h.tagName[1]);
    if (level === 0 && n !== 1) problems.push('main opens with ' + h.tagName);
    if (level && n > level + 1) problems.push(h.tagName + ' after h' + level + ': ' + h.textContent.trim());
    level = n;
  }
  const skip = document.querySelector('a.skip-link');
  if (!skip || skip.getAttribute('href') !== '#main' || !document.getElementById('main')) problems.push('no skip link');
  return problems;
}"""

# The focused element's outline, after the keyboard moved there (:focus-visible).
FOCUS_RING = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const top = el.getBoundingClientRect().top;
  return {cls: el.className, outline: style.outlineStyle, width: parseFloat(style.outlineWidth), top: top};
}"""


# The page's text as read, without what is data rather than interface: names in <code> (cookie names), and the
# processors' rows, which the DPO types in one language in the back-office.
PAGE_WORDS = """() => {
  const body = document.body.cloneNode(true);
  body.querySelectorAll('code, #processors + .table-scroll tbody td').forEach(e => e.remove());
  document.documentElement.appendChild(body);
  const text = body.innerText;
  body.remove();
  return text;
}"""


@dataclass
class Customer:
    user: User
    pages: dict


@pytest.fixture
def claire(transactional_db):
    """A customer with something on every page, and the URL of each page by its name."""
    seed_policy()
    user = CustomerFactory(email="claire@example.com", first_name="Claire", last_name="Dupont")
    order = OrderFactory(customer=user, product="Hébergement Pro", amount=Decimal("155.50"), reference="CMD-2026-0001")
    # Renewing automatically: the profile lists it with its two buttons (stop the renewal, change how to pay).
    service = ServiceFactory(
        customer=user,
        order=order,
        name="Hébergement Pro",
        auto_renew=True,
        renews_at=timezone.now() + timedelta(days=30),
    )
    DomainFactory(customer=user, name="claire-dupont-boulangerie-artisanale.fr", service=service)
    draft = InvoiceLineFactory(
        invoice__customer=user, invoice__order=order, description="Hébergement Pro, 1 an"
    ).invoice
    invoice = invoice_issue(invoice=draft)
    TransactionFactory(customer=user, invoice=invoice, provider_reference="pi_3PqRsTuVwXyZ0123456789")
    ticket = TicketFactory(customer=user, subject="Mon site ne répond plus")
    TicketMessageFactory(ticket=ticket, body="Bonjour, mon site affiche 502 depuis ce matin.")
    CommissionFactory(affiliate=user, order__customer=CustomerFactory())
    ConnectionLogFactory(
        customer=user,
        user_agent="Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
    )
    customer_update(customer=user, changes={"postal_code": "74000"}, actor=user, channel=ChangeLog.Channel.CLIENT_AREA)
    req = request_file(kind=Kind.ACCESS, channel="client_area", customer=user, actor=user, details="Merci.")
    user.refresh_from_db()
    pages = {
        "dashboard": "/account/",
        "profile": "/account/profile/",
        "orders": "/account/orders/",
        "order": f"/account/orders/{order.pk}/",
        "services": "/account/services/",
        "service": f"/account/services/{service.pk}/",
        "domains": "/account/domains/",
        "invoices": "/account/invoices/",
        "invoice": f"/account/invoices/{invoice.pk}/",
        "payments": "/account/transactions/",
        "tickets": "/account/tickets/",
        "ticket": f"/account/tickets/{ticket.pk}/",
        "connections": "/account/connections/",
        "commissions": "/account/commissions/",
        "my-data": "/account/privacy/",
        "withdraw-request": f"/account/privacy/requests/{req.pk}/withdraw/",
        "delete-account": "/account/privacy/delete-account/",
        "email": "/account/email/",
        "password-change": "/account/password/change/",
        "two-step-login": "/account/2fa/",
        "sessions": "/account/sessions/",
    }
    return Customer(user, pages)


PUBLIC = {
    "login": "/account/login/",
    "signup": "/account/signup/",
    "password-reset": "/account/password/reset/",
    "privacy-policy": "/privacy/",
    "cookie-settings": "/privacy/cookies/",
    "public-request": "/privacy/request/",
}


def _refuse_cookies(page: Page, base):
    """Answer the cookie banner once, so that it is not on every screenshot (its own test is test_cookie_banner)."""
    page.goto(base + "/privacy/request/")
    page.get_by_role("button", name="Refuse all", exact=True).click()


def _log_in(page: Page, base, email):
    page.goto(base + "/account/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label(PASSWORD_LABEL).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(base + "/account/")


# The page's width with every folded section open, then the folds as they were.
WIDTH_WITH_FOLDS_OPEN = """() => {
  const shut = [...document.querySelectorAll('main details:not([open])')];
  shut.forEach(d => { d.open = true; });
  const width = document.documentElement.scrollWidth;
  shut.forEach(d => { d.open = false; });
  return width;
}"""


# Controls that the screen shows only once a box is scrolled sideways: the profile's renewals table, a scrolling box
# on a phone, once kept "Stop the automatic renewal" past the screen's right edge while the page itself fitted.
OUT_OF_SIGHT = """(w) => [...document.querySelectorAll(
    'main button, main select, main textarea, main input:not([type=hidden]), main a.button')]
  .filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && (r.right > w + 1 || r.left < -1); })
  .slice(0, 3).map(e => e.tagName + ' ' + (e.innerText || e.name || '').trim().slice(0, 40))"""


def _check(page: Page, name, language, problems):
    width = page.viewport_size["width"]
    for control in page.evaluate(OUT_OF_SIGHT, width):
        problems.append(f"{name} ({language}, {width}px): {control} is out of sight sideways")
    # Folded sections count for the width too: My Personal Data's orders and invoices, opened, were wider than a
    # laptop. The other checks look at the page as it opens.
    scroll_width = page.evaluate(WIDTH_WITH_FOLDS_OPEN)
    if scroll_width > width:
        wide = page.evaluate(
            """(w) => [...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > w + 1)
                 .slice(0, 3).map(e => e.tagName + '.' + e.className)""",
            width,
        )
        problems.append(f"{name} ({language}, {width}px): {scroll_width}px wide, because of {wide}")
    for problem in page.evaluate(CHECKS):
        problems.append(f"{name} ({language}): {problem}")
    page.keyboard.press("Tab")
    ring = page.evaluate(FOCUS_RING)
    if "skip-link" not in ring["cls"] or ring["outline"] == "none" or ring["width"] < 2 or ring["top"] < 0:
        problems.append(f"{name} ({language}): the first Tab does not show the skip link with a focus ring: {ring}")
    if language == "fr":
        text = page.evaluate(PAGE_WORDS)
        for pattern in (ENGLISH, RAW_CODE):
            found = sorted(set(pattern.findall(_without_data(text))))
            if found:
                problems.append(f"{name} (fr): {found}")


def _without_data(text):
    """The page's words minus what the customer typed or the machine wrote (addresses, user agents, references)."""
    text = re.sub(r"\S+@\S+|https?://\S+|Mozilla/\S.*|pi_\w+|\b[\w.-]+\.fr\b", " ", text)
    return text


def test_every_client_area_page_fits_a_phone_and_passes_the_checks_in_english_and_french(
    page: Page, live_server, screenshot, claire
):
    base, problems = live_server.url, []
    page.set_viewport_size({"width": PHONE, "height": 844})
    _refuse_cookies(page, base)
    _log_in(page, base, claire.user.email)
    for language in ("en", "fr"):
        User.objects.filter(pk=claire.user.pk).update(preferred_language=language)
        for name, url in claire.pages.items():
            page.goto(base + url)
            if language == "en":
                screenshot(name, page_name=True)
            _check(page, name, language, problems)
    page.set_viewport_size({"width": LAPTOP, "height": 900})
    User.objects.filter(pk=claire.user.pk).update(preferred_language="en")
    for name, url in claire.pages.items():
        page.goto(base + url)
        screenshot(name, page_name=True)
        _check(page, name, "en", problems)
    assert problems == []


def test_every_public_page_fits_a_phone_and_passes_the_checks_in_english_and_french(
    page: Page, live_server, screenshot, transactional_db
):
    seed_policy()
    base, problems = live_server.url, []
    _refuse_cookies(page, base)
    for width in (PHONE, LAPTOP):
        page.set_viewport_size({"width": width, "height": 844})
        for language in ("en", "fr") if width == PHONE else ("en",):
            page.context.add_cookies([{"name": "django_language", "value": language, "url": base}])
            for name, url in PUBLIC.items():
                page.goto(base + url)
                if language == "en":
                    screenshot(name, page_name=True)
                _check(page, name, language, problems)
    assert problems == []
