"""Which imported text may become a clickable link: one rule for the dashboard and every export.

Imported fields hold addresses as published: one, several ("url1; url2", one a line), or text that only
looks like one (`javascript:`, a file path, an address with a space). Only a single, well-formed http(s)
address with a host becomes a link; everything else stays text.
"""
from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urlsplit

MAX_URL_LENGTH = 2000
# C0 control characters other than tab, LF and CR (those are whitespace, refused on their own)
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
URL_PATTERN = re.compile(r"https?://[^\s;,<>\"']+", re.IGNORECASE)


@lru_cache(maxsize=65536)
def is_web_url(text: str | None) -> bool:
    """True for one well-formed http(s) address with a host, no spaces or control characters, at most 2,000 long."""
    if not text or not text[:8].lower().startswith(("http://", "https://")) or len(text) > MAX_URL_LENGTH:
        return False
    if any(ch.isspace() for ch in text) or CONTROL_CHARACTERS.search(text):
        return False
    try:
        parts = urlsplit(text)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def web_urls(text: str | None) -> list[str]:
    """Every http(s) address in a field that may hold several ("url1; url2"), in order, once each."""
    if not isinstance(text, str):
        return []
    found = URL_PATTERN.findall(text)
    return [u for u in dict.fromkeys(u.rstrip(".)") for u in found) if is_web_url(u)]


def first_web_url(text: str | None) -> str | None:
    """The field's first address that may be a link, or None."""
    return next(iter(web_urls(text)), None)
