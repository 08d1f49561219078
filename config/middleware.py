"""Two promises every page keeps: nothing is left in a browser's or a proxy's cache, and text that is not UTF-8 is
refused with a clear message instead of being stored as replacement characters."""

from urllib.parse import unquote_to_bytes

from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class NoStoreMiddleware:
    """Pages show personal data (client area, My Personal Data, exports, the admin): `Cache-Control: no-store`.

    A response that already says how to cache it (a static file) keeps what it says.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Cache-Control" not in response.headers:
            add_never_cache_headers(response)
        return response


def _pairs_are_text(raw: bytes, encoding: str) -> bool:
    """Each name and value of a query string or urlencoded body decodes strictly (Django would replace errors)."""
    for pair in raw.split(b"&"):
        for part in pair.split(b"=", 1):
            try:
                unquote_to_bytes(part.replace(b"+", b" ")).decode(encoding)
            except UnicodeDecodeError:
                return False
    return True


def _query_is_text(request) -> bool:
    query = request.META.get("QUERY_STRING", "")
    try:
        # WSGI hands the query string over as latin-1 text: its bytes are the ones the browser sent.
        raw = query.encode("latin-1")
    except UnicodeEncodeError:
        return True  # already text (a test client or an ASGI server decoded it)
    return _pairs_are_text(raw, "utf-8")


def _body_is_text(request) -> bool:
    if request.method not in BODY_METHODS:
        return True
    encoding = request.encoding or "utf-8"
    if request.content_type == "application/x-www-form-urlencoded":
        return _pairs_are_text(request.body, encoding)
    if request.content_type == "multipart/form-data":
        # The multipart parser has already replaced what it could not decode: that mark is all that is left.
        return not any("\ufffd" in value for values in request.POST.lists() for value in values[1])
    return True


class StrictTextMiddleware:
    """A form whose text is not valid UTF-8 gets a 400 page saying so; the view never runs, nothing is saved."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not (_query_is_text(request) and _body_is_text(request)):
            return render(request, "bad_text.html", status=400)
        return self.get_response(request)
