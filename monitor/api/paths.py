"""Where each API resource lives: the one place the routes and the pages take these URLs from."""
from __future__ import annotations

import re
from urllib.parse import urlencode

API = "/api/v1"
# Ids in a URL (commitments, members, plans): the commitment page's own rule, nothing else reaches a query.
ID = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")
FEED_KINDS = ("commitment", "member", "plan")


def _query(lang: str | None) -> str:
    return f"?{urlencode({'lang': lang})}" if lang and lang != "en" else ""


def feed(kind: str, key: str | None = None, lang: str | None = None) -> str:
    """/feeds/commitment/MX0081.atom, /feeds/member/MEX.atom, /feeds/plan/AP_MEX04.atom, /feeds/watchlist.atom."""
    if kind == "watchlist":
        return f"/feeds/watchlist.atom{_query(lang)}"
    if kind not in FEED_KINDS or not key or not ID.match(key):
        raise ValueError(f"no feed for {kind} {key!r}")
    return f"/feeds/{kind}/{key}.atom{_query(lang)}"


def badge(commitment_id: str, lang: str | None = None) -> str:
    if not ID.match(commitment_id):
        raise ValueError(f"no badge for {commitment_id!r}")
    return f"/badge/{commitment_id}.svg{_query(lang)}"


def commitment(commitment_id: str) -> str:
    return f"{API}/commitments/{commitment_id}"
