"""The timeline: move back before a scale and the canvas's mirror shows the old pods (read-only, the
writers say so), live deltas wait for "Back to live", and "Fork from here" opens that moment as a
new sandbox. The clock is paused and moved only by the page's step buttons."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import advance, apply_example, pause, pods, run
from tests.nodetests import run_node_tests

pytestmark = pytest.mark.e2e

TIME = re.compile(r"^\d\d:\d\d:\d\d$")


def _viewing(page: Page, slider) -> str:
    """The moment the slider is at, once the page says it shows it (the slider may still settle
    after a key: the status must name the moment the slider ends at, not one it passed)."""
    expect(slider).to_have_attribute("aria-valuetext", TIME)
    status = page.get_by_role("status", name="Timeline status")
    page.wait_for_function("([s, st]) => st.textContent === `Viewing ${s.getAttribute('aria-valuetext')} (read-only)`",
                           arg=[slider.element_handle(), status.element_handle()])
    shown = slider.get_attribute("aria-valuetext") or ""
    expect(status).to_have_text(f"Viewing {shown} (read-only)")
    return shown


def test_scrub_back_before_a_scale_then_back_to_live_then_fork(page: Page) -> None:
    pause(page)
    apply_example(page, "lessons/step08-deployment1.yml")
    expect(page.get_by_role("list", name="Apply results")).to_contain_text("deployment.apps/web-deploy created")
    advance(page, 30)
    expect(pods(page, "web-deploy-", "Running")).to_have_count(3)
    run(page, "kubectl scale deployment web-deploy --replicas=5")
    advance(page, 30)
    expect(pods(page, "web-deploy-", "Running")).to_have_count(5)

    timeline = page.get_by_role("region", name="Timeline")
    slider = timeline.get_by_role("slider", name="Timeline")
    marks = timeline.get_by_role("list", name="Timeline marks")
    expect(marks.get_by_role("listitem", name=re.compile(r"^\d\d:\d\d:\d\d apply 1 object$"))).to_have_count(1)
    scale_mark = marks.get_by_role("listitem", name=re.compile(
        r"^\d\d:\d\d:\d\d kubectl scale deployment web-deploy --replicas=5$"))
    expect(scale_mark).to_have_count(1)
    scale_time = (scale_mark.get_attribute("aria-label") or "").split(" ")[0]

    # PageUp: the scale's own moment (done); one second before it: the three pods of before
    slider.focus()
    slider.press("PageUp")
    assert _viewing(page, slider) == scale_time
    expect(pods(page, "web-deploy-")).to_have_count(5)
    slider.press("ArrowLeft")
    before = _viewing(page, slider)
    assert before < scale_time
    expect(pods(page, "web-deploy-", "Running")).to_have_count(3)
    expect(pods(page, "web-deploy-")).to_have_count(3)
    # read-only while the past shows
    expect(page.get_by_role("button", name="Apply", exact=True)).to_be_disabled()
    expect(page.get_by_role("textbox", name="kubectl command")).not_to_be_editable()

    # the live cluster goes on (a scale from another client) but is not drawn until "Back to live"
    sid = page.locator("body").get_attribute("data-sandbox")
    answer = page.request.post(urljoin(page.url, f"/api/sandboxes/{sid}/run"),
                               data={"command": "kubectl scale deployment web-deploy --replicas=1"})
    assert answer.ok and answer.json()["exitCode"] == 0
    advance(page, 60)
    expect(page.get_by_role("status", name="Timeline status")).to_have_text(f"Viewing {before} (read-only)")
    expect(pods(page, "web-deploy-")).to_have_count(3)
    timeline.get_by_role("button", name="Back to live").click()
    expect(page.get_by_role("status", name="Timeline status")).to_have_text("Live")
    expect(pods(page, "web-deploy-")).to_have_count(1)
    expect(page.get_by_role("button", name="Apply", exact=True)).to_be_enabled()
    expect(page.get_by_role("textbox", name="kubectl command")).to_be_editable()

    # back to the three pods again, and fork from there: this tab opens the copy
    slider.focus()
    slider.press("PageUp")  # the scale to 1
    slider.press("PageUp")  # the scale to 5
    expect(slider).to_have_attribute("aria-valuetext", scale_time)
    slider.press("ArrowLeft")
    assert _viewing(page, slider) == before
    timeline.get_by_role("button", name="Fork from here").click()
    expect(page.locator("body")).not_to_have_attribute("data-sandbox", sid or "")
    expect(page.locator("body")).to_have_attribute("data-state", "live")
    expect(page.get_by_role("status", name="Timeline status")).to_have_text("Live")
    expect(pods(page, "web-deploy-", "Running")).to_have_count(3)
    out = run(page, "kubectl get deployment web-deploy --no-headers")
    expect(out).to_contain_text(re.compile(r"web-deploy\s+3/3\s+3\s+3"))


def test_the_timeline_helpers() -> None:
    """timeline.js's pure helpers (timeline.test.mjs), under node's test runner: no browser."""
    run_node_tests(Path(__file__).resolve().parent / "timeline.test.mjs", 3)
