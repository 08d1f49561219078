"""Generated bad input through the admin queue's action forms: verify, ask for identity, assign, extend, complete,
reject (issue 8, R86). No server error; a refused form changes nothing; the admin and the mails escape what they show.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from privacy.admin.forms import QUEUE_ACTIONS
from privacy.models import DataSubjectRequest, RequestEvent
from privacy.services import requests as services
from privacy.services.requests import RequestError
from tests.figures import figure_add
from tests.strategies import FUZZ, examples, has_card, nasty, unescaped

PARIS = ZoneInfo("Europe/Paris")
RECEIVED = datetime(2026, 1, 31, 9, 0, tzinfo=PARIS)
NOW = datetime(2026, 2, 10, 10, 0, tzinfo=PARIS)
TEXT_FIELDS = ("note", "reason", "text", "response", "trusted_person")

dates = st.one_of(
    st.dates(min_value=datetime(2025, 1, 1).date(), max_value=datetime(2027, 12, 31).date()).map(str),
    st.sampled_from(["2026-02-29", "2026-13-01", "31/03/2026", "", "0000-00-00", "2026-04-28' OR 1=1"]),
    nasty(12),
)
assignees = st.one_of(st.integers(-5, 10**12).map(str), nasty(12))


def _data(draw):
    action = draw(st.sampled_from(sorted(QUEUE_ACTIONS)))
    data = {name: draw(nasty()) for name in TEXT_FIELDS}
    data.update(
        until=draw(dates),
        assignee=draw(assignees),
        code=draw(st.one_of(st.sampled_from(["", "manifestly_unfounded", "excessive", "identity"]), nasty(10))),
        restriction_ground=draw(st.sampled_from(["", "a", "b", "c", "d", "z"])),
        directive=draw(st.sampled_from(["", "delete", "keep", "transfer", "<x>"])),
        objection_upheld=draw(st.sampled_from(["", "true", "false", "maybe"])),
    )
    return action, data


queue_input = st.composite(lambda draw: _data(draw))()


@pytest.fixture
def open_requests(db, dpo):
    """A request just received and one in progress (verified and started), whatever action is tried."""
    with time_machine.travel(NOW, tick=False):
        received = services.request_file(
            kind="access", channel="email", name="Léa Moreau", email="lea@example.org", received_at=RECEIVED
        )
        started = services.request_file(
            kind="post_mortem_directive",
            channel="email",
            name="Noé Petit",
            email="noe@example.org",
            received_at=RECEIVED,
        )
        started = services.request_verify_identity(started, actor=dpo)  # verified, it is in progress
    return DataSubjectRequest.objects.get(pk=received.pk), DataSubjectRequest.objects.get(pk=started.pk)


def _state(req):
    row = DataSubjectRequest.objects.filter(pk=req.pk).values().get()
    return row, RequestEvent.objects.filter(request=req).count()


@pytest.mark.django_db
@settings(FUZZ, max_examples=examples(500))
@given(which=st.integers(0, 1), entry=queue_input)
def test_every_action_form_and_its_service_take_anything(open_requests, dpo, which, entry):
    figure_add("inputs_tried")
    action, data = entry
    req = open_requests[which]
    with time_machine.travel(NOW, tick=False), transaction.atomic():
        before = _state(req)
        form = QUEUE_ACTIONS[action](data, req=DataSubjectRequest.objects.get(pk=req.pk))
        if form.is_valid():
            assert not any(has_card(form.cleaned_data.get(name) or "") for name in TEXT_FIELDS)
            try:
                form.act(actor=dpo)
            except RequestError:
                assert _state(req) == before
        else:
            assert _state(req) == before
            assert unescaped(form.as_div, data.values()) == []
        transaction.set_rollback(True)


@pytest.mark.django_db
@settings(FUZZ, max_examples=examples(120))
@given(which=st.integers(0, 1), entry=queue_input)
def test_the_action_pages_refuse_or_act_and_escape_everything(
    open_requests, dpo_client, django_capture_on_commit_callbacks, which, entry
):
    figure_add("inputs_tried")
    action, data = entry
    req = open_requests[which]
    mail.outbox = []
    url = reverse(f"admin:privacy_datasubjectrequest_{action.replace('-', '_')}", args=[req.pk])
    with time_machine.travel(NOW, tick=False), transaction.atomic():
        before = _state(req)
        with django_capture_on_commit_callbacks(execute=True):
            response = dpo_client.post(url, data)
        assert response.status_code in (200, 302)
        if response.status_code == 200:
            assert _state(req) == before and mail.outbox == []
            assert unescaped(response.content.decode(), data.values()) == []
        else:
            change_url = reverse("admin:privacy_datasubjectrequest_change", args=[req.pk])
            assert unescaped(lambda: dpo_client.get(change_url).content.decode(), data.values()) == []
            for message in mail.outbox:
                assert unescaped(message.alternatives[0].content, data.values()) == []
                assert all(p not in message.body for p in ("&lt;script", "&#x27;")), message.body
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_a_card_number_in_a_rejection_is_refused(open_requests, dpo_client):
    req = open_requests[0]
    before = _state(req)
    url = reverse("admin:privacy_datasubjectrequest_reject", args=[req.pk])

    with time_machine.travel(NOW + timedelta(minutes=1), tick=False):
        response = dpo_client.post(url, {"code": "excessive", "text": "Paid with 4111 1111 1111 1111, see above."})

    assert response.status_code == 200 and "payment card number" in response.content.decode()
    assert _state(req) == before
