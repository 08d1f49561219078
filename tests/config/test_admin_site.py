"""The back-office's admin site (config/admin_site.py)."""

import pytest
from django.contrib.admin import AdminSite
from django.urls import reverse


@pytest.mark.django_db
def test_the_home_page_builds_its_list_of_apps_once_and_privacy_comes_first(dpo_client, monkeypatch):
    builds = []
    build = AdminSite._build_app_dict

    def counted(self, request, label=None):
        builds.append(label)
        return build(self, request, label)

    monkeypatch.setattr(AdminSite, "_build_app_dict", counted)
    response = dpo_client.get(reverse("admin:index"))

    assert response.status_code == 200
    assert builds == [None]  # the page's list and the navigation sidebar share one build
    assert [app["app_label"] for app in response.context["app_list"]][:1] == ["privacy"]
    assert response.context["available_apps"] is response.context["app_list"]
