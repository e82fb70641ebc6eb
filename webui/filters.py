"""The shared sidebar filters, kept in step with the URL both ways so a filtered view is a link."""
from __future__ import annotations

import streamlit as st

from monitor.filters import Filters, known_only
from monitor.i18n import band_label, completion_label, plan_label
from vocabulary.status import COMPLETION_CODES, RAG_STATUSES, RESULTS_BANDS
from webui.components import rag_text
from webui.data import read
from webui.language import lang, tr


def visit(page_key: str) -> None:
    """Called by the entry point on every run: a page switch clears the URL, and filters must survive it."""
    st.session_state["_switched"] = st.session_state.get("_page") != page_key
    st.session_state["_page"] = page_key


def _url_filters() -> Filters:
    return Filters.from_params(st.query_params.to_dict())


def _write_url(f: Filters) -> None:
    """Replace the filter part of the URL; other params (lang, id) stay."""
    for name in Filters.__dataclass_fields__:
        st.query_params.pop(name, None)
    st.query_params.update(f.to_params())
    st.session_state["_filters"] = f


def _adopt(f: Filters) -> None:
    """Push filters into the widgets before they are drawn (a shared link, a reload or Back)."""
    for name in Filters.__dataclass_fields__:
        value = getattr(f, name)
        st.session_state[f"flt_{name}"] = list(value) if isinstance(value, tuple) else value


def _valid(f: Filters, options: dict) -> Filters:
    """URL values are user input: keep only values that exist (the API refuses the same values)."""
    return known_only(f, options)


def sidebar_filters() -> Filters:
    """The shared filter widgets; the URL and the widgets stay in step both ways.

    A URL that differs from what this session last wrote (a shared link, a reload, Back) wins over the
    widgets; otherwise the widgets win and are written to the URL."""
    options = read("filter_options")
    url = _valid(_url_filters(), options)
    last = st.session_state.get("_filters")
    switched = st.session_state.pop("_switched", False)
    if switched and url.is_empty() and last and not last.is_empty():
        url = last  # the page switch cleared the URL: carry the filters over
    if url != last or switched:
        _adopt(url)
    chosen = _filter_widgets(options)
    _write_url(chosen)
    return chosen


def _filter_widgets(options: dict) -> Filters:
    lg = lang()
    side = st.sidebar
    side.header(tr("filters.title"))
    q = side.text_input(tr("filters.q"), key="flt_q", placeholder=tr("filters.q_hint"), help=tr("filters.q_help"))
    member_names = dict(options["members"])
    member = side.multiselect(tr("filters.member"), list(member_names), key="flt_member",
                              format_func=lambda c: member_names.get(c, c), placeholder=tr("filters.any"))
    region = side.multiselect(tr("filters.region"), options["regions"], key="flt_region", placeholder=tr("filters.any"))
    plan_names = {p[0]: plan_label(p, lg) for p in options["plans"]}
    plan = side.multiselect(tr("filters.plan"), list(plan_names), key="flt_plan",
                            format_func=lambda c: plan_names.get(c, c), placeholder=tr("filters.any"))
    area = side.multiselect(tr("filters.policy_area"), options["policy_areas"], key="flt_policy_area",
                            placeholder=tr("filters.any"))
    lead = side.text_input(tr("filters.lead"), key="flt_lead")
    status = side.multiselect(tr("filters.status"), RAG_STATUSES, key="flt_status",
                              format_func=rag_text, placeholder=tr("filters.any"))
    completion = side.multiselect(tr("filters.completion"), COMPLETION_CODES, key="flt_completion",
                                  format_func=lambda c: completion_label(c, lg), placeholder=tr("filters.any"))
    results = side.multiselect(tr("filters.results"), RESULTS_BANDS, key="flt_results",
                               format_func=lambda b: band_label("results", b, lg), placeholder=tr("filters.any"))
    starred = side.checkbox(tr("filters.starred"), key="flt_starred")
    watched = side.checkbox(tr("filters.watched"), key="flt_watched")
    return Filters(member=tuple(member), region=tuple(region), plan=tuple(plan), policy_area=tuple(area),
                   status=tuple(status), completion=tuple(completion), results=tuple(results),
                   lead=lead.strip()[:200], q=q.strip()[:200], starred=starred, watched=watched)


def current_filters() -> Filters:
    """Filters of this session without drawing widgets (pages that only read them, such as exports)."""
    return st.session_state.get("_filters") or _url_filters()
