"""Evidence and source links, checked: is each still there? Dead is said only when a server says so.

A 404 or 410 is dead. A timeout, a refused connection or an unknown host says nothing about the page,
only about the network between us: that is "unreachable", never "dead". Each fetch has a timeout and
reads at most a capped number of bytes, and requests to one host are spaced out (a polite rate).
"""
from __future__ import annotations

import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from vocabulary.links import is_web_url

USER_AGENT = "OGP-commitment-monitor-link-check/1 (checks that cited evidence is still online)"
DEAD_STATUSES = (404, 410)
MAX_REDIRECTS = 5
ARCHIVE_SEARCH = "https://web.archive.org/web/*/"

OK, DEAD, SERVER_ERROR, UNREACHABLE, TIMEOUT, REFUSED_URL = (
    "ok", "dead", "server_error", "unreachable", "timeout", "not_checked")


@dataclass(frozen=True)
class LinkCheck:
    url: str
    outcome: str  # ok, dead, server_error, unreachable, timeout, not_checked
    status_code: int | None  # the first answer's HTTP status (301 for a moved page), None without one
    final_url: str | None  # where redirects led
    final_status: int | None
    bytes_read: int
    elapsed_ms: int
    checked_at: datetime
    detail: str = ""

    @property
    def is_dead(self) -> bool:
        return is_dead(self.outcome)


def is_dead(outcome: str | None) -> bool:
    """The one rule every surface marks by: dead only when the latest check's server said 404 or 410."""
    return outcome == DEAD


def dead_urls(checks) -> set[str]:
    """Those rows of a link_checks frame (monitor.queries.link_checks) whose latest check found them dead."""
    return {url for url, outcome in zip(checks["url"], checks["outcome"]) if is_dead(outcome)}


def verdict(outcome: str | None) -> tuple[bool | None, str | None]:
    """(dead, why unknown) for a link's latest outcome: True or False when a server answered, else None
    with the reason (never checked, or the check said nothing about the page: timeout, unreachable...)."""
    if outcome is None:
        return None, "never_checked"
    if is_dead(outcome) or outcome == OK:
        return is_dead(outcome), None
    return None, outcome


def archive_link(url: str) -> str:
    """Where a reader can look for a copy of a dead page."""
    return ARCHIVE_SEARCH + url


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # redirects are followed by check_one, hop by hop
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def check_one(url: str, *, timeout: float = 10.0, max_bytes: int = 2_000_000) -> LinkCheck:
    """Fetch `url` (GET, following up to five redirects), reading at most `max_bytes` within `timeout` seconds."""
    started, now = time.monotonic(), datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    if not is_web_url(url):
        return LinkCheck(url, REFUSED_URL, None, None, None, 0, 0, now, "not an http(s) address")
    first, current, read = None, url, 0
    try:
        for _ in range(MAX_REDIRECTS + 1):
            status, location, read = _fetch(current, started + timeout, max_bytes)
            first = first or status
            if status not in (301, 302, 303, 307, 308) or not location:
                break
            current = urllib.parse.urljoin(current, location)
        outcome = OK if status < 400 else DEAD if status in DEAD_STATUSES else SERVER_ERROR
        detail = "" if status < 400 else f"HTTP {status}"
        return LinkCheck(url, outcome, first, current, status, read, _ms(started), now, detail)
    except (urllib.error.URLError, OSError) as exc:  # TimeoutError is an OSError too
        reason = getattr(exc, "reason", exc)
        if isinstance(reason, TimeoutError | socket.timeout):
            outcome, detail = TIMEOUT, f"no answer within {timeout:g} s"
        else:
            outcome, detail = UNREACHABLE, str(reason)[:200]
        return LinkCheck(url, outcome, first, None, None, read, _ms(started), now, detail)


def _fetch(url: str, deadline: float, max_bytes: int) -> tuple[int, str | None, int]:
    """(status, Location header, bytes read) of one request; raises TimeoutError past the deadline."""
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise TimeoutError
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "*/*"})
    try:
        response = _OPENER.open(request, timeout=remaining)
    except urllib.error.HTTPError as answer:  # 3xx (not followed here), 4xx and 5xx arrive as errors
        with answer:
            return answer.code, answer.headers.get("Location"), 0
    with response:
        read = 0
        while read < max_bytes:
            if time.monotonic() > deadline:
                raise TimeoutError
            chunk = response.read(min(65536, max_bytes - read))
            if not chunk:
                break
            read += len(chunk)
        return response.status, response.headers.get("Location"), read


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def check_all(urls: Iterable[str], *, timeout: float = 10.0, max_bytes: int = 2_000_000, per_host_delay: float = 1.0,
              progress: Callable[[int, int, LinkCheck], None] | None = None) -> list[LinkCheck]:
    """Check each distinct URL once, waiting `per_host_delay` seconds between two requests to one host."""
    wanted = list(dict.fromkeys(urls))
    last_visit: dict[str, float] = {}
    results = []
    for i, url in enumerate(wanted, start=1):
        host = urllib.parse.urlsplit(url).hostname or ""
        wait = last_visit.get(host, -per_host_delay) + per_host_delay - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        result = check_one(url, timeout=timeout, max_bytes=max_bytes)
        last_visit[host] = time.monotonic()
        results.append(result)
        if progress:
            progress(i, len(wanted), result)
    return results


def network_down(results: list[LinkCheck]) -> bool:
    """Every check failed to reach anything: report the network, not the links."""
    return bool(results) and all(r.outcome in (UNREACHABLE, TIMEOUT) for r in results)
