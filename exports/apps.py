from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExportsConfig(AppConfig):
    name = "exports"
    verbose_name = _("Exports")

    def ready(self):
        # The tasks register in every process: the services queue the build task by name.
        from exports import signals, tasks  # noqa: F401
