"""Civil society submits, the public does not see it, the Support Unit approves, the public then does: in
Chromium, against a real server in the proxy identity mode.

The server listens on loopback with server.trustedUserHeaders mapping X-Forwarded-Email to email, as behind
oauth2-proxy (docs/deployment.md); each browser context sends the header the proxy would add, and the public's
context sends none. Roles come from a temporary roles file ($MONITOR_ROLES).
"""
from __future__ import annotations

import json
import shutil
import uuid

import pytest
from conftest import start_server, stop_server, wait_for_run
from journeys import submit_statement
from playwright.sync_api import expect

CSO, STAFF = "cso@civil.example", "officer@ogp.example"
ROLES = f'[roles]\n"{STAFF}" = "support_unit"\n"@civil.example" = "civil_society"\n'
TIMEOUT = 30_000


@pytest.fixture(scope="module")
def proxied(bundled_db_path, tmp_path_factory):
    folder = tmp_path_factory.mktemp("proxied")
    db_file = folder / "monitor.duckdb"
    shutil.copy(bundled_db_path, db_file)
    roles = folder / "roles.toml"
    roles.write_text(ROLES, encoding="utf-8")
    log_file = folder / "streamlit.log"
    proc, url = start_server(db_file, log_file, ("--server.trustedUserHeaders",
                                                 json.dumps({"X-Forwarded-Email": "email"})),
                             env={"MONITOR_ROLES": str(roles)})
    yield url
    stop_server(proc)
    print(f"\n--- dashboard log ({log_file}) ---\n{log_file.read_text()[-4000:]}")


def visit(browser, url: str, email: str | None):
    """A page in its own context: `email` is what the sign-in proxy says, None is an anonymous visitor."""
    headers = {"X-Forwarded-Email": email} if email else {}
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, extra_http_headers=headers)
    page = context.new_page()
    page.goto(url)
    wait_for_run(page)
    return page


def test_a_statement_goes_from_civil_society_through_review_to_the_public(browser, proxied):
    marker = "mk" + uuid.uuid4().hex[:12]
    evidence = f"https://fundar.example/report/{marker}"
    commitment = proxied + "/commitment?id=MX0081"

    cso = visit(browser, commitment, CSO)
    submit_statement(cso, period="2025-S2", narrative=f"Monitoring visit {marker}", evidence=evidence, timeout=TIMEOUT)
    cso.context.close()

    public = visit(browser, commitment, None)
    expect(public.get_by_text("sign in to contribute")).to_be_visible()
    expect(public.locator("body")).not_to_contain_text(marker)
    assert public.locator("textarea").count() == 0 and public.locator("[data-testid=stFormSubmitButton]").count() == 0
    expect(public.locator("[data-testid=stSidebarNav]")).not_to_contain_text("Review queue")
    public.context.close()

    staff = visit(browser, proxied + "/review", STAFF)
    expect(staff.locator("[data-testid=stSidebarNav]")).to_contain_text("Review queue")
    expect(staff.get_by_text(f"Monitoring visit {marker}")).to_be_visible(timeout=TIMEOUT)
    staff.get_by_role("button", name="Approve and publish").click()
    expect(staff.get_by_text("Approved: Fundar's statement is published")).to_be_visible(timeout=TIMEOUT)
    staff.context.close()

    public = visit(browser, commitment, None)
    line = public.locator("li", has_text=evidence)
    expect(line).to_contain_text("2025-S2 · The commitment · Fundar", timeout=TIMEOUT)
    expect(line.get_by_role("link", name=evidence)).to_have_attribute("href", evidence)
    public.context.close()
