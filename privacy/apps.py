"""The privacy app's start-up: the registry declarations for Django's own models, and the system check that every
model with personal data is in the registry."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = _("Privacy")

    def ready(self):
        from django.core import checks

        from privacy import (
            contrib,  # noqa: F401
            tasks,  # noqa: F401  (registers the tasks that services queue by name)
        )
        from privacy.registry import registry

        @checks.register()
        def registry_matches_models(app_configs, **kwargs):
            return [checks.Error(p, id="privacy.E001") for p in registry.problems()]
