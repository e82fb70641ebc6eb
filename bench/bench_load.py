"""Load benchmark (not a test): many sessions on one dashboard process, spoken to at the protocol level.

Each simulated user opens Streamlit's websocket as a browser tab would and asks for page runs, with no
browser: the overview, the watchlist, MX0081's page and compare, `--rounds` times, thinking `--think`
seconds (x0.5-1.5) between pages. A run counts from the request to the server's "script finished"; it is
an error when the connection fails, the page shows an exception, it ends without its marker text, or it
times out. One extra session drops its connection in the middle of a run (as a closed laptop would), and
a fresh session must still load the overview afterwards.

Phases, on the bundled data (`python -m monitor init`), each on a freshly started server:
- solo: one session, each page `--solo-runs` times after a first run: the latency of a page's run, and the
  server CPU it costs (from /proc); the overview's first run is the process's cold start;
- per `--sessions` count (default 25 and 50), the crowd twice: on the fresh server (the first sessions wait
  for its cold start), then again on the same, running one: errors, first-load and steady p50/p95/p99,
  server memory before and at its peak.

`--baseline REV` runs the same phases on an earlier revision of this repository (`git archive` into
bench/out/), in the same invocation, and reports the ratios. Written to BENCHMARKS.md between the
bench_load markers; raw figures to bench/out/load_<date>.json.

    .venv/bin/python bench/bench_load.py                        # ~8 min
    .venv/bin/python bench/bench_load.py --baseline ff23bdb     # ~20 min, with the before-figures
    .venv/bin/python bench/bench_load.py --sessions 5 --rounds 1 --think 2 --no-write   # smoke test
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
START, END = "<!-- bench_load:start -->", "<!-- bench_load:end -->"
# (page, query string, text the page must show): the walk every simulated user repeats
WALK = (("", "", "Portfolio overview"), ("watchlist", "", "Priority watchlist"),
        ("commitment", "id=MX0081", "MX0081"), ("compare", "", "Compare"))
PAGE_NAMES = {"": "overview", "watchlist": "watchlist", "commitment": "MX0081", "compare": "compare"}
RUN_TIMEOUT_S = 120
TARGETS = {"steady_p95": 1.0, "first_p95": 3.0, "solo_median": 0.1}


# --- one simulated browser tab --------------------------------------------------------------------

class RunFailed(Exception):
    pass


class Tab:
    """A Streamlit session over its websocket: ask for a page run, read messages until the run finishes."""

    def __init__(self, base: str):
        self.base = base
        self.ws = None

    async def __aenter__(self) -> Tab:
        url = self.base.replace("http://", "ws://", 1) + "/_stcore/stream"
        # a browser's Origin: the server refuses a websocket from another site
        self.ws = await websockets.connect(url, subprotocols=["streamlit"], origin=self.base, max_size=None,
                                          open_timeout=30, ping_interval=None)
        return self

    async def __aexit__(self, *exc) -> None:
        await self.ws.close()

    async def request(self, page: str, query: str) -> None:
        msg = BackMsg()
        msg.rerun_script.page_name = page
        msg.rerun_script.query_string = query
        await self.ws.send(msg.SerializeToString())

    async def run(self, page: str, query: str) -> tuple[float, list[str]]:
        """(seconds from request to "script finished", texts shown); RunFailed on an exception or a bad end."""
        started = time.perf_counter()
        await self.request(page, query)
        texts = []
        while True:
            msg = ForwardMsg()
            msg.ParseFromString(await asyncio.wait_for(self.ws.recv(), RUN_TIMEOUT_S))
            kind = msg.WhichOneof("type")
            if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                element = msg.delta.new_element
                shown = element.WhichOneof("type")
                if shown == "exception":
                    raise RunFailed(f"exception: {element.exception.message[:100]}")
                if shown in ("markdown", "heading"):
                    texts.append(getattr(element, shown).body)
            elif kind == "page_not_found":
                raise RunFailed("page not found")
            elif kind == "script_finished":
                if msg.script_finished != ForwardMsg.FINISHED_SUCCESSFULLY:
                    raise RunFailed(f"run ended with status {msg.script_finished}")
                return time.perf_counter() - started, texts

    def drop(self) -> None:
        """Close the connection abruptly, without a websocket goodbye."""
        self.ws.transport.abort()


async def page_run(tab: Tab, page: str, query: str, marker: str) -> float:
    seconds, texts = await tab.run(page, query)
    if not any(marker in t for t in texts):
        raise RunFailed(f"{marker!r} not shown")
    return seconds


# --- the server -----------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def dashboard(app_dir: Path, db_file: Path, log_file: Path, options: tuple[str, ...] = ()):
    """`streamlit run dashboard.py` in `app_dir` on a free port, with more Streamlit `options`: yields (url, pid)."""
    port = free_port()
    with open(log_file, "w") as log:  # the server writes to its own copy of the handle
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.headless", "true",
             "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none", *options],
            cwd=app_dir, env={**os.environ, "MONITOR_DB": str(db_file), "PYTHONPATH": str(app_dir)},
            stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while not healthy(url):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"dashboard did not start:\n{log_file.read_text()[-3000:]}")
            time.sleep(0.3)
        yield url, proc.pid
    finally:
        stop(proc)


def stop(proc: subprocess.Popen) -> None:
    """Ask a child server to stop; kill it if it has not within 15 s."""
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()


def healthy(url: str) -> bool:
    try:
        return urllib.request.urlopen(url + "/_stcore/health", timeout=2).read() == b"ok"
    except OSError:
        return False


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:")) / 1024


def cpu_s(pid: int) -> float:
    """User + system CPU seconds the process has used, all threads."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# --- phases ---------------------------------------------------------------------------------------

def quantiles(xs: list[float]) -> dict[str, float | None]:
    if len(xs) < 2:
        return {"p50": None, "p95": None, "p99": None}
    q = statistics.quantiles(xs, n=100, method="inclusive")
    return {"p50": q[49], "p95": q[94], "p99": q[98]}


async def solo(url: str, pid: int, runs: int) -> dict:
    """One session on a fresh server, each page `runs` times after a first run: latency and server CPU per run.
    The overview's first run is the process's cold start (imports, opening the database, building the page)."""
    out = {}
    async with Tab(url) as tab:
        for page, query, marker in WALK:
            first = await page_run(tab, page, query, marker)
            if not page:
                out["cold_first_run_s"] = first
            times, cpu = [], cpu_s(pid)
            for _ in range(runs):
                times.append(await page_run(tab, page, query, marker))
            out[PAGE_NAMES[page]] = {"median_s": statistics.median(times), "min_s": min(times),
                                     "cpu_per_run_s": (cpu_s(pid) - cpu) / runs}
    return out


@dataclass
class Load:
    first: list[float] = field(default_factory=list)
    steady: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


async def user(url: str, number: int, rounds: int, think: float, load: Load, rng: random.Random) -> None:
    await asyncio.sleep(rng.uniform(0, min(think, 5)))
    try:
        async with Tab(url) as tab:
            for r in range(rounds):
                for page, query, marker in WALK:
                    try:
                        seconds = await page_run(tab, page, query, marker)
                    except (TimeoutError, RunFailed) as exc:
                        load.errors.append(f"session {number}, {PAGE_NAMES[page]}: {exc or 'timeout'}")
                        return
                    (load.first if r == 0 and page == "" else load.steady).append(seconds)
                    await asyncio.sleep(think * rng.uniform(0.5, 1.5))
    except (OSError, websockets.WebSocketException) as exc:
        load.errors.append(f"session {number}: {type(exc).__name__}: {str(exc)[:100]}")


async def dropper(url: str, delay: float) -> str:
    """A session that loads the overview, then drops its connection in the middle of its next run."""
    await asyncio.sleep(delay)
    try:
        async with Tab(url) as tab:
            await page_run(tab, *WALK[0])
            await tab.request("commitment", "id=MX0081")
            await asyncio.sleep(0.05)
            tab.drop()
    except Exception as exc:  # noqa: BLE001 - the drop itself may race the close; only the server's answer counts
        return f"dropped ({type(exc).__name__})"
    return "dropped mid-run"


async def after_drop(url: str, load: Load) -> None:
    try:
        async with Tab(url) as tab:
            await page_run(tab, *WALK[0])
    except Exception as exc:  # noqa: BLE001
        load.errors.append(f"a fresh session after the drop: {type(exc).__name__}: {str(exc)[:100]}")


async def crowd(url: str, pid: int, sessions: int, rounds: int, think: float, seed: int) -> dict:
    load, rng = Load(), random.Random(seed)
    peak, before, started = [rss_mb(pid)], rss_mb(pid), time.perf_counter()
    cpu = cpu_s(pid)

    async def watch():
        while True:
            await asyncio.sleep(0.5)
            peak.append(rss_mb(pid))

    watcher = asyncio.create_task(watch())
    users = [user(url, i, rounds, think, load, random.Random(rng.random())) for i in range(sessions)]
    drop, *_ = await asyncio.gather(dropper(url, think * 2), *users)
    await after_drop(url, load)
    watcher.cancel()
    runs = len(load.first) + len(load.steady)
    return {"sessions": sessions, "rounds": rounds, "think_s": think, "runs": runs, "errors": load.errors,
            "first": quantiles(load.first), "steady": quantiles(load.steady), "drop": drop,
            "wall_s": time.perf_counter() - started, "cpu_s": cpu_s(pid) - cpu,
            "rss_before_mb": before, "rss_peak_mb": max(peak), "rss_end_mb": rss_mb(pid)}


def measure(app_dir: Path, work: Path, args) -> dict:
    """Every phase on the tree in `app_dir`, its database built by its own `monitor init`."""
    db_file = work / "monitor.duckdb"
    subprocess.run([sys.executable, "-m", "monitor", "init", "--db", str(db_file)], cwd=app_dir, check=True,
                   env={**os.environ, "PYTHONPATH": str(app_dir)}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    result = {}
    with dashboard(app_dir, db_file, work / "solo.log") as (url, pid):
        result["solo"] = asyncio.run(solo(url, pid, args.solo_runs))
        print(f"  solo: {json.dumps(result['solo'])}", flush=True)
    for n in args.sessions:
        with dashboard(app_dir, db_file, work / f"load_{n}.log") as (url, pid):
            # a fresh server first: the first sessions' first loads wait for the process's cold start; then the
            # same crowd again on the running server, as after a restart some time ago
            for state in ("fresh", "running"):
                phase = asyncio.run(crowd(url, pid, n, args.rounds, args.think, args.seed))
                phase["healthy_after"] = healthy(url)
                result[f"sessions_{n}_{state}"] = phase
                print(f"  {n} sessions, {state} server: {json.dumps(phase)}", flush=True)
    return result


def baseline_tree(rev: str) -> Path:
    """The repository at `rev`, exported (not checked out) under bench/out/."""
    folder = OUT / f"baseline_{rev}"
    if not (folder / "dashboard.py").exists():
        folder.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "archive", rev], cwd=ROOT, check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


# --- report ---------------------------------------------------------------------------------------

def ms(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds * 1000:,.0f} ms"


def ratio(now: float | None, before: float | None) -> str:
    return f"{now / before:.2f}x" if now and before else "-"


def section(now: dict, before: dict | None, args) -> str:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    title = f"`--baseline {args.baseline}` (measured in the same invocation)" if before else "no baseline"
    lines = [START, "## Load: many sessions on one dashboard process", "",
             f"Measured {date.today().isoformat()} by `bench/bench_load.py` on {platform.machine()}, "
             f"{os.cpu_count()} cores, Python {platform.python_version()}; bundled data; protocol-level sessions "
             f"(no browsers); {title}. Load average at the end (1, 5, 15 min): {load}.", "",
             f"Solo: one session, each page {args.solo_runs} times after a first run; a run is the request to "
             "\"script finished\" on the loopback, CPU is the server process's per run.", "",
             "| Page | Median run | Min | Server CPU per run | Target | Verdict |"
             + (" Before (median) | Ratio |" if before else ""),
             "|---|---|---|---|---|---|" + ("---|---|" if before else "")]
    for page, s in ((k, v) for k, v in now["solo"].items() if isinstance(v, dict)):
        verdict = "within" if s["median_s"] <= TARGETS["solo_median"] else "OVER"
        row = (f"| {page} | {ms(s['median_s'])} | {ms(s['min_s'])} | {ms(s['cpu_per_run_s'])} | "
               f"{ms(TARGETS['solo_median'])} | {verdict} |")
        if before:
            b = before["solo"][page]["median_s"]
            row += f" {ms(b)} | {ratio(s['median_s'], b)} |"
        lines.append(row)
    cold = ms(now["solo"]["cold_first_run_s"])
    lines += ["", f"The overview's first run on the fresh server (the process's cold start: imports, opening the "
              f"database, building the page): {cold}"
              + (f", before {ms(before['solo']['cold_first_run_s'])}." if before else ".")]
    lines += ["", f"Crowds: each session walks overview, watchlist, MX0081, compare {args.rounds} times, thinking "
              f"{args.think:g} s (x0.5-1.5) between pages, after a random start within {min(args.think, 5):g} s; "
              "one more session drops its connection mid-run, and a fresh session loads the overview after "
              "everyone is done. First load = each session's first overview. Each crowd meets a freshly started server "
              "(the first sessions wait for its cold start), then comes again to the same, running server.", "",
              "| Sessions | Runs | Errors | First load p50 / p95 / p99 | Steady p50 / p95 / p99 | Server RSS before "
              "-> peak | Server CPU | Verdict |", "|---|---|---|---|---|---|---|---|"]
    for key in (k for k in now if k.startswith("sessions_")):
        state = key.rsplit("_", 1)[1]
        for label, figures in (("now", now[key]), ("before", before.get(key) if before else None)):
            if not figures:
                continue
            f, s = figures["first"], figures["steady"]
            ok = not figures["errors"] and figures["healthy_after"]
            if figures["sessions"] <= 25:
                ok = ok and (s["p95"] or 0) <= TARGETS["steady_p95"] and (f["p95"] or 0) <= TARGETS["first_p95"]
            name = f"{figures['sessions']}, {state} server" + (f" ({label})" if before else "")
            lines.append(f"| {name} | {figures['runs']} | {len(figures['errors'])} | "
                         f"{ms(f['p50'])} / {ms(f['p95'])} / {ms(f['p99'])} | "
                         f"{ms(s['p50'])} / {ms(s['p95'])} / {ms(s['p99'])} | "
                         f"{figures['rss_before_mb']:.0f} -> {figures['rss_peak_mb']:.0f} MB | "
                         f"{figures['cpu_s']:.0f} s in {figures['wall_s']:.0f} s | {'met' if ok else 'MISSED'} |")
    lines += ["", "Targets: 25 sessions with 0 errors, steady p95 <= 1 s, first load p95 <= 3 s; 50 sessions with "
              "0 errors; a page's solo run under 100 ms.", END]
    return "\n".join(lines)


def write(text: str, path: Path = ROOT / "BENCHMARKS.md") -> None:
    """Replace only our section; add it at the end if absent."""
    current = path.read_text(encoding="utf-8")
    if START in current and END in current:
        head, rest = current.split(START, 1)
        current = head + text + rest.split(END, 1)[1]
    else:
        current = current.rstrip("\n") + "\n\n" + text + "\n"
    path.write_text(current, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=lambda s: [int(n) for n in s.split(",")], default=[25, 50],
                        help="comma-separated session counts, one phase each (default 25,50)")
    parser.add_argument("--rounds", type=int, default=2, help="walks per session")
    parser.add_argument("--think", type=float, default=10.0, help="seconds between pages")
    parser.add_argument("--solo-runs", type=int, default=10)
    parser.add_argument("--baseline", help="a git revision to measure the same way, for the before-figures")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--no-write", action="store_true", help="print, but leave BENCHMARKS.md alone")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    figures = {}
    with tempfile.TemporaryDirectory() as scratch:
        if args.baseline:
            print(f"baseline {args.baseline}:", flush=True)
            (Path(scratch) / "before").mkdir()
            figures["before"] = measure(baseline_tree(args.baseline), Path(scratch) / "before", args)
        print("this tree:", flush=True)
        (Path(scratch) / "now").mkdir()
        figures["now"] = measure(ROOT, Path(scratch) / "now", args)
    (OUT / f"load_{date.today().isoformat()}.json").write_text(json.dumps(figures, indent=1))
    text = section(figures["now"], figures.get("before"), args)
    if not args.no_write:
        write(text)
    print(text)


if __name__ == "__main__":
    main()
