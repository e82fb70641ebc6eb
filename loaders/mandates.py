"""Mandates: a decision that puts commitments under watch (a Response Policy case and its resolution), what
it asks and of whom, and the follow-up logged against each request. Three sheets, one kind each."""
from __future__ import annotations

from loaders.batch import Batch
from loaders.checks import Checker, frame, options, provenance
from loaders.reading import Column, SheetSpec, read_one

CASES_KIND, REQUESTS_KIND, FOLLOW_UPS_KIND = "mandate_cases", "mandate_requests", "mandate_follow_ups"
CASE_KINDS = options({"response_policy": ("response policy", "política de respuesta"), "other": ("otro",)})
CASE_STATUSES = options({"open": ("abierto",), "closed": ("cerrado",),
                         "closed_with_follow_up": ("closed with follow-up", "cerrado con seguimiento")})
REQUEST_KINDS = options({"monitor": ("monitoring", "seguimiento"), "outreach": ("acercamiento",),
                         "prioritise_support": ("prioritize support", "priority"),
                         "assess": ("assessment", "evaluar"), "other": ("otro",)})
FOLLOW_UP_KINDS = options({"meeting": ("reunión",), "letter": ("carta",), "call": ("llamada",),
                           "support": ("apoyo",), "statement": ("declaración",), "other": ("otro",)})
LONG = 5_000

CASE = Column("case_id", ("Case ID", "Case"), ("ID del caso", "Caso"), True, 60)
REQUEST_NO = Column("request_no", ("Request no", "Request number", "Request"), ("Número de solicitud", "Solicitud"),
                    True, 10)
SOURCE = Column("source_url", ("Source URL", "Source"), ("URL de la fuente", "Fuente"), True)
NOTES = Column("notes", ("Notes",), ("Notas", "Observaciones"), max_chars=LONG)

CASES = SheetSpec("Cases", ("Casos",), (
    CASE,
    Column("member_code", ("Member code", "Member"), ("Código del miembro", "Miembro"), True, 20),
    Column("case_kind", ("Case kind", "Kind"), ("Tipo de caso", "Tipo")),
    Column("title", ("Title",), ("Título",), True, 1_000),
    Column("title_es", ("Spanish title", "Title (Spanish)"), ("Título en español",), max_chars=1_000),
    Column("filed_date", ("Filed date", "Filed"), ("Fecha de presentación",)),
    Column("filed_by", ("Filed by", "Filers"), ("Presentado por",), max_chars=LONG),
    Column("review_dates", ("Review dates",), ("Fechas de revisión",)),
    Column("resolution_date", ("Resolution date",), ("Fecha de la resolución",)),
    Column("resolution_body", ("Resolution body", "Decided by"), ("Órgano que resolvió",)),
    Column("resolution_url", ("Resolution URL",), ("URL de la resolución",)),
    Column("summary_en", ("Summary", "Summary (English)"), ("Resumen en inglés",), max_chars=LONG),
    Column("summary_es", ("Spanish summary", "Summary (Spanish)"), ("Resumen", "Resumen en español"), max_chars=LONG),
    Column("status", ("Status",), ("Estado",), True),
    SOURCE, NOTES,
))
REQUESTS = SheetSpec("Requests", ("Solicitudes",), (
    CASE, REQUEST_NO,
    Column("request_kind", ("Request kind", "What was asked"), ("Tipo de solicitud",), True),
    Column("asked_of", ("Asked of", "Of whom"), ("A quién",), True),
    Column("summary_en", ("Summary", "Summary (English)"), ("Resumen en inglés",), True, LONG),
    Column("summary_es", ("Spanish summary", "Summary (Spanish)"), ("Resumen", "Resumen en español"), max_chars=LONG),
    Column("commitment_id", ("Commitment ID",), ("ID del compromiso",), max_chars=40),
    Column("member_code", ("Member code",), ("Código del miembro",), max_chars=20),
    Column("action_plan_id", ("Action plan ID", "Plan"), ("ID del plan",), max_chars=40),
    Column("review_cadence_days", ("Review cadence days", "Review every (days)"), ("Revisión cada (días)",)),
    SOURCE, NOTES,
))
FOLLOW_UPS = SheetSpec("Follow-up", ("Follow-ups", "Seguimiento"), (
    CASE, REQUEST_NO,
    Column("date", ("Date",), ("Fecha",), True),
    Column("kind", ("Kind", "Action kind"), ("Tipo", "Tipo de acción"), True),
    Column("actor", ("Who", "Actor"), ("Quién", "Actor"), True),
    Column("action_en", ("Action", "What was done"), ("Acción en inglés",), True, LONG),
    Column("action_es", ("Spanish action", "Action (Spanish)"), ("Acción", "Acción en español"), max_chars=LONG),
    Column("outcome", ("Outcome", "What came of it"), ("Resultado",), max_chars=LONG),
    Column("links", ("Links", "Evidence"), ("Enlaces", "Evidencia"), max_chars=LONG),
    SOURCE, NOTES,
))

CASE_COLUMNS = ["case_id", "member_code", "case_kind", "title", "title_es", "filed_date", "filed_by", "review_dates",
                "resolution_date", "resolution_body", "resolution_url", "summary_en", "summary_es", "status",
                "source_url", "notes", "source_sheet", "source_row"]
REQUEST_COLUMNS = ["request_id", "case_id", "request_no", "request_kind", "asked_of", "summary_en", "summary_es",
                   "commitment_id", "member_code", "action_plan_id", "review_cadence_days", "source_url", "notes",
                   "source_sheet", "source_row"]
FOLLOW_UP_COLUMNS = ["follow_up_id", "request_id", "follow_up_date", "date_raw", "date_precision", "kind", "actor",
                     "action_en", "action_es", "outcome", "links", "source_url", "notes", "source_sheet", "source_row"]


def request_id(case_id: str, number: int | None) -> str:
    """'MX-RP-2018' and 1 -> 'MX-RP-2018/1': one id a follow-up, a page and a link can name."""
    return f"{case_id}/{number}"


def matches_cases(headers: list[str]) -> bool:
    return CASES.matches(headers)


def matches_requests(headers: list[str]) -> bool:
    return REQUESTS.matches(headers)


def matches_follow_ups(headers: list[str]) -> bool:
    return FOLLOW_UPS.matches(headers)


def load_cases(data: bytes, name: str) -> Batch:
    return _load(data, name, CASES, CASES_KIND, "mandate_case", CASE_COLUMNS, _case,
                 lambda r: r["case_id"], "case_id", "case")


def load_requests(data: bytes, name: str) -> Batch:
    return _load(data, name, REQUESTS, REQUESTS_KIND, "mandate_request", REQUEST_COLUMNS, _request,
                 lambda r: r["request_id"], "request_no", "request of a case")


def load_follow_ups(data: bytes, name: str) -> Batch:
    return _load(data, name, FOLLOW_UPS, FOLLOW_UPS_KIND, "follow_up", FOLLOW_UP_COLUMNS, _follow_up,
                 lambda r: r["follow_up_id"], "date", "follow-up (same request, date, kind and who)")


def _load(data, name, spec: SheetSpec, kind: str, table: str, columns: list[str], row_reader, key, key_column: str,
          what: str) -> Batch:
    batch, sheet = read_one(data, name, [spec], kind, spec.name)
    if sheet is None:
        return batch
    check = Checker(sheet)
    records = [row_reader(check, row, r) for row, r in sheet.records()]
    check.unique([(r["source_row"], key(r)) for r in records], key_column, what)
    batch.tables[table] = frame(records, columns)
    batch.problems += check.problems
    return batch


def _case(check: Checker, row: int, r: dict[str, str]) -> dict:
    filed, resolved = check.date(row, r, "filed_date"), check.date(row, r, "resolution_date")
    check.order(row, ("filed_date", filed), ("resolution_date", resolved))
    return {
        "case_id": check.identifier(row, r, "case_id"), "member_code": check.identifier(row, r, "member_code"),
        "case_kind": check.choice(row, r, "case_kind", CASE_KINDS) or "response_policy",
        "title": check.required(row, r, "title"), "filed_date": filed.value, "resolution_date": resolved.value,
        "status": check.choice(row, r, "status", CASE_STATUSES) if r.get("status")
        else check.required(row, r, "status"),
        "source_url": check.required(row, r, "source_url"),
        **{c: r.get(c) or None for c in ("title_es", "filed_by", "review_dates", "resolution_body", "resolution_url",
                                          "summary_en", "summary_es", "notes")},
        **provenance(check.sheet, row),
    }


def _request(check: Checker, row: int, r: dict[str, str]) -> dict:
    case, number = check.identifier(row, r, "case_id"), _number(check, row, r, "request_no", 1, 999, required=True)
    cadence = _number(check, row, r, "review_cadence_days", 1, 3650)
    return {
        "request_id": request_id(case, number), "case_id": case, "request_no": number,
        "request_kind": check.choice(row, r, "request_kind", REQUEST_KINDS) if r.get("request_kind")
        else check.required(row, r, "request_kind"),
        "asked_of": check.required(row, r, "asked_of"), "summary_en": check.required(row, r, "summary_en"),
        "summary_es": r.get("summary_es") or None, "review_cadence_days": cadence,
        **{c: check.identifier(row, r, c, required=False) or None for c in ("commitment_id", "member_code",
                                                                            "action_plan_id")},
        "source_url": check.required(row, r, "source_url"), "notes": r.get("notes") or None,
        **provenance(check.sheet, row),
    }


def _follow_up(check: Checker, row: int, r: dict[str, str]) -> dict:
    case, number = check.identifier(row, r, "case_id"), _number(check, row, r, "request_no", 1, 999, required=True)
    when = check.date(row, r, "date", required=True)
    kind = check.choice(row, r, "kind", FOLLOW_UP_KINDS) if r.get("kind") else check.required(row, r, "kind")
    actor = check.required(row, r, "actor")
    return {
        "follow_up_id": f"{request_id(case, number)}/{when.raw}/{kind}/{actor}"[:300],
        "request_id": request_id(case, number), "follow_up_date": when.value, "date_raw": when.raw,
        "date_precision": when.precision, "kind": kind, "actor": actor,
        "action_en": check.required(row, r, "action_en"), "source_url": check.required(row, r, "source_url"),
        **{c: r.get(c) or None for c in ("action_es", "outcome", "links", "notes")},
        **provenance(check.sheet, row),
    }


def _number(check: Checker, row: int, r: dict[str, str], column: str, low: int, high: int,
            required: bool = False) -> int | None:
    if required and not r.get(column):
        check.required(row, r, column)
        return None
    value = check.number(row, r, column, low, high)
    if value is not None and value != int(value):
        check.error(row, column, f"a whole number from {low} to {high}", r.get(column))
        return None
    return None if value is None else int(value)
