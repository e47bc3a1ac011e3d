"""Roving focus in the accessible mirror (issue 10, a11y.js): a node's pods are one tab stop, so Tab
from a pod (and its Inspect button) leaves the node's pods however many it holds; ←/→ move to the previous/next
pod, ↓ to the pod drawn below, Home/End to the first/last; the pod last focused keeps the node's
tab stop across a re-layout (more pods arriving), and the node keeps its name."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.helpers import advance, details, node, pause, run

pytestmark = pytest.mark.e2e

FOCUSED_POD = "document.activeElement.closest('[role=listitem]')?.getAttribute('aria-label') ?? ''"


def focused_pod(page: Page) -> str:
    return page.evaluate(FOCUSED_POD)


def labels(items: Locator) -> list[str]:
    return [i.get_attribute("aria-label") or "" for i in items.all()]


def centre(el: Locator) -> tuple[float, float]:
    b = el.bounding_box()
    assert b
    return b["x"] + b["width"] / 2, b["y"] + b["height"] / 2


def test_a_nodes_pods_are_one_tab_stop_and_arrows_move_between_them(page: Page) -> None:
    pause(page)
    run(page, "kubectl create deployment web --image=nginx --replicas=40")
    advance(page, 30)
    node1 = node(page, "node1")
    items = node1.get_by_role("listitem")
    expect(items.filter(has=page.get_by_role("button", name=re.compile(r"^Details of pod web-")))).to_have_count(20)
    names = labels(items)
    assert len(names) > 20  # web's pods and the node's system pods

    # one pod of node1 in the tab order, the first; the node keeps its name
    expect(node1).to_have_attribute("aria-label", re.compile(rf"^node node1, Ready, {len(names)} pods$"))
    expect(node1.locator('[role=listitem]:has(button[tabindex="0"])')).to_have_count(1)
    first = details(items.first)
    expect(first).to_have_attribute("tabindex", "0")
    first.focus()

    # Tab goes to that pod's Inspect button, then leaves node1's pods; Shift+Tab comes back to the same pod
    page.keyboard.press("Tab")
    assert focused_pod(page) == names[0]
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == f"Inspect pod {names[0].split(' ')[1]}"
    page.keyboard.press("Tab")
    assert focused_pod(page) == ""
    assert page.evaluate("document.activeElement.localName") == "button"
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    assert focused_pod(page) == names[0]
    assert page.evaluate("document.activeElement.getAttribute('aria-label')").startswith("Details of ")

    # ← → through the layout's order, End/Home to the ends
    page.keyboard.press("ArrowRight")
    assert focused_pod(page) == names[1]
    page.keyboard.press("ArrowRight")
    assert focused_pod(page) == names[2]
    page.keyboard.press("ArrowLeft")
    assert focused_pod(page) == names[1]
    page.keyboard.press("End")
    assert focused_pod(page) == names[-1]
    page.keyboard.press("Home")
    assert focused_pod(page) == names[0]

    # ↓: the pod drawn right below (the next row of the same grid, the same column)
    x0, y0 = centre(items.first)
    page.keyboard.press("ArrowDown")
    below = node1.get_by_role("listitem", name=focused_pod(page), exact=True)
    x1, y1 = centre(below)
    assert y1 > y0 and abs(x1 - x0) < 2, (x0, y0, x1, y1)
    page.keyboard.press("ArrowUp")
    assert focused_pod(page) == names[0]

    # the focused pod is remembered across a re-layout: more pods arrive in node1, before it
    # (web's new pods go in web's block; the last pod is a system pod's, after it)
    page.keyboard.press("End")
    kept = focused_pod(page)
    assert kept == names[-1] and " web-" not in kept
    page.get_by_role("textbox", name="kubectl command").focus()
    run(page, "kubectl scale deployment web --replicas=60")
    advance(page, 30)
    expect(items.filter(has=page.get_by_role("button", name=re.compile(r"^Details of pod web-")))).to_have_count(30)
    now = labels(items)
    assert now.index(kept) > names.index(kept)  # it moved: the stop follows the pod, not its place
    expect(node1.locator('[role=listitem]:has(button[tabindex="0"])')).to_have_count(1)
    holder = details(node1.get_by_role("listitem", name=kept, exact=True))
    expect(holder).to_have_attribute("tabindex", "0")
    # from the node's own button, Tab reaches that pod
    node1.get_by_role("button", name="Actions for node node1").focus()
    page.keyboard.press("Tab")
    assert focused_pod(page) == kept
