"""The back-office in a real headless Chromium at 1280 pixels, in English and French (issue 14): the queue's key
columns on screen, the main pages' labels, heading order, skip link, visible focus and text contrast, and a
screenshot of each page under .run/screenshots/ (admin-<page>-<width>.png, French ones admin-<page>-fr-<width>.png).
"""

from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import trans_real
from playwright.sync_api import Page, expect

from accounts.services import invoice_issue
from privacy.services import requests as services
from privacy.services.suppression import suppression_add
from retention.models import LegalHold
from retention.services import rule_apply
from tests import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PARIS = ZoneInfo("Europe/Paris")
LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
# What an untranslated French page would show: the English of strings this issue is about.
ENGLISH_ONLY = (
    "Privacy back-office",
    "Preview and run the erasure",
    "Django administration",
    "Done by",
    "Actor",
    "What blocks the erasure",
    "Terminate the service",
    "What the erasure leaves to settle",
    "Dry run now",
    "Run every retention rule now",
)
LOCALE = Path(__file__).resolve().parents[2] / "locale"


@pytest.fixture(scope="module", autouse=True)
def _catalogue_compiled():
    """make test compiles the catalogue; a bare pytest run compiles a stale one here, or French reads English."""
    stale = [
        po.parts[-3]
        for po in LOCALE.glob("*/LC_MESSAGES/django.po")
        if not po.with_suffix(".mo").exists() or po.with_suffix(".mo").stat().st_mtime < po.stat().st_mtime
    ]
    if stale:
        call_command("compilemessages", locale=stale, verbosity=0, ignore_patterns=[".venv"])
        trans_real._translations.clear()
        trans_real._default = None
        trans_real._active = trans_real.Local()


def _contrast(fg, bg):
    def luminance(rgb):
        def channel(c):
            c = c / 255
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

        r, g, b = (channel(c) for c in rgb)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    light, dark = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


# Runs in the page: every visible form control without an accessible name, the heading levels in order, and for
# each text element its colour and the first opaque background behind it.
UNLABELLED = """() => [...document.querySelectorAll('input, select, textarea')].filter(el => {
    if (el.type === 'hidden' || el.type === 'submit' || el.type === 'button' || el.offsetParent === null) return false;
    if (el.closest('#changelist-form .action-checkbox, .action-checkbox-column')) return !el.getAttribute('aria-label');
    return !(el.labels && el.labels.length) && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby')
        && !el.getAttribute('title');
}).map(el => el.name || el.id || el.outerHTML.slice(0, 80))"""
HEADINGS = (
    "() => [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].filter(h => h.offsetParent !== null)"
    ".map(h => Number(h.tagName[1]))"
)
COLOURS = """() => {
  const rgb = s => (s.match(/[\\d.]+/g) || []).map(Number);
  const bg = el => { for (; el; el = el.parentElement) { const c = rgb(getComputedStyle(el).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0.9)) return c.slice(0, 3); } return [255, 255, 255]; };
  const texts = '#content p, #content td, #content th, #content a, #content label, #content .help, #content dd';
  return [...document.querySelectorAll(texts)]
    .filter(el => el.offsetParent !== null && el.textContent.trim())
    .slice(0, 400)
    .map(el => ({fg: rgb(getComputedStyle(el).color).slice(0, 3), bg: bg(el), text: el.textContent.slice(0, 40)}));
}"""


@pytest.fixture
def dpo(transactional_db):
    """A superuser with the demo DPO's address: the staff groups that migrations write do not outlive the first
    browser test (each one empties the database), and the pages' permissions are tested in tests/privacy."""
    return factories.StaffFactory(email="dpo@example.com", first_name="Dana", last_name="Protect", is_superuser=True)


@pytest.fixture
def back_office(dpo):
    """A DPO's working day: open requests of several kinds, an erasure blocked by an active service with a
    renewing domain and an unpaid invoice, a hold, a suppression entry and a retention run."""
    now = timezone.now()
    alice = factories.CustomerFactory(email="alice@example.com", first_name="Alice", last_name="Martin")
    factories.ServiceFactory(customer=alice, status="active", name="Hosting Max")
    factories.DomainFactory(customer=alice, name="alice-shop.fr", auto_renew=True)
    draft = factories.InvoiceFactory(customer=alice)
    factories.InvoiceLineFactory(invoice=draft, description="Hosting", unit_price=Decimal("120.00"))
    invoice_issue(invoice=draft)
    erasure = services.request_file(kind="erasure", channel="client_area", customer=alice)
    if erasure.status == "received":
        services.request_start(erasure, actor=dpo)
    for i, kind in enumerate(("access", "rectification", "portability", "objection", "restriction")):
        req = services.request_file(
            kind=kind,
            channel="email",
            name=f"Personne Numéro {i} Avec Un Nom Assez Long",
            email=f"person-{i}-with-a-rather-long-address@example.org",
            received_at=now - timedelta(days=3 * i),
            details="By email.",
        )
        if i % 2:
            services.request_assign(req, actor=dpo, assignee=dpo)
    LegalHold.objects.create(customer=alice, reason="Chargeback on order 12", reference="CB-12", author=dpo)
    suppression_add(email="stop@example.org", source="sms_stop")
    rule_apply(rule="connection_log_delete")
    return {"erasure": erasure, "alice": alice}


def _log_in(page, live_server, user, language):
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def _pages(data):
    req = data["erasure"]
    return {
        "admin-home": reverse("admin:index"),
        "admin-queue": reverse("admin:privacy_datasubjectrequest_changelist"),
        "admin-request": reverse("admin:privacy_datasubjectrequest_change", args=[req.pk]),
        "admin-assign": reverse("admin:privacy_datasubjectrequest_assign", args=[req.pk]),
        "admin-erasure": reverse("admin:privacy_datasubjectrequest_erase", args=[req.pk]),
        "admin-hold-add": reverse("admin:retention_legalhold_add"),
        "admin-retention-runs": reverse("admin:retention_retentionrun_changelist"),
        "admin-run-now": reverse("admin:retention_run_now") + "?mode=real",
        "admin-suppression": reverse("admin:privacy_suppressionentry_changelist"),
        "admin-customer": reverse("admin:accounts_user_change", args=[data["alice"].pk]),
    }


def _check_accessibility(page: Page, name):
    assert page.evaluate(UNLABELLED) == [], name
    levels = page.evaluate(HEADINGS)
    assert levels and levels[0] == 1 and levels.count(1) == 1, (name, levels)
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), (name, levels)
    # Django admin's skip link is the first thing the keyboard reaches, and it shows where the focus is. A page that
    # puts the focus in its first field (an add form) is checked from the skip link on.
    first = page.evaluate(
        "() => document.querySelector('a[href], button, input:not([type=hidden]), select, textarea').className"
    )
    assert "skip-to-content-link" in first, (name, first)
    if page.evaluate("document.activeElement === document.body"):
        page.keyboard.press("Tab")
    else:
        page.locator("a.skip-to-content-link").focus()
    focused = page.evaluate(
        "() => { const el = document.activeElement, s = getComputedStyle(el);"
        " return {cls: el.className, href: el.getAttribute('href'), outline: s.outlineStyle, width: s.outlineWidth,"
        " top: el.getBoundingClientRect().top}; }"
    )
    assert "skip-to-content-link" in focused["cls"] and focused["href"] == "#content-start", (name, focused)
    assert focused["outline"] != "none" and focused["width"] != "0px" and focused["top"] >= 0, (name, focused)
    page.keyboard.press("Tab")
    nxt = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement); return [s.outlineStyle, s.outlineWidth]; }"
    )
    assert nxt[0] != "none" and nxt[1] != "0px", (name, nxt)
    low = [c for c in page.evaluate(COLOURS) if _contrast(c["fg"], c["bg"]) < 4.5]
    assert low == [], (name, low[:5])


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_main_back_office_pages_are_readable_accessible_and_shot(
    page: Page, live_server, screenshot, dpo, back_office, language
):
    _log_in(page, live_server, dpo, language)
    page.set_viewport_size(LAPTOP)
    suffix = "" if language == "en" else f"-{language}"
    for name, url in _pages(back_office).items():
        response = page.goto(live_server.url + url)
        assert response.status == 200, (name, response.status, page.url)
        assert page.evaluate("document.documentElement.lang") == language
        assert page.evaluate("document.documentElement.scrollWidth") <= LAPTOP["width"], name
        if language == "fr":
            text = page.locator("body").inner_text()
            assert not [s for s in ENGLISH_ONLY if s in text], name
        screenshot(f"{name}{suffix}", page_name=True)
        _check_accessibility(page, name)

    # The back-office is made for a laptop; at phone width every page is shot, for people to see how it holds up.
    page.set_viewport_size(PHONE)
    for name, url in _pages(back_office).items():
        assert page.goto(live_server.url + url).status == 200, name
        screenshot(f"{name}{suffix}", page_name=True)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_queue_shows_days_left_status_and_assignee_within_1280_pixels(
    page: Page, live_server, dpo, back_office, language
):
    """Issue 14: at 1280 pixels the "days left", "status" and "assigned to" columns were off screen."""
    _log_in(page, live_server, dpo, language)
    page.set_viewport_size(LAPTOP)
    page.goto(live_server.url + reverse("admin:privacy_datasubjectrequest_changelist"))

    # The table scrolls inside its box: a column is seen only if it lies within that box and within the screen.
    frame = page.locator("#changelist-form .results").bounding_box()
    right = min(LAPTOP["width"], frame["x"] + frame["width"])
    for column in ("days_left", "status_and_flags", "assigned_to"):
        header = page.locator(f"#result_list th.column-{column}")
        expect(header).to_be_visible()
        box = header.bounding_box()
        assert box["x"] >= frame["x"] and box["x"] + box["width"] <= right, (column, box, frame)
    assert page.evaluate("document.documentElement.scrollWidth") <= LAPTOP["width"]


def test_the_erasure_page_links_each_blocker_and_its_run_button_looks_destructive(
    page: Page, live_server, dpo, back_office
):
    _log_in(page, live_server, dpo, "en")
    page.set_viewport_size(LAPTOP)
    page.goto(live_server.url + reverse("admin:privacy_datasubjectrequest_erase", args=[back_office["erasure"].pk]))

    blockers = page.locator("#erasure-blockers")
    expect(blockers.get_by_role("link", name="Service Hosting Max")).to_be_visible()
    expect(blockers.get_by_role("button", name="Terminate the service")).to_have_css(
        "background-color", "rgb(186, 33, 33)"
    )
    expect(page.locator("#erasure-to-settle").get_by_role("link", name="Domain alice-shop.fr")).to_be_visible()
    expect(page.locator("#erasure-to-settle")).to_contain_text("Unpaid: 120.00 EUR")
