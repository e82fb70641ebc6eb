"""The meeting pack and the safe CSV: opened with openpyxl and pandas, checked against the database."""
from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime

import openpyxl
import pandas as pd
import pytest
from people import STAFF

from loaders.batch import Batch, SourceInfo
from monitor import cli, db, metrics, queries
from monitor.export import ScopeError, build_pack, csv_bytes, parse_scope, xlsx_bytes
from monitor.export.pack import changes_since
from monitor.filters import Filters
from monitor.store import apply_batch

TODAY = date(2024, 6, 1)
EVIL_TITLE = '=HYPERLINK("http://x","y")'
IDS = [f"MX{n:04d}" for n in range(75, 88)]
EN_SHEETS = ["Summary", "Priority commitments", "Mandates", "Commitments", "Milestones", "Progress history",
             "Changes since 2021-01-01", "Sources"]
ES_SHEETS = ["Resumen", "Compromisos prioritarios", "Mandatos", "Compromisos", "Hitos", "Historial de avances",
             "Cambios desde 2021-01-01", "Fuentes"]


# --- a small database built through the real writer ---------------------------------------------------

def _frames() -> dict[str, pd.DataFrame]:
    member = pd.DataFrame([{"member_code": "MEX", "name": "Mexico", "region": "Americas", "member_type": "national"}])
    plan = pd.DataFrame([{"action_plan_id": "AP_MEX04", "member_code": "MEX", "plan_number": 4,
                          "submission_year": 2019, "end_year": 2021, "title": "Mexico NAP4"}])
    titles = {"MX0075": EVIL_TITLE, "MX0076": "+1+1", "MX0077": "bell\x07 and nul\x00 inside",
              "MX0078": "x" * 40_000}
    commitments = pd.DataFrame([{
        "commitment_id": cid, "action_plan_id": "AP_MEX04", "member_code": "MEX", "commitment_number": str(i + 1),
        "title": titles.get(cid, f"Commitment {cid}"), "lead_institution": "SFP",
        "start_date": date(2019, 9, 1), "end_date": date(2021, 8, 31),
        "ogp_url": "javascript:alert(1)" if cid == "MX0076" else f"https://www.opengovpartnership.org/{cid}",
        "source_url": "https://example.org/a; https://example.org/b"} for i, cid in enumerate(IDS)])
    milestones = pd.DataFrame([
        {"milestone_id": "M1", "commitment_id": "MX0081", "level": "milestone", "seq": 1, "title": "Publish report",
         "due_date": date(2020, 12, 31)},
        {"milestone_id": "M2", "commitment_id": "MX0081", "level": "milestone", "seq": 2, "title": "Pass law",
         "due_date": date(2025, 12, 31)}])
    ratings = pd.DataFrame([
        {"assessment_id": "A1", "subject_type": "commitment", "subject_id": "MX0081", "indicator": "completion",
         "qualifier": "end_of_term", "assessor": "irm", "report": "IRM end-of-term report", "methodology": "irm_legacy",
         "scale_id": "completion", "value_raw": "Limited", "value_code": "limited", "band": "limited",
         "as_of": date(2022, 3, 1)},
        {"assessment_id": "A2", "subject_type": "commitment", "subject_id": "MX0081",
         "indicator": "did_it_open_government", "qualifier": "overall", "assessor": "irm",
         "report": "IRM end-of-term report", "methodology": "irm_legacy", "value_raw": "ND", "missing_reason": "ND",
         "as_of": date(2022, 3, 1)}])
    progress = pd.DataFrame([
        {"update_id": "U1", "subject_type": "commitment", "subject_id": "MX0081", "commitment_id": "MX0081",
         "period": "2020", "period_end": date(2020, 6, 30), "assessor": "government", "status_code": "not_started"},
        {"update_id": "U2", "subject_type": "commitment", "subject_id": "MX0081", "commitment_id": "MX0081",
         "period": "2021", "period_end": date(2021, 6, 30), "assessor": "government", "status_code": "limited",
         "evidence": "https://example.org/evidence"}])
    events = pd.DataFrame([{"event_id": "E1", "event_date": date(2021, 2, 1), "date_raw": "2021-02-01",
                            "date_precision": "day", "member_code": "MEX", "commitment_id": "MX0081",
                            "category": "surveillance", "title": "Pegasus follow-up hearing"}])
    watchlist = pd.DataFrame([{"list_name": "priority", "commitment_id": "MX0081",
                               "reason": "Democratic controls over surveillance", "since": date(2019, 1, 1),
                               "added_by": "test"}])
    return {"member": member, "action_plan": plan, "commitment": commitments, "milestone": milestones,
            "assessment": ratings, "progress_update": progress, "event": events, "watchlist": watchlist}


@pytest.fixture(scope="module")
def small_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("export") / "monitor.duckdb"
    con = db.open_prepared(path)
    try:
        apply_batch(STAFF, con, Batch(SourceInfo("hand_made.csv", "f" * 64, 1, "nap_workbook"), _frames()))
    finally:
        con.close()
    return path


@pytest.fixture(scope="module")
def cur(small_db):
    con = db.connect(small_db, read_only=True)
    yield con.cursor()
    con.close()


@pytest.fixture(scope="module")
def pack(cur) -> bytes:
    return build_pack(cur, Filters(plan=("AP_MEX04",)), lang="en", since=date(2021, 1, 1), today=TODAY)


@pytest.fixture(scope="module")
def wb(pack):
    return openpyxl.load_workbook(io.BytesIO(pack))


def header(ws) -> list[str]:
    return [c.value for c in ws[1]]


def column(ws, name: str) -> list:
    index = header(ws).index(name)
    return [row[index] for row in ws.iter_rows(min_row=2, values_only=True)]


# --- structure ---------------------------------------------------------------------------------------

def test_sheets_and_headers(wb):
    assert wb.sheetnames == EN_SHEETS
    heads = header(wb["Commitments"])
    for name in ("Commitment ID", "Title", "Status", "Colour", "IRM legacy: completion (end of term)",
                 "IRM legacy: did it open government?", "IRM refreshed: early results", "OGP page"):
        assert name in heads
    assert header(wb["Milestones"])[:3] == ["Commitment ID", "Title", "Order"]


def test_row_counts_match_the_database(wb, pack, cur):
    scope = Filters(plan=("AP_MEX04",))
    expected = {"Commitments": queries.count_commitments(cur, scope, TODAY),
                "Milestones": len(queries.export_milestones(cur, scope, TODAY)),
                "Progress history": len(queries.export_progress(cur, scope, TODAY)),
                "Priority commitments": 1}
    read = pd.read_excel(io.BytesIO(pack), sheet_name=None, engine="openpyxl")
    for sheet, rows in expected.items():
        assert wb[sheet].max_row - 1 == rows
        assert len(read[sheet]) == rows
    assert expected["Commitments"] == 13


def test_summary_has_native_charts_and_says_what_it_covers(wb):
    ws = wb["Summary"]
    assert len(ws._charts) == 2
    text = " ".join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None)
    assert "Action plan: Mexico NAP4 (2019-2021), AP_MEX04" in text
    assert "hand_made.csv" in text and "f" * 64 in text


def test_styles_freeze_and_filter(wb):
    for name in EN_SHEETS[1:]:
        ws = wb[name]
        cell = ws["A1"]
        assert cell.font.bold and cell.fill.fgColor.rgb.endswith("1F4E78")
        assert ws.freeze_panes in ("A2", "B2", "C2")
        assert ws.auto_filter.ref.startswith("A1:")


def test_every_sheet_prints_readably(wb):
    """A4, header row on every page, running title and page numbers; one page wide except the commitments."""
    for ws in wb.worksheets:
        assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
        assert "&P" in ws.oddFooter.right.text and "&N" in ws.oddFooter.right.text
        assert ws.title in ws.oddHeader.left.text and ws.print_area
        wide = ws.title == "Commitments"
        fits = ws.sheet_properties.pageSetUpPr
        assert bool(fits and fits.fitToPage) is not wide
        assert (ws.page_setup.fitToWidth, ws.print_title_cols) == ((None, "$A:$B") if wide else (1, None))
        if ws.title != "Summary":
            assert ws.print_title_rows == "$1:$1"
    assert [c.value for c in wb["Commitments"][1][:2]] == ["Commitment ID", "Title"]


def test_rag_and_overdue_are_formatting_and_words(wb):
    commitments = wb["Commitments"]
    assert set(column(commitments, "Colour")) <= {"Red", "Amber", "Green", "Grey"}
    assert len(commitments.conditional_formatting) >= 2
    milestones = wb["Milestones"]
    assert column(milestones, "Overdue") == ["Yes", "No"]
    assert len(milestones.conditional_formatting) >= 1


def test_dates_are_dates(wb):
    ws = wb["Milestones"]
    due = ws.cell(2, header(ws).index("Due date") + 1)
    assert isinstance(due.value, datetime) and due.value.date() == date(2020, 12, 31)
    assert "yy" in due.number_format


def test_hyperlinks_only_for_http(wb):
    targets = [c.hyperlink.target for ws in wb for row in ws.iter_rows() for c in row if c.hyperlink]
    assert targets and all(re.match(r"https?://", t) for t in targets)
    ws = wb["Commitments"]
    row = column(ws, "Commitment ID").index("MX0076") + 2
    cell = ws.cell(row, header(ws).index("OGP page") + 1)
    assert cell.value == "javascript:alert(1)" and cell.hyperlink is None


def test_multi_url_sources_are_split(wb):
    urls = column(wb["Sources"], "Public web address")
    assert {"https://example.org/a", "https://example.org/b"} <= set(urls)


def test_spanish_labels(cur):
    data = build_pack(cur, Filters(plan=("AP_MEX04",)), lang="es", since=date(2021, 1, 1), today=TODAY)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ES_SHEETS
    assert "ID del compromiso" in header(wb["Compromisos"])
    assert column(wb["Hitos"], "Vencido") == ["Sí", "No"]


# --- safety ----------------------------------------------------------------------------------------

def test_formula_title_arrives_as_text(wb, pack):
    ws = wb["Commitments"]
    row = column(ws, "Commitment ID").index("MX0075") + 2
    cell = ws.cell(row, header(ws).index("Title") + 1)
    assert cell.value == EVIL_TITLE and cell.data_type == "s" and cell.quotePrefix
    with zipfile.ZipFile(io.BytesIO(pack)) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        assert sheets and all(b"<f>" not in z.read(n) and b"<f " not in z.read(n) for n in sheets)


def test_control_characters_removed_and_long_text_cut_visibly(wb):
    titles = dict(zip(column(wb["Commitments"], "Commitment ID"), column(wb["Commitments"], "Title")))
    assert titles["MX0077"] == "bell and nul inside"
    assert len(titles["MX0078"]) <= 32_767
    assert titles["MX0078"].endswith("[truncated: 40,000 characters in the original]")
    notes = " ".join(str(c.value) for row in wb["Summary"].iter_rows() for c in row if isinstance(c.value, str))
    assert "control characters" in notes and "32,767" in notes


def test_csv_has_bom_quote_prefix_and_rfc4180_quoting():
    df = pd.DataFrame({"commitment_id": ["MX0075", "MX0076"], "title": [EVIL_TITLE, 'a, "b"\nc'],
                       "due_date": pd.to_datetime(["2020-12-31", None])})
    data = csv_bytes(df, "en")
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert text.splitlines()[0] == "Commitment ID,Title,Due date"
    assert "'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")" in text
    assert '"a, ""b""\nc"' in text and "2020-12-31" in text


def test_any_table_as_xlsx_is_safe():
    df = pd.DataFrame({"commitment_id": ["MX0075"], "title": [EVIL_TITLE], "source_url": ["https://x.org"]})
    ws = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(df, "es"))).active
    assert header(ws) == ["ID del compromiso", "Título", "Fuente (web)"]
    assert ws["B2"].data_type == "s" and ws["B2"].value == EVIL_TITLE
    assert ws["C2"].hyperlink.target == "https://x.org"


# --- meeting content ---------------------------------------------------------------------------------

def test_priority_sheet_has_reason_events_and_what_to_raise(wb):
    ws = wb["Priority commitments"]
    row = dict(zip(header(ws), next(ws.iter_rows(min_row=2, values_only=True))))
    assert row["Commitment ID"] == "MX0081"
    assert row["Reason watched"] == "Democratic controls over surveillance"
    assert row["Related events"] == 1 and "Pegasus follow-up hearing" in row["Events (newest first)"]
    assert "End date 2021-08-31 passed" in row["What to raise"]


def test_changes_since_lists_what_moved(wb):
    kinds = column(wb["Changes since 2021-01-01"], "What changed")
    assert kinds.count("New commitment") == 13  # loaded after the date: one row each, their facts folded in
    assert "Event" in kinds


def test_changes_of_known_commitments(cur):
    data = build_pack(cur, Filters(plan=("AP_MEX04",)), since=date(2099, 1, 1), today=TODAY)
    ws = openpyxl.load_workbook(io.BytesIO(data))["Changes since 2099-01-01"]
    assert ws.max_row == 1  # nothing is dated or loaded after 2099


def test_empty_scope_says_so(cur):
    data = build_pack(cur, Filters(q="no such words anywhere"), today=TODAY)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    text = " ".join(str(c.value) for row in wb["Summary"].iter_rows() for c in row if c.value is not None)
    assert "No commitment matches this scope" in text
    assert wb["Commitments"].max_row == 1


# --- scope and CLI -----------------------------------------------------------------------------------

def test_scope_parsing(cur):
    options = queries.filter_options(cur)
    assert parse_scope("plan:AP_MEX04", options) == Filters(plan=("AP_MEX04",))
    assert parse_scope("member:MEX", options) == Filters(member=("MEX",))
    assert parse_scope("watchlist", options) == Filters(watched=True)
    assert parse_scope("filters:member=MEX&status=overdue", options) == Filters(member=("MEX",), status=("overdue",))
    for bad in ("plan:AP_MEX99", "country:MEX", "plan:", "filters:colour=red", "filters:status=late"):
        with pytest.raises(ScopeError):
            parse_scope(bad, options)


def test_cli_export_end_to_end(small_db, tmp_path):
    out = tmp_path / "pack.xlsx"
    assert cli.main(["export", "--db", str(small_db), "--scope", "plan:AP_MEX04", "--lang", "es",
                     "--since", "2021-01-01", "--out", str(out)]) == 0
    assert openpyxl.load_workbook(out).sheetnames == ES_SHEETS
    csv_out = tmp_path / "watch.csv"
    assert cli.main(["export", "--db", str(small_db), "--scope", "watchlist", "--format", "csv",
                     "--table", "watchlist", "--out", str(csv_out)]) == 0
    assert csv_out.read_bytes().startswith(b"\xef\xbb\xbf") and b"MX0081" in csv_out.read_bytes()


def test_cli_rejects_bad_scope_and_date(small_db, tmp_path):
    out = tmp_path / "x.xlsx"
    assert cli.main(["export", "--db", str(small_db), "--scope", "plan:NOPE", "--out", str(out)]) == 2
    assert cli.main(["export", "--db", str(small_db), "--since", "last week", "--out", str(out)]) == 2
    assert not out.exists()


# --- the bundled data: Mexico NAP4 -----------------------------------------------------------------------

def test_mexico_nap4_pack_on_bundled_data(bundled_db_path):
    con = db.connect(bundled_db_path, read_only=True)
    try:
        data = build_pack(con.cursor(), Filters(plan=("AP_MEX04",)), since=date(2021, 1, 1))
    finally:
        con.close()
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ids = column(wb["Commitments"], "Commitment ID")
    assert sorted(ids) == IDS
    priority = wb["Priority commitments"]
    rows = {r[0]: dict(zip(header(priority), r)) for r in priority.iter_rows(min_row=2, values_only=True)}
    assert "MX0081" in rows
    assert rows["MX0081"]["Reason watched"]
    assert rows["MX0081"]["Related events"] > 0 and rows["MX0081"]["Events (newest first)"]


def test_every_statement_in_the_pack_says_what_it_is_about(bundled_db_path):
    con = db.connect(bundled_db_path, read_only=True)
    data = build_pack(con.cursor(), Filters(plan=("AP_MEX04",)), since=date(2021, 1, 1))
    con.close()
    sheet = openpyxl.load_workbook(io.BytesIO(data))["Progress history"]
    rows = [dict(zip(header(sheet), r)) for r in sheet.iter_rows(min_row=2, values_only=True)]
    about = {(r["Commitment ID"], r["Period"], r["Assessor"]): r["About"] for r in rows}
    assert about[("MX0081", "2019-04", "Civil society")].startswith("Milestone 5: ")
    assert about[("MX0081", "2021", "Government")] == "The commitment"


def test_changes_for_a_page_are_the_pack_rows_and_include_newly_overdue_milestones(bundled_db_path):
    con = db.connect(bundled_db_path, read_only=True)
    scope, since, today = Filters(plan=("AP_MEX04",)), date(2021, 1, 1), date(2026, 12, 1)
    page = changes_since(con.cursor(), scope, since, today).frame
    sheet = openpyxl.load_workbook(io.BytesIO(build_pack(con.cursor(), scope, since=since, today=today)))
    due = con.execute("""select count(*) from milestone_status_on(?::date) s join commitment c using (commitment_id)
                         where c.action_plan_id = 'AP_MEX04' and is_overdue and due_date >= ?""",
                      [today, since]).fetchone()[0]
    con.close()
    pack = [list(r) for r in sheet["Changes since 2021-01-01"].iter_rows(min_row=2, values_only=True)]
    assert len(pack) == len(page)
    assert [(r[1], r[2] or "") for r in pack] == list(zip(page["What changed"], page["Commitment ID"].fillna("")))
    overdue = page[page["What changed"] == "Milestone now overdue"]
    assert due > 0 and len(overdue) == due
    assert overdue["Detail"].str.startswith("Milestone ").all()


def test_the_pack_marks_dead_links_and_never_calls_an_unreachable_one_dead(bundled_copy):
    from monitor import auth, linkcheck, store
    from vocabulary.links import web_urls

    con = db.open_prepared(bundled_copy)
    evidence = [u for (text,) in con.execute("""select evidence from progress_update where commitment_id = 'MX0081'
                                                and evidence is not null order by period_end""").fetchall()
                for u in web_urls(text)]
    dead, slow = evidence[0], evidence[-1]
    assert dead != slow
    when = datetime(2026, 11, 30, 9, 0)
    store.record_link_checks(auth.system("test"), con, [
        linkcheck.LinkCheck(dead, "dead", 404, dead, 404, 0, 5, when, "HTTP 404"),
        linkcheck.LinkCheck(slow, "timeout", None, None, None, 0, 1000, when, "no answer within 10 s")])
    sheets = {lang: openpyxl.load_workbook(io.BytesIO(build_pack(con.cursor(), Filters(plan=("AP_MEX04",)),
                                                                  lang=lang)))
              for lang in ("en", "es")}
    con.close()
    progress = [dict(zip(header(sheets["en"]["Progress history"]), r))
                for r in sheets["en"]["Progress history"].iter_rows(min_row=2, values_only=True)]
    marks = {u: r["Evidence: link check"] for r in progress for u in web_urls(r["Evidence"] or "")}
    said = f"dead link (HTTP 404, checked 2026-11-30); search the archive: {linkcheck.archive_link(dead)}"
    assert said in marks[dead]
    assert "dead link" not in marks[slow] and "no answer in time (checked 2026-11-30)" in marks[slow]
    assert "unchecked" in {r["Source (web): link check"] for r in progress}
    cells = [c for ws in sheets["en"].worksheets for row in ws.iter_rows(values_only=True) for c in row
             if isinstance(c, str) and "dead link (" in c]
    assert cells and all(dead in c for c in cells)  # only the link checked dead, wherever it is listed
    es = [c for row in sheets["es"]["Historial de avances"].iter_rows(values_only=True) for c in row
          if isinstance(c, str) and "enlace caído (HTTP 404, comprobado el 2026-11-30)" in c]
    assert es


def test_priority_sheet_says_how_quiet_members_and_leads_are_and_where_plans_head(bundled_db_path):
    today = date(2026, 11, 23)
    con = db.connect(bundled_db_path, read_only=True)
    last = con.execute("""select max(p.period_end) from progress_update p join commitment c using (commitment_id)
                          where c.member_code = 'MEX'""").fetchone()[0]
    milestones, stated = con.execute("""
        select count(*), count(*) filter (where m.milestone_id in (select subject_id from progress_update
                                                                  where subject_type = 'milestone'
                                                                    and status_code is not null))
        from milestone m join commitment c using (commitment_id) where c.action_plan_id = 'AP_MEX04'""").fetchone()
    books = {lang: openpyxl.load_workbook(io.BytesIO(build_pack(con.cursor(), Filters(plan=("AP_MEX04",)), lang=lang,
                                                                today=today))) for lang in ("en", "es")}
    con.close()
    sheet = books["en"]["Priority commitments"]
    row = {r[0]: dict(zip(header(sheet), r)) for r in sheet.iter_rows(min_row=2, values_only=True)}["MX0081"]
    days = (today - last).days
    assert row["Member: statements and milestones"].startswith(
        f"Mexico: {days:,} days since the last statement ({last.isoformat()}); of its ")
    assert row["Lead institution: statements and milestones"] == "Not recorded"  # MX0081 names none
    assert stated < metrics.PACE_MIN_MILESTONES  # too few statements on the bundled data to project a pace
    assert row["Plan: where it is heading"] == f"not enough data ({stated} of {milestones} milestones with a status)"
    es = books["es"]["Compromisos prioritarios"]
    fila = {r[0]: dict(zip(header(es), r)) for r in es.iter_rows(min_row=2, values_only=True)}["MX0081"]
    assert fila["Miembro: declaraciones e hitos"].startswith(f"Mexico: {days:,} días".replace(",", "\u00a0"))
    assert fila["Plan: hacia dónde va"] == f"datos insuficientes ({stated} de {milestones} hitos con estado)"
