"""The real kubectl v1.32 against a minikube sandbox: the hostpath provisioner's claim and volume
read as kubeplay's terminal renders them (get pvc/pv, describe pv with its identity annotation,
describe pvc with the provisioner's events)."""

from __future__ import annotations

import json
import re
import urllib.request

import pytest

from tests.labserver import Lab, _shared_port
from tests.realkubectl import KUBECTL

needs_kubectl = pytest.mark.skipif(KUBECTL is None, reason="the real kubectl v1.32 is not installed")

CLAIM = {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "data", "namespace": "default"},
         "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    port = _shared_port(tmp_path_factory)
    req = urllib.request.Request(f"http://127.0.0.1:{port}/api/sandboxes", data=json.dumps({"preset": "minikube"}).encode(),
                                 method="POST", headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        sid = json.loads(resp.read())["id"]
    lab = Lab(port, sid, tmp_path_factory.mktemp("home"))
    lab.kubectl("apply", "-f", "-", stdin=json.dumps(CLAIM))
    lab.clock(advance=2)
    return lab


def _ages_out(text: str) -> str:
    return re.sub(r"\b\d+(s|m\d*s?|h\d*m?)\b", "AGE", text)


@needs_kubectl
@pytest.mark.parametrize("line", ["get pvc", "get pv", "describe pv", "describe pvc data"])
def test_real_kubectl_reads_the_hostpath_volume_as_the_terminal_does(lab, line):
    real = lab.kubectl(*line.split()).stdout
    assert _ages_out(real) == _ages_out(lab.engine("kubectl " + line))
    if line == "describe pv":
        assert re.search(r"Annotations:\s+hostPathProvisionerIdentity: [0-9a-f-]{36}\n"
                         r"\s+pv.kubernetes.io/provisioned-by: k8s.io/minikube-hostpath\n", real), real
        assert re.search(r"Path:\s+/tmp/hostpath-provisioner/default/data\n", real), real
    if line == "describe pvc data":
        assert 'External provisioner is provisioning volume for claim "default/data"' in real, real
        assert re.search(r"k8s\.io/minikube-hostpath_minikube_[0-9a-f-]{36}", real), real
