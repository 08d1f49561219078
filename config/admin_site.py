"""The back-office's admin site: its own name in every language, and the Privacy app listed first.

Installed through config.apps.BackOfficeAdminConfig, so `admin.site` and every `@admin.register` use it.
"""

from django.contrib.admin import AdminSite
from django.utils.translation import gettext_lazy as _

# The apps the DPO works in, in this order, before the others (alphabetical, as Django lists them).
FIRST_APPS = ("privacy", "retention", "exports")


class BackOfficeSite(AdminSite):
    site_header = _("Privacy back-office")
    site_title = _("Privacy back-office")
    index_title = _("Back-office home")

    def get_app_list(self, request, app_label=None):
        # Built once per request: the home page asks twice (its list and the navigation sidebar), and each build
        # checks four permissions on every model (bench/web.py). A request's permissions do not change.
        built = request.__dict__.setdefault("_back_office_app_lists", {})
        if app_label not in built:
            apps = super().get_app_list(request, app_label)
            rank = {label: i for i, label in enumerate(FIRST_APPS)}
            # sorted() is stable: the apps not named keep Django's alphabetical order after the named ones.
            built[app_label] = sorted(apps, key=lambda app: rank.get(app["app_label"], len(FIRST_APPS)))
        return built[app_label]
