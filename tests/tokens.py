"""What a link in a mail gives away to anyone who reads an access log: every base64 piece of it, decoded."""

import base64
import binascii
import contextlib
import re
import zlib
from urllib.parse import unquote, urlsplit

LINK = re.compile(r"https?://[^\s\"'<>]+|/[A-Za-z0-9_\-./:%]+/")


def _decodings(segment):
    """What a piece of a URL says once base64-decoded (and inflated, as Django's compressed signatures are)."""
    found = []
    compressed = segment.startswith(".")
    piece = segment.lstrip(".")
    for candidate in {piece, piece.replace("-", "+").replace("_", "/")}:
        try:
            raw = base64.urlsafe_b64decode(candidate + "=" * (-len(candidate) % 4))
        except (binascii.Error, ValueError):
            continue
        if compressed:
            with contextlib.suppress(zlib.error):
                raw = zlib.decompress(raw)
        found.append(raw.decode("utf-8", "ignore"))
    return found


def readable_in(url):
    """Every piece of the URL's path and query, as text and as decoded base64."""
    parts = urlsplit(unquote(url))
    pieces = [p for p in re.split(r"[/:?&=#]", parts.path + "?" + parts.query) if p]
    texts = list(pieces)
    for piece in pieces:
        for sub in piece.split("."):
            texts.extend(_decodings(sub))
        texts.extend(_decodings(piece))
    return texts


def links(text):
    return LINK.findall(text)


def revealed(text, needles):
    """(link, needle) for every link in `text` whose readable pieces contain a needle (case-insensitive)."""
    found = []
    for link in links(text):
        readable = " ".join(readable_in(link)).lower()
        found += [(link, n) for n in needles if n and n.lower() in readable]
    return found
