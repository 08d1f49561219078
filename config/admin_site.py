"""The back-office's admin site: its own name in every language, and the Privacy app listed first.

Installed through config.apps.BackOfficeAdminConfig, so `admin.site` and every `@admin.register` use it.
"""

from django.contrib.admin import AdminSite
from django.utils import translation
from django.utils.translation import gettext_lazy as _

# The apps the DPO works in, in this order, before the others (alphabetical, as Django lists them).
FIRST_APPS = ("privacy", "retention", "exports")
# Lists kept per process: one per set of rights, language and app page; a handful in practice.
APP_LISTS_KEPT = 256


class BackOfficeSite(AdminSite):
    site_header = _("Privacy back-office")
    site_title = _("Privacy back-office")
    index_title = _("Back-office home")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._app_lists = {}
        self.view_wrappers = []

    def register(self, *args, **kwargs):
        super().register(*args, **kwargs)
        self._app_lists.clear()

    def unregister(self, *args, **kwargs):
        super().unregister(*args, **kwargs)
        self._app_lists.clear()

    def admin_view(self, view, cacheable=False):
        """Django's wrapper (staff only, CSRF, no cache) around `view`, itself wrapped first by what the apps put in
        `view_wrappers` (the privacy app: each view writes its staff audit rows in the request's transaction)."""
        for wrap in self.view_wrappers:
            view = wrap(view)
        return super().admin_view(view, cacheable)

    def get_app_list(self, request, app_label=None):
        """Django's list, the privacy apps first; built once per process for each set of rights and language.

        Every back-office page draws this list in its sidebar, and building it asks each of some 60 model admins
        for four permissions and reverses two URLs each (bench/web.py). What it holds depends only on what the
        user may do (active, staff, superuser, their permissions: every has_*_permission of this site's admins
        answers from those when no object is given) and on the language of the names, so those are the key. The
        permissions are read for each request as Django's own checks read them, so a right given or taken away
        shows on the next page. Each caller gets its own copy.
        """
        built = request.__dict__.setdefault("_back_office_app_lists", {})
        if app_label not in built:
            key = (app_label, translation.get_language(), *_rights(request.user))
            if (apps := self._app_lists.get(key)) is None:
                apps = super().get_app_list(request, app_label)
                rank = {label: i for i, label in enumerate(FIRST_APPS)}
                # sorted() is stable: the apps not named keep Django's alphabetical order after the named ones.
                apps = sorted(apps, key=lambda app: rank.get(app["app_label"], len(FIRST_APPS)))
                if len(self._app_lists) >= APP_LISTS_KEPT:
                    self._app_lists.clear()
                self._app_lists[key] = apps
            built[app_label] = [{**app, "models": [dict(model) for model in app["models"]]} for app in apps]
        return built[app_label]


def _rights(user):
    if not (user.is_active and user.is_staff):
        return (user.is_active, user.is_staff, False, frozenset())
    if user.is_superuser:
        return (True, True, True, frozenset())
    return (True, True, False, frozenset(user.get_all_permissions()))
