"""Print layout for the meeting pack's sheets, so that "print the pack" gives pages people can read.

Every sheet prints on A4 with its header row on every page, a running title (sheet, scope) and page
numbers; sheets fit one page wide, landscape when wide. The one exception is the full commitments table,
too wide for any page: it prints across pages with its id and title columns repeated on each.
"""
from __future__ import annotations

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

from monitor.i18n import t

LANDSCAPE_FROM = 6  # columns: from this many a sheet prints landscape
WIDE_SCALE = 60  # percent: a sheet printed across pages shows more of its columns on each
HEADER_LIMIT = 200  # Excel refuses header/footer sections over 255 characters, codes included


def print_layout(ws: Worksheet, *, scope_text: str, lang: str, columns: int, rows: int,
                 repeat_columns: int = 0) -> None:
    """Page set-up of one sheet; `repeat_columns` > 0 prints that many leading columns on every page
    instead of shrinking the sheet to one page wide."""
    setup = ws.page_setup
    setup.paperSize = ws.PAPERSIZE_A4
    setup.orientation = ws.ORIENTATION_LANDSCAPE if columns >= LANDSCAPE_FROM else ws.ORIENTATION_PORTRAIT
    if repeat_columns:
        ws.print_title_cols = f"A:{get_column_letter(repeat_columns)}"
        setup.scale = WIDE_SCALE
    else:
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        setup.fitToWidth, setup.fitToHeight = 1, 0  # one page wide, as many pages tall as it needs
    ws.print_title_rows = "1:1"  # the header row, on every page
    ws.print_area = f"A1:{get_column_letter(max(columns, 1))}{max(rows, 1)}"
    ws.print_options.gridLines = True
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.7, bottom=0.6, header=0.3, footer=0.3)
    ws.oddHeader.left.text = _header_text(f"{ws.title} · {scope_text}")
    ws.oddHeader.left.size = 9
    ws.oddFooter.left.text = t("export.print.generated", lang)
    ws.oddFooter.right.text = t("export.print.page", lang)
    ws.oddFooter.left.size = ws.oddFooter.right.size = 8


def _header_text(text: str) -> str:
    """Imported text in a header: '&' starts a code there, so it is doubled; long scopes are cut."""
    text = " ".join(text.split())
    text = text if len(text) <= HEADER_LIMIT else text[: HEADER_LIMIT - 1] + "…"
    return text.replace("&", "&&")
