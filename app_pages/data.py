"""Data intake: upload, see what was detected and every problem BEFORE anything is written, then import
through the dashboard's single writer. Import history with provenance; blank template to download."""
import hashlib

import pandas as pd
import streamlit as st

from webui import identity, pages
from webui.components import fmt, md
from webui.data import read
from webui.downloads import download_table, template_bytes
from webui.imports import (
    MAX_UPLOAD_MB,
    import_batch,
    inspect_upload,
    problems_frame,
    removals,
    removals_frame,
    upload_problem,
)
from webui.language import lang, tr
from webui.linkchecks import check_cited_links

PREVIEW_ROWS = 20


def inspected(upload):
    """Detection and validation of the uploaded bytes, once per file content in this session."""
    data = upload.getvalue()
    key = "_inspected_" + hashlib.sha256(data).hexdigest()
    if key not in st.session_state:
        st.session_state[key] = inspect_upload(data, upload.name)
    return st.session_state[key]


def show_problems(problems, kind: str) -> None:
    if not problems:
        return
    (st.error if kind == "error" else st.warning)(tr(f"data.{kind}s", count=len(problems)))
    st.dataframe(problems_frame(problems), hide_index=True, key=f"{kind}s_table")


def preview(batch) -> None:
    st.markdown(f"**{tr('data.detected')}:** {tr('kind.' + batch.source.kind)} "
                f"(`{batch.source.kind}`) · {batch.row_count():,} {tr('data.rows')}")
    counts = pd.DataFrame({tr("data.table"): list(batch.counts()),
                           tr("data.rows"): list(batch.counts().values())})
    st.dataframe(counts, hide_index=True, key="counts_table")
    for name, frame in batch.tables.items():
        if len(frame):
            with st.expander(tr("data.preview", table=name, rows=min(PREVIEW_ROWS, len(frame)))):
                st.dataframe(frame.head(PREVIEW_ROWS), hide_index=True, key=f"preview_{name}")
    for note in batch.notes:
        st.caption(md(note))


def show_removals(rows, *, done: bool = False) -> None:
    """Rows an earlier version of the file held and this one does not: withdrawn by source, never kept silently."""
    if not rows:
        return
    st.warning(tr("data.withdrawn" if done else "data.will_withdraw", count=len(rows)))
    st.dataframe(removals_frame(rows), hide_index=True, key="withdrawn_table" if done else "removals_table")


def run_import(batch) -> None:
    bar = st.progress(0.0, text=tr("data.importing"))
    report = import_batch(batch, progress=lambda share, table: bar.progress(
        min(float(share), 1.0), text=tr("data.importing_table", table=table)))
    bar.progress(1.0, text=tr("data.done"))
    if report.already_imported_at is not None:
        st.info(tr("data.already", date=fmt(report.already_imported_at)))
    else:
        st.success(tr("data.imported", added=f"{report.total_added:,}", changed=f"{report.total_changed:,}",
                          name=batch.source.file_name))
        show_removals(report.withdrawn, done=True)
        if report.restored:
            st.info(tr("data.restored", count=len(report.restored)))
        pages.link("overview")


def intake() -> None:
    # No `type=`: Streamlit would raise on another extension; upload_problem says it in words instead.
    upload = st.file_uploader(tr("data.upload"), max_upload_size=MAX_UPLOAD_MB, help=tr("data.upload_help"))
    if upload is None:
        st.caption(tr("data.kinds"))
        return
    refused = upload_problem(upload.name, upload.size)
    if refused:
        st.error(refused)
        return
    batch, unreadable = inspected(upload)
    if unreadable:
        show_problems(unreadable, "error")
        st.caption(tr("data.nothing_written"))
        return
    preview(batch)
    show_problems(batch.errors, "error")
    show_problems(batch.warnings, "warning")
    if batch.errors:
        st.caption(tr("data.nothing_written"))
        return
    show_removals(removals(batch))
    if st.button(tr("data.import_button", rows=f"{batch.row_count():,}"), type="primary", key="import"):
        try:
            run_import(batch)
        except Exception as exc:  # noqa: BLE001 - the writer rolled back; say so instead of a traceback
            problems = getattr(exc, "problems", None)
            show_problems(problems, "error") if problems else st.error(tr("data.failed", reason=str(exc)[:300]))
            st.caption(tr("data.nothing_written"))


def public_name(actor: str) -> str:
    """Who imported, as the public may read it: a person's address stays private, the kind of actor shows."""
    if not isinstance(actor, str) or "@" not in actor:
        return actor
    return actor if identity.principal().at_least("support_unit") else tr("ui2.a_person")


def history() -> None:
    st.subheader(tr("data.history"))
    data = read("import_history")
    if data.empty:
        st.info(tr("empty.history"))
        return
    shown = pd.DataFrame({
        tr("col.loaded_at"): data["loaded_at"].astype(str), tr("col.file"): data["file_name"],
        tr("col.kind"): data["kind"], tr("data.rows"): data["row_count"],
        tr("data.size"): data["size_bytes"], tr("data.by"): data["loaded_by"].map(public_name),
        "sha256": data["sha256"], tr("data.notes"): data["notes"],
    })
    st.dataframe(shown, hide_index=True, key="history_table")
    download_table(shown, "import_history", key="dl_history")


def who_may_import() -> bool:
    """Only the Support Unit gets the uploader; anyone else is told why (the sidebar says who is acting)."""
    if identity.principal().at_least("support_unit"):
        return True
    st.info(tr("ui2.import_needs_role"), icon=":material/lock:")
    return False


def link_check() -> None:
    """Support Unit only: check every cited link now and keep the results; the pages then mark dead ones."""
    who = identity.principal()
    if not who.at_least("support_unit"):
        return
    st.subheader(tr("story.check_links"))
    st.caption(tr("story.check_links_help"))
    if not st.button(tr("story.check_links"), key="check_links", icon=":material/link:"):
        return
    down, outcomes = check_cited_links(who)
    if down:
        st.warning(tr("story.network_down"), icon=":material/wifi_off:")
        return
    total = sum(outcomes.values())
    st.success(tr("story.checked", total=total, ok=outcomes.get("ok", 0), dead=outcomes.get("dead", 0),
                  other=total - outcomes.get("ok", 0) - outcomes.get("dead", 0)))


st.title(tr("data.title"))
st.caption(tr("data.help"))
if who_may_import():
    intake()
st.download_button(tr("data.template"), data=template_bytes(lang()), file_name="nap_template.xlsx",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", on_click="ignore",
                   icon=":material/download:", key="dl_template")
history()
link_check()
