"""What the fast value reader cannot see in a workbook, found by streaming its XML.

python-calamine gives cell values; it does not say which cells are formulas (and whether Excel saved their
result), which hold Excel errors (#REF!, #N/A, ...), which rows are hidden, or which cells are merged. This
module finds those in one streaming pass over a sheet's XML inside the zip, clearing each row once read, so
time grows with the sheet and memory does not. It also says which sheet part holds which sheet and which
sheets are hidden (xl/workbook.xml through xl/_rels/workbook.xml.rels).

Entity declarations are refused by loaders.gate before any parser runs; the parsers here also never resolve
entities, never touch the network and keep lxml's size limits (huge_tree=False).
"""
from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field

from lxml import etree

WORKBOOK = "xl/workbook.xml"
WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"
HIDDEN_STATES = ("hidden", "veryHidden")
TRUE = ("1", "true")
CELL_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d+)")
PARSER_OPTIONS = {"resolve_entities": False, "no_network": True, "huge_tree": False}

Range = tuple[tuple[int, int], tuple[int, int]]  # ((first row, first column), (last row, last column)), 0-based


class ScanError(Exception):
    """A part of the workbook cannot be read; the message names the cause's type."""


@dataclass(frozen=True)
class SheetPart:
    """A sheet as xl/workbook.xml lists it, and the zip member holding its cells (None when no part is linked)."""

    name: str
    state: str  # 'visible', 'hidden' or 'veryHidden'
    path: str | None

    @property
    def hidden(self) -> bool:
        return self.state in HIDDEN_STATES


@dataclass(frozen=True)
class Formula:
    row: int  # 1-based, as Excel shows
    column: int  # 0-based
    text: str  # '=UPPER(A2)', shared formulas translated to this cell
    cached: bool  # a saved result (<v>) is present and non-empty


@dataclass(frozen=True)
class ExcelError:
    row: int
    column: int
    value: str  # '#REF!', '#N/A', ...


@dataclass
class SheetScan:
    formulas: list[Formula] = field(default_factory=list)
    errors: list[ExcelError] = field(default_factory=list)
    hidden_rows: list[int] = field(default_factory=list)
    merged: list[Range] = field(default_factory=list)


def column_letter(index: int) -> str:
    """0 -> 'A', 27 -> 'AB'."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_index(letters: str) -> int:
    """'A' -> 0, 'AB' -> 27."""
    index = 0
    for ch in letters.upper():
        index = index * 26 + ord(ch) - 64
    return index - 1


def cell_position(ref: str) -> tuple[int, int]:
    """'F2' -> (2, 5): the 1-based row and 0-based column."""
    match = CELL_REF.fullmatch(ref.strip())
    if match is None:
        raise ValueError(f"{ref!r} is not a cell reference")
    return int(match.group(2)), column_index(match.group(1))


def range_position(ref: str) -> Range:
    """'D2:D3' -> ((1, 3), (2, 3)), as python-calamine gives merged ranges."""
    first, _, last = ref.partition(":")
    (r0, c0), (r1, c1) = cell_position(first), cell_position(last or first)
    return (r0 - 1, c0), (r1 - 1, c1)


# ---------------------------------------------------------------- which part is which sheet


def sheet_parts(data: bytes) -> list[SheetPart]:
    """Every sheet in workbook order, with its state and the zip member holding it."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            book = _parse(archive.read(WORKBOOK))
            rels = _parse(archive.read(WORKBOOK_RELS)) if WORKBOOK_RELS in archive.namelist() else None
    except (KeyError, OSError, zipfile.BadZipFile, etree.LxmlError) as exc:
        raise ScanError(type(exc).__name__) from exc
    targets = {}
    for rel in rels.iter("{*}Relationship") if rels is not None else ():
        target = rel.get("Target") or ""
        if rel.get("TargetMode") != "External" and target:
            targets[rel.get("Id")] = (target.lstrip("/") if target.startswith("/")
                                      else posixpath.normpath(posixpath.join("xl", target)))
    parts = []
    for sheet in book.iter("{*}sheet"):
        rid = next((v for k, v in sheet.attrib.items() if k.startswith("{") and k.endswith("}id")), None)
        parts.append(SheetPart(sheet.get("name", ""), sheet.get("state", "visible"), targets.get(rid)))
    return parts


def _parse(xml: bytes):
    return etree.fromstring(xml, etree.XMLParser(**PARSER_OPTIONS))


# ---------------------------------------------------------------- one sheet's cells


def scan_sheet(data: bytes, path: str, *, min_row: int = 1, columns: set[int] | None = None,
               max_cells: int | None = None) -> SheetScan:
    """Formulas, Excel errors, hidden rows and merged ranges of one sheet part.

    Formula and error cells are kept only from row min_row on and, when columns is given, in those 0-based
    columns; hidden rows and merged ranges are all kept. Raises ScanError when the part cannot be read, and
    TooManyCells once more than max_cells formula and error cells are kept.

    Most sheets have none of these: the XML is searched for their markers as bytes (a few passes of
    bytes.find over each decompressed block, 10-50x faster than parsing it) and only the elements found are
    parsed. A sheet this cannot read exactly (a namespace prefix, a DOCTYPE, a cell or hidden row without
    its reference, XML that does not end as a worksheet does) is parsed whole instead (_parse_whole).
    """
    try:
        found = _search(data, path, min_row, columns, max_cells)
    except _ParseWhole:
        return _parse_whole(data, path, min_row, columns, max_cells)
    except (KeyError, OSError, ValueError, zipfile.BadZipFile, etree.LxmlError) as exc:
        raise ScanError(type(exc).__name__) from exc
    return found


class TooManyCells(Exception):
    """More formula and error cells than the caller asked to keep."""


class _ParseWhole(Exception):
    """The byte search cannot be sure of this sheet."""


BLOCK = 16 << 20
CELL_MARKERS = (b"<f>", b"<f ", b"<f/>", b' t="e"', b" t='e'")
ROW_TAG = re.compile(rb"<row[\s>/]")
PREFIXED_ROOT = re.compile(rb"<[A-Za-z_][\w.-]*:worksheet[\s>]")
REF_ATTRIBUTE = re.compile(rb"""\sr=["']([A-Za-z]*)(\d+)["']""")
HIDDEN_ATTRIBUTE = re.compile(rb"""\shidden=["']([^"']*)["']""")
MERGE_REF = re.compile(rb"""<mergeCell\s[^>]*ref=["']([^"']+)["']""")


def _search(data: bytes, path: str, min_row: int, columns: set[int] | None, max_cells: int | None) -> SheetScan:
    found = SheetScan()
    state = _RowState(found, min_row, columns, max_cells)
    with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open(path) as part:
        pending, first, last = b"", True, b""
        while block := part.read(BLOCK):
            if first and (PREFIXED_ROOT.search(block[:4096]) or b"<!DOCTYPE" in block[:4096]):
                raise _ParseWhole
            first = False
            pending += block
            cut = pending.rfind(b"</row>")
            if cut >= 0:
                _search_rows(pending[:cut + 6], state)
                pending = pending[cut + 6:]
            last = (last + block)[-64:]
        if not last.rstrip().endswith(b"</worksheet>"):
            raise _ParseWhole
        _search_rows(pending, state)
        found.merged.extend(range_position(m.decode()) for m in MERGE_REF.findall(pending))
    return found


def _search_rows(text: bytes, state: _RowState) -> None:
    """The formula and error cells and hidden rows in whole rows of sheet XML, in document order."""
    starts = set()
    for marker in CELL_MARKERS:
        at = text.find(marker)
        while at >= 0:
            start = max(text.rfind(b"<c ", 0, at), text.rfind(b"<c>", 0, at))
            if start >= 0 and text.rfind(b"</c>", start, at) < 0:
                starts.add(start)
            at = text.find(marker, at + 1)
    for start in sorted(starts):
        tag_end = text.index(b">", start)
        end = tag_end + 1 if text[tag_end - 1:tag_end] == b"/" else text.index(b"</c>", start) + 4
        cell = _parse(text[start:end])
        if cell.find("f") is None and cell.get("t") != "e":
            continue  # the marker was text inside a plain cell: t="e" needs no escaping in XML text
        if not cell.get("r"):
            raise _ParseWhole
        state.cell(cell)
    at = text.find(b"hidden=")
    while at >= 0:
        tag = text.rfind(b"<", 0, at)
        if ROW_TAG.match(text, tag):
            head = text[tag:text.index(b">", at) + 1]
            reference = REF_ATTRIBUTE.search(head)
            if reference is None:
                raise _ParseWhole
            if HIDDEN_ATTRIBUTE.search(head).group(1).lower() in (b"1", b"true"):
                state.found.hidden_rows.append(int(reference.group(2)))
        at = text.find(b"hidden=", at + 1)


def _parse_whole(data: bytes, path: str, min_row: int, columns: set[int] | None,
                 max_cells: int | None = None) -> SheetScan:
    """The same findings from parsing every row, streaming: time grows with the sheet, memory does not."""
    found = SheetScan()
    state = _RowState(found, min_row, columns, max_cells)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open(path) as part:
            for _, element in etree.iterparse(part, events=("end",), tag=("{*}row", "{*}mergeCell"),
                                              remove_comments=True, remove_pis=True, **PARSER_OPTIONS):
                if element.tag.endswith("}row") or element.tag == "row":
                    state.row(element)
                elif element.get("ref"):
                    found.merged.append(range_position(element.get("ref")))
                element.clear(keep_tail=False)
                parent = element.getparent()
                while element.getprevious() is not None:  # drop the emptied rows before this one
                    del parent[0]
    except (KeyError, OSError, ValueError, zipfile.BadZipFile, etree.LxmlError) as exc:
        raise ScanError(type(exc).__name__) from exc
    return found


class _RowState:
    """Row and column counters (for cells and rows written without r=) and the shared formulas seen so far."""

    def __init__(self, found: SheetScan, min_row: int, columns: set[int] | None, max_cells: int | None = None):
        self.found, self.min_row, self.columns, self.max_cells = found, min_row, columns, max_cells
        self.number = 0
        self.shared: dict[str, object] = {}  # si -> openpyxl Translator of the master formula
        self.queries: dict[str, tuple] = {}  # namespace -> compiled XPaths

    def row(self, row) -> None:
        r = row.get("r")
        self.number = int(float(r)) if r else self.number + 1
        if row.get("hidden", "").lower() in TRUE:
            self.found.hidden_rows.append(self.number)
        namespace = row.tag[1:row.tag.index("}")] if row.tag.startswith("{") else ""
        if namespace not in self.queries:
            self.queries[namespace] = _queries(namespace)
        kept = self.queries[namespace][0]
        for cell in kept(row):  # the few formula and error cells, picked out in C
            self.cell(cell, namespace)

    def cell(self, cell, namespace: str = "") -> None:
        """A formula or error cell: kept when it is in the rows and columns asked for."""
        if namespace not in self.queries:
            self.queries[namespace] = _queries(namespace)
        _, formula_of, value_of = self.queries[namespace]
        number, column = self._position(cell)
        wanted = number >= self.min_row and (self.columns is None or column in self.columns)
        formula = formula_of(cell)
        if formula:
            text = self._formula_text(formula[0], number, column)
            if wanted:
                self.found.formulas.append(Formula(number, column, text, bool(value_of(cell))))
        elif wanted:
            self.found.errors.append(ExcelError(number, column, value_of(cell)))
        if self.max_cells is not None and len(self.found.formulas) + len(self.found.errors) > self.max_cells:
            raise TooManyCells

    def _position(self, cell) -> tuple[int, int]:
        """(row, column) from r=, else counted on from the last sibling that has one, as Excel readers do."""
        offset = 0
        while cell is not None and not cell.get("r"):
            offset += 1
            cell = cell.getprevious()
            while cell is not None and not isinstance(cell.tag, str):
                cell = cell.getprevious()
        if cell is None:
            return self.number, offset - 1
        number, column = cell_position(cell.get("r"))
        return (number, column) if offset == 0 else (self.number, column + offset)

    def _formula_text(self, formula, number: int, column: int) -> str:
        """'=' + the formula; a shared formula's followers are the master's translated to their cell."""
        text = "=" + (formula.text or "")
        if formula.get("t") != "shared":
            return text
        si = formula.get("si")
        if si in self.shared:
            return self.shared[si].translate_formula(_ref(number, column))
        if text != "=":
            from openpyxl.formula.translate import Translator  # a tokenizer only; loads no workbook

            self.shared[si] = Translator(text, _ref(number, column))
        return text


def _queries(namespace: str) -> tuple:
    """XPaths for a row's formula and error cells, a cell's formula and its saved value (text, '' when none)."""
    ns = {"m": namespace} if namespace else None
    m = "m:" if namespace else ""
    return (etree.XPath(f"{m}c[{m}f or @t='e']", namespaces=ns), etree.XPath(f"{m}f", namespaces=ns),
            etree.XPath(f"string({m}v)", namespaces=ns, smart_strings=False))


def _ref(row: int, column: int) -> str:
    return f"{column_letter(column)}{row}"
