"""The storage-provisioner add-on: rancher's local-path-provisioner as kind ships it — what enabling
installs, provisioning only while its pod runs, the PV it creates on the selected node, its events,
the Delete reclaim, and switching it off."""

from __future__ import annotations

import re

from server.sim.controllers.provisioner import PROVISION_TIME

CLAIM = {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "data", "namespace": "default"},
         "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "128Mi"}}}}
POD = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "writer", "namespace": "default"},
       "spec": {"containers": [{"name": "c", "image": "busybox", "command": ["sleep", "3600"],
                                "volumeMounts": [{"name": "d", "mountPath": "/data"}]}],
                "volumes": [{"name": "d", "persistentVolumeClaim": {"claimName": "data"}}]}}


def _events(cluster, name):
    return [(e["reason"], e["source"].get("component", ""), e["message"]) for e in sorted(
        cluster.store.list("Event", "default"), key=lambda e: (e.get("firstTimestamp") or "", e["metadata"]["name"]))
            if e["involvedObject"]["name"] == name and e["involvedObject"]["kind"] == "PersistentVolumeClaim"]


def _running(cluster):
    return [p["metadata"]["name"] for p in cluster.store.list("Pod", "local-path-storage")
            if p["status"].get("phase") == "Running"]


def test_enabling_installs_what_local_path_storage_yaml_creates(cluster, kubectl):
    assert kubectl("get sc") == "No resources found\n"
    cluster.set_addon("storage-provisioner", True)
    from server.sim import addons

    assert addons.states(cluster)["storage-provisioner"] is True
    assert kubectl("get sc").splitlines()[1].split()[:6] == ["local-path", "(default)", "rancher.io/local-path",
                                                             "Delete", "WaitForFirstConsumer", "false"]
    deploy = cluster.store.get("Deployment", "local-path-storage", "local-path-provisioner")
    container = deploy["spec"]["template"]["spec"]["containers"][0]
    assert container["image"] == "rancher/local-path-provisioner:v0.0.30"
    assert container["command"] == ["local-path-provisioner", "--debug", "start", "--config", "/etc/config/config.json"]
    assert cluster.store.get("ConfigMap", "local-path-storage", "local-path-config") is not None
    cluster.advance(60)
    assert len(_running(cluster)) == 1  # the image pulls and runs: no ErrImagePull


def test_a_claim_is_provisioned_on_its_pods_node_once_the_provisioner_runs(cluster):
    cluster.set_addon("storage-provisioner", True)
    cluster.api.create(dict(CLAIM))
    cluster.advance(1)
    claim = cluster.store.get("PersistentVolumeClaim", "default", "data")
    assert claim["spec"]["storageClassName"] == "local-path"  # DefaultStorageClass admission
    assert _events(cluster, "data") == [("WaitForFirstConsumer", "persistentvolume-controller",
                                         "waiting for first consumer to be created before binding")]
    cluster.api.create(dict(POD))
    cluster.run_until(cluster.clock.now() + 120, lambda: bool(
        cluster.store.get("Pod", "default", "writer")["status"].get("phase") == "Running"))
    pod = cluster.store.get("Pod", "default", "writer")
    assert pod["status"]["phase"] == "Running"
    node = pod["spec"]["nodeName"]
    claim = cluster.store.get("PersistentVolumeClaim", "default", "data")
    uid = claim["metadata"]["uid"]
    assert claim["metadata"]["annotations"]["volume.kubernetes.io/selected-node"] == node
    assert claim["spec"]["volumeName"] == f"pvc-{uid}" and claim["status"]["phase"] == "Bound"
    pv = cluster.store.get("PersistentVolume", "", f"pvc-{uid}")
    assert pv["spec"]["hostPath"] == {"path": f"/opt/local-path-provisioner/pvc-{uid}_default_data",
                                      "type": "DirectoryOrCreate"}
    assert pv["spec"]["nodeAffinity"]["required"]["nodeSelectorTerms"][0]["matchExpressions"] == [
        {"key": "kubernetes.io/hostname", "operator": "In", "values": [node]}]
    assert (pv["spec"]["capacity"], pv["spec"]["persistentVolumeReclaimPolicy"], pv["spec"]["storageClassName"]) == \
        ({"storage": "128Mi"}, "Delete", "local-path")
    assert pv["metadata"]["annotations"]["pv.kubernetes.io/provisioned-by"] == "rancher.io/local-path"
    assert [r for r, _s, _m in _events(cluster, "data")] == ["WaitForFirstConsumer", "ExternalProvisioning",
                                                             "Provisioning", "ProvisioningSucceeded"]
    assert [e.get("count") for e in cluster.store.list("Event", "default") if e["reason"] == "ExternalProvisioning"] \
        == [1]
    sources = {s for r, s, _m in _events(cluster, "data") if r.startswith("Provisioning")}
    assert len(sources) == 1
    assert re.fullmatch(r"rancher\.io/local-path_local-path-provisioner-[a-z0-9]+-[a-z0-9]{5}_[0-9a-f-]{36}",
                        sources.pop())
    provisioning = next(e for e in cluster.store.list("Event", "default") if e["reason"] == "Provisioning")
    succeeded = next(e for e in cluster.store.list("Event", "default") if e["reason"] == "ProvisioningSucceeded")
    from server.sim.clock import parse_time

    assert parse_time(succeeded["firstTimestamp"]) - parse_time(provisioning["firstTimestamp"]) == PROVISION_TIME
    assert succeeded["message"] == f"Successfully provisioned volume pvc-{uid}"

    # the helper pod's setup made the directory on the node, writable by all; the pod's files land in it
    tree = cluster.controller("volume-manager").node_tree(node)
    directory = pv["spec"]["hostPath"]["path"]
    assert tree.node(directory.strip("/").split("/")).mode == 0o777
    fs = cluster.controller("volume-manager").fs(pod["metadata"]["uid"], "c")
    fs.write("/data/note.txt", "kept\n")
    assert tree.node((directory + "/note.txt").strip("/").split("/")).data == b"kept\n"

    # deleting the claim (after its pod) releases the volume and the provisioner deletes it, data and all
    cluster.api.delete("Pod", "default", "writer", grace_period=0)
    cluster.api.delete("PersistentVolumeClaim", "default", "data")
    cluster.advance(1)
    assert cluster.store.get("PersistentVolume", "", f"pvc-{uid}")["status"]["phase"] == "Released"
    cluster.advance(PROVISION_TIME)
    assert cluster.store.get("PersistentVolume", "", f"pvc-{uid}") is None
    assert tree.node(directory.strip("/").split("/")) is None
    assert tree.node(["opt", "local-path-provisioner"]) is not None


def test_nothing_is_provisioned_while_the_provisioner_pod_is_down(cluster):
    cluster.set_addon("storage-provisioner", True)
    cluster.advance(60)
    cluster.api.create(dict(CLAIM))
    cluster.advance(1)
    # the provisioner's deployment is scaled to zero: the claim is left waiting
    deploy = cluster.store.get("Deployment", "local-path-storage", "local-path-provisioner")
    deploy["spec"]["replicas"] = 0
    cluster.api.replace(deploy)
    cluster.advance(60)
    assert _running(cluster) == []
    cluster.api.create(dict(POD))
    cluster.advance(30)
    claim = cluster.store.get("PersistentVolumeClaim", "default", "data")
    assert claim["status"]["phase"] == "Pending" and "volume.kubernetes.io/selected-node" in claim["metadata"]["annotations"]
    assert "Provisioning" not in [r for r, _s, _m in _events(cluster, "data")]
    assert "nodeName" not in cluster.store.get("Pod", "default", "writer")["spec"]
    deploy = cluster.store.get("Deployment", "local-path-storage", "local-path-provisioner")
    deploy["spec"]["replicas"] = 1
    cluster.api.replace(deploy)
    cluster.advance(60)
    assert cluster.store.get("PersistentVolumeClaim", "default", "data")["status"]["phase"] == "Bound"
    assert cluster.store.get("Pod", "default", "writer")["spec"].get("nodeName")


def test_an_immediate_class_of_the_provisioner_fails_without_a_node(cluster):
    cluster.set_addon("storage-provisioner", True)
    cluster.advance(60)
    cluster.api.create({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": {"name": "now"},
                        "provisioner": "rancher.io/local-path", "volumeBindingMode": "Immediate"})
    claim = {**CLAIM, "spec": {**CLAIM["spec"], "storageClassName": "now"}}
    cluster.api.create(claim)
    cluster.advance(1)
    failed = [m for r, _s, m in _events(cluster, "data") if r == "ProvisioningFailed"]
    assert failed == ['failed to provision volume with StorageClass "now": configuration error, no node was specified']


def test_disabling_removes_the_class_and_the_namespace(cluster, kubectl):
    cluster.set_addon("storage-provisioner", True)
    cluster.advance(30)
    cluster.set_addon("storage-provisioner", False)
    from server.sim import addons

    assert addons.states(cluster)["storage-provisioner"] is False
    assert kubectl("get sc") == "No resources found\n"
    cluster.set_addon("storage-provisioner", True)  # and on again
    assert addons.states(cluster)["storage-provisioner"] is True


def test_pre_bind_gives_up_after_its_timeout_and_tries_again(cluster):
    cluster.set_addon("storage-provisioner", True)
    cluster.advance(60)
    deploy = cluster.store.get("Deployment", "local-path-storage", "local-path-provisioner")
    deploy["spec"]["replicas"] = 0
    cluster.api.replace(deploy)
    cluster.advance(60)
    cluster.api.create(dict(CLAIM))
    cluster.api.create(dict(POD))
    cluster.advance(599)
    pod_events = [e for e in cluster.store.list("Event", "default") if e["involvedObject"]["name"] == "writer"]
    assert pod_events == []  # waiting in PreBind says nothing
    cluster.advance(2)
    pod = cluster.store.get("Pod", "default", "writer")
    message = 'running PreBind plugin "VolumeBinding": binding volumes: context deadline exceeded'
    assert [(e["reason"], e["message"]) for e in cluster.store.list("Event", "default")
            if e["involvedObject"]["name"] == "writer"] == [("FailedScheduling", message)]
    cond = next(c for c in pod["status"]["conditions"] if c["type"] == "PodScheduled")
    assert (cond["status"], cond["reason"], cond["message"]) == ("False", "SchedulerError", message)
    # the provisioner comes back: the next attempt binds the pod
    deploy = cluster.store.get("Deployment", "local-path-storage", "local-path-provisioner")
    deploy["spec"]["replicas"] = 1
    cluster.api.replace(deploy)
    cluster.advance(60)
    assert cluster.store.get("Pod", "default", "writer")["status"]["phase"] == "Running"
