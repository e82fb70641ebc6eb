"""Dated events around commitments (a plan submitted, a report published, a case opened), one per row."""
from __future__ import annotations

from loaders.batch import Batch, stable_id
from loaders.cells import TITLE_CHARS
from loaders.checks import Checker, frame, options, provenance
from loaders.reading import Column, SheetSpec, read_one

KIND = "events"
PRECISIONS = options({p: () for p in ("day", "month", "quarter", "half", "year")})

SPEC = SheetSpec("Events", ("Eventos",), (
    Column("event_id", ("Event ID",), ("ID del evento",)),
    Column("date", ("Date",), ("Fecha",), True),
    Column("date_precision", ("Date precision", "Precision"), ("Precisión de la fecha", "Precisión")),
    Column("member_code", ("Member code", "Code"), ("Código del miembro", "Código")),
    Column("commitment_id", ("Commitment ID", "OGP ID"), ("ID del compromiso", "ID compromiso")),
    Column("category", ("Category", "Type"), ("Categoría", "Tipo"), True),
    Column("title", ("Title", "Event"), ("Título", "Evento"), True, TITLE_CHARS),
    Column("title_es", ("Spanish title", "Title (Spanish)"), ("Título en español",), max_chars=TITLE_CHARS),
    Column("actor", ("Actor", "Who"), ("Actor", "Quién")),
    Column("source_url", ("Source URL", "Source"), ("URL de la fuente", "Fuente")),
    Column("notes", ("Notes",), ("Notas", "Observaciones")),
))

COLUMNS = ["event_id", "event_date", "date_raw", "date_precision", "member_code", "commitment_id", "category",
           "title", "title_es", "actor", "notes", "source_url", "source_sheet", "source_row"]


def matches(headers: list[str]) -> bool:
    return SPEC.matches(headers)


def load(data: bytes, name: str) -> Batch:
    batch, sheet = read_one(data, name, [SPEC], KIND, SPEC.name)
    if sheet is None:
        return batch
    check = Checker(sheet)
    records = [_event(check, row, r) for row, r in sheet.records()]
    key = "event_id" if check.has("event_id") else "title"
    check.unique([(r["source_row"], r["event_id"]) for r in records], key, "event")
    batch.tables["event"] = frame(records, COLUMNS)
    batch.problems += check.problems
    return batch


def _event(check: Checker, row: int, r: dict[str, str]) -> dict:
    parsed = check.date(row, r, "date", required=True)
    member = check.identifier(row, r, "member_code", required=False) or None
    commitment = check.identifier(row, r, "commitment_id", required=False) or None
    category, title = check.required(row, r, "category"), check.required(row, r, "title")
    given = check.identifier(row, r, "event_id", required=False)
    return {
        "event_id": given or stable_id(parsed.raw, member, commitment, category, title),
        "event_date": parsed.value, "date_raw": parsed.raw,
        "date_precision": check.choice(row, r, "date_precision", PRECISIONS) or parsed.precision,
        "member_code": member, "commitment_id": commitment, "category": category, "title": title,
        **{c: r.get(c) or None for c in ("title_es", "actor", "notes", "source_url")}, **provenance(check.sheet, row),
    }
