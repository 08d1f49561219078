"""Generated bad input through the public request form and the My Personal Data request form (issue 8, R86).

No input causes a server error; a refused form stores nothing and sends nothing; what is shown back is escaped in
the page and in the HTML part of the mail, and raw in the text part. Each example runs in a savepoint rolled back
at its end, so every example starts from the same data.
"""

import contextlib

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from accounts.models import Order
from privacy.models import DataSubjectRequest, PendingPublicRequest
from privacy.models.requests import Kind
from tests.figures import figure_add
from tests.strategies import FUZZ, examples, has_card, nasty, unescaped


@pytest.fixture
def _placeholder_pdf(monkeypatch):
    # Access and portability requests build an export at once; WeasyPrint's PDF is read back in test_fuzz_pdf.py.
    from exports.builder import pdf

    monkeypatch.setattr(pdf, "render", lambda context, path: path.write_bytes(b"%PDF-1.7 placeholder"))


KINDS = st.sampled_from([*Kind.values, "", "bogus", "access' OR '1'='1"])


@pytest.mark.django_db
@settings(FUZZ, max_examples=examples(200))
@given(
    name=nasty(),
    email=st.one_of(st.emails(), nasty(40), st.builds(lambda n: f"{n}@example.org", nasty(20))),
    kind=KINDS,
    details=nasty(),
    guardian=st.booleans(),
)
def test_the_public_form_survives_anything_and_stores_only_what_it_accepts(
    client, django_capture_on_commit_callbacks, name, email, kind, details, guardian
):
    figure_add("inputs_tried")
    cache.clear()
    mail.outbox = []
    data = {"name": name, "email": email, "kind": kind, "details": details}
    if guardian:
        data["is_guardian"] = "on"
    with transaction.atomic():
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("privacy:public_request"), data, REMOTE_ADDR="198.51.100.77")
        stored = list(PendingPublicRequest.objects.all())
        page = response.content.decode()

        assert response.status_code in (200, 400)
        assert unescaped(page, [name, details, email]) == []
        if has_card(name) or has_card(details):
            assert stored == []
        if not stored:
            assert mail.outbox == []
        else:
            (pending,) = stored
            message = mail.outbox[-1]
            assert pending.name in message.body
            assert unescaped(message.alternatives[0].content, [name, details]) == []
            assert message.subject and "\n" not in message.subject
        transaction.set_rollback(True)


@pytest.mark.django_db
@settings(FUZZ, max_examples=examples(80))
@given(
    kind=KINDS,
    details=nasty(),
    rectify_field=st.sampled_from(["", "first_name", "phone", "email", "password", "is_staff", "<x>"]),
    rectify_value=nasty(),
    trusted_person=nasty(),
    extra=st.sampled_from(["", "restriction_ground", "objection_scope", "directive"]),
    extra_value=st.one_of(st.sampled_from(["a", "b", "c", "marketing", "delete", "all"]), nasty(10)),
)
def test_the_my_personal_data_request_form_survives_anything(
    alice_client,
    alice,
    django_capture_on_commit_callbacks,
    _placeholder_pdf,
    kind,
    details,
    rectify_field,
    rectify_value,
    trusted_person,
    extra,
    extra_value,
):
    figure_add("inputs_tried")
    mail.outbox = []
    data = {
        "kind": kind,
        "details": details,
        "rectify_field": rectify_field,
        "rectify_value": rectify_value,
        "trusted_person": trusted_person,
    }
    if extra:
        data[extra] = extra_value
    with transaction.atomic():
        before = DataSubjectRequest.objects.count()
        with django_capture_on_commit_callbacks(execute=True):
            response = alice_client.post(reverse("privacy:request_file"), data)
        filed = DataSubjectRequest.objects.count() - before

        assert response.status_code in (200, 302, 400)
        if response.status_code != 302:
            assert unescaped(response.content.decode(), [details, rectify_value, trusted_person]) == []
        if has_card(details) or has_card(rectify_value) or has_card(trusted_person):
            assert filed == 0
        if filed == 0:
            assert mail.outbox == []
        else:
            page = lambda: alice_client.get(reverse("privacy:my_data")).content.decode()  # noqa: E731
            assert unescaped(page, [details, rectify_value, trusted_person]) == []
            for message in mail.outbox:
                assert unescaped(message.alternatives[0].content, [details, rectify_value, trusted_person]) == []
        transaction.set_rollback(True)


# The same forms driven directly, many more times: validation and the service the view calls, no HTTP round trip.


@pytest.mark.django_db
@settings(FUZZ, max_examples=examples(500))
@given(
    name=nasty(),
    email=st.one_of(st.emails(), nasty(40), st.builds(lambda n: f"{n}@example.org", nasty(20))),
    kind=KINDS,
    details=nasty(),
)
def test_the_public_form_and_its_service_take_anything(django_capture_on_commit_callbacks, name, email, kind, details):
    from privacy.forms import PublicRequestForm
    from privacy.services.requests import public_request_submit

    figure_add("inputs_tried")
    form = PublicRequestForm({"name": name, "email": email, "kind": kind, "details": details})
    with transaction.atomic():
        if form.is_valid():
            assert not (has_card(name) or has_card(details))
            public_request_submit(**{k: form.cleaned_data[k] for k in ("name", "email", "kind", "details")})
            stored = PendingPublicRequest.objects.get()
            assert (stored.name, stored.details) == (form.cleaned_data["name"], form.cleaned_data["details"])
        else:
            assert form.errors and unescaped(form.as_div, [name, email, details]) == []
        transaction.set_rollback(True)


@pytest.mark.django_db
@settings(FUZZ, max_examples=examples(400))
@given(
    kind=KINDS,
    details=nasty(),
    rectify_field=st.sampled_from(["", "first_name", "phone", "email", "password", "is_staff", "<x>"]),
    rectify_value=nasty(),
    trusted_person=nasty(),
)
def test_the_request_form_and_its_service_take_anything(
    alice, _placeholder_pdf, kind, details, rectify_field, rectify_value, trusted_person
):
    from privacy.forms import RequestForm
    from privacy.models.requests import Channel
    from privacy.services.requests import RequestError, request_file

    figure_add("inputs_tried")
    data = {"kind": kind, "details": details, "rectify_field": rectify_field, "rectify_value": rectify_value}
    data["trusted_person"] = trusted_person
    form = RequestForm(data, customer=alice, orders=Order.objects.none())
    with transaction.atomic():
        if form.is_valid():
            assert not any(has_card(v) for v in (details, rectify_value, trusted_person))
            with contextlib.suppress(RequestError):
                request_file(
                    kind=form.cleaned_data["kind"],
                    channel=Channel.CLIENT_AREA,
                    customer=alice,
                    actor=alice,
                    details=form.cleaned_data["details"],
                    **form.specifics(),
                )
        else:
            assert form.errors and unescaped(form.as_div, [details, rectify_value, trusted_person]) == []
        transaction.set_rollback(True)
