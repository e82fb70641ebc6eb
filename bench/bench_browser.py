"""Browser benchmark (not a test): navigation to the overview drawn, on the bundled data.

"Drawn" = the script finished, the heading is shown and the status chart's marks are visible (the overview's
charts are Vega-Lite: marks drawn inside its SVG, or its canvas when Streamlit switches a big chart to one).
Three ways to arrive, each the median of `--runs` after one warm-up: a first visit (a new browser profile:
nothing cached), a returning visitor (same profile, new tab) and navigation inside the app (sidebar link from
a commitment page). Written to BENCHMARKS.md between the bench_browser markers (other sections belong to others).

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
    from monitor import seed

    path = folder / "monitor.duckdb"
    seed.build(path)
    return path


# the overview's status chart (its alt text, "Status per ...", is its aria-label): the commitment page that in-app
# navigation starts from draws a Vega-Lite chart too, which may still be on screen when the overview's run starts
STATUS_CHART = "[data-testid=stVegaLiteChart][aria-label^='Status ']"
CHART_DRAWN = f"{STATUS_CHART} svg.marks .role-mark, {STATUS_CHART} canvas.marks"


def drawn(page, started: float) -> float:
    wait_for_run(page)
    page.get_by_role("heading", name="Portfolio overview").wait_for(state="visible", timeout=60_000)
    page.locator(CHART_DRAWN).first.wait_for(state="visible", timeout=60_000)
    return time.perf_counter() - started


def first_visit(browser, url: str) -> float:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        started = time.perf_counter()
        page.goto(url + "/")
        return drawn(page, started)
    finally:
        context.close()


def returning_visit(context, url: str) -> float:
    page = context.new_page()
    try:
        started = time.perf_counter()
        page.goto(url + "/")
        return drawn(page, started)
    finally:
        page.close()


def in_app_navigation(context, url: str) -> float:
    page = context.new_page()
    try:
        page.goto(url + "/commitment?id=MX0081")
        wait_for_run(page)
        started = time.perf_counter()
        page.get_by_role("link", name="Portfolio overview").first.click()
        page.wait_for_url(lambda u: "commitment" not in u)
        return drawn(page, started)
    finally:
        page.close()


def measure(runs: int) -> dict[str, list[float]]:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        db_file = bundled_database(Path(folder))
        proc, url = start_server(db_file, Path(folder) / "streamlit.log")
        try:
            with sync_playwright() as p:
                browser = launch_browser(p)
                context = browser.new_context(viewport={"width": 1400, "height": 1000})
                scenarios = {"first visit (nothing cached)": lambda: first_visit(browser, url),
                             "returning visitor (browser cache)": lambda: returning_visit(context, url),
                             "navigation inside the app": lambda: in_app_navigation(context, url)}
                times = {}
                for name, run in scenarios.items():
                    run()  # warm-up: the app process's caches, and this scenario's browser state
                    times[name] = [run() for _ in range(runs)]
                browser.close()
        finally:
            stop_server(proc)
    return times


def section(times: dict[str, list[float]]) -> str:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    rows = [f"| {name} | {statistics.median(t):.2f} s | {min(t):.2f} s | {max(t):.2f} s | {TARGET_S:.0f} s | "
            f"{'within' if statistics.median(t) <= TARGET_S else 'OVER'} |" for name, t in times.items()]
    return "\n".join([
        START,
        "## Browser: overview drawn after navigation",
        "",
        f"Measured {date.today().isoformat()} by `bench/bench_browser.py` on {platform.machine()}, "
        f"Python {platform.python_version()}, headless Debian Chromium; bundled data; per way of arriving, one "
        f"warm-up then {len(next(iter(times.values())))} runs. Drawn = script finished, heading shown and the "
        f"status chart's marks visible. Load average at the end (1, 5, 15 min): {load} on {os.cpu_count()} "
        "cores; the box is shared, so a high load inflates these times.",
        "",
        "| Arriving by | Median | Min | Max | Target | Verdict |",
        "|---|---|---|---|---|---|",
        *rows,
        "",
        *[f"Runs, {name} (s): " + ", ".join(f"{x:.2f}" for x in t) for name, t in times.items()],
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
