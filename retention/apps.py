from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _

from retention.rules import clamped_settings


class RetentionConfig(AppConfig):
    name = "retention"
    verbose_name = _("Retention")

    def ready(self):
        checks.register(check_periods, "retention")


def check_periods(app_configs=None, **kwargs):
    """A period set outside its legal floor or ceiling is clamped; say so where operators look."""
    return [checks.Warning(message, id="retention.W001") for message in clamped_settings()]
