"""Mandates: the Response Policy case on Mexico as a record, its requests, the follow-up against them, and
the signal when a request's review cadence is missed."""
from __future__ import annotations

import io
from datetime import date, timedelta

import duckdb
import openpyxl
import pytest
from people import CSO, STAFF

from loaders import detect
from monitor import auth, db, queries, store, work
from monitor.export import build_pack
from monitor.filters import Filters
from tests.webui.test_pages import frames, open_page, texts
from webui import pages

CASE = "MX-RP-2018"


def test_the_mexico_case_page_shows_the_filing_the_resolution_and_its_requests(db_file):
    at = open_page(pages.file("case"), id=CASE)
    said = texts(at)
    assert "2018-07-16" in said and "2019-12-12" in said and "Criteria and Standards" in said
    requests = frames(at)[0]
    assert list(requests.iloc[:, 0]) == [f"{CASE}/1", f"{CASE}/2", f"{CASE}/3"]
    follow = frames(at)[1]
    assert "2023-03-21" in set(follow.iloc[:, 0])


def test_mx0081_and_the_watchlist_lead_to_the_case_with_the_last_follow_up(db_file):
    days = (date.today() - date(2023, 3, 21)).days
    for at in (open_page(pages.file("commitment"), id="MX0081"), open_page(pages.file("watchlist"))):
        said = texts(at)
        assert "2023-03-21" in said and f"{days:,} days ago" in said
        assert any(link.proto.page == "case" and CASE in link.proto.query_string for link in at.get("page_link"))


def test_the_pack_has_a_mandates_sheet_with_the_mexico_requests(bundled_db_path):
    con = duckdb.connect(str(bundled_db_path), read_only=True)
    data = build_pack(con.cursor(), Filters(plan=("AP_MEX04",)), since=date(2021, 1, 1))
    con.close()
    sheet = openpyxl.load_workbook(io.BytesIO(data))["Mandates"]
    rows = {r[3]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert set(rows) == {f"{CASE}/1", f"{CASE}/2", f"{CASE}/3"}
    header = [c.value for c in sheet[1]]
    assert rows[f"{CASE}/1"][header.index("Last follow-up")].date() == date(2023, 3, 21)


CASES = ("case_id,member_code,title,status,resolution_date,source_url\n"
         "ZZ-1,XXX,A decision,open,{resolved},https://example.org/case\n")
REQUESTS = ("case_id,request_no,request_kind,asked_of,summary,commitment_id,review_cadence_days,source_url\n"
            "ZZ-1,1,monitor,OGP Support Unit,Watch it,XX0001,{cadence},https://example.org/case\n")


@pytest.fixture
def con(tmp_path):
    from tests.monitor.test_store import plan_batch

    con = db.open_prepared(tmp_path / "m.duckdb")
    store.apply_batch(STAFF, con, plan_batch("a" * 64))
    yield con
    con.close()


def load(con, cadence="90", resolved=None):
    resolved = resolved or (date.today() - timedelta(days=120)).isoformat()
    files = [detect.load(CASES.format(resolved=resolved).encode(), "cases.csv"),
             detect.load(REQUESTS.format(cadence=cadence).encode(), "requests.csv")]
    store.apply_batches(STAFF, con, files)


def test_a_missed_review_cadence_raises_the_signal_and_a_follow_up_clears_it(con):
    load(con)
    request = queries.mandates(con.cursor()).iloc[0]
    assert request["is_follow_up_overdue"] and request["days_since_follow_up"] == 120
    work.log_follow_up(STAFF, con, "ZZ-1/1", on=date.today() - timedelta(days=2), kind="call",
                       action_en="Called the lead institution")
    request = queries.mandates(con.cursor()).iloc[0]
    assert not request["is_follow_up_overdue"] and request["days_since_follow_up"] == 2
    entry = con.execute("select action, actor from audit_log order by seq desc limit 1").fetchone()
    assert entry == ("log_follow_up", STAFF.actor)


def test_only_the_support_unit_logs_follow_up(con):
    load(con)
    for who in (auth.ANONYMOUS, CSO):
        with pytest.raises(auth.NotAllowed):
            work.log_follow_up(who, con, "ZZ-1/1", on=date.today(), kind="call", action_en="x")
    assert con.execute("select count(*) from follow_up").fetchone() == (0,)


def test_mandate_files_are_validated_like_every_other_file(con):
    bad = detect.load(REQUESTS.format(cadence="every quarter").encode(), "requests.csv")
    assert any(p.row == 2 and p.column == "review_cadence_days" for p in bad.errors)
    orphan = detect.load(REQUESTS.format(cadence="30").encode(), "requests.csv")
    with pytest.raises(Exception) as caught:
        store.apply_batches(STAFF, con, [orphan])  # its case is in no file and not in the database
    assert "ZZ-1" in str(caught.value) and "case" in str(caught.value)
