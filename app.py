"""The one process: the dashboard (dashboard.py) and its read API, feeds and badges on the same server and the
same DuckDB connection. `streamlit run app.py` or `uvicorn app:app`; see docs/api.md."""
import importlib
from contextlib import asynccontextmanager
from pathlib import Path

import streamlit as st

from webui.api import routes

# What every page run imports: loaded while the server starts, so the sessions arriving first do not all wait
# for one run to import pandas, pyarrow, openpyxl and the loaders (3-5 s on this kind of machine).
WARM = ("pandas", "pyarrow", "openpyxl", "monitor.export", "monitor.queries", "loaders.detect", "webui.data")


@asynccontextmanager
async def warm_up(_app):
    for name in WARM:
        importlib.import_module(name)
    yield


app = st.App(Path(__file__).resolve().parent / "dashboard.py", routes=routes(), lifespan=warm_up)
