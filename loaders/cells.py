"""One cell's text, the rules every loader applies to it, and their column-at-a-time forms.

- cell_text: a workbook value as the text a person sees (1.0 -> '1', dates as ISO text, never 'nan');
  text_array does the same for a whole column without a Python call per ordinary cell.
- repair_float_noise: '8.1999999999999993' -> '8.2', the short decimal Excel's 17-digit float text stands for.
- the checks every cell gets: a NUL character or more than its column's limit (100,000 characters; 1,000 for a
  title) refuses the file naming the cell; other C0 control characters (vertical tab, escape) are removed, noted.
  check_column applies them to a whole column at once (pyarrow kernels: real OGP exports have 60,000 rows).
"""
from __future__ import annotations

import operator
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import repeat

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

MAX_CELL_CHARS = 100_000
TITLE_CHARS = 1_000
C0_CONTROLS_PATTERN = r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]"  # NUL is refused, tab, LF and CR are text
C0_CONTROLS = re.compile(C0_CONTROLS_PATTERN)
ANY_CONTROL_PATTERN = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
CONTROL_BYTES = bytes(range(0x09)) + b"\x0b\x0c" + bytes(range(0x0e, 0x20)) + b"\x7f"  # the same, as UTF-8 bytes
ODD_CELLS = (bool, date, time, timedelta, type(None))  # values whose str() is not the text a person sees
DECIMAL = re.compile(r"-?\d+\.\d+")
WHOLE_FLOAT = r"^-?(0)\.0$|^(-?[1-9]\d*)\.0$"  # '12.0' -> '12', '-0.0' -> '0': _float_text for a column (RE2)
NOISE_DIGITS = 16  # Excel and Google Sheets write a float with 17 significant digits; typed decimals have far fewer
SHORT_DIGITS = 15  # ...and a typed decimal survives a double exactly up to 15


def cell_text(value: object) -> str:
    """The text a person sees: 1.0 -> '1', dates as ISO so loaders.dates reads them, never 'nan'."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return _float_text(repr(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value)


def _float_text(shown: str) -> str:
    """repr() of a float without a whole number's '.0' (repr switches to 1e+16 where digits would be invented)."""
    if shown == "-0.0":
        return "0"
    return shown[:-2] if shown.endswith(".0") else shown


def text_array(values: tuple[object, ...] | list[object]) -> pa.Array:
    """cell_text of every value in a column, as one Arrow array; per-cell Python only for dates, booleans, blanks."""
    try:
        return pa.array(values, pa.string()).fill_null("")
    except (pa.ArrowTypeError, pa.ArrowInvalid):
        pass
    n = len(values)
    kinds = list(map(type, values))  # one pass over the (cache-cold) cells; later passes touch only type objects
    texts = pa.array(list(map(str, values)), pa.string())  # str(float) is repr(float)
    if float in kinds:
        floats = np.fromiter(map(operator.is_, kinds, repeat(float)), bool, n)
        texts = pc.if_else(floats, pc.replace_substring_regex(texts, WHOLE_FLOAT, r"\1\2"), texts)
    if set(kinds) - {str, float, int}:
        odd = np.fromiter(map(issubclass, kinds, repeat(ODD_CELLS)), bool, n)
        cells = texts.to_numpy(zero_copy_only=False)
        cells[odd] = [cell_text(v) for v in np.fromiter(values, object, n)[odd]]
        texts = pa.array(cells, pa.string())
    return texts


def _significant(digits: str) -> int:
    return len(digits.lstrip("-").replace(".", "").lstrip("0"))


def repair_float_noise(text: str) -> str:
    """'2.2999999999999998' -> '2.3': text of 16-17 significant digits whose double is a decimal of at most 15.

    The double is the same number either way, so nothing is lost; any other text comes back as written.
    """
    if len(text) <= NOISE_DIGITS or not DECIMAL.fullmatch(text) or _significant(text) < NOISE_DIGITS:
        return text
    short = repr(float(text))
    return short if "e" not in short and _significant(short) <= SHORT_DIGITS else text


def repair_float_noise_column(text: pd.Series) -> pd.Series:
    """repair_float_noise of each cell, computed once per distinct candidate."""
    candidates = (text.str.len() > NOISE_DIGITS).fillna(False).to_numpy(dtype=bool)
    if not candidates.any():
        return text
    repaired = text.copy()
    repaired[candidates] = [repair_float_noise(v) for v in text[candidates]]
    return repaired


# ---------------------------------------------------------------- the checks every cell gets


def nul_message(ref: str) -> str:
    return f"cell {ref} contains a NUL character; remove it"


def nul_shown(value: str) -> str:
    return value.replace("\x00", "\\x00")


def length_message(ref: str, length: int, limit: int) -> str:
    return f"cell {ref} has {length:,} characters; the limit is {limit:,}"


def controls_note(where: str, count: int) -> str:
    return f"{where}: removed {count} control character(s)"


@dataclass
class ColumnCheck:
    """check_column's findings: the column without control characters, and the cells that refuse the file."""

    cells: pa.Array | pa.ChunkedArray
    nul: np.ndarray  # positions of cells holding a NUL
    too_long: np.ndarray  # positions of cells over the limit
    lengths: np.ndarray  # their lengths
    removed: int  # control characters removed


def has_control_bytes(text: bytes) -> bool:
    """Whether UTF-8 text holds any NUL or control character (one pass in C; the column checks can be skipped)."""
    return len(text.translate(None, CONTROL_BYTES)) != len(text)


def check_column(cells: pa.Array | pa.ChunkedArray, limit: int = MAX_CELL_CHARS, *,
                 controls: bool = True) -> ColumnCheck:
    """The cell checks over a whole column of text, with Arrow kernels. Most columns are clean: one regex pass
    finds any NUL or control character (skipped when the caller knows there are none: controls=False), and byte
    lengths (free in Arrow) clear the limit; the detailed kernels run only for a column that fails them."""
    nothing = np.array([], dtype=np.int64)
    too_long, lengths = nothing, nothing
    if len(cells) and (pc.max(pc.binary_length(cells)).as_py() or 0) > limit:  # bytes >= characters
        counts = pc.utf8_length(cells)
        too_long = np.flatnonzero(pc.fill_null(pc.greater(counts, limit), False).to_numpy(zero_copy_only=False))
        lengths = np.asarray(counts.to_numpy(zero_copy_only=False))[too_long]
    if not controls or not len(cells) or not pc.any(pc.match_substring_regex(cells, ANY_CONTROL_PATTERN)).as_py():
        return ColumnCheck(cells, nothing, too_long, lengths, 0)
    nul = np.flatnonzero(pc.fill_null(pc.match_substring(cells, "\x00"), False).to_numpy(zero_copy_only=False))
    cleaned = pc.replace_substring_regex(cells, C0_CONTROLS_PATTERN, "")
    removed = pc.sum(pc.subtract(pc.utf8_length(cells), pc.utf8_length(cleaned))).as_py() or 0
    return ColumnCheck(cleaned, nul, too_long, lengths, int(removed))
