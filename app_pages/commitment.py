"""One commitment's whole story, addressable as ?id=MX0081: status, IRM ratings, milestones,
progress by assessor, evidence, dated events and the source of every figure."""
import re
from datetime import date

import pandas as pd
import streamlit as st

from monitor import charts, palette
from monitor.i18n import completion_label, in_language, missing_label, statement_subject
from monitor.linkcheck import archive_link, dead_urls
from monitor.metrics import what_to_raise
from vocabulary.links import first_web_url, is_web_url, web_urls
from vocabulary.status import LATEST_READING
from webui.components import fmt, highlight_rows, mandate_line, md, md_link, rag_badge, with_status_colours
from webui.data import plain, read, view
from webui.downloads import download_table
from webui.filters import current_filters
from webui.language import lang, tr
from webui.subscribe import commitment_links
from webui.work_forms import commitment_work

ID_PATTERN = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")


def chosen_id() -> str | None:
    """?id= from the URL (validated), else a picker that writes it back, watched commitments first."""
    wanted = st.query_params.get("id", "")
    if ID_PATTERN.match(wanted):
        return wanted
    rows = read("commitments", current_filters(), limit=5000)
    if rows.empty:
        return None
    rows = rows.sort_values("is_watched", ascending=False, kind="stable")
    labels = dict(zip(rows["commitment_id"], rows["commitment_id"] + " · " + rows["title"].str.slice(0, 90)))
    picked = st.selectbox(tr("commitment.pick"), list(labels), format_func=labels.get, index=None,
                          placeholder=tr("commitment.pick_hint"))
    if picked:
        st.query_params["id"] = picked
    return picked


def header(row: dict) -> None:
    lg = lang()
    st.title(md(in_language(row, "title", lg)))
    years = f" ({row['submission_year']}-{row['end_year']})" if row["submission_year"] and row["end_year"] else ""
    st.caption(md(f"{row['commitment_id']} · {row['member_name']} · {tr('ui.plan_short')}{row['plan_number']}{years}"))
    badges = st.container(horizontal=True)
    rag_badge(row["rag"], badges)
    if row["is_watched"]:
        badges.badge(tr("commitment.watched_since", date=fmt(row["watched_since"])), color="violet",
                     icon=":material/visibility:")
    if row["is_starred"]:
        badges.badge(tr("indicator.starred"), color="yellow", icon=":material/star:")
    if row["is_watched"]:
        st.markdown(f"**{tr('watchlist.reason')}:** {md(in_language(row, 'watch_reason', lg))}")
    under = [plain(m) for m in read("mandates", commitment_ids=[row["commitment_id"]]).to_dict("records")]
    mandate = under[-1] if under else None
    st.info(f"**{tr('raise.title')}:** {md(what_to_raise(row, lg, mandate=mandate))}", icon=":material/campaign:")
    if mandate:
        mandate_line(mandate)


STORY_LANES = ("event", "milestone", "statement", "irm", "watch", "deadline")


def story_points(data: pd.DataFrame, today: date) -> pd.DataFrame:
    """monitor.queries.timeline's rows in words for charts.story_timeline: lane, start, end, when, label, says."""
    lg = lang()
    lanes = {k: tr(f"story.lane_{k}") for k in STORY_LANES}
    rows = []
    for r in data.to_dict("records"):
        start, end = _iso(r["start_date"]), _iso(r["end_date"])
        status = completion_label(r["status"], lg) if isinstance(r["status"], str) else ""
        kind = r["lane"]
        if kind == "event":
            text = in_language(r, "label", lg)
        elif kind == "milestone":
            about = _subject(r["detail"], lg)
            late = tr("story.overdue") if r["is_overdue"] is True else ""
            if start and end and start != end:
                rows.append((lanes[kind], start, end, f"{about}: {r['label']} ({tr('story.window')})"))
            text = " · ".join(p for p in (f"{about} {tr('story.due')}: {r['label']}", status, late) if p)
            start, end = end or start, None
        elif kind == "statement":
            who = tr(f"assessor.{r['who']}") if isinstance(r["who"], str) else ""
            said = in_language(r, "label", lg)
            text = " · ".join(p for p in (who, _subject(r["detail"], lg), status or tr("commitment.no_status"),
                                          str(said)[:160] if isinstance(said, str) else "") if p)
        elif kind == "irm":
            text = " · ".join(p for p in (str(r["label"]), status) if p)
        elif kind == "watch":
            reason = in_language(r, "label", lg)
            text = tr("story.watched") + (f": {str(reason)[:160]}" if isinstance(reason, str) and reason else "")
        else:
            text = " · ".join(p for p in (tr("story.end_date"), status) if p)
        rows.append((lanes.get(kind, kind), start, end, text))
    rows = [r for r in rows if r[1]]
    points = pd.DataFrame(rows, columns=["lane", "start", "end", "label"]).sort_values("start", kind="stable")
    points = points.reset_index(drop=True)
    points["when"] = [fmt(date.fromisoformat(s)) + (f" → {fmt(date.fromisoformat(e))}" if isinstance(e, str) else "")
                      for s, e in zip(points["start"], points["end"])]
    points["says"] = points["lane"] + " · " + points["when"] + " · " + points["label"]
    return points


def _iso(value) -> str | None:
    return None if value is None or value != value else pd.Timestamp(value).date().isoformat()


def _subject(detail, lg: str) -> str:
    """'milestone 5' or 'commitment' (the timeline's detail) in words."""
    if isinstance(detail, str) and detail.startswith("milestone"):
        seq = detail.removeprefix("milestone").strip()
        return statement_subject("milestone", int(seq) if seq.isdigit() else None, None, lg)
    return statement_subject("commitment", None, None, lg)


def story_timeline(commitment_id: str) -> None:
    """Everything dated about the commitment on one time axis, the tables below it."""
    today = date.today()
    data = read("timeline", commitment_id, today)
    if data.empty:
        return
    points = story_points(data, today)
    if points.empty:
        return
    colours = [(tr(f"story.lane_{k}"), palette.LANES[k]) for k in STORY_LANES]
    titles = {"lane": tr("story.lane"), "when": tr("story.when"), "what": tr("story.what"),
              "today": tr("commitment.today")}
    drawn, spec = charts.story_timeline(points, colours, titles, today)
    st.subheader(tr("story.timeline"))
    st.caption(tr("story.timeline_help"))
    st.vega_lite_chart(drawn, spec, key="chart_story", alt=tr("story.timeline"))


def status_line(row: dict) -> None:
    """Latest reading of each assessor side by side; a disagreement is said in words."""
    lg = lang()
    cols = st.columns(4)
    for col, (who, (field, when)) in zip(cols, LATEST_READING.items()):
        col.markdown(f"**{tr(f'assessor.{who}')}**  \n{completion_label(row[field], lg)}")
        if row[field]:
            col.caption(tr("commitment.as_of", date=fmt(row[when])))
    if row["assessors_disagree"]:
        st.warning(tr("commitment.disagree"), icon=":material/warning:")


def facts(row: dict) -> None:
    left, right = st.columns(2)
    left.markdown(f"**{tr('col.lead')}:** {md(row['lead_institution']) or tr('ui.not_recorded')}")
    left.markdown(f"**{tr('commitment.supporting')}:** {md(row['supporting_institutions']) or tr('ui.not_recorded')}")
    areas = ", ".join(row["policy_areas"] or []) or tr("missing.not_yet_coded")
    left.markdown(f"**{tr('filters.policy_area')}:** {md(areas)}")
    right.markdown(f"**{tr('commitment.dates')}:** {fmt(row['start_date'])} → {fmt(row['end_date'])}")
    link = str(row.get("ogp_url") or "").strip()
    if is_web_url(link):
        right.link_button(tr("commitment.ogp_page"), link, icon=":material/open_in_new:")
    description = in_language(row, "description", lang())
    if description:
        with st.expander(tr("commitment.description"), expanded=False):
            st.text(description)


def ratings(commitment_id: str) -> pd.DataFrame | None:
    """Every IRM rating with the label as published, its reading and definition here, or why it is missing.
    Returns the table for its download (None when there are no ratings)."""
    lg = lang()
    data = read("assessments", commitment_id)
    st.subheader(tr("commitment.ratings"))
    if data.empty:
        st.info(tr("empty.ratings"))
        return None
    label = data[f"label_{lg}"].fillna(data["label_en"])
    definition = data[f"definition_{lg}"].fillna(data["definition_en"])
    shown = pd.DataFrame({
        tr("col.report"): data["report"],
        tr("col.methodology"): data["methodology"].map(lambda m: tr(f"methodology.{m}") if m else ""),
        tr("col.assessor"): data["assessor"].map(lambda a: tr(f"assessor.{a}")),
        tr("col.indicator"): data["indicator"].map(lambda i: tr(f"indicator.{i}")),
        tr("col.published"): data["value_raw"].fillna(""),
        tr("col.reading"): [lab if isinstance(lab, str) else missing_label(reason, lg)
                            for lab, reason in zip(label, data["missing_reason"])],
        tr("col.definition"): definition.fillna(""),
        tr("col.as_of"): data["as_of"].map(fmt),
        tr("col.source"): [source_text(r) for r in data.to_dict("records")],
    })
    st.dataframe(shown, hide_index=True, key="ratings_table",
                 column_config={tr("col.definition"): st.column_config.TextColumn(width="large")})
    return shown


def source_text(r: dict) -> str:
    """'file.csv, row 12, column Completion' or the public URL: where a figure comes from."""
    parts = [r.get("source_file")]
    if r.get("source_row") == r.get("source_row") and r.get("source_row") is not None:
        parts.append(tr("commitment.row", row=int(r["source_row"])))
    if r.get("source_column"):
        parts.append(str(r["source_column"]))
    located = ", ".join(p for p in parts if isinstance(p, str) and p)
    url = r.get("source_url") if isinstance(r.get("source_url"), str) else ""
    return " · ".join(p for p in (located, url) if p)


def milestones(commitment_id: str) -> None:
    data = read("milestones", commitment_id)
    st.subheader(tr("commitment.milestones"))
    if data.empty:
        st.info(tr("empty.milestones"))
        return
    dated, spec = timeline(data)
    if not dated.empty:  # undated milestones are in the table below, with "no date" or the date as published
        st.vega_lite_chart(dated, spec, key="chart_milestones", alt=tr("commitment.timeline"))
    shown = pd.DataFrame({
        "#": data["seq"],
        tr("col.title"): data["title"],
        tr("col.due"): [fmt(d) if d == d and d is not None else
                        (raw if isinstance(raw, str) and raw else tr("missing.no_date"))
                        for d, raw in zip(data["due_date"], data["due_date_raw"])],
        tr("col.status"): data["status_code"].map(lambda c: completion_label(c, lang())),
        tr("col.flag"): [flag(r) for r in data.to_dict("records")],
        tr("col.responsible"): data["responsible"].fillna(""),
    })
    rags = ["overdue" if r["is_overdue"] is True else "complete" if r["is_closed"] else "unknown"
            for r in data.to_dict("records")]
    st.dataframe(with_status_colours(shown, tr("col.flag"), rags), hide_index=True, key="milestones_table",
                 column_config={tr("col.flag"): st.column_config.TextColumn(width="medium"),
                                tr("col.title"): st.column_config.TextColumn(width="large")})


def flag(r: dict) -> str:
    if r["is_overdue"] is True:
        return tr("commitment.overdue_by", days=f"{int(r['days_past_due']):,}")
    return tr("rag.complete") if r["is_closed"] else ""


def timeline(data: pd.DataFrame) -> tuple:
    """The dated milestones in words for monitor.charts.milestone_timeline: (data, spec)."""
    lg = lang()
    rows = data.dropna(subset=["due_date"])
    overdue = rows["is_overdue"].fillna(False).astype(bool)
    late, on_time = tr("rag.overdue"), tr("commitment.not_overdue")
    dated = pd.DataFrame({
        "name": rows["seq"].astype("string").fillna("") + ". " + rows["title"].str.slice(0, 60),
        "due": rows["due_date"].dt.strftime("%Y-%m-%d"),  # ISO dates, read as UTC days (utc scale)
        "due_text": rows["due_date"].map(fmt),
        "status": rows["status_code"].map(lambda c: completion_label(c if isinstance(c, str) else None, lg)),
        "overdue": overdue.map({True: late, False: on_time}),
        "flag": [flag(r) or on_time for r in rows.to_dict("records")],
    })
    titles = {"milestone": tr("commitment.milestone"), "due": tr("col.due"), "status": tr("col.status"),
              "flag": tr("col.flag"), "today": tr("commitment.today")}
    return charts.milestone_timeline(dated, (late, on_time), titles, date.today())


def progress(commitment_id: str) -> None:
    """Periods down, assessors across: where they read the same period differently, the row says so."""
    lg = lang()
    data = read("progress_history", commitment_id)
    st.subheader(tr("commitment.progress"))
    if data.empty:
        st.info(tr("empty.progress"))
        return
    data = data.assign(reading=[completion_label(c, lg) if isinstance(c, str) else
                                (raw if isinstance(raw, str) and raw else tr("commitment.no_status"))
                                for c, raw in zip(data["status_code"], data["status_raw"])],
                       who=data["assessor"].map(lambda a: tr(f"assessor.{a}")),
                       subject=[statement_subject(t, seq, title, lg) for t, seq, title in
                                zip(data["subject_type"], data["milestone_seq"], data["milestone_title"])])
    # keyed on (subject, period): a milestone's statement never disagrees with one about the commitment
    grid = data.pivot_table(index=["subject", "period"], columns="who", values="reading", sort=False,
                            aggfunc=lambda s: " / ".join(s))
    codes = data.dropna(subset=["status_code"]).groupby(["subject", "period"])["status_code"].nunique()
    grid[tr("col.flag")] = [tr("commitment.disagree_short") if codes.get(k, 0) > 1 else "" for k in grid.index]
    grid = grid.fillna("").reset_index().rename(columns={"period": tr("col.period"),
                                                         "subject": tr("story.subject")})
    st.dataframe(highlight_rows(grid, tr("col.flag")), hide_index=True, key="progress_table")
    with st.expander(tr("commitment.progress_detail")):
        st.dataframe(pd.DataFrame({
            tr("col.period"): data["period"], tr("story.subject"): data["subject"], tr("col.assessor"): data["who"],
            tr("col.said_by"): data["assessor_name"].fillna(""), tr("col.reading"): data["reading"],
            tr("col.percent"): data["percent_complete"],
            tr("col.narrative"): in_language(data, "narrative", lg), tr("col.challenges"): data["challenges"],
            tr("col.source"): [source_text(r) for r in data.to_dict("records")],
        }), hide_index=True, key="progress_detail")
    evidence(data)


def evidence(data: pd.DataFrame) -> None:
    """Evidence lines, each with who cited it: web addresses as links, anything else (javascript:, file paths)
    as plain text."""
    said_by = data["assessor_name"].where(data["assessor_name"].notna(), data["who"])
    lines = list(dict.fromkeys((f"{p} · {about} · {by}", line.strip())
                               for p, about, by, text in zip(data["period"], data["subject"], said_by, data["evidence"])
                               if isinstance(text, str) for line in text.splitlines() if line.strip()))
    st.subheader(tr("commitment.evidence"))
    if not lines:
        st.info(tr("empty.evidence"))
        return
    dead = dead_links([u for _, line in lines for u in web_urls(line)])
    marks = ["".join(dead_mark(u) for u in web_urls(line) if u in dead) for _, line in lines]
    # one list, one element: a page pays for each element it sends
    st.markdown("\n".join(f"- {md(period)}: {md_link(line)}{mark}" for (period, line), mark in zip(lines, marks)))


def dead_links(urls: list[str]) -> set[str]:
    """Those of `urls` whose latest check found them dead (monitor.linkcheck; none when never checked)."""
    if not urls:
        return set()
    return dead_urls(read("link_checks", sorted(set(urls))))


def dead_mark(url: str) -> str:
    return f" ({tr('story.dead_link')}: [{tr('story.search_archive')}]({archive_link(url)}))"


def events(commitment_id: str) -> pd.DataFrame | None:
    """Dated events with a link to each one's first source; returns the table for its download."""
    data = read("events", commitment_id)
    st.subheader(tr("commitment.events"))
    if data.empty:
        st.info(tr("empty.events"))
        return None
    shown = pd.DataFrame({
        tr("col.date"): [fmt(d) if d == d and d is not None else raw
                         for d, raw in zip(data["event_date"], data["date_raw"])],
        tr("col.category"): data["category"],
        tr("col.event"): in_language(data, "title", lang()),
        tr("col.actor"): data["actor"],
        tr("col.link"): data["source_url"].map(first_web_url),
    })
    dead = dead_links([u for u in shown[tr("col.link")] if isinstance(u, str)])
    if dead:
        shown[tr("story.dead_link")] = [archive_link(u) if u in dead else None for u in shown[tr("col.link")]]
    st.dataframe(shown, hide_index=True, key="events_table", height=min(36 * (len(shown) + 1) + 4, 1100),
                 column_config={
        tr("col.event"): st.column_config.TextColumn(width="large"),
        tr("col.link"): st.column_config.LinkColumn(display_text=tr("commitment.open_source")),
        tr("story.dead_link"): st.column_config.LinkColumn(
            display_text=f"({tr('story.dead_link')}: {tr('story.search_archive')})"),
    })
    return shown


@view
def sources(commitment_id: str) -> None:
    data = read("sources", commitment_id)
    with st.expander(tr("commitment.sources"), expanded=False):
        st.dataframe(pd.DataFrame({
            tr("col.file"): data["file_name"], tr("col.kind"): data["kind"],
            tr("col.loaded_at"): data["loaded_at"].map(fmt), tr("col.link"): data["source_url"],
        }), hide_index=True, key="sources_table")


@view
def story(commitment_id: str) -> pd.DataFrame | None:
    """Status, who says so, the facts and every IRM rating; returns the ratings table for its download."""
    row = plain(read("commitment", commitment_id))
    header(row)
    story_timeline(commitment_id)
    status_line(row)
    facts(row)
    return ratings(commitment_id)


@view
def history(commitment_id: str) -> pd.DataFrame | None:
    """Milestones, progress by assessor, evidence and dated events; returns the events table for its download."""
    milestones(commitment_id)
    progress(commitment_id)
    return events(commitment_id)


commitment_id = chosen_id()
if commitment_id is None:
    st.title(tr("nav.commitment"))
    st.info(tr("empty.database"))
    st.stop()
commitment = read("commitment", commitment_id)
if commitment is None:
    st.title(tr("nav.commitment"))
    st.warning(tr("commitment.not_found", id=commitment_id))
    st.stop()
rated = story(commitment_id)
if rated is not None:  # right under its table, before the links about the whole commitment
    download_table(rated, f"{commitment_id}_ratings", key="dl_ratings")
commitment_links(commitment_id)
dated = history(commitment_id)
if dated is not None:
    download_table(dated, f"{commitment_id}_events", key="dl_events")
sources(commitment_id)
commitment_work(plain(commitment))
