"""A security key (WebAuthn) as the second factor, in Chromium with a virtual authenticator (DevTools protocol)."""

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.models import ConnectionLog
from tests.factories import PASSWORD, CustomerFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD_LABEL = re.compile(r"^Password:?$")


def _login(page: Page, live_server, email):
    page.goto(live_server.url + "/account/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label(PASSWORD_LABEL).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_a_customer_adds_a_security_key_and_logs_in_with_it(page: Page, live_server, screenshot, settings):
    # Plain http on localhost in the test; production serves https only.
    settings.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
    customer = CustomerFactory(email="kim@example.com", first_name="Kim")
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )

    _login(page, live_server, customer.email)
    expect(page).to_have_url(live_server.url + "/account/")
    page.goto(live_server.url + "/account/2fa/webauthn/add/")
    expect(page.get_by_role("heading", name="Add Security Key")).to_be_visible()
    page.locator('input[name="name"]').fill("My key")
    page.locator("#mfa_webauthn_add").click()
    expect(page).not_to_have_url(re.compile(r"/webauthn/add/$"))
    screenshot("01-key-added")
    assert customer.authenticator_set.filter(type="webauthn").count() == 1

    page.get_by_role("button", name="Log out").click()
    _login(page, live_server, customer.email)
    expect(page).to_have_url(re.compile(r"/account/2fa/authenticate/$"))
    page.locator("#mfa_webauthn_authenticate").click()
    expect(page).to_have_url(live_server.url + "/account/")
    assert ConnectionLog.objects.filter(customer=customer, success=True).count() == 2
