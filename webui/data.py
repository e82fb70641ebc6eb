"""Where pages get data: one DuckDB connection per database file and process, a new cursor per query (a
shared connection gives wrong answers across threads), and named reads of monitor.queries cached by the
database, its data version and the day. Page sections that only draw are cached the same way (`view`).
"""
from __future__ import annotations

import functools
import threading
from contextlib import contextmanager, suppress
from datetime import date

import duckdb
import pandas as pd
import streamlit as st

from monitor import config, db, queries
from monitor.filters import Filters
from webui.language import lang

WRITE_LOCK = threading.RLock()  # one write at a time per process (the single writer); re-entrant: a write may
# ask who is acting, and that may audit a changed roles file first
# per cache: a warm overview holds ~0.5 MB of reads and ~0.45 MB of drawn elements per set of filters
CACHE_LIMIT = "128MB"
VERSION = "_data_version"  # session state: the data version this run reads at


def _close(con: duckdb.DuckDBPyConnection) -> None:
    """on_release: a cursor of another session may still be running; closing then raises, and is harmless."""
    with suppress(duckdb.Error):
        con.close()


@st.cache_resource(on_release=_close, show_spinner=False)
def _connection(path: str) -> duckdb.DuckDBPyConnection:
    return db.open_prepared(path)


def connection() -> duckdb.DuckDBPyConnection:
    """The process's connection to the current database (path read now, so tests can set MONITOR_DB)."""
    return _connection(str(config.db_path()))


@contextmanager
def cursor():
    """A fresh cursor per query and thread: DuckDB connections are not thread-safe."""
    cur = connection().cursor()
    try:
        yield cur
    finally:
        cur.close()


def start_run() -> str:
    """Read the data version, once at the start of every run (the entry point calls this): an import by any
    session changes it, so the next run of every session reads afresh. Returns it."""
    with cursor() as cur:
        st.session_state[VERSION] = version = queries.data_version(cur)
    return version


def data_version() -> str:
    return st.session_state.get(VERSION) or start_run()


# Cache keys are one string, the repr of what the answer depends on, passed by keyword: Streamlit's own hashing walks
# a Filters field by field, type checks and all, and for each positional argument reads the function's signature
# again (inspect.signature); together they cost more than the cached reads themselves. The arguments are plain
# values (Filters is a frozen dataclass of strings and tuples), so their repr names them exactly; they travel
# unhashed, as underscore parameters.
def _key(*parts) -> str:
    return repr(parts)


@st.cache_data(ttl="10m", show_spinner=False, max_entries=500, max_size=CACHE_LIMIT)
def _cached(key: str, _name: str, _args: tuple, _kwargs: dict):
    function = getattr(queries, _name)
    with cursor() as cur:
        return function(cur, *_args, **_kwargs)


def read(name: str, *args, **kwargs):
    """Run monitor.queries.<name>(cursor, *args) through a cache keyed by database, data version and day."""
    if name.startswith("_") or not callable(getattr(queries, name, None)):
        raise ValueError(f"unknown query {name!r}")
    key = _key(str(config.db_path()), data_version(), date.today(), name, args, sorted(kwargs.items()))
    return _cached(key=key, _name=name, _args=args, _kwargs=kwargs)


@st.cache_data(ttl="10m", show_spinner=False, max_entries=500, max_size=CACHE_LIMIT)
def _drawn(key: str, _args: tuple, _kwargs: dict, _draw):
    return _draw(*_args, **_kwargs)


def view(draw):
    """Cache a page section that only draws static elements (no widgets) from read()s, keyed like read() plus the
    reader's language and the section's own arguments. On a hit Streamlit replays the elements the section drew
    (st.cache_data records them) instead of building its tables, Stylers and charts again: most of a page's run.
    The section's return value (a table a download button needs, say) is cached with it."""
    section = (draw.__module__, draw.__qualname__, hash(draw.__code__))

    @functools.wraps(draw)
    def drawn(*args, **kwargs):
        key = _key(section, str(config.db_path()), data_version(), date.today(), lang(), args, sorted(kwargs.items()))
        return _drawn(key=key, _args=args, _kwargs=kwargs, _draw=draw)

    return drawn


def is_empty_database() -> bool:
    return read("count_commitments", Filters()) == 0


def plain(row: dict) -> dict:
    """Mart row as Python values: Timestamps to dates, NaT/NaN to None, arrays to lists of dates.

    monitor.metrics and monitor.i18n compare with datetime.date; pandas hands back Timestamps."""
    out = {}
    for key, value in row.items():
        if hasattr(value, "tolist") and not isinstance(value, (str, bytes)) and getattr(value, "ndim", 0):
            value = [as_date(v) for v in pd.to_datetime(value).tolist()] if "date" in key else value.tolist()
        else:
            value = as_date(value) if isinstance(value, pd.Timestamp) or value is pd.NaT else value
            if isinstance(value, float) and value != value:
                value = None
        out[key] = value
    return out


def as_date(value):
    """A Timestamp as its date; None, NaT and NaN as None; anything else unchanged."""
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    return value.date() if isinstance(value, pd.Timestamp) else value


@st.cache_data(ttl="10m", show_spinner=False, max_entries=100)
def _changes(key: str, _scope: Filters, _since: date, _today: date, _language: str):
    from monitor.export.pack import changes_since  # the pack's own rule; openpyxl loads only when asked

    with cursor() as cur:
        table = changes_since(cur, _scope, _since, _today, _language)
    return table.frame, [name for name, kind in table.kinds.items() if kind == "url"]


def changes(scope: Filters, since: date) -> tuple[pd.DataFrame, list[str]]:
    """The meeting pack's Changes sheet for `scope` since `since`, in the reader's language: (rows, link columns)."""
    today, language = date.today(), lang()
    key = _key(str(config.db_path()), data_version(), today, language, scope, since)
    return _changes(key=key, _scope=scope, _since=since, _today=today, _language=language)
