"""Pending is private: what civil society submits, and what reviewers write, appears in no public read.

A marker string goes into every field of pending, rejected and withdrawn submissions and into reviewers'
notes; then every read function of monitor/queries.py, the meeting pack (every sheet's XML), every CSV
table and the downloads are searched for it. Public reads must also be exactly as they were before.
"""
from __future__ import annotations

import inspect
import io
import re
import zipfile
from datetime import date, datetime
from unittest import mock

import pandas as pd
import pytest
from people import CSO, OTHER_CSO, STAFF

from monitor import db, queries, work
from monitor.export import build_pack, csv_bytes, xlsx_bytes
from monitor.export.cli import CSV_TABLES, TABLE_KEYS
from monitor.export.download import table_csv
from monitor.export.pack import pack_tables, read_pack_data
from monitor.filters import Filters
from tests.webui.test_pages import chart_data, frames, texts
from tests.webui.test_work_pages import open_as
from webui import pages

MARKER = "Zqx7PendingSecret"
NOTE = "Qv9ReviewerNote"
TODAY = date(2026, 11, 23)
COMMITMENT = "MX0081"
# arguments by parameter name; functions taking `column` or `by` are called with every allowed value
ARGUMENTS = {"f": Filters(), "today": TODAY, "limit": 500, "commitment_id": COMMITMENT, "action_plan_ids": None,
             "case_id": "MX-RP-2018", "commitment_ids": None, "urls": None, "offset": 0}
VARIANTS = {"distribution": [{"column": c, "by": b} for c in ("rag", "irm_completion", "results_band", "ambition_band")
                             for b in ("action_plan_id", "member_code", "region")],
            "compare": [{"by": b} for b in ("action_plan_id", "member_code", "region")],
            "staleness": [{"by": b} for b in ("member", "lead")]}
NOT_READS = {"where"}  # builds a WHERE clause; runs no query of its own


def read_functions() -> list[str]:
    return sorted(name for name, fn in inspect.getmembers(queries, inspect.isfunction)
                  if fn.__module__ == queries.__name__ and not name.startswith("_") and name not in NOT_READS)


def call_every_read(cur, f: Filters | None = None) -> dict[str, object]:
    results = {}
    for name in read_functions():
        fn = getattr(queries, name)
        params = [p for p in inspect.signature(fn).parameters if p != "cur"]
        for extra in VARIANTS.get(name, [{}]):
            args = {p: extra.get(p, f if p == "f" and f else ARGUMENTS.get(p)) for p in params}
            missing = [p for p in params if p not in ARGUMENTS and p not in extra]
            assert not missing, f"queries.{name}: teach this test an argument for {missing}"
            results[f"{name}{extra or ''}"] = fn(cur, **args)
    return results


def text_of(value) -> str:
    if isinstance(value, pd.DataFrame):
        return value.to_csv() + " ".join(map(str, value.columns))
    return repr(value)


def pack_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())


def downloads(cur) -> dict[str, str]:
    """The meeting pack, every CSV table the CLI writes, and safe downloads of every read's frame."""
    with mock.patch.object(db, "now_utc", lambda: datetime(2026, 11, 23, 9, 0)):  # the pack's "generated at"
        out = {"pack": pack_text(build_pack(cur, Filters(), lang="en", since=date(2000, 1, 1), today=TODAY)),
               "pack_es": pack_text(build_pack(cur, Filters(plan=("AP_MEX04",)), lang="es", since=date(2000, 1, 1),
                                               today=TODAY))}
    tables = pack_tables(read_pack_data(cur, Filters(), TODAY), "en", date(2000, 1, 1), TODAY)
    for name in CSV_TABLES:
        out[f"csv:{name}"] = table_csv(tables[TABLE_KEYS.get(name, name)]).decode("utf-8-sig")
    progress = queries.progress_history(cur, COMMITMENT)
    out["download:progress.csv"] = csv_bytes(progress, "en").decode("utf-8-sig")
    out["download:progress.xlsx"] = pack_text(xlsx_bytes(progress, "en"))
    return out


def without_timestamps(found: dict[str, str]) -> dict[str, str]:
    """Workbooks say when they were written (docProps/core.xml): the only part allowed to differ."""
    return {k: re.sub(r"<dcterms:(created|modified)[^<]*</dcterms:\w+>", "", v) for k, v in found.items()}


def private_work(con) -> None:
    """Pending, rejected and withdrawn submissions full of the marker, and a reviewer's notes."""
    fields = {"organisation": f"Org {MARKER}", "period": "2025-S2", "status": "Limited", "percent": 42,
              "narrative": f"names a journalist {MARKER}", "narrative_es": f"nombra {MARKER}",
              "challenges": f"threats {MARKER}", "evidence": [f"https://evidence.example/{MARKER}"]}
    work.submit_progress(CSO, con, COMMITMENT, **fields)                                    # stays pending
    rejected = work.submit_progress(OTHER_CSO, con, COMMITMENT, **fields)
    work.reject_submission(STAFF, con, rejected, f"reason {MARKER}")
    withdrawn = work.submit_progress(CSO, con, COMMITMENT, **{**fields, "period": "2024-S2"})
    work.withdraw_submission(CSO, con, withdrawn, f"danger {MARKER}")


def assert_absent(found: dict[str, object], *secrets: str) -> None:
    leaks = [(name, s) for name, value in found.items() for s in secrets if s.lower() in text_of(value).lower()]
    assert not leaks, f"private text in public reads: {leaks}"


@pytest.fixture
def con(bundled_con):
    return bundled_con


def test_every_read_function_is_called():
    names = read_functions()
    assert {"commitments", "headline", "progress_history", "export_progress", "watchlist", "import_history"} <= set(
        names)


def test_pending_work_changes_no_public_read(con):
    cur = con.cursor()
    before = call_every_read(cur)
    before_downloads = downloads(cur)
    private_work(con)
    cur = con.cursor()
    after = call_every_read(cur)
    for name in before:
        if isinstance(before[name], pd.DataFrame):
            pd.testing.assert_frame_equal(before[name], after[name], obj=name)
        else:
            assert text_of(before[name]) == text_of(after[name]), name
    assert without_timestamps(downloads(cur)) == without_timestamps(before_downloads)
    assert_absent(after, MARKER)
    assert_absent(downloads(cur), MARKER)


def test_search_finds_no_pending_text(con):
    private_work(con)
    cur = con.cursor()
    for q in (MARKER, MARKER.lower(), f'"{MARKER}"', "journalist " + MARKER):
        assert queries.count_commitments(cur, Filters(q=q), TODAY) == 0
        assert_absent(call_every_read(cur, Filters(q=q)), MARKER)


def test_an_approved_submission_publishes_the_statement_but_not_the_people(con):
    private_work(con)
    sid = work.submit_progress(CSO, con, COMMITMENT, organisation="Fundar", period="2025-S1", status="Limited",
                               narrative="Public statement")
    work.approve_submission(STAFF, con, sid, f"internal {NOTE}")
    cur = con.cursor()
    found = {**call_every_read(cur), **downloads(cur)}
    assert "Public statement" in text_of(found["progress_history"])
    assert_absent(found, MARKER, NOTE, CSO.actor, OTHER_CSO.actor)


def api_urls(client, cur) -> list[str]:
    """Every GET the OpenAPI description lists, for MX0081, its member and its plan: JSON, CSV and Spanish
    forms, the feeds over all their history, the badge, the cases."""
    member, plan = cur.execute("select member_code, action_plan_id from commitment where commitment_id = ?",
                               [COMMITMENT]).fetchone()
    ids = {"commitment_id": COMMITMENT, "member_code": member, "action_plan_id": plan, "case_id": "MX-RP-2018"}
    urls = ["/api/v1/commitments?limit=1000", "/api/v1/"]
    for path, operations in client.get("/api/v1/openapi.json").json()["paths"].items():
        if "get" not in operations:
            continue
        url = path.format(**ids)
        names = {p["name"] for p in operations["get"]["parameters"]}
        query = "?since=2000-01-01" if "since" in names else ""
        forms = [url + query]
        if "lang" in names:
            forms.append(url + (query + "&" if query else "?") + "lang=es")
        if "text/csv" in operations["get"]["responses"]["200"]["content"]:
            forms += [f"{url}.csv", f"{url}.csv?lang=es"]
        urls += forms
    return urls


def test_no_api_response_holds_pending_text(bundled_copy, app_client):
    from tests.asgi_client import serving
    from webui import data

    with serving(app_client, bundled_copy) as client:
        with data.WRITE_LOCK, data.cursor() as cur:
            private_work(cur)
        with data.cursor() as cur:
            held = cur.execute("select count(*) from progress_submission where state = 'pending' and narrative like ?",
                               [f"%{MARKER}%"]).fetchone()[0]
            urls = api_urls(client, cur)
        assert held == 1  # the marker is in the database, pending
        assert {"/feeds/commitment/MX0081.atom?since=2000-01-01", "/api/v1/commitments/MX0081?lang=es",
                "/api/v1/commitments.csv", "/badge/MX0081.svg",
                "/feeds/watchlist.atom?since=2000-01-01&lang=es", "/api/v1/cases/MX-RP-2018"} <= set(urls)
        for url in urls:
            response = client.get(url)
            assert response.status == 200, url
            assert MARKER.lower() not in response.body.decode("utf-8", "replace").lower(), url
            assert CSO.actor not in response.body.decode("utf-8", "replace"), url
        found = client.get(f"/api/v1/commitments?q={MARKER}").json()  # a search echoes its words, finds nothing
        assert (found["total"], found["items"]) == (0, [])


def page_text(at) -> str:
    """What a page shows: its text elements, every table and every chart's data."""
    return "\n".join([texts(at), *(f.to_csv() for f in frames(at)), *(d.to_csv() for d in chart_data(at))])


def test_no_page_shows_pending_work_to_the_public(team):
    """Every page, the review queue and the Audit page among them, as an anonymous visitor behind the proxy."""
    con = db.open_prepared(team)
    try:
        private_work(con)
    finally:
        con.close()
    for page in pages.PAGES:
        at = open_as(None, page.key, **({"id": COMMITMENT} if page.key == "commitment" else {}))
        shown = page_text(at)
        assert shown.strip(), page.key
        leaks = [s for s in (MARKER, NOTE, CSO.actor, OTHER_CSO.actor) if s.lower() in shown.lower()]
        assert not leaks, (page.key, leaks)
    queue = open_as(STAFF, "review")                    # the marker is there to find: the sweep can fail
    assert MARKER in page_text(queue)


WITHDRAWN = "Wk4WithdrawnBySource"


def test_rows_withdrawn_by_source_reach_no_public_read(con):
    """A commitment and a milestone dropped from corrected files leave every read, download and search."""
    from loaders import detect
    from monitor import store
    from tests.monitor.test_withdrawn import SEED, as_csv, rows

    plans, steps = rows(SEED / "commitments.csv"), rows(SEED / "milestones.csv")
    extra = dict(zip(plans[0], next(r for r in plans[1:] if r[0] == COMMITMENT)))
    extra.update(commitment_id="MX9999", number="99", title=f"Dropped {WITHDRAWN}", title_es=f"Retirado {WITHDRAWN}")
    step = dict(zip(steps[0], steps[1]))
    step.update(milestone_id=f"{COMMITMENT}.99", commitment_id=COMMITMENT, seq="99", title=f"Step {WITHDRAWN}")
    with_extra = [detect.load(as_csv([*plans, list(extra.values())]), "commitments.csv"),
                  detect.load(as_csv([*steps, list(step.values())]), "milestones.csv")]
    store.apply_batches(STAFF, con, with_extra)
    cur = con.cursor()
    assert queries.count_commitments(cur, Filters(q=WITHDRAWN), TODAY) == 1
    assert WITHDRAWN in text_of(call_every_read(cur)["milestones"])
    originals = [detect.load((SEED / name).read_bytes(), name) for name in ("commitments.csv", "milestones.csv")]
    reports = store.apply_batches(STAFF, con, originals)
    assert [[r.key for r in report.withdrawn] for report in reports] == [["MX9999"], [f"{COMMITMENT}.99"]]
    cur = con.cursor()
    assert queries.count_commitments(cur, Filters(q=WITHDRAWN), TODAY) == 0
    assert_absent(call_every_read(cur), WITHDRAWN)
    assert_absent(call_every_read(cur, Filters(q=WITHDRAWN)), WITHDRAWN)
    assert_absent(downloads(cur), WITHDRAWN)
