"""Checks across an export's rows: commitment ids, required cells, and members or plans that disagree."""
from __future__ import annotations

import numpy as np
import pandas as pd

from loaders.batch import Problem
from loaders.ogp_export.columns import ID, ID_PATTERN, REQUIRED
from loaders.ogp_export.context import Context


def check_ids(ctx: Context) -> list[Problem]:
    raw = ctx.frame[ID]
    ids = raw.str.strip()
    if (ids != raw).any():
        ctx.notes.append(f"{ctx.name}: spaces around {int((ids != raw).sum())} commitment ids were removed")
    ctx.frame[ID] = ids
    problems = [Problem(ctx.name, "a commitment id such as AL0050 or BUE0009 (2-3 capital letters, 4 digits)",
                        ctx.sheet, int(ctx.rows[i]), ID, ids.iat[i])
                for i in np.flatnonzero(~ids.str.fullmatch(ID_PATTERN).to_numpy(dtype=bool))]
    dup = ids.duplicated(keep=False).to_numpy() & (ids != "").to_numpy()
    first = pd.Series(ctx.rows, index=ids.index).groupby(ids).transform("min").to_numpy()
    for i in np.flatnonzero(dup & (ctx.rows != first)):
        problems.append(Problem(ctx.name, f"each commitment id once; {ids.iat[i]} is also on row {first[i]}",
                                ctx.sheet, int(ctx.rows[i]), ID, ids.iat[i]))
    return problems


def check_required_cells(ctx: Context) -> list[Problem]:
    problems = []
    for column in REQUIRED[1:]:
        blank = ctx.frame[column].str.strip() == ""
        problems += [Problem(ctx.name, f"a value in '{column}'; it is required", ctx.sheet, int(ctx.rows[i]),
                             column, "") for i in np.flatnonzero(blank.to_numpy())]
    return problems


def report_conflicts(ctx: Context, keys: pd.Series, values: pd.Series, column: str, what: str) -> None:
    """Warn when rows of one member or plan disagree; the first row's value is kept."""
    pairs = pd.DataFrame({"key": keys, "value": values, "row": ctx.rows}).drop_duplicates(["key", "value"])
    clashing = pairs[pairs.duplicated("key", keep=False)]
    for key, group in clashing.groupby("key", sort=False):
        kept = group.iloc[0]
        for _, other in group.iloc[1:].iterrows():
            ctx.problem(f"the same {column} on every row of {what} {key}; row {kept['row']} has "
                        f"{kept['value']!r}, which is kept", other["row"], column, other["value"], "warning")

