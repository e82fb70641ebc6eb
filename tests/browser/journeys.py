"""Steps a person takes in the browser that several tests share, written once."""
from __future__ import annotations

from playwright.sync_api import expect


def submit_statement(page, *, period: str, narrative: str, evidence: str, timeout: int = 30_000) -> None:
    """As civil society on a commitment's page: fill "Submit a progress statement" for Fundar and send it."""
    page.locator("[data-testid=stExpander] summary", has_text="Submit a progress statement").click()
    page.get_by_label("Organisation", exact=True).fill("Fundar")
    page.get_by_label("Reporting period or date", exact=True).fill(period)
    page.locator("[data-testid=stSelectbox]", has_text="Status").click()
    page.get_by_role("option", name="Limited", exact=True).click()
    page.get_by_label("What happened (English)", exact=True).fill(narrative)
    page.get_by_label("Evidence links", exact=True).fill(evidence)
    page.locator("[data-testid=stFormSubmitButton] button").click()
    expect(page.get_by_text("waits for review")).to_be_visible(timeout=timeout)
