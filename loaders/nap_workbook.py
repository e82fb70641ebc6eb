"""A National Action Plan as a government fills OGP's template: a 'Commitments' sheet and a 'Milestones'
sheet (or 'Compromisos' / 'Hitos'), with English or Spanish headers. Each sheet may also come alone as
a CSV (kinds nap_commitments / nap_milestones). monitor.export.template writes the blank workbook to fill in.
"""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from loaders.batch import Batch, SourceInfo
from loaders.cells import TITLE_CHARS, repair_float_noise
from loaders.checks import Checker, frame, options, provenance
from loaders.ids import canonical_id
from loaders.reading import Column, Sheet, SheetSpec, read_table

KIND = "nap_workbook"

COMMITMENTS = SheetSpec("Commitments", ("Compromisos",), (
    Column("commitment_id", ("Commitment ID", "OGP ID", "Commitment Unique Identifier"),
           ("ID del compromiso", "ID compromiso", "ID OGP")),
    Column("action_plan_id", ("Action Plan ID", "Plan ID"), ("ID del plan de acción", "ID del plan"), True),
    Column("member_code", ("Member code", "Code", "Country code"), ("Código del miembro", "Código", "Código de país"),
           True),
    Column("member_name", ("Member", "Member name", "Country"), ("Miembro", "Nombre del miembro", "País")),
    Column("action_plan_title", ("Action plan title", "Plan title"), ("Título del plan de acción", "Título del plan"),
           max_chars=TITLE_CHARS),
    Column("plan_number", ("Plan number", "Action Plan Number"), ("Número del plan", "Número de plan")),
    Column("number", ("Number", "Commitment number", "No."), ("Número", "Número del compromiso", "Núm.")),
    Column("title", ("Title", "Commitment title", "Name of commitment"),
           ("Título", "Título del compromiso", "Nombre del compromiso"), True, TITLE_CHARS),
    Column("title_es", ("Spanish title", "Title (Spanish)"), ("Título en español", "Título (español)"),
           max_chars=TITLE_CHARS),
    Column("description", ("Description",), ("Descripción",)),
    Column("description_es", ("Spanish description", "Description (Spanish)"), ("Descripción en español",)),
    Column("lead_institution", ("Lead institution", "Lead implementing agency", "Lead agency"),
           ("Institución responsable", "Institución líder", "Dependencia responsable")),
    Column("supporting_institutions",
           ("Supporting institutions", "Supporting institution(s)", "Other actors involved"),
           ("Instituciones de apoyo", "Otros actores", "Actores involucrados")),
    Column("theme", ("Theme",), ("Tema", "Eje")),
    Column("start_date", ("Start date",), ("Fecha de inicio",), True),
    Column("end_date", ("End date",), ("Fecha de término", "Fecha de fin", "Fecha final", "Fecha de conclusión"),
           True),
    Column("policy_areas", ("Policy areas", "Policy area"), ("Áreas de política", "Área de política")),
    Column("ogp_url", ("OGP URL", "OGP page"), ("URL OGP", "Página OGP")),
    Column("source_url", ("Source URL", "Source"), ("URL de la fuente", "Fuente")),
    Column("notes", ("Notes",), ("Notas", "Observaciones")),
))

MILESTONES = SheetSpec("Milestones", ("Hitos",), (
    Column("commitment_id", ("Commitment ID", "OGP ID"), ("ID del compromiso", "ID compromiso", "ID OGP")),
    Column("number", ("Commitment number", "Number"), ("Número del compromiso", "Número de compromiso", "Número")),
    Column("milestone_id", ("Milestone ID",), ("ID del hito",)),
    Column("parent_milestone_id", ("Parent milestone ID", "Parent ID"), ("ID del hito padre", "Hito padre")),
    Column("level", ("Level", "Type"), ("Nivel", "Tipo")),
    Column("seq", ("Seq", "Sequence", "Order"), ("Orden", "Secuencia")),
    Column("title", ("Milestone", "Title", "Activity"), ("Hito", "Título", "Actividad"), True, 5_000),
    Column("responsible", ("Responsible", "Responsible institution"), ("Responsable", "Institución responsable")),
    Column("start_date", ("Start date",), ("Fecha de inicio",)),
    Column("due_date", ("Due date", "End date", "Deadline"), ("Fecha límite", "Fecha de término", "Fecha de entrega"),
           True),
    Column("source_url", ("Source URL", "Source"), ("URL de la fuente", "Fuente")),
    Column("notes", ("Notes",), ("Notas", "Observaciones")),
), required=False)

LEVELS = options({"milestone": ("hito", "meta"), "activity": ("actividad", "acción"),
                  "indicator": ("indicador",), "objective": ("objetivo",)})

COMMITMENT_TEXT = ("title_es", "description", "description_es", "theme", "lead_institution",
                   "supporting_institutions", "ogp_url", "notes", "source_url")
MILESTONE_TEXT = ("responsible", "notes", "source_url")


def matches(headers: list[str]) -> bool:
    return COMMITMENTS.matches(headers) or MILESTONES.matches(headers)


def load(data: bytes, name: str) -> Batch:
    """Commitments (with their members, plans and policy-area tags) and milestones, every problem found."""
    reading = read_table(data, name, [COMMITMENTS, MILESTONES])
    commitments = reading.sheets.get(COMMITMENTS.name)
    milestones = reading.sheets.get(MILESTONES.name)
    batch = Batch(SourceInfo.of(Path(name), _kind(reading.format, commitments), data, name),
                  problems=list(reading.problems), notes=list(reading.notes))
    numbers: dict[str, list[str]] = {}
    if commitments:
        numbers = _load_commitments(batch, commitments)
    if milestones:
        _load_milestones(batch, milestones, numbers)
    return batch


def _kind(format: str, commitments: Sheet | None) -> str:
    if format == "xlsx":
        return KIND
    return "nap_commitments" if commitments else "nap_milestones"


# ---------------------------------------------------------------- commitments


def _load_commitments(batch: Batch, sheet: Sheet) -> dict[str, list[str]]:
    check = Checker(sheet)
    records = [_commitment(check, row, r) for row, r in sheet.records()]
    key = "commitment_id" if check.has("commitment_id") else "number"
    check.unique([(r["source_row"], r["commitment_id"]) for r in records], key, "commitment")
    keep = ["commitment_id", "action_plan_id", "member_code", "commitment_number", "commitment_number_raw", "title",
            *[c for c in COMMITMENT_TEXT if check.has(c)], *_date_columns("start_date"), *_date_columns("end_date"),
            "source_sheet", "source_row"]
    batch.tables["member"] = _members(check, sheet)
    batch.tables["action_plan"] = _plans(check, sheet)
    batch.tables["commitment"] = frame(records, keep)
    batch.tables["commitment_tag"] = _tags(sheet, records)
    batch.problems += check.problems
    numbers = defaultdict(list)
    for r in records:
        numbers[r["commitment_number"]].append(r["commitment_id"])
    return numbers


def _commitment(check: Checker, row: int, r: dict[str, str]) -> dict:
    plan = check.identifier(row, r, "action_plan_id")
    member = check.identifier(row, r, "member_code")
    given = check.identifier(row, r, "commitment_id", required=False)
    raw_number = r.get("number", "") if given else check.required(row, r, "number")
    number = repair_float_noise(raw_number)
    start, end = check.date(row, r, "start_date"), check.date(row, r, "end_date")
    check.order(row, ("start_date", start), ("end_date", end))
    record = {
        "commitment_id": given or (canonical_id(f"{plan}-{number}") if plan and number else ""),
        "action_plan_id": plan, "member_code": member, "commitment_number": number or None,
        "commitment_number_raw": raw_number or None, "title": check.required(row, r, "title"),
        **{c: r.get(c) or None for c in COMMITMENT_TEXT},
        **_dates("start_date", start), **_dates("end_date", end), **provenance(check.sheet, row),
    }
    return record


def _dates(column: str, parsed) -> dict:
    stem = column.removesuffix("_date")
    return {column: parsed.value, f"{column}_raw": parsed.raw or None, f"{stem}_date_precision": parsed.precision}


def _date_columns(column: str) -> list[str]:
    return [column, f"{column}_raw", f"{column.removesuffix('_date')}_date_precision"]


def _members(check: Checker, sheet: Sheet):
    """One member per code, named only when the sheet names it (a blank name never overwrites)."""
    names = _consistent(check, sheet, "member_code", "member_name")
    records = [{"member_code": code, "name": name, **provenance(sheet, row)}
               for code, (name, row) in names.items() if name]
    return frame(records, ["member_code", "name", "source_sheet", "source_row"])


def _plans(check: Checker, sheet: Sheet):
    """One plan per id; its number and title only when the sheet has those columns (never blanked)."""
    members = _consistent(check, sheet, "action_plan_id", "member_code")
    numbers = _consistent(check, sheet, "action_plan_id", "plan_number") if check.has("plan_number") else {}
    titles = _consistent(check, sheet, "action_plan_id", "action_plan_title") if check.has("action_plan_title") else {}
    records = []
    for plan, (member, row) in members.items():
        record = {"action_plan_id": plan, "member_code": member, **provenance(sheet, row)}
        if check.has("plan_number"):
            record["plan_number"] = _plan_number(check, numbers.get(plan, ("", row)))
        if check.has("action_plan_title"):
            record["title"] = titles.get(plan, ("", row))[0] or None
        records.append(record)
    columns = ["action_plan_id", "member_code", *(["plan_number"] if check.has("plan_number") else []),
               *(["title"] if check.has("action_plan_title") else []), "source_sheet", "source_row"]
    return frame(records, columns)


def _plan_number(check: Checker, found: tuple[str, int]) -> int | None:
    value = check.number(found[1], {"plan_number": found[0]}, "plan_number", 1, 99)
    if value is not None and not value.is_integer():
        check.error(found[1], "plan_number", "the plan number must be a whole number", found[0])
    return int(value) if value is not None else None


def _consistent(check: Checker, sheet: Sheet, key: str, column: str) -> dict[str, tuple[str, int]]:
    """key -> (value, first row); a key given two different values is an error naming both rows."""
    seen: dict[str, tuple[str, int]] = {}
    for row, r in sheet.records():
        k, v = r.get(key, ""), r.get(column, "")
        if not k:
            continue
        if k in seen and v and seen[k][0] and v != seen[k][0]:
            check.error(row, column, f"{key} {k!r} has {column} {seen[k][0]!r} on row {seen[k][1]} but {v!r} here", v)
        elif k not in seen or (v and not seen[k][0]):
            seen[k] = (v, row)
    return seen


def _tags(sheet: Sheet, records: list[dict]):
    tags = []
    for r, (row, cells) in zip(records, sheet.records()):
        areas = dict.fromkeys(t.strip() for t in cells.get("policy_areas", "").split(";") if t.strip())
        tags += [{"commitment_id": r["commitment_id"], "scheme": "policy_area", "tag": tag, "value": "1",
                  **provenance(sheet, row)} for tag in areas]
    return frame(tags, ["commitment_id", "scheme", "tag", "value", "source_sheet", "source_row"])


# ---------------------------------------------------------------- milestones


def _load_milestones(batch: Batch, sheet: Sheet, numbers: dict[str, list[str]]) -> None:
    check = Checker(sheet)
    if not (check.has("commitment_id") or check.has("number")):
        check.error(sheet.header_row, None, "the milestones need a 'commitment_id' or a commitment 'number' column")
        batch.problems += check.problems
        return
    counters: dict[str, int] = defaultdict(int)
    records = [_milestone(check, row, r, numbers, counters) for row, r in sheet.records()]
    key = "milestone_id" if check.has("milestone_id") else "seq" if check.has("seq") else "title"
    check.unique([(r["source_row"], r["milestone_id"]) for r in records], key, "milestone")
    _check_parents(check, records)
    columns = ["milestone_id", "commitment_id", "parent_milestone_id", "level", "seq", "title",
               *[c for c in MILESTONE_TEXT if check.has(c)],
               *(["start_date", "start_date_raw"] if check.has("start_date") else []),
               "due_date", "due_date_raw", "due_date_precision", "source_sheet", "source_row"]
    batch.tables["milestone"] = frame(records, columns)
    batch.problems += check.problems


def _check_parents(check: Checker, records: list[dict]) -> None:
    """A milestone may not be its own parent, nor sit in a cycle of parents within the file (naming its rows)."""
    rows = {r["milestone_id"]: r["source_row"] for r in records if r["milestone_id"]}
    parents = {r["milestone_id"]: r["parent_milestone_id"] for r in records if r["milestone_id"]}
    reported: set[str] = set()
    for record in records:
        milestone, parent = record["milestone_id"], record["parent_milestone_id"]
        if not parent or milestone in reported:
            continue
        row = record["source_row"]
        if parent == milestone:
            check.error(row, "parent_milestone_id", f"{check.where(row, 'parent_milestone_id')}: milestone "
                                                    f"{milestone!r} is its own parent", parent)
            reported.add(milestone)
            continue
        chain = [milestone]
        while parent in parents and parent not in chain:
            chain.append(parent)
            parent = parents[parent]
        if parent == milestone:
            cycle = " -> ".join(f"{m!r} (row {rows[m]})" for m in chain) + f" -> {milestone!r}"
            check.error(row, "parent_milestone_id", f"{check.where(row, 'parent_milestone_id')}: the parents form a "
                                                    f"cycle: {cycle}; one of them must have no parent, or one outside "
                                                    "it", record["parent_milestone_id"])
            reported.update(chain)


def _milestone(check: Checker, row: int, r: dict[str, str], numbers: dict[str, list[str]],
               counters: dict[str, int]) -> dict:
    commitment = _commitment_of(check, row, r, numbers)
    counters[commitment] += 1
    seq = check.number(row, r, "seq", 0, 100_000)
    seq = int(seq) if seq is not None else counters[commitment]
    start, due = check.date(row, r, "start_date"), check.date(row, r, "due_date")
    check.order(row, ("start_date", start), ("due_date", due))
    return {
        "milestone_id": check.identifier(row, r, "milestone_id", required=False) or f"{commitment}.{seq}",
        "commitment_id": commitment,
        "parent_milestone_id": check.identifier(row, r, "parent_milestone_id", required=False) or None,
        "level": check.choice(row, r, "level", LEVELS) or "milestone", "seq": seq,
        "title": check.required(row, r, "title"), **{c: r.get(c) or None for c in MILESTONE_TEXT},
        "start_date": start.value, "start_date_raw": start.raw or None,
        "due_date": due.value, "due_date_raw": due.raw or None, "due_date_precision": due.precision,
        **provenance(check.sheet, row),
    }


def _commitment_of(check: Checker, row: int, r: dict[str, str], numbers: dict[str, list[str]]) -> str:
    given = check.identifier(row, r, "commitment_id", required=False)
    if given:
        return given
    number = repair_float_noise(r.get("number", ""))
    found = numbers.get(number, [])
    if not number:
        check.error(row, "number", "give the commitment_id or the commitment number of this milestone")
    elif not numbers:
        check.error(row, "number", "a milestones file on its own needs a commitment_id column: the number alone "
                                   "does not say which action plan", number)
    elif len(found) != 1:
        why = "is not in the Commitments sheet" if not found else f"is used by {len(found)} commitments"
        check.error(row, "number", f"commitment number {number!r} {why}; give the commitment_id", number)
    return found[0] if len(found) == 1 else ""
