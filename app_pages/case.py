"""A mandate, addressable as ?id=MX-RP-2018: the case (filed, reviewed, resolved), what its resolution asked of
whom, and the follow-up logged against each request, on one time axis and in tables."""
import re
from datetime import date

import pandas as pd
import streamlit as st

from monitor import charts, palette
from monitor.i18n import in_language
from webui import identity, pages
from webui.components import fmt, md, md_link
from webui.data import plain, read, view
from webui.downloads import download_table
from webui.imports import log_follow_up
from webui.language import lang, tr

ID_PATTERN = re.compile(r"^[A-Za-z0-9_.-]{1,60}$")


def chosen_id() -> str | None:
    wanted = st.query_params.get("id", "")
    if ID_PATTERN.match(wanted):
        return wanted
    known = read("cases")
    if known.empty:
        return None
    labels = dict(zip(known["case_id"], known["case_id"] + " · " + in_language(known, "title", lang())))
    picked = st.selectbox(tr("mandate.pick"), list(labels), format_func=labels.get, index=0)
    st.query_params["id"] = picked
    return picked


def header(c: dict) -> None:
    lg = lang()
    st.title(md(in_language(c, "title", lg)))
    status = tr(f"mandate.status_{c['status']}")
    st.caption(md(f"{c['case_id']} · {c['member_code']} · {tr('mandate.status')}: {status}"))
    if c.get("filed_date"):
        st.markdown(md(tr("mandate.filed", date=fmt(c["filed_date"]), who=c.get("filed_by") or "?")))
    if c.get("resolution_date"):
        resolved = tr("mandate.resolved", date=fmt(c["resolution_date"]), body=c.get("resolution_body") or "")
        st.markdown(f"**{tr('mandate.resolution')}:** {md(resolved)}")
    summary = (c.get("summary_es") if lg == "es" else None) or c.get("summary_en")
    if summary:
        st.info(md(summary), icon=":material/gavel:")
    link = c.get("resolution_url") or c.get("source_url")
    if link:
        st.markdown(md_link(link))


def case_timeline(c: dict, requests: pd.DataFrame, done: pd.DataFrame) -> None:
    """Filing, reviews and resolution; when each request was made; each follow-up: one time axis."""
    lanes = {"case": tr("mandate.lane_filed"), "request": tr("mandate.lane_request"),
             "follow_up": tr("mandate.lane_follow_up")}
    points = [(lanes["case"], c.get("filed_date"), tr("mandate.filed", date=fmt(c.get("filed_date")), who=""))]
    points += [(lanes["case"], _day(d), tr("mandate.lane_filed") + " · " + d.strip())
               for d in str(c.get("review_dates") or "").split(";") if _day(d)]
    points += [(lanes["case"], c.get("resolution_date"), tr("mandate.resolution"))]
    points += [(lanes["request"], r["resolution_date"], f"{r['request_id']} · {r['asked_of']}")
               for r in requests.to_dict("records")]
    points += [(lanes["follow_up"], f["follow_up_date"], f"{f['request_id']} · {tr('mandate.fu_' + f['kind'])} · "
                f"{f['actor']}") for f in done.to_dict("records")]
    rows = [(lane, pd.Timestamp(day).date(), label) for lane, day, label in points if day is not None and day == day]
    if not rows:
        return
    data = pd.DataFrame({"lane": [r[0] for r in rows], "start": [r[1].isoformat() for r in rows], "end": None,
                         "when": [fmt(r[1]) for r in rows], "label": [r[2] for r in rows]})
    data["says"] = data["lane"] + " · " + data["when"] + " · " + data["label"]
    colours = [(lanes[k], palette.LANES[k]) for k in lanes]
    titles = {"lane": tr("mandate.kind"), "when": tr("mandate.date"), "what": tr("mandate.action"),
              "today": tr("commitment.today")}
    data, spec = charts.story_timeline(data, colours, titles, date.today())
    st.subheader(tr("mandate.timeline"))
    st.vega_lite_chart(data, spec, key="chart_case", alt=tr("mandate.timeline"))


def _day(text) -> date | None:
    try:
        return date.fromisoformat(str(text).strip())
    except ValueError:
        return None


def requests_table(requests: pd.DataFrame) -> pd.DataFrame:
    lg = lang()
    shown = pd.DataFrame({
        tr("export.col.request"): requests["request_id"],
        tr("export.col.request_kind"): requests["request_kind"].map(lambda k: tr(f"mandate.kind_{k}")),
        tr("export.col.asked_of"): requests["asked_of"],
        tr("export.col.request_summary"): requests["summary_es"].fillna(requests["summary_en"]) if lg == "es"
        else requests["summary_en"],
        tr("export.col.concerns"): requests["commitment_id"].fillna(requests["action_plan_id"])
        .fillna(requests["member_code"]),
        tr("export.col.last_follow_up"): requests["last_follow_up_date"].map(fmt),
        tr("export.col.days_since_follow_up"): requests["days_since_follow_up"],
        tr("export.col.review_cadence"): requests["review_cadence_days"],
        tr("export.col.follow_up_overdue"): requests["is_follow_up_overdue"].map(
            lambda late: tr("ui.yes") if late else tr("ui.no")),
    })
    st.subheader(tr("mandate.requests"))
    st.dataframe(shown, hide_index=True, key="requests_table",
                 column_config={tr("export.col.request_summary"): st.column_config.TextColumn(width="large")})
    return shown


def follow_up_table(done: pd.DataFrame) -> pd.DataFrame | None:
    st.subheader(tr("mandate.follow_ups"))
    if done.empty:
        st.info(tr("mandate.no_follow_ups"))
        return None
    lg = lang()
    shown = pd.DataFrame({
        tr("mandate.date"): [fmt(d) if precision == "day" and d == d and d is not None else raw  # 2021-07 stays a month
                             for d, raw, precision in zip(done["follow_up_date"], done["date_raw"],
                                                          done["date_precision"])],
        tr("export.col.request"): done["request_id"],
        tr("mandate.kind"): done["kind"].map(lambda k: tr(f"mandate.fu_{k}")),
        tr("col.actor"): done["actor"],
        tr("mandate.action"): done["action_es"].fillna(done["action_en"]) if lg == "es" else done["action_en"],
        tr("mandate.outcome"): done["outcome"],
        tr("col.link"): done["source_url"],
    })
    st.dataframe(shown, hide_index=True, key="follow_ups_table", column_config={
        tr("mandate.action"): st.column_config.TextColumn(width="large"),
        tr("col.link"): st.column_config.LinkColumn(display_text=tr("commitment.open_source"))})
    return shown


@view
def case_page(case_id: str) -> tuple:
    c = plain(read("case", case_id))
    requests, done = read("case_requests", case_id), read("follow_ups", case_id)
    header(c)
    case_timeline(c, requests, done)
    return requests_table(requests), follow_up_table(done), list(requests["request_id"])


def follow_up_form(case_id: str, request_ids: list[str]) -> None:
    """For the Support Unit only: the writer refuses anyone else too, whatever the page shows."""
    who = identity.principal()
    if not who.at_least("support_unit") or not request_ids:
        return
    with st.expander(tr("mandate.log"), expanded=False), st.form("follow_up_form", clear_on_submit=True):
        st.caption(tr("mandate.log_help"))
        request = st.selectbox(tr("mandate.request_pick"), request_ids)
        left, right = st.columns(2)
        on = left.date_input(tr("mandate.date"), value=date.today(), max_value=date.today())
        kind = right.selectbox(tr("mandate.kind"), ("meeting", "letter", "call", "support", "statement", "other"),
                               format_func=lambda k: tr(f"mandate.fu_{k}"))
        action = st.text_area(tr("mandate.action"), max_chars=5_000)
        action_es = st.text_area(tr("mandate.action_es"), max_chars=5_000)
        outcome = st.text_input(tr("mandate.outcome"), max_chars=2_000)
        links = st.text_area(tr("mandate.links"), max_chars=4_000)
        if st.form_submit_button(tr("mandate.save"), type="primary"):
            problem = log_follow_up(who, request, on=on, kind=kind, action_en=action, action_es=action_es or None,
                                    outcome=outcome or None, links=[x.strip() for x in links.splitlines() if x.strip()])
            (st.error(problem) if problem else st.success(tr("mandate.saved")))


st.caption(tr("mandate.intro"))
case_id = chosen_id()
if case_id is None:
    st.title(tr("mandate.title"))
    st.info(tr("mandate.none"))
    pages.link("data")
    st.stop()
if read("case", case_id) is None:
    st.title(tr("mandate.title"))
    st.warning(tr("mandate.not_found", id=case_id))
    st.stop()
asked, logged, request_ids = case_page(case_id)
download_table(asked, f"{case_id}_requests", key="dl_requests")
if logged is not None:
    download_table(logged, f"{case_id}_follow_ups", key="dl_follow_ups")
follow_up_form(case_id, request_ids)
