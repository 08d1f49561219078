"""What the "My Personal Data" page needs to include the exports panel without knowing about exports."""

from dataclasses import dataclass

from django import template
from django.conf import settings

from exports.views import jobs_of

register = template.Library()

# Newest exports listed on the panel; older ones are expired anyway.
SHOWN = 5


@dataclass
class Panel:
    jobs: list
    days: int

    @property
    def building(self):
        # A stuck build (its worker died) does not block asking again: that starts it again.
        return any(job.is_active and not job.is_stuck() for job in self.jobs)


@register.simple_tag(takes_context=True)
def customer_exports(context):
    """The logged-in customer's newest exports, in one query."""
    jobs = jobs_of(context["request"]).select_related("request").order_by("-created_at", "-pk")[:SHOWN]
    return Panel(list(jobs), settings.EXPORT_RETENTION_DAYS)
