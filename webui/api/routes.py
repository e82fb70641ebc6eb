"""HTTP for the read API: routing, content negotiation, ETags, CORS and JSON errors.

Three mounts, each a small Starlette app with its own error handlers, so every 4xx/5xx under them is
JSON and nothing falls through to the dashboard's index page: /api (the versioned API and its
description), /feeds (Atom) and /badge (SVG). Handlers are plain functions: Starlette runs them in its
thread pool, off the event loop the dashboard's sessions share, and each takes its own cursor.

The write side is POST /api/v1/imports (webui/api/imports.py), behind a personal token; the GET routes stay
public.
"""
from __future__ import annotations

import hashlib
import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from contextlib import AbstractContextManager, contextmanager
from datetime import date

import orjson
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route

from monitor import config, queries
from monitor.api import ApiError, badge, feeds, openapi, records
from monitor.export import CSV_MIME, records_csv

log = logging.getLogger(__name__)
CASE_ID = re.compile(r"^[A-Za-z0-9_.-]{1,60}$")  # MX-RP-2018: a case id, nothing else reaches a query
JSON_MIME = "application/json; charset=utf-8"
HTML_MIME = "text/html; charset=utf-8"
CACHE = "public, max-age=60"
CORS = {"Access-Control-Allow-Origin": "*", "Access-Control-Expose-Headers": "ETag",
        "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
        "Access-Control-Allow-Headers": "Accept, If-None-Match", "Access-Control-Max-Age": "600"}
METHODS = ["GET", "HEAD", "OPTIONS"]

Cursors = Callable[[], AbstractContextManager]


@contextmanager
def app_cursor():
    """The dashboard's connection (built from the bundled data on a fresh machine, as the first page view
    would), a new cursor for this request."""
    from webui import data, first_run

    first_run.ensure_built()
    with data.cursor() as cur:
        yield cur


def page_path(key: str, lang: str, **params) -> str:
    from webui import pages

    return pages.url(key, lang, **params)


def error(status: int, message: str) -> Response:
    body = _json({"error": {"status": status, "message": message}})
    return Response(body, status, media_type=JSON_MIME, headers=CORS)


def _params(request: Request) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name, value in request.query_params.multi_items():
        out.setdefault(name, []).append(value)
    return out


def _wants_csv(request: Request, suffix: str) -> bool:
    if suffix == "csv":
        return True
    if suffix == "json":
        return False
    accept = request.headers.get("accept", "")
    return "text/csv" in accept and "application/json" not in accept


def _split(name: str) -> tuple[str, str]:
    """'MX0081.csv' -> ('MX0081', 'csv'); no known suffix -> (name, '')."""
    for suffix in ("json", "csv"):
        if name.endswith("." + suffix):
            return name[: -len(suffix) - 1], suffix
    return name, ""


class ResponseCache:
    """Built bodies by ETag (which names the data version, the day, the origin and the exact request), newest
    kept within `max_bytes`: a repeated request costs one data-version read. An import changes the version,
    so nothing stale is ever served; `max_bytes=0` turns it off (the benchmark's uncached runs)."""

    def __init__(self, max_bytes: int):
        self.max_bytes, self.size = max_bytes, 0
        self.items: OrderedDict[str, bytes] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self.lock:
            body = self.items.get(key)
            if body is not None:
                self.items.move_to_end(key)
            return body

    def put(self, key: str, body: bytes) -> None:
        if len(body) > self.max_bytes // 4:
            return
        with self.lock:
            if key in self.items:
                return
            self.items[key] = body
            self.size += len(body)
            while self.size > self.max_bytes:
                self.size -= len(self.items.popitem(last=False)[1])


def cache_bytes() -> int:
    """MONITOR_API_CACHE_MB, in bytes."""
    try:
        return max(0, int(float(config.setting("MONITOR_API_CACHE_MB")) * 1024 * 1024))
    except ValueError:
        return 0


class Api:
    """The routes' handlers over a source of cursors (the dashboard's by default; a benchmark passes a
    read-only one) and a cache of built responses."""

    def __init__(self, cursors: Cursors | None = None, cache_size: int | None = None):
        self.cursors = cursors or app_cursor
        self.cache = ResponseCache(cache_bytes() if cache_size is None else cache_size)
        self._options: tuple[str, dict] | None = None
        self._request = threading.local()  # the data version serve() read for this thread's request

    def filter_options(self, cur) -> dict:
        """The values filters may take, read once per data version (validation runs on every list request)."""
        version = getattr(self._request, "version", None) or queries.data_version(cur)
        known = self._options
        if known is None or known[0] != version:
            known = self._options = (version, queries.filter_options(cur))
        return known[1]

    # --- plumbing -------------------------------------------------------------------------------------

    def serve(self, request: Request, build: Callable, media: str, *, variant: str = "") -> Response:
        """Run `build(cur, links, params, today) -> bytes` unless the client already holds this version."""
        if request.method == "OPTIONS":
            return Response(status_code=204, headers=CORS)
        params = _params(request)
        lang = records.language(params)
        links = records.Links(f"{request.url.scheme}://{request.url.netloc}", page_path, lang)
        today = date.today()
        with self.cursors() as cur:
            self._request.version = version = queries.data_version(cur)
            try:
                return self._answer(request, build, media, cur, links, params, today,
                                    # statuses depend on the day as well as the data, links on the origin
                                    "|".join((version, today.isoformat(), links.base, request.url.path,
                                              str(request.query_params), variant, media)))
            finally:
                self._request.version = None

    def _answer(self, request: Request, build: Callable, media: str, cur, links, params, today, key: str) -> Response:
        etag = f'W/"{hashlib.sha256(key.encode()).hexdigest()[:32]}"'
        headers = {**CORS, "ETag": etag, "Cache-Control": CACHE, "Vary": "Accept"}
        if etag in [t.strip() for t in request.headers.get("if-none-match", "").split(",")]:
            return Response(status_code=304, headers=headers)
        body = self.cache.get(etag)
        if body is None:
            body = build(cur, links, params, today)
            self.cache.put(etag, body)
        return Response(body, 200, media_type=media, headers=headers)

    def json_or_csv(self, request: Request, suffix: str, build: Callable, items: str = "items") -> Response:
        """A list endpoint: JSON, or its `items` as safe CSV with the same field names."""
        if _wants_csv(request, suffix):
            def table(*a) -> bytes:
                found = build(*a)[items]
                return records_csv(found, records.csv_columns(found))

            return self.serve(request, table, f"{CSV_MIME}; charset=utf-8", variant="csv")
        return self.serve(request, lambda *a: _json(build(*a)), JSON_MIME, variant="json")

    # --- /api -----------------------------------------------------------------------------------------

    def index(self, request: Request) -> Response:
        return self.serve(request, lambda cur, links, params, today: openapi.index_html(links.lang), HTML_MIME)

    def openapi_json(self, request: Request) -> Response:
        return self.serve(request, lambda cur, links, params, today: _json(openapi.spec(links.lang)), JSON_MIME)

    def commitments(self, request: Request) -> Response:
        def build(cur, links, params, today):
            f, limit, offset = records.list_request(params, self.filter_options(cur))
            return records.commitments_page(cur, f, limit, offset, links, today)

        return self.json_or_csv(request, request.path_params.get("suffix", ""), build)

    def commitment(self, request: Request) -> Response:
        name, suffix = _split(request.path_params["name"])
        commitment_id = records.checked_id(name)
        if _wants_csv(request, suffix):
            raise ApiError(406, "one commitment is JSON only (it nests ratings, milestones and statements); "
                                "lists are also CSV: /api/v1/commitments.csv")

        return self.one(request, records.commitment_detail, commitment_id, "commitment")

    def one(self, request: Request, detail: Callable, key: str, what: str) -> Response:
        """One record as JSON (a commitment, a case), or a 404 naming what was asked for."""
        def build(cur, links, params, today):
            records.check_names(params, records.COMMON_PARAMS)
            found = detail(cur, key, links, today)
            if found is None:
                raise ApiError(404, f"no {what} {key!r}")
            return _json(found)

        return self.serve(request, build, JSON_MIME, variant="json")

    def plans(self, request: Request) -> Response:
        return self.json_or_csv(request, request.path_params.get("suffix", ""), _simple(records.plans))

    def members(self, request: Request) -> Response:
        return self.json_or_csv(request, request.path_params.get("suffix", ""), _simple(records.members))

    def watchlist(self, request: Request) -> Response:
        def build(cur, links, params, today):
            records.check_names(params, records.COMMON_PARAMS)
            return records.watchlist(cur, links, today)

        return self.json_or_csv(request, request.path_params.get("suffix", ""), build)

    def cases(self, request: Request) -> Response:
        def build(cur, links, params, today):
            records.check_names(params, records.COMMON_PARAMS)
            return _json(records.cases(cur, links))

        return self.serve(request, build, JSON_MIME, variant="json")

    def case(self, request: Request) -> Response:
        case_id = request.path_params["case_id"]
        if not CASE_ID.match(case_id):
            raise ApiError(400, f"{case_id[:80]!r} is no case id (letters, digits, '-', '_', '.')")

        return self.one(request, records.case_detail, case_id, "case")

    # --- /feeds and /badge ----------------------------------------------------------------------------

    def feed(self, request: Request) -> Response:
        kind = request.path_params.get("kind", "watchlist")
        key = request.path_params.get("key")
        if key is not None:
            records.checked_id(key, kind)

        def build(cur, links, params, today):
            records.check_names(params, ("lang", "since"))
            since = records.since_date(params, feeds.default_since(today))
            options = self.filter_options(cur) if kind in ("member", "plan") else None
            return feeds.build(cur, kind, key, links, since, today, self_url=str(request.url), options=options)

        return self.serve(request, build, feeds.MIME)

    def badge(self, request: Request) -> Response:
        commitment_id = records.checked_id(request.path_params["key"])

        def build(cur, links, params, today):
            records.check_names(params, records.COMMON_PARAMS)
            row = queries.commitment(cur, commitment_id, today)
            if row is None:
                raise ApiError(404, f"no commitment {commitment_id!r}")
            return badge.build(row, links.lang)

        return self.serve(request, build, badge.MIME)


def _simple(read: Callable) -> Callable:
    def build(cur, links, params, today):
        records.check_names(params, records.COMMON_PARAMS)
        return read(cur, links)

    return build


def _json(data) -> bytes:
    """Compact UTF-8 JSON by orjson (the json module took as long as the query on OGP-scale lists); dates and
    numpy values go through records.value, so the bytes are the json module's (NaN aside: null, not NaN)."""
    return orjson.dumps(data, default=records.value, option=orjson.OPT_PASSTHROUGH_DATETIME)


def guarded(handler: Callable[[Request], Response]) -> Callable[[Request], Response]:
    """Refusals as JSON errors; anything unexpected as a 500 whose body says nothing of the code (the log has
    the traceback)."""
    def run(request: Request) -> Response:
        try:
            return handler(request)
        except ApiError as exc:
            return error(exc.status, exc.message)
        except Exception:
            log.exception("API request failed: %s", request.url.path)
            return error(500, "internal error: the server log has the details")

    run.__name__ = getattr(handler, "__name__", "handler")
    return run


def _http_error(request: Request, exc: HTTPException) -> Response:
    message = {404: f"nothing at {request.url.path}: see /api/v1/ for the endpoints",
               405: f"{request.method} is not allowed here: the API reads with GET "
                    "(and imports with POST /api/v1/imports)"}.get(exc.status_code, exc.detail)
    return error(exc.status_code, message)


def _server_error(request: Request, exc: Exception) -> Response:
    log.exception("API request failed: %s", request.url.path, exc_info=exc)
    return error(500, "internal error: the server log has the details")


def _mount(prefix: str, inner: list[BaseRoute]) -> Mount:
    app = Starlette(routes=inner, exception_handlers={HTTPException: _http_error, Exception: _server_error})
    return Mount(prefix, app=app)


def routes(cursors: Cursors | None = None, cache_size: int | None = None) -> list[BaseRoute]:
    """The API's mounts for st.App(routes=...): /api, /feeds and /badge. `cache_size` in bytes overrides
    MONITOR_API_CACHE_MB."""
    from webui.api import imports

    api = Api(cursors, cache_size)

    def route(path: str, handler) -> Route:
        return Route(path, guarded(handler), methods=METHODS)

    return [
        _mount("/api", [
            route("/", api.index), route("/v1", api.index), route("/v1/", api.index),
            route("/v1/openapi.json", api.openapi_json),
            route("/v1/commitments", api.commitments), route("/v1/commitments.{suffix:str}", _only(api.commitments)),
            route("/v1/commitments/{name:str}", api.commitment),
            route("/v1/plans", api.plans), route("/v1/plans.{suffix:str}", _only(api.plans)),
            route("/v1/members", api.members), route("/v1/members.{suffix:str}", _only(api.members)),
            route("/v1/watchlist", api.watchlist), route("/v1/watchlist.{suffix:str}", _only(api.watchlist)),
            route("/v1/cases", api.cases), route("/v1/cases/{case_id:str}", api.case),
            Route("/v1/imports", imports.endpoint, methods=["POST", "OPTIONS"]),
        ]),
        _mount("/feeds", [
            route("/watchlist.atom", api.feed),
            route("/{kind:str}/{key:str}.atom", api.feed),
        ]),
        _mount("/badge", [route("/{key:str}.svg", api.badge)]),
    ]


def _only(handler: Callable[[Request], Response]) -> Callable[[Request], Response]:
    """A list with a format suffix: .json or .csv, anything else is not there."""
    def run(request: Request) -> Response:
        if request.path_params["suffix"] not in ("json", "csv"):
            raise ApiError(404, f"nothing at {request.url.path}: lists are .json or .csv")
        return handler(request)

    run.__name__ = getattr(handler, "__name__", "handler")
    return run
