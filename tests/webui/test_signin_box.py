"""The sidebar's "who you are" box through AppTest: one sign-in button per configured provider, the signed-in
person and their role, an unverified email read as the public, and each identity mode said in words.

The real sign-in round trip (st.login, the provider's page, the cookie) is tests/browser/test_signin.py.
"""
from __future__ import annotations

import pytest
import streamlit as st
from repo import REPO
from streamlit.testing.v1 import AppTest

from webui import pages

ROOT = REPO
PROVIDER = {"client_id": "id", "client_secret": "secret",
            "server_metadata_url": "https://login.example/.well-known/openid-configuration"}
SHARED = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32}


@pytest.fixture
def roles(db_file, tmp_path, monkeypatch):
    path = tmp_path / "roles.toml"
    path.write_text('[roles]\n"officer@ogp.example" = "support_unit"\n"@civil.example" = "civil_society"\n')
    monkeypatch.setenv("MONITOR_ROLES", str(path))
    st.cache_resource.clear()


def run(page: str = "overview", auth: dict | None = None, user: dict | None = None, lang: str = "en") -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    if auth is not None:
        at.secrets["auth"] = auth
    at.user = user or {}
    at.query_params["lang"] = lang
    at.run()
    if page != "overview":
        at.switch_page(pages.file(page))
        at.query_params["lang"] = lang
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def markdown(at: AppTest) -> str:
    """The sidebar's text elements as the markdown they were given."""
    return "\n".join(str(e.value) for kind in ("markdown", "caption") for e in getattr(at.sidebar, kind))


def box(at: AppTest) -> str:
    """... as a reader sees it (markdown escapes removed)."""
    return markdown(at).replace("\\", "")


def sign_in_buttons(at: AppTest) -> list[str]:
    return [b.label for b in at.sidebar.button]


def test_one_button_per_named_provider(roles):
    at = run(auth={**SHARED, "google": PROVIDER, "microsoft": PROVIDER})
    assert sign_in_buttons(at) == ["Sign in with Google", "Sign in with Microsoft"]
    assert "Not signed in" in box(at)


def test_the_auth_section_itself_is_one_provider(roles):
    at = run(auth={**SHARED, **PROVIDER}, lang="es")
    assert sign_in_buttons(at) == ["Iniciar sesión"]
    assert "Sin sesión" in box(at)


def test_a_signed_in_officer_sees_name_email_role_and_the_uploader(roles):
    officer = {"is_logged_in": True, "email": "officer@ogp.example", "email_verified": True, "name": "Olga Officer",
               "iss": "https://login.example"}
    at = run("data", auth={**SHARED, **PROVIDER}, user=officer)
    said = box(at)
    assert "Olga Officer" in said and "officer@ogp.example" in said and "Role: OGP Support Unit" in said
    assert sign_in_buttons(at) == ["Sign out"]
    assert at.get("file_uploader")


def test_an_unverified_email_reads_as_the_public(roles):
    unverified = {"is_logged_in": True, "email": "officer@ogp.example", "email_verified": False}
    at = run("data", auth={**SHARED, **PROVIDER}, user=unverified)
    assert "has not verified officer@ogp.example" in box(at) and "Role: the public" in box(at)
    assert sign_in_buttons(at) == ["Sign out"]
    assert not at.get("file_uploader")


def test_a_name_from_the_provider_is_text_not_markdown(roles):
    odd = {"is_logged_in": True, "email": "someone@civil.example", "name": "[click](https://evil.example) **x**"}
    said = markdown(run(auth={**SHARED, **PROVIDER}, user=odd))
    assert "[click](" not in said and "**x**" not in said                 # no link, no bold: escaped
    assert "[click](https://evil.example) **x**" in box(run(auth={**SHARED, **PROVIDER}, user=odd))
    assert "Role: civil society" in said


def test_without_sign_in_the_box_says_the_mode(roles):
    assert "Local mode" in box(run())                        # the fixture serves on loopback
    st.config.set_option("server.address", "0.0.0.0")
    said = box(run())
    assert "Read-only" in said and "nobody can edit" in said and "Role: the public" in said


def test_an_edited_roles_file_takes_effect_without_a_restart_and_is_audited(roles, db_file, tmp_path):
    import os

    import duckdb

    officer = {"is_logged_in": True, "email": "officer@ogp.example", "email_verified": True}
    assert "Role: OGP Support Unit" in box(run(auth={**SHARED, **PROVIDER}, user=officer))
    path = tmp_path / "roles.toml"
    path.write_text('[roles]\n"officer@ogp.example" = "civil_society"\n')
    later = path.stat().st_mtime_ns + 1_000_000_000
    os.utime(path, ns=(later, later))                   # a filesystem's clock may not tick between two writes
    at = run("data", auth={**SHARED, **PROVIDER}, user=officer)
    assert "Role: civil society" in box(at) and not at.get("file_uploader")
    st.cache_resource.clear()                            # the app's connection, closed: read the file here
    con = duckdb.connect(str(db_file), read_only=True)
    try:
        reloads = con.execute("select before_json, after_json from audit_log where action = 'roles_reload' "
                              "order by seq").fetchall()
    finally:
        con.close()
    assert reloads[-1] == ('{"@civil.example":"civil_society","officer@ogp.example":"support_unit"}',
                           '{"officer@ogp.example":"civil_society"}')
    assert len(reloads) == 2
