"""A mailed link that does not work: one exception and one page for every app, each page with its own next step."""

import pytest
from django.urls import reverse

from accounts.models import User
from config.links import LinkInvalid
from exports.models import Transmission
from exports.services import transmission_for_token
from privacy.models import DataSubjectRequest
from privacy.services.requests import public_request_confirm

pytestmark = pytest.mark.django_db

BROKEN = "not-a-signed-token"


def test_every_app_refuses_a_broken_link_with_the_one_exception(alice):
    for refuse in (
        lambda: public_request_confirm(token=BROKEN),
        lambda: transmission_for_token(BROKEN),
    ):
        with pytest.raises(LinkInvalid):
            refuse()


@pytest.mark.parametrize(
    ("url_name", "says", "next_step"),
    [
        ("privacy:public_request_confirm", "Nothing was changed.", "Send your request again"),
        ("exports:transmission_confirm", "Nothing was sent.", ""),
    ],
)
def test_a_broken_link_gets_the_one_page_with_its_own_next_step(alice_client, url_name, says, next_step):
    before = (User.objects.count(), DataSubjectRequest.objects.count(), Transmission.objects.count())

    response = alice_client.get(reverse(url_name, args=[BROKEN]))

    html = response.content.decode()
    assert response.status_code == 400
    assert [t.name for t in response.templates][0] == "link_invalid.html"
    assert "This link does not work" in html and says in html
    for step in ("Back to your client area", "Send your request again"):
        assert (step in html) == (step == next_step)
    assert (User.objects.count(), DataSubjectRequest.objects.count(), Transmission.objects.count()) == before
