"""A reload keeps the work: the terminal's scrollback and ↑ history, the editor's text and the
chosen example come back for the same sandbox."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from .helpers import pause, run


def test_terminal_editor_and_example_survive_a_reload(page: Page) -> None:
    pause(page)
    sandbox = page.locator("body").get_attribute("data-sandbox")
    out = page.get_by_role("log", name="Terminal output")
    run(page, "kubectl create namespace kept-after-reload")
    expect(out).to_contain_text("namespace/kept-after-reload created")
    run(page, "echo second-line")

    examples = page.get_by_role("combobox", name="Examples")
    values = [v for v in examples.locator("option").evaluate_all("os => os.map(o => o.value)") if v]
    chosen = values[1]
    examples.select_option(chosen)
    editor = page.get_by_role("textbox", name="YAML manifest")
    editor.click(position={"x": 40, "y": 8})
    page.keyboard.press("Control+Home")
    page.keyboard.type("# my own note\n")
    expect(page.locator(".cm-content")).to_contain_text("# my own note")
    text = page.locator(".cm-content").inner_text()

    page.reload()
    expect(page.locator("body")).to_have_attribute("data-state", "live")
    assert page.locator("body").get_attribute("data-sandbox") == sandbox
    out = page.get_by_role("log", name="Terminal output")
    expect(out).to_contain_text("$ kubectl create namespace kept-after-reload")
    expect(out).to_contain_text("namespace/kept-after-reload created")
    expect(out).to_contain_text("$ echo second-line")
    assert page.get_by_role("combobox", name="Examples").input_value() == chosen
    expect(page.locator(".cm-content")).to_contain_text("# my own note")
    assert page.locator(".cm-content").inner_text() == text

    box = page.get_by_role("textbox", name="kubectl command")
    box.click()
    box.press("ArrowUp")
    expect(box).to_have_value("echo second-line")
    box.press("ArrowUp")
    expect(box).to_have_value("kubectl create namespace kept-after-reload")
    # ↑ and the workstation's `history` list the same lines
    run(page, "history")
    expect(out).to_contain_text("    1  kubectl create namespace kept-after-reload\n    2  echo second-line\n    3  history")
