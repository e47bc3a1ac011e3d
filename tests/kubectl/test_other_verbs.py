"""kubectl version, completion, plugin and certificate, checked against the real kubectl v1.32."""

from __future__ import annotations

import json

import pytest
import yaml

from server.sim.discovery import version_info
from tests.kubectl.offline_kubectl import needs_kubectl, real


def as_release(text: str) -> str:
    """The real binary's output with its own release's version.Info replaced by the simulated
    release's: the engine is the kubectl of the release it simulates (known_differences.yaml)."""
    client = json.loads(real("version", "--client", "-o", "json")[0])["clientVersion"]
    ours = version_info()
    for key in ("gitVersion", "gitCommit", "buildDate", "goVersion"):
        text = text.replace(client[key], ours[key])
    return text


@needs_kubectl
@pytest.mark.parametrize("line", [
    "version --client", "version --client -o yaml", "version --client -o json", "version --short",
    "version -o wide", "version extra",
])
def test_version_client_side_has_the_real_binarys_shape(kubectl, line):
    expected, code = real(*line.split())
    assert kubectl(line, rc=code) == as_release(expected)


@needs_kubectl
def test_version_with_the_server(kubectl):
    client, _ = real("version", "--client")
    assert kubectl("version") == as_release(client) + f"Server Version: {version_info()['gitVersion']}\n"
    doc = json.loads(kubectl("version -o json"))
    assert list(doc) == ["clientVersion", "kustomizeVersion", "serverVersion"]
    assert doc["serverVersion"] == doc["clientVersion"] == version_info()
    assert list(doc["clientVersion"]) == list(json.loads(real("version", "--client", "-o", "json")[0])["clientVersion"])
    text = kubectl("version -o yaml")
    assert text.endswith("\n\n") and yaml.safe_load(text) == doc


@needs_kubectl
@pytest.mark.parametrize("line", [
    "completion bash", "completion zsh", "completion fish", "completion powershell",
    "completion", "completion tcsh", "completion bash zsh",
])
def test_completion_is_the_real_script(kubectl, line):
    expected, code = real(*line.split())
    assert kubectl(line, rc=code) == expected


@needs_kubectl
@pytest.mark.parametrize("line", [
    "plugin", "plugin list", "plugin list --name-only", "plugin frob",
    "certificate", "certificate frob", "certificate approve", "certificate deny",
    "certificate approve -f nope.yaml",
])
def test_plugin_and_certificate_client_side(kubectl, line):
    expected, code = real(*line.split())
    assert kubectl(line, rc=code) == expected


def test_certificate_against_our_api(kubectl):
    # no such CSR: the NotFound of each name, as the real kubectl prints them
    missing = 'Error from server (NotFound): certificatesigningrequests.certificates.k8s.io "{}" not found\n'
    assert kubectl("certificate approve my-csr", rc=1) == missing.format("my-csr")
    assert kubectl("certificate deny a b", rc=1) == missing.format("a") + missing.format("b")
