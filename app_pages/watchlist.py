"""Priority watchlist for the Support Unit: watched commitments across members, worst first, and
what to raise about each. If the flagship commitment is not first, the page says why."""
from datetime import date

import pandas as pd
import streamlit as st

from monitor.filters import Filters
from monitor.i18n import in_language
from monitor.metrics import pace_text, what_to_raise
from webui import pages
from webui.changes import changes_section
from webui.components import fmt, id_column, rag_text, watch_card, with_status_colours
from webui.data import plain, read, view
from webui.downloads import download_table
from webui.language import lang, tr
from webui.subscribe import feed_link

FLAGSHIP = "MX0081"


def table(rows: list[dict]) -> pd.DataFrame:
    """The watchlist as a table; returns it as the CSV download has it (plain ids, not links)."""
    lg = lang()
    mandates = latest_mandates([r["commitment_id"] for r in rows])
    shown = pd.DataFrame({
        "#": range(1, len(rows) + 1),
        tr("col.id"): [pages.commitment_href(r["commitment_id"]) for r in rows],
        tr("col.status"): [rag_text(r["rag"]) for r in rows],
        tr("col.member"): [r["member_name"] for r in rows],
        tr("col.title"): [in_language(r, "title", lg) for r in rows],
        tr("watchlist.reason"): [in_language(r, "watch_reason", lg) for r in rows],
        tr("watchlist.since"): [fmt(r["watched_since"]) for r in rows],
        tr("col.days_since_update"): [r["days_since_update"] for r in rows],
        tr("watchlist.overdue"): [r["count_overdue_milestones"] for r in rows],
        tr("watchlist.next_due"): [fmt(r["next_due_date"]) for r in rows],
        tr("watchlist.disagree"): [tr("ui.yes") if r["assessors_disagree"] else tr("ui.no") for r in rows],
        tr("raise.title"): [what_to_raise(r, lg, mandate=mandates.get(r["commitment_id"])) for r in rows],
    })
    st.dataframe(with_status_colours(shown, tr("col.status"), [r["rag"] for r in rows]), hide_index=True,
                 key="watchlist_table", column_config={
        tr("col.id"): id_column(), tr("raise.title"): st.column_config.TextColumn(width="large")})
    return shown.assign(**{tr("col.id"): [r["commitment_id"] for r in rows]})


def cards(rows: list[dict]) -> None:
    mandates = latest_mandates([r["commitment_id"] for r in rows])
    for position, r in enumerate(rows, start=1):
        watch_card(r, position, mandates.get(r["commitment_id"]))


def latest_mandates(ids: list[str]) -> dict[str, dict]:
    """Per commitment, the most recent request about it (the one that put it on the list, as a rule)."""
    found = read("mandates", commitment_ids=ids)
    return {m["commitment_id"]: m for m in (plain(r) for r in found.to_dict("records"))}


def flagship_note(rows: list[dict]) -> None:
    """The flagship should lead; when it does not, say which rule put another commitment ahead."""
    ids = [r["commitment_id"] for r in rows]
    if FLAGSHIP not in ids:
        st.warning(tr("watchlist.flagship_absent", id=FLAGSHIP))
    elif ids[0] == FLAGSHIP:
        st.success(tr("watchlist.flagship_first", id=FLAGSHIP, status=rag_text(rows[0]["rag"])))
    else:
        first, mine = rows[0], rows[ids.index(FLAGSHIP)]
        st.info(tr("watchlist.flagship_behind", id=FLAGSHIP, position=ids.index(FLAGSHIP) + 1,
                   first=first["commitment_id"], first_status=rag_text(first["rag"]),
                   status=rag_text(mine["rag"]), first_overdue=first["count_overdue_milestones"],
                   overdue=mine["count_overdue_milestones"]))


def staleness_table(by: str) -> None:
    """Per member or lead institution, worst first: how long since anyone said anything, and how much is done."""
    data = read("staleness", Filters(), by=by, today=date.today())
    st.markdown(f"**{tr(f'story.stale_by_{by}')}**")
    if data.empty:
        st.info(tr("story.no_staleness"))
        return
    share = lambda v: "" if v is None or v != v else f"{v:.0%}"  # noqa: E731
    st.dataframe(pd.DataFrame({
        tr(f"story.group_{by}"): data["group_name"].fillna(data["group_id"]).fillna(tr("ui.not_recorded")),
        tr("story.commitments"): data["commitments"],
        tr("story.last_statement"): data["last_statement"].map(fmt),
        tr("story.days_since_statement"): data["days_since_statement"],
        tr("story.silent_6m"): data["share_silent_6m"].map(share),
        tr("story.silent_12m"): data["share_silent_12m"].map(share),
        tr("story.milestones_done_due"): [f"{int(d)} / {int(u)}" for d, u in
                                          zip(data["milestones_done"], data["milestones_due"])],
    }), hide_index=True, key=f"staleness_{by}")


def pace_table() -> None:
    today = date.today()
    data = read("plan_pace", Filters(), today)
    st.markdown(f"**{tr('story.pace')}**")
    if data.empty:
        st.info(tr("story.no_staleness"))
        return
    rows = sorted((plain(r) for r in data.to_dict("records")),
                  key=lambda r: (-(r["milestones_with_status"] or 0), r["action_plan_id"]))
    st.dataframe(pd.DataFrame({
        tr("filters.plan"): [f"{r['member_name']} {tr('ui.plan_short')}{r['plan_number']}" for r in rows],
        tr("story.plan_dates"): [f"{fmt(r['plan_start'])} → {fmt(r['plan_end'])}" for r in rows],
        tr("story.pace_range_title"): [pace_text(r, today, lang()) for r in rows],
    }), hide_index=True, key="pace_table",
        column_config={tr("story.pace_range_title"): st.column_config.TextColumn(width="large")})


@view
def signals() -> None:
    """Staleness per member and per lead institution, and each plan's pace, across the whole portfolio."""
    st.subheader(tr("story.signals"))
    st.caption(tr("story.signals_help"))
    staleness_table("member")
    staleness_table("lead")
    pace_table()


@view
def watchlist() -> pd.DataFrame | None:
    """The note on the flagship, a card per watched commitment and the table; None when nothing is watched."""
    data = read("watchlist")
    if data.empty:
        st.info(tr("empty.watchlist"))
        pages.link("data")
        return None
    watched = [plain(r) for r in data.to_dict("records")]
    flagship_note(watched)
    cards(watched)
    st.subheader(tr("watchlist.table"))
    return table(watched)


st.title(tr("watchlist.title"))
st.caption(tr("watchlist.help"))
feed_link("watchlist")
shown = watchlist()
if shown is None:
    st.stop()
download_table(shown, "watchlist", key="dl_watchlist")
changes_section(Filters(watched=True), key="changes_watchlist")
signals()
