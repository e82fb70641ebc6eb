"""The Compare page's portfolio map in headless Chromium, and Plotly kept off the overview's first visit."""
from __future__ import annotations

import re

from conftest import wait_for_run


def js_requests(page, server: str, path: str, then=None) -> list[str]:
    seen: list[str] = []
    page.on("request", lambda r: seen.append(r.url) if r.url.split("?")[0].endswith(".js") else None)
    page.goto(server + path)
    wait_for_run(page)
    if then:
        then(page)
    page.wait_for_timeout(1500)
    return seen


def open_map(page) -> None:
    page.get_by_role("tab", name="Portfolio map").click()
    page.locator("[data-testid=stPlotlyChart] .js-plotly-plot").first.wait_for(timeout=60_000)


def test_the_map_draws_on_compare_and_plotly_stays_off_the_overview(server, page, browser):
    on_compare = js_requests(page, server, "/compare", then=open_map)
    chart = page.locator("[data-testid=stPlotlyChart]").first
    chart.locator("g.slice").first.wait_for(timeout=30_000)            # treemap cells drawn
    assert "Mexico" in chart.inner_text()
    plotly_chunks = {u for u in on_compare if "plotly" in u.lower()}
    fresh = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    on_overview = js_requests(fresh, server, "/")
    assert not [u for u in on_overview if "plotly" in u.lower()], on_overview
    # whatever the chunk is called, the code Compare loaded for its map is not on the overview's first visit
    extra = set(on_compare) - set(on_overview)
    assert plotly_chunks <= extra and extra, (sorted(extra), sorted(on_overview))
    fresh.context.close()


def test_clicking_the_flagship_cell_opens_its_page(server, page):
    page.goto(server + "/compare?member=MEX")
    wait_for_run(page)
    open_map(page)
    chart = page.locator("[data-testid=stPlotlyChart]").first
    chart.locator("g.slice").filter(has_text="NAP4").first.click()     # zoom into Mexico's fourth plan
    page.wait_for_timeout(1500)
    wait_for_run(page)
    cell = page.locator("[data-testid=stPlotlyChart] g.slice").filter(has_text="MX0081").first
    cell.wait_for(timeout=30_000)
    cell.click()
    page.wait_for_url("**/commitment?*id=MX0081*", timeout=60_000)
    wait_for_run(page)
    page.get_by_text("MX0081 · Mexico").first.wait_for(timeout=30_000)      # the commitment page's caption


def test_clicking_a_member_cell_applies_the_member_filter(server, page):
    page.goto(server + "/compare")
    wait_for_run(page)
    open_map(page)
    chart = page.locator("[data-testid=stPlotlyChart]").first
    members = chart.locator("g.slice").filter(has_text=re.compile(r"^\s*Mexico\s*$"))
    members.first.wait_for(timeout=30_000)
    before = chart.inner_text()
    assert "Ukraine" in before                                           # the whole portfolio is on the map
    label = members.first.locator("text").first.bounding_box()           # where its name is drawn, above its plans
    page.mouse.click(label["x"] + 3, label["y"] + label["height"] / 2)   # as a user clicks it (the text takes none)
    page.wait_for_url("**/compare?*member=MEX*", timeout=60_000)
    wait_for_run(page)
    open_map(page)
    chart = page.locator("[data-testid=stPlotlyChart]").first
    chart.locator("g.slice").filter(has_text="Mexico").first.wait_for(timeout=30_000)
    after = chart.inner_text()
    assert "Mexico" in after and "Ukraine" not in after                  # the map narrowed to the member
