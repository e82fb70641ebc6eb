"""The OGP commitment export loader, on the real 436-row sample and on damaged copies of it."""
from __future__ import annotations

import csv
import io
import re
from collections import Counter
from datetime import date

import openpyxl
import pandas as pd
import pytest
from people import STAFF
from repo import REPO

from loaders import ogp_export
from loaders.batch import stable_id
from monitor import db, store

SEED = REPO / "data" / "seed"
SAMPLE = SEED / "ogp_export" / "ogp_commitments_open_parliament_2024-07_part_a.csv"
TOKENS = {"ND", "NR", "NA"}


@pytest.fixture(scope="module")
def records() -> list[list[str]]:
    with SAMPLE.open(newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


@pytest.fixture(scope="module")
def batch():
    return ogp_export.load(SAMPLE.read_bytes(), SAMPLE.name)


def csv_bytes(rows: list[list[str]]) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def xlsx_bytes(rows: list[list[str]], title_rows: int = 0) -> bytes:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Commitments")
    for i in range(title_rows):
        sheet.append([f"OGP commitment data, title line {i + 1}"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def column(records: list[list[str]], header: str) -> list[str]:
    i = records[0].index(header)
    return [r[i] for r in records[1:]]


def commitment(batch, cid: str) -> pd.Series:
    frame = batch.tables["commitment"]
    return frame[frame.commitment_id == cid].iloc[0]


# --- the real sample ---------------------------------------------------------------------------------------

def test_sample_loads_without_errors(batch):
    assert batch.errors == []
    assert batch.counts()["commitment"] == 436
    assert batch.counts()["member"] == 54


def test_counts_by_member_and_plan_match_the_file(batch, records):
    frame = batch.tables["commitment"]
    assert dict(Counter(frame.member_code)) == dict(Counter(column(records, "Code")))
    assert dict(Counter(frame.action_plan_id)) == dict(Counter(column(records, "Action Plan ID")))
    assert set(batch.tables["action_plan"].action_plan_id) == set(column(records, "Action Plan ID"))
    assert batch.tables["member"].member_code.is_unique


def test_every_rating_cell_is_exactly_one_assessment_row(batch, records):
    rows = batch.tables["assessment"]
    per_column = rows.source_column.value_counts()
    for spec in ogp_export.INDICATORS:
        non_empty = sum(v != "" for v in column(records, spec.header))
        assert per_column.get(spec.header, 0) == non_empty, spec.header
    assert len(rows) == sum(sum(v != "" for v in column(records, s.header)) for s in ogp_export.INDICATORS)
    assert rows.assessment_id.is_unique
    assert not rows.source_column.isin(ogp_export.DERIVED).any()


def test_missing_tokens_are_reasons_never_codes(batch):
    rows = batch.tables["assessment"]
    tokens = rows[rows.value_raw.isin(TOKENS)]
    assert len(tokens) > 1000
    assert (tokens.missing_reason == tokens.value_raw).all()
    assert tokens.value_code.isna().all() and tokens.value_numeric.isna().all()
    assert rows[rows.value_code.notna()].missing_reason.isna().all()


def test_label_and_code_become_one_row(batch):
    rows = batch.tables["assessment"]
    row = rows[(rows.indicator == "specificity") & (rows.value_raw == "High")].iloc[0]
    assert row.value_code == "high" and row.value_numeric == 3 and row.band == "high"
    dio = rows[(rows.qualifier == "access_to_information") & (rows.value_raw == "Major")].iloc[0]
    assert dio.indicator == "did_it_open_government" and dio.value_code == "major" and dio.value_numeric == 4


def test_methodology_report_and_as_of(batch, records):
    rows = batch.tables["assessment"].set_index("source_column")
    end = rows.loc["Completion (End Of Term)"]
    refreshed = end.methodology == "irm_refresh"
    assert set(end[refreshed].qualifier) == {"results_report"}
    assert set(end[~refreshed].qualifier) == {"end_of_term"}
    assert end.report.str.fullmatch(r"IRM (end-of-term|results) report( \d{4})?").all()
    assert "IRM end-of-term report 2017" in set(end.report)
    assert rows.as_of.isna().all()  # the export gives only years; Jan 1 would be a made-up date
    assert set(rows.loc["Potential for Results"].methodology) == {"irm_refresh"}
    assert set(rows.loc["Specificity"].methodology) == {"irm_legacy"}
    assert set(rows.loc["Starred (2015 Only)"].qualifier) == {"formula_2015"}


def test_assessment_ids_are_the_batch_stable_id_without_the_report_year(batch):
    rows = batch.tables["assessment"].sample(50, random_state=1)
    for r in rows.itertuples():
        report = re.sub(r" \d{4}$", "", r.report)
        assert r.assessment_id == stable_id(r.subject_type, r.subject_id, r.indicator, r.qualifier, r.assessor, report)


def test_a_later_export_that_adds_the_report_year_updates_the_rating_in_place(tmp_path):
    with SAMPLE.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        columns, row = next(reader), next(reader)
    year = columns.index("Report Publication Year (End Of Term)")
    con = db.open_prepared(tmp_path / "m.duckdb")
    try:
        for published in ("NR", "2023"):
            cells = list(row)
            cells[year] = published
            out = io.StringIO()
            csv.writer(out, lineterminator="\r\n").writerows([columns, cells])
            store.apply_batch(STAFF, con, ogp_export.load(out.getvalue().encode("utf-8"), f"export_{published}.csv"))
        reports = con.execute("select report from assessment where source_column = 'Completion (End Of Term)'")
        assert [r[0] for r in reports.fetchall()] == ["IRM end-of-term report 2023"]
    finally:
        con.close()


def test_policy_area_tags_keep_published_values(batch, records):
    tags = batch.tables["commitment_tag"]
    expected = sum(v != "0" for h in ogp_export.POLICY_AREAS for v in column(records, h))
    assert len(tags) == expected
    assert set(tags.value) == {"1", "ND", "NA"}
    assert set(tags.scheme) == {"ogp_policy_area"}


@pytest.mark.parametrize("raw, value, precision", [
    ("1/1/2018", date(2018, 1, 1), "day"),
    ("8/21/20", date(2020, 8, 21), "day"),
    ("August 2014", date(2014, 8, 1), "month"),
    ("I quarter of 2021", date(2021, 1, 1), "quarter"),
    ("43525", date(2019, 3, 1), "day"),
    ("Permanent activity", None, "unknown"),
    ("Underway", None, "unknown"),
    ("NA", None, "none"),
    ("7/15/1905", None, "implausible"),
])
def test_each_real_date_shape(batch, raw, value, precision):
    frame = batch.tables["commitment"]
    for side in ("start_date", "end_date"):
        hits = frame[frame[f"{side}_raw"] == raw]
        if len(hits):
            got = hits.iloc[0]
            assert got[f"{side}_precision"] == precision
            assert (pd.isna(got[side]) if value is None else got[side] == value)
            return
    pytest.fail(f"{raw!r} not in the sample")


def test_float_artefacts_repaired_and_raw_kept(batch):
    frame = batch.tables["commitment"]
    row = frame[frame.commitment_number_raw == "8.1999999999999993"].iloc[0]
    assert row.commitment_number == "8.2"
    assert set(frame[frame.commitment_number_raw == "10.130000000000001"].commitment_number) == {"10.13"}
    assert set(frame[frame.commitment_number_raw == "3.2.5"].commitment_number) == {"3.2.5"}


def test_member_fields(batch):
    members = batch.tables["member"].set_index("member_code")
    assert members.loc["ARBA", "member_type"] == "legacy_local"
    assert members.loc["ARBA", "id_prefix"] == "BUE"
    assert members.loc["UKR", "member_type"] == "national"
    assert set(members.member_type) <= {"national", "legacy_local", "local", "other"}


def test_label_code_disagreement_is_a_located_warning(batch):
    hits = [p for p in batch.warnings if p.column == "_ChangeCompletion" and p.value == "0"]
    assert hits and "Increase" in hits[0].expected and hits[0].row is not None


# --- writing through the single writer -----------------------------------------------------------------------

def test_reimport_adds_rows_once(batch, tmp_path):
    con = db.open_prepared(tmp_path / "m.duckdb")
    first = store.apply_batch(STAFF, con, batch)
    assert first.added["commitment"] == 436 and first.added["assessment"] == len(batch.tables["assessment"])
    again = store.apply_batch(STAFF, con, ogp_export.load(SAMPLE.read_bytes(), SAMPLE.name))
    assert again.already_imported_at is not None and again.total_added == 0
    with_bom = ogp_export.load(b"\xef\xbb\xbf" + SAMPLE.read_bytes(), "same_with_bom.csv")
    third = store.apply_batch(STAFF, con, with_bom)
    assert third.total_added == 0 and third.total_changed == 0
    assert con.execute("select count(*) from commitment").fetchone()[0] == 436
    con.close()


def test_holdout_split_by_member(records, batch, tmp_path):
    code = records[0].index("Code")
    codes = sorted({r[code] for r in records[1:]})
    first_half = set(codes[: len(codes) // 2])
    part_a = [records[0]] + [r for r in records[1:] if r[code] in first_half]
    part_b = [records[0]] + [r for r in records[1:] if r[code] not in first_half]
    con = db.open_prepared(tmp_path / "m.duckdb")
    a = store.apply_batch(STAFF, con, ogp_export.load(csv_bytes(part_a), "a.csv"))
    b = store.apply_batch(STAFF, con, ogp_export.load(csv_bytes(part_b), "b.csv"))
    assert a.added["commitment"] == len(part_a) - 1 and b.added["commitment"] == len(part_b) - 1
    for table, expected in batch.counts().items():
        assert con.execute(f"select count(*) from {table}").fetchone()[0] == expected, table
    con.close()


# --- XLSX ---------------------------------------------------------------------------------------------------

def _without_sheet(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.drop(columns="source_sheet")


def test_xlsx_gives_identical_frames(records, batch):
    book = ogp_export.load(xlsx_bytes(records), SAMPLE.stem + ".xlsx")
    assert book.errors == [] and [str(p) for p in book.warnings] == [
        str(p).replace(SAMPLE.name, SAMPLE.stem + ".xlsx").replace(
            f"{SAMPLE.stem}.xlsx, row", f"{SAMPLE.stem}.xlsx, sheet 'Commitments', row") for p in batch.warnings]
    for name, frame in batch.tables.items():
        assert set(book.tables[name].source_sheet) == {"Commitments"}
        pd.testing.assert_frame_equal(_without_sheet(book.tables[name]), _without_sheet(frame), obj=name)


def test_xlsx_numeric_cells_read_as_the_export_writes_them(records, batch):
    """A spreadsheet download stores 0/1 tags, codes and years as numbers; they must read back as '1', not '1.0'."""
    numeric = [records[0]] + [[int(v) if v.isdigit() and not v.startswith("0") else v for v in r] for r in records[1:]]
    book = ogp_export.load(xlsx_bytes(numeric), "numeric.xlsx")
    for name, frame in batch.tables.items():
        pd.testing.assert_frame_equal(_without_sheet(book.tables[name]), _without_sheet(frame), obj=name)


def test_xlsx_header_below_title_rows(records):
    book = ogp_export.load(xlsx_bytes(records[:11], title_rows=2), "titled.xlsx")
    assert book.errors == []
    assert list(book.tables["commitment"].source_row) == list(range(4, 14))


# --- bad input ----------------------------------------------------------------------------------------------

def test_missing_required_column_names_it_and_the_header_row(records):
    i = records[0].index("Code")
    rows = [r[:i] + r[i + 1:] for r in records[:5]]
    bad = ogp_export.load(csv_bytes(rows), "no_code.csv")
    [problem] = [p for p in bad.errors if p.column == "Code"]
    assert problem.row == 1 and "row 1" in problem.expected and "required" in problem.expected


def test_all_problems_reported_with_row_column_value(records):
    rows = [list(r) for r in records[:8]]
    rows[5][0] = rows[2][0]  # duplicate id: file rows 3 and 6
    rows[4][records[0].index("Completion (End Of Term)")] = "Sustancialish"
    rows[6] = rows[6] + ["surplus"]  # file row 7 has one extra field
    rows[7][0] = "al 50"
    bad = ogp_export.load(csv_bytes(rows), "bad.csv")
    found = {(p.row, p.column, p.value) for p in bad.errors}
    assert (6, ogp_export.ID, rows[2][0]) in found
    assert any("row 3" in p.expected for p in bad.errors if p.row == 6)
    assert (5, "Completion (End Of Term)", "Sustancialish") in found
    assert (7, "(no header: field 172)", "surplus") in found
    assert (8, ogp_export.ID, "al 50") in found
    label = next(p for p in bad.errors if p.value == "Sustancialish")
    assert "Substantial" in label.expected and "Complete" in label.expected and "ND" in label.expected
    with pytest.raises(Exception) as raised:
        store.apply_batch(STAFF, db.open_prepared(":memory:"), bad)
    assert "Sustancialish" in str(raised.value)


def test_unknown_columns_warn(records):
    rows = [r + ["x"] for r in records[:3]]
    rows[0][-1] = "My Notes"
    loaded = ogp_export.load(csv_bytes(rows), "extra.csv")
    assert loaded.errors == []
    assert any(p.column == "My Notes" and p.row == 1 for p in loaded.warnings)


def test_cp1252_file_is_decoded_with_a_note(records):
    rows = [list(r) for r in records[:3]]
    rows[1][records[0].index("Commitment Title")] = "Participación ciudadana"
    data = csv_bytes(rows).decode("utf-8").encode("cp1252", errors="replace")
    loaded = ogp_export.load(data, "windows.csv")
    assert loaded.errors == []
    assert "Participación ciudadana" in set(loaded.tables["commitment"].title)
    assert any("Windows-1252" in n for n in loaded.notes)


def test_matches(records):
    assert ogp_export.matches(records[0])
    assert ogp_export.matches([" commitment unique identifier ", "Code", "Action Plan ID", "Commitment Title"])
    assert not ogp_export.matches(["Commitment Unique Identifier", "Milestone", "Due date"])
