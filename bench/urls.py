"""The site's URLs plus /bench/bare/, the yardstick of bench/web.py: one query, no template. Bench only."""

from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as site


def bare(request):
    return HttpResponse(str(get_user_model().objects.filter(pk=request.user.pk or 0).exists()))


urlpatterns = [path("bench/bare/", bare), *site]
