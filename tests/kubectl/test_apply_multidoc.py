"""Multi-document ``apply -f`` / ``create -f`` with bad documents among good ones: every document is
reported (created, or its error) and the others go on, in the order and words kubectl v1.32 prints
them. Each case is run with the real kubectl against our Kubernetes API (tests/labserver.py) and
with kubeplay's terminal on the same sandbox state, and the two outputs must be the same text
(stdout then stderr: kubectl prints its successes as it goes and its errors once at the end)."""

from __future__ import annotations

import pytest

from tests.labserver import lab_server

GOOD_A = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n"
GOOD_B = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n"
BAD_NAME = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [x]\n"
NULL_CONTAINER = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p1\nspec:\n  containers: [null]\n"
NULL_PORT = "apiVersion: v1\nkind: Service\nmetadata:\n  name: s1\nspec:\n  ports: [null]\n"
NO_METADATA = "apiVersion: v1\nkind: ConfigMap\nmetadata: null\n"
BAD_SECRET = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n  k: abc\n"
TOLERATIONS = ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: t\nspec:\n  containers: [{name: a, image: nginx}]\n"
               "  tolerations: [null, {operator: Exists, value: x}]\n")
NULL_LABEL = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels: {app: null}\n"
HUGE_YAML = ("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: h\nspec:\n  replicas: {}\n"
             "  selector: {{matchLabels: {{app: h}}}}\n  template:\n    metadata: {{labels: {{app: h}}}}\n"
             "    spec: {{containers: [{{name: c, image: nginx}}]}}\n")
HUGE_JSON = ('{{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {{"name": "h"}}, "spec": {{"replicas": {}, '
             '"selector": {{"matchLabels": {{"app": "h"}}}}, "template": {{"metadata": {{"labels": {{"app": "h"}}}}, '
             '"spec": {{"containers": [{{"name": "c", "image": "nginx"}}]}}}}}}}}')
CONTROL_NAME = '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x\\u001e"}}'

CASES = {
    "the issue's file": [GOOD_A, BAD_NAME, NULL_CONTAINER, NULL_PORT, GOOD_B],
    "an undecodable document alone": [BAD_NAME],
    "an undecodable document after a good one": [GOOD_A, BAD_NAME],
    "an undecodable document before an invalid one": [BAD_NAME, NULL_CONTAINER],
    "a nameless document": [NO_METADATA],
    "a nameless document among others": [GOOD_A, NO_METADATA, NULL_CONTAINER],
    "two invalid documents": [NULL_CONTAINER, NULL_PORT],
    "data that is not base64": [BAD_SECRET],
    "tolerations": [TOLERATIONS],
    "a control character in a name": [CONTROL_NAME],
    "a null label value among bad documents": [NULL_LABEL, BAD_NAME, NULL_PORT],
    "a number past uint64 in YAML": [HUGE_YAML.format(2**70)],
    "a uint64 in YAML": [HUGE_YAML.format(2**64 - 1)],
    "a number past int64 in JSON": [HUGE_JSON.format(2**64 - 1)],
    "a number past uint64 in JSON": [HUGE_JSON.format(2**70)],
    "a fraction for an integer": [HUGE_JSON.format(1.5)],
}


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    with lab_server(tmp_path_factory) as lab:
        yield lab


def _clean(lab) -> None:
    """The documents' ConfigMaps removed (through the terminal: one request, where two real
    kubectl processes cost a second each round)."""
    _engine(lab, "kubectl delete configmap a b --ignore-not-found", "")


def _engine(lab, command: str, stdin: str) -> dict:
    return lab.request("POST", f"/api/sandboxes/{lab.sid}/run", {"command": command, "stdin": stdin})


@pytest.mark.parametrize("verb", ["apply", "create"])
@pytest.mark.parametrize("case", list(CASES))
def test_each_document_is_reported_as_the_real_kubectl_reports_it(lab, verb, case):
    text = "---\n".join(CASES[case])
    _clean(lab)
    real = lab.kubectl(verb, "-f", "-", stdin=text, check=False)
    _clean(lab)
    ours = _engine(lab, f"kubectl {verb} -f -", text)
    _clean(lab)
    assert ours["output"] == real.stdout + real.stderr
    assert ours["exitCode"] == real.returncode == 1


def test_the_issue_file_creates_the_good_documents_and_nothing_of_the_bad_ones(lab):
    _clean(lab)
    ours = _engine(lab, "kubectl apply -f -", "---\n".join(CASES["the issue's file"]))
    assert ours["output"].splitlines()[:2] == ["configmap/a created", "configmap/b created"]
    assert ours["output"].splitlines()[2] == ('unable to decode "STDIN": json: cannot unmarshal array into Go struct '
                                              "field ObjectMeta.metadata.name of type string")
    assert set(lab.objects("ConfigMap")) >= {"a", "b"}
    assert "p1" not in lab.objects("Pod") and "s1" not in lab.objects("Service")
    # and the services still list, with the real kubectl too
    assert lab.kubectl("get", "svc").stdout.splitlines()[1].startswith("kubernetes ")
    _clean(lab)
