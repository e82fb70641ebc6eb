"""The read API, feeds and badges through the real ASGI app (app.py) in-process, on the bundled data."""
from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pandas as pd
import pytest
from repo import REPO
from starlette.applications import Starlette

from monitor import palette, queries
from monitor.api import badge, feeds, openapi, records
from monitor.export.pack import changes_since
from monitor.filters import Filters
from tests.asgi_client import Client, serving_copy
from webui.api import routes

ATOM = "{http://www.w3.org/2005/Atom}"
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def client(bundled_db_path, tmp_path_factory, app_client):
    with serving_copy(app_client, bundled_db_path, tmp_path_factory.mktemp("api")) as c:
        yield c


@pytest.fixture
def cur(client):
    """A cursor on the same process connection the routes read through."""
    from webui import data

    with data.cursor() as c:
        yield c


def test_commitment_json_tells_mx0081s_story(client):
    r = client.get("/api/v1/commitments/MX0081")
    assert r.status == 200 and r.headers["content-type"].startswith("application/json")
    c = r.json()
    assert c["title_es"] == "Controles democráticos a la intervención de comunicaciones privadas"
    assert (c["current_status"], c["current_status_date"], c["current_status_assessor"]) == \
        ("not_started", "2021-12-31", "government")
    assert (c["status"], c["status_label"]) == ("not_started", "Not started")
    assert c["irm_completion"] is None and c["irm_completion_missing_reason"] == "not_assessed"
    assert len(c["milestones"]) == 6 and [m["seq"] for m in c["milestones"]] == [1, 2, 3, 4, 5, 6]
    assert all(set(m) == set(records.MILESTONE_FIELDS) for m in c["milestones"])
    own = [e for e in c["events"] if e["about"] == "commitment"]
    assert any(e["event_date"].startswith("2017-") for e in own)
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", e["event_date"]) for e in c["events"] if e["event_date"])
    government = next(a for a in c["progress_by_assessor"] if a["assessor"] == "government")
    report = government["statements"][-1]
    assert (report["status_code"], report["period_end"], report["subject"]) == ("not_started", "2021-12-31",
                                                                                  "commitment")
    subjects = {s["subject_label"] for a in c["progress_by_assessor"] for s in a["statements"]}
    assert "The commitment" in subjects and any(label.startswith("Milestone 5: ") for label in subjects)
    rating = c["ratings"][0]
    assert set(rating) == set(records.RATING_FIELDS)
    assert rating["value_code"] is None and rating["value_missing_reason"] == "not_yet_coded"
    assert rating["report"] and rating["methodology"] == "irm_refresh"
    assert isinstance(c["tags"], list) and c["sources"] and all(s["sha256"] for s in c["sources"])
    assert c["page_url"] == "http://testserver/commitment?id=MX0081&lang=en"
    assert c["badge_url"].endswith("/badge/MX0081.svg") and c["feed_url"].endswith("/feeds/commitment/MX0081.atom")


def test_commitment_in_spanish_labels_in_spanish(client):
    c = client.get("/api/v1/commitments/MX0081?lang=es").json()
    assert c["status_label"] == "No iniciado" and c["status"] == "not_started"
    assert c["page_url"].endswith("lang=es")


def test_every_statement_says_its_subject(client):
    c = client.get("/api/v1/commitments/MX0081").json()
    statements = [s for a in c["progress_by_assessor"] for s in a["statements"]]
    assert statements and all(s["subject"] in ("commitment", "milestone") and s["subject_label"] for s in statements)
    milestone = next(s for s in statements if s["subject"] == "milestone")
    assert milestone["milestone_seq"] == 5 and milestone["subject_id"] == "MX0081.5"


@pytest.mark.parametrize("query, f", [
    ("", Filters()),
    ("member=MEX", Filters(member=("MEX",))),
    ("member=MEX&status=not_started", Filters(member=("MEX",), status=("not_started",))),
    ("status=not_started,overdue", Filters(status=("not_started", "overdue"))),
    ("status=not_started&status=overdue", Filters(status=("not_started", "overdue"))),
    ("watched=1", Filters(watched=True)),
    ("q=surveillance", Filters(q="surveillance")),
    ("plan=AP_MEX04&completion=not_started", Filters(plan=("AP_MEX04",), completion=("not_started",))),
])
def test_filters_count_as_the_query_function_counts(client, cur, query, f):
    body = client.get(f"/api/v1/commitments?{query}").json()
    assert body["total"] == queries.count_commitments(cur, f)
    assert body["count"] == min(body["total"], 100)
    assert [i["commitment_id"] for i in body["items"]] == \
        list(queries.commitments(cur, f, limit=100)["commitment_id"])


def test_paging_walks_the_whole_list(client, cur):
    total = queries.count_commitments(cur, Filters())
    seen = []
    for offset in range(0, total, 200):
        page = client.get(f"/api/v1/commitments?limit=200&offset={offset}").json()
        seen += [i["commitment_id"] for i in page["items"]]
    assert seen == list(queries.commitments(cur, Filters())["commitment_id"])
    beyond = client.get(f"/api/v1/commitments?offset={total + 5}").json()
    assert beyond["total"] == total and beyond["items"] == []


def test_csv_has_the_json_rows(client):
    body = client.get("/api/v1/commitments?member=MEX&limit=1000").json()
    for r in (client.get("/api/v1/commitments.csv?member=MEX&limit=1000"),
              client.get("/api/v1/commitments?member=MEX&limit=1000", {"Accept": "text/csv"})):
        assert r.status == 200 and r.headers["content-type"].startswith("text/csv")
        frame = pd.read_csv(io.BytesIO(r.body), dtype=str, keep_default_na=False)
        assert list(frame["commitment_id"]) == [i["commitment_id"] for i in body["items"]]
        assert list(frame["title"]) == [i["title"] for i in body["items"]]
        assert list(frame.columns)[:3] == ["commitment_id", "member_code", "member_name"]
    for path in ("plans", "members", "watchlist"):
        js = client.get(f"/api/v1/{path}").json()
        frame = pd.read_csv(io.BytesIO(client.get(f"/api/v1/{path}.csv").body), dtype=str, keep_default_na=False)
        assert len(frame) == js["count"] == len(js["items"])


def test_csv_neutralises_formulas(client, cur):
    """No cell can run as a formula: the export boundary's rule."""
    r = client.get("/api/v1/commitments.csv?limit=1000")
    cells = [c for line in r.text.splitlines()[1:] for c in line.split(",")]
    assert not [c for c in cells if c.startswith(("=", "+", "@")) and not c.startswith("'")]


def test_plans_members_watchlist(client, cur):
    plans = client.get("/api/v1/plans").json()
    mex = next(p for p in plans["items"] if p["action_plan_id"] == "AP_MEX04")
    assert set(mex) == set(records.PLAN_FIELDS) and mex["member_code"] == "MEX" and mex["count_commitments"] > 0
    assert mex["feed_url"].endswith("/feeds/plan/AP_MEX04.atom")
    members = client.get("/api/v1/members").json()
    assert {m["member_code"] for m in members["items"]} == {m[0] for m in queries.filter_options(cur)["members"]}
    watched = client.get("/api/v1/watchlist").json()
    assert [w["commitment_id"] for w in watched["items"]] == list(queries.watchlist(cur)["commitment_id"])
    assert watched["items"][0]["watch_reason"]


@pytest.mark.parametrize("url, status", [
    ("/api/v1/commitments/NOPE0000", 404), ("/api/v1/commitments/%3Cscript%3E", 404),
    ("/api/v1/commitments/" + "A" * 41, 404), ("/api/v1/nothing", 404), ("/api/v2/commitments", 404),
    ("/api/v1/commitments?status=bogus", 400), ("/api/v1/commitments?member=MEX'--", 400),
    ("/api/v1/commitments?limit=0", 400), ("/api/v1/commitments?limit=1001", 400),
    ("/api/v1/commitments?limit=ten", 400), ("/api/v1/commitments?offset=-1", 400),
    ("/api/v1/commitments?colour=red", 400), ("/api/v1/commitments?lang=fr", 400),
    ("/api/v1/commitments?watched=yes", 400), ("/api/v1/commitments.xml", 404),
    ("/api/v1/commitments/MX0081.csv", 406), ("/feeds/commitment/NOPE.atom", 404),
    ("/feeds/member/ZZZ.atom", 404), ("/feeds/plan/AP_NONE.atom", 404), ("/feeds/nothing/MX0081.atom", 404),
    ("/feeds/commitment/MX0081.atom?since=yesterday", 400), ("/badge/NOPE.svg", 404),
])
def test_refusals_are_json_errors(client, url, status):
    r = client.get(url)
    assert r.status == status and r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert set(body) == {"error"} and body["error"]["status"] == status and body["error"]["message"]
    assert "Traceback" not in r.text and r.headers["access-control-allow-origin"] == "*"


def test_writes_are_refused_as_json(client):
    r = client.request("POST", "/api/v1/commitments")
    assert r.status == 405 and r.json()["error"]["status"] == 405


def test_a_crash_is_a_json_500_without_the_traceback():
    def broken():
        raise RuntimeError("secret detail /etc/passwd")

    with Client(Starlette(routes=routes(broken))) as c:
        r = c.get("/api/v1/commitments")
    assert r.status == 500 and r.json() == {"error": {"status": 500, "message": "internal error: the server log "
                                                                                 "has the details"}}
    assert "secret" not in r.text


def test_sql_text_in_a_filter_is_only_a_value(client, cur):
    q = "x'); drop table commitment; --"
    r = client.get("/api/v1/commitments?q=" + q.replace(" ", "%20").replace(";", "%3B"))
    assert r.status == 200 and r.json()["total"] == queries.count_commitments(cur, Filters(q=q))
    assert queries.count_commitments(cur, Filters()) > 0


def test_etag_gives_304_and_caching_and_cors_headers(client):
    r = client.get("/api/v1/commitments/MX0081")
    assert r.headers["cache-control"] == "public, max-age=60" and r.headers["access-control-allow-origin"] == "*"
    etag = r.headers["etag"]
    again = client.get("/api/v1/commitments/MX0081", {"If-None-Match": etag})
    assert again.status == 304 and again.body == b"" and again.headers["etag"] == etag
    assert client.get("/api/v1/commitments/MX0081?lang=es", {"If-None-Match": etag}).status == 200
    assert client.get("/api/v1/commitments/MX0081", {"If-None-Match": etag}).headers["etag"] == etag
    preflight = client.request("OPTIONS", "/api/v1/commitments", {"Origin": "https://example.org",
                                                                   "Access-Control-Request-Method": "GET"})
    assert preflight.status == 204 and "GET" in preflight.headers["access-control-allow-methods"]


def _feed(client, url: str) -> ET.Element:
    r = client.get(url)
    assert r.status == 200 and r.headers["content-type"].startswith("application/atom+xml"), r.text[:300]
    root = ET.fromstring(r.body)  # well-formed, or this raises
    assert root.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert (root.findtext(f"{ATOM}{name}") or "").strip(), name
    assert root.find(f"{ATOM}author/{ATOM}name") is not None
    assert {link.get("rel") for link in root.findall(f"{ATOM}link")} >= {"self", "alternate"}
    ids = []
    for entry in root.findall(f"{ATOM}entry"):
        for name in ("id", "title", "updated"):
            assert (entry.findtext(f"{ATOM}{name}") or "").strip(), name
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", entry.findtext(f"{ATOM}updated"))
        link = entry.find(f"{ATOM}link[@rel='alternate']")
        page = "case" if entry.find(f"{ATOM}category").get("term") == "follow_up" else "commitment"
        assert re.fullmatch(rf"http://testserver/{page}\?id=[\w.-]+&lang=(en|es)", link.get("href"))
        ids.append(entry.findtext(f"{ATOM}id"))
    assert len(ids) == len(set(ids)) and all(i.startswith("tag:") for i in ids)
    return root


@pytest.mark.parametrize("url", ["/feeds/commitment/MX0081.atom", "/feeds/member/MEX.atom",
                                 "/feeds/plan/AP_MEX04.atom", "/feeds/watchlist.atom",
                                 "/feeds/commitment/MX0081.atom?lang=es"])
def test_feeds_are_valid_atom(client, url):
    root = _feed(client, url)
    assert root.findall(f"{ATOM}entry")


def test_feed_entries_are_the_packs_changes(client, cur):
    """The feed and the meeting pack's Changes sheet agree: same scope, same date, same rows."""
    since = date.today() - timedelta(days=30)
    root = _feed(client, f"/feeds/plan/AP_MEX04.atom?since={since.isoformat()}")
    table = changes_since(cur, Filters(plan=("AP_MEX04",)), since, date.today())
    follow = feeds.follow_up_rows(queries.commitment_follow_ups(cur, Filters(plan=("AP_MEX04",))), since, "en")
    assert len(follow) == 3  # the bundled follow-up, imported today: the pack's changes plus these
    assert len(root.findall(f"{ATOM}entry")) == min(len(table.frame) + len(follow), feeds.MAX_ENTRIES)
    one = _feed(client, f"/feeds/commitment/MX0081.atom?since={since.isoformat()}")
    scope = changes_since(cur, Filters(member=("MEX",), plan=("AP_MEX04",)), since, date.today())
    assert len(one.findall(f"{ATOM}entry")) == int((scope.frame.iloc[:, 2] == "MX0081").sum()) + len(follow)


@pytest.mark.parametrize("url", ["/feeds/commitment/MX0081.atom", "/feeds/member/MEX.atom", "/feeds/watchlist.atom"])
def test_feeds_list_the_follow_up_on_mandates(client, url):
    """The Steering Committee's statement of 2023-03-21, logged for the Response Policy request about MX0081,
    in the feeds that hold MX0081, in both languages, linking to the case page, with one stable id."""
    found = {}
    for lang, words in (("en", "Statement of concern"), ("es", "Declaración de preocupación")):
        entries = _feed(client, f"{url}?since=2000-01-01&lang={lang}").findall(f"{ATOM}entry")
        follow = [e for e in entries if e.find(f"{ATOM}category").get("term") == "follow_up"
                  and "2023-03-21" in e.findtext(f"{ATOM}summary")]
        assert len(follow) == 1, lang
        entry = follow[0]
        assert words in entry.findtext(f"{ATOM}summary") and "MX-RP-2018" in entry.findtext(f"{ATOM}title")
        assert entry.findtext(f"{ATOM}updated") == "2023-03-21T00:00:00Z"
        assert entry.find(f"{ATOM}link[@rel='alternate']").get("href") == (
            f"http://testserver/case?id=MX-RP-2018&lang={lang}")
        found[lang] = entry.findtext(f"{ATOM}id")
    assert found["en"] == found["es"]
    assert found["en"] in [e.findtext(f"{ATOM}id") for e in _feed(client, url).findall(f"{ATOM}entry")]


def test_feed_ids_are_the_same_in_both_languages(client):
    def ids(url):
        return [e.findtext(f"{ATOM}id") for e in _feed(client, url).findall(f"{ATOM}entry")]

    english, spanish = ids("/feeds/member/MEX.atom"), ids("/feeds/member/MEX.atom?lang=es")
    assert english == spanish and english == ids("/feeds/member/MEX.atom")
    entries = _feed(client, "/feeds/member/MEX.atom?lang=es").findall(f"{ATOM}entry")
    kinds = {e.find(f"{ATOM}category").get("label") for e in entries}
    assert "Compromiso nuevo" in kinds and "Evento" in kinds


def test_badge_says_the_status_in_words(client):
    r = client.get("/badge/MX0081.svg")
    assert r.status == 200 and r.headers["content-type"].startswith("image/svg+xml")
    svg = ET.fromstring(r.body)
    assert svg.tag == f"{SVG}svg" and svg.get("role") == "img"
    assert svg.get("aria-label") == "MX0081: Not started, as of 2021-12-31" == svg.findtext(f"{SVG}title")
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert texts == ["MX0081", "Not started · 2021-12-31"]
    assert palette.STATUS["not_started"] in {rect.get("fill") for rect in svg.iter(f"{SVG}rect")}
    spanish = ET.fromstring(client.get("/badge/MX0081.svg?lang=es").body)
    assert spanish.get("aria-label") != svg.get("aria-label")


def test_badge_and_feed_escape_their_text():
    row = {"commitment_id": 'X<&">', "rag": "overdue", "current_status_date": date(2024, 1, 2)}
    svg = ET.fromstring(badge.build(row, "en"))
    assert svg.findtext(f"{SVG}title") == 'X<&">: Overdue, as of 2024-01-02'
    assert b"<&" not in badge.build(row, "en")


def test_openapi_and_index_list_every_endpoint(client):
    spec = client.get("/api/v1/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    assert set(spec["paths"]) == {e.path for e in openapi.ENDPOINTS} | {openapi.IMPORTS}
    assert set(spec["paths"][openapi.IMPORTS]) == {"post"} and "token" in spec["components"]["securitySchemes"]
    assert set(spec["components"]["schemas"]["Commitment"]["properties"]) == set(records.COMMITMENT_FIELDS)
    for url in ("/api/v1/", "/api/", "/api/v1"):
        page = client.get(url)
        assert page.status == 200 and page.headers["content-type"].startswith("text/html")
        assert all(e.path in page.text for e in openapi.ENDPOINTS)
    json.dumps(spec)


def test_the_cases_answer_exactly_what_the_description_says(client):
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    listed = client.get("/api/v1/cases").json()["items"][0]
    case = client.get("/api/v1/cases/MX-RP-2018").json()
    assert set(listed) == set(schemas["Case"]["properties"])
    assert set(case) == set(schemas["CaseDetail"]["properties"])
    assert set(case["requests"][0]) == set(schemas["Request"]["properties"])
    assert set(case["follow_ups"][0]) == set(schemas["FollowUp"]["properties"])
    assert "source_id" not in listed and "source_row" not in case["requests"][0]  # provenance stays inside


def test_every_field_is_documented():
    text = (REPO / "docs" / "api.md").read_text(encoding="utf-8")
    fields = {*records.COMMITMENT_FIELDS, *records.RATING_FIELDS, *records.MILESTONE_FIELDS,
              *records.STATEMENT_FIELDS, *records.EVENT_FIELDS, *records.SOURCE_FIELDS, *records.PLAN_FIELDS,
              *records.MEMBER_FIELDS, *records.CASE_LIST_FIELDS, *records.REQUEST_FIELDS, *records.FOLLOW_UP_FIELDS}
    assert sorted(f for f in fields if f"`{f}`" not in text) == []


def test_the_mexico_case_with_its_requests_and_follow_up(client):
    listed = client.get("/api/v1/cases").json()
    assert [c["case_id"] for c in listed["items"]] == ["MX-RP-2018"] and listed["items"][0]["count_requests"] == 3
    case = client.get("/api/v1/cases/MX-RP-2018").json()
    assert (case["filed_date"], case["resolution_date"]) == ("2018-07-16", "2019-12-12")
    first = case["requests"][0]
    assert (first["request_id"], first["commitment_id"], first["last_follow_up_date"]) == (
        "MX-RP-2018/1", "MX0081", "2023-03-21")
    assert first["commitment_url"].endswith("/api/v1/commitments/MX0081")
    assert [f["date_raw"] for f in case["follow_ups"]] == ["2021-07", "2023-01", "2023-03-21"]
    assert client.get("/api/v1/cases/NOPE").status == 404
    assert client.get("/api/v1/cases/%3Cx%3E").status == 400


def test_commitment_marks_each_links_last_check(client, cur):
    """A link a server called gone is dead with an archive search; one that answered is not; a timeout says
    nothing (null, with the reason); one never checked says so. The same rule as the commitment page."""
    from datetime import datetime

    from monitor import auth, linkcheck, store
    from webui import data

    before = client.get("/api/v1/commitments/MX0081")
    cited = [c["url"] for c in before.json()["link_checks"]]
    evidence = [u for g in before.json()["progress_by_assessor"] for s in g["statements"] for u in s["evidence_urls"]]
    assert evidence and set(evidence) <= set(cited)
    gone = evidence[0]
    fine, slow = [u for u in cited if u != gone][:2]
    at = datetime(2026, 11, 30, 8, 15)

    def check(url, outcome, status):
        return linkcheck.LinkCheck(url, outcome, status, url, status, 0, 5, at)

    staff = auth.Principal("os:tests", auth.SUPPORT_UNIT, "os", "tests")
    with data.WRITE_LOCK, data.cursor() as w:
        store.record_link_checks(staff, w, [check(gone, linkcheck.DEAD, 404), check(fine, linkcheck.OK, 200),
                                            check(slow, linkcheck.TIMEOUT, None)])
    after = client.get("/api/v1/commitments/MX0081", {"if-none-match": before.headers["etag"]})
    assert after.status == 200  # a check changes the record, so the ETag changes
    marks = {c["url"]: c for c in after.json()["link_checks"]}
    assert marks[gone] == {"url": gone, "outcome": "dead", "status_code": 404, "final_url": gone,
                           "final_status": 404, "checked_at": "2026-11-30T08:15:00Z", "dead": True,
                           "dead_missing_reason": None, "archive_url": linkcheck.archive_link(gone)}
    assert (marks[fine]["dead"], marks[fine]["archive_url"], marks[fine]["status_code"]) == (False, None, 200)
    assert (marks[slow]["dead"], marks[slow]["dead_missing_reason"]) == (None, "timeout")
    never = [c for c in marks.values() if c["outcome"] is None]
    assert never and all((c["dead"], c["dead_missing_reason"]) == (None, "never_checked") for c in never)
    assert len(marks) == len(cited) and set(marks) >= {gone, fine, slow}


def test_records_write_every_kind_of_column_as_json_does():
    """Text, nullable numbers, NaN, flags, lists and dates (a date column at midnight; a time column to the
    second, in UTC) become the same JSON values a column at a time (lists) as one row at a time (a commitment)."""
    frame = pd.DataFrame({
        "text": pd.Series(["a", None], dtype="str"), "count": pd.Series([1, None], dtype="Int64"),
        "share": [0.5, float("nan")], "flag": [True, False], "areas": [["x", "y"], []],
        "day": pd.to_datetime(["2024-01-02", None]),
        "at": pd.to_datetime(["2024-01-02 03:04:05.6", "2024-01-03 00:00:00.0"]),
        "utc": pd.to_datetime(["2024-01-02 12:00", None]).tz_localize("America/Mexico_City")})
    expected = [{"text": "a", "count": 1, "share": 0.5, "flag": True, "areas": ["x", "y"], "day": "2024-01-02",
                 "at": "2024-01-02T03:04:05Z", "utc": "2024-01-02T18:00:00Z"},
                {"text": None, "count": None, "share": None, "flag": False, "areas": [], "day": None,
                 "at": "2024-01-03T00:00:00Z", "utc": None}]
    assert json.loads(json.dumps(records.rows(frame), default=records.value)) == expected
    one = {k: records._cell(v) for k, v in frame.iloc[0].to_dict().items() if k != "utc"}
    assert one == {k: v for k, v in expected[0].items() if k != "utc"}
