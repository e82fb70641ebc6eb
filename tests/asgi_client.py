"""An in-process ASGI client for the API tests: the real app object, its lifespan run, no network.

starlette.testclient needs httpx2, which the project does not install; this is the few lines of it the
tests use: GET, OPTIONS and POST requests with headers and a body, the response's status, headers and body.
"""
from __future__ import annotations

import asyncio
import json
import os
import shutil
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass
class Response:
    status: int
    headers: dict[str, str]  # lower-case names; a repeated header keeps its last value
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def json(self):
        return json.loads(self.body)


class Client:
    """`with Client(app) as c: c.get("/api/v1/commitments")`: lifespan startup on enter, shutdown on exit."""

    def __init__(self, app, host: str = "testserver"):
        self.app, self.host = app, host
        self.loop = asyncio.new_event_loop()
        self._lifespan = None

    def __enter__(self) -> Client:
        self._to_app: asyncio.Queue = asyncio.Queue()
        self._from_app: asyncio.Queue = asyncio.Queue()
        scope = {"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}
        self._lifespan = self.loop.create_task(self.app(scope, self._to_app.get, self._from_app.put))
        self._to_app.put_nowait({"type": "lifespan.startup"})
        message = self.loop.run_until_complete(asyncio.wait_for(self._from_app.get(), 60))
        if message["type"] != "lifespan.startup.complete":
            raise RuntimeError(f"lifespan startup failed: {message}")
        return self

    def __exit__(self, *exc) -> None:
        self._to_app.put_nowait({"type": "lifespan.shutdown"})
        self.loop.run_until_complete(asyncio.wait_for(self._from_app.get(), 60))
        self.loop.run_until_complete(asyncio.wait_for(self._lifespan, 60))
        self.loop.close()

    def get(self, url: str, headers: dict[str, str] | None = None) -> Response:
        return self.request("GET", url, headers)

    def post(self, url: str, body: bytes = b"", headers: dict[str, str] | None = None) -> Response:
        return self.request("POST", url, headers, body)

    def request(self, method: str, url: str, headers: dict[str, str] | None = None, body: bytes = b"") -> Response:
        return self.loop.run_until_complete(asyncio.wait_for(self._call(method, url, headers or {}, body), 120))

    async def _call(self, method: str, url: str, headers: dict[str, str], request_body: bytes = b"") -> Response:
        parts = urlsplit(url)
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
                 "scheme": "http", "path": parts.path, "raw_path": parts.path.encode(),
                 "query_string": parts.query.encode(), "root_path": "", "client": ("127.0.0.1", 50000),
                 "server": (self.host, 80),
                 "headers": [(b"host", self.host.encode())] + [(k.lower().encode(), v.encode())
                                                              for k, v in headers.items()]}
        sent = False
        status, out_headers, body = 0, {}, bytearray()

        async def receive():
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": request_body, "more_body": False}
            await asyncio.Event().wait()  # the client never disconnects mid-request

        async def send(message):
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                out_headers.update({k.decode().lower(): v.decode() for k, v in message.get("headers", [])})
            elif message["type"] == "http.response.body":
                body.extend(message.get("body", b""))

        await self.app(scope, receive, send)
        return Response(status, out_headers, bytes(body))


@contextmanager
def serving(app_client, path):
    """The shared app reading and writing the database at `path` (MONITOR_DB is read per request)."""
    before = os.environ.get("MONITOR_DB")
    os.environ["MONITOR_DB"] = str(path)
    try:
        yield app_client
    finally:
        if before is None:
            os.environ.pop("MONITOR_DB", None)
        else:
            os.environ["MONITOR_DB"] = before


@contextmanager
def serving_copy(app_client, source, folder):
    """The shared app on a private copy of the database `source`, made in `folder`, as `uvicorn app:app` would run."""
    path = folder / "monitor.duckdb"
    shutil.copy(source, path)
    with serving(app_client, path) as client:
        yield client
