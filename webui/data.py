"""Where pages get data: one DuckDB connection per database file and process, a new cursor per query (a
shared connection gives wrong answers across threads), and named reads of monitor.queries cached by the
database, its data version and the day.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager, suppress
from datetime import date

import duckdb
import pandas as pd
import streamlit as st

from monitor import config, db, queries
from monitor.filters import Filters

WRITE_LOCK = threading.Lock()  # one write at a time per process: the dashboard is the single writer


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


def data_version() -> str:
    """Read uncached on every call, so an import by any session or the CLI invalidates every cache key."""
    with cursor() as cur:
        return queries.data_version(cur)


@st.cache_data(ttl="10m", show_spinner=False, max_entries=500)
def _cached(path: str, version: str, today: date, name: str, args: tuple, kwargs: tuple):
    function = getattr(queries, name)
    with cursor() as cur:
        return function(cur, *args, **dict(kwargs))


def read(name: str, *args, **kwargs):
    """Run monitor.queries.<name>(cursor, *args) through a cache keyed by database, data version and day."""
    if name.startswith("_") or not callable(getattr(queries, name, None)):
        raise ValueError(f"unknown query {name!r}")
    return _cached(str(config.db_path()), data_version(), date.today(), name, args, tuple(sorted(kwargs.items())))


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
