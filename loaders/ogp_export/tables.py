"""The export's identification and policy-area columns as the canonical member, action_plan, commitment and
commitment_tag frames (dates parsed with the raw text kept; ND/NR/NA as NULL where the column is a number)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from loaders import dates
from loaders.batch import Problem
from loaders.cells import repair_float_noise_column
from loaders.checks import ends_before_start, is_ambiguous, not_a_date
from loaders.ogp_export.columns import ID, MEMBER_TYPES, POLICY_AREAS, TOKENS
from loaders.ogp_export.context import Context
from loaders.ogp_export.validation import report_conflicts


def members(ctx: Context) -> pd.DataFrame:
    """One row per member code; rows of one member that disagree are warned about, the first row kept."""
    code = ctx.frame["Code"].str.strip()
    kinds = ctx.col("National Or Local").str.strip()
    member_type = kinds.str.casefold().map(MEMBER_TYPES)
    for i in np.flatnonzero((member_type.isna() & (kinds != "")).to_numpy()):
        ctx.problem("National, Local, Legacy Local or Other", ctx.rows[i], "National Or Local", kinds.iat[i],
                    "warning")
    frame = pd.DataFrame({
        "member_code": code, "name": ctx.frame["Country/Locality"].str.strip(),
        "member_type": member_type.astype("str"), "region": _blank_to_null(ctx.col("Region").str.strip()),
        "id_prefix": ctx.frame[ID].str.extract(r"^([A-Z]+)", expand=False), **ctx.provenance(),
    })
    for column, header in (("name", "Country/Locality"), ("region", "Region"), ("id_prefix", ID)):
        report_conflicts(ctx, code, frame[column], header, "member")
    return frame.drop_duplicates("member_code").reset_index(drop=True)


def plans(ctx: Context) -> pd.DataFrame:
    """One row per action plan id, with its number and years as whole numbers."""
    plan = ctx.frame["Action Plan ID"].str.strip()
    frame = pd.DataFrame({
        "action_plan_id": plan, "member_code": ctx.frame["Code"].str.strip(),
        "plan_number": _integers(ctx, "Action Plan Number"), "submission_year": _integers(ctx, "Year Of Submission"),
        "end_year": _integers(ctx, "Action Plan End Year"),
        "duration_years": _integers(ctx, "Action Plan Duration (Years)"), **ctx.provenance(),
    })
    for column, header in (("member_code", "Code"), ("plan_number", "Action Plan Number"),
                           ("submission_year", "Year Of Submission"), ("end_year", "Action Plan End Year")):
        report_conflicts(ctx, plan, frame[column], header, "action plan")
    return frame.drop_duplicates("action_plan_id").reset_index(drop=True)


def _integers(ctx: Context, header: str) -> pd.Series:
    """Whole numbers; ND/NR/NA and blanks become NULL, anything else is reported and becomes NULL."""
    text = ctx.col(header).str.strip()
    numbers = pd.to_numeric(text.where(text.str.fullmatch(r"-?[0-9]+(\.0+)?"), None), errors="coerce")
    odd = numbers.isna() & ~text.isin(("",) + TOKENS)
    for i in np.flatnonzero(odd.to_numpy()):
        ctx.problem("a whole number (or ND, NR, NA)", ctx.rows[i], header, text.iat[i], "warning")
    return numbers.astype("Int32")


def commitments(ctx: Context) -> pd.DataFrame:
    """One row per export row. Text columns (titles, Theme, Full Text, institutions) keep ND/NR/NA as written,
    as they keep N/A and Unclear: there the export's NA is a word ('no theme'), not a number's missing value."""
    number_raw = ctx.col("Commitment Number")
    frame = pd.DataFrame({
        "commitment_id": ctx.frame[ID], "action_plan_id": ctx.frame["Action Plan ID"].str.strip(),
        "member_code": ctx.frame["Code"].str.strip(),
        "commitment_number": _blank_to_null(repair_float_noise_column(number_raw.str.strip())),
        "commitment_number_raw": number_raw,
        "title": ctx.frame["Commitment Title"].str.strip(),
        "short_title": _blank_to_null(ctx.col("Short Title").str.strip()),
        "description": _blank_to_null(ctx.col("Full Text")),
        "theme": _blank_to_null(ctx.col("Theme").str.strip()),
        "lead_institution": _blank_to_null(ctx.col("Lead Institution")),
        "supporting_institutions": _blank_to_null(ctx.col("Supporting Institution(s)")),
        **_date_columns(ctx, "Start Date", "start_date"),
        **_date_columns(ctx, "End Date", "end_date"),
        "ogp_url": _link(ctx, "URL"),
        **ctx.provenance(),
    })
    _check_order(ctx, frame)
    _note_month_first(ctx)
    return frame


def _date_columns(ctx: Context, header: str, prefix: str) -> dict[str, pd.Series]:
    """Parse each distinct text once; NA and blanks get precision none. A date-shaped text that is no date
    (2021-02-30, 1899) stays NULL with its raw text kept, and is warned about naming the cell."""
    raw = ctx.col(header)
    parsed = {text: dates.parse_date(text) for text in raw.unique()}
    for text in (t for t, p in parsed.items() if p.precision in ("invalid", "implausible")):
        for i in np.flatnonzero((raw == text).to_numpy()):
            message = f"{not_a_date(text, parsed[text].precision)}; the text is kept, with no date"
            ctx.problems.append(ctx.located(message, i, header, text, "warning"))
    return {
        prefix: _dates(raw.map({t: p.value for t, p in parsed.items()})),
        f"{prefix}_raw": _blank_to_null(raw),
        f"{prefix}_precision": raw.map({t: p.precision for t, p in parsed.items()}).astype("str"),
    }


def _check_order(ctx: Context, frame: pd.DataFrame) -> None:
    """A commitment may not end before it starts."""
    start, end = frame["start_date"], frame["end_date"]
    for i in np.flatnonzero((start.notna() & end.notna() & (end < start)).fillna(False).to_numpy(dtype=bool)):
        ctx.problems.append(Problem(ctx.name, ends_before_start(ctx.cell(i, "End Date"), frame["end_date_raw"].iat[i],
                                                                frame["start_date_raw"].iat[i],
                                                                ctx.cell(i, "Start Date")),
                                    ctx.sheet, int(ctx.rows[i]), "End Date", frame["end_date_raw"].iat[i]))


def _note_month_first(ctx: Context) -> None:
    """01/02/2021 is 2 January in the OGP export (US month-first); say so, since a reader may think otherwise."""
    for header in ("Start Date", "End Date"):
        raw = ctx.col(header)
        ambiguous = [t for t in raw.unique() if is_ambiguous(t) and dates.parse_date(t).value]
        if not ambiguous:
            continue
        hits = raw.isin(ambiguous).to_numpy()
        first = int(np.flatnonzero(hits)[0])
        example = raw.iat[first]
        ctx.notes.append(f"{ctx.name}{ctx.in_sheet()}: {int(hits.sum())} '{header}' date(s) such as {example!r} "
                         f"({ctx.cell(first, header)}) read month-first, as the OGP export writes them: {example!r} is "
                         f"{dates.parse_date(example).value:%-d %B %Y}")


def _dates(values: pd.Series) -> pd.Series:
    """DATE, not timestamp: the writer compares row hashes, and hash(timestamp) differs from hash(date)."""
    return pd.Series(pa.array(values.astype(object).where(values.notna(), None), pa.date32()),
                     index=values.index, dtype=pd.ArrowDtype(pa.date32()))


def _blank_to_null(text: pd.Series) -> pd.Series:
    """Searching for one non-space character is cheap; stripping 20 KB cells to compare them is not."""
    return text.where(text.str.contains(r"\S", regex=True), None)


def _link(ctx: Context, header: str) -> pd.Series:
    """A link column: ND/NR/NA (and blanks) mean there is no link, stored as NULL, and noted."""
    text = ctx.col(header).str.strip()
    tokens = text.isin(TOKENS)
    if tokens.any():
        ctx.notes.append(f"{ctx.name}{ctx.in_sheet()}: {int(tokens.sum())} '{header}' cell(s) held "
                         f"{'/'.join(sorted(set(text[tokens])))}: stored as no link")
    return text.where(~(tokens | (text == "")), None)


def tags(ctx: Context) -> pd.DataFrame:
    """One row per policy-area cell that is not '0' (1, ND, NA as published)."""
    present = [h for h in POLICY_AREAS if h in ctx.frame]
    if not present:
        return pd.DataFrame()
    cells = ctx.frame[present].to_numpy()
    tagged = (cells != "0") & (cells != "")
    row_i, col_i = np.nonzero(tagged)
    values = pd.Series(cells[row_i, col_i], dtype="str").str.strip()
    for k in np.flatnonzero(~values.isin(("1", "0") + TOKENS).to_numpy()):
        ctx.problem("0, 1, ND, NR or NA", ctx.rows[row_i[k]], present[col_i[k]], values.iat[k], "warning")
    return pd.DataFrame({
        "commitment_id": ctx.frame[ID].to_numpy()[row_i], "scheme": "ogp_policy_area",
        "tag": np.asarray(present, dtype=object)[col_i], "value": values.to_numpy(),
        "source_sheet": ctx.sheet, "source_row": ctx.rows[row_i].astype("int32"),
    })


