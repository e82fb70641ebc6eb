"""Links from the pages to the API: Atom feeds of changes, and a commitment's status badge with its embed snippet.

The URLs come from monitor.api.paths (the same registry the routes use); the API itself is app.py's.
"""
from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

import streamlit as st

from monitor.api import paths
from webui import pages
from webui.components import md, small
from webui.data import view
from webui.language import lang, tr

FEED_LABEL = {"commitment": "api.link.feed", "member": "api.link.member_feed", "plan": "api.link.plan_feed",
              "watchlist": "api.link.watchlist_feed"}


def origin() -> str:
    """http://host:port of the page being viewed: embed snippets need absolute URLs."""
    parts = urlsplit(st.context.url or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def feed_link(kind: str, key: str | None = None) -> None:
    """A link to the Atom feed of `kind` (commitment, member, plan, watchlist) in the reader's language."""
    st.markdown(feed_markdown(kind, key))


def feed_markdown(kind: str, key: str | None = None) -> str:
    return f":material/rss_feed: [{md(tr(FEED_LABEL[kind]))}]({paths.feed(kind, key, lang())})"


def scope_feed_links(member: tuple[str, ...], plan: tuple[str, ...]) -> None:
    """On the overview: the feed of the one plan, or the one member, the filters narrow it to."""
    if len(plan) == 1 and paths.ID.match(plan[0]):
        feed_link("plan", plan[0])
    elif len(member) == 1 and paths.ID.match(member[0]):
        feed_link("member", member[0])


def commitment_links(commitment_id: str) -> None:
    """The commitment's feed, its JSON, and its badge with the snippet that embeds it elsewhere: three elements
    (the page sends each one), drawn once per address and language, then replayed (webui.data.view)."""
    _links(commitment_id, origin())


@view
def _links(commitment_id: str, base: str) -> None:
    lg = lang()
    badge = paths.badge(commitment_id, lg)
    json_link = f":material/data_object: [{md(tr('api.link.json'))}]({paths.commitment(commitment_id)})"
    st.markdown(f"{feed_markdown('commitment', commitment_id)} · {json_link}\n\n"
                f"![{md(tr('api.link.badge'))} {md(commitment_id)}]({badge})")
    page = base + pages.url("commitment", lg, id=commitment_id)
    snippet = (f'<a href="{html.escape(page)}"><img src="{html.escape(base + badge)}" '
               f'alt="{html.escape(tr("api.link.badge"))} {html.escape(commitment_id)}"></a>')
    with st.expander(tr("api.link.embed")):
        st.markdown(f"{small(tr('api.link.embed_help'))}\n\n{fenced(snippet, 'html')}\n\n"
                    + fenced(f"[![{tr('api.link.badge')} {commitment_id}]({base + badge})]({page})", "markdown"))


def fenced(code: str, language: str) -> str:
    """`code` as a markdown code block it cannot close: the fence is longer than any run of backticks in it."""
    fence = "`" * max(3, 1 + max(map(len, re.findall("`+", code)), default=0))
    return f"{fence}{language}\n{code}\n{fence}"
