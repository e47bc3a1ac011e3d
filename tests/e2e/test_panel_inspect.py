"""One click from the pod panel or the node menu to the Inspector: their "Inspect" opens it on that
object (the popover closes), and Escape in the Inspector gives the focus back to what opened the
popover. The pod panel's Status, Ready and Restarts are kubectl's own cells."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import advance, details, node, pause, pods, run

pytestmark = pytest.mark.e2e


def kubectl(page: Page, command: str) -> str:
    """What the terminal's kubectl prints for ``command`` (through /run, as the terminal sends it)."""
    origin = re.match(r"https?://[^/]+", page.url).group(0)
    sandbox = page.locator("body").get_attribute("data-sandbox")
    res = page.request.post(f"{origin}/api/sandboxes/{sandbox}/run", data={"command": command})
    assert res.ok
    return res.json()["output"]


def test_the_pod_panels_inspect_opens_the_inspector_on_the_pod(page: Page) -> None:
    pause(page)
    run(page, "kubectl run web --image=nginx")
    advance(page, 30)
    opener = details(pods(page, "web", "Running"))
    opener.click()
    panel = page.get_by_role("dialog", name="Pod web")
    _name, ready, status, restarts, _age = kubectl(page, "kubectl get pod web --no-headers").split()
    facts = panel.locator("dl.facts")
    expect(facts.locator("dt:text-is('Status') + dd")).to_have_text(status)
    expect(facts.locator("dt:text-is('Ready') + dd")).to_have_text(ready)
    expect(facts.locator("dt:text-is('Restarts') + dd")).to_have_text(restarts)

    panel.get_by_role("button", name="Inspect", exact=True).click()
    expect(panel).to_be_hidden()
    inspector = page.get_by_role("region", name="Inspector")
    expect(inspector).to_be_visible()
    expect(inspector.get_by_role("tab", name="YAML")).to_be_focused()
    expect(inspector.get_by_role("textbox", name="YAML")).to_have_value(kubectl(page, "kubectl get pod web -o yaml"))
    expect(inspector.get_by_role("button", name="Exec")).to_be_visible()
    page.keyboard.press("Escape")
    expect(inspector).to_be_hidden()
    expect(opener).to_be_focused()


def test_the_node_menus_inspect_opens_the_inspector_on_the_node(page: Page) -> None:
    pause(page)
    actions = node(page, "node1").get_by_role("button", name="Actions for node node1")
    actions.click()
    menu = page.get_by_role("menu", name="Node node1")
    menu.get_by_role("menuitem", name="Inspect").click()
    expect(menu).to_be_hidden()
    inspector = page.get_by_role("region", name="Inspector")
    expect(inspector.get_by_role("textbox", name="YAML")).to_have_value(kubectl(page, "kubectl get node node1 -o yaml"))
    expect(inspector.get_by_role("tab")).to_have_text(["YAML", "Describe", "Events"])
    page.keyboard.press("Escape")
    expect(inspector).to_be_hidden()
    expect(actions).to_be_focused()
