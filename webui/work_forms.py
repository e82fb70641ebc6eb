"""The monitoring work on a commitment's page: watch / stop watching, record progress (or, for civil society,
submit it for review), one's own submissions, and the commitment's change history.

Who sees which control follows the role (monitor.auth); the service layer (monitor.work, monitor.audit) checks
the role again on every call, so hiding a form is never the only protection. Every write is one st.form
submit: on failure the service's message is shown and nothing is written; on success the page runs again
with the news on top, so every section reads the new state.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from monitor import audit, auth, work
from monitor.i18n import completion_label, in_language
from vocabulary import scales
from webui import identity
from webui.data import WRITE_LOCK, connection, cursor, start_run
from webui.language import lang, tr

FLASH = "_work_flash"  # session state: what the last write said, shown after the rerun it caused


def attempt(action, *args, public: bool = False, **kwargs) -> tuple[bool, object]:
    """Run a monitor.work write as this session's person through the dashboard's one connection.

    (True, result), or (False, the service's message) for InvalidInput or NotAllowed: the write rolled back.
    `public` writes change what everyone reads, so every cached read is dropped."""
    with WRITE_LOCK:
        cur = connection().cursor()
        try:
            result = action(identity.principal(), cur, *args, **kwargs)
        except (work.InvalidInput, auth.NotAllowed) as exc:
            return False, str(exc)
        finally:
            cur.close()
    if public:
        st.cache_data.clear()
        start_run()
    return True, result


PROGRESS_KEYS = ("pf_organisation", "pf_period", "pf_status", "pf_percent", "pf_narrative", "pf_narrative_es",
                 "pf_challenges", "pf_evidence")


def done(message: str, forget: tuple[str, ...] = ()) -> None:
    """A write succeeded: empty the form it came from (`forget` its widgets' keys, so the same statement is not
    sent twice) and say so after the page runs again on the new data. A refusal keeps what was typed."""
    for key in forget:
        st.session_state.pop(key, None)
    st.session_state[FLASH] = message
    st.rerun()


def failed(message: str) -> None:
    st.error(tr("work.failed", reason=message), icon=":material/error:")


def show_flash() -> None:
    message = st.session_state.pop(FLASH, None)
    if message:
        st.success(message, icon=":material/check_circle:")


def read_private(function, *args) -> pd.DataFrame | None:
    """A role-checked private read (never cached: the caches are shared by every visitor); None when refused."""
    with cursor() as cur:
        try:
            return function(identity.principal(), cur, *args)
        except auth.NotAllowed:
            return None


def when(value) -> str:
    """A stored UTC time as people read it, to the minute."""
    return "" if value is None or value != value else pd.Timestamp(value).strftime("%Y-%m-%d %H:%M UTC")


def status_options() -> list[str]:
    """The published completion scale's labels, as monitor.work accepts them."""
    return scales.allowed_labels("completion")


def status_words(label: str) -> str:
    return completion_label(scales.resolve("completion", label), lang())


def links(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


# --- the page section -----------------------------------------------------------------------------------

def commitment_work(row: dict) -> None:
    """Everything the acting person may do about this commitment, below its story; a hint for the public."""
    who = identity.principal()
    cid = row["commitment_id"]
    st.subheader(tr("work.title"))
    show_flash()
    if who.at_least(auth.SUPPORT_UNIT):
        watch_forms(row)
        progress_form(cid, submit=False)
        change_history(cid)
    elif who.role == auth.CIVIL_SOCIETY:
        progress_form(cid, submit=True)
        own_submissions(cid)
    else:
        st.caption(tr("work.public_hint"))


def watch_forms(row: dict) -> None:
    cid = row["commitment_id"]
    if not row["is_watched"]:
        with st.expander(tr("work.watch"), icon=":material/visibility:"):
            with st.form("watch_form"):
                reason = st.text_area(tr("work.reason_en"), key="watch_reason", max_chars=work.LIMITS["reason"])
                reason_es = st.text_area(tr("work.reason_es"), key="watch_reason_es",
                                         max_chars=work.LIMITS["reason"])
                pressed = st.form_submit_button(tr("work.watch"), type="primary", key="watch_submit")
            if pressed:
                ok, said = attempt(work.watch, cid, reason, reason_es or None, public=True)
                done(tr("work.watched", id=cid)) if ok else failed(said)
        return
    with st.expander(tr("work.edit_reason"), icon=":material/edit:"):
        with st.form("watch_reason_form"):
            reason = st.text_area(tr("work.reason_en"), value=row.get("watch_reason") or "", key="edit_reason",
                                  max_chars=work.LIMITS["reason"])
            reason_es = st.text_area(tr("work.reason_es"), value=row.get("watch_reason_es") or "",
                                     key="edit_reason_es", max_chars=work.LIMITS["reason"])
            pressed = st.form_submit_button(tr("work.save_reason"), type="primary", key="edit_reason_submit")
        if pressed:
            ok, said = attempt(work.edit_watch_reason, cid, reason, reason_es or None, public=True)
            if not ok:
                failed(said)
            elif said:
                done(tr("work.reason_saved", id=cid))
            else:
                st.info(tr("work.nothing_changed"))
    with st.expander(tr("work.unwatch"), icon=":material/visibility_off:"):
        with st.form("unwatch_form"):
            why = st.text_input(tr("work.unwatch_reason"), key="unwatch_reason", max_chars=work.LIMITS["reason"])
            pressed = st.form_submit_button(tr("work.unwatch"), key="unwatch_submit")
        if pressed:
            ok, said = attempt(work.unwatch, cid, why, public=True)
            done(tr("work.unwatched", id=cid)) if ok else failed(said)


def progress_form(cid: str, *, submit: bool) -> None:
    """One form for both: the Support Unit records its own statement; civil society files it for review."""
    title = tr("work.submit") if submit else tr("work.record")
    box = st.expander(title, icon=":material/edit_note:")
    with box, st.form("progress_form"):
        st.caption(tr("work.submit_help") if submit else tr("work.record_help"))
        organisation = st.text_input(tr("work.organisation"), key="pf_organisation",
                                     max_chars=work.LIMITS["organisation"]) if submit else None
        left, middle, right = st.columns(3)
        period = left.text_input(tr("work.period"), key="pf_period", help=tr("work.period_help"),
                                 max_chars=work.LIMITS["period"])
        status = middle.selectbox(tr("col.status"), status_options(), index=None, format_func=status_words,
                                  key="pf_status", placeholder=tr("work.status_pick"), help=tr("work.status_help"))
        percent = right.number_input(tr("work.percent"), min_value=0.0, max_value=100.0, value=None, step=5.0,
                                     key="pf_percent")
        narrative = st.text_area(tr("work.narrative_en"), key="pf_narrative", max_chars=work.LIMITS["narrative"])
        narrative_es = st.text_area(tr("work.narrative_es"), key="pf_narrative_es",
                                    max_chars=work.LIMITS["narrative"])
        challenges = st.text_area(tr("col.challenges"), key="pf_challenges", max_chars=work.LIMITS["challenges"])
        evidence = st.text_area(tr("work.evidence"), key="pf_evidence", help=tr("work.evidence_help"))
        pressed = st.form_submit_button(title, type="primary", key="pf_submit")
    if not pressed:
        return
    statement = {"period": period, "status": status or "", "percent": percent, "narrative": narrative,
                 "narrative_es": narrative_es, "challenges": challenges, "evidence": links(evidence)}
    with box:  # the refusal shows under the form, where the reader is looking
        if submit:
            ok, said = attempt(work.submit_progress, cid, organisation=organisation, **statement)
            done(tr("work.submitted", id=cid), PROGRESS_KEYS) if ok else failed(said)
        else:
            ok, said = attempt(work.record_progress, cid, public=True, **statement)
            done(tr("work.recorded", id=cid, period=period.strip()), PROGRESS_KEYS) if ok else failed(said)


def state_words(state: str) -> str:
    return tr(f"work.state_{state}")


def submissions_table(mine: pd.DataFrame, with_commitment: bool = False) -> pd.DataFrame:
    """A person's submissions in words: state, the reviewer's reason for a rejection, never an approval's note."""
    lg = lang()
    shown = {tr("col.id"): mine["commitment_id"]} if with_commitment else {}
    shown.update({
        tr("col.period"): mine["period"], tr("col.status"): mine["status_code"].map(lambda c: completion_label(c, lg)),
        tr("work.organisation"): mine["organisation"], tr("work.submitted_at"): mine["submitted_at"].map(when),
        tr("work.state"): mine["state"].map(state_words),
        tr("work.rejection_reason"): mine["rejection_reason"].fillna(""),
        tr("col.narrative"): in_language(mine, "narrative", lg).fillna(""),
    })
    return pd.DataFrame(shown)


def own_submissions(cid: str) -> None:
    """The civil-society person's own submissions about this commitment, with withdraw for pending ones."""
    mine = read_private(work.my_submissions)
    mine = mine[mine["commitment_id"] == cid] if mine is not None else None
    if mine is None or mine.empty:
        return
    st.markdown(f"**{tr('work.mine')}**")
    st.dataframe(submissions_table(mine), hide_index=True, key="my_submissions_table")
    for r in mine[mine["state"] == "pending"].to_dict("records"):
        withdraw_button(r)


def withdraw_button(r: dict) -> None:
    label = tr("work.withdraw", period=r["period"], when=when(r["submitted_at"]))
    if st.button(label, key=f"withdraw_{r['submission_id']}", icon=":material/undo:"):
        ok, said = attempt(work.withdraw_submission, r["submission_id"])
        done(tr("work.withdrawn")) if ok else failed(said)


def history_table(changes: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        tr("audit.when"): changes["ts_utc"].map(when), tr("col.actor"): changes["actor"],
        tr("audit.role"): changes["actor_role"], tr("audit.action"): changes["action"],
        tr("audit.field"): changes["field"], tr("audit.before"): changes["before"],
        tr("audit.after"): changes["after"], tr("audit.reason"): changes["reason"].fillna(""),
    })


def change_history(cid: str) -> None:
    """Who changed what about this commitment (monitor.audit.commitment_history checks the role)."""
    changes = read_private(audit.commitment_history, cid)
    if changes is None:
        return
    with st.expander(tr("work.history", rows=len(changes)), icon=":material/history:"):
        if changes.empty:
            st.caption(tr("work.no_history"))
        else:
            st.dataframe(history_table(changes), hide_index=True, key="change_history_table")
