"""The audit trail's rules: canonical content, the row hash chain, and the reads that verify and list it.

Each audit_log row's `row_hash` is the sha256 of the canonical JSON of every other field of the row
(CONTENT_SQL) followed by `prev_hash`, the row_hash of the row before.
Changing, deleting or reordering any row therefore breaks the chain at that row or the next one.
Rows are written only by monitor/store.py (`append_audit`), in the transaction of the change they record.
The chain cannot show that the newest rows were removed: publish the head hash (`audit verify` prints it).
The dashboard reads the trail only through the role-checked functions at the end (commitment_history for
support_unit, trail and check_chain for admin): the log names people and holds reviewers' reasons.
"""
from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import pandas as pd

from monitor import auth

GENESIS = "0" * 64
# Every field but row_hash, in sorted order (the canonical object's key order).
HASHED = ("action", "actor", "actor_name", "actor_role", "after_json", "auth_issuer", "before_json",
          "commitment_id", "entity_id", "entity_table", "prev_hash", "reason", "seq", "source_file",
          "source_sha256", "submission_id", "ts_utc")
COLUMNS = ("seq", "ts_utc", "actor", "actor_name", "actor_role", "auth_issuer", "action", "entity_table",
           "entity_id", "commitment_id", "before_json", "after_json", "reason", "source_file", "source_sha256",
           "submission_id", "prev_hash", "row_hash")


def plain(value):
    """A JSON-ready form of what DuckDB and pandas hand back (dates, numpy scalars, NaN)."""
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if hasattr(value, "item"):  # numpy scalar
        return plain(value.item())
    if pd.isna(value):
        return None
    return str(value)


def canonical(obj) -> str:
    """Sorted keys, no spaces, non-ASCII kept as UTF-8: the same object always gives the same text."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=plain)


def as_json(fields: dict | None) -> str | None:
    """The stored form of a before/after value: canonical JSON, or NULL for "did not exist"."""
    return None if fields is None else canonical(plain(fields))


TS_FORMAT = "%Y-%m-%dT%H:%M:%S.%f"  # the time as hashed: ISO 8601, always with microseconds
# The canonical content of a row: a JSON object of every field but prev_hash and row_hash, keys in HASHED
# order, as DuckDB's json_object writes it (numbers bare, NULL as null, text escaped). DuckDB builds it both
# when a row is written and when the chain is verified, so verifying 100,000 rows is one vectorised query.
CONTENT_SQL = "json_object(" + ", ".join(
    f"'{c}', strftime(ts_utc, '{TS_FORMAT}')" if c == "ts_utc" else f"'{c}', {c}"
    for c in HASHED if c != "prev_hash") + ")"


def chain(content: str, prev_hash: str) -> str:
    """row_hash = sha256 of the row's canonical content followed by the previous row's hash."""
    return hashlib.sha256((content + prev_hash).encode("utf-8")).hexdigest()


def changed_fields(before: dict | None, after: dict | None) -> tuple[dict | None, dict | None]:
    """Field-level difference: only what changed, on both sides (None where the row did not exist)."""
    if before is None or after is None:
        return before, after
    keys = [k for k in after if plain(before.get(k)) != plain(after.get(k))]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


@dataclass(frozen=True)
class Verdict:
    ok: bool
    rows: int
    head: str                 # row_hash of the last intact row (GENESIS when empty)
    broken_seq: int | None = None
    problem: str = ""

    def __str__(self) -> str:
        if self.ok:
            return f"audit log intact: {self.rows:,} rows, head {self.head}"
        return f"audit log BROKEN at seq {self.broken_seq}: {self.problem}"


VERIFY_SQL = f"""
    with c as (
        select seq, prev_hash, row_hash, sha256({CONTENT_SQL} || prev_hash) as computed,
               coalesce(lag(row_hash) over (order by seq), '{GENESIS}') as previous,
               row_number() over (order by seq) as n
        from audit_log)
    select n, seq, computed = row_hash as content_ok, previous from c
    where seq <> n or computed <> row_hash or prev_hash <> previous
    order by seq limit 1"""


def verify(cur) -> Verdict:
    """Check every row's hash, link and number in one query; the first wrong row is named."""
    rows, head = cur.execute(
        "select count(*), arg_max(row_hash, seq) from audit_log").fetchall()[0]
    found = cur.execute(VERIFY_SQL).fetchall()
    if not found:
        return Verdict(True, rows, head or GENESIS)
    n, seq, content_ok, previous = found[0]
    intact = n - 1
    if seq != n:
        what = "missing (deleted)" if seq > n else "repeated or out of order"
        return Verdict(False, intact, previous, seq, f"expected seq {n}; seq {n} is {what}")
    if not content_ok:
        return Verdict(False, intact, previous, seq, "the row's content does not match its row_hash (edited)")
    return Verdict(False, intact, previous, seq, f"prev_hash does not match the row_hash of seq {seq - 1} "
                                                 "(a row before it was edited, deleted or reordered)")


def entries(cur, since: date | None = None, entity: str | None = None, actor: str | None = None) -> pd.DataFrame:
    """Audit rows from `since` (a UTC day) on, optionally only those about one entity id or commitment, or by
    one actor (any case)."""
    return cur.execute(f"""
        select {', '.join(COLUMNS)} from audit_log
        where ($since is null or ts_utc >= $since)
          and ($entity is null or entity_id = $entity or commitment_id = $entity or submission_id = $entity)
          and ($actor is null or lower(actor) = lower($actor))
        order by seq""", {"since": since, "entity": entity, "actor": actor}).df()


# --- the role-checked reads the dashboard makes ------------------------------------------------------

FIELD_COLUMNS = ("seq", "ts_utc", "actor", "actor_role", "action", "entity_table", "entity_id", "field", "before",
                 "after", "reason")


def field_changes(rows: pd.DataFrame) -> pd.DataFrame:
    """One line per changed field of each audit row (newest first): before and after as text, '' for none.
    A row that changed no field (a submission's decision says only its state) still shows as one line."""
    out = []
    for r in rows.sort_values("seq", ascending=False).to_dict("records"):
        before, after = _fields(r["before_json"]), _fields(r["after_json"])
        names = list(dict.fromkeys([*after, *before])) or [""]
        for name in names:
            out.append({**{k: r[k] for k in FIELD_COLUMNS if k in r}, "field": name,
                        "before": _shown(before.get(name)), "after": _shown(after.get(name))})
    return pd.DataFrame(out, columns=list(FIELD_COLUMNS))


def _fields(text) -> dict:
    return json.loads(text) if isinstance(text, str) and text else {}


def _shown(value) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else canonical(value)


def commitment_history(principal: auth.Principal, cur, commitment_id: str) -> pd.DataFrame:
    """Who changed what about one commitment, field by field, newest first (support_unit or admin: the log
    names people and holds reviewers' reasons)."""
    auth.require(principal, auth.SUPPORT_UNIT, "read a commitment's change history")
    return field_changes(entries(cur, entity=commitment_id))


def trail(principal: auth.Principal, cur, since: date | None = None, entity: str | None = None,
          actor: str | None = None) -> pd.DataFrame:
    """The whole audit trail, filtered (admin only), as stored: every column, oldest first."""
    auth.require(principal, auth.ADMIN, "read the audit trail")
    return entries(cur, since, entity or None, actor or None)


def check_chain(principal: auth.Principal, cur) -> Verdict:
    """verify(), for the Audit page (admin only, like the trail it vouches for)."""
    auth.require(principal, auth.ADMIN, "verify the audit trail")
    return verify(cur)


def has_log(cur) -> bool:
    return bool(cur.execute(
        "select count(*) from information_schema.tables where table_name = 'audit_log'").fetchone()[0])
