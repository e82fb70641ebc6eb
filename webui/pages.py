"""The one registry of the dashboard's pages: file, URL, title, icon and sidebar section of each.

Every page link, every URL a table links to and the navigation come from here. The files live in
app_pages/, never pages/: Streamlit runs a `pages/` folder beside the entry point as a legacy multipage
app until a session has run st.navigation, so a shared link on a fresh server would skip the entry point.
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

import streamlit as st

from webui import identity
from webui.language import lang, tr

FOLDER = "app_pages"
# an id in a commitment's URL: what a link column shows of /commitment?id=MX0081&lang=en
ID_IN_URL = r"id=([A-Za-z0-9_.-]+)"


@dataclass(frozen=True)
class Page:
    key: str       # file stem and URL path: app_pages/commitment.py, /commitment
    title: str     # catalogue keys
    section: str
    icon: str
    default: bool = False
    role: str = "public"  # the least role the sidebar lists it for (the page and the service layer check again)

    @property
    def file(self) -> str:
        return f"{FOLDER}/{self.key}.py"

    @property
    def path(self) -> str:
        return "/" if self.default else f"/{self.key}"


PAGES = (
    Page("overview", "nav.overview", "nav.monitor", ":material/dashboard:", default=True),
    Page("watchlist", "nav.watchlist", "nav.monitor", ":material/priority_high:"),
    Page("commitment", "nav.commitment", "nav.monitor", ":material/description:"),
    Page("compare", "nav.compare", "nav.monitor", ":material/compare_arrows:"),
    Page("case", "nav.case", "nav.monitor", ":material/gavel:"),
    Page("meeting_pack", "nav.meeting_pack", "nav.data", ":material/table_view:"),
    Page("data", "nav.import", "nav.data", ":material/upload_file:"),
    Page("review", "nav.review", "nav.data", ":material/fact_check:", role="civil_society"),
    Page("audit", "nav.audit", "nav.data", ":material/policy:", role="admin"),
)
BY_KEY = {p.key: p for p in PAGES}


def file(key: str) -> str:
    """The page's script, as st.page_link, st.switch_page and AppTest.switch_page take it."""
    return BY_KEY[key].file


def navigation():
    """st.navigation over the registry, sections and titles in the reader's language. A page for a role the
    visitor lacks is hidden from the sidebar but still answers its URL, saying what it is for."""
    who = identity.principal()
    sections: dict[str, list] = {}
    for p in PAGES:
        shown = "visible" if who.at_least(p.role) else "hidden"
        sections.setdefault(tr(p.section), []).append(
            st.Page(p.file, title=tr(p.title), icon=p.icon, url_path=p.key, default=p.default, visibility=shown))
    return st.navigation(sections)


def href(key: str, **params) -> str:
    """The page's URL with `params` and the reader's language: /commitment?id=MX0081&lang=es."""
    return url(key, lang(), **params)


def url(key: str, language: str, **params) -> str:
    """The page's URL in a given language, for callers outside a page run (the API's feeds and links)."""
    return f"{BY_KEY[key].path}?{urlencode({**params, 'lang': language})}"


def commitment_href(commitment_id: str) -> str:
    return href("commitment", id=commitment_id)


def link(key: str, container=st, label: str | None = None, icon: str | None = None, **params) -> None:
    """A link to the page, its title as the label unless given; params (with the language) go in its URL."""
    page = BY_KEY[key]
    query = {**params, "lang": lang()} if params else None
    container.page_link(page.file, label=label or tr(page.title), icon=icon or page.icon, query_params=query)
