"""Speak the customer's stored language; otherwise the browser's (LocaleMiddleware), else English (R80)."""

from django.utils import translation


class PreferredLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.preferred_language:
            translation.activate(user.preferred_language)
            request.LANGUAGE_CODE = user.preferred_language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", translation.get_language())
        return response
