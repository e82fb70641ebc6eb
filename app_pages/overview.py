"""Portfolio overview: headline figures, status at a glance, IRM distributions, the commitments table."""
import pandas as pd
import streamlit as st

from monitor import charts, palette
from monitor.i18n import band_label, completion_label, in_language, plan_label
from vocabulary.status import AMBITION_BANDS, COMPLETION_CODES, RAG_STATUSES, RESULTS_BANDS
from webui import pages
from webui.changes import changes_section
from webui.components import id_column, rag_text, watch_card, with_status_colours
from webui.data import is_empty_database, plain, read, view
from webui.downloads import download_table
from webui.filters import sidebar_filters
from webui.language import lang, tr
from webui.subscribe import scope_feed_links

MANY = 20  # above this many bars a chart is unreadable: group by member, then by region
GROUP_TITLE = {"action_plan_id": "filters.plan", "member_code": "filters.member", "region": "filters.region"}


def headline(h: dict) -> None:
    row = st.columns(4)
    row[0].metric(tr("overview.commitments"), f"{h['commitments']:,}")
    row[1].metric(tr("overview.members"), f"{h['members']:,}")
    row[2].metric(tr("overview.plans"), f"{h['plans']:,}")
    row[3].metric(tr("overview.watched"), f"{h['watched']:,}")
    row = st.columns(4)
    row[0].metric(tr("overview.red"), f"{h['red']:,}", help=tr("overview.red_help"))
    row[1].metric(tr("overview.amber"), f"{h['amber']:,}", help=tr("overview.amber_help"))
    row[2].metric(tr("overview.green"), f"{h['green']:,}", help=tr("overview.green_help"))
    row[3].metric(tr("overview.grey"), f"{h['grey']:,}", help=tr("overview.grey_help"))
    st.caption(tr("overview.irm_line", assessed=f"{h['irm_assessed']:,}", high=f"{h['high_completion']:,}",
                  disagree=f"{h['disagreements']:,}"))


def priority() -> None:
    """The watched commitments first: the story the Support Unit opens the dashboard for."""
    watched = read("watchlist")
    if watched.empty:
        return
    st.subheader(tr("overview.priority"))
    for _, r in watched.head(5).iterrows():
        watch_card(plain(r.to_dict()))


def group_labels(by: str) -> dict:
    options = read("filter_options")
    if by == "action_plan_id":
        return {p[0]: plan_label(p, lang()) for p in options["plans"]}
    return dict(options["members"]) if by == "member_code" else {}  # regions are their own labels


def stacked(f, column: str, by: str, order: list, label, colours: dict, value_title: str, columns: int = 4) -> tuple:
    """Counts of `column` per plan, member or region as stacked bars (monitor/charts.py): (data, spec)."""
    data = read("distribution", f, column, by)
    names = group_labels(by)
    uncoded = tr("missing.not_yet_coded")  # a member without a region, for one
    present = [v for v in order if v in set(data["value"])] + sorted(set(data["value"]) - set(order))
    segments = pd.DataFrame({"group": data["grp"].map(lambda g: uncoded if pd.isna(g) else names.get(g, g)),
                             "value": data["value"].map(label), "n": data["n"]})
    series = [(label(v), colours.get(v, palette.UNLISTED)) for v in present]
    return charts.stacked_bars(segments, series, (tr(GROUP_TITLE[by]), value_title, tr("overview.count")),
                               columns=columns)


def assessed(label):
    """`label` of a code, with 'unknown' read as not yet assessed."""
    return lambda v: tr("missing.not_assessed") if v == "unknown" else label(v)


def status_chart(f, by: str) -> None:
    data, spec = stacked(f, "rag", by, list(RAG_STATUSES), rag_text, palette.STATUS, tr("col.status"))
    st.vega_lite_chart(data, spec, key="chart_rag", alt=tr("overview.status_by", by=tr(f"overview.by_{by}")))


def irm_charts(f, by: str) -> None:
    lg = lang()
    left, right = st.columns(2)
    with left:
        title = tr("overview.completion_chart")
        st.markdown(f"**{title}**")
        label = assessed(lambda v: completion_label(v, lg))
        data, spec = stacked(f, "irm_completion", by, [*COMPLETION_CODES, "unknown"], label, palette.COMPLETION,
                             tr("filters.completion"), columns=2)
        st.vega_lite_chart(data, spec, key="chart_completion", alt=title)
    with right:
        title = tr("overview.results_chart")
        st.markdown(f"**{title}**")
        label = assessed(lambda v: band_label("results", v, lg))
        data, spec = stacked(f, "results_band", by, [*RESULTS_BANDS, "unknown"], label, palette.RESULTS,
                             tr("filters.results"), columns=2)
        st.vega_lite_chart(data, spec, key="chart_results", alt=title)


def heatmap(f) -> None:
    """The IRM's classic view: how ambitious commitments were against how far they got."""
    lg = lang()
    ambition_words, completion_words = (assessed(lambda v: band_label("ambition", v, lg)),
                                        assessed(lambda v: completion_label(v, lg)))
    ambition = {a: ambition_words(a) for a in (*AMBITION_BANDS, "unknown")}
    completion = {c: completion_words(c) for c in (*COMPLETION_CODES, "unknown")}
    titles = (tr("overview.irm_completion"), tr("overview.ambition"), tr("overview.count"))
    cells, spec = charts.ambition_completion(read("ambition_completion", f), ambition, completion, titles)
    st.vega_lite_chart(cells, spec, key="chart_heatmap", alt=tr("overview.heatmap"))


def table(f) -> pd.DataFrame:
    """The commitments table; returns it as the CSV download has it (plain ids, not links)."""
    lg = lang()
    rows = read("commitments", f, limit=2000)
    total = read("count_commitments", f)
    shown = pd.DataFrame({
        tr("col.id"): rows["commitment_id"].map(pages.commitment_href),
        tr("col.status"): rows["rag"].map(rag_text),
        tr("col.member"): rows["member_name"],
        tr("col.plan"): rows["plan_number"].map(lambda n: f"{tr('ui.plan_short')}{n}"),
        tr("col.title"): in_language(rows, "title", lg),
        tr("col.lead"): rows["lead_institution"],
        tr("col.irm_completion"): rows["irm_completion"].map(lambda c: completion_label(c, lg)),
        tr("col.results"): rows["results_band"].map(lambda b: band_label("results", b, lg)),
        tr("col.days_since_update"): rows["days_since_update"],
        tr("col.watched"): rows["is_watched"].map(lambda w: tr("ui.yes") if w else ""),
    })
    st.subheader(tr("overview.table", shown=f"{len(rows):,}", total=f"{total:,}"))
    st.dataframe(with_status_colours(shown, tr("col.status"), rows["rag"]), hide_index=True, key="commitments_table",
                 column_config={tr("col.id"): id_column(), tr("col.title"): st.column_config.TextColumn(width="large")})
    return shown.assign(**{tr("col.id"): rows["commitment_id"]})


@view
def portfolio(f) -> pd.DataFrame | None:
    """Everything below the title for these filters; the table for its download, or None when nothing matches."""
    figures = read("headline", f)
    headline(figures)
    if figures["commitments"] == 0:
        st.warning(tr("empty.filters"))
        return None
    priority()
    by = "action_plan_id" if figures["plans"] <= MANY else "member_code" if figures["members"] <= MANY else "region"
    st.subheader(tr("overview.status_by", by=tr(f"overview.by_{by}")))
    status_chart(f, by)
    irm_charts(f, by)
    st.subheader(tr("overview.heatmap"))
    st.caption(tr("overview.heatmap_help"))
    heatmap(f)
    return table(f)


st.title(tr("overview.title"))
st.caption(tr("app.tagline"))
filters = sidebar_filters()
if is_empty_database():
    st.info(tr("empty.database"))
    pages.link("data")
    st.stop()
scope_feed_links(filters.member, filters.plan)
commitments = portfolio(filters)
if commitments is None:
    st.stop()
download_table(commitments, "commitments", key="dl_commitments")
changes_section(filters, key="changes_overview")
