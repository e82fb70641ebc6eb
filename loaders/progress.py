"""Progress updates in long format: one row per commitment or milestone per reporting period, from a
government or civil society. Reads Canada's NAP tracker exactly as published (reporting_period,
commitments, milestones, indicators, status NS/LP/SP/C, progress_en/fr, evidence_en/fr, challenges_en/fr)
and a generic English/Spanish form. A new period adds a row; re-importing a period updates it.
"""
from __future__ import annotations

from loaders.batch import Batch, stable_id
from loaders.checks import Checker, frame, options, provenance
from loaders.dates import period_end
from loaders.reading import Column, SheetSpec, read_one
from vocabulary import scales

KIND = "progress"

CANADA = SheetSpec("Progress", ("Avances",), (
    Column("reporting_period", required=True),
    Column("commitments", required=True),
    Column("milestones"),
    Column("indicators"),
    Column("status", required=True),
    *(Column(f"{part}_{lang}") for part in ("progress", "evidence", "challenges") for lang in ("en", "fr")),
))

GENERIC = SheetSpec("Progress", ("Avances", "Avance"), (
    Column("commitment_id", ("Commitment ID", "OGP ID"), ("ID del compromiso", "ID compromiso"), True),
    Column("milestone_id", ("Milestone ID",), ("ID del hito",)),
    Column("period", ("Reporting period", "Period"), ("Periodo", "Período", "Periodo de reporte"), True),
    Column("assessor", ("Reported by", "Assessor type"), ("Evaluador", "Reporta"), True),
    Column("assessor_name", ("Assessor name", "Organisation", "Organization"),
           ("Nombre del evaluador", "Organización")),
    Column("status", ("Status", "Completion"), ("Estado", "Estatus", "Nivel de cumplimiento"), True),
    Column("percent_complete", ("Percent complete", "% complete", "Percent"), ("Porcentaje", "Porcentaje de avance",
                                                                               "% de avance")),
    Column("narrative", ("Progress", "Description of progress"), ("Avance", "Descripción del avance")),
    Column("narrative_es", ("Progress (Spanish)", "Progress in Spanish"), ("Avance (español)", "Avance en español")),
    Column("challenges", ("Challenges",), ("Retos", "Desafíos")),
    Column("evidence", ("Evidence",), ("Evidencia", "Medios de verificación")),
    Column("language", ("Language",), ("Idioma",)),
    Column("source_url", ("Source URL", "Source"), ("URL de la fuente", "Fuente")),
))

ASSESSORS = options({"government": ("gobierno", "gov", "govt"),
                     "civil_society": ("civil society", "sociedad civil", "cso", "osc", "ngo", "ong"),
                     "irm": ("independent reporting mechanism", "mri"),
                     "support_unit": ("support unit", "ogp support unit", "unidad de apoyo")})

COLUMNS = ["update_id", "subject_type", "subject_id", "commitment_id", "period", "period_end", "assessor",
           "assessor_name", "status_raw", "status_code", "percent_complete", "narrative", "narrative_es", "challenges",
           "evidence", "language", "source_url", "source_sheet", "source_row"]


def matches(headers: list[str]) -> bool:
    return CANADA.matches(headers) or GENERIC.matches(headers)


def load(data: bytes, name: str) -> Batch:
    batch, sheet = read_one(data, name, [CANADA, GENERIC], KIND, "Progress")
    if sheet is None:
        return batch
    check = Checker(sheet)
    canada = check.has("reporting_period")
    records = [(_canada if canada else _generic)(check, row, r) for row, r in sheet.records()]
    check.unique([(r["source_row"], r["update_id"]) for r in records], "period",
                 "the same subject, period and assessor")
    batch.tables["progress_update"] = frame(records, COLUMNS)
    batch.problems += check.problems
    if canada:
        batch.notes.append(f"{name}: Canada NAP tracker; English text stored, French only where English is blank")
    return batch


def _canada(check: Checker, row: int, r: dict[str, str]) -> dict:
    commitment = check.identifier(row, r, "commitments")
    milestone = check.identifier(row, r, "indicators", required=False) or check.identifier(
        row, r, "milestones", required=False)
    texts = {part: _english_first(r, part) for part in ("progress", "evidence", "challenges")}
    language = "fr" if texts["progress"] and not r.get("progress_en") else "en"
    return _update(check, row, r, commitment, milestone, period_column="reporting_period",
                   assessor="government", assessor_name=None, percent=None, narrative=texts["progress"],
                   narrative_es=None, challenges=texts["challenges"], evidence=texts["evidence"], language=language)


def _english_first(r: dict[str, str], part: str) -> str | None:
    return r.get(f"{part}_en") or r.get(f"{part}_fr") or None


def _generic(check: Checker, row: int, r: dict[str, str]) -> dict:
    commitment = check.identifier(row, r, "commitment_id")
    milestone = check.identifier(row, r, "milestone_id", required=False)
    assessor = check.choice(row, r, "assessor", ASSESSORS) if r.get("assessor") else check.required(row, r, "assessor")
    percent = check.number(row, r, "percent_complete", 0, 100)
    return _update(check, row, r, commitment, milestone, period_column="period", assessor=assessor or "",
                   assessor_name=r.get("assessor_name") or None, percent=percent,
                   narrative=r.get("narrative") or None, narrative_es=r.get("narrative_es") or None,
                   challenges=r.get("challenges") or None,
                   evidence=r.get("evidence") or None, language=r.get("language") or None)


def _update(check: Checker, row: int, r: dict[str, str], commitment: str, milestone: str, *, period_column: str,
            assessor: str, assessor_name: str | None, percent: float | None, **texts) -> dict:
    period = check.required(row, r, period_column)
    parsed = check.date(row, r, period_column) if period else None
    status_raw, status_code = _status(check, row, r, percent)
    subject_type, subject_id = ("milestone", milestone) if milestone else ("commitment", commitment)
    return {
        "update_id": stable_id(subject_type, subject_id, period, assessor, assessor_name),
        "subject_type": subject_type, "subject_id": subject_id, "commitment_id": commitment, "period": period,
        "period_end": period_end(parsed) if parsed else None, "assessor": assessor, "assessor_name": assessor_name,
        "status_raw": status_raw, "status_code": status_code, "percent_complete": percent, **texts,
        "source_url": r.get("source_url") or None, **provenance(check.sheet, row),
    }


def _status(check: Checker, row: int, r: dict[str, str], percent: float | None) -> tuple[str | None, str | None]:
    raw = r.get("status", "")
    if not raw:
        if percent is None and not _narrative(r):
            check.error(row, "status", f"{check.where(row, 'status')} is empty; give a status, a percent complete "
                                       "or a description of progress")
        return None, None
    code = scales.resolve("completion", raw)
    if code is None:
        check.error(row, "status", f"{check.where(row, 'status')}: unknown status {raw!r}; allowed: "
                                   f"{allowed_statuses()}", raw)
    return raw, code


def _narrative(r: dict[str, str]) -> str:
    return r.get("narrative") or r.get("progress_en") or r.get("progress_fr") or ""


def allowed_statuses() -> str:
    english = ", ".join(scales.allowed_labels("completion"))
    spanish = ", ".join(v.label_es for v in scales.scale_values() if v.scale_id == "completion" and v.label_es)
    return f"{english}; Canada's codes NS, LP, SP, C; in Spanish {spanish}, sin avance, en proceso, completado"
