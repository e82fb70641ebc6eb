"""Happy paths of the format loaders: what a valid file becomes, and that the writer accepts it."""
from __future__ import annotations

from datetime import date

import loader_files as f
import openpyxl
import pytest
from people import STAFF
from repo import REPO

from loaders import detect, nap_workbook, progress
from loaders.batch import InvalidFile
from monitor import db, store
from monitor.export.template import write_template

CANADA = REPO / "tests" / "data" / "canada_nap5_tracker_example_en.csv"


@pytest.fixture
def con(tmp_path):
    con = db.open_prepared(tmp_path / "m.duckdb")
    yield con
    con.close()


def test_openpyxl_uses_defusedxml():
    assert openpyxl.DEFUSEDXML is True


def test_english_workbook_becomes_plan_commitments_tags_and_milestones(con):
    rows = [f.ROWS[0], ["", *f.ROWS[1][1:]]]  # the second commitment has no OGP id yet
    data = f.nap_xlsx(rows=rows)
    batch = detect.load(data, "plan.xlsx")
    assert batch.ok, batch.problems
    assert batch.source.kind == "nap_workbook"
    assert f.stored(batch, "member") == [{"member_code": "TST", "name": "Testland", "source_sheet": "Commitments",
                                          "source_row": 2}]
    second = f.stored(batch, "commitment")[1]
    assert (second["commitment_id"], second["start_date"], second["end_date_precision"]) == (
        "AP_TST01-2", date(2021, 3, 1), "day")
    assert [t["tag"] for t in f.stored(batch, "commitment_tag")] == ["Open contracting", "Anti-corruption"]
    assert batch.tables["milestone"]["milestone_id"].tolist() == ["TS0001.1", "TS0001.2"]
    report = store.apply_batch(STAFF, con, batch)
    assert report.added == {"member": 1, "action_plan": 1, "commitment": 2, "commitment_tag": 2, "milestone": 2}
    assert store.apply_batch(STAFF, con, detect.load(data, "plan.xlsx")).already_imported_at
    resaved = store.apply_batch(STAFF, con, detect.load(f.nap_xlsx(rows=rows), "plan.xlsx"))
    assert resaved.total_added == resaved.total_changed == 0


def test_spanish_workbook_reads_spanish_headers_and_day_first_dates(con):
    book = f.workbook({
        "Compromisos": [
            ["ID del plan de acción", "Código del miembro", "Miembro", "Número", "Título", "Institución responsable",
             "Fecha de inicio", "Fecha de término", "Áreas de política"],
            ["AP_MEX04", "MEX", "México", "7", "Controles democráticos a la intervención de comunicaciones privadas",
             "SSPC", "10/12/2019", "30/04/2022", "Derechos digitales"],
        ],
        "Hitos": [
            ["Número", "Hito", "Nivel", "Responsable", "Fecha límite"],
            ["7", "Instalar el grupo de trabajo", "actividad", "SSPC", "01/02/2021"],
        ],
    })
    batch = detect.load(f.xlsx(book), "plan_es.xlsx")
    assert batch.ok, batch.problems
    commitment = f.stored(batch, "commitment")[0]
    assert (commitment["commitment_id"], commitment["start_date"], commitment["end_date"]) == (
        "AP_MEX04-7", date(2019, 12, 10), date(2022, 4, 30))
    assert commitment["lead_institution"] == "SSPC"
    milestone = f.stored(batch, "milestone")[0]
    assert (milestone["commitment_id"], milestone["level"], milestone["due_date"]) == (
        "AP_MEX04-7", "activity", date(2021, 2, 1))
    store.apply_batch(STAFF, con, batch)


def test_each_sheet_alone_as_csv(con):
    commitments = f.csv_bytes([f.HEADERS, *f.ROWS])
    milestones = f.csv_bytes([f.MILESTONE_HEADERS, *f.MILESTONE_ROWS])
    assert detect.detect(commitments, "c.csv") == detect.detect(milestones, "m.csv") == "nap_workbook"
    first, second = detect.load(commitments, "c.csv"), detect.load(milestones, "m.csv", "nap_milestones")
    assert (first.source.kind, second.source.kind) == ("nap_commitments", "nap_milestones")
    store.apply_batch(STAFF, con, first)
    store.apply_batch(STAFF, con, second)
    assert con.execute("select count(*) from milestone").fetchone()[0] == 2


def test_milestones_csv_with_numbers_only_asks_for_commitment_ids():
    batch = detect.load(f.csv_bytes([["number", "title", "due_date"], ["1", "Publish", "2021-12-31"]]), "m.csv")
    assert [p.expected for p in batch.errors] == [
        "a milestones file on its own needs a commitment_id column: the number alone does not say which action plan"]


def test_canada_tracker_as_published(con):
    data = CANADA.read_bytes()
    assert detect.detect(data, CANADA.name) == "progress"
    batch = detect.load(data, CANADA.name)
    assert batch.ok, batch.problems
    row = f.stored(batch, "progress_update")[0]
    assert (row["subject_type"], row["subject_id"], row["commitment_id"]) == ("milestone", "C01.1.1", "C01")
    assert (row["period"], row["period_end"], row["status_raw"], row["status_code"]) == (
        "2022-03", date(2022, 3, 31), "SP", "substantial")
    assert row["narrative"].startswith("- Open government learning materials") and row["language"] == "en"
    with pytest.raises(InvalidFile, match="expected a commitment already in the monitor"):
        store.apply_batch(STAFF, con, batch)  # Canada's plan must be loaded first
    plan = [["C01", "AP_CAN05", "CAN", "Canada", "1", "Open government literacy", "2022-01-01", "2024-12-31", ""]]
    store.apply_batch(STAFF, con, detect.load(f.csv_bytes([f.HEADERS, *plan]), "canada_plan.csv"))
    with pytest.raises(InvalidFile, match="expected a milestone already in the monitor"):
        store.apply_batch(STAFF, con, batch)  # its indicators too
    steps = [["commitment_id", "milestone_id", "parent_milestone_id", "level", "seq", "title", "due_date"],
             ["C01", "C01.1", "", "milestone", "1", "Learning materials", "2024-06-30"],
             ["C01", "C01.1.1", "C01.1", "indicator", "1", "Materials drafted", "2022-12-31"]]
    store.apply_batch(STAFF, con, detect.load(f.csv_bytes(steps), "canada_milestones.csv"))
    assert store.apply_batch(STAFF, con, batch).added == {"progress_update": 1}


def test_canada_nil_progress_is_kept_and_codes_resolve():
    header = CANADA.read_text(encoding="utf-8").splitlines()[0].split(",")
    rows = [["2022-06", "C01", "C01.1", "C01.1.2", "LP", "NIL", "NÉANT", "", "", "", ""],
            ["2022-06", "C01", "C01.1", "C01.1.3", "NS", "", "Rien", "", "", "", ""]]
    updates = f.stored(progress.load(f.csv_bytes([header, *rows]), "ca.csv"), "progress_update")
    assert [(u["status_code"], u["narrative"], u["language"]) for u in updates] == [
        ("limited", "NIL", "en"), ("not_started", "Rien", "fr")]


def test_generic_progress_in_spanish_and_reimport_by_period(con):
    store.apply_batch(STAFF, con, detect.load(f.nap_xlsx(), "plan.xlsx"))
    header = ["ID del compromiso", "Periodo", "Evaluador", "Nombre del evaluador", "Estado", "Porcentaje", "Avance",
              "Retos", "Evidencia"]
    first = [["TS0001", "2022-S1", "sociedad civil", "Observatorio", "en proceso", "40%", "Avanza", "", "https://x"]]
    batch = detect.load(f.csv_bytes([header, *first]), "avance.csv")
    assert batch.ok, batch.problems
    row = f.stored(batch, "progress_update")[0]
    assert (row["assessor"], row["status_code"], row["percent_complete"], row["period_end"]) == (
        "civil_society", "in_progress", 40.0, date(2022, 6, 30))
    store.apply_batch(STAFF, con, batch)
    again = [first[0][:4] + ["completado", "100", "Listo", "", ""]]
    assert store.apply_batch(STAFF, con, detect.load(f.csv_bytes([header, *again]), "avance2.csv")).changed == {
        "progress_update": 1}
    later = [["TS0001", "2022-S2", *first[0][2:]]]
    assert store.apply_batch(STAFF, con, detect.load(f.csv_bytes([header, *later]), "avance3.csv")).added == {
        "progress_update": 1}


def test_irm_ratings_map_onto_published_scales(con):
    store.apply_batch(STAFF, con, detect.load(f.nap_xlsx(), "plan.xlsx"))
    data = f.xlsx(f.workbook({"Ratings": [f.IRM_HEADERS, *f.IRM_ROWS]}))
    assert detect.detect(data, "irm.xlsx") == "irm_ratings"
    batch = detect.load(data, "irm.xlsx")
    assert batch.ok, batch.problems
    got = [(a["indicator"], a["scale_id"], a["value_code"], a["band"], a["missing_reason"], a["methodology"])
           for a in f.stored(batch, "assessment")]
    assert got == [("completion", "completion", "substantial", "substantial", None, "irm_refresh"),
                   ("early_results", "early_results", "significant", "strong", None, "irm_refresh"),
                   ("early_results", "early_results", None, None, "NA", "irm_refresh")]
    assert f.stored(batch, "assessment")[0]["rationale"] == "Most contracts are published."
    assert store.apply_batch(STAFF, con, batch).added == {"assessment": 3}


def test_irm_summary_counts_as_published():
    header = ["action_plan_id", "report", "indicator", "band_or_value", "count", "source_url", "quote"]
    rows = [["AP_MEX04", "Results Report 2019-2022", "early_results", "significant", "3", "https://x", "3 significant"],
            ["AP_MEX04", "Design Report 2019-2021", "transformative", "", "4 (31%)", "https://y", "Transformative 4"]]
    data = f.csv_bytes([header, *rows])
    assert detect.detect(data, "s.csv") == "irm_summary"
    got = [(a["subject_type"], a["indicator"], a["qualifier"], a["value_numeric"], a["value_raw"], a["band"])
           for a in f.stored(detect.load(data, "s.csv"), "assessment")]
    assert got == [("action_plan", "early_results_count", "significant", 3.0, "3", "strong"),
                   ("action_plan", "transformative_count", "", 4.0, "4 (31%)", None)]


def test_events_and_watchlist(con):
    store.apply_batch(STAFF, con, detect.load(f.nap_xlsx(), "plan.xlsx"))
    events = f.csv_bytes([["date", "date_precision", "member_code", "commitment_id", "category", "title", "actor"],
                          ["2021-07", "", "TST", "TS0001", "statement", "OGP calls for implementation", "OGP"],
                          ["2019", "", "TST", "", "plan", "Plan submitted", "Government"]])
    watch = f.csv_bytes([["commitment_id", "reason", "since", "added_by"],
                         ["TS0001", "No progress in two years", "2024-01-10", "Support Unit"]])
    assert (detect.detect(events, "e.csv"), detect.detect(watch, "w.csv")) == ("events", "watchlist")
    ev = f.stored(detect.load(events, "e.csv"), "event")
    assert [(e["event_date"], e["date_precision"]) for e in ev] == [(date(2021, 7, 1), "month"),
                                                                   (date(2019, 1, 1), "year")]
    store.apply_batch(STAFF, con, detect.load(events, "e.csv"))
    store.apply_batch(STAFF, con, detect.load(watch, "w.csv"))
    assert con.execute("select list_name, since from watchlist").fetchall() == [("priority", date(2024, 1, 10))]


def test_template_is_helpful_and_its_blank_form_imports_nothing(tmp_path):
    path = write_template(tmp_path / "template.xlsx")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Commitments", "Milestones", "Instructions"]
    assert book["Commitments"].freeze_panes == "A2" and book["Commitments"]["A1"].font.bold
    assert book["Milestones"].data_validations.dataValidation[0].formula1 == '"milestone,activity,indicator,objective"'
    assert "Fecha de inicio" in str([c.value for c in book["Instructions"]["F"]])  # also accepted
    assert [c.value for c in book["Instructions"][4]] == ["Sheet", "Column", "Required", "Explanation", "Example",
                                                         "Also accepted"]
    assert [p.expected for p in nap_workbook.load(path.read_bytes(), "template.xlsx").errors] == [
        "no data rows below the header (row 1); an empty import would change nothing"]
    book["Commitments"].append(["", "AP_TST01", "TST", "Testland", None, 1, "1", "Open contracting", *[None] * 6,
                                "2021-01-01", "2022-12-31"])
    filled = nap_workbook.load(f.xlsx(book), "filled.xlsx")
    assert filled.ok and f.stored(filled, "commitment")[0]["commitment_id"] == "AP_TST01-1"
    assert "milestone" not in filled.tables


def test_spanish_template_explains_in_spanish_with_the_same_headers(tmp_path):
    english = openpyxl.load_workbook(write_template(tmp_path / "en.xlsx"))
    spanish = openpyxl.load_workbook(write_template(tmp_path / "es.xlsx", lang="es"))
    assert spanish.sheetnames == ["Commitments", "Milestones", "Instrucciones"]
    for sheet in ("Commitments", "Milestones"):
        assert [c.value for c in spanish[sheet][1]] == [c.value for c in english[sheet][1]]
    rows = {(r[0], r[1]): r for r in spanish["Instrucciones"].iter_rows(min_row=5, values_only=True)}
    assert rows[("Commitments", "title")][2:4] == ("sí", "Título del compromiso (hasta 1,000 caracteres)")
    assert rows[("Milestones", "title")][3] == "Qué se entregará (hasta 5,000 caracteres)"
    assert rows[("Commitments", "description")][4] is None  # no example rather than a key name
    assert nap_workbook.load((tmp_path / "es.xlsx").read_bytes(), "es.xlsx").errors[0].expected.startswith(
        "no data rows below the header")


def test_unknown_kind_is_refused_with_the_known_ones():
    with pytest.raises(InvalidFile, match="unknown kind 'budget'; known: ogp_export"):
        detect.load(b"a,b\n1,2\n", "x.csv", "budget")
