"""What changed since a date, as the meeting pack's Changes sheet has it, for a page's scope. The date lives in the
URL (?since=YYYY-MM-DD) so a link shares it; without one, the date this session chose last, else 90 days ago."""
from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

from monitor.filters import Filters
from webui.data import changes
from webui.language import tr

CHOSEN = "_changes_since"  # session state: the last date this session chose
DEFAULT_DAYS = 90


def since_date() -> date:
    """?since= when it is a date, else this session's last choice, else 90 days ago; a new choice goes to both."""
    today = date.today()
    try:
        chosen = date.fromisoformat(st.query_params.get("since", ""))
    except ValueError:
        chosen = st.session_state.get(CHOSEN) or today - timedelta(days=DEFAULT_DAYS)
    chosen = min(chosen, today)
    picked = st.date_input(tr("story.since"), value=chosen, max_value=today, format="YYYY-MM-DD",
                           help=tr("story.since_help"))
    picked = picked if isinstance(picked, date) else chosen
    st.session_state[CHOSEN] = picked
    if st.query_params.get("since") != picked.isoformat():
        st.query_params["since"] = picked.isoformat()
    return picked


def changes_section(scope: Filters, key: str) -> None:
    """A date input, then each change since it with its source link: the pack's Changes sheet row for row."""
    st.subheader(tr("story.changes"))
    since = since_date()
    rows, links = changes(scope, since)
    if rows.empty:
        st.info(tr("story.no_changes", date=since.isoformat()))
        return
    st.caption(tr("story.changes_count", n=f"{len(rows):,}", date=since.isoformat()))
    st.dataframe(rows, hide_index=True, key=key, column_config={
        name: st.column_config.LinkColumn(display_text=tr("commitment.open_source")) for name in links})
