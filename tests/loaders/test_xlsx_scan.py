"""The sheet scan (loaders.xlsx_scan) finds what a full openpyxl load finds, on any size of workbook."""
from __future__ import annotations

import io
import re
import time
import zipfile

import loader_files as f
import openpyxl
import pytest
import python_calamine

from loaders import detect, nap_workbook, xlsx_scan
from loaders.xlsx_scan import ExcelError, Formula

SHEET1 = "xl/worksheets/sheet1.xml"


def openpyxl_findings(data: bytes, sheet: str) -> dict:
    """What a full openpyxl load says about one sheet: the oracle the scan must agree with."""
    ws = openpyxl.load_workbook(io.BytesIO(data))[sheet]
    formulas, errors = [], []
    for row in ws.iter_rows():
        for cell in row:
            if cell.data_type == "f":
                formulas.append((cell.row, cell.column - 1, str(getattr(cell.value, "text", cell.value))))
            elif cell.data_type == "e":
                errors.append((cell.row, cell.column - 1, str(cell.value)))
    return {"formulas": formulas, "errors": errors,
            "hidden_rows": sorted(r for r, d in ws.row_dimensions.items() if d.hidden),
            "merged": sorted(((m.min_row - 1, m.min_col - 1), (m.max_row - 1, m.max_col - 1))
                             for m in ws.merged_cells.ranges)}


def scan_findings(data: bytes, path: str = SHEET1) -> dict:
    scan = xlsx_scan.scan_sheet(data, path)
    return {"formulas": [(c.row, c.column, c.text) for c in scan.formulas],
            "errors": [(c.row, c.column, c.value) for c in scan.errors],
            "hidden_rows": scan.hidden_rows, "merged": sorted(scan.merged)}


def everything(merge: bool = True) -> bytes:
    """One sheet with each thing the scan looks for, written by openpyxl."""
    book = f.nap_book(rows=[*f.ROWS, ["TS0003", *f.ROWS[0][1:]], ["TS0004", *f.ROWS[0][1:]]])
    ws = book["Commitments"]
    ws["F2"] = '=UPPER("open contracting")'
    ws["E3"] = "=1+1"
    ws["G4"] = "#N/A"
    ws["H5"] = "#REF!"
    if merge:
        ws.merge_cells("D2:D3")
        ws.merge_cells("A7:B8")
    ws.row_dimensions[3].hidden = True
    ws.row_dimensions[5].hidden = True
    return f.xlsx(book)


def test_each_detection_matches_a_full_openpyxl_load():
    data = everything()
    assert scan_findings(data) == openpyxl_findings(data, "Commitments")
    scan = xlsx_scan.scan_sheet(data, SHEET1)
    assert scan.formulas == [Formula(2, 5, '=UPPER("open contracting")', False), Formula(3, 4, "=1+1", False)]
    assert scan.errors == [ExcelError(4, 6, "#N/A"), ExcelError(5, 7, "#REF!")]
    assert scan.hidden_rows == [3, 5]
    assert scan.merged == [((1, 3), (2, 3)), ((6, 0), (7, 1))]


def test_merged_ranges_are_the_ones_calamine_reports():
    data = everything()
    sheet = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name("Commitments")
    assert sorted(xlsx_scan.scan_sheet(data, SHEET1).merged) == sorted(sheet.merged_cell_ranges)


def test_a_saved_formula_result_is_seen():
    book = f.nap_book()
    book["Commitments"]["F2"] = '=UPPER("x")'
    data = f.rewrite_part(f.xlsx(book), SHEET1, lambda xml: xml.replace(b"<v></v>", b"<v>X</v>"))
    assert xlsx_scan.scan_sheet(data, SHEET1).formulas == [Formula(2, 5, '=UPPER("x")', True)]


def test_filters_keep_only_the_data_area_but_all_hidden_rows_and_merges():
    scan = xlsx_scan.scan_sheet(everything(), SHEET1, min_row=4, columns={6})
    assert (scan.formulas, scan.errors) == ([], [ExcelError(4, 6, "#N/A")])
    assert (scan.hidden_rows, len(scan.merged)) == ([3, 5], 2)


def test_shared_formulas_are_translated_to_each_cell_as_openpyxl_does():
    book = f.nap_book()
    book["Commitments"]["F2"] = "=UPPER(B2)"
    book["Commitments"]["F3"] = "=UPPER(B3)"

    def share(xml: bytes) -> bytes:
        xml = re.sub(rb"<f>UPPER\(B2\)</f>", b'<f t="shared" ref="F2:F3" si="0">UPPER(B2)</f>', xml)
        return re.sub(rb"<f>UPPER\(B3\)</f>", b'<f t="shared" si="0"/>', xml)

    data = f.rewrite_part(f.xlsx(book), SHEET1, share)
    assert b'si="0"/>' in zipfile.ZipFile(io.BytesIO(data)).read(SHEET1)
    assert scan_findings(data)["formulas"] == [(2, 5, "=UPPER(B2)"), (3, 5, "=UPPER(B3)")]
    assert scan_findings(data) == openpyxl_findings(data, "Commitments")


def test_cells_and_rows_written_without_references_are_counted():
    # no merges here: openpyxl blanks the cells a merge covers, which would hide a formula it reads
    data = f.rewrite_part(everything(merge=False), SHEET1, lambda xml: re.sub(rb' r="[A-Z]*\d+"', b"", xml))
    assert b' r="' not in zipfile.ZipFile(io.BytesIO(data)).read(SHEET1)
    assert scan_findings(data) == openpyxl_findings(data, "Commitments")
    assert len(scan_findings(data)["formulas"]) == 2


def test_hidden_and_very_hidden_sheets_map_to_their_parts_as_calamine_sees_them():
    book = f.workbook({"Notes": [["x"]], "Commitments": [f.HEADERS, *f.ROWS], "Old": [["y"]]}, hidden=("Notes",))
    book["Old"].sheet_state = "veryHidden"
    data = f.xlsx(book)
    parts = xlsx_scan.sheet_parts(data)
    assert [(p.name, p.state, p.path, p.hidden) for p in parts] == [
        ("Notes", "hidden", "xl/worksheets/sheet1.xml", True),
        ("Commitments", "visible", "xl/worksheets/sheet2.xml", False),
        ("Old", "veryHidden", "xl/worksheets/sheet3.xml", True)]
    calamine = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data)).sheets_metadata
    assert [m.visible != python_calamine.SheetVisibleEnum.Visible for m in calamine] == [p.hidden for p in parts]
    assert xlsx_scan.scan_sheet(data, parts[1].path).formulas == []


def test_absolute_relationship_targets_are_resolved():
    data = f.rewrite_part(f.nap_xlsx(), "xl/_rels/workbook.xml.rels",
                          lambda xml: xml.replace(b'Target="/xl/worksheets/', b'Target="worksheets/')
                          .replace(b'Target="worksheets/sheet1.xml"', b'Target="/xl/worksheets/sheet1.xml"'))
    assert [p.path for p in xlsx_scan.sheet_parts(data)] == [SHEET1, "xl/worksheets/sheet2.xml"]


def test_unreadable_parts_raise_scan_error():
    with pytest.raises(xlsx_scan.ScanError, match="KeyError"):
        xlsx_scan.scan_sheet(f.nap_xlsx(), "xl/worksheets/sheet9.xml")
    broken = f.rewrite_part(f.nap_xlsx(), SHEET1, lambda xml: xml[: len(xml) // 2])
    with pytest.raises(xlsx_scan.ScanError, match="XMLSyntaxError"):
        xlsx_scan.scan_sheet(broken, SHEET1)


def test_entities_are_never_expanded_even_when_the_gate_is_bypassed():
    data = f.rewrite_part(f.nap_xlsx(), SHEET1, lambda _: f.BILLION_LAUGHS)
    started = time.perf_counter()
    try:
        scan = xlsx_scan.scan_sheet(data, SHEET1)
    except xlsx_scan.ScanError:
        pass
    else:
        assert (scan.formulas, scan.errors) == ([], [])
    assert time.perf_counter() - started < 1.0


def test_formula_problems_come_with_no_size_warning():
    """A formula is named by its cell whatever the workbook's size: no check is skipped for large files."""
    book = f.nap_book()
    book["Commitments"]["F3"] = "=A3"
    batch = nap_workbook.load(f.xlsx(book), "plan.xlsx")
    assert [p.expected for p in batch.problems if "formula" in p.expected] == [
        "cell F3 is a formula (=A3) with no saved result; open the file in Excel and save it, or paste values"]
    assert not any("5 MB" in p.expected for p in batch.problems)


# ---------------------------------------------------------------- a 20,000-row NAP workbook


ROWS = 20_000


def big_workbook() -> bytes:
    book = openpyxl.Workbook(write_only=True)
    ws = book.create_sheet("Commitments")
    ws.append(f.HEADERS + ["description"])
    for i in range(ROWS):
        row = [f"TS{i:05d}", "AP_TST01", "TST", "Testland", str(i + 1), f"Commitment {i} on open data",
               "2021-01-01", "2022-12-31", "Open contracting", f"Description of commitment {i}."]
        if i == ROWS - 1:
            row[5] = '=UPPER("last")'  # a formula without a saved result in the very last row
        if i == ROWS - 2:
            row[6] = "#VALUE!"
        ws.append(row)
    book.save(out := io.BytesIO())
    merged = b'</sheetData><mergeCells count="1"><mergeCell ref="J15000:J15001"/></mergeCells>'
    return f.rewrite_part(out.getvalue(), SHEET1, lambda xml: xml.replace(b'<row r="1001"', b'<row r="1001" hidden="1"')
                          .replace(b"</sheetData>", merged))


def test_a_20000_row_workbook_is_fully_checked():
    data = big_workbook()
    started = time.perf_counter()
    batch = detect.load(data, "big.xlsx")
    seconds = time.perf_counter() - started
    print(f"\n20,000-row workbook ({len(data) / 1e6:.2f} MB) loaded and checked in {seconds:.2f} s")
    found = [(p.sheet, p.row, p.column, p.severity, p.expected.split(";")[0], p.value) for p in batch.problems]
    assert ("Commitments", 15000, None, "error", "merged cells J15000:J15001: unmerge them and fill every cell",
            "J15000:J15001") in found
    assert ("Commitments", 20000, "start_date", "error", "cell G20000 contains the Excel error #VALUE!",
            "#VALUE!") in found
    assert ("Commitments", 20001, "title", "error", 'cell F20001 is a formula (=UPPER("last")) with no saved result',
            '=UPPER("last")') in found
    assert ("Commitments", None, None, "warning", "hidden rows 1001 were imported", None) in found
    assert not any("5 MB" in p.expected or "cannot be checked" in p.expected for p in batch.problems)


def test_the_byte_search_finds_exactly_what_parsing_every_row_finds():
    book = f.nap_book(rows=[*f.ROWS, ["TS0003", *f.ROWS[0][1:4], "3", ' t="e" and hidden="1" as text', *f.ROWS[0][6:]]])
    book["Commitments"]["F2"] = "=UPPER(B2)"
    book["Commitments"]["G3"] = "#DIV/0!"
    book["Commitments"].column_dimensions["I"].hidden = True
    book["Commitments"].row_dimensions[4].hidden = True
    book["Commitments"].merge_cells("D3:D4")
    for data in (f.xlsx(book), everything(), everything(merge=False), f.nap_xlsx()):
        for options in ({}, {"min_row": 3, "columns": {5, 6}}):
            fast = xlsx_scan.scan_sheet(data, SHEET1, **options)
            whole = xlsx_scan._parse_whole(data, SHEET1, options.get("min_row", 1), options.get("columns"))
            assert fast == whole
    assert [e.value for e in xlsx_scan.scan_sheet(f.xlsx(book), SHEET1).errors] == ["#DIV/0!"]
