""""Use your own kubectl" on the page: the button in the top bar opens a dialog with the kubeconfig
download and the command line to paste, by keyboard as well as by pointer.

The download link is checked the way a browser follows it: `fetch(href)` from the page, whose
kubeconfig must point kubectl at this page's sandbox (`<origin>/k8s/<id>`, the id the page opened
and keeps in `body[data-sandbox]`). The pure command-line helpers are unit tested with node's
test runner (kubectlaccess.test.mjs).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from playwright.sync_api import Page, expect

from tests.nodetests import run_node_tests

pytestmark = pytest.mark.e2e

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
COMMAND = "kubectl --kubeconfig ~/Downloads/kubeplay.kubeconfig get pods"


def test_the_dialog_offers_this_sandboxs_kubeconfig_and_the_command(page: Page, server_url: str) -> None:
    sandbox = page.locator("body").get_attribute("data-sandbox")
    assert sandbox
    button = page.get_by_role("button", name="Use your own kubectl")
    expect(button).to_have_attribute("aria-expanded", "false")
    dialog = page.get_by_role("dialog", name="Use your own kubectl")
    expect(dialog).to_be_hidden()

    # keyboard: focus the button, Enter opens, focus lands on the download link
    button.focus()
    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    expect(button).to_have_attribute("aria-expanded", "true")
    link = dialog.get_by_role("link", name="Download kubeconfig")
    expect(link).to_be_focused()
    expect(link).to_have_attribute("href", f"/api/sandboxes/{sandbox}/kubeconfig")
    expect(link).to_have_attribute("download", "kubeplay.kubeconfig")

    fetched = page.evaluate("""async (href) => {
        const res = await fetch(href);
        return { status: res.status, disposition: res.headers.get('content-disposition'), text: await res.text() };
    }""", link.get_attribute("href"))
    assert fetched["status"] == 200
    assert fetched["disposition"] == 'attachment; filename="kubeplay.kubeconfig"'
    config = yaml.safe_load(fetched["text"])
    origin = page.evaluate("location.origin")
    assert origin == server_url
    assert config["current-context"] == "kubeplay"
    assert [c["cluster"]["server"] for c in config["clusters"]] == [f"{origin}/k8s/{sandbox}"]

    expect(dialog.locator("pre")).to_have_text(COMMAND)
    expect(dialog).to_contain_text(f"/k8s/{sandbox}) is the key to this sandbox")
    expect(dialog).to_have_accessible_description(
        f"The sandbox id in its server address (…/k8s/{sandbox}) is the key to this sandbox: anyone who has "
        "it can change the sandbox, so share it only with people who may.")

    # Escape closes it and gives focus back to the button
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(button).to_be_focused()
    expect(button).to_have_attribute("aria-expanded", "false")

    # Space opens it too; the Close button closes it the same way
    page.keyboard.press("Space")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).to_be_hidden()
    expect(button).to_be_focused()


def test_copy_puts_the_command_on_the_clipboard(page: Page, server_url: str) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server_url)
    page.get_by_role("button", name="Use your own kubectl").click()
    dialog = page.get_by_role("dialog", name="Use your own kubectl")
    dialog.get_by_role("button", name="Copy command").click()
    expect(dialog.get_by_role("status")).to_have_text("Copied.")
    assert page.evaluate("navigator.clipboard.readText()") == COMMAND

    # a click elsewhere on the page closes it
    page.get_by_role("heading", name="Terminal").click()
    expect(dialog).to_be_hidden()


def test_command_line_helpers() -> None:
    run_node_tests(HERE / "kubectlaccess.test.mjs", 2)
