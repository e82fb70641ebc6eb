"""Meeting pack builder: choose what the pack covers, its language and the date to list changes from,
then download the workbook (built only when the button is pressed, on its own cursor)."""
from datetime import date, timedelta

import streamlit as st

from monitor import web
from monitor.export import XLSX_MIME, build_pack, describe
from monitor.export.pack import SHEET_ORDER
from monitor.filters import Filters

KINDS = ("plan", "member", "watchlist", "filters", "all")
DEFAULTS = {"plan": "AP_MEX04", "member": "MEX"}


def choose_scope(options: dict) -> tuple[Filters, str]:
    """The scope as Filters, and a short name for the file."""
    kind = st.radio(web.tr("pack.scope"), KINDS, format_func=lambda k: web.tr(f"pack.kind.{k}"), horizontal=True,
                    key="pack_kind")
    if kind == "plan":
        plans = {p[0]: web.plan_label(p, web.lang()) for p in options["plans"]}
        plan = st.selectbox(web.tr("pack.kind.plan"), list(plans), format_func=plans.get, key="pack_plan",
                            index=_index(list(plans), DEFAULTS["plan"]))
        return Filters(plan=(plan,)) if plan else Filters(plan=("",)), plan or "plan"
    if kind == "member":
        members = dict(options["members"])
        member = st.selectbox(web.tr("pack.kind.member"), list(members), format_func=members.get, key="pack_member",
                              index=_index(list(members), DEFAULTS["member"]))
        return Filters(member=(member,)) if member else Filters(member=("",)), member or "member"
    if kind == "watchlist":
        return Filters(watched=True), "watchlist"
    if kind == "filters":
        return web.current_filters(), "filtered"
    return Filters(), "all"


def _index(values: list[str], wanted: str) -> int:
    return values.index(wanted) if wanted in values else 0


def explain(scope: Filters, options: dict, count: int) -> None:
    """What the pack will cover and contain, in the language of the page."""
    scope_text, filters_text = describe(scope, options, web.lang())
    st.markdown(f"**{web.md(scope_text)}** · {web.tr('pack.count', count=f'{count:,}')}")
    st.caption(web.md(filters_text))
    if not count:
        st.info(web.tr("pack.empty"))
    with st.expander(web.tr("pack.contents"), expanded=True):
        for key in ("summary", *SHEET_ORDER):
            st.markdown(f"- **{web.tr(f'export.sheet.{key}')}**: {web.tr(f'export.sheet_help.{key}')}")
        st.caption(web.tr("pack.safety"))


st.title(web.tr("pack.title"))
st.caption(web.tr("pack.intro"))
options = web.read("filter_options")
scope, stem = choose_scope(options)
left, right = st.columns(2)
pack_lang = left.radio(web.tr("pack.language"), ("en", "es"), index=("en", "es").index(web.lang()),
                       format_func={"en": "English", "es": "Español"}.get, horizontal=True, key="pack_lang")
since = right.date_input(web.tr("pack.since"), value=date.today() - timedelta(days=90), key="pack_since",
                         help=web.tr("pack.since_help"))
count = web.read("count_commitments", scope)
explain(scope, options, count)


def workbook() -> bytes:
    """Runs on the download's own thread: its own cursor, never a shared one."""
    with web.cursor() as cur:
        return build_pack(cur, scope, lang=pack_lang, since=since or None, today=date.today())


st.download_button(web.tr("pack.download"), data=workbook, on_click="ignore", mime=XLSX_MIME, type="primary",
                   file_name=f"meeting_pack_{stem}_{pack_lang}_{date.today().isoformat()}.xlsx",
                   icon=":material/download:", key="pack_download")
