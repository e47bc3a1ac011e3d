"""What a release looks like to the real kubectl v1.32: its Secrets and its objects, read through
kubeplay's Kubernetes API, as on a real cluster — and kubeplay's terminal prints the same."""

from __future__ import annotations

import base64
import gzip
import json

import pytest

from tests.labserver import lab_server


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    with lab_server(tmp_path_factory) as lab:
        lab.request("POST", f"/api/sandboxes/{lab.sid}/addons/storage-provisioner", {"enabled": True})
        assert lab.engine("helm repo add bitnami https://charts.bitnami.com/bitnami") == \
            '"bitnami" has been added to your repositories\n'
        assert lab.engine("helm install web bitnami/nginx --set replicaCount=2").startswith("NAME: web\n")
        lab.clock(advance=30, paused=True)
        yield lab


@pytest.mark.parametrize("args", [
    ("get", "secrets", "-l", "owner=helm"),
    ("get", "secrets", "-l", "owner=helm", "--show-labels"),
    ("describe", "secret", "sh.helm.release.v1.web.v1"),
    ("get", "deployments,services", "-l", "app.kubernetes.io/managed-by=Helm"),
    ("get", "deployment", "web-nginx", "-o", "jsonpath={.metadata.annotations.meta\\.helm\\.sh/release-name}"),
])
def test_the_real_kubectl_and_the_terminal_agree(lab, args):
    real = lab.kubectl(*args).stdout
    ours = lab.engine("kubectl " + " ".join(f"'{a}'" if "{" in a or "\\" in a else a for a in args))
    assert ours == real
    assert "web" in real


def test_the_release_data_decodes_as_helm_stores_it(lab):
    data = lab.kubectl("get", "secret", "sh.helm.release.v1.web.v1", "-o", "jsonpath={.data.release}").stdout
    release = json.loads(gzip.decompress(base64.b64decode(base64.b64decode(data))))
    assert release["name"] == "web" and release["version"] == 1 and release["info"]["status"] == "deployed"
    assert release["config"] == {"replicaCount": 2}
    labels = json.loads(lab.kubectl("get", "secret", "sh.helm.release.v1.web.v1", "-o",
                                    "jsonpath={.metadata.labels}").stdout)
    assert {k: v for k, v in labels.items() if k != "modifiedAt"} == {
        "name": "web", "owner": "helm", "status": "deployed", "version": "1"}
    assert labels["modifiedAt"].isdigit()
