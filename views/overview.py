"""Portfolio overview: headline figures, status at a glance, IRM distributions, the commitments table."""
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from monitor import web
from monitor.i18n import band_label, completion_label

GREY = "#9E9E9E"
MANY = 20  # above this many bars a chart is unreadable: group by member, then by region


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


def stacked(f, column: str, by: str, order: list, label, colour) -> go.Figure:
    """Horizontal stacked bars, one per plan or member; counts written in the bars, labels in the legend.

    Built with graph_objects: plotly.express takes about 0.5 s per figure, too slow for a 2 s page."""
    data = web.read("distribution", f, column, by)
    names = group_labels(by)
    groups = [names.get(g, g) for g in dict.fromkeys(data["grp"])]
    present = [v for v in order if v in set(data["value"])] + sorted(set(data["value"]) - set(order))
    fig = go.Figure()
    for value in present:
        part = data[data["value"] == value]
        fig.add_trace(go.Bar(y=[names.get(g, g) for g in part["grp"]], x=part["n"], name=label(value),
                             orientation="h", marker_color=colour(value), text=part["n"], textposition="inside"))
    fig.update_layout(barmode="stack", height=150 + 28 * len(groups), margin=dict(l=0, r=0, t=60, b=0),
                      legend=dict(orientation="h", y=1.0, yanchor="bottom", traceorder="normal"),
                      yaxis=dict(autorange="reversed", categoryorder="array", categoryarray=groups),
                      xaxis_title=web.tr("overview.count"))
    return fig


def status_chart(f, by: str) -> None:
    from monitor.filters import RAG_STATUSES

    shade = {"not_started": "#B22222", "overdue": "#E57373", "in_progress": "#E69F00", "on_track": "#81C784",
             "complete": "#2E7D32", "withdrawn": "#616161", "unknown": "#BDBDBD"}
    st.plotly_chart(stacked(f, "rag", by, list(RAG_STATUSES), web.rag_text, lambda v: shade.get(v, GREY)),
                    key="chart_rag")


def irm_charts(f, by: str) -> None:
    lg = web.lang()
    completion = ["not_started", "limited", "in_progress", "substantial", "complete", "withdrawn", "no_evidence", "unknown"]
    blues = dict(zip(completion, ["#B22222", "#E69F00", "#F2C14E", "#5B9BD5", "#1F4E78", "#616161", "#9E9E9E", "#D9D9D9"]))
    results = ["negative", "none", "some", "strong", "top", "unknown"]
    greens = dict(zip(results, ["#B22222", "#BDBDBD", "#A5D6A7", "#43A047", "#1B5E20", "#EEEEEE"]))
    left, right = st.columns(2)
    with left:
        st.markdown(f"**{web.tr('overview.completion_chart')}**")
        label = lambda v: web.tr("missing.not_assessed") if v == "unknown" else completion_label(v, lg)
        st.plotly_chart(stacked(f, "irm_completion", by, completion, label, lambda v: blues.get(v, "#999")),
                        key="chart_completion")
    with right:
        st.markdown(f"**{web.tr('overview.results_chart')}**")
        label = lambda v: band_label("results", None if v == "unknown" else v, lg)
        st.plotly_chart(stacked(f, "results_band", by, results, label, lambda v: greens.get(v, "#999")),
                        key="chart_results")


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
    fig = go.Figure(go.Heatmap(z=grid.values, x=x, y=y, text=grid.values, texttemplate="%{text}",
                               colorscale="Blues", showscale=False,
                               hovertemplate="%{y} / %{x}: %{z}<extra></extra>"))
    fig.update_layout(height=140 + 50 * len(y), margin=dict(l=0, r=0, t=10, b=0), yaxis=dict(autorange="reversed"),
                      xaxis_title=web.tr("overview.irm_completion"), yaxis_title=web.tr("overview.ambition"))
    st.plotly_chart(fig, key="chart_heatmap")


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
