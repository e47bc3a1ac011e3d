"""The pod panel's App health control: a learner makes a container's app unhealthy and watches its
liveness probe restart it (the new process healthy again), or its readiness probe take the pod out
of its Service's endpoints and put it back; "slow" times the probes out."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import advance, apply_example, details, pause, pods, run

pytestmark = pytest.mark.e2e

READINESS = """apiVersion: v1
kind: Pod
metadata:
  name: web
  labels: {app: web}
spec:
  containers:
  - name: nginx
    image: nginx:1.27
    ports: [{containerPort: 80}]
    readinessProbe:
      httpGet: {path: /, port: 80}
      periodSeconds: 5
      timeoutSeconds: 2
      failureThreshold: 1
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports: [{port: 80}]
"""


def test_an_unhealthy_app_is_restarted_by_its_liveness_probe(page: Page) -> None:
    pause(page)
    apply_example(page, "seeds/pod-kuard-liveness.yml")
    advance(page, 30)
    expect(pods(page, "kuard", "Running")).to_have_count(1)
    details(pods(page, "kuard")).click()
    panel = page.get_by_role("dialog", name="Pod kuard")
    health = panel.get_by_role("radiogroup", name="App health of kuard")
    expect(health.get_by_role("radio", name="healthy", exact=True)).to_be_checked()

    health.get_by_role("radio", name="unhealthy", exact=True).check()
    expect(health.get_by_role("radio", name="unhealthy", exact=True)).to_be_checked()
    advance(page, 30)  # three failed probes, 10 s apart
    expect(panel.locator("dt:text-is('Restarts') + dd")).to_have_text("1")
    # the restarted process is a fresh app: healthy again (once it has started: the clock may stop
    # between the container's Created and Started)
    advance(page, 5)
    expect(pods(page, "kuard", "Running")).to_have_count(1)
    expect(panel.get_by_role("radiogroup", name="App health of kuard").get_by_role("radio", name="healthy", exact=True)).to_be_checked()
    out = run(page, "kubectl describe pod kuard")
    expect(out).to_contain_text("Liveness probe failed: HTTP probe failed with statuscode: 500")
    expect(out).to_contain_text("Container kuard failed liveness probe, will be restarted")


def test_readiness_takes_the_pod_out_of_the_service_and_back(page: Page) -> None:
    pause(page)
    editor = page.get_by_role("textbox", name="YAML manifest")
    editor.click()
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    editor.fill(READINESS)
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("list", name="Apply results")).to_contain_text("service/web created")
    advance(page, 30)
    expect(pods(page, "web", "Running")).to_have_count(1)
    out = run(page, "kubectl get endpoints web")
    expect(out).to_contain_text(re.compile(r"web\s+10\.244\.\d+\.\d+:80"))

    details(pods(page, "web")).click()
    panel = page.get_by_role("dialog", name="Pod web")
    health = panel.get_by_role("radiogroup", name="App health of nginx")
    health.get_by_role("radio", name="unhealthy", exact=True).check()
    advance(page, 10)
    expect(panel.locator("dt:text-is('Ready') + dd")).to_have_text("0/1")
    out = run(page, "kubectl get endpoints web -o jsonpath={.subsets[0].addresses}")
    expect(out).to_contain_text(re.compile(r"\$ kubectl get endpoints web -o jsonpath=\{\.subsets\[0\]\.addresses\}\s*$"))

    health.get_by_role("radio", name="slow", exact=True).check()
    expect(health.get_by_role("radio", name="slow", exact=True)).to_be_checked()
    advance(page, 10)
    out = run(page, "kubectl describe pod web")
    expect(out).to_contain_text("context deadline exceeded (Client.Timeout exceeded while awaiting headers)")
    expect(panel.locator("dt:text-is('Ready') + dd")).to_have_text("0/1")

    health.get_by_role("radio", name="healthy", exact=True).check()
    advance(page, 10)
    expect(panel.locator("dt:text-is('Ready') + dd")).to_have_text("1/1")
    out = run(page, "kubectl get endpoints web -o jsonpath={.subsets[0].addresses[0].targetRef.name}")
    expect(out).to_contain_text(re.compile(r"targetRef\.name\}\s+web\s*$"))
