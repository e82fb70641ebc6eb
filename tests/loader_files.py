"""Small input files for the loader tests, written the way people's tools write them."""
from __future__ import annotations

import io
import zipfile
from datetime import date

import openpyxl

from loaders.batch import Batch

HEADERS = ["commitment_id", "action_plan_id", "member_code", "member_name", "number", "title", "start_date",
           "end_date", "policy_areas"]  # columns A..I: title is F, start_date G, end_date H
ROWS = [
    ["TS0001", "AP_TST01", "TST", "Testland", "1", "Open contracting", "2021-01-01", "2022-12-31",
     "Open contracting; Anti-corruption"],
    ["TS0002", "AP_TST01", "TST", "Testland", "2", "Beneficial ownership", "2021-03-01", "2023-06-30", ""],
]
MILESTONE_HEADERS = ["commitment_id", "milestone_id", "level", "title", "responsible", "start_date", "due_date"]
MILESTONE_ROWS = [
    ["TS0001", "", "milestone", "Publish contracts in OCDS", "Procurement office", "2021-01-01", "2021-12-31"],
    ["TS0001", "", "activity", "Train buyers", "Procurement office", "", "2022-06-30"],
]
PROGRESS_HEADERS = ["commitment_id", "milestone_id", "period", "assessor", "assessor_name", "status",
                    "percent_complete", "narrative"]
PROGRESS_ROWS = [["TS0001", "", "2022-S1", "government", "Procurement office", "Substantial", "60", "On track"]]
IRM_HEADERS = ["commitment_id", "report", "methodology", "indicator", "qualifier", "value", "as_of", "source_url",
               "quote"]
IRM_ROWS = [
    ["TS0001", "Results Report 2021-2023", "irm_refresh", "completion", "", "Substantial", "2023-09-01",
     "https://example.org/rr", "Most contracts are published."],
    ["TS0001", "Results Report 2021-2023", "irm_refresh", "early_results", "", "Significant", "2023-09-01", "", ""],
    ["TS0002", "Results Report 2021-2023", "irm_refresh", "early_results", "", "NA", "2023-09-01", "", ""],
]


def workbook(sheets: dict[str, list[list]], *, hidden: tuple[str, ...] = ()) -> openpyxl.Workbook:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        if title in hidden:
            sheet.sheet_state = "hidden"
    return book


def xlsx(book: openpyxl.Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def nap_book(rows=None, headers=None, milestones=True) -> openpyxl.Workbook:
    sheets = {"Commitments": [headers or HEADERS, *(ROWS if rows is None else rows)]}
    if milestones:
        sheets["Milestones"] = [MILESTONE_HEADERS, *MILESTONE_ROWS]
    return workbook(sheets)


def nap_xlsx(rows=None, headers=None) -> bytes:
    return xlsx(nap_book(rows, headers))


def csv_bytes(rows: list[list[str]], delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    import csv

    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode(encoding)


def with_row(row: list[str], index: int, value: str) -> list[list[str]]:
    changed = list(row)
    changed[index] = value
    return [changed]


def rewrite_part(data: bytes, part: str, change) -> bytes:
    """Rewrite one member of a zip (an xlsx) with change(bytes) -> bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info.filename)
            target.writestr(info.filename, change(body) if info.filename == part else body)
    return out.getvalue()


def add_part(data: bytes, part: str, body: bytes) -> bytes:
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a") as target:
        target.writestr(part, body)
    return out.getvalue()


def zip_bomb() -> bytes:
    """A workbook whose sheet1.xml declares 1 GiB (spaces): about 1 MB on disk."""
    out = io.BytesIO(nap_xlsx())
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED, compresslevel=9) as target, \
            target.open("xl/worksheets/sheet9.xml", "w", force_zip64=True) as part:
        chunk = b" " * (1 << 24)
        for _ in range(64):
            part.write(chunk)
    return out.getvalue()


def filler_sheet(rows: int = 700_000) -> bytes:
    """A 2-3 MB workbook holding ~315 MB of sheet XML: the valid row repeated (cells without references),
    about 120:1, under the zip-bomb ratio; read whole, it took 18 s and 834 MB."""
    cells = b"".join(b'<c t="inlineStr"><is><t>%s</t></is></c>' % v.encode() for v in ROWS[0])
    header = b"".join(b'<c t="inlineStr"><is><t>%s</t></is></c>' % h.encode() for h in HEADERS)
    source = zipfile.ZipFile(io.BytesIO(nap_xlsx()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target:
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                target.writestr(info.filename, source.read(info.filename))
                continue
            with target.open(info.filename, "w", force_zip64=True) as part:
                part.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org'
                           b'/spreadsheetml/2006/main"><sheetData><row r="1">' + header + b"</row>")
                for start in range(2, rows + 2, 20_000):
                    part.write(b"".join(b'<row r="%d">%s</row>' % (r, cells)
                                        for r in range(start, min(start + 20_000, rows + 2))))
                part.write(b"</sheetData></worksheet>")
    return out.getvalue()


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">
<c r="A1" t="inlineStr"><is><t>&lol4;</t></is></c></row></sheetData></worksheet>"""


def stored(batch: Batch, table: str) -> list[dict]:
    return batch.tables[table].to_dict("records")


TODAY = date(2024, 1, 1)
