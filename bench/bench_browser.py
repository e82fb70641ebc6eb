"""Browser benchmark (not a test): navigation to the overview drawn, on the bundled data.

"Drawn" = the script finished and a Plotly chart is visible. Median of 5 fresh page loads after one
warm-up, written to BENCHMARKS.md between the bench_browser markers (other sections belong to others).

    .venv/bin/python bench/bench_browser.py [--runs 5]
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "browser")]

from conftest import launch_browser, start_server, stop_server, wait_for_run  # noqa: E402

START, END = "<!-- bench_browser:start -->", "<!-- bench_browser:end -->"
TARGET_S = 2.0


def bundled_database(folder: Path) -> Path:
    """The bundled data as `python -m monitor init` builds it, in a scratch file."""
    from monitor import db, seed

    path = folder / "monitor.duckdb"
    con = db.connect(path)
    try:
        seed.init(con)
    finally:
        con.close()
    return path


def draw_time(browser, url: str) -> float:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        started = time.perf_counter()
        page.goto(url)
        wait_for_run(page)
        page.locator(".js-plotly-plot").first.wait_for(state="visible", timeout=60_000)
        return time.perf_counter() - started
    finally:
        page.close()


def measure(runs: int) -> list[float]:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        db_file = bundled_database(Path(folder))
        proc, url = start_server(db_file, Path(folder) / "streamlit.log")
        try:
            with sync_playwright() as p:
                browser = launch_browser(p)
                draw_time(browser, url + "/")  # warm-up: first run of the app process, caches empty
                times = [draw_time(browser, url + "/") for _ in range(runs)]
                browser.close()
        finally:
            stop_server(proc)
    return times


def section(times: list[float]) -> str:
    median = statistics.median(times)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    verdict = "within" if median <= TARGET_S else "OVER"
    return "\n".join([
        START,
        "## Browser: overview drawn after navigation",
        "",
        f"Measured {date.today().isoformat()} by `bench/bench_browser.py` on {platform.machine()}, "
        f"Python {platform.python_version()}, headless Debian Chromium; bundled data; one warm-up load, then "
        f"{len(times)} fresh pages. Drawn = script finished and the first Plotly chart visible. "
        f"Load average at the end (1, 5, 15 min): {load} on {os.cpu_count()} cores; the box is shared, so "
        "a high load inflates these times.",
        "",
        "| Median | Min | Max | Target | Verdict |",
        "|---|---|---|---|---|",
        f"| {median:.2f} s | {min(times):.2f} s | {max(times):.2f} s | {TARGET_S:.0f} s | {verdict} |",
        "",
        "Runs (s): " + ", ".join(f"{t:.2f}" for t in times),
        END,
    ])


def write(text: str, path: Path = ROOT / "BENCHMARKS.md") -> None:
    """Replace only our section; create it at the end if absent."""
    current = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    if START in current and END in current:
        before, rest = current.split(START, 1)
        after = rest.split(END, 1)[1]
        current = before + text + after
    else:
        current = current.rstrip("\n") + "\n\n" + text + "\n"
    path.write_text(current, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    times = measure(args.runs)
    text = section(times)
    write(text)
    print(text)


if __name__ == "__main__":
    main()
