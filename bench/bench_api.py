"""The read API over real HTTP on 127.0.0.1: medians on the bundled data, the overhead over the query functions
on the scaled database, and 50 concurrent clients against `uvicorn app:app`.

1. Bundled data (`python -m monitor init`, built once into bench/out/api_bundled.duckdb): each endpoint's median
   over HTTP with the response cache off (every request builds its body), and with it on (as deployed).
   Bars: a commitment's JSON under 20 ms, the filtered commitments list under 50 ms, a feed under 50 ms.
2. Scaled database (read-only; never rebuilt here): each endpoint, cache off, against the query functions it
   calls, called directly with a fresh cursor; runs alternate so noise hits both. Bar: ratio <= 1.5.
3. Load: `uvicorn app:app` (the real app: Streamlit and the routes) on a copy of the bundled data, 50 client
   threads for a bounded time, a mix of endpoints; errors, requests per second, p50 and p95.
4. Imports: the same new progress files by `python -m monitor import FILE` into a stopped dashboard's database
   and by `... --server URL` into a running `uvicorn app:app`. Bar: ratio <= 1.2.

    .venv/bin/python -m bench.bench_api                     # all three, writes bench/out/bench_api.json
    .venv/bin/python -m bench.bench_api --write-md          # also updates BENCHMARKS.md
    .venv/bin/python -m bench.bench_api --skip-scaled --runs 5   # quick
    .venv/bin/python -m bench.bench_api --runs 5 --skip-load --skip-imports --only plans   # while iterating
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import uvicorn
from starlette.applications import Starlette

from bench import bench_load
from monitor import queries, seed
from monitor.api import feeds, records
from monitor.export.meeting import change_rows
from monitor.export.pack import changes_since, read_changes
from monitor.filters import Filters
from webui.api import routes
from webui.api.routes import page_path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
SCALED = ROOT / "bench" / "out" / "scaled_600000.duckdb"
MD_START, MD_END = "<!-- bench_api:start -->", "<!-- bench_api:end -->"
BARS_MS = {"commitment": 20.0, "commitments (filtered)": 50.0, "feed (commitment)": 50.0}
RATIO_BAR = 1.5


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ReadOnly:
    """A cursor source over a read-only connection: what webui.data gives the app, without writing the file."""

    def __init__(self, path: Path):
        self.con = duckdb.connect(str(path), read_only=True)

    def __call__(self):
        return _Cursor(self.con)


class _Cursor:
    def __init__(self, con):
        self.con = con

    def __enter__(self):
        self.cur = self.con.cursor()
        return self.cur

    def __exit__(self, *exc):
        self.cur.close()


class Server:
    """uvicorn in a thread on 127.0.0.1 serving the API's routes over `cursors` (no Streamlit: no pages here)."""

    def __init__(self, cursors, cache_size: int):
        self.port = free_port()
        app = Starlette(routes=routes(cursors, cache_size))
        # keep-alive longer than uvicorn's 5 s: one server's connection waits while the other's slow runs go
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                                    access_log=False, timeout_keep_alive=600))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self):
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        return self

    def __exit__(self, *exc):
        self.server.should_exit = True
        self.thread.join(timeout=10)


def get(conn: http.client.HTTPConnection, path: str) -> tuple[int, bytes]:
    conn.request("GET", path)
    r = conn.getresponse()
    return r.status, r.read()


def timed(conn, path: str) -> float:
    t = time.perf_counter()
    status, body = get(conn, path)
    ms = (time.perf_counter() - t) * 1000
    if status != 200:
        raise RuntimeError(f"{path}: {status} {body[:200]!r}")
    return ms


def direct(fn, source) -> float:
    with source() as cur:
        t = time.perf_counter()
        fn(cur)
        return (time.perf_counter() - t) * 1000


def endpoints(con, today: date) -> list[tuple[str, str, object]]:
    """(name, path, the query functions the endpoint calls, as one callable on a cursor) for this database."""
    cid = con.execute("""select commitment_id from mart_commitment where is_watched order by count_updates desc,
                         commitment_id limit 1""").fetchone() or con.execute(
        "select commitment_id from mart_commitment order by commitment_id limit 1").fetchone()
    cid = "MX0081" if con.execute("select count(*) from commitment where commitment_id = 'MX0081'").fetchone()[0] \
        else cid[0]
    member, plan = con.execute("select member_code, action_plan_id from commitment where commitment_id = ?",
                               [cid]).fetchone()
    since = feeds.default_since(today)
    f = Filters(member=(member,), status=("not_started", "overdue", "in_progress"))
    with _Cursor(con) as cur:  # the addresses the record cites, whose checks it reads
        links = records.cited_links(records.commitment_detail(cur, cid, records.Links("", page_path),
                                                              today))

    def changes(cur, scope: Filters):
        return changes_since(cur, scope, since, today), queries.commitment_follow_ups(cur, scope, today)

    def commitment_changes(cur):  # the plan's reads, and the change rule on the commitment's rows (feeds.feed_rows)
        scope = Filters(member=(member,), plan=(plan,))
        read = [f[f["commitment_id"] == cid] for f in (*read_changes(cur, scope, today),
                                                        queries.commitment_follow_ups(cur, scope, today))]
        return queries.commitment(cur, cid), change_rows(since, *read[:5], "en", today)

    def detail(cur):
        queries.commitment(cur, cid, today)
        queries.assessments(cur, cid)
        queries.milestones(cur, cid, today)
        queries.progress_history(cur, cid)
        queries.events(cur, cid)
        queries.tags(cur, cid)
        queries.sources(cur, cid)
        queries.link_checks(cur, links)

    def listing(flt):
        return lambda cur: (queries.count_commitments(cur, flt, today), queries.commitments(cur, flt, today, limit=100))

    return [
        ("commitment", f"/api/v1/commitments/{cid}", detail),
        ("commitments (filtered)", f"/api/v1/commitments?member={member}&status=not_started,overdue,in_progress",
         listing(f)),
        ("commitments (all, first 100)", "/api/v1/commitments", listing(Filters())),
        ("commitments.csv (filtered)", f"/api/v1/commitments.csv?member={member}&status=not_started,overdue,"
         "in_progress", listing(f)),
        ("plans", "/api/v1/plans", queries.plans),
        ("members", "/api/v1/members", queries.members),
        ("watchlist", "/api/v1/watchlist", lambda cur: queries.watchlist(cur, today)),
        ("feed (commitment)", f"/feeds/commitment/{cid}.atom",
         commitment_changes),
        ("feed (plan)", f"/feeds/plan/{plan}.atom", lambda cur: changes(cur, Filters(plan=(plan,)))),
        ("feed (member)", f"/feeds/member/{member}.atom", lambda cur: changes(cur, Filters(member=(member,)))),
        ("feed (watchlist)", "/feeds/watchlist.atom", lambda cur: changes(cur, Filters(watched=True))),
        ("badge", f"/badge/{cid}.svg", lambda cur: queries.commitment(cur, cid, today)),
    ]


def bundled(path: Path, runs: int, only: str = "") -> list[dict]:
    source = ReadOnly(path)
    today = date.today()
    cases = [c for c in endpoints(source.con, today) if only in c[0]]
    rows = []
    with Server(source, 0) as cold, Server(source, 64 * 1024 * 1024) as warm:
        a = http.client.HTTPConnection("127.0.0.1", cold.port, timeout=60)
        b = http.client.HTTPConnection("127.0.0.1", warm.port, timeout=60)
        for name, url, _ in cases:
            for _ in range(2):
                timed(a, url), timed(b, url)
            off = [timed(a, url) for _ in range(runs)]
            on = [timed(b, url) for _ in range(runs)]
            bar = BARS_MS.get(name)
            rows.append({"endpoint": name, "path": url, "uncached_median_ms": statistics.median(off),
                         "uncached_p90_ms": _p(off, 90), "cached_median_ms": statistics.median(on), "bar_ms": bar,
                         "pass_uncached": None if bar is None else statistics.median(off) < bar,
                         "pass_cached": None if bar is None else statistics.median(on) < bar})
            print(f"  {name:32s} uncached {rows[-1]['uncached_median_ms']:7.1f} ms   cached "
                  f"{rows[-1]['cached_median_ms']:6.1f} ms", flush=True)
    source.con.close()
    return rows


def scaled(path: Path, runs: int, only: str = "") -> list[dict]:
    source = ReadOnly(path)
    today = date.today()
    cases = [c for c in endpoints(source.con, today) if only in c[0]]
    rows = []
    with Server(source, 0) as server:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=300)
        for name, url, fn in cases:
            timed(conn, url), direct(fn, source)
            api, fun = [], []
            for _ in range(runs):
                api.append(timed(conn, url))
                fun.append(direct(fn, source))
            ratio = statistics.median(api) / statistics.median(fun)
            rows.append({"endpoint": name, "path": url, "api_median_ms": statistics.median(api),
                         "function_median_ms": statistics.median(fun), "ratio": ratio, "pass": ratio <= RATIO_BAR})
            print(f"  {name:32s} api {rows[-1]['api_median_ms']:8.1f} ms  functions "
                  f"{rows[-1]['function_median_ms']:8.1f} ms  ratio {ratio:4.2f}", flush=True)
    source.con.close()
    return rows


def load(path: Path, clients: int, seconds: float, cache_mb: str) -> dict:
    """`uvicorn app:app` (the real app) in its own process on a copy of `path`; `clients` threads for `seconds`."""
    work = OUT / f"api_load_{cache_mb}.duckdb"
    Path(f"{work}.wal").unlink(missing_ok=True)
    shutil.copy(path, work)
    port = free_port()
    log = open(OUT / f"api_load_{cache_mb}.log", "w")  # noqa: SIM115 (the server writes to it until it stops)
    env = {**os.environ, "MONITOR_DB": str(work), "MONITOR_API_CACHE_MB": cache_mb}
    command = [sys.executable, "-m", "uvicorn", "app:app", "--host", "127.0.0.1", "--port", str(port),
               "--log-level", "warning", "--no-access-log", "--timeout-keep-alive", "120"]
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait(port, proc)
        paths = ["/api/v1/commitments/MX0081", "/api/v1/commitments?member=MEX&status=not_started",
                 "/api/v1/commitments?limit=50", "/api/v1/plans", "/api/v1/watchlist", "/feeds/commitment/MX0081.atom",
                 "/badge/MX0081.svg", "/api/v1/members", "/api/v1/commitments/MX0081?lang=es",
                 "/feeds/watchlist.atom"]
        warm = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        for url in paths:  # the first request of each kind builds it; the load is what follows
            get(warm, url)
        warm.close()
        latencies: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()
        stop = time.monotonic() + seconds

        def client(i: int) -> None:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            n = i
            while time.monotonic() < stop:
                url = paths[n % len(paths)]
                n += 1
                t = time.perf_counter()
                try:
                    status, body = get(conn, url)
                    ok = status == 200 and body
                except (OSError, http.client.HTTPException) as exc:
                    ok, status = False, repr(exc)
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                ms = (time.perf_counter() - t) * 1000
                with lock:
                    latencies.append(ms)
                    if not ok:
                        errors.append(f"{url}: {status}")
            conn.close()

        threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
        started = time.perf_counter()
        for th in threads:
            th.start()
        for th in threads:
            th.join(timeout=seconds + 60)
        elapsed = time.perf_counter() - started
        return {"clients": clients, "seconds": round(elapsed, 1), "requests": len(latencies), "errors": len(errors),
                "error_examples": errors[:5], "rps": len(latencies) / elapsed, "p50_ms": _p(latencies, 50),
                "p95_ms": _p(latencies, 95), "cache_mb": cache_mb}
    finally:
        bench_load.stop(proc)
        log.close()


def progress_files(db: Path, count: int) -> list[Path]:
    """`count` progress CSVs, each a status for every bundled commitment in a period of its own, so every run
    writes new rows (a file imported twice is only 'already imported')."""
    con = duckdb.connect(str(db), read_only=True)
    ids = [r[0] for r in con.execute("select commitment_id from commitment order by 1").fetchall()]
    con.close()
    files = []
    for i in range(count):
        path = OUT / f"api_import_{i}.csv"
        lines = ["commitment_id,period,assessor,status"] + [f"{c},{2030 + i}-06,government,Limited" for c in ids]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        files.append(path)
    return files


def imports(path: Path, runs: int) -> dict:
    """The same files imported by `python -m monitor import FILE` into a stopped dashboard's database and by
    `python -m monitor import FILE --server URL` into `uvicorn app:app` on a copy; each a fresh process, as a
    nightly job runs it; runs alternate."""
    local, served = OUT / "api_import_cli.duckdb", OUT / "api_import_server.duckdb"
    for copy in (local, served):
        Path(f"{copy}.wal").unlink(missing_ok=True)  # a stopped server's log would replay into the new copy
        shutil.copy(path, copy)
    cli = [sys.executable, "-m", "monitor"]
    made = subprocess.run([*cli, "token", "create", "bench@example.org", "--role", "support_unit", "--db",
                           str(served)], cwd=ROOT, capture_output=True, text=True, check=True)
    env = {**os.environ, "MONITOR_TOKEN": made.stdout.strip()}
    files = progress_files(path, runs)
    port = free_port()
    log = open(OUT / "api_import.log", "w")  # noqa: SIM115 (the server writes to it until it stops)
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "app:app", "--host", "127.0.0.1", "--port", str(port),
                             "--log-level", "warning", "--no-access-log"], cwd=ROOT,
                            env={**os.environ, "MONITOR_DB": str(served)}, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait(port, proc)
        get(http.client.HTTPConnection("127.0.0.1", port, timeout=120), "/api/v1/commitments/MX0081")  # opened
        by_cli, by_api = [], []
        for f in files:
            for times, command, environment in ((by_cli, [*cli, "import", str(f), "--db", str(local)], os.environ),
                                                (by_api, [*cli, "import", str(f), "--server",
                                                          f"http://127.0.0.1:{port}"], env)):
                t = time.perf_counter()
                subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, check=True)
                times.append((time.perf_counter() - t) * 1000)
    finally:
        bench_load.stop(proc)
        log.close()
    counts = []
    for db in (local, served):
        con = duckdb.connect(str(db), read_only=True)
        counts.append(con.execute("select count(*) from progress_update").fetchone()[0])
        con.close()
    ratio = statistics.median(by_api) / statistics.median(by_cli)
    return {"runs": runs, "rows_per_file": len(files[0].read_text().splitlines()) - 1,
            "cli_median_ms": statistics.median(by_cli), "api_median_ms": statistics.median(by_api), "ratio": ratio,
            "pass": ratio <= 1.2, "same_rows": counts[0] == counts[1], "progress_rows": counts}


def _wait(port: int, proc) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("uvicorn app:app exited; see bench/out/api_load_*.log")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            if get(conn, "/_stcore/health")[0] == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("uvicorn app:app did not start")


def _p(values: list[float], q: int) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))] if values else float("nan")


def markdown(result: dict) -> str:
    lines = [MD_START, "", "## Read API (bench/bench_api.py)", "",
             f"Run {result['run_at']} on {result['machine']}, "
             f"{', '.join(f'{x:.1f}' for x in result['load_after'])} at the end (1, 5, 15 min); today "
             f"{result['today']}. Over HTTP on 127.0.0.1 "
             "(uvicorn, keep-alive); medians of " + str(result["runs"]) + " runs after 2 warm-ups. Uncached: the "
             "response cache off, every request builds its body; cached: as deployed (an ETag-keyed cache of built "
             "bodies, one data-version read per hit).", "",
             "### Bundled data", "",
             "| endpoint | uncached median ms | uncached p90 ms | cached median ms | bar | uncached | cached |",
             "|---|---|---|---|---|---|---|"]
    for r in result["bundled"]:
        bar = f"< {r['bar_ms']:.0f} ms" if r["bar_ms"] else ""
        verdict = lambda ok: "" if ok is None else "pass" if ok else "miss"  # noqa: E731
        lines.append(f"| {r['endpoint']} | {r['uncached_median_ms']:.1f} | {r['uncached_p90_ms']:.1f} | "
                     f"{r['cached_median_ms']:.1f} | {bar} | {verdict(r['pass_uncached'])} | "
                     f"{verdict(r['pass_cached'])} |")
    if result.get("scaled"):
        lines += ["", f"### Scaled database ({result['scaled_db']}, read-only), response cache off", "",
                  "API median over HTTP against the same `monitor.queries` / `changes_since` functions called "
                  "directly (fresh cursor), runs alternating. The database is a copy of the scaled one with this "
                  "version's migrations applied (mandates, link checks, tokens: empty there).", "",
                  "| endpoint | API median ms | functions median ms | ratio | <= 1.5 |", "|---|---|---|---|---|"]
        for r in result["scaled"]:
            lines.append(f"| {r['endpoint']} | {r['api_median_ms']:.1f} | {r['function_median_ms']:.1f} | "
                         f"{r['ratio']:.2f} | {'pass' if r['pass'] else 'miss'} |")
    if result["load"]:
        lines += ["", "### 50 concurrent clients against `uvicorn app:app` (bundled data)", "",
                  "| response cache | clients | seconds | requests | errors | requests/s | p50 ms | p95 ms |",
                  "|---|---|---|---|---|---|---|---|"]
    for r in result["load"]:
        cache = "off" if r["cache_mb"] == "0" else f"{r['cache_mb']} MB"
        lines.append(f"| {cache} | {r['clients']} | {r['seconds']} | "
                     f"{r['requests']:,} | {r['errors']} | {r['rps']:.0f} | {r['p50_ms']:.0f} | {r['p95_ms']:.0f} |")
    if result.get("imports"):
        r = result["imports"]
        lines += ["", "### An import through the API against the CLI into a stopped dashboard's database", "",
                  f"{r['runs']} progress files of {r['rows_per_file']:,} rows each, every one new; each imported by "
                  "a fresh `python -m monitor` process (as a nightly job runs it), wall clock, runs alternating. "
                  f"Both databases ended with the same rows: {'yes' if r['same_rows'] else 'NO'}.", "",
                  "| CLI, stopped dashboard (median ms) | `--server`, running `uvicorn app:app` (median ms) | ratio "
                  "| <= 1.2 |", "|---|---|---|---|",
                  f"| {r['cli_median_ms']:.0f} | {r['api_median_ms']:.0f} | {r['ratio']:.2f} | "
                  f"{'pass' if r['pass'] else 'miss'} |"]
    lines += ["", MD_END]
    return "\n".join(lines)


def write_md(section: str) -> None:
    path = ROOT / "BENCHMARKS.md"
    text = path.read_text(encoding="utf-8")
    if MD_START in text:
        text = re.sub(re.escape(MD_START) + ".*?" + re.escape(MD_END), lambda _: section, text, flags=re.S)
    else:
        text = text.rstrip() + "\n\n" + section + "\n"
    path.write_text(text, encoding="utf-8")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--scaled-db", type=Path, default=SCALED)
    ap.add_argument("--scaled-runs", type=int, default=7)
    ap.add_argument("--skip-scaled", action="store_true")
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--import-runs", type=int, default=5)
    ap.add_argument("--skip-load", action="store_true")
    ap.add_argument("--skip-imports", action="store_true")
    ap.add_argument("--only", default="", help="only the endpoints whose name holds this text (while iterating)")
    ap.add_argument("--write-md", action="store_true")
    args = ap.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    db = OUT / "api_bundled.duckdb"
    if not db.exists():
        print(f"building {db} from data/seed ...", flush=True)
        seed.build(db)
    result = {"run_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "today": date.today().isoformat(),
              "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
                         f"load average {os.getloadavg()[0]:.1f} at the start (the machine is shared)",
              "runs": args.runs}
    print("bundled data:", flush=True)
    result["bundled"] = bundled(db, args.runs, args.only)
    if not args.skip_scaled and args.scaled_db.exists():
        print(f"scaled database {args.scaled_db}:", flush=True)
        result["scaled_db"] = str(args.scaled_db)
        result["scaled"] = scaled(args.scaled_db, args.scaled_runs, args.only)
    result["load"] = []
    if not args.skip_load:
        print(f"{args.clients} clients for {args.seconds:.0f} s against uvicorn app:app:", flush=True)
        result["load"] = [load(db, args.clients, args.seconds, mb) for mb in ("64", "0")]
    for r in result["load"]:
        print(f"  cache {r['cache_mb']} MB: {r['requests']} requests, {r['errors']} errors, {r['rps']:.0f}/s, "
              f"p50 {r['p50_ms']:.0f} ms, p95 {r['p95_ms']:.0f} ms", flush=True)
    if not args.skip_imports:
        print(f"imports, {args.import_runs} runs:", flush=True)
        result["imports"] = r = imports(db, args.import_runs)
        print(f"  CLI {r['cli_median_ms']:.0f} ms, --server {r['api_median_ms']:.0f} ms, ratio {r['ratio']:.2f}, "
              f"same rows {r['same_rows']}", flush=True)
    result["load_after"] = os.getloadavg()
    (OUT / "bench_api.json").write_text(json.dumps(result, indent=2, default=str))
    if args.write_md:
        write_md(markdown(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
