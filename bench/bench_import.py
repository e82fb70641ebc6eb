"""Import benchmark for the OGP export loader, against baselines measured in the same run.

    python -m bench.bench_import              # 60,000 commitments, writes BENCHMARKS.md
    python -m bench.bench_import --rows 2000  # quick run; prints only (add --write to record it)

Measured, each as the median of --repeat runs (the slow openpyxl baseline runs --pandas-repeat times):
- duckdb read_csv(all_varchar=true) of the CSV into an in-memory table: the floor for parsing this CSV;
- ogp_export.load of the CSV and of the XLSX (read bytes, parse, validate, map, melt);
- the full import: load + monitor.store.apply_batch into a fresh DuckDB file;
- pandas.read_excel(engine='openpyxl', dtype=str) of the same XLSX.
"""
from __future__ import annotations

import argparse
import gc
import os
import platform
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd

from bench import generate
from loaders import ogp_export
from loaders.batch import Batch
from monitor import auth, db, store

BENCH = auth.system("bench")  # the benchmark imports as the monitor itself
OUT = Path(__file__).resolve().parent / "out"
BENCHMARKS = Path(__file__).resolve().parent.parent / "BENCHMARKS.md"
START, END = "<!-- bench_import:start -->", "<!-- bench_import:end -->"
FULL_SIZE = 60_000


def timed(run: Callable[[], object], repeat: int) -> list[float]:
    """Wall-clock seconds of each run; garbage is collected between runs so one run's debris is not the next's cost."""
    seconds = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        run()
        seconds.append(time.perf_counter() - start)
    return seconds


def ensure_files(rows: int, seed: int) -> tuple[Path, Path]:
    """Generate once per size and seed; regeneration takes minutes for the XLSX."""
    csv_path, xlsx_path = OUT / f"ogp_{rows}_{seed}.csv", OUT / f"ogp_{rows}_{seed}.xlsx"
    if not csv_path.exists():
        generate.write_csv(generate.Generator(seed).rows(rows), csv_path)
    if not xlsx_path.exists():
        generate.write_xlsx(generate.Generator(seed).rows(rows), xlsx_path)
    return csv_path, xlsx_path


def duckdb_read_csv(path: Path) -> None:
    con = duckdb.connect()
    con.execute("create table t as select * from read_csv(?, all_varchar = true)", [str(path)])
    con.close()


def load(path: Path) -> Batch:
    batch = ogp_export.load(path.read_bytes(), path.name)
    if batch.errors:
        raise SystemExit(f"the generated file has errors: {batch.errors[:3]}")
    return batch


def full_import(path: Path) -> None:
    with tempfile.TemporaryDirectory() as folder:
        con = db.open_prepared(Path(folder) / "bench.duckdb")
        try:
            store.apply_batch(BENCH, con, load(path))
        finally:
            con.close()


def pandas_openpyxl(path: Path) -> None:
    pd.read_excel(path, engine="openpyxl", dtype=str, keep_default_na=False)


def measure(rows: int, seed: int, repeat: int, pandas_repeat: int) -> dict[str, object]:
    csv_path, xlsx_path = ensure_files(rows, seed)
    counts = load(csv_path).counts()
    runs = {
        "duckdb read_csv(all_varchar) of the CSV": timed(lambda: duckdb_read_csv(csv_path), repeat),
        "ogp_export.load, CSV": timed(lambda: load(csv_path), repeat),
        "full import, CSV (load + apply_batch)": timed(lambda: full_import(csv_path), repeat),
        "ogp_export.load, XLSX (calamine)": timed(lambda: load(xlsx_path), repeat),
        "full import, XLSX (load + apply_batch)": timed(lambda: full_import(xlsx_path), repeat),
        "pandas.read_excel(engine='openpyxl') of the XLSX": timed(lambda: pandas_openpyxl(xlsx_path), pandas_repeat),
    }
    return {"rows": rows, "seed": seed, "counts": counts, "runs": runs,
            "csv_mb": csv_path.stat().st_size / 1e6, "xlsx_mb": xlsx_path.stat().st_size / 1e6}


def report(result: dict[str, object]) -> str:
    runs: dict[str, list[float]] = result["runs"]
    median = {name: statistics.median(s) for name, s in runs.items()}
    rows = result["rows"]
    duck, pandas_xlsx = median["duckdb read_csv(all_varchar) of the CSV"], \
        median["pandas.read_excel(engine='openpyxl') of the XLSX"]
    lines = [
        "## Import: OGP commitment export (bench/bench_import.py)",
        "",
        f"{rows:,} generated commitments (seed {result['seed']}, `bench/generate.py`): CSV {result['csv_mb']:.0f} MB, "
        f"XLSX {result['xlsx_mb']:.0f} MB. Rows produced: "
        + ", ".join(f"{name} {n:,}" for name, n in result["counts"].items()) + ".",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()}, "
        f"{os.cpu_count()} cores (shared, noisy), Python {platform.python_version()}, duckdb {duckdb.__version__}, "
        f"pandas {pd.__version__}. Median of the runs listed; times in seconds.",
        "",
        "| measurement | runs | median s | rows/s | vs duckdb read_csv | runs (s) |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for name, seconds in runs.items():
        m = median[name]
        lines.append(f"| {name} | {len(seconds)} | {m:.2f} | {rows / m:,.0f} | {m / duck:.2f}x | "
                     + ", ".join(f"{s:.2f}" for s in seconds) + " |")
    lines += [
        "",
        f"- CSV load / duckdb raw read: **{median['ogp_export.load, CSV'] / duck:.2f}x** (target: within ~3x).",
        f"- pandas+openpyxl / XLSX load: **{pandas_xlsx / median['ogp_export.load, XLSX (calamine)']:.1f}x** faster "
        "(target: at least 5x).",
        "- The loader's time includes reading the file, validating every cell, and melting every IRM indicator "
        "into assessment rows; the duckdb baseline only parses the CSV into a table of text.",
        "- Full import adds `monitor.store.apply_batch` (one transaction: upsert by primary key, marts refresh, "
        "search index) into a fresh file.",
    ]
    if len(runs["pandas.read_excel(engine='openpyxl') of the XLSX"]) < len(runs["ogp_export.load, CSV"]):
        lines.append("- The pandas+openpyxl baseline ran fewer times than the others because each run takes minutes.")
    return "\n".join(lines)


def write_section(section: str, path: Path = BENCHMARKS) -> None:
    """Replace only this benchmark's section; the rest of the file belongs to other benchmarks."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    block = f"{START}\n{section}\n{END}"
    if START in text and END in text:
        before, rest = text.split(START, 1)
        text = before + block + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=FULL_SIZE)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pandas-repeat", type=int, default=1)
    parser.add_argument("--write", action="store_true", help="record in BENCHMARKS.md (default at full size)")
    args = parser.parse_args()
    section = report(measure(args.rows, args.seed, args.repeat, args.pandas_repeat))
    print(section)
    if args.write or args.rows == FULL_SIZE:
        write_section(section)


if __name__ == "__main__":
    main()
