"""The real kubectl v1.32 and the official Python client drive a sandbox through its Kubernetes API.

A real server (threaded, as ``make run`` starts it), a sandbox, its kubeconfig from
``GET /api/sandboxes/<id>/kubeconfig``; then the commands of a tutorial, each checked by what the
user sees — kubectl's own output — and by the sandbox's state as the page gets it
(``GET …/objects``). Skipped, saying why, where no kubectl is installed.
"""

from __future__ import annotations

import os
import subprocess
import threading
from pathlib import Path

import pytest

from tests.labserver import lab_server
from tests.realkubectl import KUBECTL

ROOT = Path(__file__).resolve().parents[2]
DEPLOYMENT = (ROOT / "examples/lessons/step08-deployment1.yml").read_text()


pytestmark = pytest.mark.skipif(KUBECTL is None, reason="no kubectl installed: the real-client tests need one")


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    with lab_server(tmp_path_factory) as lab:
        lab.clock(speed=100)  # waits (rollout status, delete) pass in a fraction of a second
        yield lab


def test_get_matches_the_terminal(lab):
    lab.clock(paused=True)
    try:
        for args in (["get", "nodes"], ["get", "pods", "-A", "-o", "wide"], ["get", "svc", "-A"]):
            assert lab.kubectl(*args).stdout == lab.engine("kubectl " + " ".join(args)), args
    finally:
        lab.clock(paused=False)


def test_apply_scale_rollout_undo(lab):
    out = lab.kubectl("apply", "-f", "-", stdin=DEPLOYMENT).stdout
    assert out == "deployment.apps/web-deploy created\n"
    status = lab.kubectl("rollout", "status", "deployment/web-deploy", "--timeout=60s").stdout
    assert status.rstrip().endswith('deployment "web-deploy" successfully rolled out')
    assert lab.objects("Deployment")["web-deploy"]["status"]["readyReplicas"] == 3

    assert lab.kubectl("scale", "deployment", "web-deploy", "--replicas=5").stdout == \
        "deployment.apps/web-deploy scaled\n"
    lab.kubectl("rollout", "status", "deployment/web-deploy", "--timeout=60s")
    assert lab.objects("Deployment")["web-deploy"]["spec"]["replicas"] == 5

    assert lab.kubectl("set", "image", "deployment/web-deploy", "nginx=nginx:1.17").stdout == \
        "deployment.apps/web-deploy image updated\n"
    lab.kubectl("rollout", "status", "deployment/web-deploy", "--timeout=60s")
    history = lab.kubectl("rollout", "history", "deployment/web-deploy").stdout
    assert [line.split()[0] for line in history.splitlines()[2:] if line.strip()] == ["1", "2"]
    assert lab.kubectl("rollout", "undo", "deployment/web-deploy").stdout == "deployment.apps/web-deploy rolled back\n"
    lab.kubectl("rollout", "status", "deployment/web-deploy", "--timeout=60s")
    image = lab.objects("Deployment")["web-deploy"]["spec"]["template"]["spec"]["containers"][0]["image"]
    assert image == "nginx:1.16"
    assert lab.kubectl("rollout", "restart", "deployment/web-deploy").stdout == \
        "deployment.apps/web-deploy restarted\n"
    annotations = lab.objects("Deployment")["web-deploy"]["spec"]["template"]["metadata"]["annotations"]
    assert "kubectl.kubernetes.io/restartedAt" in annotations


def test_describe_shows_the_events(lab):
    lab.kubectl("apply", "-f", "-", stdin=DEPLOYMENT)
    out = lab.kubectl("describe", "deployment", "web-deploy").stdout
    assert out.startswith("Name:                   web-deploy\nNamespace:              default\n")
    assert "RollingUpdateStrategy:  25% max unavailable, 25% max surge" in out
    assert "ScalingReplicaSet" in out and "deployment-controller" in out


def test_diff_and_server_side_apply(lab):
    lab.kubectl("apply", "-f", "-", stdin=DEPLOYMENT)
    same = lab.kubectl("diff", "-f", "-", stdin=DEPLOYMENT, check=False)
    assert same.returncode == 0 and same.stdout == ""
    changed = lab.kubectl("diff", "-f", "-", stdin=DEPLOYMENT.replace("replicas: 3", "replicas: 4"), check=False)
    assert changed.returncode == 1
    assert "-  replicas: 3\n+  replicas: 4\n" in changed.stdout
    assert lab.objects("Deployment")["web-deploy"]["spec"]["replicas"] == 3  # diff is a dry run

    cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  a: '1'\n"
    assert lab.kubectl("apply", "--server-side", "-f", "-", stdin=cm).stdout == "configmap/ssa serverside-applied\n"
    managers = {m["manager"]: m for m in lab.objects("ConfigMap")["ssa"]["metadata"]["managedFields"]}
    assert managers["kubectl"]["operation"] == "Apply"
    assert managers["kubectl"]["fieldsV1"]["f:data"] == {"f:a": {}}


def test_edit_with_an_editor(lab, tmp_path):
    lab.kubectl("apply", "-f", "-", stdin="apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: edited\n"
                                           "data:\n  color: blue\n")
    editor = tmp_path / "editor.sh"
    editor.write_text("#!/bin/sh\nsed -i 's/color: blue/color: red/' \"$1\"\n")
    editor.chmod(0o755)
    out = lab.kubectl("edit", "configmap", "edited", env={"KUBE_EDITOR": str(editor)}).stdout
    assert out == "configmap/edited edited\n"
    assert lab.objects("ConfigMap")["edited"]["data"] == {"color": "red"}


def test_delete_waits_until_the_pod_is_gone(lab):
    lab.kubectl("run", "doomed", "--image=busybox", "--", "sleep", "3600")
    lab.kubectl("wait", "--for=condition=Ready", "pod/doomed", "--timeout=60s")
    assert lab.kubectl("delete", "pod", "doomed").stdout == 'pod "doomed" deleted\n'
    assert "doomed" not in lab.objects("Pod")
    missing = lab.kubectl("get", "pod", "doomed", check=False)
    assert missing.returncode == 1
    assert missing.stderr == 'Error from server (NotFound): pods "doomed" not found\n'


def test_logs_and_follow(lab):
    lab.kubectl("run", "logger", "--image=nginx")
    lab.kubectl("wait", "--for=condition=Ready", "pod/logger", "--timeout=60s")
    ip = lab.objects("Pod")["logger"]["status"]["podIP"]

    def request() -> None:
        lab.request("POST", f"/api/sandboxes/{lab.sid}/traffic", {"from": {"node": "node1"}, "to": f"{ip}:80"})

    request()
    logs = lab.kubectl("logs", "logger").stdout
    assert logs == lab.engine("kubectl logs logger") and '"GET / HTTP/1.1" 200' in logs
    follow = subprocess.Popen([KUBECTL, "--kubeconfig", str(lab.kubeconfig), "--cache-dir", str(lab.home / "cache"),
                               "logs", "-f", "logger"], stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "HOME": str(lab.home)})
    # nginx's start-up lines come first: read on to the access-log line (the timer ends a stream
    # that never brings one, so the test fails instead of hanging)
    timer = threading.Timer(60, follow.kill)
    timer.start()

    def next_request_line() -> str:
        for line in follow.stdout:
            if '"GET / HTTP/1.1" 200' in line:
                return line
        return ""

    try:
        assert next_request_line()  # what was there
        request()
        assert next_request_line()  # what came while following
    finally:
        timer.cancel()
        follow.kill()
        follow.communicate()


def test_get_watch_streams_as_the_clock_runs(lab):
    """``get -w`` prints the table, then a row per change, while the sandbox's clock runs."""
    lab.clock(paused=True)
    lab.kubectl("run", "watched", "--image=busybox", "--", "sleep", "3600")
    proc = subprocess.Popen([KUBECTL, "--kubeconfig", str(lab.kubeconfig), "--cache-dir", str(lab.home / "cache"),
                             "get", "pods", "watched", "-w"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "HOME": str(lab.home)})
    try:
        assert proc.stdout.readline().split()[:3] == ["NAME", "READY", "STATUS"]
        # the clock stands still: the image is still being pulled
        assert proc.stdout.readline().split()[:3] == ["watched", "0/1", "ContainerCreating"]
        lab.clock(paused=False)
        rows = []
        for line in proc.stdout:
            rows.append(line.split()[:3])
            if rows[-1][2] != "ContainerCreating":
                break
        assert rows[-1] == ["watched", "1/1", "Running"]
        assert all(r == ["watched", "0/1", "ContainerCreating"] for r in rows[:-1])
    finally:
        lab.clock(paused=False)
        proc.kill()
        proc.communicate()


def test_drain_evicts_and_cordons(lab):
    lab.kubectl("apply", "-f", "-", stdin=DEPLOYMENT)
    lab.kubectl("rollout", "status", "deployment/web-deploy", "--timeout=60s")
    out = lab.kubectl("drain", "node2", "--ignore-daemonsets", "--delete-emptydir-data", "--force", "--timeout=60s").stdout
    assert out.startswith("node/node2 cordoned\n") and out.endswith("node/node2 drained\n")
    evicting = [line.split()[-1] for line in out.splitlines() if line.startswith("evicting pod ")]
    evicted = [line.split()[0] for line in out.splitlines() if line.endswith(" evicted")]
    assert evicting and sorted("pod/" + p.split("/")[1] for p in evicting) == sorted(evicted)
    assert lab.objects("Node")["node2"]["spec"]["unschedulable"] is True
    lab.kubectl("rollout", "status", "deployment/web-deploy", "--timeout=60s")
    pods = [p for p in lab.objects("Pod").values() if p["metadata"]["name"].startswith("web-deploy-")]
    assert pods and all(p["spec"].get("nodeName") != "node2" for p in pods if not p["metadata"].get("deletionTimestamp"))
    assert lab.kubectl("uncordon", "node2").stdout == "node/node2 uncordoned\n"


def test_explain_reads_the_openapi(lab):
    out = lab.kubectl("explain", "deployment.spec.replicas").stdout
    assert out.startswith("GROUP:      apps\nKIND:       Deployment\nVERSION:    v1\n\nFIELD: replicas <integer>\n")


def test_bad_requests_are_statuses(lab):
    out = lab.kubectl("get", "widgets", check=False)
    assert out.returncode == 1
    assert out.stderr == 'error: the server doesn\'t have a resource type "widgets"\n'
    bad = lab.kubectl("apply", "-f", "-", stdin="apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n"
                                                "  labelz: {}\n", check=False)
    assert bad.returncode == 1
    assert 'unknown field "metadata.labelz"' in bad.stderr
    warned = lab.kubectl("apply", "--validate=warn", "-f", "-", stdin="apiVersion: v1\nkind: ConfigMap\nmetadata:\n"
                                                                     "  name: warned\n  labelz: {}\n")
    assert warned.stdout == "configmap/warned created\n"
    assert warned.stderr == 'Warning: unknown field "metadata.labelz"\n'


def test_python_client_lists_creates_and_watches(lab):
    kubernetes = pytest.importorskip("kubernetes")
    client = kubernetes.config.new_client_from_config(str(lab.kubeconfig))
    core = kubernetes.client.CoreV1Api(client)
    names = [p.metadata.name for p in core.list_namespaced_pod("kube-system").items]
    assert "kube-apiserver-master" in names
    listed = core.list_namespaced_config_map("default")
    core.create_namespaced_config_map("default", {"metadata": {"name": "from-python"}, "data": {"k": "v"}})
    assert lab.objects("ConfigMap")["from-python"]["data"] == {"k": "v"}
    watch = kubernetes.watch.Watch()
    seen = []
    for event in watch.stream(core.list_namespaced_config_map, "default",
                              resource_version=listed.metadata.resource_version, timeout_seconds=20):
        seen.append((event["type"], event["object"].metadata.name))
        if event["object"].metadata.name == "from-python":
            watch.stop()
    assert ("ADDED", "from-python") in seen
