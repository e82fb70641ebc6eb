"""Portfolio overview: headline figures, status at a glance, IRM distributions, the commitments table."""
import pandas as pd
import streamlit as st

from monitor import charts, web
from monitor.i18n import band_label, completion_label
from vocabulary.status import RAG_STATUSES

GREY = "#9E9E9E"
MANY = 20  # above this many bars a chart is unreadable: group by member, then by region
GROUP_TITLE = {"action_plan_id": "filters.plan", "member_code": "filters.member", "region": "filters.region"}


def headline(h: dict) -> None:
    row = st.columns(4)
    row[0].metric(web.tr("overview.commitments"), f"{h['commitments']:,}")
    row[1].metric(web.tr("overview.members"), f"{h['members']:,}")
    row[2].metric(web.tr("overview.plans"), f"{h['plans']:,}")
    row[3].metric(web.tr("overview.watched"), f"{h['watched']:,}")
    row = st.columns(4)
    row[0].metric(web.tr("overview.red"), f"{h['red']:,}", help=web.tr("overview.red_help"))
    row[1].metric(web.tr("overview.amber"), f"{h['amber']:,}", help=web.tr("overview.amber_help"))
    row[2].metric(web.tr("overview.green"), f"{h['green']:,}", help=web.tr("overview.green_help"))
    row[3].metric(web.tr("overview.grey"), f"{h['grey']:,}", help=web.tr("overview.grey_help"))
    st.caption(web.tr("overview.irm_line", assessed=f"{h['irm_assessed']:,}", high=f"{h['high_completion']:,}",
                      disagree=f"{h['disagreements']:,}"))


def priority() -> None:
    """The watched commitments first: the story the Support Unit opens the dashboard for."""
    watched = web.read("watchlist")
    if watched.empty:
        return
    st.subheader(web.tr("overview.priority"))
    for _, r in watched.head(5).iterrows():
        web.watch_card(web.plain(r.to_dict()))


def group_labels(by: str) -> dict:
    options = web.read("filter_options")
    if by == "action_plan_id":
        return {p[0]: web.plan_label(p, web.lang()) for p in options["plans"]}
    return dict(options["members"]) if by == "member_code" else {}  # regions are their own labels


def stacked(f, column: str, by: str, order: list, label, colour, value_title: str, columns: int = 4) -> tuple:
    """Counts of `column` per plan, member or region as stacked bars (monitor/charts.py): (data, spec).

    Vega-Lite rather than Plotly: Plotly's 4.7 MB script alone cost a fresh page about 1 s (BENCHMARKS.md)."""
    data = web.read("distribution", f, column, by)
    names = group_labels(by)
    uncoded = web.tr("missing.not_yet_coded")  # a member without a region, for one
    present = [v for v in order if v in set(data["value"])] + sorted(set(data["value"]) - set(order))
    segments = pd.DataFrame({"group": data["grp"].map(lambda g: uncoded if pd.isna(g) else names.get(g, g)),
                             "value": data["value"].map(label), "n": data["n"]})
    return charts.stacked_bars(segments, [(label(v), colour(v)) for v in present],
                               (web.tr(GROUP_TITLE[by]), value_title, web.tr("overview.count")), columns=columns)


def status_chart(f, by: str) -> None:
    shade = {"not_started": "#B22222", "overdue": "#E57373", "in_progress": "#E69F00", "on_track": "#81C784",
             "complete": "#2E7D32", "withdrawn": "#616161", "unknown": "#BDBDBD"}
    data, spec = stacked(f, "rag", by, list(RAG_STATUSES), web.rag_text, lambda v: shade.get(v, GREY),
                         web.tr("col.status"))
    st.vega_lite_chart(data, spec, key="chart_rag", alt=web.tr("overview.status_by", by=web.tr(f"overview.by_{by}")))


def irm_charts(f, by: str) -> None:
    lg = web.lang()
    completion = ["not_started", "limited", "in_progress", "substantial", "complete", "withdrawn", "no_evidence", "unknown"]
    blues = dict(zip(completion, ["#B22222", "#E69F00", "#F2C14E", "#5B9BD5", "#1F4E78", "#616161", "#9E9E9E", "#D9D9D9"]))
    results = ["negative", "none", "some", "strong", "top", "unknown"]
    greens = dict(zip(results, ["#B22222", "#BDBDBD", "#A5D6A7", "#43A047", "#1B5E20", "#EEEEEE"]))
    left, right = st.columns(2)
    with left:
        title = web.tr("overview.completion_chart")
        st.markdown(f"**{title}**")
        label = lambda v: web.tr("missing.not_assessed") if v == "unknown" else completion_label(v, lg)
        data, spec = stacked(f, "irm_completion", by, completion, label, lambda v: blues.get(v, "#999999"),
                             web.tr("filters.completion"), columns=2)
        st.vega_lite_chart(data, spec, key="chart_completion", alt=title)
    with right:
        title = web.tr("overview.results_chart")
        st.markdown(f"**{title}**")
        label = lambda v: band_label("results", None if v == "unknown" else v, lg)
        data, spec = stacked(f, "results_band", by, results, label, lambda v: greens.get(v, "#999999"),
                             web.tr("filters.results"), columns=2)
        st.vega_lite_chart(data, spec, key="chart_results", alt=title)


def heatmap(f) -> None:
    """The IRM's classic view: how ambitious commitments were against how far they got."""
    lg = web.lang()
    data = web.read("ambition_completion", f)
    ambition = [a for a in ("high", "medium", "low", "unknown") if a in set(data["ambition"])]
    completion = [c for c in ("not_started", "limited", "in_progress", "substantial", "complete", "withdrawn",
                              "no_evidence", "unknown") if c in set(data["completion"])]
    grid = data.pivot_table(index="ambition", columns="completion", values="n", aggfunc="sum", fill_value=0)
    grid = grid.reindex(index=ambition, columns=completion, fill_value=0)
    x = [web.tr("missing.not_assessed") if c == "unknown" else completion_label(c, lg) for c in completion]
    y = [web.tr("missing.not_assessed") if a == "unknown" else band_label("ambition", a, lg) for a in ambition]
    grid.index, grid.columns = y, x
    cells = grid.rename_axis(index="ambition", columns="completion").stack().rename("n").reset_index()
    cells["n"] = cells["n"].astype(int)
    cells["says"] = cells["ambition"] + " · " + cells["completion"] + ": " + cells["n"].astype(str)
    cells["ink"] = (cells["n"] > cells["n"].max() / 2).map({True: "#FFFFFF", False: "#1B1F24"})
    x_title, y_title, count = web.tr("overview.irm_completion"), web.tr("overview.ambition"), web.tr("overview.count")
    rect = {"mark": {"type": "rect"}, "encoding": {
        "color": {"field": "n", "type": "quantitative", "scale": {"scheme": "blues"}, "legend": None},
        "tooltip": [{"field": "ambition", "type": "nominal", "title": y_title},
                    {"field": "completion", "type": "nominal", "title": x_title},
                    {"field": "n", "type": "quantitative", "title": count}],
        "description": {"field": "says", "type": "nominal"}}}
    text = {"mark": {"type": "text", "fontSize": 12, "aria": False}, "encoding": {
        "text": {"field": "n", "type": "quantitative"}, "color": {"field": "ink", "type": "nominal", "scale": None}}}
    axes = {"x": {"field": "completion", "type": "nominal", "sort": x, "title": x_title,
                  "axis": {"labelAngle": 0, "labelLimit": 200}},
            "y": {"field": "ambition", "type": "nominal", "sort": y, "title": y_title}}
    spec = {"height": {"step": 50}, "encoding": axes, "layer": [rect, text], "resolve": charts.OWN_INK}
    st.vega_lite_chart(cells, spec, key="chart_heatmap", alt=web.tr("overview.heatmap"))


def table(f) -> None:
    lg = web.lang()
    rows = web.read("commitments", f, limit=2000)
    total = web.read("count_commitments", f)
    shown = pd.DataFrame({
        web.tr("col.id"): rows["commitment_id"].map(web.commitment_href),
        web.tr("col.status"): rows["rag"].map(web.rag_text),
        web.tr("col.member"): rows["member_name"],
        web.tr("col.plan"): rows["plan_number"].map(lambda n: f"{web.tr('ui.plan_short')}{n}"),
        web.tr("col.title"): _titles(rows, lg),
        web.tr("col.lead"): rows["lead_institution"],
        web.tr("col.irm_completion"): rows["irm_completion"].map(lambda c: completion_label(c, lg)),
        web.tr("col.results"): rows["results_band"].map(lambda b: band_label("results", b, lg)),
        web.tr("col.days_since_update"): rows["days_since_update"],
        web.tr("col.watched"): rows["is_watched"].map(lambda w: web.tr("ui.yes") if w else ""),
    })
    st.subheader(web.tr("overview.table", shown=f"{len(rows):,}", total=f"{total:,}"))
    st.dataframe(web.with_status_colours(shown, web.tr("col.status"), rows["rag"]), hide_index=True,
                 key="commitments_table", column_config={
        web.tr("col.id"): st.column_config.LinkColumn(display_text=r"id=([A-Za-z0-9_.-]+)", width="small"),
        web.tr("col.title"): st.column_config.TextColumn(width="large"),
    })
    export = shown.assign(**{web.tr("col.id"): rows["commitment_id"]})
    web.download_table(export, "commitments", key="dl_commitments")


def _titles(rows: pd.DataFrame, lg: str) -> pd.Series:
    return rows["title_es"].fillna(rows["title"]) if lg == "es" else rows["title"]


st.title(web.tr("overview.title"))
st.caption(web.tr("app.tagline"))
filters = web.sidebar_filters()
if web.is_empty_database():
    st.info(web.tr("empty.database"))
    st.page_link("views/data.py", label=web.tr("nav.import"), icon=":material/upload_file:")
    st.stop()
figures = web.read("headline", filters)
headline(figures)
if figures["commitments"] == 0:
    st.warning(web.tr("empty.filters"))
    st.stop()
priority()
by = "action_plan_id" if figures["plans"] <= MANY else "member_code" if figures["members"] <= MANY else "region"
st.subheader(web.tr("overview.status_by", by=web.tr(f"overview.by_{by}")))
status_chart(filters, by)
irm_charts(filters, by)
st.subheader(web.tr("overview.heatmap"))
st.caption(web.tr("overview.heatmap_help"))
heatmap(filters)
table(filters)
