"""One export's cells with their spreadsheet row numbers, and the problems found while mapping them."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from loaders.batch import Problem


@dataclass
class Context:
    """One file's cells with their row numbers, plus the problems found while mapping them."""

    name: str
    sheet: str | None
    frame: pd.DataFrame
    rows: np.ndarray
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def problem(self, expected: str, row: int | None, column: str | None, value: object,
                severity: str = "error") -> None:
        self.problems.append(Problem(self.name, expected, self.sheet, None if row is None else int(row), column,
                                     None if value is None else str(value), severity))

    def col(self, header: str) -> pd.Series:
        return self.frame[header] if header in self.frame else pd.Series("", index=self.frame.index, dtype="str")

    def provenance(self) -> dict[str, object]:
        return {"source_sheet": self.sheet, "source_row": self.rows.astype("int32")}

