"""Reading an OGP export file (CSV or XLSX) into its header row and the cells of the columns the loader uses.

CSV: pyarrow reads every cell as text in parallel and handles quoted line breaks; Python's csv module only
locates rows of the wrong width. XLSX: python-calamine reads the first visible worksheet whose first rows hold
the export's header. Rows are numbered as a spreadsheet shows them: the header row is row 1, and in a CSV one
record is one row, so a cell with line breaks does not shift the numbering.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pv
import python_calamine as calamine

from loaders import gate, xlsx_scan
from loaders.batch import Problem
from loaders.cells import (
    MAX_CELL_CHARS,
    TITLE_CHARS,
    cell_text,
    check_column,
    controls_note,
    has_control_bytes,
    length_message,
    nul_message,
    nul_shown,
    text_array,
)
from loaders.ogp_export.columns import CANONICAL, ID, NOT_READ, TITLES, header_key, matches
from loaders.reading import (
    DELIMITER_NAMES,
    HEADER_SCAN_ROWS,
    delimiter_note,
    sniff_delimiter,
    workbook_problems,
)
from loaders.xlsx_scan import column_letter

EARLY_SCAN_CELLS = 10_000  # formula and error cells the early scan keeps before leaving the sheet to _audit


@dataclass
class TextTable:
    """The header row as written, the cells of the columns the loader reads (as text), and where they are."""

    headers: list[str]
    frame: pd.DataFrame
    header_row: int
    sheet: str | None = None
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def read(data: bytes, name: str) -> TextTable:
    """The file's table of text; raises loaders.batch.InvalidFile when it cannot be read as one."""
    return _read_xlsx(data, name) if gate.sniff(data, name) == "xlsx" else _read_csv(data, name)


def _read_csv(data: bytes, name: str) -> TextTable:
    """Every cell as text via pyarrow (parallel, handles quoted line breaks); Python's csv only for bad rows."""
    text, notes = _without_bom(data, name)
    delimiter = sniff_delimiter(bytes(text[: 1 << 16]).decode("utf-8", errors="replace"))
    if delimiter != ",":  # European Excel saves 'CSV' with semicolons
        notes.append(delimiter_note(name, delimiter))
    header = _csv_header(text, name, delimiter)
    invalid: list[object] = []
    try:
        table = _arrow_csv(text, header, invalid, delimiter)
    except pa.ArrowInvalid as exc:
        if "utf8" not in str(exc).lower():
            raise gate.refuse(name, f"the CSV could not be parsed ({exc})") from None
        text, note = _from_cp1252(text, name)
        notes.append(note)
        table = _arrow_csv(text, header, invalid, delimiter)
    read = _read_columns(header)
    if invalid:
        frame, problems = _read_csv_strictly(text, header, name, delimiter)
        columns = {i: pa.array(frame.iloc[:, i], pa.string()) for i in read}
        return _text_table(header, columns, 1, None, name, problems, notes)
    controls = has_control_bytes(bytes(text))
    return _text_table(header, dict(zip(read, table.columns)), 1, None, name, [], notes, controls)


def _read_columns(header: list[str]) -> list[int]:
    """Positions of the columns the loader uses; derived and unknown ones are never converted, which saves time."""
    return [i for i, h in enumerate(header) if CANONICAL.get(header_key(h)) not in (None,) + NOT_READ]


def _arrow_csv(text: bytes | memoryview, header: list[str], invalid: list[object], delimiter: str) -> pa.Table:
    names = [f"c{i}" for i in range(len(header))]
    read = [names[i] for i in _read_columns(header)]
    return pv.read_csv(
        pa.BufferReader(text),
        read_options=pv.ReadOptions(column_names=names, skip_rows=1, block_size=16 << 20),
        parse_options=pv.ParseOptions(delimiter=delimiter, newlines_in_values=True,
                                      invalid_row_handler=_collect(invalid)),
        convert_options=pv.ConvertOptions(column_types={n: pa.string() for n in read}, include_columns=read,
                                          strings_can_be_null=False, quoted_strings_can_be_null=False),
    )


def _collect(sink: list[object]) -> Callable[[object], str]:
    def handler(row: object) -> str:
        sink.append(row)
        return "skip"
    return handler


def _without_bom(data: bytes, name: str) -> tuple[bytes | memoryview, list[str]]:
    """UTF-8 without its BOM (zero-copy); UTF-16 is converted, with a note."""
    if data.startswith(b"\xef\xbb\xbf"):
        return memoryview(data)[3:], []
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16").encode("utf-8"), [f"{name}: read as UTF-16 text"]
    return data, []


def _from_cp1252(text: bytes | memoryview, name: str) -> tuple[bytes, str]:
    """Excel's "CSV" on Windows writes cp1252; decode it rather than refuse it, and say so."""
    raw, where = bytes(text), None
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        where = exc.start
    try:
        converted = raw.decode("cp1252").encode("utf-8")
    except UnicodeDecodeError:
        raise gate.refuse(name, "the file is neither UTF-8 nor Windows-1252 text; save it as 'CSV UTF-8'",
                          value=f"byte {where}") from None
    return converted, f"{name}: not valid UTF-8 (first bad byte at offset {where}); read as Windows-1252"


def _csv_header(text: bytes | memoryview, name: str, delimiter: str) -> list[str]:
    head = bytes(text[: 1 << 20]).decode("utf-8", errors="replace")
    first = next(csv.reader(io.StringIO(head, newline=""), delimiter=delimiter), None)
    if not first or not any(h.strip() for h in first):
        raise gate.refuse(name, "the first row should hold the column headers of the OGP export "
                                f"(for example '{ID}'), but it is empty")
    return first


def _read_csv_strictly(text: bytes | memoryview, header: list[str], name: str,
                       delimiter: str) -> tuple[pd.DataFrame, list[Problem]]:
    """Slow path for files with rows of the wrong width: locate each one, and keep the rest aligned."""
    reader = csv.reader(io.StringIO(bytes(text).decode("utf-8"), newline=""), delimiter=delimiter)
    next(reader)
    width, rows, problems = len(header), [], []
    for record in reader:
        if not record:
            continue
        row = len(rows) + 2
        if len(record) != width:
            problems.append(_width_problem(name, header, record, row, delimiter))
            record = (record + [""] * width)[:width]
        rows.append(record)
    return pd.DataFrame(rows, columns=header, dtype="str"), problems


def _width_problem(name: str, header: list[str], record: list[str], row: int, delimiter: str) -> Problem:
    width = len(header)
    expected = (f"{width} fields, like the header row, but this row has {len(record)}; "
                f"a cell containing a {DELIMITER_NAMES[delimiter]} or line break must be in double quotes")
    if len(record) > width:
        return Problem(name, expected, None, row, f"(no header: field {width + 1})",
                       delimiter.join(record[width:]))
    return Problem(name, expected, None, row, header[len(record)], None)


def _read_xlsx(data: bytes, name: str) -> TextTable:
    """The first visible worksheet with an OGP export header in its first rows, read by calamine.

    The sheet's XML is scanned for what calamine cannot see (loaders.xlsx_scan) on another thread while
    calamine reads it: both mostly run outside the GIL, so on two cores the scan costs almost nothing.
    """
    try:
        parts = {p.name: p.path for p in xlsx_scan.sheet_parts(data)}
    except xlsx_scan.ScanError:
        parts = {}
    try:
        book = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = [m.name for m in book.sheets_metadata
                  if m.visible == calamine.SheetVisibleEnum.Visible and m.typ == calamine.SheetTypeEnum.WorkSheet]
        with ThreadPoolExecutor(max_workers=1) as pool:
            early = pool.submit(_early_scan, data, parts.get(sheets[0])) if sheets else None
            for sheet in sheets:
                rows = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
                for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
                    header = [cell_text(v) for v in row]
                    if matches(header):
                        table = _sheet_from_rows(rows[i + 1:], header, i + 1, sheet, name)
                        scan = early.result() if early and sheet == sheets[0] else None
                        table.problems += _audit(data, parts.get(sheet), table, name, scan)
                        return table
    except calamine.CalamineError as exc:
        raise gate.refuse(name, f"the workbook could not be read ({exc}); save or download it again") from None
    raise gate.refuse(name, f"no visible sheet has the OGP export header (with '{ID}') "
                            f"in its first {HEADER_SCAN_ROWS} rows")


def _early_scan(data: bytes, part: str | None) -> xlsx_scan.SheetScan | None:
    """The whole sheet's scan before its header is known; None leaves it to _audit (a scan error, or a sheet
    so full of formulas that keeping them all costs more than scanning again for the columns read)."""
    if part is None:
        return None
    try:
        return xlsx_scan.scan_sheet(data, part, max_cells=EARLY_SCAN_CELLS)
    except (xlsx_scan.ScanError, xlsx_scan.TooManyCells):
        return None


def _audit(data: bytes, part: str | None, table: TextTable, name: str,
           scan: xlsx_scan.SheetScan | None) -> list[Problem]:
    """What calamine cannot see in the sheet read (formulas, Excel errors, merged cells, hidden rows)."""
    read = _read_columns(table.headers)
    published = {i: CANONICAL.get(header_key(table.headers[i]), table.headers[i].strip()) for i in read}

    def shown(row: int, i: int) -> str:
        return table.frame[table.headers[i]].iat[row - table.header_row - 1]

    return workbook_problems(data, part, name, table.sheet, table.header_row, published, shown, scan)


def _sheet_from_rows(body: list[list[object]], header: list[str], header_row: int, sheet: str,
                     name: str) -> TextTable:
    while body and all(v in ("", None) for v in body[-1]):
        body.pop()
    columns = list(zip(*body)) if body else [()] * len(header)
    return _text_table(header, {i: text_array(columns[i]) for i in _read_columns(header)}, header_row, sheet, name,
                       [], [])


def _text_table(header: list[str], columns: dict[int, pa.Array | pa.ChunkedArray], header_row: int,
                sheet: str | None, name: str, problems: list[Problem], notes: list[str],
                controls: bool = True) -> TextTable:
    """The columns read, each through the checks every loader's cells get (loaders.cells.check_column)."""
    checked, removed = {}, 0
    for i, cells in columns.items():
        published = CANONICAL.get(header_key(header[i]), header[i].strip())
        limit = TITLE_CHARS if published in TITLES else MAX_CELL_CHARS
        found = check_column(cells, limit, controls=controls)
        checked[str(i)] = found.cells
        removed += found.removed
        for k in found.nul:
            ref = f"{column_letter(i)}{header_row + 1 + k}"
            problems.append(Problem(name, nul_message(ref), sheet, header_row + 1 + int(k), published,
                                    nul_shown(found.cells[int(k)].as_py())))
        for k, length in zip(found.too_long, found.lengths):
            ref = f"{column_letter(i)}{header_row + 1 + k}"
            problems.append(Problem(name, length_message(ref, int(length), limit), sheet, header_row + 1 + int(k),
                                    published, found.cells[int(k)].as_py()[:40]))
    if removed:
        notes.append(controls_note(name + (f", sheet '{sheet}'" if sheet else ""), removed))
    frame = pa.table(checked).to_pandas() if checked else pd.DataFrame(index=range(0))
    frame.columns = [header[i] for i in columns]
    return TextTable(header, frame, header_row, sheet, problems, notes)


