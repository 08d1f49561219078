from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    name = "outbox"
    verbose_name = _("Outgoing mail")

    def ready(self):
        # The tasks register in every process: the model queues the send task by name.
        from outbox import tasks  # noqa: F401
