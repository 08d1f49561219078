"""The open breaches shown on the DPO's admin index (R74)."""

from django import template

from privacy.services.breaches import open_breaches as _open_breaches

register = template.Library()


@register.simple_tag
def open_breaches():
    return _open_breaches()
