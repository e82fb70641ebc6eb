"""Compare: one member's plans over time, members side by side, one policy area across members.
The sidebar filters apply to all three."""
from dataclasses import replace

import pandas as pd
import streamlit as st

from monitor import web

FAVOURITE_MEMBER = "MEX"
FAVOURITE_AREAS = ("Data Stewardship and Privacy", "Civic Space and Enabling Environment")
# each status's colour, and the colour its counts are written in on it (black or white, whichever reads better)
SERIES = (("red", "#B22222", "#FFFFFF"), ("amber", "#E69F00", "#1B1F24"), ("green", "#2E7D32", "#FFFFFF"),
          ("grey", "#9E9E9E", "#1B1F24"))
OWN_INK = {"scale": {"color": "independent"}}  # as on the overview: the ink's colours stay out of the legend


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
    """Status mix per plan or member as horizontal stacked bars, as on the overview: each segment named in the
    legend and the tooltips, counted in the bar where it fits. Returns (data, Vega-Lite spec), a plain spec."""
    groups = list(dict.fromkeys(label))
    parts = [pd.DataFrame({"group": label.to_numpy(), "rank": rank, "value": web.tr(f"overview.{rag}"), "ink": ink,
                           "n": data[rag].fillna(0).astype(int).to_numpy()})
             for rank, (rag, _, ink) in enumerate(SERIES)]
    segments = pd.concat(parts, ignore_index=True).sort_values(["group", "rank"], kind="stable")
    segments["end"] = segments.groupby("group")["n"].cumsum()
    segments["start"] = segments["end"] - segments["n"]
    segments["middle"] = (segments["start"] + segments["end"]) / 2
    segments = segments[segments["n"] > 0]
    segments["says"] = segments["group"] + " · " + segments["value"] + ": " + segments["n"].astype(str)
    widest = int(segments.groupby("group")["n"].sum().max()) if len(segments) else 0
    shown = [(web.tr(f"overview.{rag}"), colour) for rag, colour, _ in SERIES if data[rag].fillna(0).sum() > 0]
    count = web.tr("overview.count")
    bar = {"mark": {"type": "bar"}, "encoding": {
        "x": {"field": "start", "type": "quantitative", "title": count, "axis": {"format": "d", "tickMinStep": 1}},
        "x2": {"field": "end"},
        "color": {"field": "value", "type": "nominal", "title": None, "sort": [s[0] for s in shown],
                  "scale": {"domain": [s[0] for s in shown], "range": [s[1] for s in shown]},
                  "legend": {"orient": "top", "direction": "horizontal", "columns": 2, "labelLimit": 300}},
        "tooltip": [{"field": "group", "type": "nominal", "title": web.tr("compare.group")},
                    {"field": "value", "type": "nominal", "title": web.tr("col.status")},
                    {"field": "n", "type": "quantitative", "title": count}],
        "description": {"field": "says", "type": "nominal"}}}
    # a count is written only where it fits: segments under 4% of the longest bar stay unlabelled
    text = {"mark": {"type": "text", "fontSize": 11, "aria": False},
            "transform": [{"filter": f"datum.n >= {0.04 * widest}"}],
            "encoding": {"x": {"field": "middle", "type": "quantitative"}, "text": {"field": "n", "type": "quantitative"},
                         "color": {"field": "ink", "type": "nominal", "scale": None}}}
    y = {"field": "group", "type": "nominal", "sort": groups, "title": None, "axis": {"labelLimit": 240}}
    return segments, {"height": {"step": 28}, "encoding": {"y": y}, "layer": [bar, text], "resolve": OWN_INK}


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
