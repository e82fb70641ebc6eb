"""Link checks against a local web server: each answer recorded as what it is, within the caps.

Only 127.0.0.1 is ever contacted: a real check of the bundled links needs the internet, which tests never use.
"""
from __future__ import annotations

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import duckdb
import pytest
from people import STAFF

from monitor import db, linkcheck, queries, store
from monitor.cli import main
from tests.monitor.test_store import plan_batch

BIG = 50 * 1024 * 1024


class Site(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/slow":
            time.sleep(3)
        code = {"/ok": 200, "/moved": 301, "/gone": 404, "/broken": 500, "/huge": 200, "/slow": 200}.get(self.path, 404)
        self.send_response(code)
        if code == 301:
            self.send_header("Location", "/ok")
        size = BIG if self.path == "/huge" else 2
        self.send_header("Content-Length", str(size))
        self.end_headers()
        try:
            for _ in range(size // 65536 + 1):
                self.wfile.write(b"x" * min(65536, size))
        except (BrokenPipeError, ConnectionResetError):
            pass  # the checker stopped reading at its cap

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Site)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens there once the socket is closed


def test_each_answer_is_recorded_as_what_it_is(site):
    results = {r.url.rsplit("/", 1)[1]: r for r in linkcheck.check_all(
        [f"{site}/{p}" for p in ("ok", "moved", "gone", "broken", "slow", "huge")],
        timeout=1.0, max_bytes=1_000_000, per_host_delay=0)}
    seen = {p: (r.outcome, r.status_code, r.final_status) for p, r in results.items()}
    assert seen == {"ok": ("ok", 200, 200), "moved": ("ok", 301, 200), "gone": ("dead", 404, 404),
                    "broken": ("server_error", 500, 500), "slow": ("timeout", None, None),
                    "huge": ("ok", 200, 200)}
    assert results["moved"].final_url == f"{site}/ok"
    assert results["huge"].bytes_read <= 1_000_000  # stopped at the cap, not at 50 MB
    assert results["slow"].elapsed_ms < 2500  # gave up at the timeout, not after the server's 3 s
    assert [r.is_dead for r in results.values()].count(True) == 1


def test_no_network_marks_nothing_dead():
    results = linkcheck.check_all([f"http://127.0.0.1:{closed_port()}/evidence.pdf"], timeout=1, per_host_delay=0)
    assert [r.outcome for r in results] == ["unreachable"] and linkcheck.network_down(results)


def test_only_web_addresses_are_fetched():
    assert linkcheck.check_one("javascript:alert(1)").outcome == "not_checked"
    assert linkcheck.check_one("file:///etc/passwd").outcome == "not_checked"


def test_requests_to_one_host_are_spaced_out(site):
    started = time.monotonic()
    linkcheck.check_all([f"{site}/ok", f"{site}/gone", f"{site}/ok?again"], timeout=1, per_host_delay=0.3)
    assert time.monotonic() - started >= 0.6


def test_the_command_checks_every_cited_link_and_keeps_the_results(tmp_path, site, capsys):
    path = tmp_path / "m.duckdb"
    con = db.open_prepared(path)
    batch = plan_batch("a" * 64)
    batch.tables["commitment"]["source_url"] = [f"{site}/ok; {site}/gone", None]
    store.apply_batch(STAFF, con, batch)
    con.close()
    assert main(["links", "check", "--timeout", "1", "--delay", "0", "--db", str(path)]) == 0
    assert "1 ok, 1 dead" in capsys.readouterr().err
    assert main(["links", "list", "--db", str(path)]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert listed[0].startswith("dead") and listed[0].endswith("/gone")
    con = duckdb.connect(str(path), read_only=True)
    checks = queries.link_checks(con.cursor())
    con.close()
    assert dict(zip(checks["url"], checks["outcome"])) == {f"{site}/gone": "dead", f"{site}/ok": "ok"}


def test_record_keeps_the_latest_check_per_link(tmp_path, site):
    con = db.open_prepared(tmp_path / "m.duckdb")
    store.record_link_checks(STAFF, con, linkcheck.check_all([f"{site}/gone"], timeout=1, per_host_delay=0))
    store.record_link_checks(STAFF, con, linkcheck.check_all([f"{site}/ok"], timeout=1, per_host_delay=0))
    store.record_link_checks(STAFF, con, linkcheck.check_all([f"{site}/gone"], timeout=1, per_host_delay=0))
    assert con.execute("select count(*) from link_check").fetchone() == (2,)
