"""Storage: the PV controller's binding and reclaiming, DefaultStorageClass admission, the
scheduler's VolumeBinding plugin, the protection finalizers, StatefulSet claims and the
retention policy — each asserted through the objects and events a user reads."""

from __future__ import annotations

import copy

import pytest

from server.sim.api import ApiError
from server.sim.controllers.persistentvolume import find_best_match


def pv(name: str, size: str = "1Gi", modes=("ReadWriteOnce",), cls: str | None = "manual", path: str = "/mnt/data",
       policy: str | None = None, labels=None, node: str | None = None, claim: str | None = None) -> dict:
    spec: dict = {"capacity": {"storage": size}, "accessModes": list(modes), "hostPath": {"path": path}}
    if cls is not None:
        spec["storageClassName"] = cls
    if policy:
        spec["persistentVolumeReclaimPolicy"] = policy
    if node:
        spec["nodeAffinity"] = {"required": {"nodeSelectorTerms": [{"matchExpressions": [
            {"key": "kubernetes.io/hostname", "operator": "In", "values": [node]}]}]}}
    if claim:
        spec["claimRef"] = {"namespace": "default", "name": claim}
    return {"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": name, "labels": labels or {}},
            "spec": spec}


def pvc(name: str, size: str = "1Gi", modes=("ReadWriteOnce",), cls: str | None = "manual", selector=None,
        volume: str | None = None) -> dict:
    spec: dict = {"accessModes": list(modes), "resources": {"requests": {"storage": size}}}
    if cls is not None:
        spec["storageClassName"] = cls
    if selector:
        spec["selector"] = {"matchLabels": selector}
    if volume:
        spec["volumeName"] = volume
    return {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": name, "namespace": "default"},
            "spec": spec}


def pod(name: str, claim: str, node_selector=None) -> dict:
    spec: dict = {"containers": [{"name": "c", "image": "nginx", "volumeMounts": [{"name": "d", "mountPath": "/d"}]}],
                  "volumes": [{"name": "d", "persistentVolumeClaim": {"claimName": claim}}]}
    if node_selector:
        spec["nodeSelector"] = node_selector
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default"}, "spec": spec}


def sc(name: str, provisioner: str = "kubernetes.io/no-provisioner", mode: str = "WaitForFirstConsumer",
       default: bool = False) -> dict:
    meta: dict = {"name": name}
    if default:
        meta["annotations"] = {"storageclass.kubernetes.io/is-default-class": "true"}
    return {"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": meta, "provisioner": provisioner,
            "volumeBindingMode": mode}


def _claim(cluster, name):
    return cluster.store.get("PersistentVolumeClaim", "default", name)


def _volume(cluster, name):
    return cluster.store.get("PersistentVolume", "", name)


def _events(cluster, name: str, kind: str = "PersistentVolumeClaim") -> list[tuple[str, str, str]]:
    return [(e["type"], e["reason"], e["message"]) for e in sorted(
        cluster.store.list("Event", "default"), key=lambda e: (e.get("firstTimestamp") or "", e["metadata"]["name"]))
            if e["involvedObject"]["name"] == name and e["involvedObject"]["kind"] == kind]


def _create(cluster, *objs):
    for obj in objs:
        cluster.api.create(copy.deepcopy(obj))
    cluster.advance(1)


# -- binding --------------------------------------------------------------------------------------------------
def test_a_claim_binds_to_the_smallest_volume_that_fits(cluster):
    _create(cluster, pv("big", "10Gi"), pv("small", "2Gi"), pv("tiny", "500Mi"), pv("other-class", "2Gi", cls="x"))
    _create(cluster, pvc("data", "1Gi"))
    claim, volume = _claim(cluster, "data"), _volume(cluster, "small")
    assert claim["spec"]["volumeName"] == "small"
    assert claim["status"] == {"phase": "Bound", "accessModes": ["ReadWriteOnce"], "capacity": {"storage": "2Gi"}}
    assert claim["metadata"]["annotations"] == {"pv.kubernetes.io/bind-completed": "yes",
                                                "pv.kubernetes.io/bound-by-controller": "yes"}
    ref = volume["spec"]["claimRef"]
    assert (ref["kind"], ref["namespace"], ref["name"], ref["uid"]) == ("PersistentVolumeClaim", "default", "data",
                                                                       claim["metadata"]["uid"])
    assert volume["metadata"]["annotations"] == {"pv.kubernetes.io/bound-by-controller": "yes"}
    assert volume["status"]["phase"] == "Bound"
    assert {n: _volume(cluster, n)["status"]["phase"] for n in ("big", "tiny", "other-class")} == \
        dict.fromkeys(("big", "tiny", "other-class"), "Available")


def test_the_smallest_set_of_access_modes_wins_over_size(cluster):
    _create(cluster, pv("rwo-big", "10Gi"), pv("rwx-small", "1Gi", modes=("ReadWriteOnce", "ReadWriteMany")))
    _create(cluster, pvc("data", "1Gi"))
    assert _claim(cluster, "data")["spec"]["volumeName"] == "rwo-big"


def test_access_modes_selector_and_volume_mode_must_match(cluster):
    _create(cluster, pv("rwo", "5Gi"), pv("labelled", "5Gi", modes=("ReadWriteMany",), labels={"tier": "gold"}))
    _create(cluster, pvc("wants-rwx", modes=("ReadWriteMany",), selector={"tier": "silver"}))
    assert _claim(cluster, "wants-rwx")["status"]["phase"] == "Pending"
    assert _events(cluster, "wants-rwx")[-1] == ("Warning", "ProvisioningFailed",
                                                 'storageclass.storage.k8s.io "manual" not found')
    found = find_best_match(pvc("x", modes=("ReadWriteMany",), selector={"tier": "gold"}) | {"metadata": {
        "name": "x", "namespace": "default"}}, cluster.store.list("PersistentVolume"), delay_binding=False)
    assert found is not None and found["metadata"]["name"] == "labelled"
    block = pvc("b")
    block["spec"]["volumeMode"] = "Block"
    block["metadata"]["namespace"] = "default"
    assert find_best_match(block, cluster.store.list("PersistentVolume"), delay_binding=False) is None


def test_no_volume_and_no_class_is_failed_binding_retried_at_the_resync(cluster):
    _create(cluster, pvc("data", cls=""))
    assert _claim(cluster, "data")["status"] == {"phase": "Pending"}
    assert _events(cluster, "data") == [("Normal", "FailedBinding",
                                         "no persistent volumes available for this claim and no storage class is set")]
    # a volume created later is found at the next periodic sync (15 s)
    _create(cluster, pv("late", cls=""))
    assert _claim(cluster, "data")["status"]["phase"] == "Pending"
    cluster.advance(15)
    assert _claim(cluster, "data")["spec"]["volumeName"] == "late"
    ev = [e for e in cluster.store.list("Event", "default") if e["reason"] == "FailedBinding"]
    assert [e["count"] for e in ev] == [1]


def test_a_volume_pre_bound_to_a_claim_binds_it_and_a_claim_may_name_its_volume(cluster):
    _create(cluster, pv("reserved", "5Gi", claim="mine"), pv("named", "5Gi"), pv("named2", "5Gi", cls="other"))
    _create(cluster, pvc("wants-named", volume="named"), pvc("mine"), pvc("other"), pvc("too-big", "9Gi", volume="named2"))
    assert _claim(cluster, "mine")["spec"]["volumeName"] == "reserved"
    assert _claim(cluster, "other")["status"]["phase"] == "Pending"  # the reserved one is not for it
    named = _claim(cluster, "wants-named")
    assert named["status"]["phase"] == "Bound"
    # the user chose the volume: only the bind is the controller's
    assert named["metadata"]["annotations"] == {"pv.kubernetes.io/bind-completed": "yes"}
    assert "pv.kubernetes.io/bound-by-controller" not in (_volume(cluster, "reserved")["metadata"].get("annotations")
                                                          or {})
    assert _claim(cluster, "too-big")["status"]["phase"] == "Pending"
    assert _events(cluster, "too-big") == [("Warning", "VolumeMismatch",
                                            'Cannot bind to requested volume "named2": requested PV is too small')]


def test_released_retain_delete_and_failed(cluster):
    _create(cluster, pv("keep", "1Gi", path="/mnt/data"), pv("tmp", "2Gi", path="/tmp/scratch", policy="Delete"),
            pv("mnt", "3Gi", path="/srv/x", policy="Delete"))
    _create(cluster, pvc("a", "1Gi"), pvc("b", "2Gi"), pvc("c", "3Gi"))
    assert [_claim(cluster, n)["spec"]["volumeName"] for n in "abc"] == ["keep", "tmp", "mnt"]
    for n in "abc":
        cluster.api.delete("PersistentVolumeClaim", "default", n)
    cluster.advance(1)
    keep = _volume(cluster, "keep")
    assert keep["status"]["phase"] == "Released" and keep["spec"]["claimRef"]["name"] == "a"
    assert cluster.store.get("PersistentVolume", "", "tmp") is None
    mnt = _volume(cluster, "mnt")
    assert mnt["status"]["phase"] == "Failed"
    assert mnt["status"]["message"] == "host_path deleter only supports /tmp/.+ but received provided /srv/x"
    assert _events(cluster, "mnt", "PersistentVolume") == [
        ("Warning", "VolumeFailedDelete", "host_path deleter only supports /tmp/.+ but received provided /srv/x")]
    # a new claim of the same name does not get the Released volume back
    _create(cluster, pvc("a", "1Gi"))
    assert _claim(cluster, "a")["status"]["phase"] == "Pending"
    assert _volume(cluster, "keep")["status"]["phase"] == "Released"


def test_last_phase_transition_time_moves_with_the_phase(cluster):
    _create(cluster, pv("v"))
    first = _volume(cluster, "v")["status"]["lastPhaseTransitionTime"]
    cluster.advance(10)
    _create(cluster, pvc("c"))
    second = _volume(cluster, "v")["status"]["lastPhaseTransitionTime"]
    assert second > first and _volume(cluster, "v")["status"]["phase"] == "Bound"


def test_bound_claim_that_lost_its_volume(cluster):
    _create(cluster, pv("v"))
    _create(cluster, pvc("c"))
    cluster.api.delete("PersistentVolume", "", "v")
    cluster.advance(1)  # pv-protection holds a bound volume: Terminating, the claim still Bound
    assert _volume(cluster, "v")["metadata"]["deletionTimestamp"]
    assert _claim(cluster, "c")["status"]["phase"] == "Bound"
    volume = _volume(cluster, "v")
    volume["metadata"].pop("finalizers")  # an admin forcing it: kubectl patch pv v -p '{"metadata":{"finalizers":null}}'
    cluster.api.replace(volume)
    cluster.advance(1)
    assert _volume(cluster, "v") is None
    assert _claim(cluster, "c")["status"]["phase"] == "Lost"
    assert _events(cluster, "c")[-1] == ("Warning", "ClaimLost",
                                         "Bound claim has lost its PersistentVolume. Data on the volume is lost!")


# -- classes --------------------------------------------------------------------------------------------------
def test_default_storage_class_admission_and_the_retroactive_default(cluster):
    _create(cluster, {**pvc("before", cls=None)})
    assert "storageClassName" not in _claim(cluster, "before")["spec"]
    _create(cluster, sc("std", provisioner="example.com/std", mode="Immediate", default=True))
    # a claim created without a class gets the default one at admission...
    _create(cluster, pvc("after", cls=None), pvc("explicit-none", cls=""))
    assert _claim(cluster, "after")["spec"]["storageClassName"] == "std"
    assert "storageClassName" in _claim(cluster, "explicit-none")["spec"]
    assert _claim(cluster, "explicit-none")["spec"]["storageClassName"] == ""
    # ...and the one created before it gets it from the PV controller, at its next periodic sync
    assert "storageClassName" not in _claim(cluster, "before")["spec"]
    cluster.advance(15)
    assert _claim(cluster, "before")["spec"]["storageClassName"] == "std"
    claim = _claim(cluster, "after")
    assert claim["metadata"]["annotations"]["volume.kubernetes.io/storage-provisioner"] == "example.com/std"
    assert _events(cluster, "after")[-1] == (
        "Normal", "ExternalProvisioning", "Waiting for a volume to be created either by the external provisioner "
        "'example.com/std' or manually by the system administrator. If volume creation is delayed, please verify "
        "that the provisioner is running and correctly registered.")


def test_wait_for_first_consumer_then_the_scheduler_binds_on_the_pods_node(cluster):
    _create(cluster, sc("local"), pv("on-node2", "5Gi", cls="local", node="node2"),
            pv("on-node1", "5Gi", cls="local", node="node1"))
    _create(cluster, pvc("data", cls="local"))
    assert _claim(cluster, "data")["status"]["phase"] == "Pending"
    assert _events(cluster, "data") == [("Normal", "WaitForFirstConsumer",
                                         "waiting for first consumer to be created before binding")]
    _create(cluster, pod("user", "data", node_selector={"kubernetes.io/hostname": "node2"}))
    cluster.advance(5)
    p = cluster.store.get("Pod", "default", "user")
    assert p["spec"]["nodeName"] == "node2"
    assert _claim(cluster, "data")["spec"]["volumeName"] == "on-node2"
    assert _volume(cluster, "on-node1")["status"]["phase"] == "Available"


def test_a_bound_volume_pins_its_pods_to_its_node(cluster):
    _create(cluster, pv("v", node="node1"))
    _create(cluster, pvc("c"))
    _create(cluster, pod("p1", "c"), pod("p2", "c"), pod("p3", "c"))
    assert {cluster.store.get("Pod", "default", n)["spec"]["nodeName"] for n in ("p1", "p2", "p3")} == {"node1"}
    _create(cluster, pod("elsewhere", "c", node_selector={"kubernetes.io/hostname": "node2"}))
    events = [m for t, r, m in _events(cluster, "elsewhere", "Pod") if r == "FailedScheduling"]
    assert events == ["0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) had "
                      "untolerated taint {node-role.kubernetes.io/control-plane: }, 1 node(s) had volume node affinity "
                      "conflict. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.."]


@pytest.mark.parametrize("claim,message", [
    (None, 'persistentvolumeclaim "missing" not found'),
    ("immediate", "pod has unbound immediate PersistentVolumeClaims"),
])
def test_scheduler_prefilter_messages(cluster, claim, message):
    if claim:
        _create(cluster, pvc("missing", cls=""))
    _create(cluster, pod("p", "missing"))
    p = cluster.store.get("Pod", "default", "p")
    assert "nodeName" not in p["spec"]
    assert [m for _t, r, m in _events(cluster, "p", "Pod") if r == "FailedScheduling"] == [
        f"0/3 nodes are available: {message}. preemption: 0/3 nodes are available: 3 Preemption is not helpful "
        "for scheduling.."]


def test_no_provisioner_class_without_volumes(cluster):
    _create(cluster, sc("local"))
    _create(cluster, pvc("data", cls="local"))
    _create(cluster, pod("p", "data"))
    assert [m for _t, r, m in _events(cluster, "p", "Pod") if r == "FailedScheduling"] == [
        "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, "
        "2 node(s) didn't find available persistent volumes to bind. preemption: 0/3 nodes are available: "
        "3 Preemption is not helpful for scheduling.."]
    cluster.advance(15)  # the claim's next periodic sync sees the waiting pod
    assert _events(cluster, "data")[-1] == ("Normal", "WaitForPodScheduled", "waiting for pod p to be scheduled")
    # a volume that fits arrives: the pod is scheduled onto its node
    _create(cluster, pv("v", cls="local", node="node1"))
    cluster.advance(15)
    assert cluster.store.get("Pod", "default", "p")["spec"]["nodeName"] == "node1"
    assert _claim(cluster, "data")["status"]["phase"] == "Bound"


# -- protection -----------------------------------------------------------------------------------------------
def test_protection_finalizers_are_added_and_dropped_when_unused(cluster):
    _create(cluster, pv("v"))
    _create(cluster, pvc("c"))
    _create(cluster, pod("user", "c"))
    assert _claim(cluster, "c")["metadata"]["finalizers"] == ["kubernetes.io/pvc-protection"]
    assert _volume(cluster, "v")["metadata"]["finalizers"] == ["kubernetes.io/pv-protection"]
    assert cluster.controller("persistentvolume-binder-controller").users("default", "c") == ["user"]
    # a claim being deleted (as the apiserver marks it while a finalizer holds it) keeps its finalizer in use
    claim = _claim(cluster, "c")
    claim["metadata"]["deletionTimestamp"] = cluster.clock.iso()
    cluster.store.update(claim)
    cluster.settle()
    assert _claim(cluster, "c")["metadata"]["finalizers"] == ["kubernetes.io/pvc-protection"]
    cluster.api.delete("Pod", "default", "user", grace_period=0)
    cluster.settle()
    assert "finalizers" not in _claim(cluster, "c")["metadata"]


# -- validation -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("obj,message", [
    (pvc("x", modes=()), 'PersistentVolumeClaim "x" is invalid: spec.accessModes: Required value: at least 1 '
                         "access mode is required"),
    (pvc("x", size="0"), 'PersistentVolumeClaim "x" is invalid: spec.resources.requests[storage]: Invalid value: '
                         '"0": must be greater than zero'),
    ({**pv("x"), "spec": {"capacity": {"storage": "1Gi"}, "accessModes": ["ReadWriteOnce"]}},
     'PersistentVolume "x" is invalid: spec: Required value: must specify a volume type'),
    (pv("x", policy="Sometimes"), 'PersistentVolume "x" is invalid: spec.persistentVolumeReclaimPolicy: Unsupported '
                                  'value: "Sometimes": supported values: "Delete", "Recycle", "Retain"'),
    (sc("x", provisioner="", mode="Later"), 'StorageClass.storage.k8s.io "x" is invalid: [provisioner: Required '
                                            'value, volumeBindingMode: Unsupported value: "Later": supported values: '
                                            '"Immediate", "WaitForFirstConsumer"]'),
])
def test_invalid_storage_objects(cluster, obj, message):
    with pytest.raises(ApiError) as e:
        cluster.api.create(copy.deepcopy(obj))
    assert e.value.code == 422 and e.value.message == message


def test_a_claims_spec_is_immutable_and_a_class_keeps_its_provisioner(cluster):
    _create(cluster, pv("v", "5Gi"))
    _create(cluster, pvc("c", "1Gi"), sc("s", provisioner="example.com/a", mode="Immediate"))
    claim = _claim(cluster, "c")
    claim["spec"]["accessModes"] = ["ReadWriteMany"]
    with pytest.raises(ApiError) as e:
        cluster.api.replace(claim)
    assert e.value.message.startswith('PersistentVolumeClaim "c" is invalid: spec: Forbidden: spec is immutable after '
                                      "creation except resources.requests and volumeAttributesClassName for bound "
                                      "claims\n")
    shrunk = _claim(cluster, "c")
    shrunk["spec"]["resources"]["requests"]["storage"] = "500Mi"
    with pytest.raises(ApiError) as e:
        cluster.api.replace(shrunk)
    assert e.value.message == ('PersistentVolumeClaim "c" is invalid: spec.resources.requests.storage: Forbidden: '
                               "field can not be less than status.capacity")
    cls = cluster.store.get("StorageClass", "", "s")
    cls["provisioner"] = "example.com/b"
    with pytest.raises(ApiError) as e:
        cluster.api.replace(cls)
    assert e.value.message == ('StorageClass.storage.k8s.io "s" is invalid: provisioner: Forbidden: updates to '
                               "provisioner are forbidden.")


# -- StatefulSet claims ---------------------------------------------------------------------------------------
WEB = {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "web", "namespace": "default"},
       "spec": {"selector": {"matchLabels": {"app": "nginx"}}, "serviceName": "nginx", "replicas": 2,
                "template": {"metadata": {"labels": {"app": "nginx"}}, "spec": {"containers": [{
                    "name": "nginx", "image": "nginx", "volumeMounts": [{"name": "www", "mountPath": "/www"}]}]}},
                "volumeClaimTemplates": [{"metadata": {"name": "www", "labels": {"tier": "web"}}, "spec": {
                    "accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}]}}


def _web(cluster, policy=None):
    cluster.set_addon("storage-provisioner", True)
    sts = copy.deepcopy(WEB)
    if policy:
        sts["spec"]["persistentVolumeClaimRetentionPolicy"] = policy
    cluster.api.create(sts)
    cluster.advance(120)
    assert [p["metadata"]["name"] for p in cluster.store.list("Pod", "default")
            if p["status"].get("phase") == "Running"] == ["web-0", "web-1"]


def _owners(cluster, name):
    claim = cluster.store.get("PersistentVolumeClaim", "default", name)
    return None if claim is None else [(r["kind"], r["name"]) for r in claim["metadata"].get("ownerReferences") or []]


def test_claims_are_made_from_the_templates_before_their_pods(cluster):
    _web(cluster)
    claim = _claim(cluster, "www-web-0")
    assert claim["metadata"]["labels"] == {"tier": "web", "app": "nginx"}
    assert claim["spec"]["storageClassName"] == "local-path" and claim["status"]["phase"] == "Bound"
    assert _owners(cluster, "www-web-0") == [] and _owners(cluster, "www-web-1") == []
    messages = [m for _t, r, m in _events(cluster, "web", "StatefulSet") if r == "SuccessfulCreate"]
    assert messages == ["create Claim www-web-0 Pod web-0 in StatefulSet web success",
                        "create Pod web-0 in StatefulSet web successful",
                        "create Claim www-web-1 Pod web-1 in StatefulSet web success",
                        "create Pod web-1 in StatefulSet web successful"]
    vol = cluster.store.get("Pod", "default", "web-0")["spec"]["volumes"][0]
    assert vol == {"name": "www", "persistentVolumeClaim": {"claimName": "www-web-0"}}


def test_a_missing_claim_of_a_pending_pod_is_made_again(cluster):
    cluster.api.create(copy.deepcopy(WEB))  # no class: web-0 waits for its claim
    cluster.advance(5)
    cluster.api.delete("PersistentVolumeClaim", "default", "www-web-0")
    cluster.advance(1)
    assert _claim(cluster, "www-web-0") is not None
    assert [m for _t, r, m in _events(cluster, "web", "StatefulSet") if r == "SuccessfulCreate"].count(
        "create Claim www-web-0 Pod web-0 in StatefulSet web success") == 1  # the same event, counted twice
    ev = [e for e in cluster.store.list("Event", "default") if e["message"].startswith("create Claim www-web-0")]
    assert [e["count"] for e in ev] == [2]


def test_retention_when_deleted_delete(cluster):
    _web(cluster, {"whenDeleted": "Delete", "whenScaled": "Retain"})
    assert _owners(cluster, "www-web-0") == [("StatefulSet", "web")]
    cluster.api.delete("StatefulSet", "default", "web")
    cluster.advance(60)
    assert _claim(cluster, "www-web-0") is None and _claim(cluster, "www-web-1") is None


def test_retention_when_scaled_delete(cluster):
    _web(cluster, {"whenDeleted": "Retain", "whenScaled": "Delete"})
    assert _owners(cluster, "www-web-1") == []
    sts = cluster.store.get("StatefulSet", "default", "web")
    sts["spec"]["replicas"] = 1
    cluster.api.replace(sts)
    cluster.advance(60)
    assert cluster.store.get("Pod", "default", "web-1") is None
    assert _claim(cluster, "www-web-1") is None  # owned by the condemned pod, collected with it
    assert _claim(cluster, "www-web-0") is not None and _owners(cluster, "www-web-0") == []


def test_an_invalid_claim_template_blocks_the_pod_with_the_real_events(cluster):
    sts = copy.deepcopy(WEB)
    sts["spec"]["volumeClaimTemplates"][0]["spec"]["resources"] = {}
    cluster.api.create(sts)
    cluster.advance(1)
    assert cluster.store.list("Pod", "default") == []
    failed = [m for _t, r, m in _events(cluster, "web", "StatefulSet") if r == "FailedCreate"]
    invalid = 'PersistentVolumeClaim "www-web-0" is invalid: spec.resources[storage]: Required value'
    assert failed == [f"create Claim www-web-0 for Pod web-0 in StatefulSet web failed error: {invalid}",
                      f"create Pod web-0 in StatefulSet web failed error: failed to create PVC www-web-0: {invalid}"]


def test_a_volume_being_deleted_keeps_its_finalizer_while_bound(cluster):
    _create(cluster, pv("v"))
    _create(cluster, pvc("c"))
    volume = _volume(cluster, "v")
    volume["metadata"]["deletionTimestamp"] = cluster.clock.iso()  # as the apiserver marks it (finalizer held)
    cluster.store.update(volume)
    cluster.settle()
    assert _volume(cluster, "v")["metadata"]["finalizers"] == ["kubernetes.io/pv-protection"]
    cluster.api.delete("PersistentVolumeClaim", "default", "c")
    cluster.settle()
    released = _volume(cluster, "v")
    assert released["status"]["phase"] == "Released" and "finalizers" not in released["metadata"]


def test_a_claim_grows_only_when_its_class_allows_expansion(cluster, kubectl):
    _create(cluster, sc("grows", provisioner="example.com/x", mode="Immediate"), pv("v", "5Gi", cls="grows"))
    _create(cluster, pvc("c", "1Gi", cls="grows"))
    patch = """-p '{"spec":{"resources":{"requests":{"storage":"2Gi"}}}}'"""
    assert kubectl(f"patch pvc c {patch}", rc=1) == (
        'Error from server (Forbidden): persistentvolumeclaims "c" is forbidden: only dynamically provisioned pvc '
        "can be resized and the storageclass that provisions the pvc must support resize\n")
    cls = cluster.store.get("StorageClass", "", "grows")
    cls["allowVolumeExpansion"] = True
    cluster.api.replace(cls)
    assert kubectl(f"patch pvc c {patch}") == "persistentvolumeclaim/c patched\n"
    assert _claim(cluster, "c")["spec"]["resources"]["requests"]["storage"] == "2Gi"
