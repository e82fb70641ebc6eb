"""The one process: the dashboard (dashboard.py) and its read API, feeds and badges on the same server and the
same DuckDB connection. `streamlit run app.py` or `uvicorn app:app`; see docs/api.md."""
from pathlib import Path

import streamlit as st

from webui.api import routes

app = st.App(Path(__file__).resolve().parent / "dashboard.py", routes=routes())
