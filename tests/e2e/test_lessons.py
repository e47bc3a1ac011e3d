"""The learning path on the page: the examples menu grouped by what the examples teach, and a guided
lesson whose step is run with its Run button and whose check turns "done" as the clock brings the
cluster there — and back to "not yet" when the next step undoes it; the progress survives a reload."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from .helpers import advance, pause


def test_examples_are_grouped_and_described(page: Page) -> None:
    examples = page.get_by_role("combobox", name="Examples")
    group = examples.locator("optgroup[label='ReplicaSets and Deployments']")
    expect(group.locator("option[value='seeds/replicaset-web.yml']")).to_have_text("replicaset-web.yml")
    examples.select_option("seeds/replicaset-web.yml")
    about = page.get_by_label("What this example teaches")
    expect(about).to_have_text("A ReplicaSet keeps three pods alive and spreads them over the workers.")
    expect(page.locator(".cm-content")).to_contain_text("kind: ReplicaSet")
    examples.select_option("seeds/pod-kuard-typo.yml")
    expect(about).to_contain_text("names the unknown field")


def test_a_lesson_step_runs_turns_done_and_keeps_its_progress(page: Page) -> None:
    pause(page)
    page.get_by_role("button", name="Lessons", exact=True).click()
    lessons = page.get_by_role("region", name="Lessons")
    expect(lessons).to_be_visible()
    expect(page.get_by_role("region", name="YAML editor")).to_be_hidden()
    lessons.get_by_role("button", name="ReplicaSet and Deployment").click()

    steps = lessons.get_by_role("list", name="Steps")
    first = steps.get_by_role("listitem", name="1. A ReplicaSet keeps three pods")
    second = steps.get_by_role("listitem", name="2. Delete it")
    expect(first.get_by_role("status")).to_have_text("not yet")
    first.get_by_role("button", name="Run: kubectl apply -f replicaset-web.yml").click()
    out = page.get_by_role("log", name="Terminal output")
    expect(out).to_contain_text("$ kubectl apply -f replicaset-web.yml\nreplicaset.apps/web-deploy created")
    # the clock is paused: the pods exist but nothing runs yet
    expect(first.get_by_role("status")).to_have_text("not yet")

    advance(page, 60)
    expect(first.get_by_role("status")).to_have_text("done")
    expect(first.get_by_role("status")).to_have_css("background-color", "rgb(31, 111, 54)")
    expect(second.get_by_role("status")).to_have_text("not yet")

    # the next step undoes the first one's state: that check goes back, the new one goes green
    second.get_by_role("button", name="Run: kubectl delete -f replicaset-web.yml").click()
    expect(out).to_contain_text('replicaset.apps "web-deploy" deleted')
    advance(page, 60)
    expect(second.get_by_role("status")).to_have_text("done")
    expect(first.get_by_role("status")).to_have_text("not yet")
    expect(first.get_by_text("(done before)")).to_be_visible()

    page.reload()
    expect(page.locator("body")).to_have_attribute("data-state", "live")
    lessons = page.get_by_role("region", name="Lessons")
    expect(lessons).to_be_visible()
    steps = lessons.get_by_role("list", name="Steps")
    expect(steps.get_by_role("listitem", name="2. Delete it").get_by_role("status")).to_have_text("done")
    first = steps.get_by_role("listitem", name="1. A ReplicaSet keeps three pods")
    expect(first.get_by_text("(done before)")).to_be_visible()
    lessons.get_by_role("button", name="All lessons").click()
    expect(lessons.get_by_role("list", name="Lesson list").get_by_role("listitem").first).to_contain_text("2 of 8 steps done")

    lessons.get_by_role("button", name="Back to the manifest").click()
    expect(lessons).to_be_hidden()
    expect(page.get_by_role("region", name="YAML editor")).to_be_visible()
    expect(page.get_by_role("button", name="Lessons", exact=True)).to_have_attribute("aria-expanded", "false")
    assert re.search(r"\$ kubectl delete -f replicaset-web.yml", out.inner_text())
