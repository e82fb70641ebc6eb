"""One export's cells with their spreadsheet row numbers, and the problems found while mapping them."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from loaders.batch import Problem


def shown(value: object) -> str | None:
    """A cell's value for a Problem: an empty cell (None, NaN, <NA>) shows as '', never as 'nan'."""
    if value is None:
        return None
    return "" if pd.isna(value) else str(value)


@dataclass
class Context:
    """One file's cells with their row numbers, plus the problems found while mapping them."""

    name: str
    sheet: str | None
    frame: pd.DataFrame
    rows: np.ndarray
    letters: dict[str, str] = field(default_factory=dict)  # published header -> its column letter
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def problem(self, expected: str, row: int | None, column: str | None, value: object,
                severity: str = "error") -> None:
        self.problems.append(Problem(self.name, expected, self.sheet, None if row is None else int(row), column,
                                     shown(value), severity))

    def cell(self, i: int, header: str) -> str:
        """'cell C5' for the i-th data row (0-based) of a column, or 'row 5' when the column has no letter."""
        letter = self.letters.get(header)
        return f"cell {letter}{self.rows[i]}" if letter else f"row {self.rows[i]}"

    def located(self, expected: str, i: int, header: str, value: object, severity: str = "error") -> Problem:
        """A problem in the i-th data row's cell of header; its text starts with where the cell is."""
        return Problem(self.name, f"{self.cell(i, header)}: {expected}", self.sheet, int(self.rows[i]), header,
                       shown(value), severity)

    def in_sheet(self) -> str:
        return f", sheet '{self.sheet}'" if self.sheet else ""

    def col(self, header: str) -> pd.Series:
        return self.frame[header] if header in self.frame else pd.Series("", index=self.frame.index, dtype="str")

    def provenance(self) -> dict[str, object]:
        return {"source_sheet": self.sheet, "source_row": self.rows.astype("int32")}

