"""Capacity and time you can see (issue 10): each node's bars of requested/allocatable CPU, memory
and pods (their words are the node's accessible description, and the numbers are `kubectl describe
node`'s), a Pending pod's tooltip saying why the scheduler could not place it, a pod's tolerations
as `kubectl describe pod` prints them, and a progress bar while a one-hour clock jump runs.

The clock is paused and moved only by the page's step buttons (or held at the request) so every run
sees the same history; waits are on the page's state.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import advance, api, details, node, pause, pods

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]

WEB = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx
        resources:
          requests: {cpu: 450m, memory: 300Mi}
"""

BIG = """apiVersion: v1
kind: Pod
metadata:
  name: big
spec:
  containers:
  - name: app
    image: nginx
    resources:
      requests: {cpu: "5"}
"""


def apply(page: Page, manifest: str) -> None:
    r = page.request.post(api(page, "/apply"), data={"manifest": manifest})
    assert r.ok and r.json()["exitCode"] == 0, r.text()


def describe(page: Page, kind: str, namespace: str, name: str) -> str:
    r = page.request.get(api(page, f"/objects/{kind}/{namespace}/{name}/describe"))
    assert r.ok, r.text()
    return r.json()["output"]


def allocated(text: str) -> dict[str, str]:
    """describe node's numbers: cpu and memory requests with their percentages, the pod count, and
    allocatable cpu and pods."""
    tail = text[text.index("Allocated resources:"):]
    alloc = text[text.index("Allocatable:"):text.index("System Info:")]
    return {
        "cpu": re.search(r"^  cpu\s+(\S+) \((\d+)%\)", tail, re.M).groups(),
        "memory": re.search(r"^  memory\s+\S+ \((\d+)%\)", tail, re.M).group(1),
        "pods": re.search(r"^Non-terminated Pods:\s+\((\d+) in total\)", text, re.M).group(1),
        "alloc_cpu": re.search(r"^  cpu:\s+(\S+)$", alloc, re.M).group(1),
        "alloc_pods": re.search(r"^  pods:\s+(\S+)$", alloc, re.M).group(1),
    }


def expect_bars_as_describe_says(page: Page, name: str) -> None:
    n = allocated(describe(page, "node", "-", name))
    (cpu, cpu_pct) = n["cpu"]
    want = (rf"^requested: cpu {re.escape(cpu)}/{n['alloc_cpu']} \({cpu_pct}%\), mem \S+/\S+ \({n['memory']}%\), "
            rf"pods {n['pods']}/{n['alloc_pods']} \(\d+%\)$")
    expect(node(page, name)).to_have_accessible_description(re.compile(want))


def test_each_nodes_bars_say_what_describe_node_allocated(page: Page) -> None:
    pause(page)
    for name in ("master", "node1", "node2"):
        expect_bars_as_describe_says(page, name)
    # the accessible name stays what it was
    expect(node(page, "node1")).to_have_accessible_name(re.compile(r"^node node1, Ready, \d+ pods?$"))
    before = node(page, "node1").get_attribute("aria-description") or ""

    apply(page, WEB)
    advance(page, 10)
    expect(pods(page, "web-", "Running")).to_have_count(3)
    for name in ("master", "node1", "node2"):
        expect_bars_as_describe_says(page, name)
    assert node(page, "node1").get_attribute("aria-description") != before

    page.request.post(api(page, "/run"), data={"command": "kubectl delete deployment web"})
    advance(page, 60)
    expect(pods(page, "web-")).to_have_count(0)
    expect(node(page, "node1")).to_have_accessible_description(before)


def test_a_pending_pods_tooltip_says_why_as_the_scheduler_wrote_it(page: Page) -> None:
    pause(page)
    apply(page, BIG)
    advance(page, 1)
    item = pods(page, "big", "Pending")
    expect(item).to_have_count(1)
    details(item).focus()
    tip = page.get_by_role("tooltip")
    expect(tip).to_contain_text("Why not scheduled:0/3 nodes are available: ")
    reason = re.search(r"Why not scheduled:(.*?)Tolerations:", tip.text_content() or "").group(1)
    assert "Insufficient cpu" in reason and "untolerated taint {node-role.kubernetes.io/control-plane: }" in reason
    # the same words describe pod prints in its FailedScheduling event
    events = describe(page, "pod", "default", "big")
    assert re.search(r"Warning\s+FailedScheduling\s+\S+\s+default-scheduler\s+" + re.escape(reason), events), events
    # no node can take it: each worker's bar says why (2 cpu allocatable, 5 asked for)
    expect(node(page, "node1")).to_have_accessible_description(re.compile(r"^requested: cpu \S+/2 "))


def test_a_pods_tooltip_lists_its_tolerations_as_describe_prints_them(page: Page) -> None:
    pause(page)
    proxy = pods(node(page, "node1"), "kube-proxy-")
    name = (proxy.get_attribute("aria-label") or "").split(" ")[1]
    text = describe(page, "pod", "kube-system", name)
    block = re.search(r"^Tolerations:\s+(.*?)\n(?=\S)", text, re.M | re.S).group(1)
    lines = [line.strip() for line in block.splitlines()]
    assert "node.kubernetes.io/not-ready:NoExecute op=Exists" in lines and len(lines) > 3, lines
    proxy.hover()
    tip = page.get_by_role("tooltip")
    expect(tip).to_contain_text("Tolerations:" + lines[0])
    dd = tip.locator("dt", has_text="Tolerations:").locator("xpath=following-sibling::dd[1]")
    expect(dd).to_have_text("\n".join(lines))


def test_a_one_hour_jump_shows_its_progress_and_the_bar_goes_away(page: Page) -> None:
    pause(page)
    clock = page.get_by_role("group", name="Clock controls")
    bar = page.get_by_role("progressbar", name="Advancing the clock")
    expect(bar).to_have_count(0)
    # record every value the bar is given (the server's progress messages arrive while it runs)
    page.evaluate("""() => {
      window.__progressValues = [];
      new MutationObserver(() => {
        for (const el of document.querySelectorAll('[role=progressbar]')) {
          const v = el.getAttribute('aria-valuenow');
          if (v !== null) window.__progressValues.push(Number(v));
        }
      }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['aria-valuenow'] });
    }""")
    held = []
    page.route("**/clock", lambda route: held.append(route) if (route.request.post_data_json or {}).get("advance") == 3600
               else route.continue_())
    start = page.locator("#clock-time").get_attribute("datetime")
    clock.get_by_role("button", name="Advance 1 hour").click()
    # while the request runs, the bar shows (no value yet: the server has not said how far it is)
    expect(bar).to_be_visible()
    expect(bar).not_to_have_attribute("aria-valuenow", re.compile("."))
    expect(clock).to_have_attribute("aria-busy", "true")
    assert len(held) == 1
    held[0].continue_()
    expect(clock).to_have_attribute("aria-busy", "false")
    expect(bar).to_have_count(0)
    end = page.locator("#clock-time").get_attribute("datetime")
    hours = (int(end[11:13]) - int(start[11:13])) % 24
    assert hours == 1 and end[14:] == start[14:], (start, end)
    values = page.evaluate("window.__progressValues")
    assert values and all(0 <= v < 100 for v in values) and values == sorted(values), values


def node_eval(script: str) -> object:
    node_bin = shutil.which("node")
    assert node_bin, "node is needed to build and test the page (make install)"
    proc = subprocess.run([node_bin, "--input-type=module", "-e", script], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_the_bars_words_and_states_including_over_commit() -> None:
    """capacity.js on cells as the server sends them: describe's quantities and percentages, and a
    node asked for more than it has (pods bound by spec.nodeName past the scheduler) is over."""
    cells = {"requested": {"cpu": 950, "memory": 1288490188, "pods": 12},
             "allocatable": {"cpu": 2000, "memory": 4005380096, "pods": 110}}
    over = {"requested": {"cpu": 2500, "memory": 0, "pods": 3}, "allocatable": {"cpu": 2000, "memory": 4005380096, "pods": 110}}
    out = node_eval(
        "import { capacityText, capacityParts } from './static/src/capacity.js';\n"
        f"const cells = {json.dumps(cells)}, over = {json.dumps(over)};\n"
        "console.log(JSON.stringify([capacityText(cells), capacityParts(cells).map((p) => [p.label, p.compact, p.state]),"
        " capacityText(over), capacityParts(over).map((p) => p.state), capacityText({status: 'Ready'})]));\n")
    text, parts, over_text, over_states, none = out
    assert text == "requested: cpu 950m/2 (47%), mem 1.2Gi/3.7Gi (32%), pods 12/110 (10%)"
    assert parts == [["cpu 950m/2", "cpu 950m/2", "ok"], ["mem 1.2Gi/3.7Gi", "mem 1.2/3.7Gi", "ok"],
                     ["pods 12/110", "pods 12/110", "ok"]]
    assert over_text.startswith("requested: cpu 2500m/2 (125%, over-committed), mem 0/3.7Gi (0%)")
    assert over_states == ["over", "ok", "ok"] and none == ""


def test_an_apply_shows_applying_while_it_runs(page: Page) -> None:
    pause(page)
    held = []
    page.route("**/apply", lambda route: held.append(route))
    page.get_by_role("button", name="Apply").click()
    bar = page.get_by_role("progressbar", name="Applying")
    expect(bar).to_be_visible()
    expect(bar).not_to_have_attribute("aria-valuenow", re.compile("."))  # an apply cannot say how far it is
    assert len(held) == 1
    held[0].continue_()
    expect(bar).to_have_count(0)
