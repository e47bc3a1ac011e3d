"""``kubectl edit`` in the page: the object's YAML opens in the editor, Save edit applies it and the
terminal prints kubectl's answer; Cancel edit leaves it unchanged; the manifest comes back."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from .helpers import pause, run


def editor_text(page: Page) -> str:
    return page.locator(".cm-content").inner_text()


def test_edit_opens_in_the_editor_and_save_applies_it(page: Page) -> None:
    pause(page)
    run(page, "kubectl create deployment web --image=nginx")
    manifest = editor_text(page)
    box = page.get_by_role("textbox", name="kubectl command")
    box.fill("kubectl edit deployment web")
    box.press("Enter")
    save = page.get_by_role("button", name="Save edit")
    expect(save).to_be_visible()
    expect(page.get_by_role("status", name="Edit in progress")).to_contain_text("kubectl edit: /tmp/kubectl-edit-")
    expect(page.locator(".cm-content")).to_contain_text("# Please edit the object below.")
    text = editor_text(page)
    assert "  replicas: 1" in text
    editor = page.get_by_role("textbox", name="YAML manifest")
    # where a user clicks: its first line (a long manifest's text runs on under the terminal's pane,
    # inside the editor's own scroller, so the element's centre is not where it shows)
    editor.click(position={"x": 40, "y": 8})
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    editor.fill(text.replace("  replicas: 1", "  replicas: 2", 1))
    save.click()
    out = page.get_by_role("log", name="Terminal output")
    expect(out).to_contain_text("deployment.apps/web edited")
    expect(page.get_by_role("button", name="Apply")).to_be_visible()
    expect(page.get_by_role("button", name="Cancel edit")).to_be_hidden()
    assert editor_text(page) == manifest  # the manifest that was there comes back
    run(page, "kubectl get deploy web -o jsonpath={.spec.replicas}")
    expect(out).to_contain_text(re.compile(r"jsonpath=\{\.spec\.replicas\}\n2"))

    box.fill("kubectl edit deployment web")
    box.press("Enter")
    page.get_by_role("button", name="Cancel edit").click()
    expect(out).to_contain_text("Edit cancelled, no changes made.")
    expect(out).to_have_attribute("aria-busy", "false")
