"""Services and traffic through the page: hubs and endpoints in the accessible mirror, the
send-traffic control and its histogram, the overlay fault menu (scenario C's broken flannel).

The clock is paused first and moved only by the page's step buttons; the requests themselves
are sent by the page's traffic bar, so the test sees what a user sees.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import advance, apply_example, node, pause, pod_names

pytestmark = pytest.mark.e2e


def send_traffic(page: Page, client: str, target: str, count: int) -> None:
    bar = page.get_by_role("group", name="Traffic and network")
    bar.get_by_role("combobox", name="Client").select_option(label=client)
    bar.get_by_role("combobox", name="Target").fill(target)
    bar.get_by_role("spinbutton", name="Number of requests").fill(str(count))
    bar.get_by_role("button", name="Send traffic").click()
    expect(bar).to_have_attribute("aria-busy", "false")


def overlay(page: Page, action: str, a: str, b: str) -> None:
    page.get_by_role("button", name=re.compile(r"^Overlay faults")).click()
    page.get_by_role("menu", name="Overlay faults").get_by_role("menuitem", name=f"{action} overlay {a}–{b}").click()


def test_service_traffic_histogram_and_a_broken_overlay(page: Page) -> None:
    pause(page)
    apply_example(page, "lessons/step09-deploy.yml")
    expect(page.get_by_role("list", name="Apply results")).to_have_text("deployment.apps/web-deploy created")
    apply_example(page, "lessons/step09-svc.yml")
    expect(page.get_by_role("list", name="Apply results")).to_have_text("service/web-service created")
    advance(page, 60)

    # the service hub and its three ready endpoints, in the accessible mirror
    hub = page.get_by_role("group", name=re.compile(r"^service web-service ClusterIP 10\.\d+\.\d+\.\d+, 3 endpoints, ports 80\/TCP$"))
    expect(hub).to_be_attached()
    endpoints = hub.get_by_role("listitem", name=re.compile(r"^endpoint web-deploy-\S+ 10\.244\.\d+\.\d+ ready$"))
    expect(endpoints).to_have_count(3)
    on_node1 = pod_names(node(page, "node1"), "web-deploy-")
    on_node2 = pod_names(node(page, "node2"), "web-deploy-")
    assert on_node1 and on_node2
    client = on_node1[0]

    # 30 requests from a pod on node1: spread over all three pods, each listed
    send_traffic(page, f"pod {client}", "http://web-service", 30)
    results = page.get_by_role("region", name="Traffic results")
    expect(results).to_contain_text(f"30 requests from {client} to http://web-service: 30 answered, 0 failed")
    bars = results.get_by_role("list", name="Distribution").get_by_role("listitem")
    expect(bars).to_have_count(3)
    counts = {}
    for label in [b.get_attribute("aria-label") or "" for b in bars.all()]:
        m = re.fullmatch(r"(web-deploy-\S+): (\d+) of 30", label)
        assert m, label
        counts[m.group(1)] = int(m.group(2))
    assert set(counts) == set(on_node1 + on_node2) and all(n > 0 for n in counts.values())
    assert sum(counts.values()) == 30
    recent = results.get_by_role("list", name="Recent requests").get_by_role("listitem")
    expect(recent).to_have_count(30)
    expect(recent.first).to_have_accessible_name(re.compile(rf"^request \d+ from {client} to web-service\S*: web-deploy-\S+ 200$"))
    # and each request was animated: client pod → service VIP → kube-proxy on node1 → (node2) → pod
    fx = page.locator("canvas.netfx")
    expect(fx).to_have_attribute("data-launched", "30")
    expect(fx).to_have_attribute("data-arrived", "30", timeout=15_000)
    expect(fx).to_have_attribute("data-last-path", re.compile(r"^pod > service > kube-proxy@node1 > (node@node2 > )?pod$"))

    # the flannel trouble: break node1–node2; requests that cross to node2 die there
    overlay(page, "Break", "node1", "node2")
    expect(page.get_by_role("button", name="Overlay faults (1 broken)")).to_be_visible()
    send_traffic(page, f"pod {client}", "http://web-service", 30)
    expect(results).to_contain_text(re.compile(rf"30 requests from {client} to http://web-service: \d+ answered, \d+ failed"))
    summary = results.locator("#tr-summary").inner_text()
    answered, failed = (int(x) for x in re.search(r"(\d+) answered, (\d+) failed", summary).groups())
    assert answered > 0 and failed > 0 and answered + failed == 30
    expect(bars.filter(has_text="failed: No route to host")).to_have_accessible_name(f"failed: No route to host: {failed} of 30")
    # only node1's pods answered
    answered_by = [(b.get_attribute("aria-label") or "").split(":")[0] for b in bars.all()]
    assert set(answered_by) - {"failed"} <= set(on_node1)
    expect(recent.filter(has_text="failed: No route to host")).to_have_count(failed)
    # the failed packets die on the canvas between the nodes, the others arrive
    expect(fx).to_have_attribute("data-launched", "60")
    expect(fx).to_have_attribute("data-died", str(failed), timeout=15_000)
    expect(fx).to_have_attribute("data-arrived", str(30 + answered), timeout=15_000)

    # heal it: everything answers again
    overlay(page, "Heal", "node1", "node2")
    expect(page.get_by_role("button", name="Overlay faults", exact=True)).to_be_visible()
    send_traffic(page, f"pod {client}", "http://web-service", 10)
    expect(results).to_contain_text(f"10 requests from {client} to http://web-service: 10 answered, 0 failed")


def test_lb_pool_switch_and_node_ports(page: Page) -> None:
    pause(page)
    apply_example(page, "lessons/step09-deploy.yml")
    apply_example(page, "lessons/step09-svc-lb.yml")
    expect(page.get_by_role("list", name="Apply results")).to_have_text("service/web-service-lb created")
    advance(page, 60)
    lb = page.get_by_role("group", name=re.compile(r"^service web-service-lb LoadBalancer "))
    expect(lb).to_have_accessible_name(re.compile(r", on every node at \d{5}, external IP <pending>$"))
    switch = page.get_by_role("switch", name="Load-balancer pool")
    expect(switch).to_have_attribute("aria-checked", "false")
    switch.click()
    expect(switch).to_have_attribute("aria-checked", "true")
    expect(lb).to_have_accessible_name(re.compile(r", external IP 192\.168\.56\.\d+$"))
    ip = re.search(r"external IP (\S+)$", lb.get_attribute("aria-label") or "").group(1)
    send_traffic(page, "outside (workstation 192.168.56.1)", f"http://{ip}", 12)
    expect(page.get_by_role("region", name="Traffic results")).to_contain_text("12 requests from outside to http://")
    expect(page.get_by_role("region", name="Traffic results")).to_contain_text("12 answered, 0 failed")
