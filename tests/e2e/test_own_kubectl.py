"""A learner's own kubectl drives the sandbox the page shows, and the page follows live: the
kubeconfig the page offers, the real kubectl v1.32 applying a Deployment, scaling it and deleting
a pod, each change drawn on the canvas (read through its accessible mirror) as the clock runs.
Skipped, saying why, where no kubectl is installed."""

from __future__ import annotations

import os
import subprocess
import urllib.request

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import pod_names, pods
from tests.web.test_real_kubectl import DEPLOYMENT, KUBECTL

pytestmark = [pytest.mark.e2e,
              pytest.mark.skipif(KUBECTL is None, reason="no kubectl installed: this test drives the page with one")]


def test_own_kubectl_changes_show_on_the_page(page: Page, server_url: str, tmp_path) -> None:
    page.get_by_role("button", name="Use your own kubectl").click()
    href = page.get_by_role("dialog", name="Use your own kubectl").get_by_role(
        "link", name="Download kubeconfig").get_attribute("href")
    kubeconfig = tmp_path / "kubeplay.kubeconfig"
    with urllib.request.urlopen(server_url + href, timeout=30) as resp:
        kubeconfig.write_bytes(resp.read())
    page.keyboard.press("Escape")

    def kubectl(*args: str, stdin: str | None = None) -> str:
        result = subprocess.run([KUBECTL, "--kubeconfig", str(kubeconfig), "--cache-dir", str(tmp_path / "cache"),
                                 *args], input=stdin, capture_output=True, text=True, timeout=60,
                                env={**os.environ, "HOME": str(tmp_path)})
        assert result.returncode == 0, result.stderr
        return result.stdout

    # the page's clock runs at ×1 while it is open: speed it up as a learner would
    page.get_by_role("radio", name="×100").click()
    assert kubectl("apply", "-f", "-", stdin=DEPLOYMENT) == "deployment.apps/web-deploy created\n"
    expect(pods(page, "web-deploy-", "Running")).to_have_count(3)

    assert kubectl("scale", "deployment/web-deploy", "--replicas=5") == "deployment.apps/web-deploy scaled\n"
    expect(pods(page, "web-deploy-", "Running")).to_have_count(5)

    victim = pod_names(page.locator("body"), "web-deploy-")[0]
    assert kubectl("delete", "pod", victim) == f'pod "{victim}" deleted\n'
    expect(pods(page, victim)).to_have_count(0)
    expect(pods(page, "web-deploy-", "Running")).to_have_count(5)  # the ReplicaSet made a new one
