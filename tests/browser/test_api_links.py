"""The API through the real server (`streamlit run app.py`): the commitment page links to its feed and badge,
the badge renders, and the routes answer beside the pages."""
from __future__ import annotations

import json
import urllib.request
import xml.etree.ElementTree as ET

from tests.browser.conftest import RUN_TIMEOUT_MS, wait_for_run


def test_commitment_page_shows_feed_and_badge(server, page):
    page.goto(f"{server}/commitment?id=MX0081&lang=en", timeout=RUN_TIMEOUT_MS)
    wait_for_run(page)
    feed = page.locator("a[href*='/feeds/commitment/MX0081.atom']")
    feed.first.wait_for(state="visible", timeout=RUN_TIMEOUT_MS)
    assert page.locator("a[href*='/api/v1/commitments/MX0081']").count() >= 1
    badge = page.locator("img[src*='/badge/MX0081.svg']").first
    badge.wait_for(state="visible", timeout=RUN_TIMEOUT_MS)
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=badge.element_handle(),
                           timeout=RUN_TIMEOUT_MS)
    assert badge.evaluate("img => img.naturalWidth") > 0
    page.get_by_text("Embed the badge on another page").click()
    assert page.locator("code", has_text=f"{server}/badge/MX0081.svg").count() >= 1
    assert page.dialogs == []


def test_watchlist_page_links_its_feed(server, page):
    page.goto(f"{server}/watchlist?lang=es", timeout=RUN_TIMEOUT_MS)
    wait_for_run(page)
    page.locator("a[href*='/feeds/watchlist.atom']").first.wait_for(state="visible", timeout=RUN_TIMEOUT_MS)


def test_routes_answer_on_the_real_server(server):
    with urllib.request.urlopen(f"{server}/api/v1/commitments/MX0081", timeout=30) as r:
        assert r.headers["Access-Control-Allow-Origin"] == "*" and r.headers["ETag"]
        assert json.loads(r.read())["current_status"] == "not_started"
    with urllib.request.urlopen(f"{server}/feeds/commitment/MX0081.atom?lang=es", timeout=30) as r:
        assert ET.fromstring(r.read()).tag == "{http://www.w3.org/2005/Atom}feed"
    try:
        urllib.request.urlopen(f"{server}/api/v1/commitments/NOPE", timeout=30)
    except urllib.error.HTTPError as exc:
        assert exc.code == 404 and json.loads(exc.read())["error"]["status"] == 404
    else:
        raise AssertionError("an unknown id must be a 404")
