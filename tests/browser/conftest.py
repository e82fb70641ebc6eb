"""A real dashboard server and headless Debian Chromium, for tests that need a browser.

Chromium comes from apt (/usr/bin/chromium); Playwright never downloads one. A missing browser is a
failure with a fix, never a skip: CI must not go green without these tests.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
RUN_TIMEOUT_MS = 60_000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db_file: Path, log_file: Path, options: tuple[str, ...] = (),
                 env: dict[str, str] | None = None) -> tuple[subprocess.Popen, str]:
    """`streamlit run app.py` (the README's entry point: the pages and the API) on a free port, with more
    `--option value` arguments and environment variables if given; waits for /_stcore/health."""
    port = free_port()
    with open(log_file, "w") as log:  # the server writes to its own copy of the file handle
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
             "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none", *options],
            cwd=ROOT, env={**os.environ, "MONITOR_DB": str(db_file), **(env or {})}, stdout=log,
            stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        try:
            if urllib.request.urlopen(url + "/_stcore/health", timeout=2).read() == b"ok":
                return proc, url
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError(f"dashboard did not start; log:\n{log_file.read_text()}")


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


def launch_browser(playwright):
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"Chromium not found at {CHROMIUM}: install it with `apt-get install -y chromium` "
                           "(or set CHROMIUM to its path). Browser tests never skip.")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)


def wait_for_run(page) -> None:
    """Connected and the script finished: the selectors Streamlit's own end-to-end suite waits on."""
    page.locator("[data-testid='stApp'][data-test-connection-state='CONNECTED']").wait_for(
        state="attached", timeout=RUN_TIMEOUT_MS)
    page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(
        state="attached", timeout=RUN_TIMEOUT_MS)
    # a fresh page reads "not running" before its first run: every page draws an h1 once it has run
    page.locator("h1").first.wait_for(state="visible", timeout=RUN_TIMEOUT_MS)


@pytest.fixture(scope="module")
def server(bundled_db_path, tmp_path_factory):
    """One dashboard per test module, on a private copy of the bundled database; its log shown on failure."""
    folder = tmp_path_factory.mktemp("server")
    db_file = folder / "monitor.duckdb"
    shutil.copy(bundled_db_path, db_file)
    log_file = folder / "streamlit.log"
    proc, url = start_server(db_file, log_file)
    yield url
    stop_server(proc)
    print(f"\n--- dashboard log ({log_file}) ---\n{log_file.read_text()[-4000:]}")


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch_browser(p)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    """A fresh page that records JavaScript dialogs (an XSS would open one) and dismisses them."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    tab.dialogs = []

    def on_dialog(dialog):
        tab.dialogs.append(dialog.message)
        dialog.dismiss()

    tab.on("dialog", on_dialog)
    yield tab
    context.close()


def full_page_screenshot(page, path: Path) -> None:
    """Streamlit scrolls inside its main section, so `full_page=True` alone stops at the viewport:
    grow the viewport to the content's height first."""
    height = page.evaluate("""() => {
        const main = document.querySelector('[data-testid="stMain"]') || document.body;
        return Math.max(main.scrollHeight, document.body.scrollHeight);
    }""")
    width = page.viewport_size["width"]
    page.set_viewport_size({"width": width, "height": min(int(height) + 40, 12000)})
    page.wait_for_timeout(800)
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
