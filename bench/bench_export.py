"""Benchmark (not a test): the meeting pack against plain DataFrame.to_excel, measured in the same run.

Two workloads:
  - one plan's pack: AP_MEX04 on the bundled database (python -m monitor init's data);
  - OGP's whole history: ~6,000 commitments with milestones, ratings, progress and events, built through
    the real writer by bench/scale_db.py.
For each, build_pack (formatted, safe, labelled) is timed against writing the same labelled tables with
DataFrame.to_excel(engine="openpyxl"): no styles, no formula defence, no charts. Medians of --runs runs.
The load average is recorded, because the machine is shared and timings scale with it.

    .venv/bin/python -m bench.bench_export            # writes the bench_export section of BENCHMARKS.md
"""
from __future__ import annotations

import argparse
import io
import os
import platform
import statistics
import sys
import time
from datetime import date
from pathlib import Path

import pandas as pd

from monitor import db, seed
from monitor.export.pack import SHEET_ORDER, build_pack, pack_tables, read_pack_data, sheet_name
from monitor.filters import Filters

ROOT = Path(__file__).resolve().parent.parent

OUT = ROOT / "bench" / "out"
BENCHMARKS = ROOT / "BENCHMARKS.md"
START, END = "<!-- bench_export:start -->", "<!-- bench_export:end -->"
SINCE, TODAY = date(2021, 1, 1), date(2024, 6, 1)
TARGETS = {"plan": 0.5, "history": 5.0}


def bundled_db() -> Path:
    """The bundled data, built once; a failed build leaves no file behind to be measured by mistake."""
    path = OUT / "export_bundled.duckdb"
    if not path.exists():
        partial = OUT / "export_bundled.partial.duckdb"
        partial.unlink(missing_ok=True)
        con = db.open_prepared(partial)
        try:
            seed.init(con)
        finally:
            con.close()
        partial.replace(path)
    return path


def history_db(commitments: int) -> Path:
    from bench.scale_db import SEED, build

    path = OUT / f"export_{commitments}.duckdb"
    if not path.exists():
        build(commitments, path, 1, SEED)
    return path


def median_seconds(work, runs: int) -> tuple[float, float]:
    """Median wall and CPU seconds: on a shared machine the CPU time is the steadier of the two."""
    wall, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        work()
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return statistics.median(wall), statistics.median(cpu)


def plain_to_excel(cur, scope: Filters) -> bytes:
    """The baseline: the pack's own labelled tables, each written by DataFrame.to_excel."""
    tables = pack_tables(read_pack_data(cur, scope, TODAY), "en", SINCE, TODAY)
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for key in SHEET_ORDER:
            tables[key].frame.to_excel(writer, sheet_name=sheet_name(key, "en", SINCE), index=False)
    return buffer.getvalue()


def measure(path: Path, scope: Filters, runs: int) -> dict:
    con = db.connect(path, read_only=True)
    try:
        cur = con.cursor()
        data = read_pack_data(cur, scope, TODAY)
        tables = pack_tables(data, "en", SINCE, TODAY)
        size = {k: len(v.frame) for k, v in tables.items()}
        cells = sum(int(v.frame.notna().sum().sum()) for v in tables.values())
        load = os.getloadavg()[0]
        pack, pack_cpu = median_seconds(lambda: build_pack(cur, scope, lang="en", since=SINCE, today=TODAY), runs)
        plain, plain_cpu = median_seconds(lambda: plain_to_excel(cur, scope), runs)
        nbytes = len(build_pack(cur, scope, lang="en", since=SINCE, today=TODAY))
    finally:
        con.close()
    return {"rows": size, "cells": cells, "pack_s": pack, "pack_cpu": pack_cpu, "plain_s": plain,
            "plain_cpu": plain_cpu, "bytes": nbytes, "load": (load + os.getloadavg()[0]) / 2}


def section(results: dict[str, dict], runs: int) -> str:
    lines = [START, "## Export: meeting pack (bench/bench_export.py)", "",
             f"{date.today().isoformat()}, {os.cpu_count()} cores shared with other work (load average in the "
             f"table), Python {platform.python_version()}, openpyxl with lxml; medians of {runs} runs; "
             f"`today` {TODAY}, `since` {SINCE}. Wall time rises with the load; CPU time is the steadier figure.", "",
             "| workload | rows: commitments / milestones / progress / changes / sources | non-empty cells | "
             "build_pack wall (CPU) | plain to_excel wall (CPU) | pack / plain (CPU) | target | load avg | size |",
             "|---|---|---|---|---|---|---|---|---|"]
    for name, r in results.items():
        rows, target = r["rows"], TARGETS[r["target"]]
        verdict = "met" if r["pack_s"] < target else ("met in CPU time" if r["pack_cpu"] < target else "**missed**")
        lines.append(f"| {name} | {rows['commitments']:,} / {rows['milestones']:,} / {rows['progress']:,} / "
                     f"{rows['changes']:,} / {rows['sources']:,} | {r['cells']:,} | {r['pack_s']:.2f} s "
                     f"({r['pack_cpu']:.2f} s) | {r['plain_s']:.2f} s ({r['plain_cpu']:.2f} s) | "
                     f"{r['pack_s'] / r['plain_s']:.2f} ({r['pack_cpu'] / r['plain_cpu']:.2f}) | < {target} s: "
                     f"{verdict} | {r['load']:.1f} | {r['bytes'] / 1e6:.1f} MB |")
    lines += ["", "build_pack = queries + labelling + formula defence + styles, conditional formats, hyperlinks, "
              "charts; table rows are rendered straight to SpreadsheetML (monitor/export/body.py) and spliced "
              "into the package openpyxl saves. plain to_excel = the same queries and labelled frames written "
              "by `DataFrame.to_excel(engine='openpyxl')`, with none of the formatting or defence.", END]
    return "\n".join(lines)


def write_section(text: str) -> None:
    """Replace only this benchmark's section; the rest of BENCHMARKS.md belongs to other benchmarks."""
    current = BENCHMARKS.read_text(encoding="utf-8") if BENCHMARKS.exists() else "# Benchmarks\n"
    if START in current and END in current:
        head, rest = current.split(START, 1)
        current = head + text + rest.split(END, 1)[1]
    else:
        current = current.rstrip("\n") + "\n\n" + text + "\n"
    BENCHMARKS.write_text(current, encoding="utf-8")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--commitments", type=int, default=6000)
    ap.add_argument("--no-write", action="store_true", help="print the section; leave BENCHMARKS.md alone")
    args = ap.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    results = {}
    try:
        results["one plan: AP_MEX04, bundled data"] = {
            **measure(bundled_db(), Filters(plan=("AP_MEX04",)), args.runs), "target": "plan"}
    except Exception as exc:  # the bundled data may not load yet; the history workload still runs
        print(f"bundled database unavailable: {exc.__class__.__name__}: {str(exc)[:200]}", file=sys.stderr)
    results[f"OGP history: {args.commitments:,} commitments (scale_db)"] = {
        **measure(history_db(args.commitments), Filters(), args.runs), "target": "history"}
    text = section(results, args.runs)
    print(text)
    if not args.no_write:
        write_section(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
