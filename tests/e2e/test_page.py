"""The page end to end: a real server, a real Chromium, the user's clicks and keys.

Issue 2's acceptance through the browser: apply a Deployment from the editor, see its pods
Running, fail node1 from its menu, run the clock past the 50 s node grace period and the 300 s
tolerations, and see node1 NotReady, its pods Terminating and their replacements Running on node2.
The clock is paused first and moved only by the page's step buttons, so every run sees the same
simulated history.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import advance, apply_example, details, node, pause, pod_names, pods, run, sim_time

pytestmark = pytest.mark.e2e


def test_the_page_shows_the_default_cluster(page: Page) -> None:
    for name in ("master", "node1", "node2"):
        expect(node(page, name)).to_have_accessible_name(re.compile(rf"^node {name}, Ready, \d+ pods?$"))
    expect(page.get_by_role("group", name=re.compile(r"^unscheduled pods"))).to_be_attached()
    # kube-system runs on the master too: the canvas is not empty before anything is applied
    expect(pods(node(page, "master"), "kube-apiserver-master", "Running")).to_have_count(1)


def test_node1_failure_moves_the_deployment_to_node2(page: Page) -> None:
    pause(page)
    apply_example(page, "lessons/step08-deployment1.yml")
    expect(page.get_by_role("list", name="Apply results")).to_have_text("deployment.apps/web-deploy created")

    advance(page, 60)
    expect(pods(page, "web-deploy-", "Running")).to_have_count(3)
    on_node1 = pod_names(node(page, "node1"), "web-deploy-")
    on_node2 = pod_names(node(page, "node2"), "web-deploy-")
    assert on_node1 and on_node2 and len(on_node1) + len(on_node2) == 3  # spread across both workers

    node(page, "node1").get_by_role("button", name="Actions for node node1").click()
    page.get_by_role("menu", name="Node node1").get_by_role("menuitem", name="Fail node").click()
    expect(node(page, "node1")).to_have_accessible_name(re.compile(r"^node node1, Ready, halted, "))

    # past the 50 s grace period: NotReady, but the pods are only evicted after 300 s
    advance(page, 60)
    expect(node(page, "node1")).to_have_accessible_name(re.compile(r"^node node1, NotReady, halted, "))
    for name in on_node1:
        expect(pods(node(page, "node1"), name, "Running")).to_have_count(1)

    advance(page, 300 + 60)
    for name in on_node1:
        expect(pods(node(page, "node1"), name, "Terminating")).to_have_count(1)
    expect(pods(node(page, "node2"), "web-deploy-", "Running")).to_have_count(3)
    assert set(on_node2) < set(pod_names(node(page, "node2"), "web-deploy-"))
    expect(node(page, "node2")).to_have_accessible_name(re.compile(r"^node node2, Ready, "))

    # the pod panel tells the same story as the mirror
    details(pods(node(page, "node1"), on_node1[0])).click()
    panel = page.get_by_role("dialog", name=f"Pod {on_node1[0]}")
    expect(panel).to_contain_text("Terminating")
    expect(panel).to_contain_text("node1")
    panel.get_by_role("button", name="Close").click()

    # node1 comes back: its kubelet finishes the deletions; nothing moves back by itself
    node(page, "node1").get_by_role("button", name="Actions for node node1").click()
    page.get_by_role("menu", name="Node node1").get_by_role("menuitem", name="Recover node").click()
    advance(page, 60)
    expect(node(page, "node1")).to_have_accessible_name(re.compile(r"^node node1, Ready, \d+ pods?$"))
    expect(pods(node(page, "node1"), "web-deploy-")).to_have_count(0)
    expect(pods(node(page, "node2"), "web-deploy-", "Running")).to_have_count(3)


def test_a_bad_manifest_is_marked_at_its_line_and_creates_nothing(page: Page) -> None:
    pause(page)
    apply_example(page, "seeds/pod-kuard-typo.yml")
    results = page.get_by_role("list", name="Apply results")
    expect(results).to_contain_text('unknown field "spec.containres"')
    # the misspelt field's line carries the inline error (and the results say which line)
    marked = page.locator(".cm-line:has(.cm-lintRange-error)")
    expect(marked).to_have_count(1)
    expect(marked).to_have_text("  containres:")
    expect(results).to_contain_text("line 8:")
    expect(page.locator(".cm-gutter-lint .cm-lint-marker-error")).to_have_count(1)

    out = run(page, "kubectl get pods")
    expect(out).to_contain_text("No resources found in default namespace.")
    expect(page.get_by_role("listitem", name=re.compile(r"^pod kuard "))).to_have_count(0)


def test_a_yaml_syntax_error_is_marked_at_its_line(page: Page) -> None:
    editor = page.get_by_role("textbox", name="YAML manifest")
    editor.click()
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    editor.fill("apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n   bad: [\n")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("list", name="Apply results")).to_contain_text("yaml: line 5")
    expect(page.locator(".cm-line:has(.cm-lintRange-error)")).to_have_text("   bad: [")


def test_terminal_runs_kubectl_with_history(page: Page) -> None:
    out = run(page, "kubectl get nodes")
    text = out.inner_text()
    lines = text[text.index("$ kubectl get nodes"):].splitlines()
    assert re.match(r"^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION$", lines[1])
    rows = {line.split()[0]: line.split() for line in lines[2:] if line.strip()}
    assert sorted(rows) == ["master", "node1", "node2"]
    assert rows["master"][1:3] == ["Ready", "control-plane"]
    assert rows["node1"][1:3] == ["Ready", "<none>"]
    assert all(r[4].startswith("v1.32.") for r in rows.values())
    # kubectl's columns stay aligned: STATUS starts at the same column on every line
    col = lines[1].index("STATUS")
    assert all(line[col - 1] == " " and line[col] != " " for line in lines[1:4])

    run(page, "kubectl foo")
    # captured: kubectl.1.32 foo (exit 1)
    expect(out).to_contain_text('error: unknown command "foo" for "kubectl"\n\nDid you mean this?\n\ttop')

    box = page.get_by_role("textbox", name="kubectl command")
    box.press("ArrowUp")
    expect(box).to_have_value("kubectl foo")
    box.press("ArrowUp")
    expect(box).to_have_value("kubectl get nodes")
    box.press("ArrowDown")
    expect(box).to_have_value("kubectl foo")


def test_clock_controls_step_and_set_speed(page: Page) -> None:
    pause(page)
    before = sim_time(page)
    advance(page, 10)
    after = sim_time(page)
    assert before and after and after > before
    assert int(after[17:19]) == (int(before[17:19]) + 10) % 60
    page.get_by_role("radio", name="×10", exact=True).click()
    expect(page.get_by_role("radio", name="×10", exact=True)).to_have_attribute("aria-checked", "true")
    expect(page.get_by_role("radio", name="×1", exact=True)).to_have_attribute("aria-checked", "false")
    page.get_by_role("button", name="Resume").click()
    expect(page.get_by_role("button", name="Pause")).to_have_attribute("aria-pressed", "false")


def test_reload_keeps_the_sandbox(page: Page) -> None:
    pause(page)
    run(page, "kubectl create deployment hello --image=nginx")
    expect(pods(page, "hello-")).to_have_count(1)
    sandbox = page.locator("body").get_attribute("data-sandbox")
    page.reload()
    expect(page.locator("body")).to_have_attribute("data-state", "live")
    assert page.locator("body").get_attribute("data-sandbox") == sandbox
    expect(pods(page, "hello-")).to_have_count(1)


def test_pod_panel_kills_a_container_and_deletes_the_pod(page: Page) -> None:
    pause(page)
    run(page, "kubectl create deployment hello --image=nginx")
    advance(page, 60)
    expect(pods(page, "hello-", "Running")).to_have_count(1)
    name = (pods(page, "hello-").get_attribute("aria-label") or "").split(" ")[1]

    details(pods(page, name)).click()
    panel = page.get_by_role("dialog", name=f"Pod {name}")
    expect(panel).to_contain_text("Running")
    expect(panel.locator("dt:text-is('Restarts') + dd")).to_have_text("0")
    panel.get_by_role("button", name="Kill container nginx").click()
    advance(page, 10)
    expect(panel.locator("dt:text-is('Restarts') + dd")).to_have_text("1")
    expect(pods(page, name, "Running")).to_have_count(1)

    panel.get_by_role("button", name="Delete pod").click()
    out = page.get_by_role("log", name="Terminal output")
    expect(out).to_contain_text(f"$ kubectl delete pod {name}")
    expect(out).to_contain_text(f'pod "{name}" deleted')
    advance(page, 60)
    # the ReplicaSet replaced it; the deleted pod is gone from the canvas and the panel says so
    expect(pods(page, name)).to_have_count(0)
    expect(pods(page, "hello-", "Running")).to_have_count(1)
    expect(panel).to_contain_text("This pod no longer exists.")


def test_after_a_lost_connection_the_page_catches_up(page: Page) -> None:
    pause(page)
    expect(page.get_by_role("status", name="Connection")).to_have_text("live")
    sandbox = page.locator("body").get_attribute("data-sandbox")
    page.context.set_offline(True)
    expect(page.get_by_role("status", name="Connection")).to_have_text("reconnecting…")
    # what happens while the page is away: another client of the same sandbox creates a deployment
    base = page.url.rstrip("/")
    answer = page.context.request.post(f"{base}/api/sandboxes/{sandbox}/run",
                                       data={"command": "kubectl create deployment away --image=nginx"})
    assert answer.ok, answer.text()
    page.context.set_offline(False)
    expect(page.get_by_role("status", name="Connection")).to_have_text("live")
    # the rejoin (with the last resourceVersion seen) brings what was missed
    expect(pods(page, "away-")).to_have_count(1)
