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
            files,  # noqa: F401  (deletes a row's files once its deletion commits)
            tasks,  # noqa: F401  (registers the tasks that services queue by name)
        )
        from privacy.registry import registry

        files.connect_signals()
        _connect_death_recorded()
        _audit_in_the_views_transaction()

        @checks.register()
        def registry_matches_models(app_configs, **kwargs):
            return [checks.Error(p, id="privacy.E001") for p in registry.problems()]


def _audit_in_the_views_transaction():
    """Every back-office view writes its staff audit rows in the request's transaction, with what it changed."""
    from django.contrib import admin

    from privacy.audit_middleware import in_the_views_transaction

    if in_the_views_transaction not in admin.site.view_wrappers:
        admin.site.view_wrappers.append(in_the_views_transaction)


def _receive_death(sender, customer, actor, at, **kwargs):
    from privacy.services.directives import directives_due

    directives_due(customer=customer, at=at)


def _connect_death_recorded():
    """Recording a death makes the post-mortem directive due, in the same transaction (R29)."""
    from accounts.services import death_recorded

    death_recorded.connect(_receive_death, dispatch_uid="privacy.directives_due")
