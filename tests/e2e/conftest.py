"""End-to-end fixtures: the real server in a subprocess, and headless Chromium through Playwright.

The server is started the way users start it (`python -m server`), in threading mode on a free
loopback port with a throw-away data directory, and waited for by polling its HTTP port (bounded,
so a server that cannot start fails the tests with its log instead of hanging them). Each test
gets a fresh browser context, so a fresh sessionStorage and therefore its own sandbox.
Synchronisation is on the page's state only: Playwright's auto-waiting `expect`, never sleeps.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
START_TIMEOUT = 60.0  # seconds for the server to answer on its port


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:
            return resp.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


@pytest.fixture(scope="session")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not (ROOT / "static" / "dist" / "app.js").is_file():
        pytest.fail("static/dist/app.js is missing: build the page with `make install` (npm ci && npm run build)")
    data = tmp_path_factory.mktemp("e2e-data")
    port = _free_port()
    log_path = data / "server.log"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "server", "--host", "127.0.0.1", "--port", str(port),
             "--data-dir", str(data), "--async-mode", "threading"],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT
    try:
        while not _answers(url + "/"):
            # a bounded poll: wait on the process itself, so a server that dies is noticed at once
            try:
                proc.wait(timeout=0.2)
            except subprocess.TimeoutExpired:
                pass
            else:
                pytest.fail(f"the server exited with {proc.returncode}:\n{log_path.read_text(errors='replace')}")
            if time.monotonic() > deadline:
                pytest.fail(f"the server did not answer within {START_TIMEOUT:g}s:\n{log_path.read_text(errors='replace')}")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make install` installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser, server_url: str) -> Iterator[object]:
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1440, "height": 900})
    context.set_default_timeout(15_000)
    expect.set_options(timeout=15_000)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.goto(server_url + "/")
    expect(pg.locator("body")).to_have_attribute("data-state", "live")
    yield pg
    context.close()
    assert not errors, f"uncaught errors in the page: {errors}"
