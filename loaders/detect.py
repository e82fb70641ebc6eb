"""Which loader reads a file, decided from its headers (never its name), and one entry point to load it."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from loaders import events, irm, mandates, nap_workbook, ogp_export, progress, watchlist
from loaders.batch import Batch, InvalidFile, Problem
from loaders.reading import HEADER_SCAN_ROWS, SheetSpec, read_grids


@dataclass(frozen=True)
class Loader:
    kind: str
    matches: Callable[[list[str]], bool]
    load: Callable[[bytes, str], Batch]
    required: tuple[str, ...]


def _required(*specs: SheetSpec) -> tuple[str, ...]:
    return tuple(" + ".join(s.required_names()) for s in specs)


# Most specific first: the first kind whose headers a sheet holds wins.
LOADERS = {entry.kind: entry for entry in (
    Loader(ogp_export.KIND, ogp_export.matches, ogp_export.load, (" + ".join(ogp_export.REQUIRED),)),
    Loader(nap_workbook.KIND, nap_workbook.matches, nap_workbook.load,
           _required(nap_workbook.COMMITMENTS, nap_workbook.MILESTONES)),
    Loader(progress.KIND, progress.matches, progress.load, _required(progress.CANADA, progress.GENERIC)),
    Loader(irm.SUMMARY_KIND, irm.matches_summary, irm.load_summary, _required(irm.SUMMARY)),
    Loader(irm.KIND, irm.matches, irm.load, _required(irm.RATINGS)),
    Loader(mandates.FOLLOW_UPS_KIND, mandates.matches_follow_ups, mandates.load_follow_ups,
           _required(mandates.FOLLOW_UPS)),
    Loader(mandates.REQUESTS_KIND, mandates.matches_requests, mandates.load_requests, _required(mandates.REQUESTS)),
    Loader(mandates.CASES_KIND, mandates.matches_cases, mandates.load_cases, _required(mandates.CASES)),
    Loader(watchlist.KIND, watchlist.matches, watchlist.load, _required(watchlist.SPEC)),
    Loader(events.KIND, events.matches, events.load, _required(events.SPEC)),
)}
ALIASES = {"nap_commitments": nap_workbook.KIND, "nap_milestones": nap_workbook.KIND}


def detect(data: bytes, name: str) -> str:
    """The kind of file, from the header rows of its visible sheets; InvalidFile saying what each kind needs."""
    _, grids, _ = read_grids(data, name, head_only=True)
    visible = [g for g in grids if not g.hidden]
    for entry in LOADERS.values():
        if any(entry.matches(row) for g in visible for row in g.cells[:HEADER_SCAN_ROWS]):
            return entry.kind
    raise InvalidFile([Problem(name, _unknown_message(visible))])


def _unknown_message(visible) -> str:
    found = next(([c for c in row if c.strip()] for g in visible for row in g.cells if any(c.strip() for c in row)),
                 [])
    kinds = "; ".join(f"{e.kind} needs {' or '.join(e.required)}" for e in LOADERS.values())
    return (f"the monitor does not know this file: its first header row has {found[:15]}. Known files: {kinds} "
            "(English or Spanish column names; the header may be on any of the first 10 rows)")


def load(data: bytes, name: str, kind: str | None = None) -> Batch:
    """Read a file as the given kind, or as the kind its headers say."""
    kind = ALIASES.get(kind, kind) or detect(data, name)
    if kind not in LOADERS:
        raise InvalidFile([Problem(name, f"unknown kind {kind!r}; known: {', '.join([*LOADERS, *ALIASES])}")])
    return LOADERS[kind].load(data, name)
