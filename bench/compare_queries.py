"""This checkout's read functions against another checkout's, alternating call by call on one database.

A refactor must leave every figure "unchanged or better": on a shared, noisy machine two separate runs
differ by more than the change, so both versions run in one process, each query alternating between the
baseline's `monitor/queries.py` (loaded from `--baseline`, the rest of `monitor` from here) and ours.

    .venv/bin/python -m bench.compare_queries --baseline /tmp/old-checkout --db bench/out/scaled_600000.duckdb
"""
from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import time
from pathlib import Path

import duckdb

from bench.bench_queries import cases, pick_ids
from monitor import queries


def baseline_queries(checkout: Path):
    spec = importlib.util.spec_from_file_location("baseline_queries", checkout / "monitor" / "queries.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", type=Path, required=True, help="the other checkout (its monitor/queries.py)")
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--only", default="", help="substring of the case names to run")
    args = parser.parse_args(argv)
    old = baseline_queries(args.baseline)
    con = duckdb.connect(str(args.db), read_only=True)
    ratios = []
    print(f"{'query':62s} {'baseline ms':>12s} {'ours ms':>9s} {'ratio':>6s}")
    for name, ours in cases(pick_ids(con)):
        if args.only not in name:
            continue
        theirs = _same_call(ours, old)
        base, mine = [], []
        for _ in range(args.runs):
            base.append(timed(lambda theirs=theirs: theirs(con.cursor())))
            mine.append(timed(lambda ours=ours: ours(con.cursor())))
        ratio = statistics.median(mine) / statistics.median(base)
        ratios.append(ratio)
        print(f"{name:62s} {statistics.median(base):12.1f} {statistics.median(mine):9.1f} {ratio:6.2f}")
    print(f"median ratio ours/baseline over {len(ratios)} queries: {statistics.median(ratios):.2f}")
    return 0


def _same_call(ours, old):
    """The case's lambda calls `queries.<name>`; the same call against the baseline module."""
    def call(cur):
        saved = {name: getattr(queries, name) for name in dir(old) if callable(getattr(old, name, None))
                 and hasattr(queries, name) and not name.startswith("__")}
        try:
            for name in saved:
                setattr(queries, name, getattr(old, name))
            return ours(cur)
        finally:
            for name, fn in saved.items():
                setattr(queries, name, fn)
    return call


if __name__ == "__main__":
    sys.exit(main())
