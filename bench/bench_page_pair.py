"""One page, two checkouts, runs alternating: does a change make the page's run slower? (not a test)

Starts `streamlit run dashboard.py` from each checkout, each on its own database (built by that checkout's
`monitor init`, so each reads the schema it knows), opens one protocol-level session to each (bench_load's Tab),
and asks for the page in turns: baseline, current, baseline, ... so the noise of a shared machine falls on both.
Both servers trust an identity header nobody sends, so each page is the public's (a loopback server without
one would be the local owner's, with the editing forms). Per checkout: the first run (the page's cached
sections empty) and the median of the warm runs, with the server CPU each run cost (from /proc); then the ratio
current / baseline.

    .venv/bin/python -m bench.bench_page_pair --baseline /work/wt/old --baseline-db old.duckdb --db new.duckdb
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import tempfile
from pathlib import Path

from bench.bench_load import ROOT, Tab, cpu_s, dashboard, page_run

# proxy mode with no proxy in front: no request carries the header, so every visitor is the public
PUBLIC = ("--server.trustedUserHeaders", '{"X-Forwarded-Email": "email"}')


async def alternate(servers: dict[str, tuple[str, int]], page: str, query: str, marker: str, runs: int) -> dict:
    out = {name: {"warm_s": [], "cpu_s": []} for name in servers}
    async with contextlib.AsyncExitStack() as stack:
        tabs = {name: await stack.enter_async_context(Tab(url)) for name, (url, _) in servers.items()}
        for name, tab in tabs.items():
            await page_run(tab, "", "", "Portfolio overview")  # the process's cold start, not the page's
            pid = servers[name][1]
            before = cpu_s(pid)
            out[name]["first_s"] = await page_run(tab, page, query, marker)
            out[name]["first_cpu_s"] = cpu_s(pid) - before
        for _ in range(runs):
            for name, tab in tabs.items():
                pid = servers[name][1]
                before = cpu_s(pid)
                out[name]["warm_s"].append(await page_run(tab, page, query, marker))
                out[name]["cpu_s"].append(cpu_s(pid) - before)
    for figures in out.values():
        figures["warm_median_s"] = statistics.median(figures["warm_s"])
        figures["cpu_median_s"] = statistics.median(figures["cpu_s"])
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--baseline", type=Path, required=True, help="the earlier checkout (a git worktree)")
    ap.add_argument("--baseline-db", type=Path, required=True)
    ap.add_argument("--db", type=Path, required=True, help="this checkout's database")
    ap.add_argument("--page", default="commitment")
    ap.add_argument("--query", default="id=MX0081")
    ap.add_argument("--marker", default="MX0081")
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--rounds", type=int, default=1, help="fresh servers this many times (first runs repeat)")
    args = ap.parse_args()
    rounds = []
    with tempfile.TemporaryDirectory() as logs:
        for i in range(args.rounds):
            with contextlib.ExitStack() as stack:
                servers = {
                    "baseline": stack.enter_context(dashboard(args.baseline, args.baseline_db,
                                                              Path(logs) / f"baseline{i}.log", PUBLIC)),
                    "current": stack.enter_context(dashboard(ROOT, args.db, Path(logs) / f"current{i}.log", PUBLIC)),
                }
                rounds.append(asyncio.run(alternate(servers, args.page, args.query, args.marker, args.runs)))
    summary = {}
    for name in ("baseline", "current"):
        summary[name] = {
            "first_s": statistics.median(r[name]["first_s"] for r in rounds),
            "first_cpu_s": statistics.median(r[name]["first_cpu_s"] for r in rounds),
            "warm_median_s": statistics.median(x for r in rounds for x in r[name]["warm_s"]),
            "cpu_median_s": statistics.median(x for r in rounds for x in r[name]["cpu_s"]),
        }
    ratio = {k: summary["current"][k] / summary["baseline"][k] for k in summary["current"]}
    print(json.dumps({"summary": summary, "ratio": ratio, "load": os.getloadavg(), "rounds": rounds}, indent=1))


if __name__ == "__main__":
    main()
