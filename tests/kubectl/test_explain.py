"""kubectl explain: byte for byte what the real kubectl v1.32 prints for the same command line.

``explain_golden.json`` (beside this file) holds, per command line of ``CASES``, what the real
binary wrote — stdout then stderr, as a terminal shows them — and its exit code, captured against a
kubeplay server (whose ``/openapi/v3`` serves the same documents the engine reads)::

    .venv/bin/python -m server --port 18931 --async-mode eventlet &
    curl -s -X POST localhost:18931/api/sandboxes                       # → {"id": "<id>"}
    curl -s localhost:18931/api/sandboxes/<id>/kubeconfig > /tmp/kc
    .venv/bin/python tests/kubectl/test_explain.py /tmp/kc              # rewrites explain_golden.json

(the script runs ``kubectl.1.32 --kubeconfig /tmp/kc --cache-dir <tmp> explain <case>`` for each
case). ``test_the_real_binary_agrees_live`` does the same against a fresh server when the binary is
installed, so a golden that went stale is noticed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

import pytest

from tests.realkubectl import find_kubectl

GOLDEN = Path(__file__).with_name("explain_golden.json")
REAL_KUBECTL = find_kubectl()

CASES = (
    # every simulated kind's top level, by the names users type
    "pods", "nodes", "namespaces", "services", "endpoints", "configmaps", "secrets", "serviceaccounts",
    "events", "replicasets", "deployments", "daemonsets", "statefulsets", "controllerrevisions", "jobs",
    "cronjobs", "endpointslices", "leases",
    "po", "deploy", "Deployment", "deployments.apps", "deployment.apps",
    # fields: structs, lists of structs, maps, scalars, Quantity/IntOrString/Time, the last dot ignored
    "pods.spec", "pods.spec.containers", "pods.spec.containers.ports", "pods.spec.containers.ports.",
    "pods.spec.containers.resources.limits", "pods.spec.restartPolicy", "pods.metadata.creationTimestamp",
    "pods.metadata.labels", "deploy.spec.template.spec.containers.livenessProbe.httpGet.port",
    "deployments.apps.spec.strategy", "svc.spec.ports.targetPort", "nodes.status.capacity", "cm.data",
    "cj.spec.jobTemplate.spec.template.metadata", "sts.spec.volumeClaimTemplates.spec.resources",
    "lease.spec.renewTime", "controllerrevisions.data",
    # --recursive for small types, and a whole kind
    "svc.spec.ports --recursive", "deploy.spec.strategy --recursive", "leases --recursive",
    "configmaps --recursive", "pods.spec.affinity --recursive",
    # --api-version
    "deployments --api-version=apps/v1", "events --api-version=events.k8s.io/v1",
    "deployments.apps.spec --api-version=apps/v1",
    # errors, and what is printed before them
    "foo", "pods.foo", "pods.spec.containers.name.foo", "deploy.spec.template.spec.nope",
    "deploy --api-version=apps/v2", "deploy --api-version=v1", "pods --api-version=a/b/c",
    "pods --output=yaml", "pods svc", "",
)


def golden() -> dict[str, dict]:
    return json.loads(GOLDEN.read_text())


def real_explain(kubeconfig: str, cache: str, case: str) -> dict:
    p = subprocess.run([REAL_KUBECTL, "--kubeconfig", kubeconfig, "--cache-dir", cache, "explain", *case.split()],
                       capture_output=True, text=True, timeout=60)
    return {"output": p.stdout + p.stderr, "exit_code": p.returncode}


def test_every_case_has_a_golden() -> None:
    assert sorted(golden()) == sorted(CASES)


@pytest.mark.parametrize("case", CASES)
def test_engine_prints_what_kubectl_prints(kubectl, case: str) -> None:
    want = golden()[case]
    assert kubectl(f"explain {case}", rc=want["exit_code"]) == want["output"]


def test_recursive_lists_every_nested_field_once_indented(kubectl) -> None:
    out = kubectl("explain svc.spec.ports --recursive")
    assert out.endswith("FIELDS:\n  appProtocol\t<string>\n  name\t<string>\n  nodePort\t<integer>\n"
                        "  port\t<integer> -required-\n  protocol\t<string>\n  targetPort\t<IntOrString>\n\n")


def test_plaintext_openapiv2_prints_the_older_layout(kubectl) -> None:
    # pkg/explain's modelPrinter: KIND/VERSION in its own spacing, RESOURCE for a field that leads to
    # an object (with the type the array/reference chain gives it), the field's description then the
    # referred type's, one blank line apart, and the fields indented by 3, their descriptions by 5
    out = kubectl("explain pods.spec.containers.ports --output=plaintext-openapiv2")
    assert out.startswith("KIND:     Pod\nVERSION:  v1\n\nRESOURCE: ports <[]Object>\n\nDESCRIPTION:\n"
                          "     List of ports to expose from the container.")
    assert "\n\n     ContainerPort represents a network port in a single container.\n\nFIELDS:\n" in out
    assert "\n   containerPort\t<integer> -required-\n     Number of port to expose on the pod's IP address." in out
    assert all(len(line) <= 80 or " " not in line.strip() for line in out.splitlines())
    deploy = kubectl("explain deployments --output=plaintext-openapiv2")
    assert deploy.startswith("KIND:     Deployment\nVERSION:  apps/v1\n\nDESCRIPTION:\n")


def test_plaintext_openapiv2_fields_leaves_and_errors(kubectl) -> None:
    out = kubectl("explain deploy.spec.strategy --recursive --output=plaintext-openapiv2")
    # the recursive printer indents each level by 3; IntOrString is a string to the v2 document
    assert out.endswith("FIELDS:\n   rollingUpdate\t<Object>\n      maxSurge\t<string>\n"
                        "      maxUnavailable\t<string>\n   type\t<string>\n")
    labels = kubectl("explain pods.metadata.labels --output=plaintext-openapiv2")
    assert labels.startswith("KIND:     Pod\nVERSION:  v1\n\nFIELD:    labels <map[string]string>\n\nDESCRIPTION:\n")
    # fieldLookup stops at a primitive, whatever path is left, and names it by the last word
    assert kubectl("explain pods.spec.containers.name.foo --output=plaintext-openapiv2").startswith(
        "KIND:     Pod\nVERSION:  v1\n\nFIELD:    foo <string>\n")
    # errors come before anything is printed
    assert kubectl("explain pods.foo --output=plaintext-openapiv2", rc=1) == 'error: field "foo" does not exist\n'
    assert kubectl("explain deploy --api-version=v1 --output=plaintext-openapiv2", rc=1) == (
        'error: couldn\'t find resource for "/v1, Kind=Deployment"\n')


def test_the_older_formatter_wraps_words_and_keeps_blocks() -> None:
    from server.kubectl.verbs.explain import _wrap_lines

    text = "One two three four five six.\nSeven eight.\n\nNotes:\nfirst line\n- a dash item\n    code  kept as is"
    assert _wrap_lines(text, 14) == ["One two three", "four five six.", "Seven eight.", "", "Notes:", "first line",
                                     "- a dash item", "    code  kept as is"]
    assert _wrap_lines("tiny https://a-very-long-url.example/that/does/not/fit end", 10) == [
        "tiny", "https://a-very-long-url.example/that/does/not/fit", "end"]


@pytest.mark.skipif(REAL_KUBECTL is None, reason="no kubectl installed: this test compares with the real one")
def test_the_real_binary_agrees_live(tmp_path) -> None:
    from tests.serverproc import running_server

    with running_server(tmp_path, mode="eventlet") as (port, _log):
        req = urllib.request.Request(f"http://127.0.0.1:{port}/api/sandboxes", data=b"", method="POST")
        with urllib.request.urlopen(req, timeout=30) as resp:
            sid = json.loads(resp.read())["id"]
        kc = tmp_path / "kubeconfig"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/sandboxes/{sid}/kubeconfig", timeout=30) as resp:
            kc.write_bytes(resp.read())
        want = golden()
        for case in CASES:
            assert real_explain(str(kc), str(tmp_path / "cache"), case) == want[case], case


def capture(kubeconfig: str) -> None:
    cache = tempfile.mkdtemp()
    try:
        data = {case: real_explain(kubeconfig, cache, case) for case in CASES}
    finally:
        shutil.rmtree(cache)
    GOLDEN.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
    print(f"{len(data)} cases written to {GOLDEN}", file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) != 2 or not os.path.isfile(sys.argv[1]):
        sys.exit("usage: test_explain.py KUBECONFIG (of a running kubeplay sandbox)")
    capture(sys.argv[1])
