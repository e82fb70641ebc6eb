"""`python -m monitor import FILE --server URL`: post files to a running dashboard's POST /api/v1/imports with the
personal token in $MONITOR_TOKEN, and print the server's report. Exit codes as a local import."""
from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from pathlib import Path

from monitor import config

OK, INVALID, ENVIRONMENT = 0, 1, 2


def multipart(fields: dict[str, str], file_name: str, data: bytes) -> tuple[bytes, str]:
    """A multipart/form-data body with the text fields and one `file` part; (body, content type)."""
    boundary = "monitor-" + uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    safe = file_name.replace('"', "_").replace("\r", "_").replace("\n", "_")
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{safe}"\r\n'
                 "Content-Type: application/octet-stream\r\n\r\n".encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def post_file(server: str, token: str, path: Path, kind: str | None, dry_run: bool,
              timeout: float = 600) -> tuple[int, dict]:
    """(HTTP status, the JSON answer) of one upload; raises OSError when the server cannot be reached."""
    fields = {"dry_run": "true" if dry_run else "false", **({"kind": kind} if kind else {})}
    body, content_type = multipart(fields, path.name, path.read_bytes())
    request = urllib.request.Request(server.rstrip("/") + "/api/v1/imports", data=body, method="POST",
                                     headers={"Content-Type": content_type, "Authorization": f"Bearer {token}",
                                              "Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (the user names the server)
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:
        try:
            answer = json.loads(exc.read() or b"{}")
        except ValueError:
            answer = {"error": {"status": exc.code, "message": exc.reason}}
        return exc.code, answer


def import_files(server: str, files: list[Path], kind: str | None, dry_run: bool, say: Callable[[str], None]) -> int:
    token = config.setting("MONITOR_TOKEN")
    if not token:
        say("error: --server needs a personal token in $MONITOR_TOKEN (python -m monitor token create EMAIL "
            "--role support_unit prints one)")
        return ENVIRONMENT
    worst = OK
    for path in files:
        if not path.is_file():
            raise FileNotFoundError(path)
        say(f"sending {path} to {server} ...")
        try:
            status, answer = post_file(server, token, path, kind, dry_run)
        except (OSError, ValueError) as exc:
            say(f"error: cannot reach {server}: {getattr(exc, 'reason', None) or exc}")
            return ENVIRONMENT
        if status == 200:
            print_report(answer, say)
            continue
        error = answer.get("error", {})
        for problem in error.get("problems", []):
            say(f"error: {describe(problem)}")
        say(f"error: the server answered {status}: {error.get('message', '')}".rstrip(": "))
        if status != 422:
            return ENVIRONMENT
        worst = INVALID
    return worst


def describe(problem: dict) -> str:
    where = [problem.get("file") or ""]
    if problem.get("sheet"):
        where.append(f"sheet '{problem['sheet']}'")
    if problem.get("row") is not None:
        where.append(f"row {problem['row']}")
    if problem.get("column"):
        where.append(f"column '{problem['column']}'")
    shown = "" if problem.get("value") is None else f": value {problem['value']!r}"
    return f"{', '.join(where)}{shown}: {problem.get('expected', '')}"


def print_report(answer: dict, say: Callable[[str], None]) -> None:
    """The server's report, worded as a local import's."""
    for note in answer.get("notes", []):
        say(f"note: {answer.get('file')}: {note}")
    for problem in answer.get("warnings", []):
        say(f"warning: {describe(problem)}")
    name, added, changed = answer.get("file"), answer.get("added", {}), answer.get("changed", {})
    if answer.get("already_imported_at"):
        say(f"{name} was already imported on {answer['already_imported_at']} UTC; nothing changed.")
        return
    total_added, total_changed = sum(added.values()), sum(changed.values())
    if answer.get("dry_run"):
        say(f"dry run: {name} would add {total_added:,} rows and change {total_changed:,}; nothing was written.")
        return
    details = ", ".join(f"{t} +{added[t]:,}/~{changed.get(t, 0):,}" for t in added)
    say(f"imported {name} ({answer.get('kind')}) on the server as {answer.get('imported_by')}: {total_added:,} rows "
        f"added, {total_changed:,} changed ({details}).")
