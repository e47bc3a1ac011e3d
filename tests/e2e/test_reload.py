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


def test_share_menu_links_open_a_read_only_view_and_a_copy(page: Page) -> None:
    pause(page)
    sandbox = page.locator("body").get_attribute("data-sandbox")
    run(page, "kubectl create namespace shared-ns")
    page.get_by_role("button", name="Share").click()
    page.get_by_role("menuitem", name="Copy link (read-only)").click()
    status = page.get_by_role("status", name="Shared link")
    expect(status).to_contain_text("Read-only link")
    view_link = status.get_by_role("link").get_attribute("href") or ""
    assert "?view=" in view_link and sandbox not in view_link
    page.get_by_role("button", name="Share").click()
    page.get_by_role("menuitem", name="Copy link (a copy)").click()
    expect(status).to_contain_text("Copy link")
    copy_link = status.get_by_role("link").get_attribute("href") or ""
    assert "?copy=" in copy_link and sandbox not in copy_link

    viewer = page.context.new_page()
    viewer.goto(view_link)
    expect(viewer.get_by_role("note")).to_contain_text("Read-only view")
    expect(viewer.get_by_role("button", name="Apply")).to_be_disabled()
    expect(viewer.get_by_role("textbox", name="kubectl command")).to_be_disabled()
    # and it shows the cluster live: the viewer's socket joins with the token
    expect(viewer.locator("body")).to_have_attribute("data-state", "live")
    # the clock as the sandbox has it (paused above: "Resume"), and not the viewer's to move (the
    # button read "Pause" only until the snapshot came, which a quick check used to catch)
    expect(viewer.get_by_role("button", name="Resume")).to_be_disabled()
    expect(viewer.get_by_role("button", name="Inspect node node1", exact=True)).to_have_count(1)
    viewer.close()

    copy = page.context.new_page()
    copy.goto(copy_link)
    expect(copy.locator("body")).to_have_attribute("data-state", "live")
    forked = copy.locator("body").get_attribute("data-sandbox")
    assert forked and forked != sandbox
    assert "?copy=" not in copy.url
    run(copy, "kubectl get namespace shared-ns -o name")
    expect(copy.get_by_role("log", name="Terminal output")).to_contain_text("namespace/shared-ns")
    copy.close()
