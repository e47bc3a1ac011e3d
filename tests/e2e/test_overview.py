"""The overview (issue 10, minimap.js): at 1,000 pods on 10 workers the cluster does not fit the pane,
so the region "Overview" shows itself with the cluster's status histogram — the same counts as
`kubectl get pods -A | awk` in the terminal —, a summary button per node with that node's pod count,
and a button that drills down: the main view zooms to the node. The "Overview" toggle hides and
shows it. The cluster is made through the HTTP API (nodes joined, a Deployment of 1,000 replicas,
the clock advanced) so the test spends its time on the page, not on typing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import api, node, pause, run
from tests.nodetests import run_node_tests

pytestmark = pytest.mark.e2e
HERE = Path(__file__).resolve().parent

BIG = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: big
spec:
  replicas: 1000
  selector:
    matchLabels: {app: big}
  template:
    metadata:
      labels: {app: big}
    spec:
      containers:
      - name: c
        image: nginx
"""


def big_cluster(page: Page, workers: int = 10) -> None:
    """The default lab grown to `workers` workers and 1,000 pods of one Deployment, clock paused."""
    pause(page)
    for _ in range(workers - 2):
        assert page.request.post(api(page, "/nodes"), data={}, timeout=60_000).status == 201
    res = page.request.post(api(page, "/apply"), data={"manifest": BIG}, timeout=90_000)
    assert res.ok and res.json()["exitCode"] == 0, res.text()
    # kube-controller-manager's client makes 30 pods at once and 20 a second after: 1,000 in 48.5 s
    assert page.request.post(api(page, "/clock"), data={"advance": 60}, timeout=90_000).ok
    expect(node(page, f"node{workers}")).to_have_count(1)


def terminal(page: Page, command: str) -> str:
    """What ``command`` prints in the page's terminal (its last output)."""
    return run(page, command).locator("span.ok").last.text_content() or ""


def terminal_histogram(page: Page) -> str:
    """`uniq -c` of the STATUS column, as the overview words it: most first, thousands with commas."""
    out = terminal(page, "kubectl get pods -A --no-headers | awk '{print $4}' | sort | uniq -c | sort -k1,1nr -k2")
    counts = re.findall(r"^\s*(\d+) (\S+)$", out, re.M)
    assert counts, out
    return " · ".join(f"{status} {int(n):,}" for n, status in counts)


def test_the_overview_counts_like_kubectl_and_drills_down_to_a_node(page: Page) -> None:
    big_cluster(page)
    overview = page.get_by_role("region", name="Overview")
    expect(overview).to_be_visible()  # 1,000 pods do not fit the pane: it shows itself
    toggle = page.get_by_role("button", name="Overview", exact=True)
    expect(toggle).to_have_attribute("aria-expanded", "true")

    total = int(terminal(page, "kubectl get pods -A --no-headers | wc -l"))
    assert total > 1000
    expect(overview).to_contain_text(f"{total:,} pods on 11 nodes")
    expect(overview.get_by_label("Pod statuses")).to_have_text(terminal_histogram(page))

    # one summary per node, with the node's pods as kubectl counts them
    buttons = overview.get_by_role("list", name="Nodes").get_by_role("button")
    expect(buttons.filter(has_text=re.compile(r"^(master|node\d+): "))).to_have_count(11)
    on7 = int(terminal(page, "kubectl get pods -A -o wide --no-headers | awk '$8==\"node7\"' | wc -l"))
    node7 = overview.get_by_role("button", name=re.compile(r"^node7: "))
    expect(node7).to_have_text(re.compile(rf"^node7: {on7} pods(, |$)"))

    # drill-down: the view zooms to node7 and node7 fills the stage
    stage = page.locator("#stage")
    before = float(stage.get_attribute("data-zoom") or "1")
    node7.click()
    expect(stage).not_to_have_attribute("data-zoom", str(before))
    group = node(page, "node7")
    expect(group).to_be_in_viewport(ratio=0.9)
    expect(node(page, "node1")).not_to_be_in_viewport()
    s = stage.bounding_box()
    g = group.bounding_box()
    assert s and g
    assert g["x"] >= s["x"] - 1 and g["y"] >= s["y"] - 1
    assert g["x"] + g["width"] <= s["x"] + s["width"] + 1 and g["y"] + g["height"] <= s["y"] + s["height"] + 1
    assert g["width"] > 0.6 * s["width"] or g["height"] > 0.6 * s["height"]  # zoomed to it, not just scrolled

    # the list is one tab stop: ↓ moves inside it
    first = buttons.first
    first.focus()
    page.keyboard.press("ArrowDown")
    expect(buttons.nth(1)).to_be_focused()
    expect(overview.locator('button[tabindex="0"]')).to_have_count(1)

    # status changes reach the histogram: scaled down by 100 with the clock paused, 30 pods are
    # Terminating (the controller's client sends its burst of 30 deletes; the rest wait for the clock)
    run(page, "kubectl scale deployment big --replicas=900")
    histogram = terminal_histogram(page)
    assert re.search(r"\bTerminating 30\b", histogram), histogram
    expect(overview.get_by_label("Pod statuses")).to_have_text(histogram)

    # the toggle hides it and shows it again
    toggle.click()
    expect(overview).to_be_hidden()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.click()
    expect(overview).to_be_visible()


def test_the_overviews_pure_parts() -> None:
    """overview.test.mjs (change-set counts, the histogram's words, the minimap grid, arrow moves) under node."""
    run_node_tests(HERE / "overview.test.mjs", 4)
