"""Links in marketing messages: one-click unsubscribe without logging in (R38, RFC 8058), and the open pixel that
only counts for people who agreed to engagement measurement (R40)."""

import base64

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from accounts.ownership import client_ip
from privacy.marketing.campaigns import engagement_record, unsubscribe
from privacy.marketing.links import delivery_from_token
from privacy.models import EngagementEvent

PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")


@csrf_exempt  # mail clients POST here with no session (RFC 8058); the signed token is the authority
@require_http_methods(["GET", "POST"])
def unsubscribe_view(request, token):
    """The click itself unsubscribes (one click); a repeated click changes nothing and says so."""
    delivery = delivery_from_token(token)
    if delivery is None:
        return render(request, "privacy/unsubscribe.html", {"invalid": True}, status=404)
    unsubscribe(delivery=delivery, ip=client_ip(request), user_agent=request.headers.get("User-Agent", ""))
    if request.method == "POST" and request.POST.get("List-Unsubscribe") == "One-Click":
        return HttpResponse(status=200)
    return render(request, "privacy/unsubscribe.html", {"channel": delivery.campaign.get_channel_display()})


def open_pixel(request, token):
    delivery = delivery_from_token(token)
    if delivery is not None:
        engagement_record(delivery=delivery, kind=EngagementEvent.Kind.OPEN)
    response = HttpResponse(PIXEL, content_type="image/gif")
    response["Cache-Control"] = "no-store"
    return response
