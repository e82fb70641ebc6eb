"""IRM ratings as published, one row per commitment (or plan), indicator and report (either methodology),
and plan-level IRM summary counts ('3 commitments with significant early results'). Both become
`assessment` rows with the published text, its canonical code on a scale, the band and any missing reason.
Indicators without a published scale (multi_stakeholder_forum, summary, ...) are kept as published text.
"""
from __future__ import annotations

import re

from loaders.batch import Batch, stable_id
from loaders.checks import Checker, frame, options, provenance, read_number
from loaders.progress import ASSESSORS
from loaders.reading import Column, SheetSpec, read_one
from vocabulary import scales

KIND = "irm_ratings"
SUMMARY_KIND = "irm_summary"

# indicator -> (scale, methodology when the indicator alone says so)
INDICATORS = {
    "completion": ("completion", None),
    "early_results": ("early_results", "irm_refresh"),
    "did_it_open_government": ("did_it_open_government", "irm_legacy"),
    "potential_impact": ("potential_impact", "irm_legacy"),
    "potential_for_results": ("potential_for_results", "irm_refresh"),
    "specificity": ("specificity", "irm_legacy"),
    "verifiable": ("yes_no", "irm_refresh"),
    "relevance": ("yes_no", None),
    "starred": ("yes_no", "irm_legacy"),
    "web_ambition": ("web_ambition", "ogp_web"),
    "change_in_completion": ("change_in_completion", "irm_legacy"),
}
METHODOLOGIES = options({"irm_legacy": ("legacy", "irm legacy"), "irm_refresh": ("refresh", "refreshed", "irm refresh"),
                         "ogp_web": ("ogp web", "web")})
NOT_RATED = {"not yet coded": "not_yet_coded", "not public": "not_public"}
COUNT = re.compile(r"\s*([-+]?[0-9][0-9.,]*)")  # the number a count starts with: '4 (31%)' -> 4

RATINGS = SheetSpec("IRM ratings", ("Ratings", "Calificaciones"), (
    Column("commitment_id", ("Commitment ID", "OGP ID"), ("ID del compromiso", "ID compromiso")),
    Column("action_plan_id", ("Action Plan ID", "Plan ID"), ("ID del plan de acción", "ID del plan")),
    Column("report", ("Report", "IRM report"), ("Informe", "Reporte"), True),
    Column("assessor", ("Assessor", "Reported by"), ("Evaluador",)),
    Column("methodology", ("Methodology",), ("Metodología",)),
    Column("indicator", ("Indicator",), ("Indicador",), True),
    Column("qualifier", ("Qualifier",), ("Calificador",)),
    Column("value", ("Value", "Rating"), ("Valor", "Calificación"), True),
    Column("as_of", ("As of", "Date"), ("Fecha",)),
    Column("source_url", ("Source URL", "Source"), ("URL de la fuente", "Fuente")),
    Column("quote", ("Quote", "Rationale"), ("Cita", "Justificación")),
))

SUMMARY = SheetSpec("IRM summary", ("Summary", "Resumen"), (
    Column("action_plan_id", ("Action Plan ID", "Plan ID"), ("ID del plan de acción", "ID del plan"), True),
    Column("report", ("Report", "IRM report"), ("Informe", "Reporte"), True),
    Column("indicator", ("Indicator",), ("Indicador",), True),
    Column("assessor", ("Assessor", "Reported by"), ("Evaluador",)),
    Column("band_or_value", ("Band", "Value", "Band or value"), ("Banda", "Valor")),
    Column("count", ("Count", "Number of commitments"), ("Cantidad", "Número de compromisos"), True),
    Column("as_of", ("As of", "Date"), ("Fecha",)),
    Column("source_url", ("Source URL", "Source"), ("URL de la fuente", "Fuente")),
    Column("quote", ("Quote",), ("Cita",)),
))

COLUMNS = ["assessment_id", "subject_type", "subject_id", "indicator", "qualifier", "assessor", "report",
           "methodology", "scale_id", "value_raw", "value_code", "value_numeric", "band", "missing_reason", "as_of",
           "rationale", "source_url", "source_sheet", "source_row", "source_column"]


def matches(headers: list[str]) -> bool:
    return RATINGS.matches(headers)


def matches_summary(headers: list[str]) -> bool:
    return SUMMARY.matches(headers)


def load(data: bytes, name: str) -> Batch:
    """IRM ratings per commitment: each published label mapped onto its scale, or an error listing the labels."""
    return _load(data, name, RATINGS, KIND, _rating)


def load_summary(data: bytes, name: str) -> Batch:
    """Plan-level counts as published: indicator '<indicator>_count', qualifier = the band, value = the count."""
    return _load(data, name, SUMMARY, SUMMARY_KIND, _summary)


def _load(data: bytes, name: str, spec: SheetSpec, kind: str, build) -> Batch:
    batch, sheet = read_one(data, name, [spec], kind, spec.name)
    if sheet is None:
        return batch
    check = Checker(sheet)
    records = [build(check, row, r) for row, r in sheet.records()]
    check.unique([(r["source_row"], r["assessment_id"]) for r in records], "indicator",
                 "the same subject, indicator, qualifier and report")
    batch.tables["assessment"] = frame(records, COLUMNS)
    batch.problems += check.problems
    unscaled = sorted({r["indicator"] for r in records if r["scale_id"] is None and kind == KIND})
    if unscaled:
        batch.notes.append(f"{name}: kept as published text (no rating scale): {', '.join(unscaled)}")
    return batch


def indicator_key(raw: str) -> str:
    """'Did it open government?' -> 'did_it_open_government'."""
    return re.sub(r"[^a-z0-9]+", "_", scales.fold(raw)).strip("_")


def _rating(check: Checker, row: int, r: dict[str, str]) -> dict:
    subject_type, subject = _subject(check, row, r)
    indicator = indicator_key(check.required(row, r, "indicator"))
    scale_id, implied = INDICATORS.get(indicator, (None, None))
    methodology = check.choice(row, r, "methodology", METHODOLOGIES) or implied
    raw = check.required(row, r, "value")
    code, missing = _rated(check, row, raw, scale_id)
    published = None if scales.fold(raw).replace("_", " ") in NOT_RATED else raw or None  # our token, not a label
    return _assessment(check, row, r, subject_type, subject, indicator, r.get("qualifier", ""), methodology=methodology,
                       scale_id=scale_id, value_raw=published, value_code=code, value_numeric=None,
                       band=scales.band(scale_id, code) if scale_id else None, missing_reason=missing)


def _subject(check: Checker, row: int, r: dict[str, str]) -> tuple[str, str]:
    """A commitment's rating, or a plan-level one when only the action plan is given."""
    commitment = check.identifier(row, r, "commitment_id", required=False)
    plan = check.identifier(row, r, "action_plan_id", required=False)
    if not (commitment or plan):
        column = "commitment_id" if check.has("commitment_id") else "action_plan_id"
        check.error(row, column, f"{check.where(row, column)} is empty; give the commitment_id (or the "
                                 "action_plan_id for a plan-level rating)")
    return ("commitment", commitment) if commitment else ("action_plan", plan)


def _rated(check: Checker, row: int, raw: str, scale_id: str | None) -> tuple[str | None, str | None]:
    """(code, missing reason): a label on the scale, or a token saying why there is none."""
    if not raw or scale_id is None:
        return None, None
    code = scales.resolve(scale_id, raw)
    if code:
        return code, None
    missing = scales.missing_reason(raw) or NOT_RATED.get(scales.fold(raw).replace("_", " "))
    if missing is None:
        labels = ", ".join(scales.allowed_labels(scale_id))
        check.error(row, "value", f"{check.where(row, 'value')}: {raw!r} is not a label of the {scale_id} scale; "
                                  f"allowed: {labels}, or ND, NR, NA, not yet coded, not public", raw)
    return None, missing


def _summary(check: Checker, row: int, r: dict[str, str]) -> dict:
    plan = check.identifier(row, r, "action_plan_id")
    indicator = indicator_key(check.required(row, r, "indicator"))
    raw_band = r.get("band_or_value", "")
    scale_id = INDICATORS.get(indicator, (None,))[0]
    code = scales.resolve(scale_id, raw_band) if scale_id and raw_band else None
    count_raw = check.required(row, r, "count")
    count, why_not = _count(count_raw)
    if count_raw and count is None:
        check.error(row, "count", f"{check.where(row, 'count')}: {why_not}", count_raw)
    return _assessment(check, row, r, "action_plan", plan, f"{indicator}_count",
                       code or indicator_key(raw_band), methodology=None, scale_id=None, value_raw=count_raw or None,
                       value_code=None, value_numeric=count,
                       band=scales.band(scale_id, code) if code else None, missing_reason=None,
                       source_column="count")


def _count(raw: str) -> tuple[float | None, str | None]:
    found = COUNT.match(raw)
    if found is None:
        return None, f"{raw!r} does not start with a number"
    return read_number(found[1].rstrip(".,"))


def _assessment(check: Checker, row: int, r: dict[str, str], subject_type: str, subject_id: str, indicator: str,
                qualifier: str, *, source_column: str = "value", **values) -> dict:
    report = check.required(row, r, "report")
    as_of = check.date(row, r, "as_of")
    assessor = check.choice(row, r, "assessor", ASSESSORS) or "irm"
    key = (subject_type, subject_id, indicator, qualifier, assessor, report)
    return {
        "assessment_id": stable_id(*key), "subject_type": subject_type, "subject_id": subject_id,
        "indicator": indicator, "qualifier": qualifier, "assessor": assessor, "report": report, **values,
        "as_of": as_of.value, "rationale": r.get("quote") or None, "source_url": r.get("source_url") or None,
        **provenance(check.sheet, row), "source_column": check.sheet.headers.get(source_column, source_column),
    }
