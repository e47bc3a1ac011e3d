"""The page's Add-ons menu: a learner switches on the storage provisioner the kubeadm lab lacks,
and the StorageClass it brings shows up in the terminal as on a real cluster."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import advance, pause, pods, run

pytestmark = pytest.mark.e2e


def test_enabling_the_storage_provisioner_from_the_menu(page: Page) -> None:
    pause(page)
    out = run(page, "kubectl get storageclass")
    expect(out).to_contain_text("No resources found")

    page.get_by_role("button", name="Add-ons").click()
    menu = page.get_by_role("menu", name="Add-ons")
    item = menu.get_by_role("menuitemcheckbox", name="storage-provisioner")
    expect(item).to_have_attribute("aria-checked", "false")
    item.click()
    expect(item).to_have_attribute("aria-checked", "true")
    page.keyboard.press("Escape")
    expect(menu).to_be_hidden()
    expect(page.get_by_role("button", name="Add-ons (1 on)")).to_be_visible()

    out = run(page, "kubectl get storageclass")
    expect(out).to_contain_text(re.compile(r"local-path \(default\)\s+rancher\.io/local-path\s+Delete\s+WaitForFirstConsumer"))


def test_metrics_server_makes_kubectl_top_answer(page: Page) -> None:
    pause(page)
    out = run(page, "kubectl top nodes")
    expect(out).to_contain_text("error: Metrics API not available")

    page.get_by_role("button", name="Add-ons").click()
    page.get_by_role("menu", name="Add-ons").get_by_role("menuitemcheckbox", name="metrics-server").click()
    page.keyboard.press("Escape")
    expect(page.get_by_role("button", name="Add-ons (1 on)")).to_be_visible()
    expect(pods(page, "metrics-server-")).to_have_count(1)
    # the APIService is unavailable until metrics-server runs and has scraped the kubelets
    advance(page, 60)
    expect(pods(page, "metrics-server-", "Running")).to_have_count(1)
    out = run(page, "kubectl top nodes")
    expect(out).to_contain_text(re.compile(r"NAME\s+CPU\(cores\)\s+CPU\(%\)\s+MEMORY\(bytes\)\s+MEMORY\(%\)\s+master\s+\d+m"))


def test_the_ingress_controller_appears_on_the_canvas(page: Page) -> None:
    pause(page)
    expect(pods(page, "ingress-nginx-controller-")).to_have_count(0)
    page.get_by_role("button", name="Add-ons").click()
    item = page.get_by_role("menu", name="Add-ons").get_by_role("menuitemcheckbox", name="ingress")
    item.click()
    expect(item).to_have_attribute("aria-checked", "true")
    page.keyboard.press("Escape")
    advance(page, 60)
    expect(pods(page, "ingress-nginx-controller-", "Running")).to_have_count(1)
    out = run(page, "kubectl get ingressclass")
    expect(out).to_contain_text(re.compile(r"nginx\s+k8s\.io/ingress-nginx"))
