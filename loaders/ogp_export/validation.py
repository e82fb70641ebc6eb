"""Checks across an export's rows: commitment ids, required cells, and members or plans that disagree."""
from __future__ import annotations

import numpy as np
import pandas as pd

from loaders import ids
from loaders.batch import Problem
from loaders.ogp_export.columns import ID, ID_PATTERN, REQUIRED
from loaders.ogp_export.context import Context

ID_KINDS = {ID: "commitment", "Code": "member", "Action Plan ID": "action plan"}


def check_ids(ctx: Context) -> list[Problem]:
    """Commitment ids, member codes and plan ids in canonical form (loaders.ids); each commitment id once."""
    raw = ctx.frame[ID]
    stripped = raw.str.strip()
    if (stripped != raw).any():
        ctx.notes.append(f"{ctx.name}: spaces around {int((stripped != raw).sum())} commitment ids were removed")
    ctx.frame[ID] = stripped
    problems: list[Problem] = []
    for header, kind in ID_KINDS.items():
        problems += _canonical_ids(ctx, header, kind)
    values = ctx.frame[ID]
    foreign = {p.row for p in problems if p.column == ID}
    problems += [Problem(ctx.name, "a commitment id such as AL0050 or BUE0009 (2-3 capital letters, 4 digits)",
                         ctx.sheet, int(ctx.rows[i]), ID, stripped.iat[i])
                 for i in np.flatnonzero(~values.str.fullmatch(ID_PATTERN).to_numpy(dtype=bool))
                 if int(ctx.rows[i]) not in foreign]
    dup = values.duplicated(keep=False).to_numpy() & (values != "").to_numpy()
    first = pd.Series(ctx.rows, index=values.index).groupby(values).transform("min").to_numpy()
    for i in np.flatnonzero(dup & (ctx.rows != first)):
        problems.append(Problem(ctx.name, f"each commitment id once; {values.iat[i]} is also on row {first[i]}",
                                ctx.sheet, int(ctx.rows[i]), ID, values.iat[i]))
    return problems


def _canonical_ids(ctx: Context, header: str, kind: str) -> list[Problem]:
    """One column's ids in canonical form, computed per distinct spelling; look-alikes refused, naming both."""
    raw = ctx.frame[header].str.strip()
    odd = [u for u in raw.unique() if not u.isascii() or ids.canonical_id(u) != u]
    if not odd:  # every spelling is canonical, so no two spellings can fold to one id
        ctx.frame[header] = raw
        return []
    canonical = {u: ids.canonical_id(u) for u in raw.unique()}
    problems = []
    for spelling in (u for u, c in canonical.items() if ids.foreign_digits(c)):
        message = ids.foreign_digits_message(kind, spelling, ids.foreign_digits(canonical[spelling]))
        problems += [ctx.located(message, i, header, spelling) for i in np.flatnonzero((raw == spelling).to_numpy())]
    firsts = pd.DataFrame({"raw": raw, "canonical": raw.map(canonical), "i": np.arange(len(raw))})
    firsts = firsts[firsts.raw != ""].drop_duplicates("raw")
    for _, group in firsts[firsts.duplicated("canonical", keep=False)].groupby("canonical", sort=False):
        earlier = ids.Spelling(group.raw.iat[0], ctx.cell(int(group.i.iat[0]), header))
        for spelling in group.raw.iloc[1:]:
            problems += [ctx.located(ids.clash_message(kind, spelling, earlier), i, header, spelling)
                         for i in np.flatnonzero((raw == spelling).to_numpy())]
    changed = [u for u, c in canonical.items() if c != u and u]
    if changed:
        count = int(raw.isin(changed).sum())
        ctx.notes.append(ids.folded_note(ctx.name + ctx.in_sheet(), kind, count, changed[0], canonical[changed[0]]))
    ctx.frame[header] = raw.map(canonical)
    return problems


def check_required_cells(ctx: Context) -> list[Problem]:
    problems = []
    for column in REQUIRED[1:]:
        blank = ctx.frame[column].str.strip() == ""
        problems += [Problem(ctx.name, f"a value in '{column}'; it is required", ctx.sheet, int(ctx.rows[i]),
                             column, "") for i in np.flatnonzero(blank.to_numpy())]
    return problems


def report_conflicts(ctx: Context, keys: pd.Series, values: pd.Series, column: str, what: str) -> None:
    """Warn when rows of one member or plan disagree; the first row's value is kept. An empty cell shows as ''
    (never 'nan' or '<NA>')."""
    text = values.astype("string").fillna("")
    pairs = pd.DataFrame({"key": keys, "value": text, "row": ctx.rows}).drop_duplicates(["key", "value"])
    clashing = pairs[pairs.duplicated("key", keep=False)]
    for key, group in clashing.groupby("key", sort=False):
        kept = group.iloc[0]
        for _, other in group.iloc[1:].iterrows():
            ctx.problem(f"the same {column} on every row of {what} {key}; row {kept['row']} has "
                        f"{kept['value']!r}, which is kept", other["row"], column, other["value"], "warning")

