"""Compare: one member's plans over time, members side by side, one policy area across members.
The sidebar filters apply to all three."""
from dataclasses import replace

import pandas as pd
import streamlit as st

from monitor import charts, web

FAVOURITE_MEMBER = "MEX"
FAVOURITE_AREAS = ("Data Stewardship and Privacy", "Civic Space and Enabling Environment")
SERIES = (("red", "#B22222"), ("amber", "#E69F00"), ("green", "#2E7D32"), ("grey", "#9E9E9E"))  # status, colour


def figures_table(data: pd.DataFrame, label: pd.Series) -> pd.DataFrame:
    """Counts and shares in words a meeting can read; 'not yet assessed' is a count, never a zero rate."""
    def share(part, whole):
        return [f"{p / w:.0%}" if w else web.tr("missing.not_assessed") for p, w in zip(part, whole)]

    return pd.DataFrame({
        web.tr("compare.group"): label,
        web.tr("overview.commitments"): data["commitments"],
        web.tr("overview.red"): data["red"], web.tr("overview.amber"): data["amber"],
        web.tr("overview.green"): data["green"], web.tr("overview.grey"): data["grey"],
        web.tr("compare.irm_assessed"): data["irm_assessed"],
        web.tr("compare.high_completion"): share(data["high_completion"], data["irm_assessed"]),
        web.tr("compare.strong_results"): share(data["strong_results"], data["results_assessed"]),
        web.tr("compare.high_ambition"): data["high_ambition"],
        web.tr("indicator.starred"): data["starred"],
    })


def bars(data: pd.DataFrame, label: pd.Series) -> tuple:
    """Status mix per plan or member as stacked bars, as on the overview (monitor/charts.py): (data, spec)."""
    segments = pd.concat([pd.DataFrame({"group": label.to_numpy(), "value": web.tr(f"overview.{rag}"),
                                        "n": data[rag].fillna(0).to_numpy()}) for rag, _ in SERIES],
                         ignore_index=True)
    series = [(web.tr(f"overview.{rag}"), colour) for rag, colour in SERIES]
    titles = (web.tr("compare.group"), web.tr("col.status"), web.tr("overview.count"))
    return charts.stacked_bars(segments, series, titles, step=28, columns=2)


def show(data: pd.DataFrame, label: pd.Series, key: str) -> None:
    if data.empty:
        st.info(web.tr("empty.filters"))
        return
    segments, spec = bars(data, label)
    st.vega_lite_chart(segments, spec, key=f"chart_{key}", alt=web.tr("compare.chart", what=web.tr(f"compare.{key}")))
    table = figures_table(data, label)
    st.dataframe(table, hide_index=True, key=f"table_{key}")
    web.download_table(table, f"compare_{key}", key=f"dl_{key}")


def plans_over_time(filters, options) -> None:
    members = dict(options["members"])
    default = list(members).index(FAVOURITE_MEMBER) if FAVOURITE_MEMBER in members else 0
    member = st.selectbox(web.tr("filters.member"), list(members), index=default, format_func=members.get,
                          key="compare_member")
    data = web.read("compare", replace(filters, member=(member,)), "action_plan_id")
    plans = {p[0]: web.plan_label(p, web.lang()) for p in options["plans"]}
    show(data, data["action_plan_id"].map(lambda p: plans.get(p, p)), "plans")


def members_side_by_side(filters) -> None:
    data = web.read("compare", filters, "member_code")
    show(data, data["member_name"].fillna(data["member_code"]), "members")


def policy_area(filters, options) -> None:
    areas = options["policy_areas"]
    if not areas:
        st.info(web.tr("empty.policy_areas"))
        return
    default = next((areas.index(a) for a in FAVOURITE_AREAS if a in areas), 0)
    area = st.selectbox(web.tr("filters.policy_area"), areas, index=default, key="compare_area")
    scoped = replace(filters, policy_area=(area,))
    data = web.read("compare", scoped, "member_code")
    show(data, data["member_name"].fillna(data["member_code"]), "area")
    rows = web.read("commitments", scoped, limit=500)
    table = pd.DataFrame({
        web.tr("col.id"): rows["commitment_id"].map(web.commitment_href),
        web.tr("col.status"): rows["rag"].map(web.rag_text),
        web.tr("col.member"): rows["member_name"], web.tr("col.title"): rows["title"],
    })
    st.dataframe(web.with_status_colours(table, web.tr("col.status"), rows["rag"]), hide_index=True,
                 key="area_commitments", column_config={
        web.tr("col.id"): st.column_config.LinkColumn(display_text=r"id=([A-Za-z0-9_.-]+)", width="small")})


st.title(web.tr("compare.title"))
filters = web.sidebar_filters()
if web.is_empty_database():
    st.info(web.tr("empty.database"))
    st.stop()
options = web.read("filter_options")
over_time, side_by_side, by_area = st.tabs([web.tr("compare.plans"), web.tr("compare.members"),
                                             web.tr("compare.area")])
with over_time:
    plans_over_time(filters, options)
with side_by_side:
    members_side_by_side(filters)
with by_area:
    policy_area(filters, options)
