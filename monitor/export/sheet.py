"""Write one Table onto a worksheet: styled header, typed and safe cells, widths, filters, highlights.

Every cell is placed by explicit row and column (ws.append([]) does not advance max_row: ENGINEERING.md
section 4.1), and every text cell passes through monitor.export.safe on the way in.
"""
from __future__ import annotations

from copy import copy
from datetime import datetime

import pandas as pd
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from monitor.export import safe
from monitor.export.body import BodyRenderer, SheetBody
from monitor.export.frames import DATE, DATETIME, INT, LONG, NUMBER, URL, Table, as_date, is_missing
from monitor.export.styles import (
    COLOUR_FILLS,
    DATETIME_FORMAT,
    FLAG_FILL,
    HEADER_ALIGN,
    HEADER_FILL,
    HEADER_FONT,
    LINK_FONT,
    WRAP,
)
from monitor.i18n import t
from monitor.links import is_web_url

WIDTH = {DATE: 12, DATETIME: 17, INT: 10, NUMBER: 10}
MAX_WIDTH = {LONG: 60, URL: 45}


class CellWriter:
    """Typed, sanitised cell writes for one worksheet; what the boundary changed goes to `report`."""

    def __init__(self, ws: Worksheet, report: safe.Report, lang: str):
        self.ws, self.report, self.lang = ws, report, lang
        self.truncation = t("export.truncated", lang)
        self._styles: dict[tuple, object] = {}

    def _restyle(self, cell, wrap: bool, quote: bool, link: bool) -> None:
        """Give a cell its style combination. Each combination is built once through the public style
        setters, then its style record is copied: per-cell setters re-hash the style objects and cost
        more than writing the cell (measured: 16 s of a 60 s pack of 6,000 commitments)."""
        key = (wrap, quote, link)
        cached = self._styles.get(key)
        if cached is not None:
            cell._style = copy(cached)
            return
        if wrap:
            cell.alignment = WRAP
        if quote:
            cell.quotePrefix = True
        if link:
            cell.font = LINK_FONT
        self._styles[key] = copy(cell._style)

    def write(self, row: int, col: int, value, kind: str = "") -> None:
        if is_missing(value):
            return
        if kind == DATE:
            self.ws.cell(row, col, as_date(value))
        elif kind == DATETIME:
            self.ws.cell(row, col, pd.Timestamp(value).to_pydatetime()).number_format = DATETIME_FORMAT
        elif kind in (INT, NUMBER) and not isinstance(value, str):
            self.ws.cell(row, col, int(value) if kind == INT else float(value))
        elif kind == URL:
            self.link(row, col, str(value))
        else:
            self.text(row, col, value, wrap=kind == LONG)

    def text(self, row: int, col: int, value, wrap: bool = False, link: bool = False):
        """Text as text: never a formula, never an illegal character, never silently cut."""
        text = value if isinstance(value, str) else _as_text(value)
        if not text:
            return None
        if safe.ILLEGAL_CHARACTERS.search(text):
            text = safe.strip_controls(text)[0]
            self.report.note("removed_controls", self._where(row, col))
        text, cut = safe.fit_cell(text, self.truncation)
        if cut:
            self.report.note("truncated", self._where(row, col))
        cell = self.ws.cell(row, col, text)
        quote = safe.looks_like_formula(text)
        if quote:
            cell.data_type = "s"
            self.report.note("neutralised", self._where(row, col))
        if wrap or quote or link:
            self._restyle(cell, wrap, quote, link)
        return cell

    def _where(self, row: int, col: int) -> str:
        return f"{self.ws.title}!{get_column_letter(col)}{row}"

    def link(self, row: int, col: int, url: str) -> None:
        """A clickable link only for one well-formed http(s) address; anything else stays plain text."""
        is_link = is_web_url(url)
        cell = self.text(row, col, url, link=is_link)
        if cell is not None and is_link:
            cell.hyperlink = url


def _as_text(value) -> str:
    if isinstance(value, (list, tuple)):
        return "; ".join(map(str, value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return str(value)


def write_table(ws: Worksheet, table: Table, report: safe.Report, lang: str, styles: dict[str, int],
                freeze: str = "B2") -> SheetBody:
    """Header, layout and conditional formats through openpyxl; the data rows come back as a SheetBody
    for body.splice, which puts them into the saved package (see monitor/export/body.py for why)."""
    writer = CellWriter(ws, report, lang)
    for col, header in enumerate(table.frame.columns, start=1):
        cell = writer.text(1, col, header)
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, HEADER_ALIGN
    body = BodyRenderer(ws.title, styles, report, t("export.truncated", lang)).render(table)
    _layout(ws, table, body.last_row, freeze)
    _highlight(ws, table, body.last_row, lang)
    return body


def _layout(ws: Worksheet, table: Table, last_row: int, freeze: str) -> None:
    headers = list(table.frame.columns)
    for col, header in enumerate(headers, start=1):
        ws.column_dimensions[get_column_letter(col)].width = column_width(header, table.frame[header],
                                                                          table.kinds.get(header, ""))
    ws.row_dimensions[1].height = 32
    ws.freeze_panes = freeze
    ws.auto_filter.ref = f"A1:{get_column_letter(max(len(headers), 1))}{last_row}"


def column_width(header: str, values: pd.Series, kind: str) -> float:
    """Wide enough for the header's longest word and most values, capped so long text wraps instead."""
    header_need = max((len(w) for w in header.split()), default=8) + 2
    if kind in WIDTH:
        return max(WIDTH[kind], header_need)
    sample = values.dropna().head(500).astype(str).str.len()
    typical = float(sample.quantile(0.9)) if len(sample) else 0
    return max(header_need, min(typical + 2, MAX_WIDTH.get(kind, 40)), 8)


def _highlight(ws: Worksheet, table: Table, last_row: int, lang: str) -> None:
    """Red/amber/green by conditional formatting keyed on the word column, and yes-flags (overdue) in red."""
    if last_row < 2:
        return
    letters = {h: get_column_letter(i) for i, h in enumerate(table.frame.columns, start=1)}
    if table.colour_column:
        key = letters[table.colour_column]
        for colour, fill in COLOUR_FILLS.items():
            word = t(f"colour.{colour}", lang)
            rule = FormulaRule(formula=[f'${key}2="{word}"'], fill=PatternFill("solid", start_color=fill, end_color=fill))
            for target in table.colour_targets:
                ws.conditional_formatting.add(f"{letters[target]}2:{letters[target]}{last_row}", rule)
    if table.flag_column:
        key, yes = letters[table.flag_column], t("export.yes", lang)
        rule = FormulaRule(formula=[f'${key}2="{yes}"'], fill=PatternFill("solid", start_color=FLAG_FILL, end_color=FLAG_FILL),
                           font=Font(bold=True))
        for target in table.flag_targets:
            ws.conditional_formatting.add(f"{letters[target]}2:{letters[target]}{last_row}", rule)
