"""build_pack: the meeting workbook for one scope, in one language, as xlsx bytes.

Queries run once per table for the whole scope (monitor.queries, "# exports"), the tables are labelled
once (frames, meeting), and each is written by sheet.write_table; the Summary is drawn last, in first
place, so it can report what the export boundary changed on every other sheet.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

import pandas as pd
from openpyxl import Workbook

from monitor import db, queries
from monitor.export import safe
from monitor.export.body import splice, style_ids
from monitor.export.frames import Table, commitments_table, milestones_table, progress_table, sources_table
from monitor.export.links import LinkNotes, cited, with_link_checks
from monitor.export.meeting import Signals, changes_table, mandates_table, priority_table
from monitor.export.printing import print_layout
from monitor.export.scope import describe
from monitor.export.sheet import write_table
from monitor.export.summary import SummaryFacts, write_summary
from monitor.filters import Filters
from monitor.i18n import language, t

SHEET_ORDER = ("priority", "mandates", "commitments", "milestones", "progress", "changes", "sources")
FREEZE = {"sources": "A2", "commitments": "C2"}  # the columns that stay in view while scrolling right
REPEAT_COLUMNS = {"commitments": 2}  # too wide for one page: id and title print on every page instead


@dataclass
class PackData:
    """What the database says about the scope: one frame per query."""

    commitments: pd.DataFrame
    ratings: pd.DataFrame
    milestones: pd.DataFrame
    progress: pd.DataFrame
    events: pd.DataFrame
    sources: pd.DataFrame
    watched: pd.DataFrame
    headline: dict
    plan_figures: pd.DataFrame
    options: dict
    mandates: pd.DataFrame
    link_checks: pd.DataFrame
    signals: Signals


def read_pack_data(cur, scope: Filters, today: date) -> PackData:
    c = queries.export_commitments(cur, scope, today)
    in_scope = set(c["commitment_id"])
    watched = queries.watchlist(cur, today)
    milestones, progress = queries.export_milestones(cur, scope, today), queries.export_progress(cur, scope, today)
    events, sources = queries.export_events(cur, scope, today), queries.export_sources(cur, scope, today)
    mandates = queries.export_mandates(cur, scope, today)
    watched = watched[watched["commitment_id"].isin(in_scope)].reset_index(drop=True)
    return PackData(
        commitments=c, ratings=queries.export_ratings(cur, scope, today), milestones=milestones, progress=progress,
        events=events, sources=sources,
        watched=watched,
        headline=queries.headline(cur, scope, today),
        plan_figures=queries.plan_summaries(cur, list(scope.plan)) if scope.plan else pd.DataFrame(),
        options=queries.filter_options(cur), mandates=mandates,
        link_checks=queries.link_checks(cur, cited([c, milestones, progress, events, sources, mandates])),
        signals=read_signals(cur, watched, today))


def read_signals(cur, watched: pd.DataFrame, today: date) -> Signals:
    """Staleness of the priority commitments' members (their whole portfolios) and lead institutions, and their
    plans' pace: the figures the Priority sheet puts beside each one."""
    if watched.empty:
        nobody = pd.DataFrame(columns=["group_id"])
        return Signals(nobody, nobody, pd.DataFrame(columns=["action_plan_id"]))
    members, plans = tuple(watched["member_code"].dropna().unique()), tuple(watched["action_plan_id"].unique())
    return Signals(queries.staleness(cur, Filters(member=members), "member", today),
                   queries.staleness(cur, Filters(), "lead", today), queries.plan_pace(cur, Filters(plan=plans), today))


def pack_tables(data: PackData, lang: str, since: date | None, today: date) -> dict[str, Table]:
    """Every sheet's table, keyed as SHEET_ORDER, each link column followed by its link check; also what the CSV
    export writes."""
    notes = LinkNotes(data.link_checks, lang)
    return {key: with_link_checks(table, notes) for key, table in _tables(data, lang, since, today).items()}


def _tables(data: PackData, lang: str, since: date | None, today: date) -> dict[str, Table]:
    titles = data.commitments.set_index("commitment_id")["title"]
    return {
        "priority": priority_table(data.watched, data.events, lang, today, data.mandates, data.signals),
        "mandates": mandates_table(data.mandates, lang),
        "commitments": commitments_table(data.commitments, data.ratings, lang),
        "milestones": milestones_table(data.milestones, titles, lang),
        "progress": progress_table(data.progress, lang),
        "changes": changes_table(since, data.commitments, data.ratings, data.progress, data.events,
                                 data.milestones, lang, today),
        "sources": sources_table(data.sources, lang),
    }


def sheet_name(key: str, lang: str, since: date | None) -> str:
    if key == "changes" and since:
        return t("export.sheet.changes_since", lang, date=since.isoformat())
    return t(f"export.sheet.{key}", lang)


def build_pack(cur, scope: Filters, *, lang: str = "en", since: date | None = None,
               today: date | None = None) -> bytes:
    """The meeting pack for `scope` as xlsx bytes. An empty scope gives a pack that says it is empty."""
    lang, today = language(lang), today or date.today()
    data = read_pack_data(cur, scope, today)
    tables = pack_tables(data, lang, since, today)
    wb, report = Workbook(), safe.Report()
    summary = wb.active
    summary.title = t("export.sheet.summary", lang)
    styles = style_ids(wb)
    bodies = {}
    facts = _facts(data, tables, scope, lang, since, today)
    for position, key in enumerate(SHEET_ORDER, start=2):
        ws = wb.create_sheet(sheet_name(key, lang, since))
        bodies[position] = write_table(ws, tables[key], report, lang, styles, freeze=FREEZE.get(key, "B2"))
        print_layout(ws, scope_text=facts.scope_text, lang=lang, columns=len(tables[key].frame.columns),
                     rows=bodies[position].last_row, repeat_columns=REPEAT_COLUMNS.get(key, 0))
    write_summary(summary, facts, report, lang)
    print_layout(summary, scope_text=facts.scope_text, lang=lang, columns=summary.max_column, rows=summary.max_row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return splice(buffer.getvalue(), bodies)


def _facts(data: PackData, tables: dict[str, Table], scope: Filters, lang: str, since: date | None,
           today: date) -> SummaryFacts:
    scope_text, filters_text = describe(scope, data.options, lang)
    contents = [(t("export.sheet.summary", lang), None, t("export.sheet_help.summary", lang))]
    contents += [(sheet_name(k, lang, since), len(tables[k].frame), t(f"export.sheet_help.{k}", lang))
                 for k in SHEET_ORDER]
    files = (data.sources.dropna(subset=["sha256"]).drop_duplicates("sha256")
             .sort_values("loaded_at")[["file_name", "kind", "loaded_at", "sha256"]])
    return SummaryFacts(scope_text, filters_text, today, since, db.now_utc(), contents, data.headline,
                        data.commitments, data.plan_figures, files)


CHANGE_READS = (queries.export_commitments, queries.export_ratings, queries.export_progress, queries.export_events,
                queries.export_milestones)


def read_changes(cur, scope: Filters, today: date) -> tuple[pd.DataFrame, ...]:
    """What the Changes sheet is built from: commitments, ratings, progress, events, milestones of the scope."""
    return tuple(read(cur, scope, today) for read in CHANGE_READS)


def changes_since(cur, scope: Filters, since: date, today: date, lang: str = "en") -> Table:
    """The pack's Changes sheet for a page or an API: the same queries and the same rule, so the same rows."""
    c, ratings, progress, events, milestones = read_changes(cur, scope, today)
    return changes_table(since, c, ratings, progress, events, milestones, language(lang), today)
