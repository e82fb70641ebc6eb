"""The dashboard in headless Chromium, started from the README's entry point on the bundled data.

Screenshots for the README are written here (docs/screenshots/), from the same runs that check them.
"""
from __future__ import annotations

import re
from pathlib import Path

from conftest import ROOT, full_page_screenshot, wait_for_run
from playwright.sync_api import expect
from sample_files import XSS_TITLE, ogp_export_csv

SHOTS = ROOT / "docs" / "screenshots"
FLAGSHIP = "MX0081"


def goto(page, url: str) -> None:
    page.goto(url)
    wait_for_run(page)
    assert page.locator("[data-testid=stException]").count() == 0, page.content()[:2000]


def heading(page) -> str:
    return page.locator("h1").first.inner_text()


def metric_value(page, label: str) -> str:
    box = page.locator("[data-testid=stMetric]").filter(has_text=label).first
    return box.locator("[data-testid=stMetricValue]").inner_text()


def upload(page, server: str, name: str, data: bytes, tmp_path: Path) -> None:
    """Drop a file on the Data page and import it with the button."""
    path = tmp_path / name
    path.write_bytes(data)
    goto(page, server + "/data")
    page.locator("input[type=file]").set_input_files(str(path))
    button = page.get_by_role("button", name=re.compile(r"^Import \d"))
    button.wait_for(timeout=60_000)
    button.click()
    page.get_by_text(f"Imported {name}").wait_for(timeout=60_000)
    wait_for_run(page)


def test_overview_draws_with_charts_and_screenshot(server, page):
    goto(page, server + "/")
    assert heading(page) == "Portfolio overview"
    charts = page.locator("[data-testid=stVegaLiteChart]")
    expect(charts).to_have_count(4, timeout=30_000)
    for i in range(4):  # every chart drawn: Vega-Lite draws nothing, without an error, for a spec it cannot use
        charts.nth(i).locator(".role-mark").first.wait_for(timeout=30_000)
    status = charts.first
    assert page.locator("[data-testid=stMetric]").count() >= 8
    assert page.get_by_text("Not started").first.is_visible()     # status in words, not colour alone
    expect(status).to_contain_text("Not started")                 # the chart's legend names the colours
    full_page_screenshot(page, SHOTS / "overview.png")


def test_follow_link_to_the_flagship(server, page):
    goto(page, server + "/")
    page.locator(f"a[href*='id={FLAGSHIP}']").first.click()
    page.wait_for_url(re.compile(rf"/commitment\?.*id={FLAGSHIP}"))
    wait_for_run(page)
    assert page.locator("[data-testid=stException]").count() == 0
    assert page.get_by_text("What to raise").first.is_visible()
    assert page.get_by_text("Related dated events").is_visible()
    charts = page.locator("[data-testid=stVegaLiteChart]")
    expect(charts).to_have_count(2, timeout=30_000)                  # the story at the top, then the milestones
    story, timeline = charts.nth(0), charts.nth(1)
    story.locator(".mark-symbol.role-mark").first.wait_for(timeout=30_000)  # its points drawn
    expect(story).to_contain_text("Progress statements")             # lanes in words
    timeline.locator(".role-mark").first.wait_for(timeout=30_000)  # drawn, not only a valid spec
    expect(timeline).to_contain_text("Overdue")                     # the legend says which marks are overdue
    expect(timeline).to_contain_text("Today")
    full_page_screenshot(page, SHOTS / f"commitment_{FLAGSHIP}.png")


def test_compare_draws_its_bars(server, page):
    goto(page, server + "/compare")
    bars = page.locator("[data-testid=stVegaLiteChart]").first   # the first tab's; the others draw when opened
    bars.locator(".role-mark").first.wait_for(timeout=30_000)
    expect(bars).to_contain_text("Red: not started or overdue")
    expect(bars).to_contain_text("NAP4")


def test_switch_to_spanish(server, page):
    goto(page, server + "/")
    page.locator("[data-testid=stSidebar]").get_by_text("Español", exact=True).click()
    page.wait_for_url(re.compile(r"lang=es"))
    wait_for_run(page)
    page.get_by_role("heading", name="Panorama general").wait_for(timeout=30_000)
    assert page.get_by_text("Compromisos prioritarios").first.is_visible()
    goto(page, server + f"/commitment?id={FLAGSHIP}&lang=es")
    assert page.get_by_text("Qué plantear").first.is_visible()
    assert page.get_by_text("Eventos fechados relacionados").is_visible()


def test_filter_survives_reload(server, page):
    goto(page, server + "/")
    box = page.get_by_role("textbox", name="Search titles and descriptions")
    box.fill("surveillance")
    box.press("Enter")
    page.wait_for_url(re.compile(r"q=surveillance"))
    wait_for_run(page)
    filtered = metric_value(page, "Commitments")
    page.reload()
    wait_for_run(page)
    # a fresh page may report "not running" before its first run starts: let the assertions retry
    search = page.get_by_role("textbox", name="Search titles and descriptions")
    expect(search).to_have_value("surveillance", timeout=30_000)
    metric = page.locator("[data-testid=stMetric]").filter(has_text="Commitments").first
    expect(metric.locator("[data-testid=stMetricValue]")).to_have_text(filtered, timeout=30_000)
    page.go_back()
    wait_for_run(page)
    assert "q=surveillance" not in page.url


def test_upload_ogp_export_then_see_its_member(server, page, tmp_path):
    upload(page, server, "atlantis.csv", ogp_export_csv(), tmp_path)
    goto(page, server + "/?member=ATL")
    assert metric_value(page, "Commitments") == "1"
    assert metric_value(page, "Members") == "1"


def test_script_in_a_title_never_runs(server, page, tmp_path):
    upload(page, server, "hostile.csv",
           ogp_export_csv(member="Hostilia", code="HST", commitment_id="HS0001", title=XSS_TITLE), tmp_path)
    for path in ("/?member=HST", "/commitment?id=HS0001", "/compare?member=HST", "/watchlist", "/data"):
        goto(page, server + path)
        page.wait_for_timeout(500)
    assert page.dialogs == []
    goto(page, server + "/commitment?id=HS0001")
    assert "<script>alert(1)</script>" in heading(page)             # shown as text, not run


def test_no_page_shows_an_exception(server, page):
    for path in ("/", "/watchlist", f"/commitment?id={FLAGSHIP}", "/commitment", "/commitment?id=NOPE",
                 "/compare", "/data", "/meeting_pack", "/?lang=es", "/?plan=AP_MEX04&status=not_started"):
        goto(page, server + path)


def test_every_page_works_offline(server, page):
    """The app is used where only the server is reachable: nothing may be fetched from elsewhere."""
    outside = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith((server, "data:", "blob:")) else None)
    for path in ("/", f"/commitment?id={FLAGSHIP}", "/compare", "/data"):
        goto(page, server + path)
    assert outside == []
