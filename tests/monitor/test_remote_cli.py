"""`python -m monitor import FILE --server URL` over a real socket: the README's server (`streamlit run app.py`)
on a copy of the bundled data, tokens made by `python -m monitor token create`, the CLI run as a user runs it."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.request

import pytest

from tests.browser.conftest import ROOT, start_server, stop_server

EMAIL = "ana@ogp.example"


def monitor(*args: str, token: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "MONITOR_TOKEN"}
    if token is not None:
        env["MONITOR_TOKEN"] = token
    return subprocess.run([sys.executable, "-m", "monitor", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)


def create_token(db, email: str) -> tuple[str, str]:
    """(id, secret) as `token create` prints them: the secret alone on stdout, the id in the message."""
    made = monitor("token", "create", email, "--role", "support_unit", "--db", str(db))
    assert made.returncode == 0, made.stderr
    return re.search(r"token (\S+) for", made.stderr).group(1), made.stdout.strip()


def statements(url: str) -> list[dict]:
    with urllib.request.urlopen(f"{url}/api/v1/commitments/MX0081", timeout=60) as r:  # noqa: S310 (loopback)
        record = json.loads(r.read())
    return [s for g in record["progress_by_assessor"] for s in g["statements"]]


@pytest.fixture
def server(bundled_copy, tmp_path):
    """Two tokens, one of them revoked, then the dashboard started on the database (which it then holds)."""
    _, secret = create_token(bundled_copy, EMAIL)
    revoked_id, revoked = create_token(bundled_copy, "gone@ogp.example")
    assert monitor("token", "revoke", revoked_id, "--db", str(bundled_copy)).returncode == 0
    proc, url = start_server(bundled_copy, tmp_path / "server.log")
    try:
        yield url, secret, revoked, revoked_id
    finally:
        stop_server(proc)


def test_import_through_the_running_dashboard(server, tmp_path):
    url, secret, revoked, revoked_id = server
    good = tmp_path / "progress.csv"
    good.write_text("commitment_id,period,assessor,status\nMX0081,2031-06,government,Limited\n", encoding="utf-8")
    done = monitor("import", str(good), "--server", url, token=secret)
    assert done.returncode == 0, done.stderr
    assert f"imported progress.csv (progress) on the server as {EMAIL}: 1 rows added" in done.stderr
    assert [s["status_code"] for s in statements(url) if s["period"] == "2031-06"] == ["limited"]

    refused = tmp_path / "refused.csv"
    refused.write_text("commitment_id,period,assessor,status\nMX0081,2032-06,government,Limited\n", encoding="utf-8")
    before = statements(url)
    no = monitor("import", str(refused), "--server", url, token=revoked)
    assert no.returncode != 0
    assert f"the server answered 403: API token {revoked_id} was revoked" in no.stderr
    assert statements(url) == before and not any(s["period"] == "2032-06" for s in before)

    missing = monitor("import", str(refused), "--server", url)
    assert missing.returncode != 0 and "needs a personal token in $MONITOR_TOKEN" in missing.stderr
    assert statements(url) == before
