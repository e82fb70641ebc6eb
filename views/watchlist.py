"""Priority watchlist for the Support Unit: watched commitments across members, worst first, and
what to raise about each. If the flagship commitment is not first, the page says why."""
import pandas as pd
import streamlit as st

from monitor import web
from monitor.i18n import in_language
from monitor.metrics import what_to_raise

FLAGSHIP = "MX0081"


def table(rows: list[dict]) -> None:
    lg = web.lang()
    shown = pd.DataFrame({
        "#": range(1, len(rows) + 1),
        web.tr("col.id"): [web.commitment_href(r["commitment_id"]) for r in rows],
        web.tr("col.status"): [web.rag_text(r["rag"]) for r in rows],
        web.tr("col.member"): [r["member_name"] for r in rows],
        web.tr("col.title"): [r["title_es"] if lg == "es" and r.get("title_es") else r["title"] for r in rows],
        web.tr("watchlist.reason"): [in_language(r, "watch_reason", lg) for r in rows],
        web.tr("watchlist.since"): [web.fmt(r["watched_since"]) for r in rows],
        web.tr("col.days_since_update"): [r["days_since_update"] for r in rows],
        web.tr("watchlist.overdue"): [r["count_overdue_milestones"] for r in rows],
        web.tr("watchlist.next_due"): [web.fmt(r["next_due_date"]) for r in rows],
        web.tr("watchlist.disagree"): [web.tr("ui.yes") if r["assessors_disagree"] else web.tr("ui.no") for r in rows],
        web.tr("raise.title"): [what_to_raise(r, lg) for r in rows],
    })
    st.dataframe(web.with_status_colours(shown, web.tr("col.status"), [r["rag"] for r in rows]), hide_index=True,
                 key="watchlist_table", column_config={
        web.tr("col.id"): st.column_config.LinkColumn(display_text=r"id=([A-Za-z0-9_.-]+)", width="small"),
        web.tr("raise.title"): st.column_config.TextColumn(width="large"),
    })
    web.download_table(shown.assign(**{web.tr("col.id"): [r["commitment_id"] for r in rows]}), "watchlist",
                       key="dl_watchlist")


def cards(rows: list[dict]) -> None:
    for position, r in enumerate(rows, start=1):
        web.watch_card(r, position)


def flagship_note(rows: list[dict]) -> None:
    """The flagship should lead; when it does not, say which rule put another commitment ahead."""
    ids = [r["commitment_id"] for r in rows]
    if FLAGSHIP not in ids:
        st.warning(web.tr("watchlist.flagship_absent", id=FLAGSHIP))
    elif ids[0] == FLAGSHIP:
        st.success(web.tr("watchlist.flagship_first", id=FLAGSHIP, status=web.rag_text(rows[0]["rag"])))
    else:
        first, mine = rows[0], rows[ids.index(FLAGSHIP)]
        st.info(web.tr("watchlist.flagship_behind", id=FLAGSHIP, position=ids.index(FLAGSHIP) + 1,
                       first=first["commitment_id"], first_status=web.rag_text(first["rag"]),
                       status=web.rag_text(mine["rag"]), first_overdue=first["count_overdue_milestones"],
                       overdue=mine["count_overdue_milestones"]))


st.title(web.tr("watchlist.title"))
st.caption(web.tr("watchlist.help"))
data = web.read("watchlist")
if data.empty:
    st.info(web.tr("empty.watchlist"))
    st.page_link("views/data.py", label=web.tr("nav.import"), icon=":material/upload_file:")
    st.stop()
watched = [web.plain(r) for r in data.to_dict("records")]
flagship_note(watched)
cards(watched)
st.subheader(web.tr("watchlist.table"))
table(watched)
