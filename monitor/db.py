"""The only module that opens the database: connections, migrations, transactions."""
from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path

import duckdb


class DatabaseBusy(RuntimeError):
    """Another process (usually the running dashboard) holds the database file."""


def connect(path: Path | str, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the file, create or migrate the schema, and refuse clearly when it is locked."""
    path = Path(path)
    if str(path) != ":memory:":
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise DatabaseBusy(_busy_message(path, str(exc))) from exc
        raise
    if not read_only:
        migrate(con)
    return con


def _busy_message(path: Path, detail: str) -> str:
    pid = re.search(r"PID (\d+)", detail)
    holder = f" (process {pid.group(1)})" if pid else ""
    return (
        f"The database {path} is in use by another program{holder}, most likely the running dashboard. "
        "Import through the dashboard's Data page, or stop the dashboard and run the command again. "
        "Nothing was written."
    )


def migration_names() -> list[str]:
    """Migrations in the order they apply: monitor/migrations/NNN_name.sql."""
    folder = resources.files("monitor") / "migrations"
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".sql"))


def migrate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply the migrations not yet recorded in schema_migration, each in its own transaction."""
    con.execute("create table if not exists schema_migration (name text primary key, applied_at timestamp not null)")
    done = {row[0] for row in con.execute("select name from schema_migration").fetchall()}
    applied = []
    for name in migration_names():
        if name in done:
            continue
        sql = (resources.files("monitor") / "migrations" / name).read_text(encoding="utf-8")
        with transaction(con):
            con.execute(sql)
            con.execute("insert into schema_migration values (?, ?)", [name, now_utc()])
        applied.append(name)
    return applied


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """All or nothing: commit on success, roll back on any exception."""
    con.execute("begin transaction")
    try:
        yield con
    except BaseException:
        con.execute("rollback")
        raise
    con.execute("commit")


def now_utc() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)


def table_fingerprint(con: duckdb.DuckDBPyConnection, table: str) -> tuple[int, int]:
    """Row count and an order-independent content hash, to prove a rejected import changed nothing."""
    if table not in CORE_TABLES:
        raise ValueError(f"unknown table {table!r}")
    return con.execute(f"select count(*), coalesce(sum(hash(t)), 0) from {table} t").fetchone()


CORE_TABLES = (
    "source_file", "member", "action_plan", "commitment", "commitment_tag", "milestone",
    "scale_value", "scale_synonym", "assessment", "progress_update", "event", "watchlist",
)
