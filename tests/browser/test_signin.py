"""Sign-in as a person does it: the sidebar's button, a local OpenID Connect provider's page, back signed in.

The provider is oidc-provider-mock, run by the test on a free loopback port; its authorize page takes the
subject, which becomes the email claim (the users below add a name and a verified email). The dashboard
gets a temporary secrets.toml through `--secrets.files` and a temporary roles file through MONITOR_ROLES,
so nothing is written into the repository.
"""
from __future__ import annotations

import re
import secrets
import shutil
from contextlib import contextmanager

import pytest
from conftest import start_server, stop_server, wait_for_run
from journeys import submit_statement
from oidc_provider_mock import User, run_server_in_thread
from playwright.sync_api import expect

from webui import pages

CSO, OFFICER = "cso@civil.example", "officer@ogp.example"
USERS = [User(sub=CSO, claims={"email": CSO, "email_verified": True, "name": "Ana Civil"}),
         User(sub=OFFICER, claims={"email": OFFICER, "email_verified": True, "name": "Olga Officer"})]
ROLES = f'[roles]\n"{CSO}" = "civil_society"\n"{OFFICER}" = "support_unit"\n'
# the id each page needs to show its record (commitment, case); the others draw from the filters alone
PAGE_PARAMS = {"commitment": "?id=MX0081", "case": "?id=MX-RP-2018"}


@pytest.fixture(scope="module")
def provider():
    with run_server_in_thread(user_claims=USERS) as mock:
        yield f"http://127.0.0.1:{mock.server_port}"


@contextmanager
def dashboard(folder, bundled_db_path, options=(), secrets_toml: str | None = None):
    """A dashboard on its own copy of the bundled data and the roles above, with `options` and secrets."""
    folder.mkdir(parents=True, exist_ok=True)
    db_file = folder / "monitor.duckdb"
    shutil.copy(bundled_db_path, db_file)
    (folder / "roles.toml").write_text(ROLES)
    if secrets_toml is not None:
        (folder / "secrets.toml").write_text(secrets_toml)
        options = (*options, "--secrets.files", str(folder / "secrets.toml"))
    log_file = folder / "streamlit.log"
    proc, url = start_server(db_file, log_file, tuple(options), env={"MONITOR_ROLES": str(folder / "roles.toml")})
    try:
        yield url
    finally:
        stop_server(proc)
        print(f"\n--- dashboard log ({log_file}) ---\n{log_file.read_text()[-4000:]}")


@pytest.fixture(scope="module")
def oidc_server(provider, bundled_db_path, tmp_path_factory):
    """The dashboard with one [auth] provider: the mock, over http on loopback (Authlib allows that there).
    Streamlit puts the server's port in place of {port}."""
    auth = (f'[auth]\nredirect_uri = "http://127.0.0.1:{{port}}/oauth2callback"\n'
            f'cookie_secret = "{secrets.token_hex(32)}"\nclient_id = "monitor-test"\n'
            f'client_secret = "{secrets.token_hex(16)}"\n'
            f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n')
    with dashboard(tmp_path_factory.mktemp("oidc"), bundled_db_path, secrets_toml=auth) as url:
        yield url


def goto(page, url: str) -> None:
    page.goto(url)
    wait_for_run(page)
    assert page.locator("[data-testid=stException]").count() == 0, page.content()[:2000]


def identity_box(page):
    return page.locator(".st-key-identity")


def sign_in(page, server: str, email: str) -> None:
    """The sidebar's Sign in, the provider's page (type the subject, Authorize), back on the dashboard."""
    goto(page, server + "/")
    identity_box(page).get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/oauth2/authorize"), timeout=30_000)
    page.locator("input[name=sub]").fill(email)
    page.get_by_role("button", name="Authorize", exact=True).click()
    page.wait_for_url(re.compile("^" + re.escape(server) + "/($|\\?)"), timeout=30_000)
    wait_for_run(page)
    identity_box(page).get_by_text(email).wait_for(timeout=30_000)


def edit_controls(page) -> list[str]:
    """Anything on the page that would change data: uploaders, forms, text areas, and buttons outside the
    sign-in box (downloads are st.download_button, another element; the language switch is a button group)."""
    found = [f"{n} {kind}" for kind in ("stFileUploader", "stForm", "stTextArea")
             if (n := page.locator(f"[data-testid={kind}]").count())]
    buttons = page.eval_on_selector_all("[data-testid=stButton] button",
                                        "els => els.filter(e => !e.closest('.st-key-identity')).map(e => e.innerText)")
    return found + [f"button {label!r}" for label in buttons]


def test_sign_in_as_civil_society_and_out_again(oidc_server, page):
    goto(page, oidc_server + "/")
    box = identity_box(page)
    assert "Not signed in" in box.inner_text()
    sign_in(page, oidc_server, CSO)
    said = box.inner_text()
    assert "Ana Civil" in said and CSO in said and "Role: civil society" in said, said
    box.get_by_role("button", name="Sign out").click()
    page.get_by_role("button", name="End session").click()   # the provider's own sign-out page
    page.wait_for_url(re.compile("^" + re.escape(oidc_server) + "/($|\\?)"), timeout=30_000)
    wait_for_run(page)
    said = box.inner_text()
    assert "Not signed in" in said and CSO not in said, said
    expect(box.get_by_role("button", name="Sign in")).to_be_visible(timeout=30_000)
    assert not any(c.get("name", "").startswith("_streamlit_user") for c in page.context.cookies())


def test_the_officer_gets_the_upload_control_and_the_public_does_not(oidc_server, page, browser):
    goto(page, oidc_server + "/data")
    assert page.locator("[data-testid=stFileUploader]").count() == 0
    assert "Importing files is for the OGP Support Unit" in page.locator("[data-testid=stMain]").inner_text()
    sign_in(page, oidc_server, OFFICER)
    assert "Role: OGP Support Unit" in identity_box(page).inner_text()
    goto(page, oidc_server + "/data")
    page.locator("[data-testid=stFileUploader]").wait_for(timeout=30_000)
    assert page.get_by_role("button", name="Check cited links now").is_visible()


@pytest.mark.parametrize("key", [p.key for p in pages.PAGES])
def test_the_public_finds_no_edit_control_on_any_page(oidc_server, page, key):
    goto(page, oidc_server + pages.BY_KEY[key].path + PAGE_PARAMS.get(key, ""))
    assert "Not signed in" in identity_box(page).inner_text()
    assert edit_controls(page) == []


FORGED = {"X-Forwarded-Email": OFFICER}


def forged_visit(browser, url: str):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, extra_http_headers=FORGED)
    tab = context.new_page()
    goto(tab, url + "/data")
    return context, tab


def test_a_forged_identity_header_to_the_oidc_server_gets_the_public_view(oidc_server, browser):
    context, tab = forged_visit(browser, oidc_server)
    try:
        assert tab.locator("[data-testid=stFileUploader]").count() == 0
        said = identity_box(tab).inner_text()
        assert "Not signed in" in said and OFFICER not in said, said
    finally:
        context.close()


def test_the_header_counts_only_behind_a_proxy_on_loopback(bundled_db_path, tmp_path, browser):
    """The same header, with server.trustedUserHeaders set: trusted on loopback (the proxy's mode: the control
    that shows the header reaches the server), the public view when the server is reachable from elsewhere."""
    headers = ("--server.trustedUserHeaders", '{"X-Forwarded-Email": "email"}')
    with dashboard(tmp_path / "proxy", bundled_db_path, headers) as url:
        context, tab = forged_visit(browser, url)
        try:
            tab.locator("[data-testid=stFileUploader]").wait_for(timeout=30_000)
            said = identity_box(tab).inner_text()
            assert f"proxy says you are {OFFICER}" in said and "OGP Support Unit" in said, said
        finally:
            context.close()
    with dashboard(tmp_path / "open", bundled_db_path, (*headers, "--server.address", "0.0.0.0")) as url:
        context, tab = forged_visit(browser, url)
        try:
            said = identity_box(tab).inner_text()
            assert tab.locator("[data-testid=stFileUploader]").count() == 0
            assert "Read-only" in said and "nobody can edit" in said and OFFICER not in said, said
        finally:
            context.close()


def new_tab(browser):
    return browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()


def test_a_statement_signed_in_with_oidc_goes_through_review_to_the_public(oidc_server, browser):
    """Civil society signs in and submits; the public does not see it; the Support Unit signs in and approves
    it on /review; the public then reads it on MX0081's page with its organisation and date."""
    marker = "mk" + secrets.token_hex(6)
    evidence = f"https://fundar.example/report/{marker}"
    commitment = oidc_server + "/commitment?id=MX0081"

    cso = new_tab(browser)
    sign_in(cso, oidc_server, CSO)
    goto(cso, commitment)
    submit_statement(cso, period="2025-11-30", narrative=f"Monitoring visit {marker}", evidence=evidence)
    cso.context.close()

    public = new_tab(browser)
    for url in (commitment, oidc_server + "/review", oidc_server + "/"):
        goto(public, url)
        assert "Not signed in" in identity_box(public).inner_text()
        expect(public.locator("body")).not_to_contain_text(marker)
    public.context.close()

    officer = new_tab(browser)
    sign_in(officer, oidc_server, OFFICER)
    goto(officer, oidc_server + "/review")
    expect(officer.get_by_text(f"Monitoring visit {marker}")).to_be_visible(timeout=30_000)
    officer.get_by_role("button", name="Approve and publish").click()
    expect(officer.get_by_text("Approved: Fundar's statement is published")).to_be_visible(timeout=30_000)
    officer.context.close()

    public = new_tab(browser)
    goto(public, commitment)
    line = public.locator("li", has_text=evidence)       # the evidence, dated and attributed to the organisation
    expect(line).to_contain_text("2025-11-30 · The commitment · Fundar", timeout=30_000)
    expect(line.get_by_role("link", name=evidence)).to_have_attribute("href", evidence)
    public.context.close()
