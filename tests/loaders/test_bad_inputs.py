"""The bad-input catalogue (docs/bad-inputs.md).

Every rejected input must name where the problem is (file, sheet, row, column, value) with a helpful
text, and importing it into a database that already holds a valid import must change no table.
The inputs that are safe to normalise must import, with the normalisation noted.
"""
from __future__ import annotations

import re
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

import loader_files as f
import pytest
from people import STAFF
from repo import REPO

from loaders import detect, gate
from loaders.batch import InvalidFile, Problem
from monitor import db, store

T = f.ROWS[0]  # a valid commitment row; columns A..I: id, plan, member, name, number, title F, start G, end H


@dataclass(frozen=True)
class Bad:
    """A file that must be refused, and where the refusal must point."""

    data: object  # bytes, or a function returning bytes (built lazily)
    name: str
    text: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    value: str | None = None
    kind: str | None = None

    def bytes(self) -> bytes:
        return self.data() if callable(self.data) else self.data


def _formula_without_value() -> bytes:
    book = f.nap_book()
    book["Commitments"]["F2"] = '=UPPER("open contracting")'
    return f.xlsx(book)


def _error_cell() -> bytes:
    book = f.nap_book()
    book["Commitments"]["G3"] = "#REF!"
    return f.xlsx(book)


def _merged() -> bytes:
    book = f.nap_book()
    book["Commitments"].merge_cells("D2:D3")
    return f.xlsx(book)


def _nul_cell() -> bytes:
    book = f.nap_book()
    book["Commitments"]["F3"] = "Beneficial_x0000_ownership"  # stored escaped; Excel readers decode it to NUL
    return f.xlsx(book)


def _hidden_only() -> bytes:
    return f.xlsx(f.workbook({"Notes": [["nothing here"]], "Commitments": [f.HEADERS, *f.ROWS]},
                             hidden=("Commitments",)))


def _huge_cell() -> bytes:
    return f.csv_bytes([f.HEADERS + ["description"], T + ["x" * 10_000_000]])


CASES = {
    "wrong sheet Hoja1": Bad(lambda: f.xlsx(f.workbook({"Hoja1": [f.HEADERS, *f.ROWS]})), "plan.xlsx",
                             "no visible sheet named 'Commitments' (or 'Compromisos'); the workbook has 'Hoja1'",
                             kind="nap_workbook"),
    "missing column": Bad(lambda: f.nap_xlsx(rows=[r[:6] + r[7:] for r in f.ROWS],
                                             headers=f.HEADERS[:6] + f.HEADERS[7:]),
                          "plan.xlsx", "missing required column 'start_date' (also written 'Start date', "
                                       "'Fecha de inicio')", "Commitments", 1, "start_date", kind="nap_workbook"),
    "renamed column": Bad(lambda: f.nap_xlsx(headers=f.HEADERS[:6] + ["Begins"] + f.HEADERS[7:]), "plan.xlsx",
                          "'Begins'", "Commitments", 1, "start_date", kind="nap_workbook"),
    "duplicate header": Bad(f.csv_bytes([f.HEADERS + ["title"], T + ["Again"]]), "c.csv",
                            "duplicate column 'title' (F1, J1)", None, 1, "title", "title"),
    "duplicate ids": Bad(f.csv_bytes([f.HEADERS, T, T]), "c.csv",
                         "commitment 'TS0001' appears more than once (rows 2, 3)", None, 3, "commitment_id", "TS0001"),
    "id with spaces duplicates after trimming": Bad(
        f.csv_bytes([f.HEADERS, T, ["TS0001 "] + T[1:]]), "c.csv",
        "commitment 'TS0001' appears more than once (rows 2, 3)", None, 3, "commitment_id", "TS0001"),
    "id with an invisible character": Bad(f.csv_bytes([f.HEADERS, ["TS\u200b0001"] + T[1:]]), "c.csv",
                                          "cell A2: an id cannot contain spaces or invisible characters",
                                          None, 2, "commitment_id", "TS\u200b0001"),
    "unknown rating label": Bad(f.csv_bytes([f.IRM_HEADERS, f.IRM_ROWS[0][:5] + ["Sustanciall"] + f.IRM_ROWS[0][6:]]),
                                "irm.csv", "cell F2: 'Sustanciall' is not a label of the completion scale; allowed: "
                                           "No Evidence Available, Withdrawn, Not Started", None, 2, "value",
                                "Sustanciall"),
    "IRM rating without a subject": Bad(f.csv_bytes([f.IRM_HEADERS, [""] + f.IRM_ROWS[0][1:]]), "irm.csv",
                                        "cell A2 is empty; give the commitment_id (or the action_plan_id for a "
                                        "plan-level rating)", None, 2, "commitment_id"),
    "unknown progress status": Bad(f.csv_bytes([f.PROGRESS_HEADERS, f.with_row(f.PROGRESS_ROWS[0], 5, "Finished")[0]]),
                                   "p.csv", "unknown status 'Finished'; allowed: No Evidence Available", None, 2,
                                   "status", "Finished"),
    "unknown assessor": Bad(f.csv_bytes([f.PROGRESS_HEADERS, f.with_row(f.PROGRESS_ROWS[0], 3, "journalist")[0]]),
                            "p.csv", "unknown value 'journalist'; allowed: civil_society, government, irm, "
                                     "support_unit", None, 2, "assessor", "journalist"),
    "percent 140": Bad(f.csv_bytes([f.PROGRESS_HEADERS, f.with_row(f.PROGRESS_ROWS[0], 6, "140")[0]]), "p.csv",
                       "cell G2: 140 is outside 0-100", None, 2, "percent_complete", "140"),
    "unknown milestone level": Bad(f.csv_bytes([f.MILESTONE_HEADERS, f.with_row(f.MILESTONE_ROWS[0], 2, "phase")[0]]),
                                   "m.csv", "unknown value 'phase'; allowed: activity, indicator, milestone, "
                                            "objective", None, 2, "level", "phase"),
    "ragged row with one extra field": Bad(
        f.csv_bytes([f.HEADERS, T, T[:5] + ["Hello", "world"] + T[6:]]).replace(b"TS0001", b"TS0009", 2)
        .replace(b"TS0009", b"TS0001", 1), "c.csv", "text line 3 has 10 fields but the header has 9", None, 3),
    "unclosed quote": Bad(f.csv_bytes([f.HEADERS, T]) + b'TS0003,AP_TST01,TST,Testland,3,"Never closed\r\n',
                          "c.csv", "the CSV cannot be read from text line 3 on", None, 3),
    "not UTF-8 and not Windows-1252": Bad(f.csv_bytes([f.HEADERS, T]) + b"TS0003,\x81\x8d\r\n", "c.csv",
                                          "byte 212 (0x81) on line 3 cannot be read; save it as 'CSV UTF-8'",
                                          None, 3),
    "0-byte file": Bad(b"", "plan.xlsx", "the file is empty (0 bytes)"),
    "CSV renamed .xlsx": Bad(f.csv_bytes([f.HEADERS, T]), "plan.xlsx", "named like a workbook but is not one"),
    "PDF renamed .xlsx": Bad(b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n", "plan.xlsx", "this is a PDF"),
    "truncated xlsx": Bad(lambda: f.nap_xlsx()[:3000], "plan.xlsx", "the workbook is damaged"),
    "password-protected xlsx (OLE2)": Bad(gate.OLE2_MAGIC + bytes(4096), "plan.xlsx", "password-protected workbook"),
    "macro xlsm": Bad(lambda: f.add_part(f.nap_xlsx(), "xl/vbaProject.bin", b"\x00" * 64), "plan.xlsm",
                      "the workbook contains macros"),
    "XML entity expansion": Bad(lambda: f.rewrite_part(f.nap_xlsx(), "xl/worksheets/sheet1.xml",
                                                       lambda _: f.BILLION_LAUGHS), "plan.xlsx",
                                "declares XML entities; refused"),
    "formula without cached value": Bad(_formula_without_value, "plan.xlsx",
                                        "cell F2 is a formula (=UPPER(\"open contracting\")) with no saved result",
                                        "Commitments", 2, "title", kind="nap_workbook"),
    "Excel error cell #REF!": Bad(_error_cell, "plan.xlsx", "cell G3 contains the Excel error #REF!", "Commitments",
                                  3, "start_date", "#REF!", kind="nap_workbook"),
    "merged cells": Bad(_merged, "plan.xlsx", "merged cells D2:D3: unmerge them", "Commitments", 2, None, "D2:D3",
                        kind="nap_workbook"),
    "hidden sheet only": Bad(_hidden_only, "plan.xlsx", "the workbook has 'Notes', 'Commitments' (hidden)",
                             kind="nap_workbook"),
    "10 MB of text in one cell": Bad(_huge_cell, "c.csv", "cell J2 has 10,000,000 characters; the limit is 100,000",
                                     None, 2, "description"),
    "title over 1,000 characters": Bad(f.csv_bytes([f.HEADERS, f.with_row(T, 5, "t" * 1500)[0]]), "c.csv",
                                       "cell F2 has 1,500 characters; the limit is 1,000", None, 2, "title"),
    "NUL in a cell": Bad(_nul_cell, "plan.xlsx", "cell F3 contains a NUL character", "Commitments", 3, "title",
                         "Beneficial\\x00ownership", kind="nap_workbook"),
    "invalid date 2019-13-45": Bad(f.csv_bytes([f.HEADERS, f.with_row(T, 6, "2019-13-45")[0]]), "c.csv",
                                   "cell G2: '2019-13-45' is not a valid date; write it as YYYY-MM-DD", None, 2,
                                   "start_date", "2019-13-45"),
    "ambiguous date without a language": Bad(f.csv_bytes([f.HEADERS, f.with_row(T, 6, "01/02/2019")[0]]), "c.csv",
                                             "cell G2: '01/02/2019' could be day/month or month/day", None, 2,
                                             "start_date", "01/02/2019"),
    "end before start": Bad(f.csv_bytes([f.HEADERS, f.with_row(T, 7, "2020-06-30")[0]]), "c.csv",
                            "cell H2: ends (2020-06-30) before it starts (2021-01-01, cell G2)", None, 2, "end_date",
                            "2020-06-30"),
    "milestone due before start": Bad(f.csv_bytes([f.MILESTONE_HEADERS,
                                                   f.with_row(f.MILESTONE_ROWS[0], 6, "2020-01-31")[0]]), "m.csv",
                                      "cell G2: ends (2020-01-31) before it starts", None, 2, "due_date"),
    "empty required value": Bad(f.csv_bytes([f.HEADERS, f.with_row(T, 5, "")[0]]), "c.csv",
                                "cell F2 is empty; a value is required", None, 2, "title"),
    "header only": Bad(f.csv_bytes([f.HEADERS]), "c.csv", "no data rows below the header (row 1)", None, 1),
    "header not found anywhere": Bad(f.csv_bytes([["name", "colour"], ["a", "b"]]), "c.csv",
                                     "the monitor does not know this file: its first header row has ['name', "
                                     "'colour']. Known files: ogp_export needs"),
    "progress for a commitment not in the database": Bad(
        f.csv_bytes([f.PROGRESS_HEADERS, f.with_row(f.PROGRESS_ROWS[0], 0, "XX9999")[0]]), "p.csv",
        "expected a commitment already in the monitor", None, 2, "commitment_id", "XX9999"),
    "watchlist entry listed twice": Bad(f.csv_bytes([["commitment_id", "reason", "since", "added_by"],
                                                    ["TS0001", "Stalled", "2024-01-10", "Support Unit"],
                                                    ["TS0001", "Still stalled", "2024-02-10", "Support Unit"]]),
                                        "w.csv", "the list/commitment pair 'priority/TS0001' appears more than once",
                                        None, 3, "commitment_id"),
    "event without a date": Bad(f.csv_bytes([["date", "category", "title"], ["", "plan", "Plan submitted"]]),
                                "e.csv", "cell A2 is empty; a date is required", None, 2, "date"),
}


@pytest.fixture
def populated(tmp_path):
    """A database holding one valid plan, so a refused import has something to leave untouched."""
    con = db.open_prepared(tmp_path / "m.duckdb")
    store.apply_batch(STAFF, con, detect.load(f.nap_xlsx(), "valid.xlsx"))
    yield con
    con.close()


def fingerprints(con) -> dict:
    return {table: db.table_fingerprint(con, table) for table in db.CORE_TABLES}


def refusal(con, data: bytes, name: str, kind: str | None) -> list[Problem]:
    """Load and write; return the problems that refused the file."""
    try:
        store.apply_batch(STAFF, con, detect.load(data, name, kind))
    except InvalidFile as exc:
        return exc.problems
    pytest.fail(f"{name} was accepted")


def test_the_catalogue_covers_at_least_30_kinds():
    assert len(CASES) >= 30


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_bad_input_is_located_and_changes_nothing(case: Bad, populated):
    before = fingerprints(populated)
    assert before["commitment"][0] == 2
    problems = refusal(populated, case.bytes(), case.name, case.kind)
    match = [p for p in problems if case.text in p.expected]
    assert match, f"expected {case.text!r} in {[str(p) for p in problems]}"
    found = match[0]
    assert (found.file, found.sheet, found.row) == (case.name, case.sheet, case.row)
    if case.column is not None:
        assert found.column == case.column
    if case.value is not None:
        assert found.value == case.value
    assert found.severity == "error"
    assert fingerprints(populated) == before


@cache
def _bomb() -> bytes:
    return f.zip_bomb()


def test_zip_bomb_is_refused_in_under_a_second(populated):
    data = _bomb()
    assert len(data) < 2_000_000
    before = fingerprints(populated)
    started = time.perf_counter()
    problems = refusal(populated, data, "bomb.xlsx", None)
    assert time.perf_counter() - started < 1.0
    assert "refused as a possible zip bomb" in problems[0].expected
    assert problems[0].file == "bomb.xlsx"
    assert fingerprints(populated) == before


# ---------------------------------------------------------------- inputs that are safe to accept


def commitments(con) -> dict[str, tuple]:
    return {r[0]: r[1:] for r in con.execute(
        "select commitment_id, title, commitment_number, start_date, end_date from commitment").fetchall()}


def test_header_on_row_3_is_found(populated):
    book = f.workbook({"Commitments": [["Testland action plan 2021-2023"], [], f.HEADERS,
                                       ["TS0003"] + T[1:4] + ["3", "Budget data"] + T[6:]]})
    batch = detect.load(f.xlsx(book), "titled.xlsx")
    assert batch.ok and batch.tables["commitment"]["source_row"].tolist() == [4]
    assert any("header found on row 3" in n for n in batch.notes)
    store.apply_batch(STAFF, populated, batch)
    assert commitments(populated)["TS0003"][0] == "Budget data"


@pytest.mark.parametrize("encoding, note", [("cp1252", "Windows-1252"), ("utf-8-sig", None), ("utf-16", "UTF-16")])
def test_csv_encodings_are_decoded(encoding, note):
    data = f.csv_bytes([f.HEADERS, f.with_row(T, 5, "Participación ciudadana – año 1")[0]], encoding=encoding)
    batch = detect.load(data, "c.csv")
    assert batch.ok, batch.problems
    assert f.stored(batch, "commitment")[0]["title"] == "Participación ciudadana – año 1"
    assert f.stored(batch, "commitment")[0]["commitment_id"] == "TS0001"  # the BOM is not part of the first header
    assert (note is None) == (not any(note and note in n for n in batch.notes))


def test_semicolon_csv_is_read_and_noted():
    batch = detect.load(f.csv_bytes([f.HEADERS, f.with_row(T, 5, "Datos, abiertos")[0]], delimiter=";"), "c.csv")
    assert batch.ok and f.stored(batch, "commitment")[0]["title"] == "Datos, abiertos"
    assert any("semicolon" in n for n in batch.notes)


@pytest.mark.parametrize("title", ["=HYPERLINK(\"http://evil.example\",\"x\")", "+1+1", "-1+1", "@SUM(1)",
                                   "<script>alert(1)</script><img src=x onerror=alert(2)>",
                                   "x'); DROP TABLE commitment; --"])
def test_dangerous_looking_text_is_stored_verbatim(title, populated):
    store.apply_batch(STAFF, populated, detect.load(f.csv_bytes([f.HEADERS, f.with_row(T, 5, title)[0]]), "c.csv"))
    assert commitments(populated)["TS0001"][0] == title


def test_leading_zeros_and_na_text_stay_as_written():
    batch = detect.load(f.csv_bytes([f.HEADERS, ["TS0007", *T[1:4], "007", "NA", *T[6:]]]), "c.csv")
    row = f.stored(batch, "commitment")[0]
    assert (row["commitment_number"], row["title"]) == ("007", "NA")


def test_na_rating_is_a_missing_reason_not_a_value():
    batch = detect.load(f.csv_bytes([f.IRM_HEADERS, *f.IRM_ROWS]), "irm.csv")
    na = f.stored(batch, "assessment")[2]
    assert (na["value_raw"], na["value_code"], na["missing_reason"]) == ("NA", None, "NA")


@pytest.mark.parametrize("cell", [43525, "43525"])
def test_excel_serial_date_becomes_the_date(cell):
    book = f.nap_book(rows=[T[:6] + [cell] + T[7:]])
    row = f.stored(detect.load(f.xlsx(book), "plan.xlsx"), "commitment")[0]
    assert row["start_date"] == date(2019, 3, 1)


def test_formula_with_a_saved_result_is_imported_with_a_warning():
    book = f.nap_book()
    book["Commitments"]["F2"] = '=UPPER("x")'
    data = f.rewrite_part(f.xlsx(book), "xl/worksheets/sheet1.xml",
                          lambda xml: xml.replace(b"<v></v>", b"<v>X</v>").replace(b'<c r="F2"', b'<c r="F2" t="str"'))
    batch = detect.load(data, "plan.xlsx")
    assert batch.ok and f.stored(batch, "commitment")[0]["title"] == "X"
    assert any("cell F2 is a formula" in w.expected for w in batch.warnings)


def test_hidden_rows_and_control_characters_are_reported():
    book = f.nap_book(rows=[f.with_row(T, 5, "Open_x000B_contracting")[0], f.ROWS[1]])
    book["Commitments"].row_dimensions[3].hidden = True
    batch = detect.load(f.xlsx(book), "plan.xlsx")
    assert batch.ok and f.stored(batch, "commitment")[0]["title"] == "Opencontracting"
    assert any("hidden rows 3 were imported" in w.expected for w in batch.warnings)
    assert any("removed 1 control character" in n for n in batch.notes)


def test_unknown_columns_are_ignored_with_a_warning():
    batch = detect.load(f.csv_bytes([f.HEADERS + ["internal notes"], T + ["do not publish"]]), "c.csv")
    assert batch.ok and "internal notes" not in batch.tables["commitment"].columns
    assert [w.column for w in batch.warnings] == ["internal notes"]


HOSTILE = {
    "zip bomb": lambda: f.zip_bomb(),
    "315 MB of sheet XML in 2.6 MB": lambda: f.filler_sheet(),
    "a sheet declaring A1:XFD1048576": lambda: f.rewrite_part(
        f.nap_xlsx(), "xl/worksheets/sheet1.xml",
        lambda xml: re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', xml)),
    "billion laughs": lambda: f.rewrite_part(f.nap_xlsx(), "xl/worksheets/sheet1.xml", lambda _: f.BILLION_LAUGHS),
    "password-protected": lambda: gate.OLE2_MAGIC + bytes(4096),
    "truncated": lambda: f.nap_xlsx()[:3000],
}
PROBE = """
import resource, sys, time
from loaders import detect
from loaders.batch import InvalidFile
data = open(sys.argv[1], "rb").read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
try:
    batch = detect.load(data, "hostile.xlsx")
    refused = not batch.ok
except InvalidFile:
    refused = True
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(refused, time.perf_counter() - started, (peak - before) / 1024, peak / 1024)
"""


def probe(path: Path) -> tuple[bool, float, float, float, float]:
    """(refused, seconds loading, MB grown, peak MB, seconds for the whole command) in a fresh process.

    The peak is only indicative: Linux keeps ru_maxrss across exec, so a child may report its parent's."""
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", PROBE, str(path)], capture_output=True, text=True, timeout=120,
                         cwd=REPO)
    command = time.perf_counter() - started
    refused, seconds, grown, peak = out.stdout.split() or [out.stderr, 0, 0, 0]
    return refused == "True", float(seconds), float(grown), float(peak), command


@pytest.mark.parametrize("kind", HOSTILE)
def test_hostile_files_are_refused_in_under_a_second_and_200_mb(kind, tmp_path):
    """In a fresh process, so the memory figure is this file's alone (peak RSS growth, in MB)."""
    path = tmp_path / "hostile.xlsx"
    path.write_bytes(HOSTILE[kind]())
    refused, seconds, grown, peak, command = probe(path)
    print(f"{kind}: {len(path.read_bytes()):,} bytes refused in {seconds:.3f} s, +{grown:.0f} MB (peak {peak:.0f} MB, "
          f"the whole command {command:.2f} s)")
    assert refused
    assert seconds < 1.0 and grown < 200, (seconds, grown)


def test_the_sheet_filler_command_costs_no_more_than_a_valid_workbooks(tmp_path):
    """The whole command (start, imports, refusal) in under 2 s on a quiet machine (~1 s to start and import):
    asserted as at most 1 s more than the same command on a valid workbook, since the machine's load, not the
    file, decides how long Python takes to start."""
    hostile, valid = tmp_path / "hostile.xlsx", tmp_path / "valid.xlsx"
    hostile.write_bytes(f.filler_sheet())
    valid.write_bytes(f.nap_xlsx())
    baseline, run = probe(valid), probe(hostile)
    print(f"valid: {baseline[4]:.2f} s; 315 MB of sheet XML: {run[4]:.2f} s, peak {run[3]:.0f} MB")
    assert run[0] and run[2] < 50  # MB grown while refusing; the peak also counts the interpreter and its imports
    assert run[4] - baseline[4] < 1.0, (run, baseline)


def test_sheet_filler_and_oversized_dimensions_are_refused_before_reading():
    with pytest.raises(InvalidFile, match=r"would unpack to 3\d\d MB of XML .* refused as repeated filler"):
        gate.sniff(f.filler_sheet(), "filler.xlsx")
    sheet = f.rewrite_part(f.nap_xlsx(), "xl/worksheets/sheet1.xml",
                           lambda xml: re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', xml))
    with pytest.raises(InvalidFile, match="declares 17,179,869,184 cells"):
        gate.sniff(sheet, "wide.xlsx")
    gate.sniff(f.nap_xlsx(), "plan.xlsx")  # a real workbook's dimension passes
