"""Node failure explained on the node: "NotReady in N s" counting down with the page's clock until
the node lifecycle controller marks it (50 s node-monitor-grace-period in v1.32), then
"evicting in 4 m …" (the pods' 300 s unreachable:NoExecute toleration), the taints listed, and the
pods moving; and cordon's SchedulingDisabled.

The clock is paused and moved only by the page's step buttons, so every run sees the same history.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import advance, node, pause, pod_names, pods, run

pytestmark = pytest.mark.e2e


def seconds_left(text: str, word: str) -> int:
    m = re.search(rf"{word} in (?:(\d+) m )?(\d+) s", text)
    assert m, text
    return int(m.group(1) or 0) * 60 + int(m.group(2))


def test_a_failed_node_counts_down_to_notready_then_to_eviction(page: Page) -> None:
    pause(page)
    run(page, "kubectl create deployment web --image=nginx:1.14.2 --replicas=4")
    advance(page, 30)
    expect(pods(page, "web-", "Running")).to_have_count(4)
    on_node1 = pod_names(node(page, "node1"), "web-")
    assert on_node1, "the scheduler spreads the replicas over both workers"
    expect(node(page, "node1").get_by_role("status")).to_have_count(0)

    node(page, "node1").get_by_role("button", name="Actions for node node1").click()
    page.get_by_role("menu", name="Node node1").get_by_role("menuitem", name="Fail node").click()
    status = node(page, "node1").get_by_role("status")
    expect(status).to_contain_text(re.compile(r"^NotReady in \d+ s$"))
    first = seconds_left(status.inner_text(), "NotReady")
    assert 40 < first <= 60, first  # the last heartbeat plus 50 s, on the controller's 5 s pass
    advance(page, 10)
    expect(status).to_have_text(f"NotReady in {first - 10} s")

    advance(page, 60)
    expect(node(page, "node1")).to_have_accessible_name(re.compile(r"^node node1, NotReady, halted, "))
    expect(status).to_contain_text(re.compile(r"^evicting in 4 m \d+ s \(\d+ pods?\)$"))
    taints = node(page, "node1").locator(".node-explain-taints")
    expect(taints).to_contain_text("node.kubernetes.io/unreachable:NoExecute")
    expect(taints).to_contain_text("node.kubernetes.io/unreachable:NoSchedule")
    left = seconds_left(status.inner_text(), "evicting")
    if os.environ.get("KUBEPLAY_SCREENSHOTS"):
        page.screenshot(path=str(Path(os.environ["KUBEPLAY_SCREENSHOTS"]) / "failed-node-evicting.png"))
    # the countdown keeps pace with the clock
    advance(page, 60)
    expect(status).to_contain_text(f"evicting in {(left - 60) // 60} m {(left - 60) % 60} s")

    advance(page, 300)
    # evicted: the halted kubelet never confirms, so they stay Terminating; replacements run on node2
    for name in on_node1:
        expect(pods(node(page, "node1"), name, "Terminating")).to_have_count(1)
    expect(pods(node(page, "node2"), "web-", "Running")).to_have_count(4)
    expect(status).to_have_text(re.compile(r"^\d+ pods evicted, terminating$"))
    # an arrow from each evicted pod to its replacement, which says whom it replaces
    replacing = pods(node(page, "node2"), "web-", "Running").and_(page.locator("[aria-description*='replaces']"))
    expect(replacing).to_have_count(len(on_node1))
    described = {re.search(r"replaces (\S+) \(going from node1\)", replacing.nth(i).get_attribute("aria-description")
                           or "").group(1) for i in range(len(on_node1))}
    assert described == set(on_node1), (described, on_node1)
    # (node1's other evicted pods, coredns's, have theirs too): one arrow per replacement
    every = page.locator("[role=listitem][aria-description*='replaces']")
    expect(page.locator("canvas.netfx")).to_have_attribute("data-replacements", str(every.count()))


def test_cordon_and_drain_are_explained_on_the_node(page: Page) -> None:
    pause(page)
    run(page, "kubectl create deployment web --image=nginx:1.14.2 --replicas=4")
    advance(page, 30)
    expect(pods(page, "web-", "Running")).to_have_count(4)
    out = run(page, "kubectl cordon node2")
    expect(out).to_contain_text("node/node2 cordoned")
    expect(node(page, "node2")).to_have_accessible_name(re.compile(r"^node node2, Ready,SchedulingDisabled, "))
    status = node(page, "node2").get_by_role("status")
    expect(status).to_have_text("cordoned, no new pods")
    expect(node(page, "node2").locator(".node-explain-taints")).to_have_text(
        "taints: node.kubernetes.io/unschedulable:NoSchedule")
    out = run(page, "kubectl uncordon node2")
    expect(out).to_contain_text("node/node2 uncordoned")
    expect(status).to_have_count(0)
