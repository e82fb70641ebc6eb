"""A shared link opened on a freshly started server: the app's own navigation, never a raw file list.

Streamlit falls back to its legacy multipage mode (one page per file of a `pages/` folder, entry point
skipped) for a session that starts on a sub-page before any session has run `st.navigation`; the page
files live in `app_pages/` so that a link such as /commitment?id=MX0081 works on the first request.
"""
from __future__ import annotations

import shutil

from conftest import start_server, stop_server, wait_for_run
from playwright.sync_api import expect


def test_first_request_is_a_deep_link_to_a_commitment(browser, bundled_db_path, tmp_path):
    db_file = tmp_path / "monitor.duckdb"
    shutil.copy(bundled_db_path, db_file)
    proc, url = start_server(db_file, tmp_path / "streamlit.log")
    try:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.goto(url + "/commitment?id=MX0081&lang=es")
        wait_for_run(page)
        nav = page.locator("[data-testid=stSidebarNav]")
        expect(nav).to_contain_text("Panorama", timeout=30_000)
        expect(nav).not_to_contain_text("meeting pack")  # the legacy mode lists file names
        expect(page.locator("h1").first).to_contain_text("Controles democráticos")
        context.close()
    finally:
        stop_server(proc)
