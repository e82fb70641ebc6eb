"""What every loader returns: canonical frames, every problem found, and where it all came from."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa

# The tables a loader may fill, in the order the writer applies them.
TABLE_ORDER = (
    "member", "action_plan", "commitment", "commitment_tag", "milestone",
    "assessment", "progress_update", "event", "watchlist", "mandate_case", "mandate_request", "follow_up",
)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, located as a spreadsheet user would look for it."""

    file: str
    expected: str
    sheet: str | None = None
    row: int | None = None  # 1-based, as Excel and text editors number rows
    column: str | None = None
    value: str | None = None
    severity: str = "error"  # error (blocks the import) or warning (imported, with a note)

    def __str__(self) -> str:
        where = [self.file]
        if self.sheet:
            where.append(f"sheet '{self.sheet}'")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column '{self.column}'")
        shown = "" if self.value is None else f": value {_shorten(self.value)!r}"
        return f"{', '.join(where)}{shown}: {self.expected}"


def _shorten(value: str, limit: int = 80) -> str:
    value = str(value)
    return value if len(value) <= limit else value[:limit] + f"... ({len(value):,} characters)"


class InvalidFile(Exception):
    """Raised when a file cannot be read at all (empty, damaged, hostile, wrong kind)."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class SourceInfo:
    file_name: str
    sha256: str
    size_bytes: int
    kind: str

    @classmethod
    def of(cls, path: Path, kind: str, data: bytes | None = None, name: str | None = None) -> SourceInfo:
        data = path.read_bytes() if data is None else data
        return cls(name or path.name, hashlib.sha256(data).hexdigest(), len(data), kind)


@dataclass
class Batch:
    """A validated, canonical view of one file, ready for the single writer."""

    source: SourceInfo
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # safe normalisations applied, for the import report

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def row_count(self) -> int:
        return sum(len(df) for df in self.tables.values())

    def counts(self) -> dict[str, int]:
        return {name: len(self.tables[name]) for name in TABLE_ORDER if name in self.tables}


KEY_SEPARATOR = "\x1f"  # the natural key's parts, joined; None is the empty part
KEY_HEX_DIGITS = 20


def stable_id(*parts: object) -> str:
    """Deterministic key from a natural key, so a re-import updates rather than duplicates."""
    return _digest(KEY_SEPARATOR.join("" if p is None else str(p) for p in parts))


def stable_ids(table: pa.Table, columns: tuple[str, ...]) -> pa.ChunkedArray:
    """stable_id of every row at once: the same parts, separator and digest, computed in an in-memory DuckDB.

    hashlib in a Python loop takes about twice as long over the 1.5 million assessment rows of a
    60,000-commitment export; tests/loaders/test_loader_rules.py proves both give the same key row for row.
    """
    import duckdb  # here, not at the top: only the OGP export needs it, and it costs a command's start ~0.3 s

    con = duckdb.connect()  # in memory: never the monitor database
    try:
        con.execute("set enable_progress_bar = false")
        con.register("keys", table.select(list(columns)))
        joined = f" || chr({ord(KEY_SEPARATOR)}) || ".join(f"coalesce(cast({c} as varchar), '')" for c in columns)
        return con.sql(f"select left(sha1({joined}), {KEY_HEX_DIGITS}) as id from keys").to_arrow_table().column("id")
    finally:
        con.close()


def _digest(key: str) -> str:
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:KEY_HEX_DIGITS]
