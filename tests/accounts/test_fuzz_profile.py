"""Generated bad input through the profile (issue 8, R86): no server error, nothing saved when the form refuses it,
and what is saved is shown escaped on the profile page and in the back-office."""

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import event, given, settings
from hypothesis import strategies as st

from accounts import services
from accounts.forms import ProfileForm
from accounts.models import ChangeLog, User
from tests.figures import figure_add
from tests.strategies import FUZZ, examples, has_card, nasty, unescaped

FREE_TEXT = ("first_name", "last_name", "phone", "address", "postal_code", "city", "company", "vat_number")

profile_input = st.fixed_dictionaries(
    {
        # None keeps the stored value: most examples then change one or two fields and can be saved.
        **{name: st.one_of(st.none(), st.none(), st.none(), nasty()) for name in FREE_TEXT},
        "country": st.one_of(st.sampled_from(["FR", "DE", "", "XX", "fr"]), nasty(5)),
        "preferred_language": st.one_of(st.sampled_from(["en", "fr", "de", "", "zz"]), nasty(5)),
        "is_professional": st.sampled_from(["", "on"]),
    }
)


def _post_data(customer, data):
    post = {"form": "profile", "new_email": customer.email}
    post.update({k: getattr(customer, k) if v is None else v for k, v in data.items()})
    return {k: v for k, v in post.items() if v not in ("", None)}


def _snapshot(customer):
    return User.objects.filter(pk=customer.pk).values(*User.SELF_EDITABLE_FIELDS).get(), ChangeLog.objects.count()


def _card_stored(customer):
    """R86: whatever the form accepted, no card number reached the customer row or the change log."""
    stored = User.objects.filter(pk=customer.pk).values_list(*FREE_TEXT).get()
    logged = ChangeLog.objects.filter(customer=customer).values_list("new_value", flat=True)
    return any(has_card(str(v or "")) for v in (*stored, *logged))


@pytest.mark.django_db
@settings(FUZZ, max_examples=examples(400))
@given(data=profile_input)
def test_the_profile_form_and_its_service_take_anything(alice, data):
    figure_add("inputs_tried")
    with transaction.atomic():
        before = _snapshot(alice)
        form = ProfileForm(_post_data(alice, data), instance=User.objects.get(pk=alice.pk))
        if form.is_valid():
            services.customer_update(
                customer=User.objects.get(pk=alice.pk), changes=form.changes(), actor=alice, channel="client_area"
            )
            assert not _card_stored(alice)
        else:
            assert _snapshot(alice) == before
            assert unescaped(form.as_div, data.values()) == []
        transaction.set_rollback(True)


def _admin_page(client, customer):
    """The customer's change page and the customer list in the back-office, as a superuser sees them."""
    flags = {"is_staff": True, "is_superuser": True}
    admin, _ = User.objects.get_or_create(email="fuzz-root@example.com", defaults=flags)
    client.force_login(admin)
    pages = [client.get(reverse("admin:accounts_user_change", args=[customer.pk]))]
    pages.append(client.get(reverse("admin:accounts_user_changelist")))
    client.force_login(customer)
    assert [p.status_code for p in pages] == [200, 200]
    return "".join(p.content.decode() for p in pages)


@pytest.mark.django_db
@settings(FUZZ, max_examples=examples(80))
@given(data=profile_input)
def test_the_profile_page_and_the_admin_escape_what_was_saved(alice_client, alice, data):
    figure_add("inputs_tried")
    with transaction.atomic():
        before = _snapshot(alice)
        response = alice_client.post(reverse("accounts:profile"), _post_data(alice, data))
        assert response.status_code in (200, 302)
        if response.status_code == 200:
            assert _snapshot(alice) == before
            assert "Nothing was saved" in response.content.decode()
            assert unescaped(response.content.decode(), data.values()) == []
        else:
            event("saved")
            assert not _card_stored(alice)
            # The pages are fetched only when the input carries markup: that is what they could fail to escape.
            profile = lambda: alice_client.get(reverse("accounts:profile")).content.decode()  # noqa: E731
            assert unescaped(profile, data.values()) == []
            assert unescaped(lambda: _admin_page(alice_client, alice), data.values()) == []
        transaction.set_rollback(True)
