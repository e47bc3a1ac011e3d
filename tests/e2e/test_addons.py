"""The page's Add-ons menu: a learner switches on the storage provisioner the kubeadm lab lacks,
and the StorageClass it brings shows up in the terminal as on a real cluster."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import pause, run

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
