"""Safe downloads of any table: CSV (UTF-8 with BOM, quote-prefixed formulas) and a one-sheet xlsx.

Pages call these for "download this table"; the meeting pack's tables go through the same functions
when exported one at a time (`python -m monitor export --format csv`).
"""
from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
from openpyxl import Workbook

from monitor.export import safe
from monitor.export.body import splice, style_ids
from monitor.export.frames import DATE, DATETIME, INT, NUMBER, URL, Table, is_missing
from monitor.export.sheet import write_table
from monitor.i18n import catalogue, t

CSV_MIME = "text/csv"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def readable(df: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Headers a person reads: a known column name (commitment_id, due_date...) becomes its label;
    a header that is already words is left as it is."""
    known = catalogue("en")
    return df.rename(columns={c: t(f"export.col.{c}", lang) for c in df.columns if f"export.col.{c}" in known})


def csv_bytes(df: pd.DataFrame, lang: str = "en", *, readable_headers: bool = True) -> bytes:
    """RFC 4180 CSV, UTF-8 with a BOM (Excel then reads accents right); no cell can run as a formula.

    Cells are made a column at a time (row-by-row conversion cost more than the query on long lists).
    `readable_headers=False` keeps the column names as they are (the API's stable field names)."""
    frame = readable(df, lang) if readable_headers else df
    return _document(list(frame.columns), zip(*(_csv_column(values) for _, values in frame.items())))


def records_csv(items: list[dict], columns: list[str]) -> bytes:
    """JSON-ready records (the API's lists: text, numbers, lists, None) as the same safe CSV, with no frame in
    between: their values need no conversion but the cell rules of _csv_value."""
    cells = ([v if type(v) is str else "" if v is None else _csv_value(v) for v in (item.get(c) for item in items)]
             for c in columns)  # a column at a time: most cells are text or None, which need no rule
    return _document(columns, zip(*(safe.csv_texts(column) for column in cells)))


def _document(columns: list, rows) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([safe.csv_text(str(c)) for c in columns])
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _csv_column(values: pd.Series) -> list[str]:
    """One column's cells, each safe: a date or time column formatted by numpy at once, whole numbers at once,
    text and anything else cell by cell."""
    kind = values.dtype.kind if isinstance(values.dtype, np.dtype) else ""
    if kind == "M":
        stamps = values.to_numpy()
        if np.datetime_data(stamps.dtype)[0] != "ns" or not (stamps[~np.isnat(stamps)].view("int64") % 1000).any():
            return _csv_stamps(stamps.astype("datetime64[us]"))
    if kind in ("i", "u"):
        return safe.csv_texts([str(v) for v in values.tolist()])
    return safe.csv_texts([v if type(v) is str else _csv_value(v) for v in values.tolist()])


def _csv_stamps(stamps: np.ndarray) -> list[str]:
    """As _csv_value writes a Timestamp: the date alone at midnight, else date, time and any microseconds."""
    missing = np.isnat(stamps).tolist()
    day = (stamps.view("int64") % 86_400_000_000 == 0).tolist()
    text = np.datetime_as_string(stamps, unit="us").tolist()
    return ["" if gap else x[:10] if is_day else f"{x[:10]} {x[11:19] if x.endswith('.000000') else x[11:]}"
            for x, gap, is_day in zip(text, missing, day)]


def _csv_value(value) -> str:
    """Dates as ISO dates, lists joined, missing as empty: what a reader expects in a cell."""
    if is_missing(value):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat() if value == value.normalize() else value.isoformat(sep=" ")
    if isinstance(value, (list, tuple)) or getattr(value, "ndim", 0):
        return "; ".join(map(str, value))
    return str(value)


def table_csv(table: Table) -> bytes:
    """A pack table as CSV: its frame already has readable headers and words."""
    return csv_bytes(table.frame)


def xlsx_bytes(df: pd.DataFrame, lang: str = "en", sheet: str = "Data") -> bytes:
    """One styled, safe sheet of any DataFrame: readable headers, dates as dates, links only for http(s)."""
    frame = readable(df, lang)
    table = Table("download", frame, {h: _kind(frame[h], h) for h in frame.columns})
    wb = Workbook()
    ws = wb.active
    ws.title = safe.strip_controls(sheet)[0][:31] or "Data"
    body = write_table(ws, table, safe.Report(), lang, style_ids(wb), freeze="A2")
    buffer = io.BytesIO()
    wb.save(buffer)
    return splice(buffer.getvalue(), {1: body})


def _kind(values: pd.Series, header: str) -> str:
    if pd.api.types.is_datetime64_any_dtype(values):
        is_day = values.dropna().eq(values.dropna().dt.normalize()).all()
        return DATE if is_day else DATETIME
    if pd.api.types.is_integer_dtype(values):
        return INT
    if pd.api.types.is_float_dtype(values):
        return NUMBER
    sample = values.dropna().astype(str).head(50)
    return URL if len(sample) and sample.str.match(r"https?://").all() else ""
