"""POST /api/v1/imports: a file imported through the dashboard's own connection (the single writer), as the
person of a personal API token (monitor/tokens.py). The answer is the report `python -m monitor import` prints.

Order: the token (401 missing or unknown, 403 revoked or a role below support_unit) before any of the body is
read; then the body, refused with 413 once it passes the gate's limit; then detection and every check
(422 with each problem, nothing written); then the write under WRITE_LOCK, audited as the token's person.
Secrets are never logged: the log names the token's id.
"""
from __future__ import annotations

import json
import logging

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response

from loaders.gate import MAX_FILE_BYTES
from monitor import auth

log = logging.getLogger(__name__)
JSON_MIME = "application/json; charset=utf-8"
FORM_SLACK = 1024 * 1024  # multipart boundaries and the small fields, on top of the file itself
MAX_BODY = MAX_FILE_BYTES + FORM_SLACK
# No CORS headers: a preflight from another site's page gets no Access-Control-Allow-* and the browser stops there.
# Scripts, curl and `import --server` are not browsers and need none.
CORS: dict[str, str] = {"Allow": "POST, OPTIONS"}
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="monitor"'}
TRUE, FALSE = ("1", "true", "yes", "on"), ("", "0", "false", "no", "off")


class Refused(Exception):
    def __init__(self, status: int, message: str, problems: list | None = None, headers: dict | None = None):
        super().__init__(message)
        self.status, self.message, self.problems, self.headers = status, message, problems, headers or {}


class TooLarge(Exception):
    pass


def answer(status: int, body: dict, headers: dict | None = None) -> Response:
    data = json.dumps(body, ensure_ascii=False, default=str).encode("utf-8")
    return Response(data, status, media_type=JSON_MIME, headers={**CORS, **(headers or {})})


def refusal(exc: Refused) -> Response:
    error = {"status": exc.status, "message": exc.message}
    if exc.problems is not None:
        error["problems"] = exc.problems
    return answer(exc.status, {"error": error, "written": False}, exc.headers)


def problem_json(problem) -> dict:
    return {"file": problem.file, "sheet": problem.sheet, "row": problem.row, "column": problem.column,
            "value": problem.value, "expected": problem.expected, "severity": problem.severity}


def bearer(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise Refused(401, "an import needs a personal API token: Authorization: Bearer <token> "
                           "(python -m monitor token create EMAIL --role support_unit)", headers=CHALLENGE)
    return secret.strip()


def authenticate(secret: str) -> auth.Principal:
    """The token's person, or Refused; its last use is recorded when it may import."""
    from monitor import store, tokens
    from webui import data, first_run

    first_run.ensure_built()
    with data.cursor() as cur:
        token = tokens.find(cur, secret)
    if token is None:
        raise Refused(401, "unknown API token", headers={**CHALLENGE, "WWW-Authenticate":
                                                         'Bearer realm="monitor", error="invalid_token"'})
    if token.revoked:
        raise Refused(403, f"API token {token.token_id} was revoked")
    principal = token.principal()
    try:
        auth.require(principal, auth.SUPPORT_UNIT, "import files")
    except auth.NotAllowed as exc:
        raise Refused(403, str(exc)) from None
    with data.WRITE_LOCK, data.cursor() as cur:
        store.touch_token(cur, token.token_id)
    log.info("API import request by %s (token %s)", principal.actor, token.token_id)
    return principal


def limited(request: Request) -> Request:
    """The same request, whose body stops with TooLarge past MAX_BODY bytes (chunked uploads included)."""
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > MAX_BODY:
        raise TooLarge
    seen = 0

    async def receive():
        nonlocal seen
        message = await request.receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > MAX_BODY:
                raise TooLarge
        return message

    return Request(request.scope, receive)


async def read_form(request: Request) -> tuple[str, bytes, str | None, bool]:
    """(file name, bytes, kind, dry_run) from the multipart form, or Refused."""
    from loaders import detect

    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise Refused(415, "send the file as multipart/form-data, in the field `file` (curl -F file=@plan.xlsx)")
    try:
        form = await limited(request).form(max_files=1, max_fields=10)
    except TooLarge:
        raise
    except Exception as exc:  # the parser's own refusals (malformed body, too many parts)
        raise Refused(400, f"cannot read the form: {getattr(exc, 'detail', None) or exc}") from None
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise Refused(400, "no file: send it in the multipart field `file`")
        if (upload.size or 0) > MAX_FILE_BYTES:
            raise TooLarge
        data = await upload.read()
        name = upload.filename or "upload"
        kind = str(form.get("kind") or "").strip() or None
        if kind is not None and kind not in detect.LOADERS:
            raise Refused(400, f"unknown kind {kind!r}: one of {', '.join(sorted(detect.LOADERS))}")
        flag = str(form.get("dry_run") or "").strip().lower()
        if flag not in TRUE + FALSE:
            raise Refused(400, f"dry_run must be true or false, not {flag!r}")
    finally:
        await form.close()
    return name, data, kind, flag in TRUE


def run_import(principal: auth.Principal, name: str, data: bytes, kind: str | None, dry_run: bool) -> dict:
    """Detect, check and write (or roll back a dry run) through the process connection; the report as JSON."""
    import streamlit as st

    from loaders import detect
    from loaders.batch import InvalidFile
    from monitor import store
    from webui.data import WRITE_LOCK, connection

    try:
        batch = detect.load(data, name, kind=kind)
    except InvalidFile as exc:
        raise Refused(422, f"{name} cannot be read; nothing was written",
                      [problem_json(p) for p in exc.problems]) from None
    if batch.errors:
        raise Refused(422, f"{name} has {len(batch.errors):,} errors; nothing was written",
                      [problem_json(p) for p in batch.problems])
    with WRITE_LOCK:
        cur = connection().cursor()
        try:
            report = store.apply_batches(principal, cur, [batch], dry_run=dry_run)[0]
        except InvalidFile as exc:
            raise Refused(422, f"{name} refers to what neither it nor the database holds; nothing was written",
                          [problem_json(p) for p in exc.problems]) from None
        except auth.NotAllowed as exc:
            raise Refused(403, str(exc)) from None
        finally:
            cur.close()
    if not dry_run:
        st.cache_data.clear()
    return {"file": report.file_name, "kind": batch.source.kind, "source_sha256": report.source_id,
            "rows": batch.row_count(), "dry_run": dry_run, "imported_by": principal.actor,
            "already_imported_at": report.already_imported_at, "added": report.added, "changed": report.changed,
            "warnings": [problem_json(p) for p in [*batch.warnings, *report.warnings]], "notes": list(batch.notes),
            "withdrawn": [removal_json(r) for r in report.withdrawn],
            "restored": [removal_json(r) for r in report.restored],
            "written": not dry_run and report.already_imported_at is None}


def removal_json(removal) -> dict:
    """A row withdrawn by its source (or restored): which table, its key, its title, its commitment."""
    return {"table": removal.table, "key": removal.key, "title": removal.title, "commitment_id": removal.commitment_id}


async def endpoint(request: Request) -> Response:
    if request.method == "OPTIONS":
        return Response(status_code=204, headers=CORS)
    try:
        principal = await run_in_threadpool(authenticate, bearer(request))
        name, data, kind, dry_run = await read_form(request)
        return answer(200, await run_in_threadpool(run_import, principal, name, data, kind, dry_run))
    except Refused as exc:
        return refusal(exc)
    except TooLarge:
        return refusal(Refused(413, f"the file is over the limit of {MAX_FILE_BYTES / 1e6:.0f} MB"))
    except Exception:
        log.exception("API import failed")
        return answer(500, {"error": {"status": 500, "message": "internal error: the server log has the details"},
                            "written": False})
