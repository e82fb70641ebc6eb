"""Lenient date parsing for the shapes real OGP files use, keeping the raw text and a precision."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

EXCEL_EPOCH = date(1899, 12, 30)
PLAUSIBLE_YEARS = range(2000, 2041)  # OGP began in 2011; anything far outside is a data-entry artefact
MONTHS = {m: i + 1 for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"])}
MONTHS.update({m: i + 1 for i, m in enumerate(
    ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
     "noviembre", "diciembre"])})
MONTHS.update({k[:3]: v for k, v in list(MONTHS.items())})
MONTHS["sept"] = 9
ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
NO_DATE = {"", "na", "n/a", "nd", "nr", "none", "-"}


@dataclass(frozen=True)
class ParsedDate:
    """A date as written, the date it means (first day of the period), and how precise it is."""

    raw: str
    value: date | None
    # day, month, quarter, half, year; none (blank / NA); unknown (text that is no date); invalid (a date's shape,
    # but no such day: 2021-02-30, 2021-13-01); implausible (a real date outside PLAUSIBLE_YEARS: 1899, 2999)
    precision: str


def _ok(raw: str, year: int, month: int, day: int, precision: str) -> ParsedDate:
    if year < 100:
        year += 2000
    try:
        value = date(year, month, day)
    except ValueError:
        return ParsedDate(raw, None, "invalid")
    if value.year not in PLAUSIBLE_YEARS:
        return ParsedDate(raw, None, "implausible")
    return ParsedDate(raw, value, precision)


@lru_cache(maxsize=65536)
def parse_date(raw: object, *, day_first: bool = False) -> ParsedDate:
    """Parse `1/1/2018`, `8/21/20`, `2021-08-31` (with any time of day), `August 2014`, `I quarter of 2021`,
    `Quarter 4 2016`, `2013`, a half year (`2021-S1`, `H2 2021`), an Excel serial such as `43525`, or say why not
    (`Permanent activity` -> unknown).

    Slash dates are month-first, as in the OGP export, unless day_first (Spanish-language sheets).
    """
    text = "" if raw is None else str(raw).strip()
    low = text.lower()
    if low in NO_DATE:
        return ParsedDate(text, None, "none")
    if not low.isascii() and any(ch.isdigit() and not ch.isascii() for ch in low):
        return ParsedDate(text, None, "unknown")  # other scripts' digits look like 0-9 (and \d matches them)
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ t]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?", low):
        return _ok(text, int(m[1]), int(m[2]), int(m[3]), "day")
    if m := re.fullmatch(r"(\d{1,2})[/.](\d{1,2})[/.](\d{2}|\d{4})", low):
        a, b = int(m[1]), int(m[2])
        month, day = (b, a) if day_first or a > 12 else (a, b)  # 31/12/2021 can only be day-first
        return _ok(text, int(m[3]), month, day, "day")
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})", low):
        return _ok(text, int(m[1]), int(m[2]), 1, "month")
    if m := re.fullmatch(r"\d{4}", low):
        return _ok(text, int(low), 1, 1, "year")
    if m := re.fullmatch(r"(\d{5})(?:\.0+)?", low):
        serial = EXCEL_EPOCH + timedelta(days=int(m[1]))
        return _ok(text, serial.year, serial.month, serial.day, "day")
    if m := re.fullmatch(r"([a-záéíóú]+)\.?,? (?:de(?:l)? )?(\d{4})", low):
        month = MONTHS.get(m[1])
        return _ok(text, int(m[2]), month, 1, "month") if month else ParsedDate(text, None, "unknown")
    if m := re.fullmatch(r"(\d{1,2}) (?:de )?([a-záéíóú]+)\.?,? (?:de(?:l)? )?(\d{4})", low):
        month = MONTHS.get(m[2])
        return _ok(text, int(m[3]), month, int(m[1]), "day") if month else ParsedDate(text, None, "unknown")
    if m := re.fullmatch(r"(\d{4})[- ]?[sh]([12])|[sh]([12])[- ](\d{4})", low):
        half, year = (m[2], m[1]) if m[1] else (m[3], m[4])
        return _ok(text, int(year), 6 * (int(half) - 1) + 1, 1, "half")
    quarter = _quarter(low)
    if quarter:
        q, year = quarter
        return _ok(text, year, 3 * (q - 1) + 1, 1, "quarter")
    if m := re.fullmatch(r"([a-z]+) (\d{1,2}),? (\d{4})", low):
        month = MONTHS.get(m[1])
        return _ok(text, int(m[3]), month, int(m[2]), "day") if month else ParsedDate(text, None, "unknown")
    return ParsedDate(text, None, "unknown")


def _quarter(low: str) -> tuple[int, int] | None:
    patterns = (
        r"(i{1,3}|iv|[1-4])(?:st|nd|rd|th)? (?:quarter|trimestre) (?:of |de(?:l)? )?(\d{4})",
        r"(?:quarter|trimestre|q) ?(i{1,3}|iv|[1-4]),? (?:of |de(?:l)? )?(\d{4})",
        r"(\d{4})[- ]q([1-4])",
    )
    for i, pattern in enumerate(patterns):
        if m := re.fullmatch(pattern, low):
            q, year = (m[2], m[1]) if i == 2 else (m[1], m[2])
            number = ROMAN.get(q) or int(q)
            return number, int(year)
    return None


def period_end(parsed: ParsedDate) -> date | None:
    """Last day of the period a date stands for: a month's last day, a quarter's, a year's."""
    if parsed.value is None:
        return None
    v = parsed.value
    if parsed.precision == "year":
        return date(v.year, 12, 31)
    if parsed.precision in ("month", "quarter", "half"):
        months = {"month": 1, "quarter": 3, "half": 6}[parsed.precision]
        first_next = date(v.year + (v.month + months - 1) // 12, (v.month + months - 1) % 12 + 1, 1)
        return first_next - timedelta(days=1)
    return v
