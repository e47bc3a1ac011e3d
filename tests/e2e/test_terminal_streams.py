"""The terminal follows a command that keeps printing: ``kubectl get pods -w`` prints a row per
change while a Deployment scales (applied from the editor meanwhile), until Ctrl-C."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from .helpers import advance, pause, run

SCALED = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: nginx
"""


def test_get_pods_watch_streams_while_a_deployment_scales_until_ctrl_c(page: Page) -> None:
    pause(page)
    run(page, "kubectl create deployment web --image=nginx")
    advance(page, 30)
    out = page.get_by_role("log", name="Terminal output")
    box = page.get_by_role("textbox", name="kubectl command")
    stop = page.get_by_role("button", name="Stop the running command (Ctrl-C)")
    expect(stop).to_be_hidden()

    box.fill("kubectl get pods -w")
    box.press("Enter")
    expect(out).to_contain_text("$ kubectl get pods -w")
    expect(stop).to_be_visible()  # it keeps running: the prompt waits
    expect(out).to_have_attribute("aria-busy", "true")
    first = out.inner_text()
    assert re.search(r"NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\nweb-\S+\s+1/1\s+Running", first), first

    # the editor is another panel: scale the deployment there while the watch runs
    editor = page.get_by_role("textbox", name="YAML manifest")
    editor.click()
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    editor.fill(SCALED)
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("list", name="Apply results")).to_contain_text("deployment.apps/web configured")
    # the new pods appear in the watch as the scheduler and kubelets move them along the clock
    expect(out).to_contain_text(re.compile(r"web-\S+\s+0/1\s+Pending"))
    advance(page, 10)
    rows = [line.split() for line in out.inner_text().split("$ kubectl get pods -w", 1)[1].splitlines()]
    running = {r[0] for r in rows if len(r) >= 3 and r[1:3] == ["1/1", "Running"]}
    assert len(running) == 3, rows  # the first pod and the two new ones, each seen Running
    assert any(r[2] == "ContainerCreating" for r in rows if len(r) >= 3)

    box.press("Control+c")
    expect(out).to_contain_text("^C")
    expect(stop).to_be_hidden()
    expect(out).to_have_attribute("aria-busy", "false")
    shown = out.inner_text()
    advance(page, 10)  # nothing more is printed once it has stopped
    run(page, "kubectl get deploy web")
    after = out.inner_text()[len(shown):]
    assert after.lstrip().startswith("$ kubectl get deploy web"), after
    expect(out).to_contain_text(re.compile(r"web\s+3/3\s+3\s+3"))


def test_the_stop_button_ends_a_followed_rollout_status(page: Page) -> None:
    pause(page)
    run(page, "kubectl create deployment slow --image=nginx --replicas=2")
    box = page.get_by_role("textbox", name="kubectl command")
    box.fill("kubectl rollout status deployment/slow")
    box.press("Enter")
    out = page.get_by_role("log", name="Terminal output")
    expect(out).to_contain_text('Waiting for deployment "slow" rollout to finish: 0 of 2 updated replicas are available')
    stop = page.get_by_role("button", name="Stop the running command (Ctrl-C)")
    stop.click()
    expect(stop).to_be_hidden()
    expect(out).to_have_attribute("aria-busy", "false")
    assert "successfully rolled out" not in out.inner_text()
    # run to completion this time: it ends by itself once the clock has moved
    box.fill("kubectl rollout status deployment/slow")
    box.press("Enter")
    advance(page, 30)
    expect(out).to_contain_text('deployment "slow" successfully rolled out')
    expect(stop).to_be_hidden()
