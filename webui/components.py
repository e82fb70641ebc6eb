"""Labels and small pieces every page draws: status words, badges and cell colours, the watched-commitment
card, markdown-safe text and links, dates in the reader's language."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from monitor.i18n import fmt_date, in_language
from monitor.metrics import what_to_raise
from monitor.palette import BADGE, CELL_STYLE
from vocabulary.links import is_web_url
from vocabulary.status import RAG_COLOUR
from webui import pages
from webui.data import as_date
from webui.language import lang, tr

MARKDOWN_SPECIALS = frozenset("\\`*_{}[]()#+-.!|<>~:$")


def rag_text(rag: str | None) -> str:
    return tr(f"rag.{rag or 'unknown'}")


def with_status_colours(table: pd.DataFrame, column: str, rags) -> pd.io.formats.style.Styler:
    """Colour the status cells by red/amber/green; the cell text already says the status in words."""
    styles = [CELL_STYLE[RAG_COLOUR.get(r or "unknown", "grey")] for r in rags]
    return table.style.apply(lambda _: styles, subset=[column], axis=0)


def highlight_rows(table: pd.DataFrame, column: str) -> pd.io.formats.style.Styler:
    """Rows whose `column` says something, in amber: the progress grid's disagreements."""
    return table.style.apply(lambda row: [CELL_STYLE["amber"] if row[column] else ""] * len(row), axis=1)


def id_column() -> st.column_config.LinkColumn:
    """A column of commitment URLs (pages.commitment_href) that shows each one's id."""
    return st.column_config.LinkColumn(display_text=pages.ID_IN_URL, width="small")


def rag_badge(rag: str | None, container=st) -> None:
    rag = rag or "unknown"
    container.badge(rag_text(rag), color=BADGE[RAG_COLOUR[rag]], help=tr(f"rag_help.{rag}"))


def watch_card(row: dict, position: int | None = None, mandate: dict | None = None) -> None:
    """One watched commitment: link, reason and since, the mandate behind it and its last follow-up, what to
    raise, status in words, days since an update."""
    lg = lang()
    with st.container(border=True):
        left, right = st.columns([4, 1])
        number = f"{position}. " if position else ""
        label = f"{number}{row['commitment_id']} · {in_language(row, 'title', lg)}"
        pages.link("commitment", left, label=label, icon=":material/open_in_new:", id=row["commitment_id"])
        left.caption(md(f"{row['member_name']} · {tr('watchlist.reason')}: {in_language(row, 'watch_reason', lg)} · "
                        f"{tr('watchlist.since')} {fmt(row['watched_since'])}"))
        if mandate:
            mandate_line(mandate, left)
        left.markdown(f"**{tr('raise.title')}:** {md(what_to_raise(row, lg, mandate=mandate))}")
        rag_badge(row["rag"], right)
        days = row["days_since_update"]
        right.caption(tr("watchlist.days_since", days=tr("missing.no_date") if days is None else f"{int(days):,}"))


def md(text) -> str:
    """Imported text for a markdown element: markdown syntax shown literally (HTML is escaped by Streamlit)."""
    if text is None or text != text:
        return ""
    return "".join("\\" + ch if ch in MARKDOWN_SPECIALS else ch for ch in str(text))


def small(text: str) -> str:
    """Markdown `text` looking like a caption, to share one element with other lines (a page pays for each element
    it sends). `text` must not hold an unescaped "]": catalogue text, or imported text through md()."""
    return f":small[:gray[{text}]]"


def md_link(text: str) -> str:
    """`text` as a markdown link when it is one web address (vocabulary.links), else as text that says it is not."""
    address = text.strip()
    if not is_web_url(address):
        return f"{md(text)} ({tr('commitment.not_a_link')})"
    return f"[{md(text)}]({address.replace('(', '%28').replace(')', '%29')})"


def fmt(value) -> str:
    """ISO date in the current language's words for 'no date' (Timestamps shown as dates, not datetimes)."""
    return fmt_date(as_date(value), lang())


def mandate_line(m: dict, container=st) -> None:
    """The request that put a commitment under watch, and its last follow-up (or none since the resolution),
    with a link to the case page; `m` is a row of monitor.queries.mandates."""
    lg = lang()
    request = tr("mandate.request_line", case=in_language(m, "case_title", lg), no=m["request_no"],
                 kind=tr(f"mandate.kind_{m['request_kind']}"), who=m["asked_of"])
    days = f"{int(m['days_since_follow_up']):,}" if m.get("days_since_follow_up") is not None else "?"
    when = (tr("mandate.since", date=fmt(m["last_follow_up_date"]), days=days) if m.get("last_follow_up_date")
            else tr("mandate.never", date=fmt(m["resolution_date"]), days=days))
    late = f" · **{tr('mandate.overdue', cadence=m['review_cadence_days'])}**" if m.get("is_follow_up_overdue") else ""
    container.markdown(f"**{tr('mandate.for_commitment')}:** {md(request)} · {md(when)}{late}")
    pages.link("case", container, label=tr("mandate.open_case", id=m["case_id"]), icon=":material/gavel:",
               id=m["case_id"])
