"""Downloads, each built only when clicked, on the button's own thread: safe CSVs of any table (monitor.export:
no formulas, BOM for Excel), the blank NAP template and the meeting pack."""
from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

from monitor.export import CSV_MIME, XLSX_MIME, build_pack, csv_bytes
from monitor.filters import Filters
from webui.data import cursor
from webui.language import lang, tr


def download_table(df: pd.DataFrame, file_stem: str, key: str) -> None:
    """The table as a safe CSV; the language is captured now, since the file is built on another thread."""
    lg = lang()
    st.download_button(tr("ui.download_csv"), data=lambda: csv_bytes(df, lg), file_name=f"{file_stem}.csv",
                       mime=CSV_MIME, key=key, on_click="ignore", icon=":material/download:")


@st.cache_data(show_spinner=False)
def template_bytes(lang: str) -> bytes:
    """The blank NAP workbook (monitor.export.template) in `lang`, as bytes for a download button."""
    from monitor.export.template import write_template

    with tempfile.TemporaryDirectory() as folder:
        path = write_template(Path(folder) / "nap_template.xlsx", lang)
        return Path(path).read_bytes()


def pack_download(scope: Filters, pack_lang: str, since: date | None, file_name: str) -> None:
    """The meeting pack of `scope`: its own cursor on the download's thread, never a shared one."""
    def workbook() -> bytes:
        with cursor() as cur:
            return build_pack(cur, scope, lang=pack_lang, since=since, today=date.today())

    st.download_button(tr("pack.download"), data=workbook, on_click="ignore", mime=XLSX_MIME, type="primary",
                       file_name=file_name, icon=":material/download:", key="pack_download")
