"""A fresh machine: build the bundled database once if the file is missing, so the README's one command
shows real data."""
from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path

import streamlit as st

from monitor import config
from webui import data
from webui.language import tr


@st.cache_resource(show_spinner=False)
def _prepared(path: str) -> bool:
    missing = not Path(path).exists()
    con = data.connection()
    if missing:
        from monitor import seed

        with data.WRITE_LOCK:
            cur = con.cursor()
            try:
                seed.init(cur)
            finally:
                cur.close()
    return missing


def ensure_built() -> None:
    """The same first-run build for callers outside a page run (the API), without the spinner."""
    _prepared(str(config.db_path()))


def ensure_database() -> None:
    path = config.db_path()
    with st.spinner(tr("app.building_db")) if not path.exists() else nullcontext():
        _prepared(str(path))
