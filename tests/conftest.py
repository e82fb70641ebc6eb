"""Shared fixtures: a database built from the bundled data once per test session."""
from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from contextlib import contextmanager
from pathlib import Path

import pytest
import streamlit as st

from monitor import db, seed

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def bundled_db_path(tmp_path_factory):
    """data/seed imported through the real loaders and writer, as `python -m monitor init` does."""
    path = tmp_path_factory.mktemp("bundled") / "monitor.duckdb"
    seed.build(path)
    return path


@pytest.fixture
def bundled_copy(bundled_db_path, tmp_path):
    """A private copy of the bundled database a test may write to."""
    path = tmp_path / "monitor.duckdb"
    shutil.copy(bundled_db_path, path)
    return path


@pytest.fixture(scope="session")
def app_client():
    """app.app with its lifespan run once per session: Streamlit's runtime cannot start again once stopped, so
    every module that talks to the real app shares this client (see tests.asgi_client.serving)."""
    import app
    from tests.asgi_client import Client

    with Client(app.app) as c:
        yield c


@contextmanager
def held_by_another_process(path):
    """Another process holds the database file open, as the running dashboard does."""
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import time
        from monitor import db
        con = db.open_prepared({str(path)!r})
        print("ready", flush=True)
        time.sleep(60)
    """)], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert holder.stdout.readline().strip() == "ready"
        yield
    finally:
        holder.kill()
        holder.wait()


@pytest.fixture
def hold():
    """`with hold(path):` keeps the database busy in another process for the block."""
    return held_by_another_process


@pytest.fixture
def bundled_con(bundled_copy):
    con = db.open_prepared(bundled_copy)
    yield con
    con.close()


@pytest.fixture
def db_file(bundled_copy, monkeypatch):
    """The dashboard reads MONITOR_DB at call time; caches are process-wide, so start each test clean."""
    monkeypatch.setenv("MONITOR_DB", str(bundled_copy))
    # as the README's command runs it: on loopback, with no identity source, the person at the machine edits
    address = st.config.get_option("server.address")
    st.config.set_option("server.address", "127.0.0.1")
    st.cache_data.clear()
    st.cache_resource.clear()
    yield bundled_copy
    st.config.set_option("server.address", address)
    st.cache_resource.clear()


TEAM_ROLES = """[roles]
"officer@ogp.example" = "support_unit"
"@civil.example" = "civil_society"
"lead@ogp.example" = "admin"
"""


@pytest.fixture
def team(db_file, tmp_path, monkeypatch):
    """The dashboard behind a sign-in proxy on loopback (server.trustedUserHeaders), with a roles file naming
    tests/people.py's people; an AppTest's `user` is then what the proxy says about the visitor."""
    roles = tmp_path / "roles.toml"
    roles.write_text(TEAM_ROLES, encoding="utf-8")
    monkeypatch.setenv("MONITOR_ROLES", str(roles))
    before = st.config.get_option("server.trustedUserHeaders")
    st.config.set_option("server.trustedUserHeaders", {"X-Forwarded-Email": "email"})
    st.cache_resource.clear()
    yield db_file
    st.config.set_option("server.trustedUserHeaders", before)
    st.cache_resource.clear()
