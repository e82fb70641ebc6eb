"""One commitment's whole story, addressable as ?id=MX0081: status, IRM ratings, milestones,
progress by assessor, evidence, dated events and the source of every figure."""
import re
from datetime import date

import pandas as pd
import streamlit as st

from monitor import web
from monitor.i18n import completion_label, in_language, missing_label
from monitor.metrics import what_to_raise
from vocabulary.status import LATEST_READING

ID_PATTERN = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")
# time-axis ticks as ISO years or year-months: Vega's default labels are month names in English, whatever the language
ISO_TICKS = {"labelExpr": "utcFormat(datum.value, utcmonth(datum.value) == 0 ? '%Y' : '%Y-%m')"}


def chosen_id() -> str | None:
    """?id= from the URL (validated), else a picker that writes it back, watched commitments first."""
    wanted = st.query_params.get("id", "")
    if ID_PATTERN.match(wanted):
        return wanted
    rows = web.read("commitments", web.current_filters(), limit=5000)
    if rows.empty:
        return None
    rows = rows.sort_values("is_watched", ascending=False, kind="stable")
    labels = dict(zip(rows["commitment_id"], rows["commitment_id"] + " · " + rows["title"].str.slice(0, 90)))
    picked = st.selectbox(web.tr("commitment.pick"), list(labels), format_func=labels.get, index=None,
                          placeholder=web.tr("commitment.pick_hint"))
    if picked:
        st.query_params["id"] = picked
    return picked


def text_in_lang(row: dict, field: str) -> str:
    spanish = row.get(f"{field}_es")
    return spanish if web.lang() == "es" and spanish else (row.get(field) or "")


def header(row: dict) -> None:
    st.title(web.md(text_in_lang(row, "title")))
    years = f" ({row['submission_year']}-{row['end_year']})" if row["submission_year"] and row["end_year"] else ""
    st.caption(web.md(f"{row['commitment_id']} · {row['member_name']} · "
                      f"{web.tr('ui.plan_short')}{row['plan_number']}{years}"))
    badges = st.container(horizontal=True)
    web.rag_badge(row["rag"], badges)
    if row["is_watched"]:
        badges.badge(web.tr("commitment.watched_since", date=web.fmt(row["watched_since"])), color="violet",
                     icon=":material/visibility:")
    if row["is_starred"]:
        badges.badge(web.tr("indicator.starred"), color="yellow", icon=":material/star:")
    if row["is_watched"]:
        st.markdown(f"**{web.tr('watchlist.reason')}:** {web.md(in_language(row, 'watch_reason', web.lang()))}")
    st.info(f"**{web.tr('raise.title')}:** {web.md(what_to_raise(row, web.lang()))}", icon=":material/campaign:")


def status_line(row: dict) -> None:
    """Latest reading of each assessor side by side; a disagreement is said in words."""
    lg = web.lang()
    cols = st.columns(4)
    for col, (who, (field, when)) in zip(cols, LATEST_READING.items()):
        col.markdown(f"**{web.tr(f'assessor.{who}')}**  \n{completion_label(row[field], lg)}")
        if row[field]:
            col.caption(web.tr("commitment.as_of", date=web.fmt(row[when])))
    if row["assessors_disagree"]:
        st.warning(web.tr("commitment.disagree"), icon=":material/warning:")


def facts(row: dict) -> None:
    left, right = st.columns(2)
    left.markdown(f"**{web.tr('col.lead')}:** {web.md(row['lead_institution']) or web.tr('ui.not_recorded')}")
    left.markdown(f"**{web.tr('commitment.supporting')}:** "
                  f"{web.md(row['supporting_institutions']) or web.tr('ui.not_recorded')}")
    areas = ", ".join(row["policy_areas"] or []) or web.tr("missing.not_yet_coded")
    left.markdown(f"**{web.tr('filters.policy_area')}:** {web.md(areas)}")
    right.markdown(f"**{web.tr('commitment.dates')}:** {web.fmt(row['start_date'])} → {web.fmt(row['end_date'])}")
    link = web.safe_url(row.get("ogp_url"))
    if link:
        right.link_button(web.tr("commitment.ogp_page"), link, icon=":material/open_in_new:")
    description = text_in_lang(row, "description")
    if description:
        with st.expander(web.tr("commitment.description"), expanded=False):
            st.text(description)


def ratings(commitment_id: str) -> None:
    """Every IRM rating with the label as published, its reading and definition here, or why it is missing."""
    lg = web.lang()
    data = web.read("assessments", commitment_id)
    st.subheader(web.tr("commitment.ratings"))
    if data.empty:
        st.info(web.tr("empty.ratings"))
        return
    label = data[f"label_{lg}"].fillna(data["label_en"])
    definition = data[f"definition_{lg}"].fillna(data["definition_en"])
    shown = pd.DataFrame({
        web.tr("col.report"): data["report"],
        web.tr("col.methodology"): data["methodology"].map(lambda m: web.tr(f"methodology.{m}") if m else ""),
        web.tr("col.assessor"): data["assessor"].map(lambda a: web.tr(f"assessor.{a}")),
        web.tr("col.indicator"): data["indicator"].map(lambda i: web.tr(f"indicator.{i}")),
        web.tr("col.published"): data["value_raw"].fillna(""),
        web.tr("col.reading"): [lab if isinstance(lab, str) else missing_label(reason, lg)
                                for lab, reason in zip(label, data["missing_reason"])],
        web.tr("col.definition"): definition.fillna(""),
        web.tr("col.as_of"): data["as_of"].map(web.fmt),
        web.tr("col.source"): [source_text(r) for r in data.to_dict("records")],
    })
    st.dataframe(shown, hide_index=True, key="ratings_table",
                 column_config={web.tr("col.definition"): st.column_config.TextColumn(width="large")})
    web.download_table(shown, f"{commitment_id}_ratings", key="dl_ratings")


def source_text(r: dict) -> str:
    """'file.csv, row 12, column Completion' or the public URL: where a figure comes from."""
    parts = [r.get("source_file")]
    if r.get("source_row") == r.get("source_row") and r.get("source_row") is not None:
        parts.append(web.tr("commitment.row", row=int(r["source_row"])))
    if r.get("source_column"):
        parts.append(str(r["source_column"]))
    located = ", ".join(p for p in parts if isinstance(p, str) and p)
    url = r.get("source_url") if isinstance(r.get("source_url"), str) else ""
    return " · ".join(p for p in (located, url) if p)


def milestones(commitment_id: str) -> None:
    data = web.read("milestones", commitment_id)
    st.subheader(web.tr("commitment.milestones"))
    if data.empty:
        st.info(web.tr("empty.milestones"))
        return
    dated, spec = timeline(data)
    if not dated.empty:  # undated milestones are in the table below, with "no date" or the date as published
        st.vega_lite_chart(dated, spec, key="chart_milestones", alt=web.tr("commitment.timeline"))
    shown = pd.DataFrame({
        "#": data["seq"],
        web.tr("col.title"): data["title"],
        web.tr("col.due"): [web.fmt(d) if d == d and d is not None else
                            (raw if isinstance(raw, str) and raw else web.tr("missing.no_date"))
                            for d, raw in zip(data["due_date"], data["due_date_raw"])],
        web.tr("col.status"): data["status_code"].map(lambda c: completion_label(c, web.lang())),
        web.tr("col.flag"): [flag(r) for r in data.to_dict("records")],
        web.tr("col.responsible"): data["responsible"].fillna(""),
    })
    rags = ["overdue" if r["is_overdue"] is True else "complete" if r["is_closed"] else "unknown"
            for r in data.to_dict("records")]
    st.dataframe(web.with_status_colours(shown, web.tr("col.flag"), rags), hide_index=True, key="milestones_table",
                 column_config={web.tr("col.flag"): st.column_config.TextColumn(width="medium"),
                                web.tr("col.title"): st.column_config.TextColumn(width="large")})


def flag(r: dict) -> str:
    if r["is_overdue"] is True:
        return web.tr("commitment.overdue_by", days=f"{int(r['days_past_due']):,}")
    return web.tr("rag.complete") if r["is_closed"] else ""


def timeline(data: pd.DataFrame) -> tuple:
    """Dated milestones on a time axis, one row each by name, and a rule for today. Overdue ones in red crosses,
    the others in blue circles, with the word in the legend; the status and the flag in words in the tooltips
    (colour is never the only cue). Returns (data, Vega-Lite spec), a plain spec as on the overview."""
    lg = web.lang()
    rows = data.dropna(subset=["due_date"])
    overdue = rows["is_overdue"].fillna(False).astype(bool)
    late, on_time = web.tr("rag.overdue"), web.tr("commitment.not_overdue")
    dated = pd.DataFrame({
        "name": rows["seq"].astype("string").fillna("") + ". " + rows["title"].str.slice(0, 60),
        "due": rows["due_date"].dt.strftime("%Y-%m-%d"),  # ISO dates, read as UTC days (utc scale below)
        "due_text": rows["due_date"].map(web.fmt),
        "status": rows["status_code"].map(lambda c: completion_label(c if isinstance(c, str) else None, lg)),
        "overdue": overdue.map({True: late, False: on_time}),
        "flag": [flag(r) or on_time for r in rows.to_dict("records")],
    })
    dated["says"] = dated["name"] + " · " + dated["due_text"] + " · " + dated["status"] + " · " + dated["flag"]
    marks = [m for m in ((late, "#B22222", "cross"), (on_time, "#1F4E78", "circle")) if m[0] in set(dated["overdue"])]
    names, due, today = list(dict.fromkeys(dated["name"])), web.tr("col.due"), date.today()
    days = [d.date() for d in rows["due_date"]] + [today]
    # over two years, a tick a year: Vega's own ticks every 3 months thin out to one arbitrary month a year
    axis = {**ISO_TICKS, "tickCount": "year"} if (max(days) - min(days)).days > 730 else ISO_TICKS
    legend = {"field": "overdue", "type": "nominal", "title": None,
              "legend": {"orient": "top", "direction": "horizontal", "labelLimit": 200}}
    points = {"mark": {"type": "point", "filled": True, "size": 160}, "encoding": {
        "x": {"field": "due", "type": "temporal", "title": due, "scale": {"type": "utc"}, "axis": axis},
        "y": {"field": "name", "type": "nominal", "sort": names, "title": None, "axis": {"labelLimit": 400}},
        "color": {**legend, "scale": {"domain": [m[0] for m in marks], "range": [m[1] for m in marks]}},
        "shape": {**legend, "scale": {"domain": [m[0] for m in marks], "range": [m[2] for m in marks]}},
        "tooltip": [{"field": "name", "type": "nominal", "title": web.tr("commitment.milestone")},
                    {"field": "due_text", "type": "nominal", "title": due},
                    {"field": "status", "type": "nominal", "title": web.tr("col.status")},
                    {"field": "flag", "type": "nominal", "title": web.tr("col.flag")}],
        "description": {"field": "says", "type": "nominal"}}}
    rule = {"data": {"values": [{"day": today.isoformat(), "label": web.tr("commitment.today")}]},
            "encoding": {"x": {"field": "day", "type": "temporal"}},
            "layer": [{"mark": {"type": "rule", "strokeDash": [4, 4], "color": "#555555"}},
                      {"mark": {"type": "text", "baseline": "bottom", "dy": -4, "color": "#555555"},
                       "encoding": {"y": {"value": 0}, "text": {"field": "label", "type": "nominal"}}}]}
    return dated, {"height": {"step": 34}, "layer": [points, rule]}


def progress(commitment_id: str) -> None:
    """Periods down, assessors across: where they read the same period differently, the row says so."""
    lg = web.lang()
    data = web.read("progress_history", commitment_id)
    st.subheader(web.tr("commitment.progress"))
    if data.empty:
        st.info(web.tr("empty.progress"))
        return
    data = data.assign(reading=[completion_label(c, lg) if isinstance(c, str) else
                                (raw if isinstance(raw, str) and raw else web.tr("commitment.no_status"))
                                for c, raw in zip(data["status_code"], data["status_raw"])],
                       who=data["assessor"].map(lambda a: web.tr(f"assessor.{a}")))
    grid = data.pivot_table(index="period", columns="who", values="reading", aggfunc=lambda s: " / ".join(s))
    codes = data.dropna(subset=["status_code"]).groupby("period")["status_code"].nunique()
    grid[web.tr("col.flag")] = [web.tr("commitment.disagree_short") if codes.get(p, 0) > 1 else ""
                                for p in grid.index]
    grid = grid.fillna("").reset_index().rename(columns={"period": web.tr("col.period")})
    styled = grid.style.apply(_highlight, axis=1, column=web.tr("col.flag"))
    st.dataframe(styled, hide_index=True, key="progress_table")
    with st.expander(web.tr("commitment.progress_detail")):
        st.dataframe(pd.DataFrame({
            web.tr("col.period"): data["period"], web.tr("col.assessor"): data["who"],
            web.tr("col.reading"): data["reading"], web.tr("col.percent"): data["percent_complete"],
            web.tr("col.narrative"): in_language(data, "narrative", lg), web.tr("col.challenges"): data["challenges"],
            web.tr("col.source"): [source_text(r) for r in data.to_dict("records")],
        }), hide_index=True, key="progress_detail")
    evidence(data)


def _highlight(row: pd.Series, column: str) -> list[str]:
    return [web.CELL_STYLE["amber"] if row[column] else ""] * len(row)


def evidence(data: pd.DataFrame) -> None:
    """Evidence lines: http(s) ones as links, anything else (javascript:, file paths) as plain text."""
    lines = list(dict.fromkeys((p, line.strip()) for p, text in zip(data["period"], data["evidence"])
                               if isinstance(text, str) for line in text.splitlines() if line.strip()))
    st.subheader(web.tr("commitment.evidence"))
    if not lines:
        st.info(web.tr("empty.evidence"))
        return
    for period, line in lines:
        url = web.safe_url(line)
        target = url.replace("(", "%28").replace(")", "%29") if url else None
        text = f"[{web.md(line)}]({target})" if target else f"{web.md(line)} ({web.tr('commitment.not_a_link')})"
        st.markdown(f"- {web.md(period)}: {text}")


def events(commitment_id: str) -> None:
    data = web.read("events", commitment_id)
    st.subheader(web.tr("commitment.events"))
    if data.empty:
        st.info(web.tr("empty.events"))
        return
    titles = data["title_es"].fillna(data["title"]) if web.lang() == "es" else data["title"]
    shown = pd.DataFrame({
        web.tr("col.date"): [web.fmt(d) if d == d and d is not None else raw
                             for d, raw in zip(data["event_date"], data["date_raw"])],
        web.tr("col.category"): data["category"],
        web.tr("col.event"): titles,
        web.tr("col.actor"): data["actor"],
        web.tr("col.link"): data["source_url"].map(lambda u: web.safe_url(str(u).split(";")[0]) if u else None),
    })
    st.dataframe(shown, hide_index=True, key="events_table", height=min(36 * (len(shown) + 1) + 4, 1100),
                 column_config={
        web.tr("col.event"): st.column_config.TextColumn(width="large"),
        web.tr("col.link"): st.column_config.LinkColumn(display_text=web.tr("commitment.open_source")),
    })
    web.download_table(shown, f"{commitment_id}_events", key="dl_events")


def sources(commitment_id: str) -> None:
    data = web.read("sources", commitment_id)
    with st.expander(web.tr("commitment.sources"), expanded=False):
        st.dataframe(pd.DataFrame({
            web.tr("col.file"): data["file_name"], web.tr("col.kind"): data["kind"],
            web.tr("col.loaded_at"): data["loaded_at"].map(web.fmt), web.tr("col.link"): data["source_url"],
        }), hide_index=True, key="sources_table")


commitment_id = chosen_id()
if commitment_id is None:
    st.title(web.tr("nav.commitment"))
    st.info(web.tr("empty.database"))
    st.stop()
found = web.read("commitment", commitment_id)
if found is None:
    st.title(web.tr("nav.commitment"))
    st.warning(web.tr("commitment.not_found", id=commitment_id))
    st.stop()
row = web.plain(found)
header(row)
status_line(row)
facts(row)
ratings(commitment_id)
milestones(commitment_id)
progress(commitment_id)
events(commitment_id)
sources(commitment_id)
