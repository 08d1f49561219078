"""The client area's navigation: which link is the current page (aria-current), and the language menu."""

from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def current_page(context, url_name, *also):
    """` aria-current="page"` when the page is `url_name` or below it (or below one of `also`, URL prefixes).

    The dashboard is the root of the client area, so it is current only on itself.
    """
    request = context.get("request")
    if request is None:
        return ""
    url = reverse(url_name)
    path = request.path
    exact_only = url == reverse("accounts:dashboard")
    here = path == url if exact_only else path.startswith(url) or any(path.startswith(p) for p in also)
    return mark_safe(' aria-current="page"') if here else ""
