"""Compare: one member's plans over time, members side by side, one policy area across members.
The sidebar filters apply to all three."""
from dataclasses import replace

import pandas as pd
import streamlit as st

from monitor import charts, treemap
from monitor.i18n import plan_label
from vocabulary.status import COLOURS
from webui import pages
from webui.components import id_column, rag_text, with_status_colours
from webui.data import is_empty_database, read, view
from webui.downloads import download_table
from webui.filters import sidebar_filters
from webui.language import lang, tr

FAVOURITE_MEMBER = "MEX"
FAVOURITE_AREAS = ("Data Stewardship and Privacy", "Civic Space and Enabling Environment")


def figures_table(data: pd.DataFrame, label: pd.Series) -> pd.DataFrame:
    """Counts and shares in words a meeting can read; 'not yet assessed' is a count, never a zero rate."""
    def share(part, whole):
        return [f"{p / w:.0%}" if w else tr("missing.not_assessed") for p, w in zip(part, whole)]

    return pd.DataFrame({
        tr("compare.group"): label,
        tr("overview.commitments"): data["commitments"],
        tr("overview.red"): data["red"], tr("overview.amber"): data["amber"],
        tr("overview.green"): data["green"], tr("overview.grey"): data["grey"],
        tr("compare.irm_assessed"): data["irm_assessed"],
        tr("compare.high_completion"): share(data["high_completion"], data["irm_assessed"]),
        tr("compare.strong_results"): share(data["strong_results"], data["results_assessed"]),
        tr("compare.high_ambition"): data["high_ambition"],
        tr("indicator.starred"): data["starred"],
    })


@view
def figures(scope, by: str, key: str) -> pd.DataFrame | None:
    """The status mix per plan or member as bars, and the figures table; returns the table for its download."""
    data = read("compare", scope, by)
    if data.empty:
        st.info(tr("empty.filters"))
        return None
    if by == "action_plan_id":
        plans = {p[0]: plan_label(p, lang()) for p in read("filter_options")["plans"]}
        label = data["action_plan_id"].map(lambda p: plans.get(p, p))
    else:
        label = data["member_name"].fillna(data["member_code"])
    words = {colour: tr(f"overview.{colour}") for colour in COLOURS}
    titles = (tr("compare.group"), tr("col.status"), tr("overview.count"))
    segments, spec = charts.status_mix(data, label, words, titles)
    st.vega_lite_chart(segments, spec, key=f"chart_{key}", alt=tr("compare.chart", what=tr(f"compare.{key}")))
    table = figures_table(data, label)
    st.dataframe(table, hide_index=True, key=f"table_{key}")
    return table


def show(scope, by: str, key: str) -> None:
    table = figures(scope, by, key)
    if table is not None:
        download_table(table, f"compare_{key}", key=f"dl_{key}")


@view
def area_commitments(scope) -> None:
    rows = read("commitments", scope, limit=500)
    table = pd.DataFrame({
        tr("col.id"): rows["commitment_id"].map(pages.commitment_href),
        tr("col.status"): rows["rag"].map(rag_text),
        tr("col.member"): rows["member_name"], tr("col.title"): rows["title"],
    })
    st.dataframe(with_status_colours(table, tr("col.status"), rows["rag"]), hide_index=True,
                 key="area_commitments", column_config={tr("col.id"): id_column()})


def plans_over_time(filters, options) -> None:
    members = dict(options["members"])
    default = list(members).index(FAVOURITE_MEMBER) if FAVOURITE_MEMBER in members else 0
    member = st.selectbox(tr("filters.member"), list(members), index=default, format_func=members.get,
                          key="compare_member")
    show(replace(filters, member=(member,)), "action_plan_id", "plans")


def members_side_by_side(filters) -> None:
    show(filters, "member_code", "members")


def policy_area(filters, options) -> None:
    areas = options["policy_areas"]
    if not areas:
        st.info(tr("empty.policy_areas"))
        return
    default = next((areas.index(a) for a in FAVOURITE_AREAS if a in areas), 0)
    area = st.selectbox(tr("filters.policy_area"), areas, index=default, key="compare_area")
    scoped = replace(filters, policy_area=(area,))
    show(scoped, "member_code", "area")
    area_commitments(scoped)


def portfolio_map(filters) -> None:
    """Region > member > plan > commitment, sized by commitments, coloured by status: a click on a commitment
    opens its page, a click on a member applies the member filter."""
    rows = read("commitments", filters, limit=5000)
    if rows.empty:
        st.info(tr("empty.filters"))
        return
    plans = {p[0]: plan_label(p, lang()) for p in read("filter_options")["plans"]}
    rows = rows.assign(plan=rows["action_plan_id"].map(lambda p: plans.get(p, p)))
    words = {code: rag_text(code) for code in ("not_started", "overdue", "in_progress", "on_track", "complete",
                                               "withdrawn", "unknown")}
    tree = treemap.nodes(rows, words, tr("missing.not_yet_coded"))
    st.caption(tr("story.map_help"))
    try:
        fig = treemap.figure(tree)
    except ImportError:  # requirements.txt pins plotly; an environment without it still shows the other tabs
        st.warning(tr("story.map_needs_plotly"))
        return
    event = st.plotly_chart(fig, on_select="rerun", selection_mode="points", key="portfolio_map",
                            width="stretch")
    open_picked(treemap.picked(list(event.selection.points) if event and event.selection else [], tree))


def open_picked(choice) -> None:
    if choice is None:
        return
    kind, key = choice
    if kind == "commitment":
        st.switch_page(pages.file("commitment"), query_params={"id": key})
    elif kind == "member" and st.query_params.get("member") != key:
        st.query_params["member"] = key
        st.rerun()


st.title(tr("compare.title"))
filters = sidebar_filters()
if is_empty_database():
    st.info(tr("empty.database"))
    st.stop()
options = read("filter_options")
over_time, side_by_side, by_area, mapped = st.tabs([tr("compare.plans"), tr("compare.members"), tr("compare.area"),
                                                   tr("story.map")])
with over_time:
    plans_over_time(filters, options)
with side_by_side:
    members_side_by_side(filters)
with by_area:
    policy_area(filters, options)
with mapped:
    portfolio_map(filters)
