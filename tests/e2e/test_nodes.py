"""Adding and removing nodes through the page: the "Add node" button, "Remove node" in a node's
menu with its confirmation, and a layout that still reads with six nodes.

The clock is paused first and moved only by the page's step buttons, so every run sees the same
simulated history; the deployment is scaled with the page's terminal.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from server.sandbox import MAX_NODES
from tests.e2e.helpers import advance, api, apply_example, node, pause, pod_names, pods, run

pytestmark = pytest.mark.e2e


def add_node(page: Page, name: str) -> None:
    page.get_by_role("button", name="Add node").click()
    expect(node(page, name)).to_have_accessible_name(re.compile(rf"^node {name}, Ready, \d+ pods?$"))


def test_a_node_joins_takes_pods_and_leaves_them_to_be_rescheduled(page: Page) -> None:
    pause(page)
    add_node(page, "node3")
    # its daemon pods (kube-proxy, flannel) come up on it
    advance(page, 10)
    expect(pods(node(page, "node3"), "kube-proxy-", "Running")).to_have_count(1)

    apply_example(page, "lessons/step08-deployment1.yml")
    expect(page.get_by_role("list", name="Apply results")).to_have_text("deployment.apps/web-deploy created")
    out = run(page, "kubectl scale deployment web-deploy --replicas=9")
    expect(out).to_contain_text("deployment.apps/web-deploy scaled")
    advance(page, 60)
    expect(pods(page, "web-deploy-", "Running")).to_have_count(9)
    on_node3 = pod_names(node(page, "node3"), "web-deploy-")
    assert on_node3, "the scheduler spreads the replicas over the three workers"

    # the control plane offers no removal; node3 does, after a confirmation
    node(page, "master").get_by_role("button", name="Actions for node master").click()
    expect(page.get_by_role("menu", name="Node master").get_by_role("menuitem", name="Remove node")).to_be_disabled()
    page.keyboard.press("Escape")
    node(page, "node3").get_by_role("button", name="Actions for node node3").click()
    page.get_by_role("menu", name="Node node3").get_by_role("menuitem", name="Remove node").click()
    confirm = page.get_by_role("alertdialog", name="Remove node node3?")
    expect(confirm).to_contain_text("pod garbage collector")
    expect(confirm.get_by_role("button", name="Cancel")).to_be_focused()
    confirm.get_by_role("button", name="Remove node3").click()
    expect(node(page, "node3")).to_have_count(0)
    # the pods bound to it are not gone yet: PodGC waits 40 s after noticing the node is gone
    for name in on_node3:
        expect(pods(page, name)).to_have_count(1)

    advance(page, 60)
    for name in on_node3:
        expect(pods(page, name)).to_have_count(0)
    advance(page, 30)
    expect(pods(page, "web-deploy-", "Running")).to_have_count(9)
    on_workers = pod_names(node(page, "node1"), "web-deploy-") + pod_names(node(page, "node2"), "web-deploy-")
    assert len(on_workers) == 9 and not set(on_node3) & set(on_workers)
    out = run(page, "kubectl get nodes")
    expect(out).not_to_contain_text("node3")


def test_add_node_stops_at_the_clusters_cap_and_says_why(page: Page) -> None:
    pause(page)
    button = page.get_by_role("button", name="Add node")
    expect(button).to_be_enabled()
    expect(button).to_have_accessible_description("A new worker joins the cluster (kubeadm join)")
    add_node(page, "node3")
    # the rest join through the API, as a script would; the page sees each as a delta
    for n in range(4, MAX_NODES):
        assert page.request.post(api(page, "/nodes"), data={"name": f"node{n}"}).status == 201
    expect(node(page, f"node{MAX_NODES - 1}")).to_have_count(1)
    expect(button).to_be_disabled()
    expect(button).to_have_accessible_description(f"This cluster runs at most {MAX_NODES} nodes: remove one first")
    node(page, "node3").get_by_role("button", name="Actions for node node3").click()
    page.get_by_role("menu", name="Node node3").get_by_role("menuitem", name="Remove node").click()
    page.get_by_role("alertdialog", name="Remove node node3?").get_by_role("button", name="Remove node3").click()
    expect(button).to_be_enabled()


def test_six_nodes_fit_the_cluster_view(page: Page) -> None:
    pause(page)
    apply_example(page, "lessons/step08-deployment1.yml")
    for name in ("node3", "node4", "node5"):
        add_node(page, name)
    run(page, "kubectl scale deployment web-deploy --replicas=12")
    advance(page, 60)
    expect(pods(page, "web-deploy-", "Running")).to_have_count(12)
    names = ["master", "node1", "node2", "node3", "node4", "node5"]
    boxes = [node(page, n).bounding_box() for n in names]
    stage = page.locator("#stage").bounding_box()
    assert stage and all(boxes)
    for n, b in zip(names, boxes, strict=True):
        # inside the cluster view's width (it scrolls vertically, never sideways), readable size
        assert stage["x"] <= b["x"] and b["x"] + b["width"] <= stage["x"] + stage["width"] + 1, n
        assert b["width"] >= 200 and b["height"] >= 60, n
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            apart = (a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
                     or a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"])
            assert apart, (a, b)
    if os.environ.get("KUBEPLAY_SCREENSHOTS"):
        page.screenshot(path=str(Path(os.environ["KUBEPLAY_SCREENSHOTS"]) / "six-nodes.png"), full_page=True)
