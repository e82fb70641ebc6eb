"""What the pack says about each link it lists: dead (with its last check and where to look for a copy),
what the last check found otherwise, or unchecked.

Dead is monitor.linkcheck's one rule (a 404 or 410), so a sheet marks exactly the links a page marks; a time-out
or an unreachable network says nothing about a page and is never written as dead.
"""
from __future__ import annotations

import pandas as pd

from monitor import linkcheck
from monitor.export.frames import LONG, URL, Table, is_missing, map_unique
from monitor.i18n import fmt_date, t
from vocabulary.links import web_urls

# Columns of the raw frames that hold cited links: read_pack_data asks for the checks of these only.
LINK_SOURCES = ("ogp_url", "source_url", "evidence")
# Besides every URL column, the columns whose text holds links (several per cell), by column key.
LINK_TEXT = {"progress": ("evidence",)}


def cited(frames: list[pd.DataFrame]) -> list[str]:
    """Every web address the pack's frames cite, once each, sorted: what to look up in link_check."""
    texts = {v for f in frames for c in LINK_SOURCES if c in f.columns for v in f[c].dropna().unique()}
    return sorted({u for text in texts if isinstance(text, str) for u in web_urls(text)})


class LinkNotes:
    """The latest check of each link, worded in one language."""

    def __init__(self, checks: pd.DataFrame, lang: str):
        self.lang = lang
        self.checks = {r["url"]: r for r in checks.to_dict("records")}
        self.dead = linkcheck.dead_urls(checks)

    def note(self, url: str) -> str:
        check = self.checks.get(url)
        if check is None or check["outcome"] == linkcheck.REFUSED_URL:
            return t("export.link.unchecked", self.lang)
        status = next((int(s) for s in (check["final_status"], check["status_code"]) if not is_missing(s)), "")
        when = fmt_date(check["checked_at"], self.lang)
        if url in self.dead:
            return t("export.link.dead", self.lang, status=status, date=when, archive=linkcheck.archive_link(url))
        return t(f"export.link.{check['outcome']}", self.lang, status=status, date=when)

    def cell(self, text) -> str | None:
        """One note when every link of the cell has the same (a single link, all unchecked); otherwise
        'address: note' per line, so a reader sees which of several died."""
        urls = web_urls(text) if isinstance(text, str) else []
        notes = [self.note(u) for u in urls]
        if len(set(notes)) == 1:
            return notes[0]
        return "\n".join(f"{u}: {n}" for u, n in zip(urls, notes)) or None


def with_link_checks(table: Table, notes: LinkNotes) -> Table:
    """The table with a 'link check' column after each column that lists links."""
    text_columns = {t(f"export.col.{key}", notes.lang) for key in LINK_TEXT.get(table.key, ())}
    frame, kinds = {}, {}
    for header in table.frame.columns:
        frame[header], kinds[header] = table.frame[header], table.kinds.get(header, "")
        if kinds[header] == URL or header in text_columns:
            checked = t("export.link.column", notes.lang, column=header)
            frame[checked], kinds[checked] = map_unique(table.frame[header], notes.cell), LONG
    return Table(table.key, pd.DataFrame(frame, index=table.frame.index), kinds, table.colour_column,
                 table.colour_targets, table.flag_column, table.flag_targets)
