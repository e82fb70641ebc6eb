"""`python -m monitor`: a thin command line over the loaders, the writer and the exports."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from loaders.batch import Batch, InvalidFile
from monitor import auth, config, db
from monitor.store import CLEARABLE

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
  python -m monitor import plan.xlsx --server http://127.0.0.1:8501
                                              import through a running dashboard ($MONITOR_TOKEN)
  python -m monitor token create EMAIL --role support_unit
                                              a personal API token (printed once); token list, token revoke ID
  python -m monitor audit verify              check the audit trail's hash chain
  python -m monitor audit list --since 2026-01-01 [--entity MX0081]
                                              who changed what, when and why

Commands that write (init, import, clear, token) act as the operating-system user, os:<name>, with the
support_unit role: whoever can run them can open the database file anyway (docs/deployment.md).

The database is --db, else $MONITOR_DB, else data/monitor.duckdb.
Exit codes: 0 ok, 1 invalid input (nothing written) or a broken audit chain, 2 usage or environment problem.
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
    imp.add_argument("--server", metavar="URL", help="import through a running dashboard (http://127.0.0.1:8501) "
                     "with the personal token in $MONITOR_TOKEN, instead of opening the database file")
    _add_db(imp)
    check = sub.add_parser("check", help="validate files and report every problem; writes nothing")
    check.add_argument("files", nargs="+", type=Path, metavar="FILE")
    check.add_argument("--kind", choices=_kinds())
    _add_db(check)
    template = sub.add_parser("template", help="write a blank NAP workbook (commitments and milestones)")
    template.add_argument("--out", type=Path, required=True, metavar="FILE.xlsx")
    template.add_argument("--lang", choices=("en", "es"), default="en", help="language of the sheets' instructions")
    _add_export(sub)
    links = sub.add_parser("links", help="check that cited evidence and source links are still online",
                           description=LINKS_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    links.add_argument("action", choices=("check", "list"), help="check every link now, or list the last results")
    links.add_argument("--timeout", type=float, default=10.0, metavar="S", help="seconds per link (default 10)")
    links.add_argument("--max-bytes", type=int, default=2_000_000, metavar="N", help="read at most N bytes a link")
    links.add_argument("--delay", type=float, default=1.0, metavar="S",
                       help="seconds between two requests to one host (default 1)")
    _add_db(links)
    clear = sub.add_parser("clear", help="delete one stored value (imports never do: a blank cell keeps it)",
                           description="Delete one stored value, recorded in the import history with who and why. "
                           "Imports never delete: a blank cell or a missing column keeps what is stored.")
    clear.add_argument("table", choices=CLEARABLE)
    clear.add_argument("id", help="the row's id, e.g. MX0081")
    clear.add_argument("column", help="the column to empty, e.g. description")
    clear.add_argument("--reason", required=True, help="why: kept with the record of the change")
    _add_db(clear)
    _add_audit(sub)
    _add_token(sub)
    return parser


def _add_token(sub) -> None:
    token = sub.add_parser("token", help="personal API tokens for POST /api/v1/imports (create, list, revoke)",
                           description="Personal API tokens: each acts as one person with one role. The secret is "
                           "printed once, at creation; the database keeps only its sha256.")
    actions = token.add_subparsers(dest="token_command", metavar="ACTION", required=True)
    create = actions.add_parser("create", help="make a token for EMAIL and print its secret once")
    create.add_argument("email")
    create.add_argument("--role", required=True, choices=auth.ROLES,
                        help="what the token may do (importing needs support_unit or admin)")
    _add_db(create)
    listing = actions.add_parser("list", help="ids, emails, roles and dates (never the secrets)")
    _add_db(listing)
    revoke = actions.add_parser("revoke", help="stop a token working (it stays listed)")
    revoke.add_argument("token_id", metavar="ID")
    _add_db(revoke)


LINKS_HELP = """\
Fetch every http(s) link the monitor cites (evidence of progress statements, source addresses of
commitments, milestones, ratings and events), with a timeout, a size cap and a pause between two
requests to the same site, and keep each result. A link is "dead" only when its server answers 404 or
410; no answer at all (a timeout, a refused connection, an unknown host) is "unreachable", which says
something about the network, not the page. Pages, downloads and the meeting pack mark dead links and
offer an archive search instead.

  python -m monitor links check        check all links now (progress on stderr)
  python -m monitor links list         the last results, dead ones first
"""


def _add_audit(sub) -> None:
    trail = sub.add_parser("audit", help="verify or list the audit trail (who changed what, when and why)",
                           description="The audit trail: one hash-chained row per change, written with the change.")
    actions = trail.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    verify = actions.add_parser("verify", help="check the hash chain: exit 0 intact, 1 naming the first broken row")
    _add_db(verify)
    listing = actions.add_parser("list", help="print the changes on or after a day (UTC)")
    listing.add_argument("--since", required=True, metavar="YYYY-MM-DD")
    listing.add_argument("--entity", metavar="ID", help="only changes to this id: a commitment, row or submission")
    _add_db(listing)


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
    except (db.DatabaseBusy, db.NotADatabase) as exc:
        say(f"error: {exc}")
        if isinstance(exc, db.DatabaseBusy) and args.command == "import":
            say("To import through the running dashboard, create a token (python -m monitor token create EMAIL "
                "--role support_unit, while the dashboard is stopped, or ask whoever runs it), then: "
                "MONITOR_TOKEN=mtk_... python -m monitor import FILE --server http://127.0.0.1:8501")
        return ENVIRONMENT
    except InvalidFile as exc:
        for problem in exc.problems:
            say(f"error: {problem}")
        say("Nothing was written.")
        return INVALID
    except FileNotFoundError as exc:
        say(f"error: no such file: {exc.filename or exc}")
        return ENVIRONMENT
    except OSError as exc:  # a folder where a file was named, no permission, a full disk: one line, no traceback
        say(f"error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "))
        return ENVIRONMENT


def cmd_init(args) -> int:
    from monitor import seed

    path = config.db_path(args.db)
    started = time.perf_counter()
    reports = seed.build(path, progress=lambda line: say(f"importing {line}"), principal=auth.os_user())
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
    """Every rule import runs, references included (against the database, or an empty one), writing nothing."""
    from monitor.store import dangling_references

    batches = read_batches(args.files, args.kind)
    if not report_problems(batches):
        say("Some files are invalid; fix the errors above.")
        return INVALID
    path = config.db_path(args.db)
    con = db.connect(path, read_only=True) if path.exists() else db.open_prepared(":memory:")
    try:
        problems = dangling_references(con, batches)
    finally:
        con.close()
    for problem in problems:
        say(f"error: {problem}")
    if problems:
        say(f"Some files refer to what neither they nor the database ({path}) hold; fix the errors above.")
        return INVALID
    say("All files are valid.")
    return OK


def cmd_import(args) -> int:
    from monitor.store import apply_batches

    if args.server:
        from monitor import remote

        return remote.import_files(args.server, args.files, args.kind, args.dry_run, say)
    batches = read_batches(args.files, args.kind)
    if not report_problems(batches):
        say("Nothing was written: fix the errors above and run the command again.")
        return INVALID
    con = db.open_prepared(config.db_path(args.db))
    try:
        reports = apply_batches(auth.os_user(), con, batches, dry_run=args.dry_run,
                                progress=lambda share, table: say(f"  writing {table} ({share:.0%})"))
    finally:
        con.close()
    for report in reports:
        _print_report(report, args.dry_run)
    return OK


def _print_report(report, dry_run: bool = False) -> None:
    for problem in report.warnings:
        say(f"warning: {problem}")
    if report.already_imported_at:
        say(f"{report.file_name} was already imported on {report.already_imported_at:%Y-%m-%d %H:%M} UTC; "
            "nothing changed.")
        return
    for row in report.withdrawn:
        say(f"{'would withdraw' if dry_run else 'withdrawn'}: {row} (no longer in {report.file_name})")
    for row in report.restored:
        say(f"{'would restore' if dry_run else 'restored'}: {row} (in {report.file_name} again)")
    be = "be " if dry_run else ""
    gone = f", {len(report.withdrawn):,} {be}withdrawn by source" if report.withdrawn else ""
    back = f", {len(report.restored):,} {be}restored" if report.restored else ""
    if dry_run:
        say(f"dry run: {report.file_name} would add {report.total_added:,} rows and change "
            f"{report.total_changed:,}{gone}{back}; nothing was written.")
        return
    details = ", ".join(f"{t} +{report.added[t]:,}/~{report.changed[t]:,}" for t in report.added)
    say(f"imported {report.file_name}: {report.total_added:,} rows added, {report.total_changed:,} changed{gone}{back} "
        f"({details}).")


def cmd_links(args) -> int:
    from monitor import linkcheck, queries, store

    con = db.open_prepared(config.db_path(args.db))
    try:
        if args.action == "list":
            return _list_links(queries.link_checks(con.cursor()))
        urls = queries.cited_links(con.cursor())
        say(f"checking {len(urls):,} links (timeout {args.timeout:g} s, at most {args.max_bytes:,} bytes each) ...")
        results = linkcheck.check_all(urls, timeout=args.timeout, max_bytes=args.max_bytes, per_host_delay=args.delay,
                                      progress=lambda i, n, r: say(f"  [{i}/{n}] {r.outcome:<12} {r.url}"))
        store.record_link_checks(auth.os_user(), con, results)
    finally:
        con.close()
    counts = {o: sum(r.outcome == o for r in results) for o in dict.fromkeys(r.outcome for r in results)}
    say("done: " + (", ".join(f"{n:,} {o}" for o, n in counts.items()) or "no links to check"))
    if linkcheck.network_down(results):
        say("No site answered: the network seems to be down or blocked here. Nothing was marked dead.")
        return ENVIRONMENT
    return OK


def _list_links(checks) -> int:
    order = checks.assign(rank=checks["outcome"].ne("dead")).sort_values(["rank", "url"])
    for r in order.itertuples():
        print(f"{r.outcome:<12} {r.status_code if r.status_code == r.status_code else '':<4} {r.checked_at:%Y-%m-%d}"
              f" {r.url}")
    say(f"{len(checks):,} links checked; {int((checks['outcome'] == 'dead').sum()):,} dead.")
    return OK


def cmd_clear(args) -> int:
    from monitor.store import clear_value

    con = db.open_prepared(config.db_path(args.db))
    try:
        old = clear_value(auth.os_user(), con, args.table, args.id, args.column, reason=args.reason)
    except ValueError as exc:
        say(f"error: {exc}")
        return INVALID
    finally:
        con.close()
    say(f"cleared {args.table}.{args.column} of {args.id} (it held {old!r}); recorded in the import history.")
    return OK


def cmd_template(args) -> int:
    from monitor.export.template import write_template

    if args.out.suffix.lower() != ".xlsx":
        say(f"error: the template is an Excel workbook; name it .xlsx, not {args.out.name}")
        return ENVIRONMENT
    write_template(args.out, args.lang)
    say(f"Blank NAP workbook written to {args.out}: fill the Commitments and Milestones sheets, "
        f"then run: python -m monitor check {args.out}")
    return OK


def cmd_export(args) -> int:
    from monitor.export.cli import run_export

    return run_export(args, say)


def cmd_audit(args) -> int:
    """Reads only: the file is opened read-only, so a check never changes what it checks."""
    from datetime import date

    from monitor import audit

    since = None
    if args.audit_command == "list":
        try:
            since = date.fromisoformat(args.since)
        except ValueError:
            say(f"error: --since {args.since!r} is not a date (YYYY-MM-DD)")
            return ENVIRONMENT
    path = config.db_path(args.db)
    if not path.is_file():
        say(f"error: no database at {path}")
        return ENVIRONMENT
    con = db.connect(path, read_only=True)
    try:
        if not audit.has_log(con):
            say(f"error: {path} has no audit log yet (it predates migration 005): any command that writes, "
                "such as import, adds it")
            return ENVIRONMENT
        if args.audit_command == "verify":
            verdict = audit.verify(con)
            print(verdict)
            return OK if verdict.ok else INVALID
        rows = audit.entries(con, since, args.entity)
    finally:
        con.close()
    for row in rows.to_dict("records"):
        _print_audit_row(row)
    say(f"{len(rows):,} changes since {since}" + (f" to {args.entity}" if args.entity else "") + ".")
    return OK


def _print_audit_row(row: dict) -> None:
    def known(value) -> bool:
        return value is not None and value == value  # NaN from the frame means NULL

    about = f" [{row['commitment_id']}]" if known(row["commitment_id"]) else ""
    print(f"#{row['seq']} {row['ts_utc']:%Y-%m-%d %H:%M:%S}Z {row['actor']} ({row['actor_role']}, "
          f"{row['auth_issuer']}) {row['action']} {row['entity_table']}/{row['entity_id']}{about}")
    for label, key in (("before", "before_json"), ("after", "after_json"), ("reason", "reason"),
                       ("file", "source_file"), ("sha256", "source_sha256"), ("submission", "submission_id")):
        if known(row[key]):
            print(f"    {label}: {row[key]}")


def cmd_token(args) -> int:
    from monitor import store, tokens

    con = db.open_prepared(config.db_path(args.db))
    try:
        if args.token_command == "create":
            try:
                token_id, secret = tokens.create(auth.os_user(), con, args.email, args.role)
            except (ValueError, auth.NotAllowed) as exc:
                say(f"error: {exc}")
                return ENVIRONMENT
            print(secret)
            say(f"token {token_id} for {args.email.strip().lower()} ({args.role}) created. The secret above is shown "
                "this once: keep it like a password. Use it as: Authorization: Bearer <secret>, or MONITOR_TOKEN.")
            if args.role not in (auth.SUPPORT_UNIT, auth.ADMIN):
                say(f"note: a {args.role} token cannot import; importing needs support_unit or admin.")
            return OK
        if args.token_command == "revoke":
            try:
                changed = store.revoke_token(auth.os_user(), con, args.token_id)
            except ValueError as exc:
                say(f"error: {exc}")
                return INVALID
            say(f"token {args.token_id} " + ("revoked." if changed else "was already revoked."))
            return OK
        rows = tokens.listing(con)
    finally:
        con.close()

    def when(value) -> str:
        return "-" if value is None else f"{value:%Y-%m-%d %H:%M}"

    for r in rows:
        print(f"{r['token_id']}  {r['email']}  {r['role']}  created {when(r['created_at'])} by {r['created_by']}  "
              f"last used {when(r['last_used_at'])}  " + (f"revoked {when(r['revoked_at'])}" if r["revoked_at"]
                                                          else "active"))
    say(f"{len(rows):,} tokens.")
    return OK


COMMANDS = {"init": cmd_init, "import": cmd_import, "check": cmd_check, "export": cmd_export, "template": cmd_template,
            "clear": cmd_clear, "links": cmd_links, "audit": cmd_audit,
            "token": cmd_token}
