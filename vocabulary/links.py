"""What counts as a web link: the one rule every page, export, check and API applies to cited addresses.

Only a single, well-formed http(s) address may become a clickable link; javascript:, data:, file paths
and text with spaces or control characters stay text.
"""
from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urlsplit

MAX_URL_LENGTH = 2000
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
URL_PATTERN = re.compile(r"https?://[^\s;,<>\"']+", re.IGNORECASE)


@lru_cache(maxsize=65536)  # exports test the same few addresses on thousands of rows
def is_web_url(text: str | None) -> bool:
    """True for one well-formed http(s) address with a host, at most 2,000 characters."""
    if not isinstance(text, str) or not text[:8].lower().startswith(("http://", "https://")):
        return False
    if len(text) > MAX_URL_LENGTH or any(ch.isspace() for ch in text) or CONTROL_CHARACTERS.search(text):
        return False
    try:
        parts = urlsplit(text)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def web_urls(text: str | None) -> list[str]:
    """Every http(s) address in a field that may hold several ("url1; url2", one per line), in order, once each."""
    if not isinstance(text, str):
        return []
    found = URL_PATTERN.findall(text)
    return [u for u in dict.fromkeys(u.rstrip(".)") for u in found) if is_web_url(u)]


def first_web_url(text: str | None) -> str | None:
    """The field's first address that may be a link, or None."""
    return next(iter(web_urls(text)), None)
