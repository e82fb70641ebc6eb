"""Build the monitor's database from the bundled, cited data in data/seed/ (the `init` command)."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb

from loaders.batch import InvalidFile
from monitor import auth
from monitor.auth import Principal
from monitor.config import DATA_DIR
from monitor.store import ImportReport, apply_batch

SEED_DIR = DATA_DIR / "seed"
# Parents before children: the writer checks that every reference resolves.
KIND_ORDER = ("ogp_export", "nap_workbook", "nap_commitments", "nap_milestones", "irm_ratings", "irm_summary",
              "progress", "events", "watchlist", "mandate_cases", "mandate_requests", "mandate_follow_ups")


def seed_files(seed_dir: Path = SEED_DIR) -> list[Path]:
    return sorted(p for p in seed_dir.rglob("*") if p.suffix.lower() in {".csv", ".xlsx"})


def build(path: Path, progress: Callable[[str], None] | None = None,
          principal: Principal | None = None) -> list[ImportReport]:
    """Create or complete the database file at `path` from the bundled data (`python -m monitor init`)."""
    from monitor import db

    con = db.open_prepared(path)
    try:
        return init(con, progress=progress, principal=principal)
    finally:
        con.close()


def init(con: duckdb.DuckDBPyConnection, seed_dir: Path = SEED_DIR,
         progress: Callable[[str], None] | None = None, principal: Principal | None = None) -> list[ImportReport]:
    """Import every seed file through the same loaders and writer as any user file.

    Every file is validated before the first one is written, so a broken seed writes nothing. The imports
    act as `principal` (the CLI passes the operating-system user); by default as the monitor itself
    (system:seed), since only the bundled files are read, never a visitor's.
    """
    principal = principal or auth.system("seed")
    from loaders import detect

    batches = []
    for path in seed_files(seed_dir):
        batch = detect.load(path.read_bytes(), str(path.relative_to(seed_dir)))
        batches.append(batch)
    problems = [p for b in batches for p in b.errors]
    if problems:
        raise InvalidFile(problems)
    batches.sort(key=lambda b: KIND_ORDER.index(b.source.kind) if b.source.kind in KIND_ORDER else len(KIND_ORDER))
    reports = []
    for batch in batches:
        if progress:
            progress(f"{batch.source.file_name}: {batch.row_count():,} rows")
        reports.append(apply_batch(principal, con, batch))
    return reports
