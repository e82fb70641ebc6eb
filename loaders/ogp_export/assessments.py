"""Every IRM indicator column melted into assessment rows, one per non-empty cell.

A label column and its `_` code column become one row (value_raw = the label, value_numeric = the code);
the two `Report Publication Year` columns are not ratings: they name the report of the ratings beside them.
The work is done with pyarrow kernels, each distinct value mapped once.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from loaders import dates
from loaders.batch import stable_ids
from loaders.cells import repair_float_noise
from loaders.ogp_export.columns import (
    ID,
    INDICATORS,
    LEGACY,
    PLAN_RESULTS,
    REFRESH,
    REPORTS,
    STAGE_YEAR,
    TOKENS,
    Indicator,
)
from loaders.ogp_export.context import Context
from vocabulary import scales

CODE_NUMBER = re.compile(r"\s*-?[0-9]+(\.[0-9]+)?\s*")  # a `_` code column's number: 3, -1, 0.5

ASSESSMENT_COLUMNS = (
    "assessment_id", "subject_type", "subject_id", "indicator", "qualifier", "assessor", "report", "methodology",
    "scale_id", "value_raw", "value_code", "value_numeric", "band", "missing_reason", "as_of",
    "source_sheet", "source_row", "source_column",
)


def assessments(ctx: Context) -> pd.DataFrame:
    """Melt every IRM indicator column into rows, one per non-empty cell."""
    refreshed = ~ctx.col(PLAN_RESULTS).str.strip().isin(("", "ND")).to_numpy()
    reports = {stage: _reports(ctx, stage, refreshed) for stage in STAGE_YEAR}
    parts = [_melt(ctx, spec, refreshed, reports[spec.stage]) for spec in INDICATORS if spec.header in ctx.frame]
    if not parts:
        return pd.DataFrame(columns=list(ASSESSMENT_COLUMNS))
    table = pa.concat_tables(parts)
    # The key leaves out the publication year: a later export that replaces NR with a year updates the row.
    keyed = table.set_column(table.schema.get_field_index("report"), "report",
                             pc.replace_substring_regex(table.column("report"), r" \d{4}$", ""))
    ids = stable_ids(keyed, ("subject_type", "subject_id", "indicator", "qualifier", "assessor", "report"))
    table = table.add_column(0, "assessment_id", ids).select(list(ASSESSMENT_COLUMNS))
    return table.to_pandas(types_mapper={pa.date32(): pd.ArrowDtype(pa.date32())}.get)


def _reports(ctx: Context, stage: str, refreshed: np.ndarray) -> tuple[pa.Array, pa.Array]:
    """Report name (with its publication year, not part of the row's key) and as_of (only a full date)."""
    header = STAGE_YEAR[stage]
    raw = ctx.col(header).str.strip()
    parsed = {text: dates.parse_date(text) for text in raw.unique()}
    for text, p in parsed.items():
        if p.value is None and text not in ("",) + TOKENS:
            for i in np.flatnonzero((raw == text).to_numpy()):
                ctx.problem("a publication year such as 2017 (or ND, NR, NA)", ctx.rows[i], header, text, "warning")
    cells = _arrow(raw)
    year = _lookup(cells, {t: f" {p.value.year}" if p.value else "" for t, p in parsed.items()})
    base = pc.if_else(pa.array(refreshed), REPORTS[(stage, True)], REPORTS[(stage, False)])
    as_of = _lookup(cells, {t: p.value if p.precision == "day" else None for t, p in parsed.items()}, pa.date32())
    return pc.binary_join_element_wise(base, year, ""), as_of


def _melt(ctx: Context, spec: Indicator, refreshed: np.ndarray, reports: tuple[pa.Array, pa.Array]) -> pa.Table:
    cells = _arrow(ctx.frame[spec.header])
    keep = pc.not_equal(cells, "")
    raw = cells.filter(keep)
    uniques = pc.unique(raw).to_pylist()
    codes = {u: _value_code(spec, u) for u in uniques}
    missing = {u: None if codes[u] else scales.missing_reason(u) for u in uniques}
    unknown = [u for u in uniques if spec.scale_id and not codes[u] and not missing[u]]
    if unknown:
        _report_unknown_labels(ctx, spec, cells, unknown)
    n, row_refreshed = len(raw), pa.array(refreshed).filter(keep)
    if spec.methodology is None:
        methodology = pc.if_else(row_refreshed, REFRESH, LEGACY)
    else:
        methodology = _repeat(spec.methodology, n)
    if spec.refresh_qualifier:
        qualifier = pc.if_else(row_refreshed, spec.refresh_qualifier, spec.qualifier)
    else:
        qualifier = _repeat(spec.qualifier, n)
    return pa.table({
        "subject_type": _repeat("commitment", n), "subject_id": _arrow(ctx.frame[ID]).filter(keep),
        "indicator": _repeat(spec.indicator, n), "qualifier": qualifier, "assessor": _repeat("irm", n),
        "report": reports[0].filter(keep), "methodology": methodology, "scale_id": _repeat(spec.scale_id, n),
        "value_raw": raw, "value_code": _lookup(raw, codes),
        "value_numeric": _code_numbers(ctx, spec, cells).filter(keep),
        "band": _lookup(raw, {u: scales.band(spec.scale_id, c) if spec.scale_id else None for u, c in codes.items()}),
        "missing_reason": _lookup(raw, missing), "as_of": reports[1].filter(keep),
        "source_sheet": _repeat(ctx.sheet, n), "source_row": pa.array(ctx.rows.astype("int32")).filter(keep),
        "source_column": _repeat(spec.header, n),
    })


def _arrow(series: pd.Series) -> pa.Array:
    return pa.array(series, pa.string())


def _repeat(value: str | None, n: int) -> pa.Array:
    return pa.repeat(pa.scalar(value, pa.string()), n)


def _lookup(cells: pa.Array, mapping: dict[str, object], kind: pa.DataType | None = None) -> pa.Array:
    """Each cell's mapped value (text unless kind says otherwise); mapping covers every distinct cell."""
    keys = list(mapping)
    values = pa.array([mapping[k] for k in keys], kind or pa.string())
    return values.take(pc.index_in(cells, value_set=pa.array(keys, pa.string())))


def _value_code(spec: Indicator, raw: str) -> str | None:
    if spec.scale_id:
        return scales.resolve(spec.scale_id, raw)
    text = raw.strip()
    return None if text in TOKENS else repair_float_noise(text)


def _report_unknown_labels(ctx: Context, spec: Indicator, cells: pa.Array, unknown: list[str]) -> None:
    allowed = scales.allowed_labels(spec.scale_id) + (["1", "0"] if spec.scale_id == "yes_no" else []) + list(TOKENS)
    expected = f"a published {spec.scale_id} label: {', '.join(allowed)}"
    hits = pc.is_in(cells, value_set=pa.array(unknown, pa.string())).to_numpy(zero_copy_only=False)
    for i in np.flatnonzero(hits):
        ctx.problem(expected, ctx.rows[i], spec.header, cells[i].as_py())


def _code_numbers(ctx: Context, spec: Indicator, cells: pa.Array) -> pa.Array:
    """The export's numeric code for each row (the `_` column, or the 0/1 cell itself); warns on disagreement."""
    if spec.code_header and spec.code_header in ctx.frame:
        code = _arrow(ctx.frame[spec.code_header])
        _report_disagreements(ctx, spec, cells, code)
    elif spec.scale_id == "yes_no":
        code = cells
    else:
        return pa.nulls(len(cells), pa.float64())
    return _lookup(code, {u: _number(u) for u in pc.unique(code).to_pylist()}, pa.float64())


def _number(text: str) -> float | None:
    return float(text) if CODE_NUMBER.fullmatch(text) else None


def _report_disagreements(ctx: Context, spec: Indicator, label: pa.Array, code: pa.Array) -> None:
    """Label and code disagree (Increase with _ChangeCompletion 0): warn, keep the label."""
    pairs = pa.table({"label": label, "code": code})
    distinct = pairs.group_by(["label", "code"]).aggregate([]).to_pylist()
    bad = {(p["label"], p["code"]) for p in distinct if p["label"] != "" and not _agrees(spec, p["label"], p["code"])}
    if not bad:
        return
    for i in np.flatnonzero(pc.is_in(label, value_set=pa.array(sorted({b[0] for b in bad}))).to_numpy(
            zero_copy_only=False)):
        text, number = label[i].as_py(), code[i].as_py()
        if (text, number) in bad:
            ctx.problem(f"'{spec.code_header}' to agree with '{spec.header}' ({text!r}); the label is kept",
                        ctx.rows[i], spec.code_header, number, "warning")


def _agrees(spec: Indicator, label: str, code: str) -> bool:
    token = scales.missing_reason(label)
    value_code = scales.resolve(spec.scale_id, label)
    if value_code is None:
        return token is not None and scales.missing_reason(code) == token
    number = _number(code)
    if number is None:
        return False
    if spec.scale_id == "change_in_completion":
        return np.sign(number) == {"increase": 1, "decrease": -1, "no_change": 0}[value_code]
    published = scales.value(spec.scale_id, value_code).ogp_export_code
    if not published:
        return True
    return number == int(published) + (spec.code_offset if value_code != "not_applicable" else 0)

