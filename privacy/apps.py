from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = _("Privacy")

    def ready(self):
        from django.core import checks

        from privacy import admin_accountability, contrib  # noqa: F401
        from privacy.registry import registry

        @checks.register()
        def registry_matches_models(app_configs, **kwargs):
            return [checks.Error(p, id="privacy.E001") for p in registry.problems()]
