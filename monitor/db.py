"""The only module that opens the database: connections, migrations, transactions."""
from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import duckdb

from monitor import search_index


class DatabaseBusy(RuntimeError):
    """Another process (usually the running dashboard) holds the database file."""


class NotADatabase(RuntimeError):
    """The path names a folder, sits under a file, or holds something other than a DuckDB database."""


DUCKDB_MAGIC = b"DUCK"  # bytes 8-11 of every DuckDB database file


def connect(path: Path | str, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the file, refusing clearly when another process holds it. Opening never writes: see prepare."""
    path = Path(path)
    if str(path) != ":memory:":
        _check_database_path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise DatabaseBusy(_busy_message(path, str(exc))) from exc
        raise


def _check_database_path(path: Path) -> None:
    """DuckDB opens a CSV as an in-memory database and a folder with a traceback: say what is wrong instead."""
    if path.is_dir():
        raise NotADatabase(f"{path} is a folder: name a database file, such as {path / 'monitor.duckdb'}")
    blocking = next((p for p in path.parents if p.exists() and not p.is_dir()), None)
    if blocking:
        raise NotADatabase(f"{path} cannot be created: {blocking} is a file, not a folder")
    if path.exists() and path.stat().st_size:
        with path.open("rb") as f:
            head = f.read(12)
        if head[8:12] != DUCKDB_MAGIC:
            raise NotADatabase(f"{path} is not a DuckDB database (it holds other data, such as a CSV or "
                               "spreadsheet): name the monitor's .duckdb file, or a new file name to create one")


def prepare(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """Bring a writable database up to this version: migrations, reference scales, status views, marts.

    The one step the CLI, the dashboard and the tests call after connect, so no read path ever writes.
    """
    applied = migrate(con)
    sync_reference(con)
    version = hashlib.sha256(_sql("marts.sql").encode()).hexdigest()
    con.execute("create table if not exists mart_version (sha256 text not null)")
    if applied or con.execute("select count(*) from mart_version where sha256 = ?", [version]).fetchone()[0] == 0:
        with transaction(con):  # a new schema or new mart rules: rebuild what pages read, and the search index
            refresh_marts(con)
            search_index.rebuild(con)
            con.execute("delete from mart_version")
            con.execute("insert into mart_version values (?)", [version])
    with transaction(con):
        con.execute(_sql("status_views.sql"))
    return con


def open_prepared(path: Path | str) -> duckdb.DuckDBPyConnection:
    """connect, then prepare: what every writer of the file starts with."""
    return prepare(connect(path))


# The read-side tables, in the order they build (a mart may read the ones before it). Each is keyed by
# commitment_id and defined in monitor/sql/marts.sql by the table macro `<name>_rows(ids)`: a new mart
# is one macro there and one name here, and both refreshes (full here, partial in store.refresh_marts_for)
# pick it up; store.refresh_progress_for updates mart_commitment's progress columns from the macro it joins.
MARTS = ("mart_milestone_status", "mart_commitment")
# what a change to a commitment's watch can move: milestones' statuses stay
COMMITMENT_MARTS = ("mart_commitment",)


def refresh_marts(con: duckdb.DuckDBPyConnection) -> None:
    """Rebuild the read-side tables from the facts (monitor/sql/marts.sql); the writer calls it in its transaction."""
    con.execute(_sql("marts.sql"))
    for mart in MARTS:
        con.execute(f"create or replace table {mart} as select * from {mart}_rows(null)")


def _sql(name: str) -> str:
    return (resources.files("monitor") / "sql" / name).read_text(encoding="utf-8")


def _busy_message(path: Path, detail: str) -> str:
    pid = re.search(r"PID (\d+)", detail)
    holder = f" (process {pid.group(1)})" if pid else ""
    return (
        f"The database {path} is in use by another program{holder}, most likely the running dashboard. "
        "Import through the dashboard's Data page, or stop the dashboard and run the command again. "
        "Nothing was written."
    )


def migration_names() -> list[str]:
    """Migrations in the order they apply: monitor/sql/migrations/NNN_name.sql."""
    folder = resources.files("monitor") / "sql" / "migrations"
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".sql"))


def migrate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply the migrations not yet recorded in schema_migration, each in its own transaction."""
    con.execute("create table if not exists schema_migration (name text primary key, applied_at timestamp not null)")
    done = {row[0] for row in con.execute("select name from schema_migration").fetchall()}
    applied = []
    for name in migration_names():
        if name in done:
            continue
        sql = (resources.files("monitor") / "sql" / "migrations" / name).read_text(encoding="utf-8")
        with transaction(con):
            con.execute(sql)
            con.execute("insert into schema_migration values (?, ?)", [name, now_utc()])
        applied.append(name)
    return applied


def sync_reference(con: duckdb.DuckDBPyConnection) -> None:
    """Make scale_value and scale_synonym match monitor/reference, so SQL users see the labels too."""
    from vocabulary import scales

    values = [[v.scale_id, v.code, v.ordinal, v.ogp_export_code or None, v.band or None, v.label_en,
               v.label_es or None, v.definition_en or None, v.definition_es or None, v.source_url or None]
              for v in scales.scale_values()]
    synonyms = [[s["scale_id"], scales.fold(s["raw_label"]), s["code"], s["origin"]] for s in scales.synonyms()]
    current = con.execute("select count(*) from scale_value").fetchone()[0] + con.execute(
        "select count(*) from scale_synonym").fetchone()[0]
    if current == len(values) + len(synonyms) and _reference_matches(con, values):
        return
    with transaction(con):
        con.execute("delete from scale_value")
        con.execute("delete from scale_synonym")
        con.executemany("insert into scale_value values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", values)
        con.executemany("insert into scale_synonym values (?, ?, ?, ?)", synonyms)


def _reference_matches(con, values: list[list]) -> bool:
    stored = con.execute("select scale_id, code, label_en, label_es, definition_en, band from scale_value").fetchall()
    wanted = {(v[0], v[1], v[5], v[6], v[7], v[4]) for v in values}
    return set(stored) == wanted


class Transaction:
    """An open transaction; `rollback()` ends it early, undoing everything (a dry run's last step)."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con
        self.open = True

    def rollback(self) -> None:
        if self.open:
            self.open = False
            self.con.execute("rollback")

    def commit(self) -> None:
        if self.open:
            self.open = False
            self.con.execute("commit")


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[Transaction]:
    """All or nothing: commit on success, roll back on any exception or on `rollback()`."""
    con.execute("begin transaction")
    tx = Transaction(con)
    try:
        yield tx
    except BaseException:
        tx.rollback()
        raise
    tx.commit()


def now_utc() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def table_fingerprint(con: duckdb.DuckDBPyConnection, table: str) -> tuple[int, int]:
    """Row count and an order-independent content hash, to prove a rejected import changed nothing."""
    if table not in CORE_TABLES:
        raise ValueError(f"unknown table {table!r}")
    return con.execute(f"select count(*), coalesce(sum(hash(t)), 0) from {table} t").fetchone()


CORE_TABLES = (
    "source_file", "member", "action_plan", "commitment", "commitment_tag", "milestone",
    "scale_value", "scale_synonym", "assessment", "progress_update", "event", "watchlist",
    "audit_log", "progress_submission", "submission_review", "withdrawn_row",
)
