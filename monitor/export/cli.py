"""The `export` command's work, kept out of monitor/cli.py so that file stays a thin parser."""
from __future__ import annotations

import time
from datetime import date
from pathlib import Path

from monitor import config, db, queries
from monitor.export.download import table_csv
from monitor.export.pack import build_pack, pack_tables, read_pack_data
from monitor.export.scope import ScopeError, parse_scope
from monitor.i18n import t

OK, USAGE = 0, 2
# CSV table names on the command line -> pack table keys.
CSV_TABLES = ("commitments", "milestones", "progress", "watchlist", "changes", "sources")
TABLE_KEYS = {"watchlist": "priority"}


def parse_day(text: str | None, option: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ScopeError(f"{option} {text!r} is not a date: write it as YYYY-MM-DD, e.g. 2021-01-01") from None


def run_export(args, say) -> int:
    """Read-only: the pack never writes to the database."""
    try:
        since, today = parse_day(args.since, "--since"), parse_day(args.today, "--today") or date.today()
    except ScopeError as exc:
        say(f"error: {exc}")
        return USAGE
    if args.out.is_dir():
        say(f"error: --out {args.out} is a folder: name the file to write, such as {args.out / 'pack.xlsx'}")
        return USAGE
    path = config.db_path(args.db)
    if not path.exists():
        say(f"error: no database at {path}: run `python -m monitor init` first")
        return USAGE
    con = db.connect(path, read_only=True)
    try:
        return _export(con.cursor(), args, since, today, say)
    finally:
        con.close()


def _export(cur, args, since: date | None, today: date, say) -> int:
    try:
        scope = parse_scope(args.scope, queries.filter_options(cur))
    except ScopeError as exc:
        say(f"error: {exc}")
        return USAGE
    if args.format == "csv":
        return _write_csv(cur, scope, args, since, today, say)
    started = time.perf_counter()
    data = build_pack(cur, scope, lang=args.lang, since=since, today=today)
    _write(args.out, data)
    count = queries.count_commitments(cur, scope, today)
    say(t("export.cli.wrote", args.lang, path=args.out, commitments=f"{count:,}",
          size=f"{len(data) / 1024:,.0f}", seconds=f"{time.perf_counter() - started:.1f}"))
    if not count:
        say(t("export.cli.empty", args.lang))
    return OK


def _write_csv(cur, scope, args, since: date | None, today: date, say) -> int:
    tables = pack_tables(read_pack_data(cur, scope, today), args.lang, since, today)
    table = tables[TABLE_KEYS.get(args.table, args.table)]
    _write(args.out, table_csv(table))
    say(t("export.cli.wrote_csv", args.lang, path=args.out, rows=f"{len(table.frame):,}"))
    return OK


def _write(path: Path, data: bytes) -> None:
    """Write beside the target, then rename: a reader never opens half a workbook."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    try:
        partial.write_bytes(data)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
