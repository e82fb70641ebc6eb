"""Import defects found by probing the loaders (GitHub issue 12): one test per class, written from its
description. Each failed on the code before the fix; docs/bad-inputs.md says what each class now gets."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime

import loader_files as f
import openpyxl
import pandas as pd
import pytest
from people import STAFF
from repo import REPO

from loaders import detect, nap_workbook, ogp_export
from loaders.batch import Batch, InvalidFile
from loaders.xlsx_scan import column_letter
from monitor import db, store

SAMPLE = (REPO / "data" / "seed" / "ogp_export"
          / "ogp_commitments_open_parliament_2024-07_part_a.csv")
T = f.ROWS[0]  # a valid NAP commitment row: columns A..I are id, plan, member, name, number, title, start, end, areas


def export_rows(n: int = 3) -> list[list[str]]:
    with SAMPLE.open(newline="", encoding="utf-8") as handle:
        return [list(r) for r in list(csv.reader(handle))[: n + 1]]


def export_csv(rows: list[list[str]], delimiter: str = ",") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def col(rows: list[list[str]], header: str) -> int:
    return rows[0].index(header)


def errors(batch: Batch) -> list[tuple]:
    return [(p.row, p.column, p.value, p.expected) for p in batch.errors]


def nap_csv(*rows: list[str]) -> bytes:
    return f.csv_bytes([f.HEADERS, *rows])


# ---------------------------------------------------------------- 4. ids: case and look-alike characters


@pytest.mark.parametrize("first, second", [("MX0081", "mx0081"), ("PROBE-10", "probe-10"), ("TS0001", "ＴＳ０００１")])
def test_two_spellings_of_one_id_in_a_file_are_refused_naming_both(first, second):
    batch = detect.load(nap_csv([first, *T[1:]], [second, *f.ROWS[1][1:]]), "plan.csv")
    clash = [p for p in batch.errors if "are the same commitment id" in p.expected]
    assert [(p.row, p.column, p.value) for p in clash] == [(3, "commitment_id", second)]
    assert f"cell A3: {second!r} and {first!r} (cell A2) are the same commitment id" in clash[0].expected


def test_ids_are_stored_in_canonical_form_with_a_note():
    batch = detect.load(nap_csv(["ｍｘ0081", "ap_mex04", "mex", *T[3:]]), "plan.csv")
    assert batch.ok, batch.problems
    row = f.stored(batch, "commitment")[0]
    assert (row["commitment_id"], row["action_plan_id"], row["member_code"]) == ("MX0081", "AP_MEX04", "MEX")
    assert f.stored(batch, "member")[0]["member_code"] == "MEX"
    assert any("1 commitment id(s) stored in canonical form" in n and "'ｍｘ0081' -> 'MX0081'" in n
               for n in batch.notes)


def test_an_id_with_another_scripts_digits_is_refused_in_every_loader():
    nap = detect.load(nap_csv(["TS\u0660\u0660\u0660\u0661", *T[1:]]), "plan.csv")
    assert [(p.row, p.column) for p in nap.errors] == [(2, "commitment_id")]
    assert "digits that only look like 0-9" in nap.errors[0].expected
    assert "Arabic-Indic Digit Zero" in nap.errors[0].expected
    rows = export_rows(1)
    rows[1][0] = "AL\u0660\u0660\u0665\u0660"
    export = ogp_export.load(export_csv(rows), "export.csv")
    assert [(p.row, p.column, p.value) for p in export.errors] == [(2, ogp_export.ID, rows[1][0])]
    assert export.errors[0].expected.startswith("cell A2: the commitment id")


def test_the_export_folds_ids_and_refuses_two_spellings_of_one():
    rows = export_rows(3)
    original = rows[1][0]
    rows[1][0] = original.lower()
    for row in rows[1:]:
        row[col(rows, "Code")] = row[col(rows, "Code")].lower()
    folded = ogp_export.load(export_csv(rows), "export.csv")
    assert folded.errors == []
    assert folded.tables["commitment"].commitment_id.iat[0] == original
    assert set(folded.tables["member"].member_code) == {r[col(rows, "Code")].upper() for r in rows[1:]}
    assert any("commitment id(s) stored in canonical form" in n for n in folded.notes)
    rows[2][0] = original
    clash = ogp_export.load(export_csv(rows), "export.csv")
    found = [p for p in clash.errors if "are the same commitment id" in p.expected]
    assert [(p.row, p.column, p.value) for p in found] == [(3, ogp_export.ID, original)]
    assert f"cell A3: {original!r} and {original.lower()!r} (cell A2)" in found[0].expected


# ---------------------------------------------------------------- 5. the export's cells get every loader's checks


def with_cell(header: str, value: str, row: int = 1, n: int = 3) -> list[list[str]]:
    rows = export_rows(n)
    rows[row][col(rows, header)] = value
    return rows


def test_a_nul_after_the_first_4_kb_of_an_export_is_refused_naming_the_cell():
    rows = with_cell("Commitment Title", "Open\x00parliament", row=3, n=40)
    data = export_csv(rows)
    assert data.index(b"\x00") > 4096
    batch = ogp_export.load(data, "export.csv")
    letter = column_letter(col(rows, "Commitment Title"))
    assert [(p.row, p.column, p.value, p.expected) for p in batch.errors] == [
        (4, "Commitment Title", "Open\\x00parliament", f"cell {letter}4 contains a NUL character; remove it")]


def test_control_characters_in_an_export_are_removed_and_noted():
    rows = with_cell("Full Text", "First line\x0bsecond\x1b[31m line")
    batch = ogp_export.load(export_csv(rows), "export.csv")
    assert batch.errors == []
    assert batch.tables["commitment"].description.iat[0] == "First linesecond[31m line"
    assert "export.csv: removed 2 control character(s)" in batch.notes


@pytest.mark.parametrize("header, length, limit", [("Commitment Title", 1_500, 1_000), ("Full Text", 150_000, 100_000),
                                                   ("Commitment Title", 150_000, 1_000)])
def test_over_long_export_cells_are_refused_as_the_docs_promise(header, length, limit):
    rows = with_cell(header, "t" * length)
    batch = ogp_export.load(export_csv(rows), "export.csv")
    letter = column_letter(col(rows, header))
    assert [(p.row, p.column, p.expected) for p in batch.errors] == [
        (2, header, f"cell {letter}2 has {length:,} characters; the limit is {limit:,}")]


# ---------------------------------------------------------------- 6. an OGP workbook's bad cells are named


def export_book(rows: list[list[str]]) -> openpyxl.Workbook:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Commitments"
    for row in rows:
        sheet.append(row)
    return book


def cell_of(rows: list[list[str]], header: str, row: int) -> str:
    return f"{column_letter(col(rows, header))}{row}"


def test_error_values_and_uncached_formulas_in_an_export_workbook_are_named():
    rows = export_rows(4)
    book = export_book(rows)
    book.active[cell_of(rows, "Theme", 2)] = "#REF!"
    book.active[cell_of(rows, "Lead Institution", 3)] = "#N/A"
    book.active[cell_of(rows, "Short Title", 4)] = "=UPPER(A4)"
    batch = ogp_export.load(f.xlsx(book), "export.xlsx")
    found = [(p.sheet, p.row, p.column, p.value, p.expected.split(";")[0]) for p in batch.errors]
    assert found == [
        ("Commitments", 2, "Theme", "#REF!", f"cell {cell_of(rows, 'Theme', 2)} contains the Excel error #REF!"),
        ("Commitments", 3, "Lead Institution", "#N/A",
         f"cell {cell_of(rows, 'Lead Institution', 3)} contains the Excel error #N/A"),
        ("Commitments", 4, "Short Title", "=UPPER(A4)",
         f"cell {cell_of(rows, 'Short Title', 4)} is a formula (=UPPER(A4)) with no saved result")]


def test_a_bad_title_cell_is_named_for_what_it_holds_not_as_empty():
    rows = export_rows(2)
    book = export_book(rows)
    book.active[cell_of(rows, "Commitment Title", 2)] = "#VALUE!"
    book.active[cell_of(rows, "Commitment Title", 3)] = '=CONCAT("a", "b")'
    batch = ogp_export.load(f.xlsx(book), "export.xlsx")
    assert [(p.row, p.column, p.value) for p in batch.errors] == [
        (2, "Commitment Title", "#VALUE!"), (3, "Commitment Title", '=CONCAT("a", "b")')]
    assert not any("required" in p.expected for p in batch.errors)


def test_merged_cells_and_hidden_rows_in_an_export_workbook_are_reported():
    rows = export_rows(4)
    book = export_book(rows)
    book.active.merge_cells(f"{cell_of(rows, 'Region', 2)}:{cell_of(rows, 'Region', 3)}")
    book.active.row_dimensions[4].hidden = True
    batch = ogp_export.load(f.xlsx(book), "export.xlsx")
    merged = f"{cell_of(rows, 'Region', 2)}:{cell_of(rows, 'Region', 3)}"
    assert [(p.row, p.value, p.expected) for p in batch.errors] == [
        (2, merged, f"merged cells {merged}: unmerge them and fill every cell")]
    assert "hidden rows 4 were imported; check they are not drafts" in [p.expected for p in batch.warnings]


# ---------------------------------------------------------------- 7. dates


@pytest.mark.parametrize("raw", ["2021-02-30", "2021-13-01", "1899-12-31", "2999-01-01"])
def test_an_impossible_export_date_is_warned_about_naming_the_cell(raw):
    rows = with_cell("Start Date", raw)
    batch = ogp_export.load(export_csv(rows), "export.csv")
    row = batch.tables["commitment"].iloc[0]
    assert pd.isna(row.start_date) and row.start_date_raw == raw
    ref = cell_of(rows, "Start Date", 2)
    assert [(p.row, p.column, p.value) for p in batch.warnings if ref in p.expected] == [(2, "Start Date", raw)]
    assert batch.errors == []


def test_an_export_commitment_ending_before_it_starts_is_refused():
    rows = with_cell("Start Date", "2021-06-01")
    rows[1][col(rows, "End Date")] = "12/31/2020"
    batch = ogp_export.load(export_csv(rows), "export.csv")
    assert [(p.row, p.column, p.value, p.expected) for p in batch.errors] == [
        (2, "End Date", "12/31/2020", f"cell {cell_of(rows, 'End Date', 2)}: ends (12/31/2020) before it starts "
                                      f"(2021-06-01, cell {cell_of(rows, 'Start Date', 2)})")]


def test_the_export_says_it_reads_slash_dates_month_first():
    rows = with_cell("Start Date", "01/02/1899", row=1)  # ambiguous too, but no date: warned about, not an example
    rows[2][col(rows, "Start Date")] = "01/02/2021"
    batch = ogp_export.load(export_csv(rows), "export.csv")
    assert batch.tables["commitment"].start_date.iat[1] == date(2021, 1, 2)
    assert any("1 'Start Date' date(s) such as '01/02/2021'" in n and "month-first" in n and "2 January 2021" in n
               for n in batch.notes)


def test_a_date_time_cell_in_an_export_workbook_gives_its_date():
    rows = export_rows(1)
    book = export_book(rows)
    book.active[cell_of(rows, "End Date", 2)] = datetime(2022, 12, 31, 17, 30)
    commitment = ogp_export.load(f.xlsx(book), "export.xlsx").tables["commitment"].iloc[0]
    assert (commitment.end_date, commitment.end_date_precision) == (date(2022, 12, 31), "day")


# ---------------------------------------------------------------- 8. a header-only export


@pytest.mark.parametrize("as_xlsx", [False, True])
def test_a_header_only_export_is_refused_and_never_recorded(as_xlsx, tmp_path):
    header = export_rows(0)
    data = f.xlsx(export_book(header)) if as_xlsx else export_csv(header)
    name = "empty.xlsx" if as_xlsx else "empty.csv"
    batch = ogp_export.load(data, name)
    assert [(p.row, p.expected) for p in batch.errors] == [
        (1, "no data rows below the header (row 1); an empty import would change nothing")]
    con = db.open_prepared(tmp_path / "m.duckdb")
    try:
        with pytest.raises(InvalidFile, match="no data rows"):
            store.apply_batch(STAFF, con, batch)
        assert con.execute("select count(*) from source_file").fetchone()[0] == 0
    finally:
        con.close()


# ---------------------------------------------------------------- 9. numbers with a comma


def progress_csv(percent: str) -> bytes:
    return f.csv_bytes([f.PROGRESS_HEADERS, f.with_row(f.PROGRESS_ROWS[0], 6, percent)[0]])


@pytest.mark.parametrize("percent, expected", [
    ("1,000", "cell G2: '1,000' could be 1000 (a thousands separator) or 1.000 (a decimal comma)"),
    ("1000", "cell G2: 1000 is outside 0-100"), ("-5", "cell G2: -5 is outside 0-100"),
    ("١٠", "cell G2: '١٠' is not a number"),
])
def test_a_percent_outside_0_100_or_with_a_thousands_separator_is_refused(percent, expected):
    batch = detect.load(progress_csv(percent), "progress.csv")
    assert [(p.row, p.column, p.value) for p in batch.errors] == [(2, "percent_complete", percent)]
    assert batch.errors[0].expected.startswith(expected)


@pytest.mark.parametrize("percent, value", [("1,5", 1.5), ("62,25", 62.25), ("40%", 40.0), ("100", 100.0)])
def test_an_unambiguous_decimal_comma_is_read(percent, value):
    batch = detect.load(progress_csv(percent), "progress.csv")
    assert batch.ok, batch.problems
    assert f.stored(batch, "progress_update")[0]["percent_complete"] == value


def test_an_irm_count_with_a_thousands_separator_is_refused():
    header = ["action_plan_id", "report", "indicator", "band_or_value", "count"]
    batch = detect.load(f.csv_bytes([header, ["AP_MEX04", "Results Report", "early_results", "significant",
                                              "1,200 commitments"]]), "summary.csv")
    assert [(p.row, p.column) for p in batch.errors] == [(2, "count")]
    assert "could be 1200 (a thousands separator) or 1.200" in batch.errors[0].expected


# ---------------------------------------------------------------- 14. a semicolon-delimited export


@pytest.mark.parametrize("delimiter, word", [(";", "semicolon"), ("\t", "tab")])
def test_a_semicolon_or_tab_export_reads_like_the_comma_one(delimiter, word):
    rows = with_cell("Full Text", "Open data; open budgets, and a\nsecond line", n=5)
    comma = ogp_export.load(export_csv(rows), "export.csv")
    other = ogp_export.load(export_csv(rows, delimiter), "export.csv")
    assert other.errors == [] and f"export.csv: read as a {word}-separated file" in other.notes
    for name, frame in comma.tables.items():
        pd.testing.assert_frame_equal(other.tables[name], frame, obj=name)
    assert detect.detect(export_csv(rows, delimiter), "export.csv") == "ogp_export"


# ---------------------------------------------------------------- 15. NA in the export's text columns


@pytest.mark.parametrize("header, column", [("Theme", "theme"), ("Short Title", "short_title"),
                                            ("Lead Institution", "lead_institution")])
@pytest.mark.parametrize("written", ["NA", "N/A", "None", "007", "ND"])
def test_text_columns_keep_na_and_its_kin_as_written(header, column, written):
    batch = ogp_export.load(export_csv(with_cell(header, written)), "export.csv")
    assert batch.tables["commitment"][column].iat[0] == written


def test_a_link_column_of_na_is_no_link_and_says_so():
    batch = ogp_export.load(export_csv(with_cell("URL", "NA")), "export.csv")
    assert pd.isna(batch.tables["commitment"].ogp_url.iat[0])
    assert "export.csv: 1 'URL' cell(s) held NA: stored as no link" in batch.notes


# ---------------------------------------------------------------- smaller: 'nan' in a warning; milestone cycles


def test_a_warning_shows_an_empty_cell_as_empty_never_nan():
    rows = export_rows(3)
    code, region = col(rows, "Code"), col(rows, "Region")
    rows[2][code], rows[2][region] = rows[1][code], ""
    rows[2][col(rows, "Action Plan ID")] = rows[1][col(rows, "Action Plan ID")]
    rows[2][col(rows, "Action Plan Number")] = ""
    batch = ogp_export.load(export_csv(rows), "export.csv")
    shown = [str(p) for p in batch.warnings]
    assert any("column 'Region': value ''" in w for w in shown), shown
    assert any("column 'Action Plan Number': value ''" in w for w in shown), shown
    assert not any("'nan'" in w or " nan" in w or "<NA>" in w for w in shown), shown


def milestones_csv(*rows: list[str]) -> bytes:
    return f.csv_bytes([["commitment_id", "milestone_id", "parent_milestone_id", "title", "due_date"], *rows])


def test_a_milestone_that_is_its_own_parent_is_refused():
    batch = nap_workbook.load(milestones_csv(["TS0001", "TS0001.1", "TS0001.1", "Publish", "2021-12-31"]), "m.csv")
    assert [(p.row, p.column, p.value, p.expected) for p in batch.errors] == [
        (2, "parent_milestone_id", "TS0001.1", "cell C2: milestone 'TS0001.1' is its own parent")]


def test_a_cycle_of_parents_is_refused_naming_its_rows():
    batch = nap_workbook.load(milestones_csv(["TS0001", "TS0001.1", "TS0001.3", "Publish", "2021-12-31"],
                                             ["TS0001", "TS0001.2", "TS0001.1", "Train", "2021-12-31"],
                                             ["TS0001", "TS0001.3", "TS0001.2", "Review", "2021-12-31"],
                                             ["TS0001", "TS0001.4", "TS0001.1", "Fine: under the cycle", "2021-12-31"]),
                              "m.csv")
    assert [(p.row, p.column) for p in batch.errors] == [(2, "parent_milestone_id")]
    assert ("the parents form a cycle: 'TS0001.1' (row 2) -> 'TS0001.3' (row 4) -> 'TS0001.2' (row 3) -> "
            "'TS0001.1'") in batch.errors[0].expected
