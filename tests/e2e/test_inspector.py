"""The inspector and the Events region (issue 10): a pod's YAML, Describe, Logs and Events tabs show
what the terminal's kubectl prints for it, the keyboard moves between the tabs and Escape gives focus
back to the pod, editing the YAML and applying it changes the pod, Logs follow as traffic arrives,
Exec opens the pod's shell in the terminal, and the Events region lists the Scheduled event and
filters by object."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import advance, api, details, pause, pods, run
from tests.nodetests import run_node_tests

pytestmark = pytest.mark.e2e
HERE = Path(__file__).resolve().parent


def test_the_inspectors_pure_helpers() -> None:
    """inspector.test.mjs (tab keys, the Exec line, a pod's containers, the OBJECT column, a big table's
    newest rows) under node."""
    run_node_tests(HERE / "inspector.test.mjs", 5)


def kubectl(page: Page, command: str) -> str:
    """What the terminal's kubectl prints for ``command`` (through /run, as the terminal sends it)."""
    res = page.request.post(api(page, "/run"), data={"command": command})
    assert res.ok
    return res.json()["output"]


def test_the_inspector_shows_kubectls_views_of_a_pod_and_applies_an_edit(page: Page) -> None:
    pause(page)
    run(page, "kubectl run web --image=nginx")
    run(page, "kubectl create deployment other --image=nginx")
    advance(page, 30)
    expect(pods(page, "web", "Running")).to_have_count(1)
    web_details = details(pods(page, "web", "Running"))

    page.get_by_role("button", name="Inspect pod web", exact=True).focus()
    page.keyboard.press("Enter")
    inspector = page.get_by_role("region", name="Inspector")
    expect(inspector).to_be_visible()
    tabs = inspector.get_by_role("tab")
    expect(tabs).to_have_text(["YAML", "Describe", "Logs", "Events"])
    yaml_tab = inspector.get_by_role("tab", name="YAML")
    expect(yaml_tab).to_have_attribute("aria-selected", "true")
    expect(yaml_tab).to_be_focused()
    yaml_box = inspector.get_by_role("textbox", name="YAML")
    expect(yaml_box).to_have_value(kubectl(page, "kubectl get pod web -o yaml"))

    # ← → between the tabs; each shows what kubectl prints (the clock is paused: ages stand still)
    for name, command, output in (("Describe", "kubectl describe pod web", "Describe output"),
                                  ("Logs", "kubectl logs web", "Logs output"),
                                  ("Events", "kubectl events --for pod/web", "Events output")):
        page.keyboard.press("ArrowRight")
        tab = inspector.get_by_role("tab", name=name)
        expect(tab).to_be_focused()
        expect(tab).to_have_attribute("aria-selected", "true")
        panel = inspector.get_by_role("tabpanel", name=name)
        expect(panel).to_be_visible()
        expected = kubectl(page, command)
        shown = panel.get_by_label(output)
        expect(shown).to_have_text(expected, use_inner_text=False)
        assert shown.text_content() == expected  # byte for byte, not only up to whitespace
    expect(inspector.get_by_label("Events output")).to_contain_text("Scheduled")
    page.keyboard.press("ArrowRight")  # wraps to the first tab
    expect(yaml_tab).to_be_focused()

    # Escape closes it and the pod has the focus again
    page.keyboard.press("Escape")
    expect(inspector).to_be_hidden()
    expect(web_details).to_be_focused()

    # Logs follow while the tab is open: a request to the pod shows up as the clock runs
    page.get_by_role("button", name="Inspect pod web", exact=True).focus()
    page.keyboard.press("Enter")
    inspector.get_by_role("tab", name="Logs").click()
    logs = inspector.get_by_label("Logs output")
    expect(logs).to_have_text(kubectl(page, "kubectl logs web"), use_inner_text=False)
    expect(inspector.get_by_role("status", name="Inspector status")).to_have_text(re.compile("Following"))
    assert '"GET / HTTP/1.1"' not in (logs.text_content() or "")
    ip = kubectl(page, "kubectl get pod web -o jsonpath={.status.podIP}")
    assert page.request.post(api(page, "/traffic"),
                             data={"from": {"node": "node1"}, "to": f"{ip}:80"}).ok
    advance(page, 1)
    expect(logs).to_contain_text('"GET / HTTP/1.1" 200')

    # editing the YAML (a label) and applying it changes the pod
    inspector.get_by_role("tab", name="YAML").click()
    text = yaml_box.input_value()
    assert "  labels:\n    run: web\n" in text
    yaml_box.fill(text.replace("  labels:\n    run: web\n", "  labels:\n    run: web\n    tier: front\n"))
    inspector.get_by_role("button", name="Apply YAML").click()
    expect(inspector.get_by_role("status", name="Inspector status")).to_have_text(re.compile("pod/web configured"))
    assert "run=web,tier=front" in kubectl(page, "kubectl get pod web --show-labels")
    expect(yaml_box).to_have_value(re.compile(r"\n    tier: front\n"))  # live again, from the server

    # Exec types kubectl exec into the terminal, whose shell opens in the pod
    inspector.get_by_role("button", name="Exec").click()
    expect(page.get_by_role("log", name="Terminal output")).to_contain_text("$ kubectl exec -it web -- sh")
    expect(page.get_by_role("textbox", name="shell in pod web")).to_be_focused()


def test_the_events_region_lists_the_scheduled_event_and_filters_by_object(page: Page) -> None:
    pause(page)
    run(page, "kubectl run web --image=nginx")
    run(page, "kubectl create deployment other --image=nginx")
    advance(page, 10)
    region = page.get_by_role("region", name="Events")
    table = region.get_by_label("Events table")
    expect(table).to_contain_text(re.compile(r"Normal\s+Scheduled\s+Pod/web\s+Successfully assigned default/web"))
    expect(table).to_contain_text("Deployment/other")
    header = (table.text_content() or "").splitlines()[0].split()
    assert header == ["LAST", "SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]

    region.get_by_role("combobox", name="Filter events by object").fill("Pod/web")
    expect(region.get_by_label("kubectl command of the events")).to_have_text("$ kubectl events -n default --for Pod/web")
    expect(table).not_to_contain_text("Deployment/other")
    expected = kubectl(page, "kubectl events --for pod/web")
    expect(table).to_have_text(expected, use_inner_text=False)
    assert table.text_content() == expected

    # it follows the cluster: a new event of the pod shows up as the clock runs
    run(page, "kubectl delete pod web --wait=false")
    advance(page, 1)
    expect(table).to_contain_text(re.compile(r"Normal\s+Killing\s+Pod/web"))


def test_a_node_and_a_service_open_in_the_inspector(page: Page) -> None:
    pause(page)
    run(page, "kubectl create deployment web --image=nginx")
    run(page, "kubectl expose deployment web --port=80")
    advance(page, 10)
    inspector = page.get_by_role("region", name="Inspector")

    page.get_by_role("button", name="Inspect node node1", exact=True).focus()
    page.keyboard.press("Enter")
    expect(inspector.get_by_role("textbox", name="YAML")).to_have_value(kubectl(page, "kubectl get node node1 -o yaml"))
    expect(inspector.get_by_role("tab")).to_have_text(["YAML", "Describe", "Events"])  # no logs, no shell
    expect(inspector.get_by_role("button", name="Exec")).to_be_hidden()
    inspector.get_by_role("tab", name="Describe").click()
    describe = inspector.get_by_label("Describe output")
    expect(describe).to_have_text(re.compile(r"^Name:\s+node1\n"), use_inner_text=False)
    assert describe.text_content() == kubectl(page, "kubectl describe node node1")
    page.keyboard.press("Escape")
    expect(inspector).to_be_hidden()
    expect(page.get_by_role("button", name="Actions for node node1")).to_be_focused()

    inspect_service = page.get_by_role("button", name="Inspect service web", exact=True)
    inspect_service.focus()
    page.keyboard.press("Enter")
    inspector.get_by_role("tab", name="Describe").click()
    expect(inspector.get_by_label("kubectl command of this view")).to_have_text("$ kubectl describe service web -n default")
    expect(describe).to_have_text(kubectl(page, "kubectl describe service web"), use_inner_text=False)
    page.keyboard.press("Escape")
    expect(inspect_service).to_be_focused()  # a service's group takes no focus: its Inspect button does

    # a workload group: the Deployment's ReplicaSet, whose Logs are its first pod's (kubectl logs rs/…)
    rs = kubectl(page, "kubectl get rs -o jsonpath={.items[0].metadata.name}")
    page.get_by_role("button", name=f"Inspect replicaset {rs}", exact=True).focus()
    page.keyboard.press("Enter")
    expect(inspector.get_by_label("kubectl command of this view")).to_have_text(
        f"$ kubectl get replicaset {rs} -n default -o yaml")
    inspector.get_by_role("tab", name="Logs").click()
    expect(inspector.get_by_label("Logs output")).to_have_text(kubectl(page, f"kubectl logs replicaset/{rs}"),
                                                               use_inner_text=False)
