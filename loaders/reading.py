"""Shared tabular reading: file bytes to located sheets of text cells, or located problems.

Cells come back as the text a person sees (never NaN: '007', 'NA' and 'None' stay as written) with the
1-based row number Excel shows, and headers are mapped to canonical column names through explicit
English and Spanish aliases (case-, accent- and space-insensitive). Nothing here knows what the
columns mean; the format modules do.
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import python_calamine

from loaders import cells, gate, ids, xlsx_scan
from loaders.batch import Batch, InvalidFile, Problem, SourceInfo
from loaders.xlsx_scan import column_letter
from vocabulary.scales import fold

HEADER_SCAN_ROWS = 10  # every loader looks for its header row in a sheet's first 10 rows
DELIMITERS = (",", ";", "\t")
C1_CONTROLS = re.compile(r"[\x80-\x9f]")


@dataclass(frozen=True)
class Column:
    """A canonical column and the headers people write for it."""

    name: str
    en: tuple[str, ...] = ()
    es: tuple[str, ...] = ()
    required: bool = False
    max_chars: int = cells.MAX_CELL_CHARS


@dataclass(frozen=True)
class SheetSpec:
    """What a sheet must look like: its name (and aliases) and its columns."""

    name: str
    aliases: tuple[str, ...]
    columns: tuple[Column, ...]
    required: bool = True

    def lookup(self) -> dict[str, tuple[str, str | None]]:
        """Folded header -> (canonical name, language of that spelling or None when neutral)."""
        table: dict[str, tuple[str, str | None]] = {}
        for c in self.columns:
            table[header_key(c.name)] = (c.name, None)
            table.update({header_key(a): (c.name, "en") for a in c.en})
            table.update({header_key(a): (c.name, "es") for a in c.es})
        return table

    def required_names(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    def matches(self, headers: list[str]) -> bool:
        found = {self.lookup().get(header_key(h), (None,))[0] for h in headers}
        return set(self.required_names()) <= found

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def header_key(text: str) -> str:
    return fold(str(text).replace("_", " ").strip(" *:"))


@dataclass
class Sheet:
    """One sheet's data area: canonical columns, text cells, the row numbers Excel shows."""

    file: str
    name: str | None  # None for a CSV file
    header_row: int
    headers: dict[str, str]  # canonical name -> header as written
    letters: dict[str, str]  # canonical name -> column letter
    rows: list[dict[str, str]]
    row_numbers: list[int]
    language: str | None  # 'es' or 'en' when the headers say so, None when neutral or mixed

    def problem(self, row: int | None, column: str | None, expected: str, value: str | None = None,
                severity: str = "error") -> Problem:
        written = self.headers.get(column, column) if column else None
        return Problem(self.file, expected, self.name, row, written, value, severity)

    def cell_ref(self, row: int, column: str) -> str:
        return f"{self.letters[column]}{row}"

    def records(self):
        return zip(self.row_numbers, self.rows)


@dataclass
class Reading:
    """What read_table found: the sheets it could use, every problem, the safe normalisations applied."""

    format: str
    sheets: dict[str, Sheet] = field(default_factory=dict)  # spec name -> sheet
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    spellings: ids.Spellings = field(default_factory=ids.Spellings)  # each id's first spelling in this file


def read_one(data: bytes, name: str, specs: list[SheetSpec], kind: str, sheet_name: str):
    """For the one-table formats: read the file, start its Batch, and return the sheet found (or None)."""
    reading = read_table(data, name, specs, by_name=False)
    batch = Batch(SourceInfo.of(Path(name), kind, data, name), problems=list(reading.problems),
                  notes=list(reading.notes))
    return batch, reading.sheets.get(sheet_name)


@dataclass
class Grid:
    """A sheet as raw text cells, before any header is known."""

    name: str | None
    cells: list[list[str]]
    hidden: bool = False
    lines: list[int] | None = None  # CSV only: the text line each record starts on
    part: str | None = None  # workbooks only: the zip member holding the sheet's XML


# ---------------------------------------------------------------- raw grids


def read_grids(data: bytes, name: str, *, head_only: bool = False) -> tuple[str, list[Grid], list[str]]:
    """Every sheet as text (hidden ones flagged), with notes on the encoding. head_only: first rows only."""
    kind = gate.sniff(data, name)
    if kind == "csv":
        grid, notes = _csv_grid(data, name, HEADER_SCAN_ROWS if head_only else None)
        return kind, [grid], notes
    return kind, _xlsx_grids(data, name, head_only), []


def _csv_grid(data: bytes, name: str, limit: int | None = None) -> tuple[Grid, list[str]]:
    text, notes = decode(data, name)
    delimiter = sniff_delimiter(text)
    if delimiter != ",":
        notes.append(delimiter_note(name, delimiter))
    csv.field_size_limit(max(csv.field_size_limit(), gate.MAX_FILE_BYTES))  # long cells get a located error later
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    cells, lines, line = [], [], 1
    try:
        for record in reader:
            cells.append(record)
            lines.append(line)
            line = reader.line_num + 1
            if len(cells) == limit:
                break
    except csv.Error as exc:
        raise InvalidFile([Problem(
            name, f"the CSV cannot be read from text line {line} on ({exc}): a quoted cell that never "
                  "closes, or a stray quote; fix the quotes or export the sheet again", row=len(cells) + 1)]) from None
    return Grid(None, cells, lines=lines), notes


def decode(data: bytes, name: str) -> tuple[str, list[str]]:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252 when that is unambiguous."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), [f"{name}: decoded as UTF-16"]
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        bad = exc.start
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = None
    if text is not None and not C1_CONTROLS.search(text):
        return text, [f"{name}: not UTF-8; decoded as Windows-1252 (Excel's 'CSV' on Windows). Save as "
                      "'CSV UTF-8' to avoid this"]
    line = data[:bad].count(b"\n") + 1
    raise InvalidFile([Problem(
        name, f"the file is not UTF-8 text: byte {bad:,} (0x{data[bad]:02x}) on line {line} cannot be read; "
              "save it as 'CSV UTF-8'", row=line)])


DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}


def delimiter_note(name: str, delimiter: str) -> str:
    return f"{name}: read as a {DELIMITER_NAMES[delimiter]}-separated file"


def sniff_delimiter(text: str) -> str:
    """Comma, semicolon or tab: whichever the first non-blank line uses most."""
    for line in text.splitlines()[:HEADER_SCAN_ROWS]:
        counts = {d: line.count(d) for d in DELIMITERS}
        if any(counts.values()):
            return max(DELIMITERS, key=lambda d: counts[d])
    return ","


def _xlsx_grids(data: bytes, name: str, head_only: bool) -> list[Grid]:
    try:
        parts = {p.name: p for p in xlsx_scan.sheet_parts(data)}
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        grids = []
        for meta in book.sheets_metadata:
            sheet = book.get_sheet_by_name(meta.name)
            rows = _head(sheet) if head_only else sheet.to_python(skip_empty_area=False)
            part = parts.get(meta.name)
            hidden = part.hidden if part else meta.visible != python_calamine.SheetVisibleEnum.Visible
            grids.append(Grid(meta.name, [[cells.cell_text(v) for v in r] for r in rows], hidden,
                              part=part.path if part else None))
        return grids
    except (python_calamine.CalamineError, xlsx_scan.ScanError, ValueError, OSError) as exc:
        raise InvalidFile([Problem(name, f"the workbook cannot be read ({exc}); open it in Excel, save it "
                                         "as .xlsx and try again")]) from None


def _head(sheet) -> list[list]:
    pad = [""] * (sheet.start[1] if sheet.start else 0)  # iter_rows starts at row 1 but at the first used column
    rows = []
    for row in sheet.iter_rows():
        rows.append(pad + list(row))
        if len(rows) >= HEADER_SCAN_ROWS:
            break
    return rows


# ---------------------------------------------------------------- sheets


def read_table(data: bytes, name: str, specs: list[SheetSpec], *, by_name: bool = True) -> Reading:
    """Find the sheets, each one's header row within the first 10 rows, and the data rows; check every cell.

    by_name (workbooks): each spec is its own sheet, found by name or alias (the NAP template). Otherwise,
    and always for a CSV, the specs are alternatives and the first visible sheet holding one's header wins.
    Raises InvalidFile only when the file cannot be read at all; everything else is in Reading.problems.
    """
    kind, grids, notes = read_grids(data, name)
    reading = Reading(kind, notes=notes)
    if kind == "xlsx" and by_name:
        for spec in specs:
            _take_checked(reading, data, name, pick_sheet(reading, name, grids, spec), spec)
    else:
        grid, spec = _first_match(reading, name, grids, specs)
        _take_checked(reading, data, name, grid, spec)
    return reading


def _first_match(reading: Reading, name: str, grids: list[Grid],
                 specs: list[SheetSpec]) -> tuple[Grid | None, SheetSpec]:
    """The visible sheet and spec whose header is found, else the pair that came closest (for its message)."""
    for g in grids:
        if g.hidden:
            reading.problems.append(Problem(name, "hidden sheet ignored; unhide it if it holds the data", g.name,
                                            severity="warning"))
    visible = [g for g in grids if not g.hidden]
    if not visible:
        reading.problems.append(Problem(name, "the workbook has no visible sheet"))
        return None, specs[0]
    pairs = [(g, spec) for g in visible for spec in specs]
    return min(pairs, key=lambda pair: len(find_header(pair[0], pair[1])[2]) / len(pair[1].required_names()))


def _take_checked(reading: Reading, data: bytes, name: str, grid: Grid | None, spec: SheetSpec) -> None:
    sheet = _take(reading, name, grid, spec) if grid is not None else None
    if sheet is None or reading.format != "xlsx":
        return
    reading.problems += audit_cells(data, sheet, grid)


def pick_sheet(reading: Reading, name: str, grids: list[Grid], spec: SheetSpec) -> Grid | None:
    """The visible sheet named like the spec. Hidden sheets are never picked."""
    wanted = {header_key(n) for n in (spec.name, *spec.aliases)}
    named = [g for g in grids if header_key(g.name) in wanted]
    hidden = [g.name for g in named if g.hidden]
    if hidden:
        reading.problems.append(Problem(name, f"hidden sheet {hidden[0]!r} was ignored; unhide it if it holds "
                                              "the data", sheet=hidden[0], severity="warning"))
    visible = [g for g in named if not g.hidden]
    if visible:
        return visible[0]
    if spec.required:
        names = ", ".join(f"'{g.name}'" + (" (hidden)" if g.hidden else "") for g in grids)
        also = " or ".join(f"'{a}'" for a in spec.aliases)
        named_like = f"'{spec.name}'" + (f" (or {also})" if also else "")
        reading.problems.append(Problem(name, f"no visible sheet named {named_like}; the workbook has {names}. "
                                              "Rename the sheet or use the template"))
    return None


def find_header(grid: Grid, spec: SheetSpec) -> tuple[int, int | None, list[str]]:
    """(best row index, index of the row holding every required header or None, required still missing)."""
    lookup = spec.lookup()
    best, best_found = 0, set()
    for i, row in enumerate(grid.cells[:HEADER_SCAN_ROWS]):
        found = {lookup[header_key(c)][0] for c in row if header_key(c) in lookup}
        if set(spec.required_names()) <= found:
            return i, i, []
        if len(found) > len(best_found):
            best, best_found = i, found
    return best, None, [n for n in spec.required_names() if n not in best_found]


def _take(reading: Reading, name: str, grid: Grid, spec: SheetSpec) -> Sheet | None:
    best, index, missing = find_header(grid, spec)
    if index is None:
        reading.problems += header_problems(name, grid, spec, best, missing)
        return None
    sheet, problems, notes = build_sheet(name, grid, spec, index, reading.spellings)
    reading.problems += problems
    reading.notes += notes
    if sheet is not None:
        reading.sheets[spec.name] = sheet
    return sheet


def header_problems(name: str, grid: Grid, spec: SheetSpec, best: int, missing: list[str]) -> list[Problem]:
    row = grid.cells[best] if grid.cells else []
    written = [c for c in row if c.strip()]
    if not written or len(missing) == len(spec.required_names()):
        return [Problem(name, f"no header row found in rows 1-{HEADER_SCAN_ROWS}: expected the columns "
                              f"{', '.join(spec.required_names())} (English or Spanish names)"
                              + (f"; the file's row {best + 1} has {written[:12]}" if written else ""), grid.name)]
    return [Problem(name, f"missing required column '{m}' ({_spellings(spec.column(m))}); header row {best + 1} "
                          f"has {written}", grid.name, best + 1, m) for m in missing]


def _spellings(column: Column) -> str:
    return "also written " + ", ".join(f"'{s}'" for s in (*column.en[:2], *column.es[:2])) if (
        column.en or column.es) else "no other spelling"


def build_sheet(name: str, grid: Grid, spec: SheetSpec, index: int,
                spellings: ids.Spellings | None = None) -> tuple[Sheet | None, list[Problem], list[str]]:
    """The sheet below header row `index`, or None with the reasons it cannot be used."""
    positions, languages, problems = _map_header(name, grid, spec, index)
    header = grid.cells[index]
    notes = [f"{name}{_in(grid.name)}: header found on row {index + 1}; rows above it skipped"] if index else []
    sheet = Sheet(name, grid.name, index + 1, {c: header[p[0]] for c, p in positions.items()},
                  {c: column_letter(p[0]) for c, p in positions.items()}, [], [], _language(languages))
    problems += _collect_rows(sheet, grid, positions, index)
    if not sheet.rows and (spec.required or grid.lines is not None):
        problems.append(Problem(name, no_data_rows(index + 1), grid.name, index + 1))
    elif not sheet.rows:
        return None, problems, notes + [f"{name}{_in(grid.name)}: no rows (optional sheet)"]
    if any(p.severity == "error" for p in problems):
        return None, problems, notes
    cell_problems, cell_notes = clean_cells(sheet, spec)
    id_problems, id_notes = canonical_ids(sheet, ids.Spellings() if spellings is None else spellings)
    return sheet, problems + cell_problems + id_problems, notes + cell_notes + id_notes


def no_data_rows(header_row: int) -> str:
    return f"no data rows below the header (row {header_row}); an empty import would change nothing"


def _map_header(name: str, grid: Grid, spec: SheetSpec, index: int):
    """Canonical column -> positions, the languages the headers are written in, and header problems."""
    header, lookup = grid.cells[index], spec.lookup()
    positions: dict[str, list[int]] = {}
    languages, problems = set(), []
    for col, text in enumerate(header):
        key = header_key(text)
        if key in lookup:
            canonical, language = lookup[key]
            positions.setdefault(canonical, []).append(col)
            languages.add(language)
        elif key:
            problems.append(Problem(name, "unknown column, not imported", grid.name, index + 1, text,
                                    severity="warning"))
    for canonical, cols in positions.items():
        if len(cols) > 1:
            refs = ", ".join(f"{column_letter(c)}{index + 1}" for c in cols)
            problems.append(Problem(name, f"duplicate column '{canonical}' ({refs}); keep one", grid.name,
                                    index + 1, header[cols[1]], header[cols[1]]))
    return positions, languages, problems


def _collect_rows(sheet: Sheet, grid: Grid, positions: dict[str, list[int]], index: int) -> list[Problem]:
    """Non-blank rows below the header; a CSV record with a different field count is an error."""
    problems, width = [], len(grid.cells[index])
    for r in range(index + 1, len(grid.cells)):
        cells = grid.cells[r]
        if not any(c.strip() for c in cells):
            continue
        if grid.lines is not None and len(cells) != width:
            problems.append(Problem(sheet.file, f"text line {grid.lines[r]} has {len(cells)} fields but the header "
                                                f"has {width}; a separator or quote is missing or extra in that row",
                                    grid.name, r + 1, value=" | ".join(cells)))
            continue
        sheet.rows.append({c: cells[p[0]] if p[0] < len(cells) else "" for c, p in positions.items()})
        sheet.row_numbers.append(r + 1)
    return problems


def _in(sheet_name: str | None) -> str:
    return f", sheet '{sheet_name}'" if sheet_name else ""


def _language(languages: set[str | None]) -> str | None:
    spoken = languages - {None}
    return spoken.pop() if len(spoken) == 1 else None


def clean_cells(sheet: Sheet, spec: SheetSpec) -> tuple[list[Problem], list[str]]:
    """Trim spaces, strip C0 control characters (noted), refuse NUL and over-long cells."""
    problems, stripped, trimmed = [], 0, 0
    for number, row in sheet.records():
        for column, value in row.items():
            if "\x00" in value:
                problems.append(sheet.problem(number, column, cells.nul_message(sheet.cell_ref(number, column)),
                                              cells.nul_shown(value)))
                continue
            limit = spec.column(column).max_chars
            if len(value) > limit:
                problems.append(sheet.problem(number, column, cells.length_message(
                    sheet.cell_ref(number, column), len(value), limit), value[:40]))
                continue
            clean, n = cells.C0_CONTROLS.subn("", value)
            stripped += n
            trimmed += clean != clean.strip()
            row[column] = clean.strip()
    notes = []
    where = f"{sheet.file}{_in(sheet.name)}"
    if stripped:
        notes.append(cells.controls_note(where, stripped))
    if trimmed:
        notes.append(f"{where}: trimmed spaces around {trimmed} cell(s)")
    return problems, notes


def canonical_ids(sheet: Sheet, spellings: ids.Spellings) -> tuple[list[Problem], list[str]]:
    """Every id cell in its canonical form (loaders.ids), noted; other-script digits and a second spelling of
    one id in the file are refused, naming both cells."""
    problems, notes = [], []
    for column, kind in ids.ID_COLUMNS.items():
        if column not in sheet.headers:
            continue
        changed, example = 0, None
        for number, row in sheet.records():
            raw = row.get(column, "")
            if not raw:
                continue
            ref = sheet.cell_ref(number, column)
            canonical = ids.canonical_id(raw)
            if digits := ids.foreign_digits(canonical):
                expected = ids.foreign_digits_message(kind, raw, digits)
                problems.append(sheet.problem(number, column, f"cell {ref}: {expected}", raw))
                continue
            where = f"cell {ref}" + (f" of sheet '{sheet.name}'" if sheet.name else "")
            if earlier := spellings.clash(kind, canonical, raw, where):
                expected = ids.clash_message(kind, raw, earlier)
                problems.append(sheet.problem(number, column, f"cell {ref}: {expected}", raw))
            if canonical != raw:
                changed += 1
                example = example or (raw, canonical)
                row[column] = canonical
        if changed:
            notes.append(ids.folded_note(f"{sheet.file}{_in(sheet.name)}", kind, changed, *example))
    return problems, notes


# ---------------------------------------------------------------- workbook-only checks


def audit_cells(data: bytes, sheet: Sheet, grid: Grid) -> list[Problem]:
    """Merged cells, formula cells, Excel error values and hidden rows, which the fast reader cannot see."""
    wanted = {xlsx_scan.column_index(letter): column for column, letter in sheet.letters.items()}
    values = dict(zip(sheet.row_numbers, sheet.rows))
    return workbook_problems(data, grid.part, sheet.file, sheet.name, sheet.header_row,
                             {i: sheet.headers[c] for i, c in wanted.items()},
                             lambda row, i: values.get(row, {}).get(wanted[i], ""))


def workbook_problems(data: bytes, part: str | None, file: str, sheet: str | None, header_row: int,
                      columns: dict[int, str], shown: Callable[[int, int], str],
                      scan: xlsx_scan.SheetScan | None = None) -> list[Problem]:
    """What one pass over a sheet's XML (loaders.xlsx_scan) finds below its header row, as problems.

    columns: the 0-based columns read -> the column name to report; shown(row, column): the text read there;
    scan: the sheet's scan when already made (of every row and column; only the data area is reported).
    Merged cells in the header or data rows, Excel errors and formulas without a saved result refuse the
    file; a formula's saved result and hidden rows are imported with a warning.
    """
    def problem(expected: str, row: int | None = None, column: str | None = None, value: str | None = None,
                severity: str = "error") -> Problem:
        return Problem(file, expected, sheet, row, column, value, severity)

    try:
        if part is None:  # xl/workbook.xml links no part to this sheet
            raise xlsx_scan.ScanError("KeyError")
        if scan is None:
            scan = xlsx_scan.scan_sheet(data, part, min_row=header_row + 1, columns=set(columns))
    except xlsx_scan.ScanError as exc:  # the message names the cause's type (KeyError, XMLSyntaxError)
        return [problem(f"the workbook cannot be checked ({exc}); save it again in Excel")]
    problems = []
    for (r0, c0), (r1, c1) in scan.merged:  # merged cells hide values in all but their first cell
        if r1 + 1 >= header_row:
            ref = f"{column_letter(c0)}{r0 + 1}:{column_letter(c1)}{r1 + 1}"
            problems.append(problem(f"merged cells {ref}: unmerge them and fill every cell", r0 + 1, None, ref))
    cells = [c for c in [*scan.formulas, *scan.errors] if c.row > header_row and c.column in columns]
    for cell in sorted(cells, key=lambda c: (c.row, c.column)):
        ref, column = f"{column_letter(cell.column)}{cell.row}", columns[cell.column]
        if isinstance(cell, xlsx_scan.ExcelError):
            problems.append(problem(f"cell {ref} contains the Excel error {cell.value}; fix the formula or type "
                                    "the value", cell.row, column, cell.value))
        elif cell.cached:
            problems.append(problem(f"cell {ref} is a formula ({cell.text}); its saved result was imported",
                                    cell.row, column, shown(cell.row, cell.column), "warning"))
        else:
            problems.append(problem(f"cell {ref} is a formula ({cell.text}) with no saved result; open the file "
                                    "in Excel and save it, or paste values", cell.row, column, cell.text))
    hidden = [r for r in scan.hidden_rows if r > header_row]
    if hidden:
        problems.append(problem(f"hidden rows {_ranges(hidden)} were imported; check they are not drafts",
                                severity="warning"))
    return problems


def _ranges(numbers: list[int]) -> str:
    """[3, 4, 5, 9] -> '3-5, 9'."""
    spans: list[list[int]] = []
    for n in sorted(numbers):
        if spans and n == spans[-1][1] + 1:
            spans[-1][1] = n
        else:
            spans.append([n, n])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in spans)
