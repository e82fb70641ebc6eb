"""Data intake: upload, see what was detected and every problem BEFORE anything is written, then import
through the dashboard's single writer. Import history with provenance; blank template to download."""
import hashlib

import pandas as pd
import streamlit as st

from monitor import web

PREVIEW_ROWS = 20


def inspected(upload):
    """Detection and validation of the uploaded bytes, once per file content in this session."""
    data = upload.getvalue()
    key = "_inspected_" + hashlib.sha256(data).hexdigest()
    if key not in st.session_state:
        st.session_state[key] = web.inspect_upload(data, upload.name)
    return st.session_state[key]


def show_problems(problems, kind: str) -> None:
    if not problems:
        return
    (st.error if kind == "error" else st.warning)(web.tr(f"data.{kind}s", count=len(problems)))
    st.dataframe(web.problems_frame(problems), hide_index=True, key=f"{kind}s_table")


def preview(batch) -> None:
    st.markdown(f"**{web.tr('data.detected')}:** {web.tr('kind.' + batch.source.kind)} "
                f"(`{batch.source.kind}`) · {batch.row_count():,} {web.tr('data.rows')}")
    counts = pd.DataFrame({web.tr("data.table"): list(batch.counts()),
                           web.tr("data.rows"): list(batch.counts().values())})
    st.dataframe(counts, hide_index=True, key="counts_table")
    for name, frame in batch.tables.items():
        if len(frame):
            with st.expander(web.tr("data.preview", table=name, rows=min(PREVIEW_ROWS, len(frame)))):
                st.dataframe(frame.head(PREVIEW_ROWS), hide_index=True, key=f"preview_{name}")
    for note in batch.notes:
        st.caption(web.md(note))


def run_import(batch) -> None:
    bar = st.progress(0.0, text=web.tr("data.importing"))
    report = web.import_batch(batch, progress=lambda share, table: bar.progress(
        min(float(share), 1.0), text=web.tr("data.importing_table", table=table)))
    bar.progress(1.0, text=web.tr("data.done"))
    if report.already_imported_at is not None:
        st.info(web.tr("data.already", date=web.fmt(report.already_imported_at)))
    else:
        st.success(web.tr("data.imported", added=f"{report.total_added:,}", changed=f"{report.total_changed:,}",
                          name=batch.source.file_name))
        st.page_link("views/overview.py", label=web.tr("nav.overview"), icon=":material/dashboard:")


def intake() -> None:
    # No `type=`: Streamlit would raise on another extension; upload_problem says it in words instead.
    upload = st.file_uploader(web.tr("data.upload"), max_upload_size=web.MAX_UPLOAD_MB, help=web.tr("data.upload_help"))
    if upload is None:
        st.caption(web.tr("data.kinds"))
        return
    refused = web.upload_problem(upload.name, upload.size)
    if refused:
        st.error(refused)
        return
    batch, unreadable = inspected(upload)
    if unreadable:
        show_problems(unreadable, "error")
        st.caption(web.tr("data.nothing_written"))
        return
    preview(batch)
    show_problems(batch.errors, "error")
    show_problems(batch.warnings, "warning")
    if batch.errors:
        st.caption(web.tr("data.nothing_written"))
        return
    if st.button(web.tr("data.import_button", rows=f"{batch.row_count():,}"), type="primary", key="import"):
        try:
            run_import(batch)
        except Exception as exc:  # noqa: BLE001 - the writer rolled back; say so instead of a traceback
            problems = getattr(exc, "problems", None)
            show_problems(problems, "error") if problems else st.error(web.tr("data.failed", reason=str(exc)[:300]))
            st.caption(web.tr("data.nothing_written"))


def history() -> None:
    st.subheader(web.tr("data.history"))
    data = web.read("import_history")
    if data.empty:
        st.info(web.tr("empty.history"))
        return
    shown = pd.DataFrame({
        web.tr("col.loaded_at"): data["loaded_at"].astype(str), web.tr("col.file"): data["file_name"],
        web.tr("col.kind"): data["kind"], web.tr("data.rows"): data["row_count"],
        web.tr("data.size"): data["size_bytes"], web.tr("data.by"): data["loaded_by"],
        "sha256": data["sha256"], web.tr("data.notes"): data["notes"],
    })
    st.dataframe(shown, hide_index=True, key="history_table")
    web.download_table(shown, "import_history", key="dl_history")


st.title(web.tr("data.title"))
st.caption(web.tr("data.help"))
intake()
st.download_button(web.tr("data.template"), data=web.template_bytes(), file_name="nap_template.xlsx",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", on_click="ignore",
                   icon=":material/download:", key="dl_template")
history()
