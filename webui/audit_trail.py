"""The Audit page (admin only): the audit trail filtered by day, entity and actor, whether its hash chain is
intact, and the filtered rows as a safe CSV or XLSX (monitor.export: no cell can run as a formula).

monitor.audit.trail and check_chain refuse anyone but an admin; the page only says so in words.
"""
from __future__ import annotations

import streamlit as st

from monitor import audit, auth
from monitor.export import CSV_MIME, XLSX_MIME, csv_bytes, xlsx_bytes
from webui import identity
from webui.data import cursor
from webui.language import lang, tr
from webui.work_forms import when

SHOWN_ROWS = 2_000  # the table shows the newest rows; the downloads hold every row the filters keep


def audit_page() -> None:
    st.title(tr("audit.title"))
    st.caption(tr("audit.help"))
    who = identity.principal()
    if not who.at_least(auth.ADMIN):
        st.info(tr("audit.admins_only"), icon=":material/lock:")
        return
    with cursor() as cur:
        verdict = audit.check_chain(who, cur)
    if verdict.ok:
        st.success(tr("audit.intact", rows=f"{verdict.rows:,}", head=verdict.head), icon=":material/verified:")
    else:
        st.error(tr("audit.broken", seq=verdict.broken_seq, problem=verdict.problem), icon=":material/gpp_bad:")
    left, middle, right = st.columns(3)
    since = left.date_input(tr("audit.since"), value=None, key="audit_since")
    entity = middle.text_input(tr("audit.entity"), key="audit_entity", help=tr("audit.entity_help")).strip()
    actor = right.text_input(tr("audit.actor"), key="audit_actor").strip()
    with cursor() as cur:
        rows = audit.trail(who, cur, since, entity, actor)
    st.caption(tr("audit.count", rows=f"{len(rows):,}", shown=f"{min(len(rows), SHOWN_ROWS):,}"))
    newest = rows.iloc[::-1].head(SHOWN_ROWS).assign(ts_utc=lambda f: f["ts_utc"].map(when))
    shown = newest.drop(columns=["prev_hash", "row_hash"])
    st.dataframe(shown.rename(columns={c: tr(f"audit.col.{c}") for c in shown.columns}), hide_index=True,
                 key="audit_table")
    downloads(who, since, entity, actor)


def downloads(who: auth.Principal, since, entity: str, actor: str) -> None:
    """Built when clicked, on the download's own thread with its own cursor; the role is checked again."""
    lg = lang()

    def rows():
        with cursor() as cur:
            return audit.trail(who, cur, since, entity, actor)

    stem = "audit_trail" + (f"_since_{since.isoformat()}" if since else "")
    left, right = st.columns(2)
    left.download_button(tr("audit.download_csv"), data=lambda: csv_bytes(rows(), lg),
                         file_name=f"{stem}.csv", mime=CSV_MIME, on_click="ignore", icon=":material/download:",
                         key="dl_audit_csv")
    right.download_button(tr("audit.download_xlsx"), data=lambda: xlsx_bytes(rows(), lg, sheet="Audit"),
                          file_name=f"{stem}.xlsx", mime=XLSX_MIME, on_click="ignore", icon=":material/download:",
                          key="dl_audit_xlsx")
