"""The export boundary: imported text leaves the monitor as inert text, never a formula.

Sanitising happens here, at the moment of writing, not in the database: the stored text stays exactly
as published, and every writer (xlsx, CSV) applies the rule for its own format (OWASP ASVS 1.2.10:
a leading = + - @ tab or NUL is neutralised). Which text may become a link is vocabulary/links.py's rule,
the same as the dashboard's.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

# A spreadsheet reads a cell that starts with one of these as a formula (or as the start of one).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0")
EXCEL_CELL_LIMIT = 32_767
# What openpyxl refuses (openpyxl.cell.cell.ILLEGAL_CHARACTERS_RE): C0 controls except tab, LF, CR.
ILLEGAL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass
class Report:
    """What the boundary changed, so the Summary can say so instead of changing text silently."""

    removed_controls: int = 0      # cells that lost control characters
    truncated: int = 0             # cells cut to Excel's limit
    neutralised: int = 0           # cells forced to text because they looked like formulas
    examples: dict[str, list[str]] = field(default_factory=dict)  # a few cell addresses per kind

    def note(self, kind: str, where: str) -> None:
        setattr(self, kind, getattr(self, kind) + 1)
        shown = self.examples.setdefault(kind, [])
        if len(shown) < 3:
            shown.append(where)


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def strip_controls(text: str) -> tuple[str, bool]:
    """Remove the control characters Excel's XML cannot hold; True when any were removed."""
    cleaned = ILLEGAL_CHARACTERS.sub("", text)
    return cleaned, len(cleaned) != len(text)


def fit_cell(text: str, marker: str) -> tuple[str, bool]:
    """Keep text whole within Excel's cell limit, else cut it and say so visibly at the end.

    `marker` is a format string with {count}: the number of characters removed.
    """
    if len(text) <= EXCEL_CELL_LIMIT:
        return text, False
    note = " " + marker.format(count=f"{len(text):,}")
    return text[: EXCEL_CELL_LIMIT - len(note)] + note, True


def csv_text(text: str) -> str:
    """OWASP ASVS 1.2.10: a cell that a spreadsheet would evaluate gets a leading single quote."""
    return "'" + text if looks_like_formula(text) else text


def csv_texts(texts: list[str]) -> list[str]:
    """csv_text of a whole column, in one pass."""
    return ["'" + text if text.startswith(FORMULA_STARTS) else text for text in texts]
