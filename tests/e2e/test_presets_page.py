"""The page's "Cluster" preset chooser and minikube's browser: choosing minikube opens a fresh
sandbox whose canvas holds the one node ``minikube``; ``minikube service`` prints an "Open <url>"
link that opens a panel with what the service answers there; ``minikube stop`` draws the node
halted and ``minikube start`` brings it back.

The clock is paused first and moved only by the page's step buttons.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import advance, node, pause, pods, run

pytestmark = pytest.mark.e2e


def choose_minikube(page: Page) -> None:
    chooser = page.get_by_role("combobox", name="Cluster")
    expect(chooser).to_have_value("kubeadm")
    first = page.locator("body").get_attribute("data-sandbox")
    chooser.select_option("minikube")
    # a new sandbox of that preset, which the tab opens
    expect(page.locator("body")).not_to_have_attribute("data-sandbox", first or "")
    expect(page.locator("body")).to_have_attribute("data-state", "live")
    expect(page.get_by_role("combobox", name="Cluster")).to_have_value("minikube")


def test_choosing_minikube_gives_a_canvas_with_the_node_minikube(page: Page) -> None:
    expect(node(page, "master")).to_have_count(1)
    choose_minikube(page)
    expect(node(page, "minikube")).to_have_accessible_name(re.compile(r"^node minikube, Ready, \d+ pods$"))
    expect(page.get_by_role("group", name=re.compile(r"^node "))).to_have_count(1)
    expect(pods(node(page, "minikube"), "storage-provisioner", "Running")).to_have_count(1)
    expect(node(page, "master")).to_have_count(0)


def test_minikube_service_opens_a_panel_and_stop_halts_the_node(page: Page) -> None:
    choose_minikube(page)
    pause(page)
    run(page, "kubectl create deployment web --image=nginx")
    run(page, "kubectl expose deployment web --type=NodePort --port=80")
    advance(page, 30)
    expect(pods(node(page, "minikube"), "web-", "Running")).to_have_count(1)
    out = run(page, "minikube service web")
    expect(out).to_contain_text("Opening service default/web in default browser...")
    link = out.get_by_role("link", name=re.compile(r"^Open http:\/\/192\.168\.49\.2:3\d{4}: shows service default\/web"))
    expect(link).to_have_count(1)
    url = (link.get_attribute("href") or "")
    assert re.fullmatch(r"http://192\.168\.49\.2:3\d{4}", url), url
    link.click()
    panel = page.get_by_role("dialog", name="minikube service default/web")
    expect(panel).to_contain_text(url)
    expect(panel).to_contain_text("HTTP 200")
    expect(panel.get_by_label(f"What {url} answers")).to_contain_text("Welcome to nginx!")
    panel.get_by_role("button", name="Close").click()
    expect(panel).to_have_count(0)
    expect(link).to_be_focused()

    run(page, "minikube stop")
    expect(node(page, "minikube")).to_have_accessible_name(re.compile(r"^node minikube, \w+, halted, "))
    run(page, "minikube start")
    expect(node(page, "minikube")).to_have_accessible_name(re.compile(r"^node minikube, Ready, \d+ pods$"))
