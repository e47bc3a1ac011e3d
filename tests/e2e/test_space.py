"""Room on the page (issue 10, "Space"): zoom and pan with "Fit", resizable panes, the traffic strip
closed until traffic is sent, long terminal lines, and the "Skip to editor" link.

Everything is driven as a user would (buttons, keys, the terminal) and read from what the page
shows: bounding boxes on screen, accessible names and states. No sleeps: each step waits on the
page's state with Playwright's `expect`.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import node, pause, run

pytestmark = pytest.mark.e2e


def box(locator) -> dict:
    b = locator.bounding_box()
    assert b, "the element is not rendered"
    return b


def inside(inner: dict, outer: dict) -> bool:
    return (
        inner["x"] >= outer["x"] - 0.5
        and inner["y"] >= outer["y"] - 0.5
        and inner["x"] + inner["width"] <= outer["x"] + outer["width"] + 0.5
        and inner["y"] + inner["height"] <= outer["y"] + outer["height"] + 0.5
    )


LINES = "s => new Set([...s.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top))).size"


def stage_view(page: Page) -> dict:
    """The part of the stage that shows the cluster (its client area, without scrollbars)."""
    return page.locator("#stage").evaluate(
        "s => { const r = s.getBoundingClientRect();"
        " return {x: r.left + s.clientLeft, y: r.top + s.clientTop, width: s.clientWidth, height: s.clientHeight}; }"
    )


def test_fit_shows_every_node_at_1280x720_and_clicks_follow_the_zoom(page: Page) -> None:
    page.set_viewport_size({"width": 1280, "height": 720})
    pause(page)
    for name in ("node3", "node4"):
        page.get_by_role("button", name="Add node").click()
        expect(node(page, name)).to_be_attached()
    names = ["master", "node1", "node2", "node3", "node4"]
    view = stage_view(page)
    assert not all(inside(box(node(page, n)), view) for n in names), "five nodes do not fit at 100 %"

    zoom = page.get_by_role("group", name="Zoom")
    zoom.get_by_role("button", name="Fit").click()
    level = zoom.get_by_role("status", name="Zoom level")
    expect(level).not_to_have_text("100%")
    view = stage_view(page)
    for n in names:
        assert inside(box(node(page, n)), view), f"{n} is outside the view after Fit"

    # a pointer click lands on the scaled node: its menu opens
    node(page, "node4").get_by_role("button", name="Actions for node node4").click()
    expect(page.get_by_role("menu", name="Node node4")).to_be_visible()
    page.keyboard.press("Escape")

    # Zoom in makes the shapes bigger; Zoom out smaller again
    fitted = box(node(page, "node1"))["width"]
    fit_level = level.inner_text()
    zoom.get_by_role("button", name="Zoom in").click()
    expect(level).not_to_have_text(fit_level)
    grown = box(node(page, "node1"))["width"]
    assert grown == pytest.approx(fitted * 1.25, rel=0.02)
    zoom.get_by_role("button", name="Zoom out").click()
    zoom.get_by_role("button", name="Zoom out").click()
    assert box(node(page, "node1"))["width"] == pytest.approx(fitted / 1.25, rel=0.02)

    # a fitted view stays fitted as the cluster grows
    zoom.get_by_role("button", name="Fit").click()
    page.get_by_role("button", name="Add node").click()
    expect(node(page, "node5")).to_be_attached()
    names.append("node5")
    page.wait_for_function(
        "() => { const s = document.getElementById('stage'), w = document.getElementById('world');"
        " const r = w.getBoundingClientRect(), v = s.getBoundingClientRect();"
        " return r.bottom <= v.top + s.clientTop + s.clientHeight + 0.5; }"
    )
    view = stage_view(page)
    for n in names:
        assert inside(box(node(page, n)), view), f"{n} is outside the fitted view after it joined"

    # and when the stage shrinks: the traffic strip opens on the first traffic
    bar = page.get_by_role("group", name="Traffic and network")
    bar.get_by_role("combobox", name="Target").fill("http://kubernetes")
    bar.get_by_role("spinbutton", name="Number of requests").fill("1")
    bar.get_by_role("button", name="Send traffic").click()
    expect(page.get_by_role("button", name="Traffic results")).to_have_attribute("aria-expanded", "true")
    page.wait_for_function(
        "() => { const s = document.getElementById('stage'), w = document.getElementById('world');"
        " const r = w.getBoundingClientRect(), v = s.getBoundingClientRect();"
        " return r.bottom <= v.top + s.clientTop + s.clientHeight + 0.5; }"
    )
    view = stage_view(page)
    for n in names:
        assert inside(box(node(page, n)), view), f"{n} is outside the fitted view once the strip opened"


def test_drag_pans_and_ctrl_wheel_zooms_about_the_pointer(page: Page) -> None:
    pause(page)
    zoom = page.get_by_role("group", name="Zoom")
    for _ in range(5):
        zoom.get_by_role("button", name="Zoom in").click()
    expect(zoom.get_by_role("status", name="Zoom level")).to_have_text("305%")
    stage = page.locator("#stage")
    view = stage_view(page)
    cx, cy = view["x"] + view["width"] / 2, view["y"] + view["height"] / 2
    left, top, room = stage.evaluate("s => [s.scrollLeft, s.scrollTop, s.scrollHeight - s.clientHeight]")
    assert room >= 80, "at 305 % the cluster is taller than the stage"
    dy = 80 if top + 80 <= room else -80  # pan the view whichever way it has room
    page.mouse.move(cx, cy)
    page.mouse.down()
    page.mouse.move(cx - 60, cy - dy / 2, steps=3)
    page.mouse.move(cx - 120, cy - dy, steps=3)
    page.mouse.up()
    after = stage.evaluate("s => [s.scrollLeft, s.scrollTop]")
    assert after == [pytest.approx(left + 120, abs=1), pytest.approx(top + dy, abs=1)]
    # the press that panned was no click on what lay under it
    expect(page.locator("#popover")).to_be_hidden()

    # Ctrl+wheel zooms, and the point under the pointer stays under it
    world = page.locator("#world")
    before = box(world)
    k0 = float(stage.get_attribute("data-zoom") or 0)
    mx, my = cx + 40, cy + 30
    page.mouse.move(mx, my)
    page.keyboard.down("Control")
    page.mouse.wheel(0, -100)
    page.keyboard.up("Control")
    expect(stage).not_to_have_attribute("data-zoom", str(k0))
    f = float(stage.get_attribute("data-zoom") or 0) / k0
    assert f > 1
    now = box(world)
    assert now["x"] == pytest.approx(mx + (before["x"] - mx) * f, abs=2)
    assert now["y"] == pytest.approx(my + (before["y"] - my) * f, abs=2)


def test_splitters_move_by_keyboard_and_keep_their_place_over_a_reload(page: Page) -> None:
    main = page.get_by_role("separator", name="Resize the cluster pane")
    cluster = page.get_by_role("region", name="Cluster")
    before = main.get_attribute("aria-valuenow")
    width = box(cluster)["width"]
    main.focus()
    for _ in range(3):
        page.keyboard.press("ArrowLeft")
    after = float(before or 0) - 6
    expect(main).to_have_attribute("aria-valuenow", f"{after:g}")
    narrower = box(cluster)["width"]
    assert narrower < width - 40, (width, narrower)

    editor = page.get_by_role("separator", name="Resize the editor and the terminal")
    term = page.get_by_role("region", name="Terminal")
    tall = box(term)["height"]
    editor.focus()
    page.keyboard.press("Shift+ArrowDown")
    moved = editor.get_attribute("aria-valuenow")
    assert float(moved or 0) > 0
    assert box(term)["height"] < tall - 20

    page.reload()
    expect(page.locator("body")).to_have_attribute("data-state", "live")
    expect(main).to_have_attribute("aria-valuenow", f"{after:g}")
    expect(editor).to_have_attribute("aria-valuenow", moved or "")
    assert box(cluster)["width"] == pytest.approx(narrower, abs=1)

    # a splitter follows the pointer too
    sb = box(main)
    page.mouse.move(sb["x"] + sb["width"] / 2, sb["y"] + 200)
    page.mouse.down()
    page.mouse.move(sb["x"] + sb["width"] / 2 - 100, sb["y"] + 200, steps=4)
    page.mouse.up()
    assert box(cluster)["width"] == pytest.approx(narrower - 100, abs=3)
    assert float(main.get_attribute("aria-valuenow") or 0) < after

    # Home and End take a splitter to its bounds
    main.focus()
    page.keyboard.press("Home")
    expect(main).to_have_attribute("aria-valuenow", main.get_attribute("aria-valuemin") or "")


def test_traffic_strip_is_closed_until_traffic_and_keeps_the_users_choice(page: Page) -> None:
    results = page.get_by_role("region", name="Traffic results")
    toggle = results.get_by_role("button", name="Traffic results")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(results.get_by_role("list", name="Recent requests")).to_be_hidden()
    canvas_room = box(page.locator("#stage"))["height"]

    bar = page.get_by_role("group", name="Traffic and network")
    bar.get_by_role("combobox", name="Target").fill("http://kubernetes")
    bar.get_by_role("spinbutton", name="Number of requests").fill("3")
    bar.get_by_role("button", name="Send traffic").click()
    expect(bar).to_have_attribute("aria-busy", "false")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(results.locator("#tr-summary")).to_contain_text(
        re.compile(r"^3 requests from outside to http://kubernetes")
    )
    expect(results.get_by_role("list", name="Recent requests").get_by_role("listitem")).to_have_count(3)
    assert box(page.locator("#stage"))["height"] < canvas_room - 100

    # the user closes it: it stays closed over a reload and when more traffic comes
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    page.reload()
    expect(page.locator("body")).to_have_attribute("data-state", "live")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    bar.get_by_role("combobox", name="Target").fill("http://kubernetes")
    bar.get_by_role("button", name="Send traffic").click()
    expect(bar).to_have_attribute("aria-busy", "false")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.click()
    expect(results.get_by_role("list", name="Recent requests")).to_be_visible()


def test_long_terminal_lines_scroll_or_wrap_and_tables_stay_aligned(page: Page) -> None:
    page.set_viewport_size({"width": 1280, "height": 720})
    out = run(page, "kubectl get pods -A -o wide")
    expect(out).to_contain_text("kube-system")
    # the table is wider than the terminal: it scrolls sideways, its rows not broken
    sizes = out.evaluate("o => [o.scrollWidth, o.clientWidth]")
    assert sizes[0] > sizes[1], sizes
    table = out.locator("span.ok").last
    text = table.inner_text()
    lines = [line for line in text.splitlines() if line]
    header = lines[0]
    assert header.startswith("NAMESPACE") and "NOMINATED NODE" in header
    col = header.index("NODE ")
    assert all(len(line) > col and line[col - 1] == " " for line in lines[1:]), "a row is out of its columns"
    rows = table.evaluate(LINES)
    assert rows == len(lines), "a table row was wrapped"

    # an error's long line wraps instead
    name = "a-pod-whose-name-is-long-enough-to-run-past-the-right-edge-of-the-terminal-" + "x" * 60
    run(page, f"kubectl get pod {name}")
    err = out.locator("span.err").last
    expect(err).to_contain_text(f'pods "{name}" not found')
    assert err.evaluate(LINES) > 1
    assert box(err)["width"] <= out.evaluate("o => o.clientWidth") + 1

    # "Wrap lines" wraps the tables too, and is kept over a reload
    wrap = page.get_by_role("button", name="Wrap lines")
    wrap.click()
    expect(wrap).to_have_attribute("aria-pressed", "true")
    sizes = out.evaluate("o => [o.scrollWidth, o.clientWidth]")
    assert sizes[0] <= sizes[1], sizes
    page.reload()
    expect(page.locator("body")).to_have_attribute("data-state", "live")
    expect(wrap).to_have_attribute("aria-pressed", "true")


def test_skip_to_editor_is_first_in_the_tab_order(page: Page) -> None:
    page.keyboard.press("Tab")
    link = page.get_by_role("link", name="Skip to editor")
    expect(link).to_be_focused()
    expect(link).to_be_in_viewport()
    page.keyboard.press("Enter")
    editor = page.get_by_role("region", name="YAML editor").locator(".cm-content")
    expect(editor).to_be_focused()
    page.keyboard.type("kind: ")
    expect(editor).to_contain_text("kind: ")
