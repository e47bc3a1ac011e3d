"""Page helpers for the e2e tests: drive the page as a user would, and read its accessible mirror."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect


def api(page: Page, path: str) -> str:
    """The URL of the page's sandbox's ``path`` in the HTTP API."""
    origin = re.match(r"https?://[^/]+", page.url).group(0)
    return f"{origin}/api/sandboxes/{page.locator('body').get_attribute('data-sandbox')}{path}"


STEPS = {1: "Advance 1 second", 10: "Advance 10 seconds", 60: "Advance 1 minute", 300: "Advance 5 minutes"}


def pause(page: Page) -> None:
    """Stop the live clock so nothing moves between the test's steps."""
    button = page.get_by_role("button", name="Pause")
    button.click()
    expect(page.get_by_role("button", name="Resume")).to_have_attribute("aria-pressed", "true")


def sim_time(page: Page) -> str:
    return page.locator("#clock-time").get_attribute("datetime") or ""


def advance(page: Page, seconds: int) -> None:
    """Advance the simulated clock with the page's step buttons, waiting for each step's answer."""
    clock = page.get_by_role("group", name="Clock controls")
    for step in sorted(STEPS, reverse=True):
        while seconds >= step:
            clock.get_by_role("button", name=STEPS[step]).click()
            expect(clock).to_have_attribute("aria-busy", "false")
            seconds -= step
    assert seconds == 0


def node(page: Page, name: str) -> Locator:
    return page.get_by_role("group", name=re.compile(rf"^node {re.escape(name)}, "))


def pods(scope: Locator | Page, prefix: str, status: str | None = None) -> Locator:
    word = re.escape(status) if status else r"\S+"
    return scope.get_by_role("listitem", name=re.compile(rf"^pod {re.escape(prefix)}\S* {word}$"))


def details(item: Locator) -> Locator:
    """A pod item's details button (the item also holds the pod's Inspect button)."""
    return item.get_by_role("button", name=re.compile(r"^Details of "))


def pod_names(scope: Locator, prefix: str) -> list[str]:
    labels = [item.get_attribute("aria-label") or "" for item in pods(scope, prefix).all()]
    return sorted(label.split(" ")[1] for label in labels)


def apply_example(page: Page, path: str) -> None:
    page.get_by_role("combobox", name="Examples").select_option(path)
    page.get_by_role("button", name="Apply").click()


def run(page: Page, command: str) -> Locator:
    """Type a command into the terminal; returns the terminal's output element."""
    box = page.get_by_role("textbox", name="kubectl command")
    box.fill(command)
    box.press("Enter")
    out = page.get_by_role("log", name="Terminal output")
    expect(out).to_contain_text(f"$ {command}")
    expect(out).to_have_attribute("aria-busy", "false")
    return out
