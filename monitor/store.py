"""The single writer: the only module that issues INSERT, UPDATE or DELETE on the monitor's data.

Imports apply the validated Batches of one command in one transaction, with provenance; in-app changes
(monitor/work.py) call the small writers below inside their own transaction. Every write records its
audit row (`append_audit`) in the same transaction, and every write function takes the acting Principal.
"""
from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

import duckdb
import pandas as pd

from loaders.batch import TABLE_ORDER, Batch, InvalidFile, Problem
from monitor import audit, auth, db, search_index
from monitor.auth import Principal

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
    "mandate_case": ("case_id",),
    "mandate_request": ("request_id",),
    "follow_up": ("follow_up_id",),
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
    ("mandate_case", "member_code", "true", "member", "member_code", "a member loaded before or in this file"),
    ("mandate_request", "case_id", "true", "mandate_case", "case_id", "a case loaded before or in this file"),
    ("mandate_request", "commitment_id", "true", "commitment", "commitment_id", COMMITMENT),
    ("mandate_request", "member_code", "true", "member", "member_code", "a member loaded before or in this file"),
    ("mandate_request", "action_plan_id", "true", "action_plan", "action_plan_id", PLAN),
    ("follow_up", "request_id", "true", "mandate_request", "request_id",
     "a request of a case loaded before or in this file (case id and request number)"),
)


@dataclass(frozen=True)
class Removal:
    """A row an earlier version of a file provided and this version no longer holds (or holds again)."""

    file_name: str
    table: str
    key_values: tuple[str, ...]
    title: str | None
    commitment_id: str | None

    @property
    def key(self) -> str:
        return "/".join(self.key_values)

    def __str__(self) -> str:
        return f"{self.table} {self.key}" + (f" ({self.title})" if self.title else "")


@dataclass
class ImportReport:
    file_name: str
    source_id: str
    already_imported_at: object = None
    added: dict[str, int] = field(default_factory=dict)
    changed: dict[str, int] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)
    withdrawn: list[Removal] = field(default_factory=list)  # withdrawn by source (see removals)
    restored: list[Removal] = field(default_factory=list)   # withdrawn before, held again by this file

    @property
    def total_added(self) -> int:
        return sum(self.added.values())

    @property
    def total_changed(self) -> int:
        return sum(self.changed.values())


def apply_batch(principal: Principal, con, batch: Batch, **options) -> ImportReport:
    """One file: see apply_batches."""
    return apply_batches(principal, con, [batch], **options)[0]


def apply_batches(principal: Principal, con: duckdb.DuckDBPyConnection, batches: list[Batch], *,
                  progress=None, dry_run: bool = False) -> list[ImportReport]:
    """Write every file of one command in one transaction, or none of them (support_unit or admin).

    A file already imported (same sha256) is a no-op. References may point at rows of any file of the
    command. A blank cell or an absent column never erases a stored value (see clear_value). A dry run
    does the whole write, counts what would change, and rolls it back. Each file imported leaves one
    audit row (counts, file name, sha256) in the same transaction. Rows an earlier version of a file provided
    and it no longer holds are withdrawn by source, and withdrawn rows it holds again restored, one audit row
    each (see `removals`; the reports list them).
    """
    auth.require(principal, auth.SUPPORT_UNIT, "import files" if not dry_run else "try an import (dry run)")
    errors = [p for b in batches for p in b.errors]
    if errors:
        raise InvalidFile(errors)
    reports = [ImportReport(b.source.file_name, b.source.sha256) for b in batches]
    fresh = _fresh(con, batches, reports)
    if not fresh:
        return reports
    problems = dangling_references(con, [batch for batch, _ in fresh])
    if problems:
        raise InvalidFile(problems)
    with db.transaction(con) as tx:
        for (_, report), gone in zip(fresh, removals(con, [b for b, _ in fresh])):
            report.withdrawn = gone
        for batch, _ in fresh:
            _record_source(con, batch, principal.actor)
        steps = [(batch, report, name) for batch, report in fresh for name in _tables(batch)]
        entries = []
        for i, (batch, report, name) in enumerate(steps):
            frame = _with_provenance(batch.tables[name], batch.source.sha256)
            if name == "commitment":
                report.warnings += _member_moves(con, batch, frame)
            if name in WITHDRAWABLE:
                entries += _restore(con, batch, report, name, frame)
            report.added[name], report.changed[name] = _upsert(con, name, frame)
            if progress:
                progress((i + 1) / len(steps), name)
        for batch, report in fresh:
            entries += _withdraw(con, batch, report.withdrawn)
        db.refresh_marts(con)
        imported = [b.tables["commitment"]["commitment_id"] for b, _ in fresh if "commitment" in _tables(b)]
        imported += [pd.Series([r.key for r in report.withdrawn if r.table == "commitment"], dtype=str)
                     for _, report in fresh]
        if any(len(ids) for ids in imported):
            search_index.update(con, pd.concat(imported, ignore_index=True).drop_duplicates())
        append_audits(con, principal, entries + [_import_entry(batch, report) for batch, report in fresh])
        if dry_run:  # everything was applied and checked: undo it
            tx.rollback()
    return reports


def _tables(batch: Batch) -> list[str]:
    return [n for n in TABLE_ORDER if n in batch.tables and len(batch.tables[n])]


def _fresh(con, batches: list[Batch], reports: list[ImportReport]) -> list[tuple[Batch, ImportReport]]:
    """The batches not imported before (nor earlier in this command), each with its report."""
    fresh, seen_now = [], {}
    for batch, report in zip(batches, reports):
        sha = batch.source.sha256
        seen = con.execute("select loaded_at from source_file where source_id = ?", [sha]).fetchone()
        if seen and _superseded(con, batch, seen[0]):
            seen = None  # an earlier version imported again: it is the current version once more
        if seen or sha in seen_now:
            report.already_imported_at = seen[0] if seen else seen_now[sha]
            continue
        seen_now[sha] = db.now_utc()
        fresh.append((batch, report))
    return fresh


def _superseded(con, batch: Batch, loaded_at) -> bool:
    """Whether another version of this file's source was imported after it (see _earlier_versions).

    "After" is the order of their import rows in the audit log: loaded_at has whole seconds, and a corrected file
    and the original imported again within one second would tie. A file imported before the log existed falls
    back to its time."""
    rows = con.execute(
        "select s.source_id, s.file_name, s.loaded_at, (select max(a.seq) from audit_log a where a.action = 'import' "
        "and a.source_sha256 = s.source_id) from source_file s where s.kind = ?", [batch.source.kind]).fetchall()
    mine = next((seq for sid, _, _, seq in rows if sid == batch.source.sha256), None)
    others = [(at, seq) for sid, name, at, seq in rows
              if sid != batch.source.sha256 and _base_name(name) == _base_name(batch.source.file_name)]
    if mine is None:
        return any(at >= loaded_at for at, _ in others)
    return any(seq is not None and seq > mine for _, seq in others)


def _record_source(con, batch: Batch, loaded_by: str) -> None:
    """The file's source_file row; an earlier version imported again gets its row anew (the log keeps both)."""
    s = batch.source
    notes = "\n".join(batch.notes + [str(w) for w in batch.warnings]) or None
    con.execute(
        "insert or replace into source_file values (?, ?, ?, ?, ?, ?, ?, ?)",
        [s.sha256, s.file_name, s.kind, s.size_bytes, batch.row_count(), db.now_utc(), loaded_by, notes],
    )


def _import_entry(batch: Batch, report: ImportReport) -> dict:
    """One audit row per imported file: its counts, name and sha256."""
    s = batch.source
    after = {"kind": s.kind, "file_name": s.file_name, "size_bytes": s.size_bytes, "rows": batch.row_count(),
             "added": report.added, "changed": report.changed, "warnings": len(report.warnings),
             "withdrawn": len(report.withdrawn), "restored": len(report.restored)}
    return {"action": "import", "entity_table": "source_file", "entity_id": s.sha256, "after": after,
            "source_file": s.file_name, "source_sha256": s.sha256}


def _with_provenance(frame: pd.DataFrame, source_id: str) -> pd.DataFrame:
    frame = frame.copy()
    frame["source_id"] = source_id
    return frame


# --- withdrawn by source -----------------------------------------------------------------------------------
# A file's source identity is its kind and its file name (without folder, case ignored): the corrected
# `milestones.csv` replaces the `milestones.csv` imported before. A row whose last writer was an earlier
# version of that source, and which this version no longer holds, is withdrawn by source when it lies in the
# file's scope (the action plans it speaks about; for progress statements, the same assessor, commitment and
# period): moved whole into withdrawn_row (migration 009), audited, and put back by any later import that
# holds its key again. Members and action plans are never withdrawn: other files' rows hang on them.

WITHDRAWABLE = tuple(t for t in PRIMARY_KEYS if t not in ("member", "action_plan"))
TITLES = {"commitment": "title", "milestone": "title", "event": "title", "progress_update": "period",
          "assessment": "indicator", "commitment_tag": "tag", "watchlist": "reason", "mandate_case": "title",
          "mandate_request": "summary_en", "follow_up": "action_en"}


def _commitment_of(con, table: str) -> str:
    if table == "assessment":
        return "case when t.subject_type = 'commitment' then t.subject_id end"
    return "t.commitment_id" if "commitment_id" in table_columns(con, table) else "null"


def _key_json(alias: str, keys: tuple[str, ...]) -> str:
    """The key as withdrawn_row.entity_key holds it: a JSON list of its values as text."""
    return f"to_json([{', '.join(f'cast({alias}.{k} as varchar)' for k in keys)}])::varchar"


def _base_name(file_name: str) -> str:
    return file_name.replace("\\", "/").rsplit("/", 1)[-1].lower()


def _earlier_versions(con, batch: Batch) -> list[str]:
    """The source ids of earlier imports of the same source (same kind, same file name)."""
    rows = con.execute("select source_id, file_name from source_file where kind = ? and source_id <> ?",
                       [batch.source.kind, batch.source.sha256]).fetchall()
    return [sid for sid, name in rows if _base_name(name) == _base_name(batch.source.file_name)]


def _scope(con, batch: Batch) -> list[str]:
    """The commitments of the action plans this file speaks about (through any commitment id it holds): a row
    of another plan is out of its scope, so a file naming one plan never withdraws another plan's rows."""
    ids = {str(c) for f in batch.tables.values() if "commitment_id" in f.columns for c in f["commitment_id"].dropna()}
    rated = batch.tables.get("assessment", pd.DataFrame())
    if {"subject_type", "subject_id"} <= set(rated.columns):
        ids |= set(rated.loc[rated["subject_type"] == "commitment", "subject_id"].dropna().astype(str))
    plans = batch.tables.get("commitment", pd.DataFrame())
    plan_ids = sorted(set(plans["action_plan_id"].dropna().astype(str))) if "action_plan_id" in plans.columns else []
    return [r[0] for r in con.execute(
        "select commitment_id from commitment where action_plan_id in (select unnest(?::text[])) "
        "or action_plan_id in (select action_plan_id from commitment where commitment_id in "
        "(select unnest(?::text[])))", [plan_ids, sorted(ids)]).fetchall()]


STATEMENT_SET = ("commitment_id", "period", "assessor")


def _statement_sets(con, batch: Batch) -> str:
    """Progress statements are history: an earlier statement is withdrawn only when the file still holds
    statements by the same assessor about the same commitment and period (a corrected set), never because a
    later file leaves out an older period. Registers `statement_sets`; returns the SQL condition."""
    frame = batch.tables.get("progress_update", pd.DataFrame())
    present = [c for c in STATEMENT_SET if c in frame.columns]
    sets = frame[present].dropna().astype(str).drop_duplicates() if len(present) == len(STATEMENT_SET) else \
        pd.DataFrame({c: [] for c in STATEMENT_SET}, dtype=str)
    con.register("statement_sets", sets)
    return ("and exists (select 1 from statement_sets p where "
            + " and ".join(f"p.{c} = cast(t.{c} as varchar)" for c in STATEMENT_SET) + ") ")


def removals(con, batches: list[Batch]) -> list[list[Removal]]:
    """For each file, the rows an earlier version of it provided that it no longer holds, and that no other
    file has written since (nor any file of this command holds), within the action plans it speaks about.
    Read-only: the Data page's preview, the dry run and the import list the same rows."""
    found = []
    for batch in batches:
        earlier, gone = _earlier_versions(con, batch), []
        scope = _scope(con, batch) if earlier else []
        for table in WITHDRAWABLE if earlier else ():
            keys = PRIMARY_KEYS[table]
            held = [b.tables[table][list(keys)] for b in batches
                    if len(b.tables.get(table, ())) and set(keys) <= set(b.tables[table].columns)]
            held_frame = (pd.concat(held, ignore_index=True) if held else pd.DataFrame({k: [] for k in keys}))
            con.register("held", held_frame.astype(str))
            try:
                title = f"t.{TITLES[table]}" if TITLES.get(table) else "null"
                cid = _commitment_of(con, table)
                sets = _statement_sets(con, batch) if table == "progress_update" else ""
                rows = con.execute(
                    f"select {', '.join(f't.{k}' for k in keys)}, cast({title} as varchar), {cid} from {table} t "
                    f"where t.source_id in (select unnest(?::text[])) and not exists (select 1 from held h where "
                    f"{' and '.join(f'h.{k} = cast(t.{k} as varchar)' for k in keys)}) "
                    f"and ({cid} is null or {cid} in (select unnest(?::text[]))) {sets}"
                    f"order by {', '.join(f't.{k}' for k in keys)}", [earlier, scope]).fetchall()
            finally:
                con.unregister("held")
                if table == "progress_update":
                    con.unregister("statement_sets")
            n = len(keys)
            gone += [Removal(batch.source.file_name, table, tuple(str(v) for v in r[:n]), r[n], r[n + 1])
                     for r in rows]
        found.append(gone)
    return found


def _withdraw(con, batch: Batch, gone: list[Removal]) -> list[dict]:
    """Move the removed rows into withdrawn_row, one audit entry each (the row before, the file and sha256)."""
    entries, sha, now = [], batch.source.sha256, db.now_utc()
    for table in dict.fromkeys(r.table for r in gone):
        keys = PRIMARY_KEYS[table]
        wanted = pd.DataFrame([r.key_values for r in gone if r.table == table], columns=list(keys), dtype=str)
        con.register("gone", wanted)
        try:
            match = f"{_key_json('t', keys)} in (select {_key_json('g', keys)} from gone g)"
            rows = con.execute(f"select {_key_json('t', keys)}, {_commitment_of(con, table)}, to_json(t)::varchar "
                               f"from {table} t where {match}").fetchall()
            con.executemany("insert into withdrawn_row (entity_table, entity_key, commitment_id, row_json, "
                            "withdrawn_at, withdrawn_source) values (?, ?, ?, ?, ?, ?)",
                            [[table, key, cid, content, now, sha] for key, cid, content in rows])
            con.execute(f"delete from {table} t where {match}")
        finally:
            con.unregister("gone")
        entries += [{"action": "withdraw_by_source", "entity_table": table, "entity_id": "/".join(json.loads(key)),
                     "commitment_id": cid, "before": _content_of(content), "after": None,
                     "reason": "no longer in the file it came from", "source_file": batch.source.file_name,
                     "source_sha256": sha} for key, cid, content in rows]
    return entries


def _restore(con, batch: Batch, report: ImportReport, table: str, frame: pd.DataFrame) -> list[dict]:
    """Put back the withdrawn rows of `table` whose key this file holds again (before its upsert, so a blank
    cell keeps the value the row had); one audit entry each."""
    keys = PRIMARY_KEYS[table]
    if not set(keys) <= set(frame.columns) or not con.execute(
            "select 1 from withdrawn_row where entity_table = ? and restored_at is null limit 1", [table]).fetchall():
        return []  # nothing withdrawn: no need to look at the file's keys (an export holds 100,000s)
    con.register("incoming", frame[list(keys)].astype(str))
    try:
        held = f"entity_table = ? and restored_at is null and entity_key in (select {_key_json('i', keys)} " \
               "from incoming i)"
        rows = con.execute(f"select entity_key, commitment_id, row_json from withdrawn_row where {held}",
                           [table]).fetchall()
        if not rows:
            return []
        columns = table_columns(con, table)
        typed = ", ".join(f"cast(json_extract_string(row_json, '$.\"{c}\"') as {t}) as {c}"
                          for c, t in columns.items())
        con.execute(f"insert or ignore into {table} by name select {typed} from withdrawn_row where {held} "
                    "qualify row_number() over (partition by entity_key order by withdrawn_at desc) = 1", [table])
        con.execute(f"update withdrawn_row set restored_at = ?, restored_source = ? where {held}",
                    [db.now_utc(), batch.source.sha256, table])
    finally:
        con.unregister("incoming")
    title = TITLES.get(table)
    for key, cid, content in rows:
        row = json.loads(content)
        report.restored.append(Removal(batch.source.file_name, table, tuple(json.loads(key)),
                                       row.get(title) if title else None, cid))
    return [{"action": "restore_by_source", "entity_table": table, "entity_id": "/".join(json.loads(key)),
             "commitment_id": cid, "before": None, "after": _content_of(content),
             "reason": "held again by a file", "source_file": batch.source.file_name,
             "source_sha256": batch.source.sha256} for key, cid, content in rows]


def _content_of(row_json: str) -> dict:
    """A stored row's fields for the audit log, provenance aside."""
    return {k: v for k, v in json.loads(row_json).items() if k not in PROVENANCE}


def table_columns(con, table: str) -> dict[str, str]:
    """Column name -> SQL type, in table order."""
    return dict(con.execute(
        "select column_name, data_type from information_schema.columns where table_name = ? order by ordinal_position",
        [table]).fetchall())


def _upsert(con, table: str, frame: pd.DataFrame) -> tuple[int, int]:
    """Insert new rows; update existing ones with the values this file gives. Returns (added, changed).

    A NULL (blank cell) or a column the file lacks means "not given": the stored value stays.
    """
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
        merged = ", ".join(f"coalesce(cast(s.{c} as {columns[c]}), t.{c})" for c in content)
        differs = f"hash({merged}) <> hash({', '.join('t.' + c for c in content)})" if content else "false"
        added, changed = con.execute(
            f"select count(*) filter (where {probe} is null), "
            f"count(*) filter (where {probe} is not null and {differs}) "
            f"from incoming s left join {table} t on {join}").fetchone()
        insert = f"insert into {table} by name select * from incoming"
        if added == len(frame):  # all new: skip the conflict checks
            con.execute(insert)
        else:
            given = [f"{c} = coalesce(excluded.{c}, {table}.{c})" for c in content]
            given += [f"{c} = excluded.{c}" for c in PROVENANCE if c in frame.columns]
            action = f"do update set {', '.join(given)}" if given else "do nothing"
            con.execute(f"{insert} on conflict ({', '.join(keys)}) {action}")
    finally:
        con.unregister("incoming")
    return added, changed


def _member_moves(con, batch: Batch, frame: pd.DataFrame) -> list[Problem]:
    """A commitment this file gives to another member than the stored one: imported, and said."""
    if "member_code" not in frame.columns:
        return []
    where = [f"s.{c}" if c in frame.columns else "null" for c in ("source_sheet", "source_row")]
    con.register("incoming", frame)
    try:
        rows = con.execute(f"""select s.commitment_id, t.member_code, s.member_code, {', '.join(where)}
                               from incoming s join commitment t using (commitment_id)
                               where s.member_code is not null and s.member_code <> t.member_code
                               order by s.commitment_id limit 50""").fetchall()
    finally:
        con.unregister("incoming")
    return [Problem(batch.source.file_name, f"commitment {cid} moves from member {old} to {new}: check the member "
                    "column (imported as given)", sheet, row, "member_code", new, severity="warning")
            for cid, old, new, sheet, row in rows]


def dangling_references(con, batches: list[Batch]) -> list[Problem]:
    """Every row of these files that points at something neither the monitor nor the files hold.

    Read-only, so `check` runs the same rule as `import` (all SQL fragments fixed, values never in SQL text).
    """
    problems = []
    for table, column, applies, parent, key, expected in REFERENCES:
        known = [b.tables[parent][[key]] for b in batches if len(b.tables.get(parent, ())) and key in b.tables[parent]]
        for batch in batches:
            frame = batch.tables.get(table)
            if frame is None or not len(frame) or column not in frame.columns:
                continue
            problems += _dangling(con, batch.source.file_name, frame, (column, applies, parent, key, expected),
                                  pd.concat(known, ignore_index=True) if known else pd.DataFrame({key: []}, dtype=str))
    return problems


def _dangling(con, file_name: str, frame: pd.DataFrame, rule: tuple, known: pd.DataFrame) -> list[Problem]:
    column, applies, parent, key, expected = rule
    where = [f"c.{c}" if c in frame.columns else "null" for c in ("source_sheet", "source_row")]
    con.register("child", frame)
    con.register("known", known)
    try:
        rows = con.execute(
            f"select distinct c.{column}, {', '.join(where)} from child c "
            f"left join {parent} p on c.{column} = p.{key} left join known k on c.{column} = k.{key} "
            f"where {applies} and c.{column} is not null and p.{key} is null and k.{key} is null "
            f"order by 3 nulls first, 1 limit 50").fetchall()
    finally:
        con.unregister("child")
        con.unregister("known")
    return [Problem(file_name, f"expected {expected}", sheet, row, column, value) for value, sheet, row in rows]


CLEARABLE = ("member", "action_plan", "commitment", "milestone", "event")


def clear_value(principal: Principal, con, table: str, key: str, column: str, *, reason: str) -> object:
    """The one way to delete a stored value (imports never do): recorded as a source with who, why and the old value,
    and in the audit log (support_unit or admin).

    Returns the value that was cleared. Names are checked against the schema, so none reaches SQL unchecked.
    """
    auth.require(principal, auth.SUPPORT_UNIT, f"clear {table}.{column}")
    by = principal.actor
    nullable = {name for name, ok in con.execute(
        "select column_name, is_nullable from information_schema.columns where table_name = ?", [table]).fetchall()
        if ok == "YES" and name not in PROVENANCE} if table in CLEARABLE else set()
    if column not in nullable:
        allowed = sorted(nullable) or CLEARABLE
        raise ValueError(f"cannot clear {table}.{column}: choose one of {', '.join(allowed)}")
    if not reason.strip():
        raise ValueError("say why the value is cleared (--reason)")
    id_column = PRIMARY_KEYS[table][0]
    found = con.execute(f"select {column} from {table} where {id_column} = ?", [key]).fetchone()
    if found is None:
        raise ValueError(f"no {table} with {id_column} {key!r}")
    with db.transaction(con):
        note = f"cleared {table}.{column} of {key} (was {found[0]!r}) by {by}: {reason.strip()}"
        name = f"clear {table}.{column} {key}"
        sha = hashlib.sha256(f"{note}\x1f{uuid.uuid4().hex}".encode()).hexdigest()
        con.execute("insert into source_file values (?, ?, 'clear', 0, 1, ?, ?, ?)",
                    [sha, name, db.now_utc(), by, note])
        con.execute(f"update {table} set {column} = null where {id_column} = ?", [key])
        db.refresh_marts(con)
        if table == "commitment":
            search_index.update(con, pd.Series([key]))
        append_audit(con, principal, "clear", entity_table=table, entity_id=key,
                     commitment_id=key if table == "commitment" else None, before={column: found[0]},
                     after={column: None}, reason=reason.strip(), source_file=name, source_sha256=sha)
    return found[0]


def record_link_checks(principal: Principal, con, results: list) -> int:
    """Keep the latest check of each link (monitor.linkcheck.LinkCheck rows), in one audited transaction."""
    auth.require(principal, auth.SUPPORT_UNIT, "record link checks")
    if not results:
        return 0
    frame = pd.DataFrame([r.__dict__ for r in results]).drop_duplicates("url", keep="last")
    with db.transaction(con):
        con.register("checked", frame)
        try:
            con.execute("insert or replace into link_check by name select * from checked")
        finally:
            con.unregister("checked")
        outcomes = frame["outcome"].value_counts().to_dict()
        append_audit(con, principal, "links_checked", entity_table="link_check", after={"checked": len(frame),
                     **{k: int(v) for k, v in outcomes.items()}})
    return len(frame)


# --- the audit log ------------------------------------------------------------------------------------

# the registered frame's columns with audit_log's types, so the canonical content is the verifier's
AUDIT_TYPED = ", ".join(f"cast({c} as {'bigint' if c == 'seq' else 'timestamp' if c == 'ts_utc' else 'varchar'}) as {c}"
                        for c in audit.COLUMNS)


AUDIT_PARAMS = ", ".join(f"cast(? as {'bigint' if c == 'seq' else 'timestamp' if c == 'ts_utc' else 'varchar'}) "
                         f"as {c}" for c in audit.COLUMNS)


def _append_many(con, rows: list[dict], previous: str) -> None:
    """Several rows (an import of several files, a benchmark): DuckDB builds every content in one query."""
    frame = pd.DataFrame(rows, columns=list(audit.COLUMNS)).astype(object)
    frame = frame.where(frame.notna(), None)
    con.register("new_audit_rows", frame)
    try:
        contents = [r[0] for r in con.execute(
            f"select {audit.CONTENT_SQL} from (select {AUDIT_TYPED} from new_audit_rows) order by seq").fetchall()]
    finally:
        con.unregister("new_audit_rows")
    for row, content in zip(rows, contents):  # the chain is sequential: each hash needs the one before
        row["prev_hash"] = previous
        row["row_hash"] = previous = audit.chain(content, previous)
    frame["prev_hash"] = [r["prev_hash"] for r in rows]
    frame["row_hash"] = [r["row_hash"] for r in rows]
    con.register("new_audit_rows", frame)
    try:
        con.execute(f"insert into audit_log ({', '.join(audit.COLUMNS)}) "
                    f"select {AUDIT_TYPED} from new_audit_rows")
    finally:
        con.unregister("new_audit_rows")


def append_audit(con, principal: Principal, action: str, **entry) -> int:
    """Append one hash-chained audit row; the caller holds the transaction of the change it records.

    `entry` holds entity_table, entity_id, commitment_id, before, after (dicts), reason, source_file,
    source_sha256, submission_id. Returns the row's seq. Only inserts: no code path updates or deletes audit_log.
    """
    return append_audits(con, principal, [{"action": action, **entry}])[-1]


def append_audits(con, principal: Principal, entries: list[dict]) -> list[int]:
    """Append several audit rows in order (one lookup of the chain's head, one insert); returns their seqs."""
    last = con.execute("select seq, row_hash from audit_log order by seq desc limit 1").fetchall()  # read to the end
    seq, previous = last[0] if last else (0, audit.GENESIS)
    now = datetime.now(UTC).replace(tzinfo=None)
    rows = []
    for e in entries:
        seq += 1
        entity_id = e.get("entity_id")
        rows.append({"seq": seq, "ts_utc": now, "actor": principal.actor, "actor_name": principal.name or None,
                     "actor_role": principal.role, "auth_issuer": principal.issuer, "action": e["action"],
                     "entity_table": e.get("entity_table"),
                     "entity_id": None if entity_id is None else str(entity_id),
                     "commitment_id": e.get("commitment_id"), "before_json": audit.as_json(e.get("before")),
                     "after_json": audit.as_json(e.get("after")), "reason": e.get("reason"),
                     "source_file": e.get("source_file"), "source_sha256": e.get("source_sha256"),
                     "submission_id": e.get("submission_id"), "prev_hash": None, "row_hash": None})
    if len(rows) == 1:  # an in-app change: parameters, no frame to build
        row = rows[0]
        params = [row[c] for c in audit.COLUMNS]
        content = con.execute(f"select {audit.CONTENT_SQL} from (select {AUDIT_PARAMS})", params).fetchall()[0][0]
        row["prev_hash"], row["row_hash"] = previous, audit.chain(content, previous)
        con.execute(f"insert into audit_log ({', '.join(audit.COLUMNS)}) values ({', '.join('?' * len(params))})",
                    [row[c] for c in audit.COLUMNS])
    elif rows:
        _append_many(con, rows, previous)
    return [r["seq"] for r in rows]


# --- in-app writes (monitor/work.py checks the role and holds the transaction) --------------------------

def record_in_app_source(con, principal: Principal, name: str, note: str | None = None) -> str:
    """A source_file row for a change made in the app, so its rows have provenance and every cache sees a new
    data version. Returns its id (a sha256, unique per change). Holds no private text: import history is public."""
    sha = hashlib.sha256(f"{name}\x1f{principal.actor}\x1f{uuid.uuid4().hex}".encode()).hexdigest()
    con.execute("insert into source_file values (?, ?, 'in_app', 0, 1, ?, ?, ?)",
                [sha, name, db.now_utc(), principal.actor, note])
    return sha


def put_progress(con, row: dict, *, replaces: bool) -> None:
    """Insert one progress_update row (every column given), or update the stored row of its update_id when
    `replaces` (the caller has read it): a plain insert skips the conflict check `insert or replace` pays."""
    columns = list(row)
    if replaces:
        others = [c for c in columns if c != "update_id"]
        con.execute(f"update progress_update set {', '.join(f'{c} = ?' for c in others)} where update_id = ?",
                    [row[c] for c in others] + [row["update_id"]])
    else:
        con.execute(f"insert into progress_update ({', '.join(columns)}) values ({', '.join('?' for _ in columns)})",
                    [row[c] for c in columns])


def insert_watch(con, row: dict) -> None:
    columns = list(row)
    con.execute(f"insert into watchlist ({', '.join(columns)}) values ({', '.join('?' for _ in columns)})",
                [row[c] for c in columns])


def delete_watch(con, list_name: str, commitment_id: str) -> None:
    con.execute("delete from watchlist where list_name = ? and commitment_id = ?", [list_name, commitment_id])


def set_watch_reason(con, list_name: str, commitment_id: str, reason: str, reason_es: str | None,
                     source_id: str) -> None:
    con.execute("update watchlist set reason = ?, reason_es = ?, source_id = ?, source_sheet = null, "
                "source_row = null where list_name = ? and commitment_id = ?",
                [reason, reason_es, source_id, list_name, commitment_id])


def insert_submission(con, row: dict) -> None:
    columns = list(row)
    con.execute(f"insert into progress_submission ({', '.join(columns)}) "
                f"values ({', '.join('?' for _ in columns)})", [row[c] for c in columns])


def decide_submission(con, submission_id: str, state: str, by: str, update_id: str | None = None,
                      purge_text: bool = False) -> None:
    """Close a pending submission; a withdrawal also deletes its free text (its digest stays in the audit log)."""
    con.execute("update progress_submission set state = ?, decided_by = ?, decided_at = ?, update_id = ? "
                "where submission_id = ? and state = 'pending'", [state, by, db.now_utc(), update_id, submission_id])
    if purge_text:
        con.execute("update progress_submission set narrative = null, narrative_es = null, challenges = null, "
                    "evidence = null where submission_id = ?", [submission_id])


def insert_review(con, submission_id: str, decision: str, reviewer: str, note: str | None) -> None:
    con.execute("insert into submission_review values (?, ?, ?, ?, ?)",
                [submission_id, decision, reviewer, note, db.now_utc()])


def put_follow_up(con, row: dict) -> None:
    """Insert or replace one follow-up row (every column given)."""
    columns = list(row)
    con.execute(f"insert or replace into follow_up ({', '.join(columns)}) "
                f"values ({', '.join('?' for _ in columns)})", [row[c] for c in columns])


# --- personal API tokens (monitor/tokens.py makes and checks the secrets) --------------------------------

def insert_token(principal: Principal, con, token_id: str, secret_sha256: str, email: str, role: str) -> None:
    """Record a new token (its secret's sha256 only), audited; nobody may hand out a role above their own."""
    auth.require(principal, auth.SUPPORT_UNIT, "create API tokens")
    if role not in auth.ROLES:
        raise ValueError(f"unknown role {role!r}: one of {', '.join(auth.ROLES)}")
    if not principal.at_least(role):
        raise auth.NotAllowed(f"{principal.describe()} may not create a token with the role {role}: "
                              "a token's role is at most its creator's")
    with db.transaction(con):
        con.execute("insert into api_token (token_id, secret_sha256, email, role, created_at, created_by) "
                    "values (?, ?, ?, ?, ?, ?)", [token_id, secret_sha256, email, role, db.now_utc(), principal.actor])
        append_audit(con, principal, "create_token", entity_table="api_token", entity_id=token_id,
                     after={"email": email, "role": role})


def revoke_token(principal: Principal, con, token_id: str) -> bool:
    """Revoke a token (it stays listed, with the time); False when it was already revoked. Audited."""
    auth.require(principal, auth.SUPPORT_UNIT, "revoke API tokens")
    found = con.execute("select email, role, revoked_at from api_token where token_id = ?", [token_id]).fetchone()
    if found is None:
        raise ValueError(f"no API token {token_id!r}: `python -m monitor token list` shows them")
    if found[2] is not None:
        return False
    with db.transaction(con):
        con.execute("update api_token set revoked_at = ? where token_id = ?", [db.now_utc(), token_id])
        append_audit(con, principal, "revoke_token", entity_table="api_token", entity_id=token_id,
                     before={"email": found[0], "role": found[1], "revoked": False}, after={"revoked": True})
    return True


def touch_token(con, token_id: str) -> None:
    """Bookkeeping, not a change to the monitor's data (so not audited): when the token was last accepted."""
    con.execute("update api_token set last_used_at = ? where token_id = ?", [db.now_utc(), token_id])


# --- the roles file -------------------------------------------------------------------------------------

ROLES_RELOAD = "roles_reload"


def record_roles_reload(principal: Principal, con, roles: auth.RoleMap) -> int | None:
    """Audit the roles file the dashboard has just read, when it is not the version audited last: before and
    after hold the emails and @domains whose role changed (a removed one is only in before). Returns the row's
    seq, or None when the file is the one already recorded (a restart, a touch without a change)."""
    auth.require(principal, auth.SUPPORT_UNIT, "record a roles-file reload")
    with db.transaction(con):
        rows = con.execute("select before_json, after_json, source_sha256 from audit_log where action = ? "
                           "order by seq", [ROLES_RELOAD]).fetchall()
        if (rows[-1][2] if rows else None) == roles.sha256:
            return None
        held: dict[str, str] = {}
        for before, after, _ in rows:  # replay the recorded changes: the roles as last audited
            before, after = json.loads(before or "{}"), json.loads(after or "{}")
            held = {k: v for k, v in held.items() if k not in before or k in after} | after
        now = roles.entries()
        return append_audit(con, principal, ROLES_RELOAD, entity_table="roles_file",
                            entity_id=str(roles.path) if roles.path else None,
                            before={k: v for k, v in held.items() if now.get(k) != v},
                            after={k: v for k, v in now.items() if held.get(k) != v},
                            reason="the roles file was read" if roles.path else "no roles file: everyone is public",
                            source_file=str(roles.path) if roles.path else None, source_sha256=roles.sha256)


# --- the read-side tables ---------------------------------------------------------------------------------

# mart_commitment's columns that progress statements alone decide (mart_commitment_progress_rows), and its current
# status, which weighs the latest statement against the IRM's rating the row already holds (irm_is_current)
PROGRESS_COLUMNS = ("gov_status", "gov_status_date", "cso_status", "cso_status_date", "su_status", "su_status_date",
                    "last_update_date", "count_updates", "assessors_disagree")
CURRENT_STATUS = {"current_status": ("m.irm_completion", "p.latest_status"),
                  "current_status_date": ("m.irm_completion_date", "p.latest_status_date"),
                  "current_status_assessor": ("'irm'", "p.latest_status_assessor")}


def refresh_progress_for(con, commitment_ids) -> None:
    """After new progress statements about these commitments: update the mart_commitment columns statements
    decide, in the caller's transaction. A statement moves nothing else in the row (its IRM ratings, milestones,
    watch), so this reads the progress rows alone: about a third of refreshing the whole row (refresh_marts_for)."""
    ids = sorted({str(c) for c in commitment_ids})
    if not ids:
        return
    irm = "irm_is_current(m.irm_completion, m.irm_completion_date, p.latest_status_date)"
    assignments = [f"{c} = p.{c}" for c in PROGRESS_COLUMNS] + [
        f"{c} = case when {irm} then {if_irm} else {if_not} end" for c, (if_irm, if_not) in CURRENT_STATUS.items()]
    con.execute(f"update mart_commitment m set {', '.join(assignments)} "
                "from mart_commitment_progress_rows(?::text[]) p where m.commitment_id = p.commitment_id", [ids])


def refresh_marts_for(con, commitment_ids, marts: tuple[str, ...] = db.MARTS) -> None:
    """Refresh the mart rows of these commitments only (an in-app change touches one): delete them and
    insert them again from the macros a full rebuild reads (monitor/db.py MARTS), in the caller's transaction.
    `marts` narrows it to the marts the change can move (db.COMMITMENT_MARTS: nothing about a milestone changed).

    Join ordering is switched off meanwhile: for a few commitments every joined side is tiny, the written
    order (facts on the left, filtered aggregates on the right) is already right, and ordering mart_commitment's
    ten joins took longer than running them (about a third of the refresh on the bundled database).
    """
    ids = sorted({str(c) for c in commitment_ids})
    if not ids:
        return
    con.execute("set disabled_optimizers = 'join_order'")
    try:
        for mart in (m for m in db.MARTS if m in marts):  # in db.MARTS order: later marts read earlier ones
            con.execute(f"delete from {mart} where list_contains(?::text[], commitment_id)", [ids])
            con.execute(f"insert into {mart} select * from {mart}_rows(?::text[])", [ids])
    finally:
        con.execute("reset disabled_optimizers")
