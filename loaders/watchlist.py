"""Commitments someone is watching (the Support Unit's priority list and others), with why and since when."""
from __future__ import annotations

from loaders.batch import Batch
from loaders.checks import Checker, frame, provenance
from loaders.reading import Column, SheetSpec, read_one

KIND = "watchlist"
DEFAULT_LIST = "priority"

SPEC = SheetSpec("Watchlist", ("Lista", "Seguimiento"), (
    Column("list_name", ("List", "List name"), ("Lista", "Nombre de la lista")),
    Column("commitment_id", ("Commitment ID", "OGP ID"), ("ID del compromiso", "ID compromiso"), True),
    Column("reason", ("Reason", "Why"), ("Motivo", "Razón"), True),
    Column("reason_es", ("Reason (Spanish)", "Reason in Spanish"), ("Motivo (español)", "Motivo en español")),
    Column("since", ("Since", "Added on"), ("Desde", "Fecha de alta"), True),
    Column("added_by", ("Added by",), ("Agregado por", "Añadido por"), True),
    Column("source_url", ("Source URL", "Source"), ("URL de la fuente", "Fuente")),
))

COLUMNS = ["list_name", "commitment_id", "reason", "reason_es", "since", "added_by", "source_url", "source_sheet",
           "source_row"]


def matches(headers: list[str]) -> bool:
    return SPEC.matches(headers)


def load(data: bytes, name: str) -> Batch:
    batch, sheet = read_one(data, name, [SPEC], KIND, SPEC.name)
    if sheet is None:
        return batch
    check = Checker(sheet)
    records = [_entry(check, row, r) for row, r in sheet.records()]
    check.unique([(r["source_row"], f"{r['list_name']}/{r['commitment_id']}") for r in records], "commitment_id",
                 "the list/commitment pair")
    batch.tables["watchlist"] = frame(records, COLUMNS)
    batch.problems += check.problems
    return batch


def _entry(check: Checker, row: int, r: dict[str, str]) -> dict:
    return {
        "list_name": r.get("list_name") or DEFAULT_LIST,
        "commitment_id": check.identifier(row, r, "commitment_id"),
        "reason": check.required(row, r, "reason"),
        "reason_es": r.get("reason_es") or None,
        "since": check.date(row, r, "since", required=True).value,
        "added_by": check.required(row, r, "added_by"),
        "source_url": r.get("source_url") or None, **provenance(check.sheet, row),
    }
