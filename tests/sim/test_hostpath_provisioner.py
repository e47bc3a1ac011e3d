"""minikube's hostpath provisioner (server/sim/controllers/hostpath.py) on the minikube preset: a claim
of the ``standard`` class is bound to the PV it makes, with minikube's path, annotations, events and
reclaim; it waits while the storage-provisioner pod is gone; the add-on API reports it."""

from __future__ import annotations

import re

import pytest

from server.kubectl import run
from server.sim import addons
from server.sim.cluster import Cluster

CLAIM = {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "data", "namespace": "default"},
         "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}
POD = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "writer", "namespace": "default"},
       "spec": {"containers": [{"name": "c", "image": "busybox", "command": ["sleep", "3600"],
                                "volumeMounts": [{"name": "d", "mountPath": "/data"}]}],
                "volumes": [{"name": "d", "persistentVolumeClaim": {"claimName": "data"}}]}}


@pytest.fixture()
def minikube() -> Cluster:
    return Cluster(seed=3, preset="minikube")


def _claim_events(cluster: Cluster, name: str) -> list[tuple[str, str, str]]:
    return [(e["reason"], e["source"].get("component", ""), e["message"]) for e in sorted(
        cluster.store.list("Event", "default"), key=lambda e: (e.get("firstTimestamp") or "", e["metadata"]["name"]))
            if e["involvedObject"]["name"] == name and e["involvedObject"]["kind"] == "PersistentVolumeClaim"]


def _kubectl(cluster: Cluster, line: str) -> str:
    r = run(cluster, "kubectl " + line)
    assert r.exit_code == 0, r.output
    return r.output


def test_a_standard_claim_gets_minikubes_hostpath_volume(minikube: Cluster) -> None:
    minikube.api.create(dict(CLAIM))
    minikube.advance(1)
    claim = minikube.store.get("PersistentVolumeClaim", "default", "data")
    uid = claim["metadata"]["uid"]
    assert claim["spec"]["storageClassName"] == "standard"
    assert (claim["spec"].get("volumeName"), claim["status"]["phase"]) == (f"pvc-{uid}", "Bound")
    pv = minikube.store.get("PersistentVolume", "", f"pvc-{uid}")
    assert pv["spec"]["hostPath"] == {"path": "/tmp/hostpath-provisioner/default/data", "type": ""}
    assert "nodeAffinity" not in pv["spec"]
    assert (pv["spec"]["capacity"], pv["spec"]["persistentVolumeReclaimPolicy"], pv["spec"]["accessModes"]) == \
        ({"storage": "1Gi"}, "Delete", ["ReadWriteOnce"])
    annotations = pv["metadata"]["annotations"]
    assert annotations["pv.kubernetes.io/provisioned-by"] == "k8s.io/minikube-hostpath"
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}",
                        annotations["hostPathProvisionerIdentity"])
    events = _claim_events(minikube, "data")
    assert [r for r, _s, _m in events] == ["ExternalProvisioning", "Provisioning", "ProvisioningSucceeded"]
    assert events[1][2] == 'External provisioner is provisioning volume for claim "default/data"'
    assert events[2][2] == f"Successfully provisioned volume pvc-{uid}"
    assert re.fullmatch(r"k8s\.io/minikube-hostpath_minikube_[0-9a-f-]{36}", events[1][1])
    assert events[1][1] == events[2][1]
    # what the terminal shows of it
    row = _kubectl(minikube, "get pvc data").splitlines()[1].split()
    assert row[:6] == ["data", "Bound", f"pvc-{uid}", "1Gi", "RWO", "standard"]
    describe = _kubectl(minikube, f"describe pv pvc-{uid}")
    assert "hostPathProvisionerIdentity: " in describe
    assert re.search(r"Path:\s+/tmp/hostpath-provisioner/default/data\n", describe), describe


def test_the_volume_is_a_directory_on_the_node_and_goes_with_the_claim(minikube: Cluster) -> None:
    minikube.api.create(dict(CLAIM))
    minikube.api.create(dict(POD))
    minikube.run_until(minikube.clock.now() + 120, lambda: minikube.store.get(
        "Pod", "default", "writer")["status"].get("phase") == "Running")
    assert _kubectl(minikube, "exec writer -- sh -c 'echo hi > /data/f; cat /data/f'") == "hi\n"
    tree = minikube.controller("volume-manager").node_tree("minikube")  # type: ignore[attr-defined]
    directory = ["tmp", "hostpath-provisioner", "default", "data"]
    assert tree.node(directory).mode == 0o777
    assert tree.node([*directory, "f"]).data == b"hi\n"
    uid = minikube.store.get("PersistentVolumeClaim", "default", "data")["metadata"]["uid"]
    _kubectl(minikube, "delete pod writer")
    _kubectl(minikube, "delete pvc data")
    minikube.advance(5)
    assert minikube.store.peek("PersistentVolume", "", f"pvc-{uid}") is None
    assert tree.node(directory) is None and tree.node(directory[:3]) is not None


def test_without_the_provisioner_pod_the_claim_waits_and_the_addon_reports_it(minikube: Cluster) -> None:
    assert addons.states(minikube)["storage-provisioner"] is True
    minikube.set_addon("storage-provisioner", False)
    minikube.advance(40)
    assert addons.states(minikube)["storage-provisioner"] is False
    assert minikube.store.peek("Pod", "kube-system", "storage-provisioner") is None
    minikube.api.create(dict(CLAIM))
    minikube.advance(10)
    assert minikube.store.get("PersistentVolumeClaim", "default", "data")["status"]["phase"] == "Pending"
    assert not minikube.store.list("PersistentVolume")
    minikube.set_addon("storage-provisioner", True)
    minikube.run_until(minikube.clock.now() + 120, lambda: minikube.store.get(
        "PersistentVolumeClaim", "default", "data")["status"].get("phase") == "Bound")
    assert minikube.store.get("PersistentVolumeClaim", "default", "data")["status"]["phase"] == "Bound"


def test_the_kubeadm_lab_reports_local_path_not_minikubes() -> None:
    lab = Cluster(seed=1)
    assert addons.states(lab)["storage-provisioner"] is False
    assert lab.store.peek("Pod", "kube-system", "storage-provisioner") is None
