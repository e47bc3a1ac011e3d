"""End-to-end fixtures: the real server in a subprocess, and headless Chromium through Playwright.

The server is started the way users start it (`python -m server`), in threading mode on a free
loopback port with a throw-away data directory, and waited for by polling its HTTP port (bounded,
so a server that cannot start fails the tests with its log instead of hanging them). Each test
gets a fresh browser context, so a fresh sessionStorage and therefore its own sandbox.
Synchronisation is on the page's state only: Playwright's auto-waiting `expect`, never sleeps.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.serverproc import running_server

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
START_TIMEOUT = 60.0  # seconds for the server to answer on its port


@pytest.fixture(scope="session")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not (ROOT / "static" / "dist" / "app.js").is_file():
        pytest.fail("static/dist/app.js is missing: build the page with `make install` (npm ci && npm run build)")
    try:
        with running_server(tmp_path_factory.mktemp("e2e-data"), start_timeout=START_TIMEOUT) as (port, _log):
            yield f"http://127.0.0.1:{port}"
    except AssertionError as e:  # the server could not start: fail with its log, don't error
        pytest.fail(str(e))


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
