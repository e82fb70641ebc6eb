"""The single writer: applies a validated Batch in one transaction, with provenance."""
from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import pandas as pd

from loaders.batch import TABLE_ORDER, Batch, InvalidFile, Problem
from monitor import db, search_index

PRIMARY_KEYS = {
    "member": ("member_code",),
    "action_plan": ("action_plan_id",),
    "commitment": ("commitment_id",),
    "commitment_tag": ("commitment_id", "scheme", "tag"),
    "milestone": ("milestone_id",),
    "assessment": ("assessment_id",),
    "progress_update": ("update_id",),
    "event": ("event_id",),
    "watchlist": ("list_name", "commitment_id"),
}
PROVENANCE = {"source_id", "source_sheet", "source_row", "source_column"}

COMMITMENT, PLAN = "a commitment already in the monitor or in this file", "an action plan already in the monitor"
# (table, column, which of its rows refer, parent table, parent key, what to tell the user)
REFERENCES = (
    ("action_plan", "member_code", "true", "member", "member_code", "a member loaded before or in this file"),
    ("commitment", "action_plan_id", "true", "action_plan", "action_plan_id", PLAN + " or in this file"),
    ("commitment", "member_code", "true", "member", "member_code", "a member loaded before or in this file"),
    ("commitment_tag", "commitment_id", "true", "commitment", "commitment_id", COMMITMENT),
    ("milestone", "commitment_id", "true", "commitment", "commitment_id", COMMITMENT),
    ("milestone", "parent_milestone_id", "true", "milestone", "milestone_id", "a milestone of the same plan"),
    ("assessment", "subject_id", "c.subject_type = 'commitment'", "commitment", "commitment_id", COMMITMENT),
    ("assessment", "subject_id", "c.subject_type = 'action_plan'", "action_plan", "action_plan_id", PLAN),
    ("assessment", "subject_id", "c.subject_type = 'milestone'", "milestone", "milestone_id", "a milestone"),
    ("progress_update", "commitment_id", "true", "commitment", "commitment_id", COMMITMENT),
    ("progress_update", "subject_id", "c.subject_type = 'milestone'", "milestone", "milestone_id",
     "a milestone already in the monitor or in this file"),
    ("event", "commitment_id", "true", "commitment", "commitment_id", COMMITMENT),
    ("watchlist", "commitment_id", "true", "commitment", "commitment_id", COMMITMENT),
)


@dataclass
class ImportReport:
    file_name: str
    source_id: str
    already_imported_at: object = None
    added: dict[str, int] = field(default_factory=dict)
    changed: dict[str, int] = field(default_factory=dict)

    @property
    def total_added(self) -> int:
        return sum(self.added.values())

    @property
    def total_changed(self) -> int:
        return sum(self.changed.values())


def apply_batch(con: duckdb.DuckDBPyConnection, batch: Batch, *, loaded_by: str = "cli",
                progress=None, dry_run: bool = False) -> ImportReport:
    """Write every table of the batch, or nothing. A file already imported (same sha256) is a no-op.

    A dry run does the whole write, counts what would change, and rolls it back.
    """
    if batch.errors:
        raise InvalidFile(batch.errors)
    report = ImportReport(batch.source.file_name, batch.source.sha256)
    seen = con.execute("select loaded_at from source_file where source_id = ?", [batch.source.sha256]).fetchone()
    if seen:
        report.already_imported_at = seen[0]
        return report
    names = [n for n in TABLE_ORDER if n in batch.tables and len(batch.tables[n])]
    _write(con, batch, names, report, loaded_by, progress, dry_run)
    return report


def _write(con, batch: Batch, names: list[str], report: ImportReport, loaded_by: str, progress, dry_run: bool):
    with db.transaction(con) as tx:
        _record_source(con, batch, loaded_by)
        for i, name in enumerate(names):
            frame = _with_provenance(batch.tables[name], batch.source.sha256)
            report.added[name], report.changed[name] = _upsert(con, name, frame)
            if progress:
                progress((i + 1) / len(names), name)
        problems = _dangling_references(con, batch)
        if problems:
            raise InvalidFile(problems)
        db.refresh_marts(con)
        if "commitment" in names:
            search_index.update(con, batch.tables["commitment"]["commitment_id"])
        if dry_run:  # everything was applied and checked: undo it
            tx.rollback()


def _record_source(con, batch: Batch, loaded_by: str) -> None:
    s = batch.source
    notes = "\n".join(batch.notes + [str(w) for w in batch.warnings]) or None
    con.execute(
        "insert into source_file values (?, ?, ?, ?, ?, ?, ?, ?)",
        [s.sha256, s.file_name, s.kind, s.size_bytes, batch.row_count(), db.now_utc(), loaded_by, notes],
    )


def _with_provenance(frame: pd.DataFrame, source_id: str) -> pd.DataFrame:
    frame = frame.copy()
    frame["source_id"] = source_id
    return frame


def table_columns(con, table: str) -> dict[str, str]:
    """Column name -> SQL type, in table order."""
    return dict(con.execute(
        "select column_name, data_type from information_schema.columns where table_name = ? order by ordinal_position",
        [table]).fetchall())


def _upsert(con, table: str, frame: pd.DataFrame) -> tuple[int, int]:
    """Insert new rows, replace changed ones; returns (added, changed)."""
    columns = table_columns(con, table)
    unknown = set(frame.columns) - set(columns)
    if unknown:
        raise ValueError(f"loader produced unknown columns for {table}: {sorted(unknown)}")
    keys = PRIMARY_KEYS[table]
    content = [c for c in columns if c not in PROVENANCE and c in frame.columns and c not in keys]
    con.register("incoming", frame)
    try:
        join = " and ".join(f"s.{k} = t.{k}" for k in keys)
        probe = f"t.{keys[0]}"
        # cast to the table's types first: a timestamp and the same date hash differently
        incoming = ", ".join(f"cast(s.{c} as {columns[c]})" for c in content)
        differs = f"hash({incoming}) <> hash({', '.join('t.' + c for c in content)})" if content else "false"
        added, changed = con.execute(
            f"select count(*) filter (where {probe} is null), "
            f"count(*) filter (where {probe} is not null and {differs}) "
            f"from incoming s left join {table} t on {join}").fetchone()
        verb = "insert" if added == len(frame) else "insert or replace"  # all new: skip the conflict checks
        con.execute(f"{verb} into {table} by name select * from incoming")
    finally:
        con.unregister("incoming")
    return added, changed


def _dangling_references(con, batch: Batch) -> list[Problem]:
    """Every row of this file that points at something the monitor does not hold (all fragments fixed SQL)."""
    problems = []
    for table, column, applies, parent, key, expected in REFERENCES:
        if table not in batch.tables or not len(batch.tables[table]):
            continue
        rows = con.execute(
            f"select distinct c.{column}, c.source_sheet, c.source_row from {table} c "
            f"left join {parent} p on c.{column} = p.{key} "
            f"where c.source_id = ? and {applies} and c.{column} is not null and p.{key} is null "
            f"order by c.source_row limit 50",
            [batch.source.sha256]).fetchall()
        problems += [Problem(batch.source.file_name, f"expected {expected}", sheet, row, column, value)
                     for value, sheet, row in rows]
    return problems
