"""`python -m monitor`: a thin command line over the loaders, the writer and the exports."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from loaders.batch import Batch, InvalidFile
from monitor import config, db

OK, INVALID, ENVIRONMENT = 0, 1, 2

DESCRIPTION = """\
Monitor Open Government Partnership commitments: build the database, import the files
people have (OGP commitment export, NAP workbooks, progress trackers, IRM ratings), check
them, and write templates.

Start here:
  python -m monitor init                      build data/monitor.duckdb from the bundled data
  python -m monitor check plan.xlsx           validate a file and list every problem; writes nothing
  python -m monitor import plan.xlsx          validate, then import in one transaction
  python -m monitor template --out nap.xlsx   a blank NAP workbook to fill in
  python -m monitor export --scope plan:AP_MEX04 --since 2021-01-01 --out pack.xlsx
                                              the meeting pack (see export --help)

The database is --db, else $MONITOR_DB, else data/monitor.duckdb.
Exit codes: 0 ok, 1 invalid input (nothing written), 2 usage or environment problem.
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m monitor", description=DESCRIPTION,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    init = sub.add_parser("init", help="build the database from the bundled, cited data in data/seed/")
    _add_db(init)
    imp = sub.add_parser("import", help="validate files, then import them (all or nothing)")
    imp.add_argument("files", nargs="+", type=Path, metavar="FILE", help=".csv or .xlsx files")
    imp.add_argument("--kind", choices=_kinds(), help="skip detection and read the files as this kind")
    imp.add_argument("--dry-run", action="store_true", help="validate and show what would change; write nothing")
    _add_db(imp)
    check = sub.add_parser("check", help="validate files and report every problem; writes nothing")
    check.add_argument("files", nargs="+", type=Path, metavar="FILE")
    check.add_argument("--kind", choices=_kinds())
    template = sub.add_parser("template", help="write a blank NAP workbook (commitments and milestones)")
    template.add_argument("--out", type=Path, required=True, metavar="FILE.xlsx")
    _add_export(sub)
    for register in EXTRA_COMMANDS:
        register(sub)
    return parser


EXTRA_COMMANDS: list = []


EXPORT_HELP = """\
Write the meeting pack (a formatted workbook: Summary with charts, Priority commitments, Commitments,
Milestones, Progress history, Changes since --since, Sources), or one table as a safe CSV.

Scopes:
  all                               every commitment
  member:MEX                        one or more members (comma-separated codes)
  plan:AP_MEX04                     one or more action plans
  watchlist                         the priority watchlist
  filters:'member=MEX&status=overdue'  a dashboard page's filters (its URL query string)

Examples:
  python -m monitor export --scope plan:AP_MEX04 --lang es --since 2021-01-01 --out pack.xlsx
  python -m monitor export --scope watchlist --format csv --table watchlist --out watch.csv

Exit codes: 0 written; 2 bad scope, date or option, or the database is busy (nothing written).
A valid scope that matches no commitment still writes the file, which says it is empty, and exits 0:
"nothing matches" is an answer a meeting can use, while a typo in a code exits 2 and names the codes.
"""


def _add_export(sub) -> None:
    from monitor.export.cli import CSV_TABLES

    exp = sub.add_parser("export", help="write the meeting pack (.xlsx) or one table (.csv)", description=EXPORT_HELP,
                         formatter_class=argparse.RawDescriptionHelpFormatter)
    exp.add_argument("--scope", default="all", help="all, member:CODE, plan:ID, watchlist or filters:QUERY")
    exp.add_argument("--lang", choices=("en", "es"), default="en", help="language of every header and label")
    exp.add_argument("--since", metavar="YYYY-MM-DD", help="list what moved on or after this date")
    exp.add_argument("--today", metavar="YYYY-MM-DD", help="date the figures speak for (default: today)")
    exp.add_argument("--format", choices=("xlsx", "csv"), default="xlsx")
    exp.add_argument("--table", choices=CSV_TABLES, default="commitments", help="with --format csv: which table")
    exp.add_argument("--out", type=Path, required=True, metavar="FILE")
    _add_db(exp)


def _add_db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", type=Path, help="database file (default: $MONITOR_DB or data/monitor.duckdb)")


def _kinds() -> list[str]:
    from loaders import detect

    return sorted(detect.LOADERS)


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return ENVIRONMENT
    try:
        return COMMANDS[args.command](args)
    except db.DatabaseBusy as exc:
        say(f"error: {exc}")
        return ENVIRONMENT
    except InvalidFile as exc:
        for problem in exc.problems:
            say(f"error: {problem}")
        say("Nothing was written.")
        return INVALID
    except FileNotFoundError as exc:
        say(f"error: no such file: {exc.filename or exc}")
        return ENVIRONMENT


def cmd_init(args) -> int:
    from monitor import seed

    path = config.db_path(args.db)
    started = time.perf_counter()
    reports = seed.build(path, progress=lambda line: say(f"importing {line}"))
    added = sum(r.total_added for r in reports)
    say(f"Database ready at {path}: {added:,} rows added from {len(reports)} files "
        f"in {time.perf_counter() - started:.1f} s.")
    return OK


def read_batches(files: list[Path], kind: str | None) -> list[Batch]:
    from loaders import detect

    batches = []
    for path in files:
        if not path.is_file():
            raise FileNotFoundError(path)
        started = time.perf_counter()
        say(f"reading {path} ...")
        batch = detect.load(path.read_bytes(), path.name, kind=kind)
        say(f"  {batch.source.kind}: {batch.row_count():,} rows, {len(batch.errors)} errors, "
            f"{len(batch.warnings)} warnings ({time.perf_counter() - started:.1f} s)")
        batches.append(batch)
    return batches


def report_problems(batches: list[Batch]) -> bool:
    """Print every problem of every file; True when all files are valid."""
    for batch in batches:
        for note in batch.notes:
            say(f"note: {batch.source.file_name}: {note}")
        for problem in batch.warnings:
            say(f"warning: {problem}")
        for problem in batch.errors:
            say(f"error: {problem}")
    return all(b.ok for b in batches)


def cmd_check(args) -> int:
    batches = read_batches(args.files, args.kind)
    valid = report_problems(batches)
    say("All files are valid." if valid else "Some files are invalid; fix the errors above.")
    return OK if valid else INVALID


def cmd_import(args) -> int:
    from monitor.store import apply_batch

    batches = read_batches(args.files, args.kind)
    if not report_problems(batches):
        say("Nothing was written: fix the errors above and run the command again.")
        return INVALID
    path = config.db_path(args.db)
    con = db.open_prepared(path)
    try:
        for batch in batches:
            if args.dry_run:
                _dry_run(con, batch)
                continue
            report = apply_batch(con, batch, loaded_by="cli",
                                 progress=lambda share, table: say(f"  writing {table} ({share:.0%})"))
            _print_report(report)
    finally:
        con.close()
    return OK


def _dry_run(con, batch: Batch) -> None:
    from monitor.store import apply_batch

    report = apply_batch(con, batch, dry_run=True)
    if report.already_imported_at:
        _print_report(report)
        return
    say(f"dry run: {batch.source.file_name} would add {report.total_added:,} rows and change "
        f"{report.total_changed:,}; nothing was written.")


def _print_report(report) -> None:
    if report.already_imported_at:
        say(f"{report.file_name} was already imported on {report.already_imported_at:%Y-%m-%d %H:%M} UTC; "
            "nothing changed.")
        return
    details = ", ".join(f"{t} +{report.added[t]:,}/~{report.changed[t]:,}" for t in report.added)
    say(f"imported {report.file_name}: {report.total_added:,} rows added, {report.total_changed:,} changed "
        f"({details}).")


def cmd_template(args) -> int:
    from monitor.export import template as nap_workbook  # writes the blank NAP workbook

    if args.out.suffix.lower() != ".xlsx":
        say(f"error: the template is an Excel workbook; name it .xlsx, not {args.out.name}")
        return ENVIRONMENT
    nap_workbook.write_template(args.out)
    say(f"Blank NAP workbook written to {args.out}: fill the Commitments and Milestones sheets, "
        f"then run: python -m monitor check {args.out}")
    return OK


def cmd_export(args) -> int:
    from monitor.export.cli import run_export

    return run_export(args, say)


COMMANDS = {"init": cmd_init, "import": cmd_import, "check": cmd_check, "export": cmd_export, "template": cmd_template}
