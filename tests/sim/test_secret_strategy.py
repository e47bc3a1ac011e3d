"""What the apiserver stores of a Secret, and what it refuses: as a user sees it through the real
kubectl v1.32 against kubeplay's API, and through kubeplay's own terminal, which must agree.

- ``stringData`` is folded into ``data`` (base64) on create and on update, and never stored;
- ValidateSecret: data keys (IsConfigMapKey), the keys each type needs (tls, basic-auth, ssh-auth,
  dockerconfigjson, service-account-token); ValidateSecretUpdate: the type is immutable, and so
  is the data of an ``immutable: true`` Secret;
- pod containers: requests may not exceed limits (validateResourceRequirements), and limits
  without requests default the requests (SetDefaults_Pod).

The error texts are those of pkg/apis/core/validation (ValidateSecret, validateResourceRequirements).
"""

from __future__ import annotations

import base64
import json

import pytest

from server.kubectl import run
from server.sim.cluster import Cluster
from tests.labserver import lab_server
from tests.realkubectl import KUBECTL

needs_kubectl = pytest.mark.skipif(KUBECTL is None, reason="no kubectl installed: the comparisons need the real one")


def secret(name: str, body: str) -> str:
    return f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: {name}\n{body}"


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    with lab_server(tmp_path_factory) as lab:
        lab.clock(paused=True)
        yield lab


def engine(lab, command: str, stdin: str = "") -> tuple[str, int]:
    out = lab.request("POST", f"/api/sandboxes/{lab.sid}/run", {"command": command, "stdin": stdin})
    return out["output"], out["exitCode"]


def real(lab, *args: str, stdin: str | None = None) -> tuple[str, int]:
    r = lab.kubectl(*args, stdin=stdin, check=False)
    return r.stdout + r.stderr, r.returncode


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


@needs_kubectl
def test_string_data_is_stored_as_data_on_create_and_update(lab):
    out, code = real(lab, "apply", "-f", "-", stdin=secret("sd", "stringData:\n  user: admin\n  pass: s3cr3t\n"
                                                          "data:\n  user: " + b64("other") + "\n"))
    assert (out, code) == ("secret/sd created\n", 0)
    stored = json.loads(real(lab, "get", "secret", "sd", "-o", "json")[0])
    # stringData wins over data for the same key, and is not kept
    assert stored["data"] == {"pass": b64("s3cr3t"), "user": b64("admin")}
    assert "stringData" not in stored and stored["type"] == "Opaque"
    assert engine(lab, "kubectl get secret sd -o jsonpath={.data.user}")[0] == b64("admin")
    out, code = real(lab, "apply", "-f", "-", stdin=secret("sd", "stringData:\n  user: root\n  pass: s3cr3t\n"))
    assert (out, code) == ("secret/sd configured\n", 0)
    stored = json.loads(real(lab, "get", "secret", "sd", "-o", "json")[0])
    assert stored["data"]["user"] == b64("root") and "stringData" not in stored
    # the engine's own create goes through the same door
    assert engine(lab, "kubectl apply -f -", secret("sd2", "stringData:\n  k: v\n")) == ("secret/sd2 created\n", 0)
    assert engine(lab, "kubectl get secret sd2 -o jsonpath={.data.k}")[0] == b64("v")


REFUSED = {
    "tls": (secret("t-tls", "type: kubernetes.io/tls\ndata: {}\n"),
            ["data[tls.crt]: Required value", "data[tls.key]: Required value"]),
    "tls-key": (secret("t-tls2", "type: kubernetes.io/tls\nstringData:\n  tls.crt: x\n"),
                ["data[tls.key]: Required value"]),
    "basic-auth": (secret("t-basic", "type: kubernetes.io/basic-auth\n"),
                   ["data[username]: Required value", "data[password]: Required value"]),
    "ssh-auth": (secret("t-ssh", "type: kubernetes.io/ssh-auth\nstringData:\n  ssh-privatekey: ''\n"),
                 ["data[ssh-privatekey]: Required value"]),
    "dockerconfigjson": (secret("t-dcj", "type: kubernetes.io/dockerconfigjson\n"),
                         ["data[.dockerconfigjson]: Required value"]),
    "dockerconfigjson-not-json": (
        secret("t-dcj2", "type: kubernetes.io/dockerconfigjson\nstringData:\n  .dockerconfigjson: '[1]'\n"),
        ['data[.dockerconfigjson]: Invalid value: "<secret contents redacted>": '
         "json: cannot unmarshal array into Go value of type map[string]interface {}"]),
    "dockerconfigjson-empty": (
        secret("t-dcj3", "type: kubernetes.io/dockerconfigjson\nstringData:\n  .dockerconfigjson: ''\n"),
        ['data[.dockerconfigjson]: Invalid value: "<secret contents redacted>": unexpected end of JSON input']),
    "service-account-token": (
        secret("t-sat", "type: kubernetes.io/service-account-token\n"),
        ["metadata.annotations[kubernetes.io/service-account.name]: Required value"]),
    "keys": (secret("t-keys", "stringData:\n  '..a': x\n  'b c': z\n  '.': z\n"),
             ["data[.]: Invalid value: \".\": must not be '.'",
              "data[..a]: Invalid value: \"..a\": must not start with '..'",
              "data[b c]: Invalid value: \"b c\": a valid config key must consist of alphanumeric characters, "
              "'-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is "
              "'[-._a-zA-Z0-9]+')"]),
}


def invalid(kind: str, name: str, causes: list[str]) -> str:
    """cmdutil.CheckErr of an Invalid Status: its details' causes, one or a bulleted list."""
    head = f'The {kind} "{name}" is invalid: '
    return head + causes[0] + "\n" if len(causes) == 1 else head + "\n" + "".join(f"* {c}\n" for c in causes)


@needs_kubectl
@pytest.mark.parametrize("case", sorted(REFUSED))
def test_secrets_the_apiserver_refuses(lab, case):
    manifest, causes = REFUSED[case]
    name = manifest.split("name: ")[1].split("\n")[0]
    assert real(lab, "apply", "-f", "-", stdin=manifest) == (invalid("Secret", name, causes), 1)
    assert "secret/" + name not in engine(lab, "kubectl get secrets -o name")[0]  # nothing stored



@needs_kubectl
@pytest.mark.parametrize("case", ["tls", "tls-key"])
def test_the_terminal_words_refused_secrets_as_kubectl(lab, case):
    manifest, _ = REFUSED[case]
    assert engine(lab, "kubectl apply -f -", manifest) == real(lab, "apply", "-f", "-", stdin=manifest)


@needs_kubectl
def test_a_secrets_type_and_an_immutable_secrets_data_do_not_change(lab):
    assert real(lab, "apply", "-f", "-", stdin=secret("ty", "stringData:\n  a: b\n"))[1] == 0
    out = real(lab, "apply", "-f", "-", stdin=secret("ty", "type: kubernetes.io/basic-auth\nstringData:\n  username: u\n"))
    assert out == (invalid("Secret", "ty", ['type: Invalid value: "kubernetes.io/basic-auth": field is immutable']), 1)
    assert real(lab, "apply", "-f", "-", stdin=secret("frozen", "immutable: true\nstringData:\n  a: b\n"))[1] == 0
    out = real(lab, "apply", "-f", "-", stdin=secret("frozen", "immutable: true\nstringData:\n  a: c\n"))
    assert out == (invalid("Secret", "frozen", ["data: Forbidden: field is immutable when `immutable` is set"]), 1)
    out = real(lab, "patch", "secret", "frozen", "-p", '{"immutable": false}')
    assert out == (invalid("Secret", "frozen", ["immutable: Forbidden: field is immutable when `immutable` is set"]), 1)
    assert engine(lab, "kubectl patch secret frozen -p '{\"immutable\": false}'") == out
    assert json.loads(real(lab, "get", "secret", "frozen", "-o", "json")[0])["data"] == {"a": b64("b")}


def pod(name: str, resources: str) -> str:
    return (f"apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\nspec:\n  containers:\n  - name: c\n"
            f"    image: nginx\n    resources: {resources}\n")


@needs_kubectl
def test_requests_may_not_exceed_limits(lab):
    manifest = pod("greedy", "{requests: {cpu: '2', memory: 1Gi}, limits: {cpu: 500m, memory: 2Gi}}")
    assert real(lab, "apply", "-f", "-", stdin=manifest) == (invalid("Pod", "greedy", [
        'spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 500m'
    ]), 1)
    # extended resources cannot be overcommitted: the request must equal the limit, and needs one
    out = real(lab, "apply", "-f", "-", stdin=pod("gpu", "{requests: {example.com/gpu: '1'}}"))
    assert out == (invalid("Pod", "gpu", ["spec.containers[0].resources.limits: Required value: Limit must be set "
                                          "for non overcommitable resources"]), 1)
    out = real(lab, "apply", "-f", "-", stdin=pod("gpu", "{requests: {example.com/gpu: '1'}, "
                                                         "limits: {example.com/gpu: '2'}}"))
    assert out == (invalid("Pod", "gpu", ['spec.containers[0].resources.requests: Invalid value: "1": must be '
                                          "equal to example.com/gpu limit of 2"]), 1)
    # a Deployment's template is validated alike
    c = Cluster(seed=1, empty=True)
    out = run(c, "kubectl create deployment d --image=nginx --dry-run=client -o yaml")
    manifest = out.output.replace("resources: {}", "resources: {requests: {memory: 2Gi}, limits: {memory: 1Gi}}")
    refused = run(c, "kubectl apply -f -", stdin=manifest)
    assert (refused.output, refused.exit_code) == (invalid("Deployment", "d", [
        'spec.template.spec.containers[0].resources.requests: Invalid value: "2Gi": must be less than or equal to '
        "memory limit of 1Gi"]), 1)


@needs_kubectl
def test_limits_without_requests_default_the_requests(lab):
    assert real(lab, "apply", "-f", "-", stdin=pod("capped", "{limits: {cpu: 250m, memory: 64Mi}}"))[1] == 0
    resources = json.loads(real(lab, "get", "pod", "capped", "-o", "jsonpath={.spec.containers[0].resources}")[0])
    assert resources["requests"] == resources["limits"] == {"cpu": "250m", "memory": "64Mi"}
    # a template is not a pod: a Deployment's template keeps only its limits
    c = Cluster(seed=1, empty=True)
    dep = ("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  selector: {matchLabels: {a: b}}\n"
           "  template:\n    metadata: {labels: {a: b}}\n    spec:\n      containers:\n      - name: c\n"
           "        image: nginx\n        resources: {limits: {cpu: 250m}}\n")
    assert run(c, "kubectl apply -f -", stdin=dep).exit_code == 0
    out = run(c, "kubectl get deploy d -o jsonpath={.spec.template.spec.containers[0].resources}").output
    assert json.loads(out) == {"limits": {"cpu": "250m"}}


def test_a_configmap_key_in_both_bags():
    c = Cluster(seed=1, empty=True)
    cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\ndata: {k: v}\nbinaryData: {k: dg==}\n"
    out = run(c, "kubectl apply -f -", stdin=cm)
    assert (out.output, out.exit_code) == (invalid("ConfigMap", "cm", [
        'data[k]: Invalid value: "k": duplicate of key present in binaryData']), 1)
