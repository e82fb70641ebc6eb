"""Row-level validation shared by the format loaders: required values, ids, dates, numbers, duplicates.

A Checker collects every problem with its exact location; it never stops at the first one.
"""
from __future__ import annotations

import re
from collections import defaultdict

import pandas as pd

from loaders.batch import Problem
from loaders.dates import PLAUSIBLE_YEARS, ParsedDate, parse_date
from loaders.reading import Sheet
from vocabulary import scales

INVISIBLE = re.compile(r"[\s\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
SLASH_DATE = re.compile(r"(\d{1,2})[/.](\d{1,2})[/.](\d{2}|\d{4})")
DECIMAL = re.compile(r"[-+]?[0-9]+(?:\.[0-9]+)?")  # [0-9], not \d: \d also matches other scripts' digits
DECIMAL_COMMA = re.compile(r"[-+]?[0-9]+,[0-9]+")
THOUSANDS = re.compile(r"[-+]?[1-9][0-9]{0,2}(?:,[0-9]{3})+")  # 1,000 and 12,500,000: a comma that may group digits
BAD_DATE = ("unknown", "invalid", "implausible")
DATE_HELP = "write it as YYYY-MM-DD (2021-12-31), a month (2021-12), a quarter (Q4 2021) or a year (2021)"


class Checker:
    """Validates one sheet's cells and remembers every problem, located by file, sheet, row and column."""

    def __init__(self, sheet: Sheet):
        self.sheet = sheet
        self.problems: list[Problem] = []

    def error(self, row: int, column: str | None, expected: str, value: str | None = None) -> None:
        self.problems.append(self.sheet.problem(row, column, expected, value))

    def has(self, column: str) -> bool:
        return column in self.sheet.headers

    def where(self, row: int, column: str) -> str:
        return f"cell {self.sheet.cell_ref(row, column)}" if column in self.sheet.letters else f"column {column}"

    def required(self, row: int, record: dict[str, str], column: str) -> str:
        value = record.get(column, "")
        if not value:
            self.error(row, column, f"{self.where(row, column)} is empty; a value is required", value)
        return value

    def identifier(self, row: int, record: dict[str, str], column: str, *, required: bool = True) -> str:
        value = self.required(row, record, column) if required else record.get(column, "")
        if value and INVISIBLE.search(value):
            self.error(row, column, f"{self.where(row, column)}: an id cannot contain spaces or invisible "
                                    "characters", value)
        return value

    def date(self, row: int, record: dict[str, str], column: str, *, required: bool = False) -> ParsedDate:
        raw = record.get(column, "")
        parsed = parse_date(raw, day_first=self.sheet.language == "es")
        if required and not raw:
            self.error(row, column, f"{self.where(row, column)} is empty; a date is required", raw)
        elif is_ambiguous(raw) and self.sheet.language != "es":
            self.error(row, column, f"{self.where(row, column)}: {raw!r} could be day/month or month/day; "
                                    f"{DATE_HELP}", raw)
        elif parsed.precision in BAD_DATE:
            self.error(row, column, f"{self.where(row, column)}: {raw!r} is not a valid date; {DATE_HELP}", raw)
        return parsed

    def order(self, row: int, start: tuple[str, ParsedDate], end: tuple[str, ParsedDate]) -> None:
        """The end date may not come before the start date."""
        (start_col, first), (end_col, last) = start, end
        if first.value and last.value and last.value < first.value:
            self.error(row, end_col, ends_before_start(self.where(row, end_col), last.raw, first.raw,
                                                       self.where(row, start_col)), last.raw)

    def number(self, row: int, record: dict[str, str], column: str, low: float, high: float) -> float | None:
        raw = record.get(column, "").rstrip("%").strip()
        if not raw:
            return None
        value, why_not = read_number(raw)
        if value is None:
            self.error(row, column, f"{self.where(row, column)}: {why_not}", raw)
            return None
        if not low <= value <= high:
            self.error(row, column, f"{self.where(row, column)}: {raw} is outside {low:g}-{high:g}", raw)
            return None
        return value

    def choice(self, row: int, record: dict[str, str], column: str, options: dict[str, str]) -> str | None:
        """A value from a closed list; options maps folded spellings to the canonical value."""
        raw = record.get(column, "")
        found = options.get(scales.fold(raw).replace("_", " "))
        if raw and found is None:
            allowed = ", ".join(sorted(set(options.values())))
            self.error(row, column, f"{self.where(row, column)}: unknown value {raw!r}; allowed: {allowed}", raw)
        return found

    def unique(self, keys: list[tuple[int, str]], column: str, what: str) -> None:
        """Every key once; duplicates are reported with all their rows."""
        rows = defaultdict(list)
        for row, key in keys:
            if key:
                rows[key].append(row)
        for key, found in rows.items():
            if len(found) > 1:
                listed = ", ".join(str(r) for r in found)
                self.error(found[1], column, f"{what} {key!r} appears more than once (rows {listed}); each must "
                                             "be unique", key)


def read_number(raw: str) -> tuple[float | None, str | None]:
    """(the number, None) or (None, why not). A decimal comma is read only where it cannot be a thousands
    separator: '1,5' is 1.5, but '1,000' could be 1000 or 1.0 and is refused saying so."""
    if DECIMAL.fullmatch(raw):
        return float(raw), None
    if THOUSANDS.fullmatch(raw):
        return None, (f"{raw!r} could be {raw.replace(',', '')} (a thousands separator) or {raw.replace(',', '.')} "
                      "(a decimal comma); write it without a thousands separator, with a point for decimals")
    if DECIMAL_COMMA.fullmatch(raw):
        return float(raw.replace(",", ".")), None
    return None, f"{raw!r} is not a number"


def ends_before_start(end_where: str, end_raw: str, start_raw: str, start_where: str) -> str:
    return f"{end_where}: ends ({end_raw}) before it starts ({start_raw}, {start_where})"


def not_a_date(raw: str, precision: str) -> str:
    """Why a date-shaped text gives no date: no such day, or a year no OGP plan has."""
    if precision == "implausible":
        return f"{raw!r} is a date outside {PLAUSIBLE_YEARS.start}-{PLAUSIBLE_YEARS.stop - 1}, surely a typing slip"
    return f"{raw!r} is not a date (no such day or month)"


def is_ambiguous(raw: str) -> bool:
    """01/02/2019 reads as 1 February or 2 January; 31/12/2021 and 01/01/2019 do not."""
    m = SLASH_DATE.fullmatch(raw.strip())
    return bool(m) and int(m[1]) <= 12 and int(m[2]) <= 12 and int(m[1]) != int(m[2])


def options(mapping: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """{'government': ('gobierno', ...)} -> folded spelling -> canonical value."""
    table = {}
    for canonical, spellings in mapping.items():
        for spelling in (canonical, *spellings):
            table[scales.fold(spelling).replace("_", " ")] = canonical
    return table


def frame(records: list[dict], columns: list[str]) -> pd.DataFrame:
    """A table for the writer, with exactly these columns (object dtype keeps None as NULL)."""
    return pd.DataFrame(records, columns=columns, dtype=object)


def provenance(sheet: Sheet, row: int) -> dict[str, object]:
    return {"source_sheet": sheet.name, "source_row": row}
