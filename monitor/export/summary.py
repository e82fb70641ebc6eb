"""The Summary sheet: what the pack covers in words, from which data, headline figures and two native charts.

Blocks are laid out top to bottom from explicit row numbers; each block returns the next free row.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from monitor.export import safe
from monitor.export.frames import DATE, DATETIME, INT, URL
from monitor.export.sheet import CellWriter
from monitor.export.styles import HEADER_ALIGN, HEADER_FILL, HEADER_FONT
from monitor.i18n import band_label, catalogue, completion_label, language, t
from vocabulary.status import COMPLETION_CODES, RESULTS_BANDS

CHART_ROWS = 16  # rows one chart covers at its default height
TITLE_FONT = Font(bold=True, size=16, color="1F4E78")
BLOCK_FONT = Font(bold=True, size=12, color="1F4E78")
LABEL_FONT = Font(bold=True)


@dataclass
class SummaryFacts:
    """Everything the Summary states, gathered by the pack builder before the sheet is drawn."""

    scope_text: str
    filters_text: str
    today: date
    since: date | None
    generated_at: datetime
    contents: list[tuple[str, int | None, str]]  # (sheet name, rows, what it holds)
    headline: dict
    commitments: pd.DataFrame
    plan_figures: pd.DataFrame
    source_files: pd.DataFrame


def write_summary(ws: Worksheet, facts: SummaryFacts, report: safe.Report, lang: str) -> None:
    w = CellWriter(ws, report, lang)
    w.text(1, 1, t("export.summary.title", lang, scope=facts.scope_text)).font = TITLE_FONT
    w.text(2, 1, t("app.tagline", lang))
    row = _about(w, facts, lang, 4)
    row = _table(w, row + 1, "export.summary.contents", ["sheet", "rows", "about"],
                 [list(c) for c in facts.contents], ["", INT, ""], lang)
    figures = [[t(f"export.figure.{k}", lang), int(v)] for k, v in facts.headline.items() if v == v]
    row = _table(w, row + 1, "export.summary.headline", ["figure", "value"], figures, ["", INT], lang)
    row = _charts(w, facts.commitments, row + 1, lang)
    if len(facts.plan_figures):
        row = _plan_figures(w, facts.plan_figures, row + 1, lang)
    row = _sources(w, facts.source_files, row + 1, lang)
    _notes(w, facts, report, row + 1, lang)
    for letter, width in zip("ABCDEF", (46, 16, 60, 24, 24, 50)):
        ws.column_dimensions[letter].width = width


def _about(w: CellWriter, facts: SummaryFacts, lang: str, row: int) -> int:
    since = facts.since if facts.since else t("export.summary.since_none", lang)
    latest = facts.source_files["loaded_at"].max() if len(facts.source_files) else None
    pairs = [("scope", facts.scope_text, ""), ("filters", facts.filters_text, ""),
             ("language", {"en": "English", "es": "Español"}[language(lang)], ""),
             ("today", facts.today, DATE), ("generated_at", facts.generated_at, DATETIME),
             ("since", since, DATE if facts.since else ""), ("data_as_of", latest, DATETIME)]
    for offset, (key, value, kind) in enumerate(pairs):
        w.text(row + offset, 1, t(f"export.summary.{key}", lang)).font = LABEL_FONT
        w.write(row + offset, 2, value, kind)
    return row + len(pairs)


def _header(w: CellWriter, row: int, labels: list[str]) -> None:
    for col, label in enumerate(labels, start=1):
        cell = w.text(row, col, label)
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, HEADER_ALIGN


def _table(w: CellWriter, row: int, title_key: str, columns: list[str], rows: list[list], kinds: list[str],
           lang: str, col_prefix: str = "export.summary.") -> int:
    """A titled block: title row, header row, data rows; returns the row after it."""
    w.text(row, 1, t(title_key, lang)).font = BLOCK_FONT
    _header(w, row + 1, [t(col_prefix + c, lang) for c in columns])
    for r, values in enumerate(rows, start=row + 2):
        for c, (value, kind) in enumerate(zip(values, kinds), start=1):
            w.write(r, c, value, kind)
    return row + 2 + len(rows)


def distribution(values: pd.Series, order: tuple[str, ...], label) -> list[list]:
    """Counts in the scale's order, unknown last as 'not yet assessed'; empty categories kept (a chart shows zeros)."""
    counts = values.fillna("__none__").value_counts()
    rows = [[label(code), int(counts.get(code, 0))] for code in order]
    return rows + [[label(None), int(counts.get("__none__", 0))]]


def _charts(w: CellWriter, c: pd.DataFrame, row: int, lang: str) -> int:
    """Two small tables and a native bar chart beside each: completion, then early results."""
    w.text(row, 1, t("export.summary.charts", lang)).font = BLOCK_FONT
    blocks = [("chart_completion",
               distribution(c["irm_completion"], COMPLETION_CODES, lambda v: completion_label(v, lang))),
              ("chart_results",
               distribution(c["results_band"], RESULTS_BANDS, lambda v: band_label("results", v, lang)))]
    top = row + 1
    for key, rows in blocks:
        _header(w, top, [t("export.summary.category", lang), t("export.summary.count", lang)])
        for r, (label, count) in enumerate(rows, start=top + 1):
            w.write(r, 1, label)
            w.write(r, 2, count, INT)
        if len(c):
            w.ws.add_chart(_bar_chart(w.ws, t(f"export.summary.{key}", lang), top, len(rows)), f"D{top}")
        top += max(len(rows) + 2, CHART_ROWS)
    return top


def _bar_chart(ws: Worksheet, title: str, header_row: int, count: int) -> BarChart:
    chart = BarChart()
    chart.type, chart.style, chart.title, chart.legend = "bar", 10, title, None
    data = Reference(ws, min_col=2, min_row=header_row, max_row=header_row + count)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=header_row + 1, max_row=header_row + count))
    chart.height, chart.width = 7.5, 16
    return chart


def _indicator(code: str, lang: str) -> str:
    key = f"indicator.{code}"
    return t(key, lang) if key in catalogue("en") else code.replace("_", " ")


def _plan_figures(w: CellWriter, p: pd.DataFrame, row: int, lang: str) -> int:
    rows = [[r["action_plan_id"], r["report"], _indicator(r["indicator"], lang),
             r["qualifier"].replace("_", " ") if r["qualifier"] else None, r["value_raw"], r["source_url"]]
            for r in p.to_dict("records")]
    columns = ["plan", "report", "indicator", "qualifier", "value", "source_url"]
    return _table(w, row, "export.summary.plan_figures", columns, rows, ["", "", "", "", "", URL], lang,
                  col_prefix="export.col.")


def _sources(w: CellWriter, files: pd.DataFrame, row: int, lang: str) -> int:
    rows = [[r["file_name"], r["kind"], r["loaded_at"], r["sha256"]] for r in files.to_dict("records")]
    return _table(w, row, "export.summary.source_files", ["file_name", "kind", "loaded_at", "sha256"], rows,
                  ["", "", DATETIME, ""], lang, col_prefix="export.col.")


def _notes(w: CellWriter, facts: SummaryFacts, report: safe.Report, row: int, lang: str) -> None:
    """What the reader must know: an empty scope, no date chosen, and what the export boundary changed."""
    lines = [t("export.summary.empty", lang)] if not len(facts.commitments) else []
    if facts.since is None:
        lines.append(t("export.summary.since_none", lang))
    for kind in ("removed_controls", "truncated", "neutralised"):
        if getattr(report, kind):
            where = ", ".join(report.examples[kind])
            lines.append(t(f"export.summary.{kind}", lang, count=getattr(report, kind), where=where))
    lines.append(t("export.summary.rag_note", lang))
    w.text(row, 1, t("export.summary.notes", lang)).font = BLOCK_FONT
    for offset, line in enumerate(lines, start=1):
        w.text(row + offset, 1, line)
