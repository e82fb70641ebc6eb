"""The review queue: the Support Unit approves or rejects civil society's pending statements; civil society
sees its own submissions and what became of them; the public learns what the page is for.

The reads are monitor.work's role-checked ones (pending_submissions, my_submissions), never cached: the
caches are shared by every visitor. Approving publishes a progress row, so it drops every cached read.
"""
from __future__ import annotations

import streamlit as st

from monitor import auth, work
from monitor.i18n import completion_label, in_language
from webui import identity, pages
from webui.components import md, md_link
from webui.data import read
from webui.language import lang, tr
from webui.work_forms import attempt, done, failed, links, read_private, show_flash, submissions_table, when


def review_page() -> None:
    st.title(tr("review.title"))
    st.caption(tr("review.help"))
    show_flash()
    who = identity.principal()
    if who.at_least(auth.SUPPORT_UNIT):
        queue()
    elif who.role == auth.CIVIL_SOCIETY:
        mine()
    else:
        st.info(tr("review.public"), icon=":material/lock:")


def queue() -> None:
    pending = read_private(work.pending_submissions)
    if pending is None:
        return
    st.subheader(tr("review.pending", count=len(pending)))
    if pending.empty:
        st.info(tr("review.empty"))
        return
    for r in pending.to_dict("records"):
        card(r)


def card(r: dict) -> None:
    """One pending statement with its evidence, and one form to approve (optional note) or reject (reason)."""
    lg = lang()
    sid, cid = r["submission_id"], r["commitment_id"]
    found = read("commitment", cid)
    title = in_language(found, "title", lg) if found is not None else ""
    with st.container(border=True):
        pages.link("commitment", label=f"{cid} · {title}", icon=":material/open_in_new:", id=cid)
        st.markdown(tr("review.line", organisation=md(r["organisation"]), who=md(r["submitted_by"]),
                       when=when(r["submitted_at"]), period=md(r["period"]),
                       status=completion_label(r["status_code"], lg)))
        if r["percent_complete"] is not None and r["percent_complete"] == r["percent_complete"]:
            st.caption(tr("review.percent", percent=f"{r['percent_complete']:g}"))
        for field, label in (("narrative", "work.narrative_en"), ("narrative_es", "work.narrative_es"),
                             ("challenges", "col.challenges")):
            if isinstance(r[field], str) and r[field]:
                st.markdown(f"**{tr(label)}:** {md(r[field])}")
        for line in links(r["evidence"] or ""):
            st.markdown(f"- {md_link(line)}")
        with st.form(f"review_{sid}"):
            words = st.text_area(tr("review.words"), key=f"review_words_{sid}", help=tr("review.words_help"),
                                 max_chars=work.LIMITS["reason"])
            left, right = st.columns(2)
            approve = left.form_submit_button(tr("review.approve"), type="primary", key=f"approve_{sid}")
            reject = right.form_submit_button(tr("review.reject"), key=f"reject_{sid}")
        if approve:
            ok, said = attempt(work.approve_submission, sid, words or None, public=True)
            done(tr("review.approved", id=cid, organisation=r["organisation"])) if ok else failed(said)
        elif reject:
            ok, said = attempt(work.reject_submission, sid, words)
            done(tr("review.rejected", id=cid)) if ok else failed(said)


def mine() -> None:
    """Civil society: every own submission, with its state and a rejection's reason."""
    own = read_private(work.my_submissions)
    st.subheader(tr("work.mine"))
    if own is None or own.empty:
        st.info(tr("review.none_yet"))
        return
    st.dataframe(submissions_table(own, with_commitment=True), hide_index=True, key="my_submissions_table")
