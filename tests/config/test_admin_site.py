"""The back-office's admin site (config/admin_site.py) and its list of apps (config/back_office_tags.py)."""

from pathlib import Path

import django.contrib.admin
import pytest
from django.contrib import admin
from django.contrib.admin import AdminSite
from django.contrib.auth.models import Group, Permission
from django.template import Context, Engine
from django.test import RequestFactory
from django.test.html import parse_html
from django.urls import reverse
from django.utils import translation

from config.admin_site import FIRST_APPS
from config.back_office_tags import back_office_app_list
from tests.factories import StaffFactory

# Django's own admin/app_list.html, which templates/admin/app_list.html replaces with Python.
DJANGO_APP_LIST = Path(django.contrib.admin.__file__).parent / "templates" / "admin" / "app_list.html"
I18N = {"i18n": "django.templatetags.i18n"}


@pytest.fixture
def builds(monkeypatch):
    """The labels of every list Django builds from the model admins (the expensive part)."""
    admin.site._app_lists.clear()
    built = []
    build = AdminSite._build_app_dict

    def counted(self, request, label=None):
        built.append(label)
        return build(self, request, label)

    monkeypatch.setattr(AdminSite, "_build_app_dict", counted)
    return built


@pytest.fixture
def support(db):
    member = StaffFactory(email="support@example.com")
    member.groups.add(Group.objects.get(name="Support"))
    return member


def _request(user, path="/admin/"):
    request = RequestFactory().get(path)
    request.user = user
    return request


def _as_django_builds(user, label=None):
    apps = AdminSite.get_app_list(admin.site, _request(user), label)
    rank = {name: i for i, name in enumerate(FIRST_APPS)}
    return sorted(apps, key=lambda app: rank.get(app["app_label"], len(FIRST_APPS)))


@pytest.mark.django_db
def test_the_home_page_builds_its_list_of_apps_once_and_privacy_comes_first(dpo_client, builds):
    response = dpo_client.get(reverse("admin:index"))

    assert response.status_code == 200
    assert builds == [None]  # the page's list and the navigation sidebar share one build
    assert [app["app_label"] for app in response.context["app_list"]][:1] == ["privacy"]
    assert response.context["available_apps"] is response.context["app_list"]


@pytest.mark.django_db
def test_the_list_is_built_once_per_set_of_rights_and_language(client, dpo, support, builds):
    client.force_login(dpo)
    client.get(reverse("admin:index"))
    client.get(reverse("admin:password_change"))
    assert builds == [None]

    dpo.preferred_language = "fr"
    dpo.save(update_fields=["preferred_language"])
    french = client.get(reverse("admin:index"))
    assert builds == [None, None]
    assert "Demandes" in french.content.decode() or "demandes" in french.content.decode()

    client.force_login(support)
    client.get(reverse("admin:index"))
    assert builds == [None, None, None]


@pytest.mark.django_db
def test_a_right_given_or_taken_shows_on_the_next_page(client, support, builds):
    client.force_login(support)
    queue = reverse("admin:privacy_datasubjectrequest_changelist")
    assert queue not in client.get(reverse("admin:index")).content.decode()

    rights = Permission.objects.filter(codename__in=["work_queue", "view_datasubjectrequest"])
    support.user_permissions.add(*rights)
    assert queue in client.get(reverse("admin:index")).content.decode()

    support.user_permissions.remove(*rights)
    assert queue not in client.get(reverse("admin:index")).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["superuser", "dpo", "support"])
def test_the_kept_list_is_the_list_django_builds_for_those_rights(who, dpo, support, builds):
    user = {"superuser": StaffFactory(is_superuser=True), "dpo": dpo, "support": support}[who]

    for label in (None, "privacy", "accounts"):
        first = admin.site.get_app_list(_request(user), label)
        kept = admin.site.get_app_list(_request(user), label)  # a new request: from the kept list
        assert first == kept == _as_django_builds(user, label)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("who", ["superuser", "dpo", "support"])
@pytest.mark.parametrize(
    "path", ["/admin/", "/admin/privacy/", "/admin/privacy/datasubjectrequest/", "/admin/accounts/user/7/change/"]
)
def test_the_list_written_in_python_is_what_djangos_template_draws(who, path, language, dpo, support):
    user = StaffFactory(is_superuser=True) if who == "superuser" else {"dpo": dpo, "support": support}[who]
    request = _request(user, path)
    django_template = Engine(libraries=I18N).from_string(DJANGO_APP_LIST.read_text())
    with translation.override(language):
        app_list = admin.site.get_app_list(request)
        for show_changelinks in (False, True):
            context = {"app_list": app_list, "show_changelinks": show_changelinks, "request": request}
            drawn = django_template.render(Context(context))
            written = back_office_app_list(Context(context), app_list, show_changelinks)
            assert parse_html(written) == parse_html(drawn)
    if who != "support" and path.endswith(("/change/", "datasubjectrequest/")):
        assert "current-model" in written and 'aria-current="page"' in written  # the comparison covered marking


def test_nothing_to_show_says_so_as_django_does():
    django_template = Engine(libraries=I18N).from_string(DJANGO_APP_LIST.read_text())
    context = {"app_list": [], "show_changelinks": True, "request": _request(None)}

    assert parse_html(back_office_app_list(Context(context), [], True)) == parse_html(
        django_template.render(Context(context))
    )
