"""``kubectl delete -f`` prints its errors as kubectl v1.32's visitor aggregates them: the requests'
errors (NotFound) first, then the documents that did not decode, bare. Compared with the real kubectl
against our API (tests/labserver.py)."""

from __future__ import annotations

import pytest

from tests.realkubectl import KUBECTL

MANIFEST = """apiVersion: v1
kind: ConfigMap
metadata: {name: gone-a}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: [x]}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: here}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: gone-b}
"""


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    if KUBECTL is None:
        pytest.skip("the real kubectl v1.32 is not installed")
    from tests.labserver import lab_server

    with lab_server(tmp_path_factory) as lab:
        yield lab


def _engine(lab, command, stdin=""):
    return lab.request("POST", f"/api/sandboxes/{lab.sid}/run", {"command": command, "stdin": stdin})["output"]


@pytest.mark.parametrize("manifest", [MANIFEST, MANIFEST.split("---\n", 1)[1]], ids=["notfound-and-decode", "decode"])
def test_delete_f_errors_as_the_real_kubectl(lab, manifest):
    _engine(lab, "kubectl create configmap here")
    real = lab.kubectl("delete", "-f", "-", "--wait=false", stdin=manifest, check=False)
    _engine(lab, "kubectl create configmap here")  # the real kubectl deleted it: ours must find it again
    ours = _engine(lab, "kubectl delete -f - --wait=false", manifest)
    assert real.returncode == 1 and 'configmap "here" deleted' in real.stdout
    assert ours == real.stdout + real.stderr
