"""Loader for OGP's public "commitment data" export (171 columns), as CSV or XLSX.

What becomes what:
- identification columns -> member, action_plan, commitment (dates parsed, the raw text kept);
- the 86 policy-area columns -> commitment_tag (scheme ogp_policy_area; '0' means "not tagged" and is not stored);
- every IRM indicator column (105-142) -> one assessment row per non-empty cell (see assessments).

Not imported, on purpose: the OGP-internal analysis columns (`Most Recently Assessed` ... `Binding constraint`,
`Latest IRM Report`, `Subnational in NAPs`, `id`). They are derived from the indicators and the monitor
recomputes them; storing them would add a second truth that goes stale. `URL` and `Action Plan ID`, which sit
among them, are imported.

Modules: columns (the catalogue and header matching), reader (file -> text table), headers, validation,
tables (member, plan, commitment, tags), assessments (IRM indicators). Pure: never opens the monitor database.
"""
from __future__ import annotations

import hashlib

from loaders.batch import Batch, Problem, SourceInfo
from loaders.ogp_export import assessments, headers, reader, tables, validation
from loaders.ogp_export.columns import DERIVED, ID, IDENTIFICATION, INDICATORS, KIND, POLICY_AREAS, REQUIRED, matches
from loaders.ogp_export.context import Context
from loaders.reading import no_data_rows

__all__ = ["DERIVED", "ID", "IDENTIFICATION", "INDICATORS", "KIND", "POLICY_AREAS", "REQUIRED", "load", "matches"]


def load(data: bytes, name: str) -> Batch:
    """Read, validate and map one export file; every problem found is in batch.problems.

    Raises loaders.batch.InvalidFile only when the file cannot be read as a table at all.
    """
    table = reader.read(data, name)
    source = SourceInfo(name, hashlib.sha256(data).hexdigest(), len(data), KIND)
    batch = Batch(source, problems=table.problems, notes=table.notes)
    frame, header_problems = headers.canonical(table, name)
    batch.problems.extend(header_problems)
    if frame.empty:
        header_problems.append(Problem(name, no_data_rows(table.header_row), table.sheet, table.header_row))
        batch.problems.append(header_problems[-1])
    if any(p.severity == "error" for p in header_problems):
        return batch
    ctx = Context(name, table.sheet, frame, frame.index.to_numpy() + table.header_row + 1, headers.letters(table))
    flagged = {(p.row, p.column) for p in table.problems if p.severity == "error"}  # e.g. a #REF! title cell
    batch.problems.extend(p for p in validation.check_ids(ctx) + validation.check_required_cells(ctx)
                          if (p.row, p.column) not in flagged)
    batch.tables = {
        "member": tables.members(ctx), "action_plan": tables.plans(ctx), "commitment": tables.commitments(ctx),
        "commitment_tag": tables.tags(ctx), "assessment": assessments.assessments(ctx),
    }
    batch.problems.extend(ctx.problems)
    batch.notes.extend(ctx.notes)
    return batch
