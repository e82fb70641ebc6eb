"""Time every read function the pages call, on a scaled database, against the same SQL run bare.

For each case the function runs through monitor.queries with a fresh cursor per call (as the app does);
the SQL it executes is captured by a cursor wrapper and then run bare (same text, same parameters,
fetchall, no pandas). Function and bare runs alternate, so noise on the shared machine hits both alike.
The ratio (function median / bare median) is the overhead of our Python/pandas layer.

    .venv/bin/python -m bench.scale_db                       # build bench/out/scaled_600000.duckdb first
    .venv/bin/python -m bench.bench_queries                  # 15 runs each, writes bench/out/*.json
    .venv/bin/python -m bench.bench_queries --write-md       # also updates the BENCHMARKS.md section
    .venv/bin/python -m bench.bench_queries --db bench/out/scaled_20000.duckdb --runs 5   # smoke test

    # prove a performance change leaves results identical:
    .venv/bin/python -m bench.bench_queries --db X --snapshot before.pkl   (then change code)
    .venv/bin/python -m bench.bench_queries --db X --snapshot after.pkl --diff before.pkl
"""
from __future__ import annotations

import argparse
import json
import os
import pickle
import platform
import re
import statistics
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pandas as pd

from monitor import queries
from monitor.filters import Filters
from vocabulary.links import web_urls

ROOT = Path(__file__).resolve().parent.parent

BAR_MS = 150.0
MD_START, MD_END = "<!-- bench_queries:start -->", "<!-- bench_queries:end -->"
TODAY = date(2026, 11, 23)  # fixed, so runs on different days read the same rows


class Recorder:
    """A cursor stand-in that records every statement it runs and returns the real result."""

    def __init__(self, cur):
        self._cur = cur
        self.statements: list[tuple[str, object]] = []

    def execute(self, sql, params=None):
        self.statements.append((sql, params))
        return self._cur.execute(sql, params) if params is not None else self._cur.execute(sql)

    def __getattr__(self, name):
        return getattr(self._cur, name)


def pick_ids(con) -> dict:
    """Typical subjects: a watched commitment with updates, and the largest member and a common policy area."""
    cid = con.execute("""select commitment_id from mart_commitment
                         where is_watched and count_updates >= 3 and count_milestones >= 3
                         order by commitment_id limit 1""").fetchone()
    cid = cid[0] if cid else con.execute("select min(commitment_id) from mart_commitment").fetchone()[0]
    member = con.execute(
        """select member_code from mart_commitment group by 1 order by count(*) desc, 1 limit 1""").fetchone()[0]
    area = con.execute("""select tag from commitment_tag where value = '1' and tag = 'Data Stewardship and Privacy'
                          limit 1""").fetchone()
    area = area[0] if area else con.execute("select min(tag) from commitment_tag").fetchone()[0]
    return {"commitment_id": cid, "member": member, "policy_area": area, "q": "beneficial ownership",
            "links": page_links(con.cursor(), cid)}


def cases(ids: dict) -> list[tuple[str, object]]:
    f0 = Filters()
    fm = Filters(member=(ids["member"],))
    fp = Filters(policy_area=(ids["policy_area"],))
    fq = Filters(q=ids["q"])
    cid = ids["commitment_id"]
    t = TODAY
    out = [
        ("commitments(limit=500)", lambda c: queries.commitments(c, f0, t, limit=500)),
        ("count_commitments", lambda c: queries.count_commitments(c, f0, t)),
        ("headline", lambda c: queries.headline(c, f0, t)),
        ("distribution(rag, plan)", lambda c: queries.distribution(c, f0, "rag", "action_plan_id", t)),
        ("distribution(irm_completion, plan)",
         lambda c: queries.distribution(c, f0, "irm_completion", "action_plan_id", t)),
        ("distribution(results_band, plan)",
         lambda c: queries.distribution(c, f0, "results_band", "action_plan_id", t)),
        ("ambition_completion", lambda c: queries.ambition_completion(c, f0, t)),
        ("filter_options", lambda c: queries.filter_options(c)),
        ("commitment(id)", lambda c: queries.commitment(c, cid, t)),
        ("assessments(id)", lambda c: queries.assessments(c, cid)),
        ("milestones(id)", lambda c: queries.milestones(c, cid, t)),
        ("progress_history(id)", lambda c: queries.progress_history(c, cid)),
        ("events(id)", lambda c: queries.events(c, cid)),
        ("tags(id)", lambda c: queries.tags(c, cid)),
        ("sources(id)", lambda c: queries.sources(c, cid)),
        ("timeline(id)", lambda c: queries.timeline(c, cid, t)),
        ("mandates(id)", lambda c: queries.mandates(c, t, commitment_ids=[cid])),
        ("link_checks(id's links)", lambda c: queries.link_checks(c, ids["links"])),
        ("watchlist", lambda c: queries.watchlist(c, t)),
        ("staleness(by member)", lambda c: queries.staleness(c, f0, "member", t)),
        ("staleness(by lead)", lambda c: queries.staleness(c, f0, "lead", t)),
        ("plan_pace", lambda c: queries.plan_pace(c, f0, t)),
        ("compare(by member)", lambda c: queries.compare(c, f0, "member_code", t)),
        ("compare(by plan)", lambda c: queries.compare(c, f0, "action_plan_id", t)),
        ("plan_summaries(all)", lambda c: queries.plan_summaries(c, None)),
        ("import_history", lambda c: queries.import_history(c)),
        ("data_version", lambda c: queries.data_version(c)),
    ]
    for label, f in ((f"member={ids['member']}", fm), (f"policy_area={ids['policy_area']}", fp),
                     (f"q='{ids['q']}'", fq)):
        out += [
            (f"commitments(limit=500) [{label}]", lambda c, f=f: queries.commitments(c, f, t, limit=500)),
            (f"count_commitments [{label}]", lambda c, f=f: queries.count_commitments(c, f, t)),
            (f"headline [{label}]", lambda c, f=f: queries.headline(c, f, t)),
            (f"distribution(rag, plan) [{label}]",
             lambda c, f=f: queries.distribution(c, f, "rag", "action_plan_id", t)),
            (f"compare(by plan) [{label}]", lambda c, f=f: queries.compare(c, f, "action_plan_id", t)),
            (f"staleness(by member) [{label}]", lambda c, f=f: queries.staleness(c, f, "member", t)),
            (f"plan_pace [{label}]", lambda c, f=f: queries.plan_pace(c, f, t)),
        ]
    # one word; a phrase (read in the text of its candidates); one letter (in nearly every text: read it all)
    for q in ("surveillance", '"beneficial ownership"', "e"):
        f = Filters(q=q)
        out += [
            (f"commitments(limit=500) [q='{q}']", lambda c, f=f: queries.commitments(c, f, t, limit=500)),
            (f"headline [q='{q}']", lambda c, f=f: queries.headline(c, f, t)),
        ]
    return out


def page_links(cur, commitment_id: str) -> list[str]:
    """The links the commitment page asks about: its evidence and its events' sources."""
    texts = [*queries.progress_history(cur, commitment_id)["evidence"],
             *queries.events(cur, commitment_id)["source_url"]]
    return sorted({u for text in texts if isinstance(text, str) for u in web_urls(text)})


def capture(con, fn) -> tuple[object, list]:
    rec = Recorder(con.cursor())
    result = fn(rec)
    return result, rec.statements


def run_bare(con, statements) -> None:
    cur = con.cursor()
    for sql, params in statements:
        (cur.execute(sql, params) if params is not None else cur.execute(sql)).fetchall()


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return (time.perf_counter() - t0) * 1000


def quantile(xs, q):
    xs = sorted(xs)
    i = min(len(xs) - 1, max(0, int(round(q * (len(xs) - 1)))))
    return xs[i]


def bench(con, runs: int, warmup: int, only: str | None, slow_runs: int = 0) -> list[dict]:
    ids = pick_ids(con)
    rows = []
    for name, fn in cases(ids):
        if only and not re.search(only, name):
            continue
        _, statements = capture(con, fn)
        for _ in range(warmup):
            fn(con.cursor())
            run_bare(con, statements)
        f_ms, b_ms = [], []
        n = runs
        if slow_runs and timed(lambda fn=fn: fn(con.cursor())) > 1000:
            n = slow_runs  # a query that takes seconds fails the bar by far; fewer runs say so just as well
        for _ in range(n):
            f_ms.append(timed(lambda fn=fn: fn(con.cursor())))
            b_ms.append(timed(lambda statements=statements: run_bare(con, statements)))
        row = {"query": name, "median_ms": statistics.median(f_ms), "p90_ms": quantile(f_ms, 0.9),
               "bare_median_ms": statistics.median(b_ms), "statements": len(statements), "runs": n}
        row["ratio"] = row["median_ms"] / row["bare_median_ms"] if row["bare_median_ms"] else float("nan")
        row["pass"] = row["median_ms"] < BAR_MS
        rows.append(row)
        print(f"{name:55s} {row['median_ms']:8.1f} ms  p90 {row['p90_ms']:8.1f}  bare {row['bare_median_ms']:8.1f}  "
              f"x{row['ratio']:.2f}  {'pass' if row['pass'] else 'FAIL'}", flush=True)
    return rows, ids


def snapshot(con) -> dict:
    ids = pick_ids(con)
    return {name: fn(con.cursor()) for name, fn in cases(ids)}


def _same(a, b) -> bool:
    if isinstance(a, pd.DataFrame):
        try:
            pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True), check_exact=True)
            return True
        except AssertionError as e:
            try:  # a query without ORDER BY (ambition_completion) may return its rows in any order
                key = [c for c in a.columns if a[c].map(lambda v: isinstance(v, (list, dict))).sum() == 0]
                pd.testing.assert_frame_equal(a.sort_values(key).reset_index(drop=True),
                                              b.sort_values(key).reset_index(drop=True), check_exact=True)
                print("  (same rows, different order: the query has no ORDER BY)")
                return True
            except (AssertionError, TypeError, KeyError):
                print(str(e)[:600])
                return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    try:
        return bool(a == b) or (pd.isna(a) and pd.isna(b))
    except (TypeError, ValueError):
        return repr(a) == repr(b)


def diff(before: dict, after: dict) -> bool:
    ok = True
    for name in before:
        same = name in after and _same(before[name], after[name])
        ok &= same
        print(f"{'same' if same else 'DIFFERENT':9s} {name}")
    return ok


def facts(con, db_path: Path) -> dict:
    counts = {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in
              ("member", "action_plan", "commitment", "commitment_tag", "milestone", "assessment",
               "progress_update", "event", "watchlist", "source_file", "mart_commitment", "mart_milestone_status")}
    return {"db": str(db_path.relative_to(ROOT) if db_path.is_relative_to(ROOT) else db_path),
            "size_mb": round(db_path.stat().st_size / 1e6), "row_counts": counts,
            "nproc": os.cpu_count(), "duckdb": duckdb.__version__, "pandas": pd.__version__,
            "python": platform.python_version(),
            "threads": con.execute("select current_setting('threads')").fetchone()[0],
            "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")}


def markdown(rows: list[dict], info: dict, ids: dict, runs: int, extra: str = "") -> str:
    c = info["row_counts"]
    lines = [
        MD_START,
        "## Page queries on a database scaled to 100x OGP's history (bench/bench_queries.py)",
        "",
        f"- Date: {info['date']}; machine: {info['nproc']} cores (shared, noisy), DuckDB {info['duckdb']}, "
        f"pandas {info['pandas']}, Python {info['python']}, DuckDB threads {info['threads']}.",
        f"- Database: `{info['db']}`, built by `bench/scale_db.py` through `monitor.store.apply_batch`; "
        f"{info['size_mb']:,} MB on disk.",
        f"- Rows: {c['commitment']:,} commitments, {c['milestone']:,} milestones, {c['assessment']:,} assessments, "
        f"{c['progress_update']:,} progress updates, {c['commitment_tag']:,} policy-area tags, {c['event']:,} events, "
        f"{c['watchlist']:,} watched, {c['action_plan']:,} plans, {c['member']:,} members.",
        f"- Each query: median and p90 of {runs} runs (fewer for queries taking seconds: see the runs column) "
        "through the `monitor.queries` function (fresh cursor per call, "
        "DataFrame out), and the median of the same SQL text and parameters run bare (`fetchall`, no pandas), "
        "runs alternating. Ratio = function median / bare median. Bar: median under 150 ms.",
        f"- Subjects: commitment `{ids['commitment_id']}`, member `{ids['member']}`, policy area "
        f"`{ids['policy_area']}`, search `{ids['q']}`; today fixed at {TODAY.isoformat()}.",
        "",
        "| query | median ms | p90 ms | bare median ms | ratio | < 150 ms | runs |",
        "|---|---:|---:|---:|---:|---|---:|",
    ]
    for r in rows:
        lines.append(f"| {r['query']} | {r['median_ms']:.1f} | {r['p90_ms']:.1f} | {r['bare_median_ms']:.1f} | "
                     f"{r['ratio']:.2f} | {'pass' if r['pass'] else '**FAIL**'} | {r['runs']} |")
    failed = [r for r in rows if not r["pass"]]
    lines += ["", f"{len(rows) - len(failed)} of {len(rows)} queries pass the 150 ms bar."]
    if extra:
        lines += ["", extra.strip()]
    lines += [MD_END]
    return "\n".join(lines) + "\n"


def write_md(section: str, path: Path) -> None:
    """Replace only the bench_queries section; create the file if missing; leave other sections alone."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n\n"
    if MD_START in text and MD_END in text:
        head, rest = text.split(MD_START, 1)
        _, tail = rest.split(MD_END, 1)
        text = head + section.rstrip("\n") + tail
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text, encoding="utf-8")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", type=Path, default=ROOT / "bench" / "out" / "scaled_600000.duckdb")
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--slow-runs", type=int, default=0,
                    help="runs for a query whose first timed run exceeds 1 s (default: --runs)")
    ap.add_argument("--only", help="regex on query names")
    ap.add_argument("--write-md", action="store_true", help="update the bench_queries section of BENCHMARKS.md")
    ap.add_argument("--md-notes", type=Path, help="markdown file appended inside the section (findings)")
    ap.add_argument("--snapshot", type=Path, help="pickle every function's result here (no timing)")
    ap.add_argument("--diff", type=Path, help="with --snapshot: compare against this earlier snapshot")
    args = ap.parse_args(argv)
    con = duckdb.connect(str(args.db), read_only=True)
    if args.snapshot:
        snap = snapshot(con)
        args.snapshot.write_bytes(pickle.dumps(snap))
        if args.diff:
            return 0 if diff(pickle.loads(args.diff.read_bytes()), snap) else 1
        return 0
    info = facts(con, args.db)
    print(json.dumps(info))
    rows, ids = bench(con, args.runs, args.warmup, args.only, args.slow_runs)
    out = args.db.with_suffix(".queries.json")
    out.write_text(json.dumps({"facts": info, "subjects": ids, "results": rows}, indent=2))
    print(f"results: {out}")
    if args.write_md:
        notes = args.md_notes.read_text(encoding="utf-8") if args.md_notes else ""
        write_md(markdown(rows, info, ids, args.runs, notes), ROOT / "BENCHMARKS.md")
        print("updated BENCHMARKS.md (bench_queries section)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
