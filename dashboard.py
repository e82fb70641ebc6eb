"""Entry point: `streamlit run dashboard.py`. Language, navigation, who you are (sign-in) and the first-run
database build.

Page titles go through the catalogues, so the language switch is drawn before the navigation.
"""
from pathlib import Path

import streamlit as st

from webui import data, filters, first_run, identity, pages, signin
from webui.language import language_switch, tr

# a file, not a ":material/..." icon: Streamlit fetches those favicons from Google's servers, which fails offline
st.set_page_config(page_title=tr("app.title"), page_icon=Path(__file__).parent / "assets" / "icon.png",
                   layout="wide")

language_switch()
first_run.ensure_database()
data.start_run()
identity.start_run()
page = pages.navigation()
filters.visit(page.url_path)
signin.sidebar()
st.sidebar.caption(tr("app.title"))
page.run()
