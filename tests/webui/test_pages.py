"""Every dashboard page on the bundled data, through Streamlit's AppTest (no browser).

Each test runs the real entry point (dashboard.py) against a private copy of the bundled database,
then switches to the page, as a user following the sidebar would.
"""
from __future__ import annotations

import json
import re
from datetime import UTC
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import streamlit as st
from repo import REPO
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.testing.v1 import AppTest

from tests.browser.sample_files import invalid_ogp_export_csv, ogp_export_csv
from webui import pages

ROOT = REPO
FLAGSHIP = "MX0081"


def sql(path: Path, query: str, params: list | None = None) -> list[tuple]:
    """Expected values straight from the database file (the app's connection is closed first)."""
    st.cache_resource.clear()
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(query, params or []).fetchall()
    finally:
        con.close()


def open_page(page: str | None = None, **params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(page)
        for key, value in params.items():
            at.query_params[key] = value
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def texts(at: AppTest) -> str:
    """Everything the page says in text elements, one string to search."""
    parts = [e.value for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning",
                                  "success", "error") for e in getattr(at, kind)]
    return "\n".join(str(p) for p in parts).replace("\\", "")


def frames(at: AppTest) -> list:
    return [d.value for d in at.dataframe]


def charts(at: AppTest) -> list[dict]:
    """Vega-Lite specs (st.vega_lite_chart), in page order; each checked against Vega-Lite's schema, since
    pages write plain specs and a browser shows nothing for a broken one."""
    import altair

    specs = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    for spec in specs:
        altair.LayerChart.from_dict(spec) if "layer" in spec else altair.Chart.from_dict(spec)
    return specs


def chart_data(at: AppTest) -> list[pd.DataFrame]:
    """The rows each Vega-Lite chart draws (st.vega_lite_chart's data, sent as Arrow), in page order."""
    return [convert_arrow_bytes_to_pandas_df(c.proto.data.data) for c in at.get("vega_lite_chart")]


def legend(spec: dict) -> list[str]:
    """The names a chart's colour legend shows (its colour scale's domain), for a layered or single spec."""
    for view in spec.get("layer", [spec]):
        colour = view.get("encoding", {}).get("color", {})
        if "domain" in colour.get("scale", {}):
            assert colour.get("legend", {}) is not None, "a colour without its legend"
            return colour["scale"]["domain"]
    return []


# --- overview ------------------------------------------------------------------------------------

def test_overview_counts_match_the_database(db_file):
    total = sql(db_file, "select count(*) from commitment")[0][0]
    at = open_page()
    assert at.title[0].value == "Portfolio overview"
    assert metric(at, "Commitments") == f"{total:,}"
    assert len(charts(at)) == 4  # status, IRM completion, early results, ambition x completion


def test_overview_filtered_to_mexico_nap4_shows_13(db_file):
    at = open_page(plan="AP_MEX04")
    assert metric(at, "Commitments") == "13"
    table = frames(at)[0]
    assert len(table) == 13
    assert any(FLAGSHIP in link for link in table["OGP id"])
    assert at.query_params["plan"] == "AP_MEX04"  # the filter stays in the URL


def test_overview_filtered_to_the_ogp_export_members(db_file):
    members = [r[0] for r in sql(db_file, """select distinct c.member_code from commitment c
                                             join source_file s using (source_id) where s.kind = 'ogp_export'""")]
    expected = sql(db_file, "select count(*) from commitment where member_code in (select unnest(?::text[]))",
                   [members])[0][0]
    at = open_page(member=",".join(members))
    assert metric(at, "Commitments") == f"{expected:,}"
    assert metric(at, "Members") == f"{len(members):,}"


def test_overview_never_shows_a_blank_irm_rating(db_file):
    table = frames(open_page(plan="AP_MEX04"))[0]
    assert table["IRM completion"].str.len().min() > 0
    assert table["IRM early results"].str.len().min() > 0


def test_overview_status_chart_uses_words(db_file):
    status = charts(open_page())[0]
    names = legend(status)
    assert names and set(names) <= {"Not started", "Overdue", "In progress", "On track", "Complete", "Withdrawn",
                                    "Not yet assessed"}
    tooltips = [t["title"] for view in status["layer"] for t in view["encoding"].get("tooltip", [])]
    assert "Status" in tooltips                                     # hovering a bar names its status too


def test_search_and_widget_write_the_url(db_file):
    at = open_page()
    at.text_input(key="flt_q").set_value("surveillance").run()
    assert at.query_params["q"] == "surveillance"
    assert int(metric(at, "Commitments").replace(",", "")) >= 1


def test_empty_database_says_how_to_load(tmp_path, monkeypatch):
    from monitor import db

    empty = tmp_path / "empty.duckdb"
    db.open_prepared(empty).close()
    monkeypatch.setenv("MONITOR_DB", str(empty))
    st.cache_data.clear()
    st.cache_resource.clear()
    at = open_page()
    assert "python -m monitor init" in texts(at)
    st.cache_resource.clear()


# --- commitment ----------------------------------------------------------------------------------

def test_flagship_page_tells_the_story(db_file):
    title, reason = sql(db_file, """select c.title, w.reason from commitment c join watchlist w using (commitment_id)
                                    where commitment_id = ?""", [FLAGSHIP])[0]
    at = open_page(pages.file("commitment"), id=FLAGSHIP)
    said = texts(at)
    assert at.title[0].value.replace("\\", "") == title
    assert "Not started" in said                      # the status badge and the government's reading
    assert reason[:40] in said                        # why it is watched
    assert "What to raise" in said
    events = next(f for f in frames(at) if "Event" in f.columns)
    years = {d[:4] for d in events["Date"]}
    assert {"2017", "2019", "2023"} <= years          # Pegasus revelations, Response Policy case, SC statement
    assert any("Response Policy" in e for e in events["Event"])


def test_flagship_ratings_show_label_definition_and_missing_reasons(db_file):
    at = open_page(pages.file("commitment"), id=FLAGSHIP)
    ratings = next(f for f in frames(at) if "Published label" in f.columns)
    assert len(ratings) == sql(db_file, "select count(*) from assessment where subject_id = ?", [FLAGSHIP])[0][0]
    assert ratings["Reading"].str.len().min() > 0     # every rating reads as words, even when missing
    assert ratings["Source"].str.len().min() > 0      # and names where it comes from


def test_flagship_milestones_on_a_timeline(db_file):
    dated = sql(db_file, """select seq, title from milestone where commitment_id = ? and due_date is not null
                            order by seq""", [FLAGSHIP])
    assert dated, "the bundled flagship has dated milestones"
    at = open_page(pages.file("commitment"), id=FLAGSHIP)
    story, timeline = charts(at)                                    # the story, then the milestones: valid Vega-Lite
    drawn = chart_data(at)[1]
    assert list(drawn["name"]) == [f"{seq}. {title[:60]}" for seq, title in dated]   # each milestone by name
    points = timeline["layer"][0]["encoding"]
    assert points["y"]["field"] == "name" and points["x"]["field"] == "due"
    assert set(legend(timeline)) == {"Overdue", "Not overdue"}       # the flag in words, not colour alone
    assert set(drawn["status"]) == {"Complete", "Not yet assessed"}  # each milestone's status in words
    assert any(f.startswith("Overdue by ") for f in drawn["flag"])
    assert {"Milestone", "Due date", "Status", "Flag"} <= {t["title"] for t in points["tooltip"]}
    today = timeline["layer"][1]["data"]["values"][0]
    assert today["label"] == "Today"
    assert any("Overdue" in str(v) for f in frames(at) if "Flag" in f.columns for v in f["Flag"])


def test_spanish_timeline_uses_the_catalogue(db_file):
    at = open_page(pages.file("commitment"), id=FLAGSHIP, lang="es")
    timeline, drawn = charts(at)[1], chart_data(at)[1]
    assert set(legend(timeline)) == {"Vencido", "No vencido"}
    assert set(drawn["status"]) == {"Completo", "Aún sin evaluar"}
    assert timeline["layer"][1]["data"]["values"][0]["label"] == "Hoy"


def test_flagship_story_on_one_time_axis(db_file):
    at = open_page(pages.file("commitment"), id=FLAGSHIP)
    story = chart_data(at)[0]
    assert set(story["lane"]) == {"Events", "Milestones", "Progress statements", "IRM reports", "Watchlist",
                                  "End date"}
    assert list(story["start"]) == sorted(story["start"])          # one time axis, oldest first

    def first(lane: str, day: str, words: str) -> int:
        hits = story[(story["lane"] == lane) & (story["start"].str.startswith(day))
                     & story["label"].str.contains(words, regex=False)]
        assert not hits.empty, (lane, day, words)
        return hits.index[0]

    found = [first("Events", "2017", "Pegasus"), first("Events", "2018-07-16", "Letter of Concern"),
             first("Events", "2019-12-12", "resolution"), first("End date", "2022-04-30", "end date"),
             first("Progress statements", "2021-12-31", "Government · The commitment · Not Started")]
    assert found[:4] == sorted(found[:4]) and found[4] < found[3]   # in order; the report came before the end
    complete = story[(story["lane"] == "Progress statements") & story["start"].str.startswith("2019-04")]
    assert complete["label"].str.contains("Milestone 5 · Complete").all() and len(complete) == 1
    assert story[story["lane"] == "Milestones"]["label"].str.contains("overdue").any()
    spec = charts(at)[0]
    assert {t["title"] for t in spec["layer"][1]["encoding"]["tooltip"]} == {"Lane", "Date", "What"}


def test_flagship_statements_say_what_they_are_about(db_file):
    title = sql(db_file, "select title from milestone where commitment_id = ? and seq = 5", [FLAGSHIP])[0][0]
    at = open_page(pages.file("commitment"), id=FLAGSHIP)
    grid = next(f for f in frames(at) if "About" in f.columns and "Flag" in f.columns)
    assert f"Milestone 5: {title}" in set(grid["About"])         # the 2019-04 statement is about milestone 5
    assert set(grid[grid["Period"] == "2021"]["About"]) == {"The commitment"}
    assert (grid["Flag"] == "").all()                            # no disagreement: different subjects
    assert "2019-04 · Milestone 5" in texts(at)                  # the evidence line says so too


def test_spanish_story_lanes(db_file):
    at = open_page(pages.file("commitment"), id=FLAGSHIP, lang="es")
    story = chart_data(at)[0]
    assert {"Hechos", "Hitos", "Informes de avance", "Fecha de término"} <= set(story["lane"])
    assert story["label"].str.contains("Hito 5").any()


def test_a_dead_evidence_link_is_marked_with_the_archive(db_file):
    from datetime import datetime

    from monitor import auth, db, linkcheck, store
    from vocabulary.links import web_urls

    evidence = sql(db_file, """select evidence from progress_update where commitment_id = ? and evidence is not null
                               order by period_end""", [FLAGSHIP])
    url = next(u for (text,) in evidence for u in web_urls(text))
    con = db.open_prepared(db_file)
    try:
        store.record_link_checks(auth.system("test"), con, [linkcheck.LinkCheck(
            url, "dead", 404, None, None, 0, 1, datetime.now(UTC).replace(tzinfo=None), "gone")])
    finally:
        con.close()
    st.cache_data.clear()
    at = open_page(pages.file("commitment"), id=FLAGSHIP)
    said = texts(at)
    assert f"(dead link: [search the archive]({linkcheck.archive_link(url)}))" in said
    assert said.count("dead link") == 1                                # only the link checked dead


def test_data_page_offers_the_link_check_to_the_support_unit_only(db_file):
    at = open_page(pages.file("data"))  # the fixture serves on loopback: the local owner
    assert any(b.label == "Check cited links now" for b in at.button)
    st.config.set_option("server.address", "0.0.0.0")  # reachable from elsewhere, no sign-in: the public
    at = open_page(pages.file("data"))
    assert not any(b.label == "Check cited links now" for b in at.button)


def test_link_check_with_the_network_down_marks_nothing(db_file, monkeypatch):
    from datetime import datetime

    from streamlit import config as st_config

    from monitor import linkcheck

    def unreachable(urls, progress=None, **_):
        urls = list(dict.fromkeys(urls))
        out = [linkcheck.LinkCheck(u, "unreachable", None, None, None, 0, 1, datetime.now(), "no route") for u in urls]
        for i, r in enumerate(out, start=1):
            progress and progress(i, len(out), r)
        return out

    monkeypatch.setattr(linkcheck, "check_all", unreachable)                  # no network in tests
    before = st_config.get_option("server.address")
    st_config.set_option("server.address", "127.0.0.1")
    try:
        at = open_page(pages.file("data"))
        next(b for b in at.button if b.label == "Check cited links now").click().run()
    finally:
        st_config.set_option("server.address", before)
    assert "network is unreachable" in texts(at) and "nothing is marked dead" in texts(at)
    assert sql(db_file, "select count(*) from link_check")[0][0] == 0


def test_unknown_commitment_says_so(db_file):
    at = open_page(pages.file("commitment"), id="ZZ9999")
    assert "No commitment with the id ZZ9999" in texts(at)


def test_spanish_commitment_page(db_file):
    title_es = sql(db_file, "select coalesce(title_es, title) from commitment where commitment_id = ?",
                   [FLAGSHIP])[0][0]
    at = open_page(pages.file("commitment"), id=FLAGSHIP, lang="es")
    said = texts(at)
    assert at.title[0].value.replace("\\", "") == title_es
    assert "Qué plantear" in said and "No iniciado" in said
    assert "Política de Respuesta" in said.replace("\\", "")  # the watch reason, in Spanish
    narratives = [f for f in frames(at) if "Narrativa" in f.columns or "Avance" in f.columns]
    assert any(f.astype(str).apply(lambda c: c.str.contains("ninguna de sus cuatro acciones")).any().any()
               for f in narratives), [list(f.columns) for f in frames(at)]
    assert any("Evento" in f.columns for f in frames(at))


def test_spanish_overview_labels(db_file):
    at = open_page(lang="es")
    assert at.title[0].value == "Panorama general"
    assert any(m.label == "Compromisos" for m in at.metric)
    assert "No iniciado" in legend(charts(at)[0])                  # chart legends from the catalogues too
    assert at.query_params["lang"] == "es"


# --- watchlist -----------------------------------------------------------------------------------

def test_changes_since_match_the_pack(db_file):
    import io
    from datetime import date

    from monitor import db
    from monitor.export.pack import build_pack
    from monitor.filters import Filters

    at = open_page(None, plan="AP_MEX04", since="2021-01-01")
    shown = next(f for f in frames(at) if "What changed" in f.columns)
    assert at.query_params["since"] == ["2021-01-01"] or at.query_params["since"] == "2021-01-01"
    st.cache_resource.clear()
    con = db.open_prepared(db_file)
    try:
        pack = build_pack(con.cursor(), Filters(plan=("AP_MEX04",)), since=date(2021, 1, 1), today=date.today())
    finally:
        con.close()
    sheet = pd.read_excel(io.BytesIO(pack), sheet_name="Changes since 2021-01-01", engine="openpyxl", dtype=str)
    assert list(sheet.columns).index("Source (web): link check") == list(sheet.columns).index("Source (web)") + 1
    sheet = sheet.drop(columns="Source (web): link check")  # the pack says what the last link check found
    assert list(shown.columns) == list(sheet.columns)
    assert len(shown) == len(sheet) > 0

    def same(frame: pd.DataFrame) -> list[tuple]:
        def cell(v) -> str:  # the sheet keeps days as dates and times to the second
            text = "" if v is None or v != v else str(v)
            return text[:10] if re.match(r"\d{4}-\d\d-\d\d[ T]\d", text) else text

        return [tuple(cell(v) for v in row.values()) for row in frame.to_dict("records")]

    for a, b in zip(same(shown), same(sheet)):
        assert a == b, (list(shown.columns), a, b)


def test_watchlist_changes_default_to_90_days(db_file):
    from datetime import date, timedelta

    at = open_page(pages.file("watchlist"))
    assert at.date_input[0].value == date.today() - timedelta(days=90)
    assert at.query_params["since"] in ((date.today() - timedelta(days=90)).isoformat(),
                                        [(date.today() - timedelta(days=90)).isoformat()])


def test_watchlist_staleness_and_pace(db_file):
    from datetime import date

    from monitor import db, metrics, queries
    from monitor.filters import Filters

    st.cache_resource.clear()
    con = db.open_prepared(db_file)
    try:
        members = queries.staleness(con.cursor(), Filters(), by="member", today=date.today())
        plans = queries.plan_pace(con.cursor(), Filters(), date.today())
    finally:
        con.close()
    at = open_page(pages.file("watchlist"))
    by_member = next(f for f in frames(at) if "Member" in f.columns and "Days since the last statement" in f.columns)
    assert list(by_member["Member"]) == list(members["group_name"])          # worst first, as the read orders
    mexico = by_member[by_member["Member"] == "Mexico"].iloc[0]
    assert mexico["Milestones done / due"] == "1 / 10"
    assert any("Lead institution" in f.columns for f in frames(at))
    pace = next(f for f in frames(at) if "Where it is heading" in f.columns)
    assert len(pace) == len(plans)
    verdicts = {metrics.pace(r, date.today())["verdict"] for r in plans.to_dict("records")}
    if verdicts == {"not_enough_data"}:                                       # the bundled data: say so
        assert pace["Where it is heading"].str.startswith("not enough data").all()


def test_watchlist_puts_the_flagship_first_or_explains(db_file):
    at = open_page(pages.file("watchlist"))
    table = frames(at)[0]
    said = texts(at)
    if FLAGSHIP in table["OGP id"].iloc[0]:
        assert f"{FLAGSHIP} leads the watchlist" in said
    else:
        assert f"{FLAGSHIP} is number" in said and "sort rule" in said
    assert table["What to raise"].str.len().min() > 0
    assert len(table) == sql(db_file, "select count(*) from watchlist where list_name = 'priority'")[0][0]


# --- compare -------------------------------------------------------------------------------------

def test_compare_shows_both_mexico_plans(db_file):
    plans = {r[0] for r in sql(db_file, "select action_plan_id from action_plan where member_code = 'MEX'")}
    assert {"AP_MEX03", "AP_MEX04"} <= plans
    at = open_page(pages.file("compare"))
    over_time = frames(at)[0]
    assert any("NAP4" in g for g in over_time["Plan or member"])
    assert any("NAP3" in g for g in over_time["Plan or member"])


def test_compare_charts_name_statuses_and_plans(db_file):
    counts = sql(db_file, """select p.plan_number, count(*) from commitment c join action_plan p using (action_plan_id)
                             where c.member_code = 'MEX' group by all""")
    at = open_page(pages.file("compare"))
    specs, drawn = charts(at), chart_data(at)
    assert len(specs) == 3                                          # plans over time, members, one policy area
    words = {"Red: not started or overdue", "Amber: in progress", "Green: on track or complete",
             "Grey: not yet assessed or withdrawn"}
    for spec in specs:
        assert legend(spec) and set(legend(spec)) <= words          # each colour named in the legend
        tooltips = {t["title"] for view in spec["layer"] for t in view["encoding"].get("tooltip", [])}
        assert {"Plan or member", "Status"} <= tooltips
    plans, table = drawn[0], frames(at)[0]
    assert set(plans["group"]) == set(table["Plan or member"])      # one bar per plan, named as in the table
    assert specs[0]["encoding"]["y"]["sort"] == list(table["Plan or member"])
    for number, total in counts:                                    # every commitment of each plan is counted
        assert plans[plans["group"].str.contains(f"NAP{number}")]["n"].sum() == total
    assert set(plans["value"]) <= words


def test_compare_portfolio_map_draws_the_hierarchy(db_file):
    from monitor import palette

    at = open_page(pages.file("compare"))
    fig = json.loads(at.get("plotly_chart")[0].proto.spec)
    tree = fig["data"][0]
    assert tree["type"] == "treemap"
    ids = tree["ids"]
    flagship = next(i for i in ids if i.endswith("/MX0081"))
    assert flagship.count("/") == 3 and "/MEX/AP_MEX04/" in flagship   # region > member > plan > commitment
    at_flagship = ids.index(flagship)
    assert tree["customdata"][at_flagship] == ["commitment", "MX0081"]
    assert tree["marker"]["colors"][at_flagship] == palette.STATUS["not_started"]   # its status, as the badge says
    roots = [v for v, parent in zip(tree["values"], tree["parents"]) if parent == ""]
    assert sum(roots) == sql(db_file, "select count(*) from commitment")[0][0]


def test_portfolio_map_click_targets():
    import pandas as pd

    from monitor import treemap

    rows = pd.DataFrame({"region": ["Americas"], "member_code": ["MEX"], "member_name": ["Mexico"],
                         "action_plan_id": ["AP_MEX04"], "plan": ["Mexico NAP4"], "commitment_id": ["MX0081"],
                         "title": ["Surveillance"], "rag": ["not_started"]})
    tree = treemap.nodes(rows, {"not_started": "Not started"}, "No region")
    assert list(tree["kind"]) == ["region", "member", "plan", "commitment"]
    assert treemap.picked([{"customdata": ["commitment", "MX0081"]}], tree) == ("commitment", "MX0081")
    assert treemap.picked([{"id": "Americas/MEX"}], tree) == ("member", "MEX")
    assert treemap.picked([{"point_index": 3}], tree) == ("commitment", "MX0081")
    assert treemap.picked([], tree) is None


def test_compare_policy_area_across_members(db_file):
    at = open_page(pages.file("compare"))
    area = at.selectbox(key="compare_area").value
    assert area in ("Data Stewardship and Privacy", "Civic Space and Enabling Environment")
    members = frames(at)[2]
    assert len(members) >= 1


# --- cached sections -------------------------------------------------------------------------------

@pytest.mark.parametrize("page, params", [(None, {}), ("watchlist", {}), ("commitment", {"id": FLAGSHIP}),
                                          ("compare", {"lang": "es"})])
def test_a_page_run_from_its_cache_shows_the_same(db_file, page, params):
    """Page sections are cached with the elements they drew (webui.data.view): a second run replays them."""
    at = open_page(pages.file(page) if page else None, **params)
    said, tables, drawn, specs = texts(at), frames(at) + chart_data(at), len(at.get("vega_lite_chart")), charts(at)
    at.run()
    assert not at.exception
    assert texts(at) == said and charts(at) == specs and len(at.get("vega_lite_chart")) == drawn
    again = frames(at) + chart_data(at)
    assert len(again) == len(tables)
    for shown, before in zip(again, tables):
        pd.testing.assert_frame_equal(shown, before)


def test_an_import_shows_on_pages_already_cached(db_file):
    at = open_page()
    before = int(metric(at, "Commitments").replace(",", ""))
    at.switch_page(pages.file("data")).run()
    at.file_uploader[0].set_value(("atlantis.csv", ogp_export_csv(), "text/csv")).run()
    at.button(key="import").click().run()
    at.switch_page(pages.file("overview")).run()
    assert int(metric(at, "Commitments").replace(",", "")) == before + 1


# --- data ----------------------------------------------------------------------------------------

def test_upload_valid_file_then_import(db_file):
    at = open_page(pages.file("data"))
    at.file_uploader[0].set_value(("atlantis.csv", ogp_export_csv(), "text/csv")).run()
    assert not at.exception
    said = texts(at)
    assert "Detected" in said and "OGP commitment-data export" in said
    at.button(key="import").click().run()
    assert "Imported atlantis.csv" in texts(at)
    at.switch_page(pages.file("overview"))
    at.query_params["member"] = "ATL"
    at.run()
    assert metric(at, "Commitments") == "1"
    assert set(frames(at)[0]["Member"]) == {"Atlantis"}


def test_a_corrected_file_lists_the_rows_it_would_withdraw_before_importing(db_file):
    from tests.monitor.test_withdrawn import DROPPED, milestones_without

    title = "Roadmap of 4 key actions"
    at = open_page(pages.file("commitment"), id="MX0081")
    assert title in texts(at) + " ".join(f.to_string() for f in frames(at))
    at.switch_page(pages.file("data")).run()
    at.file_uploader[0].set_value(("milestones.csv", milestones_without(DROPPED), "text/csv")).run()
    assert not at.exception
    assert "1 row(s) that an earlier import of this file provided are not in it any more" in texts(at)
    removal = next(f for f in frames(at) if "Key" in f.columns)
    assert removal[["Table", "Key", "Commitment"]].values.tolist() == [["milestone", DROPPED, "MX0081"]]
    assert sql(db_file, "select count(*) from milestone where milestone_id = ?", [DROPPED])[0][0] == 1
    at.button(key="import").click().run()
    assert "1 row(s) no longer in this file were withdrawn by source" in texts(at)
    assert sql(db_file, "select count(*) from milestone where milestone_id = ?", [DROPPED])[0][0] == 0
    at.switch_page(pages.file("commitment"))
    at.query_params["id"] = "MX0081"
    at.run()
    history = [f for f in frames(at) if "Before" in f.columns]  # the editor's change history keeps what went
    shown = [f for f in frames(at) if "Before" not in f.columns]
    assert title not in texts(at) + " ".join(f.to_string() for f in shown)
    assert history and history[0]["Before"].str.contains(title).any()


def test_upload_invalid_file_lists_errors_and_writes_nothing(db_file):
    before = sql(db_file, "select count(*) from source_file")[0][0]
    at = open_page(pages.file("data"))
    at.file_uploader[0].set_value(("broken.csv", invalid_ogp_export_csv(), "text/csv")).run()
    errors = next(f for f in frames(at) if "What was expected" in f.columns)
    assert len(errors) >= 1
    assert errors["Row"].notna().all() and (errors["Column"] != "").any()
    assert "Nothing was written" in texts(at)
    assert not [b for b in at.button if b.key == "import"]
    assert sql(db_file, "select count(*) from source_file")[0][0] == before


def test_upload_refuses_other_extensions(db_file):
    at = open_page(pages.file("data"))
    at.file_uploader[0].set_value(("notes.txt", b"hello", "text/plain")).run()
    assert "is not accepted" in texts(at)


def test_import_history_lists_provenance(db_file):
    files = sql(db_file, "select count(*) from source_file")[0][0]
    history = next(f for f in frames(open_page(pages.file("data"))) if "sha256" in f.columns)
    assert len(history) == files


def test_a_public_visitor_sees_no_upload_control_and_is_told_why(db_file):
    st.config.set_option("server.address", "0.0.0.0")  # reachable from other machines, no sign-in configured
    at = open_page(pages.file("data"))
    assert not at.get("file_uploader")
    assert "Read-only" in texts(at) and "Support Unit" in texts(at)
