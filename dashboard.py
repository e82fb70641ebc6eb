"""Entry point: `streamlit run dashboard.py`. Language, navigation and the first-run database build.

Page titles go through the catalogues, so the language switch is drawn before the navigation.
"""
from pathlib import Path

import streamlit as st

from monitor import web

# a file, not a ":material/..." icon: Streamlit fetches those favicons from Google's servers, which fails offline
st.set_page_config(page_title=web.tr("app.title"), page_icon=Path(__file__).parent / "assets" / "icon.png",
                   layout="wide")

web.language_switch()
web.ensure_database()

PAGES = {
    web.tr("nav.monitor"): [
        st.Page("views/overview.py", title=web.tr("nav.overview"), icon=":material/dashboard:", default=True),
        st.Page("views/watchlist.py", title=web.tr("nav.watchlist"), icon=":material/priority_high:"),
        st.Page("views/commitment.py", title=web.tr("nav.commitment"), icon=":material/description:"),
        st.Page("views/compare.py", title=web.tr("nav.compare"), icon=":material/compare_arrows:"),
    ],
    web.tr("nav.data"): [
        st.Page("views/meeting_pack.py", title=web.tr("nav.meeting_pack"), icon=":material/table_view:"),
        st.Page("views/data.py", title=web.tr("nav.import"), icon=":material/upload_file:"),
    ],
}

page = st.navigation(PAGES)
web.visit(page.url_path)
st.sidebar.caption(web.tr("app.title"))
page.run()
