"""The header row: each header to its published spelling, and the missing, unknown and repeated ones."""
from __future__ import annotations

import pandas as pd

from loaders.batch import Problem
from loaders.ogp_export.columns import CANONICAL, REQUIRED, header_key
from loaders.ogp_export.reader import TextTable
from loaders.xlsx_scan import column_letter


def canonical(sheet: TextTable, name: str) -> tuple[pd.DataFrame, list[Problem]]:
    """Rename headers to their published spelling; report missing, unknown and repeated ones."""
    def at(expected: str, column: str, severity: str = "error") -> Problem:
        return Problem(name, expected, sheet.sheet, sheet.header_row, column, column, severity)

    problems, seen = [], set()
    for header in (h for h in sheet.headers if h.strip()):
        published = CANONICAL.get(header_key(header), header.strip())
        if published in seen:
            problems.append(at(f"each column once; '{published}' appears twice in the header row", published))
        elif header_key(header) not in CANONICAL:
            problems.append(at("a column of the OGP commitment export; this one is not imported", published,
                               "warning"))
        seen.add(published)
    frame = sheet.frame.set_axis([CANONICAL.get(header_key(h), h.strip()) for h in sheet.frame.columns], axis=1)
    frame = frame.loc[:, ~frame.columns.duplicated()]
    for column in REQUIRED:
        if column not in seen:
            problems.append(Problem(name, f"a column '{column}' in the header row (row {sheet.header_row}); "
                                          "it is required", sheet.sheet, sheet.header_row, column, None))
    return frame, problems



def letters(sheet: TextTable) -> dict[str, str]:
    """Published header -> the column letter it has in the file (the first, when a header repeats)."""
    found: dict[str, str] = {}
    for i, header in enumerate(sheet.headers):
        found.setdefault(CANONICAL.get(header_key(header), header.strip()), column_letter(i))
    return found
