"""Meeting pack builder: choose what the pack covers, its language and the date to list changes from,
then download the workbook (built only when the button is pressed, on its own cursor)."""
from datetime import date, timedelta

import streamlit as st

from monitor.export import describe
from monitor.export.pack import SHEET_ORDER
from monitor.filters import Filters
from monitor.i18n import LANGUAGES, plan_label
from webui.components import md
from webui.data import read
from webui.downloads import pack_download
from webui.filters import current_filters
from webui.language import NAMES, lang, tr

KINDS = ("plan", "member", "watchlist", "filters", "all")
DEFAULTS = {"plan": "AP_MEX04", "member": "MEX"}


def choose_scope(options: dict) -> tuple[Filters, str]:
    """The scope as Filters, and a short name for the file."""
    kind = st.radio(tr("pack.scope"), KINDS, format_func=lambda k: tr(f"pack.kind.{k}"), horizontal=True,
                    key="pack_kind")
    if kind == "plan":
        plans = {p[0]: plan_label(p, lang()) for p in options["plans"]}
        plan = st.selectbox(tr("pack.kind.plan"), list(plans), format_func=plans.get, key="pack_plan",
                            index=_index(list(plans), DEFAULTS["plan"]))
        return Filters(plan=(plan,)) if plan else Filters(plan=("",)), plan or "plan"
    if kind == "member":
        members = dict(options["members"])
        member = st.selectbox(tr("pack.kind.member"), list(members), format_func=members.get, key="pack_member",
                              index=_index(list(members), DEFAULTS["member"]))
        return Filters(member=(member,)) if member else Filters(member=("",)), member or "member"
    if kind == "watchlist":
        return Filters(watched=True), "watchlist"
    if kind == "filters":
        return current_filters(), "filtered"
    return Filters(), "all"


def _index(values: list[str], wanted: str) -> int:
    return values.index(wanted) if wanted in values else 0


def explain(scope: Filters, options: dict, count: int) -> None:
    """What the pack will cover and contain, in the language of the page."""
    scope_text, filters_text = describe(scope, options, lang())
    st.markdown(f"**{md(scope_text)}** · {tr('pack.count', count=f'{count:,}')}")
    st.caption(md(filters_text))
    if not count:
        st.info(tr("pack.empty"))
    with st.expander(tr("pack.contents"), expanded=True):
        for key in ("summary", *SHEET_ORDER):
            st.markdown(f"- **{tr(f'export.sheet.{key}')}**: {tr(f'export.sheet_help.{key}')}")
        st.caption(tr("pack.safety"))


st.title(tr("pack.title"))
st.caption(tr("pack.intro"))
options = read("filter_options")
scope, stem = choose_scope(options)
left, right = st.columns(2)
pack_lang = left.radio(tr("pack.language"), LANGUAGES, index=LANGUAGES.index(lang()), format_func=NAMES.get,
                       horizontal=True, key="pack_lang")
since = right.date_input(tr("pack.since"), value=date.today() - timedelta(days=90), key="pack_since",
                         help=tr("pack.since_help"))
explain(scope, options, read("count_commitments", scope))
pack_download(scope, pack_lang, since or None,
              file_name=f"meeting_pack_{stem}_{pack_lang}_{date.today().isoformat()}.xlsx")
