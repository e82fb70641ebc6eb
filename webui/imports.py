"""Uploads on the Data page: server-side checks, detection and validation without writing, then the import
through the dashboard's own connection (the single writer)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from webui import identity
from webui.data import WRITE_LOCK, connection, start_run
from webui.language import tr

MAX_UPLOAD_MB = 10
UPLOAD_TYPES = ("csv", "xlsx")


def upload_problem(name: str, size: int) -> str | None:
    """Server-side check: the uploader's own type and size limits are enforced only in the browser."""
    if Path(name).suffix.lower().lstrip(".") not in UPLOAD_TYPES:
        return tr("data.bad_extension", name=name, allowed=", ".join(UPLOAD_TYPES))
    if size > MAX_UPLOAD_MB * 1024 * 1024:
        return tr("data.too_big", size=f"{size / 1e6:.1f}", limit=MAX_UPLOAD_MB)
    return None


def inspect_upload(data: bytes, name: str):
    """Detect and validate without writing: (batch, None) or (None, problems) for unreadable files."""
    from loaders import detect
    from loaders.batch import InvalidFile

    try:
        return detect.load(data, name), None
    except InvalidFile as exc:
        return None, exc.problems


def import_batch(batch, progress=None):
    """Write as this session's person through the dashboard's own connection (the single writer, which checks
    the role), then drop every cached answer."""
    from monitor.store import apply_batch

    with WRITE_LOCK:
        cur = connection().cursor()
        try:
            report = apply_batch(identity.principal(), cur, batch, progress=progress)
        finally:
            cur.close()
    st.cache_data.clear()
    start_run()
    return report


def removals(batch) -> list:
    """The rows an earlier version of this file provided and it no longer holds (read-only, the writer's own
    rule: monitor.store.removals), so the preview lists what the import would withdraw."""
    from monitor.store import removals as rows_removed

    cur = connection().cursor()
    try:
        return rows_removed(cur, [batch])[0]
    finally:
        cur.close()


def removals_frame(rows) -> pd.DataFrame:
    return pd.DataFrame([{tr("data.col_table"): r.table, tr("data.col_key"): r.key,
                          tr("data.col_title"): r.title or "", tr("data.col_commitment"): r.commitment_id or ""}
                         for r in rows])


def problems_frame(problems) -> pd.DataFrame:
    """Every problem with where to look, as a table the user can sort."""
    return pd.DataFrame([{tr("data.col_sheet"): p.sheet or "", tr("data.col_row"): p.row,
                          tr("data.col_column"): p.column or "", tr("data.col_value"): p.value or "",
                          tr("data.col_expected"): p.expected} for p in problems])


def log_follow_up(principal, request_id: str, **entry) -> str | None:
    """Log a follow-up through the one writer (monitor.work checks the role); None, or what was wrong, in words."""
    from monitor import work
    from monitor.auth import NotAllowed

    with WRITE_LOCK:
        cur = connection().cursor()
        try:
            work.log_follow_up(principal, cur, request_id, **entry)
        except (NotAllowed, ValueError) as exc:
            return str(exc)
        finally:
            cur.close()
    st.cache_data.clear()
    start_run()
    return None
