"""Server-side apply and managedFields (server/sim/ssa.py) against what a v1.32 apiserver answers.

The schema is a small test double of ``openapi.Schema`` built from dicts, shaped like the v1.32
OpenAPI of apps/v1 Deployment (list-map keys, atomic selector, defaulted port protocol, ...), so
these tests do not depend on the OpenAPI loader.
"""

from __future__ import annotations

import copy
import json

import pytest

from server.sim import ssa

T0, T1, T2, T3 = ("2024-01-01T00:00:00Z", "2024-01-01T00:01:00Z", "2024-01-01T00:02:00Z",
                  "2024-01-01T00:03:00Z")


class S:
    """Test double of openapi.Schema."""

    def __init__(self, type: str = "", *, props: dict | None = None, add: S | None = None,
                 items: S | None = None, list_type: str = "", keys: tuple[str, ...] = (), map_type: str = "",
                 patch_strategy: str = "", patch_merge_key: str = "", default=None, format: str = "") -> None:
        self.type, self.format = type, format
        self._props, self._add, self._items = props or {}, add, items
        self.list_type, self.list_map_keys, self.map_type = list_type, keys, map_type
        self.patch_strategy, self.patch_merge_key = patch_strategy, patch_merge_key
        if default is not None:
            self.default = default

    def field(self, name: str) -> S | None:
        return self._props.get(name, self._add)

    @property
    def items(self) -> S | None:
        return self._items


STR, INT = S("string"), S("integer")
STRMAP = S("object", add=STR)
OBJECT_META = S("object", props={
    "name": STR, "namespace": STR, "uid": STR, "resourceVersion": STR, "generation": INT,
    "creationTimestamp": S("string", format="date-time"), "labels": STRMAP, "annotations": STRMAP,
    "managedFields": S("array", list_type="atomic", items=S("object", props={"manager": STR})),
    "finalizers": S("array", items=STR, patch_strategy="merge"),
})
CONTAINER = S("object", props={
    "name": STR, "image": STR, "imagePullPolicy": STR, "args": S("array", items=STR),
    "ports": S("array", list_type="map", keys=("containerPort", "protocol"), items=S("object", props={
        "containerPort": INT, "name": STR, "protocol": S("string", default="TCP")})),
    "env": S("array", patch_strategy="merge", patch_merge_key="name",
             items=S("object", props={"name": STR, "value": STR})),
    "resources": S("object", props={"limits": STRMAP, "requests": STRMAP}),
})
POD_SPEC = S("object", props={
    "containers": S("array", list_type="map", keys=("name",), patch_strategy="merge", patch_merge_key="name",
                    items=CONTAINER),
    "restartPolicy": STR, "dnsPolicy": STR, "terminationGracePeriodSeconds": INT,
})
DEPLOYMENT = S("object", props={
    "apiVersion": STR, "kind": STR, "metadata": OBJECT_META,
    "spec": S("object", props={
        "replicas": INT, "revisionHistoryLimit": INT, "progressDeadlineSeconds": INT,
        "selector": S("object", map_type="atomic", props={"matchLabels": STRMAP}),
        "template": S("object", props={"metadata": OBJECT_META, "spec": POD_SPEC}),
        "strategy": S("object", props={"type": STR, "rollingUpdate": S("object", props={
            "maxSurge": S("", format="int-or-string"), "maxUnavailable": S("", format="int-or-string")})}),
    }),
    "status": S("object", props={"replicas": INT, "availableReplicas": INT}),
})


def deployment(replicas: int = 3, image: str = "nginx:1.14.2", containers: list | None = None,
               labels: dict | None = None) -> dict:
    containers = containers if containers is not None else [
        {"name": "nginx", "image": image, "ports": [{"containerPort": 80}]}]
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "nginx-deployment", "labels": labels or {"app": "nginx"}},
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "nginx"}},
                     "template": {"metadata": {"labels": {"app": "nginx"}},
                                  "spec": {"containers": containers}}}}


def stored(obj: dict, rv: str = "1") -> dict:
    """What the store would hold: identity metadata the apiserver adds."""
    out = copy.deepcopy(obj)
    out["metadata"].update({"namespace": "default", "uid": "u-1", "resourceVersion": rv,
                            "creationTimestamp": T0})
    return out


def entries(obj: dict) -> list[tuple]:
    return [(e.get("manager"), e["operation"], e.get("subresource", "")) for e in obj["metadata"]["managedFields"]]


def entry(obj: dict, manager: str, operation: str = "Apply", subresource: str = "") -> dict:
    for e in obj["metadata"].get("managedFields") or []:
        if (e.get("manager"), e["operation"], e.get("subresource", "")) == (manager, operation, subresource):
            return e
    raise AssertionError(f"no {manager}/{operation} entry in {entries(obj)}")


def owns(obj: dict, manager: str, path: tuple, operation: str = "Apply", subresource: str = "") -> bool:
    return path in ssa.decode_fields_v1(entry(obj, manager, operation, subresource)["fieldsV1"])


REPLICAS = ("f:spec", "f:replicas")


def test_create_by_apply_records_one_apply_entry_with_the_applied_fields():
    obj = ssa.apply(None, deployment(), "kubectl", force=False, schema=DEPLOYMENT, now=T0)
    assert obj["spec"]["replicas"] == 3
    assert obj["metadata"]["managedFields"] == [{
        "manager": "kubectl", "operation": "Apply", "apiVersion": "apps/v1", "time": T0,
        "fieldsType": "FieldsV1",
        "fieldsV1": {
            "f:metadata": {"f:labels": {"f:app": {}}},
            "f:spec": {
                "f:replicas": {}, "f:selector": {},
                "f:template": {
                    "f:metadata": {"f:labels": {"f:app": {}}},
                    "f:spec": {"f:containers": {'k:{"name":"nginx"}': {
                        ".": {}, "f:image": {}, "f:name": {},
                        # the key takes the schema's default protocol, as SMD does
                        "f:ports": {'k:{"containerPort":80,"protocol":"TCP"}': {".": {}, "f:containerPort": {}}},
                    }}}}}},
    }]
    # the sorted JSON order is the apiserver's (fields < keys; names sorted)
    assert list(obj["metadata"]["managedFields"][0]["fieldsV1"]["f:spec"]) == ["f:replicas", "f:selector",
                                                                              "f:template"]


def test_reapplying_the_same_config_changes_nothing():
    live = stored(ssa.apply(None, deployment(), "kubectl", force=False, schema=DEPLOYMENT, now=T0))
    again = ssa.apply(live, deployment(), "kubectl", force=False, schema=DEPLOYMENT, now=T1)
    assert again == live  # same object, same managedFields, the time not moved


def test_a_field_dropped_from_the_config_is_removed():
    two = deployment(containers=[{"name": "nginx", "image": "nginx"}, {"name": "log", "image": "busybox"}],
                     labels={"app": "nginx", "tier": "web"})
    live = stored(ssa.apply(None, two, "kubectl", force=False, schema=DEPLOYMENT, now=T0))
    one = deployment(containers=[{"name": "nginx", "image": "nginx"}])
    obj = ssa.apply(live, one, "kubectl", force=False, schema=DEPLOYMENT, now=T1)
    assert [c["name"] for c in obj["spec"]["template"]["spec"]["containers"]] == ["nginx"]
    assert obj["metadata"]["labels"] == {"app": "nginx"}
    assert obj["metadata"]["uid"] == "u-1" and obj["metadata"]["name"] == "nginx-deployment"
    fields = ssa.decode_fields_v1(entry(obj, "kubectl")["fieldsV1"])
    assert not any('k:{"name":"log"}' in p for p in fields)
    assert ("f:metadata", "f:labels", "f:tier") not in fields
    assert entry(obj, "kubectl")["time"] == T1


def test_a_dropped_field_another_manager_owns_stays():
    live = stored(ssa.apply(None, deployment(), "kubectl", force=False, schema=DEPLOYMENT, now=T0))
    shared = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "nginx-deployment"},
              "spec": {"replicas": 3}}
    live = stored(ssa.apply(live, shared, "hpa-handover", force=False, schema=DEPLOYMENT, now=T1))
    config = deployment()
    del config["spec"]["replicas"]
    obj = ssa.apply(live, config, "kubectl", force=False, schema=DEPLOYMENT, now=T2)
    assert obj["spec"]["replicas"] == 3
    assert not owns(obj, "kubectl", REPLICAS) and owns(obj, "hpa-handover", REPLICAS)


def edited(live: dict, **changes) -> dict:
    """`kubectl edit`: an Update by another manager that changes replicas and/or the image."""
    new = copy.deepcopy(live)
    if "replicas" in changes:
        new["spec"]["replicas"] = changes["replicas"]
    if "image" in changes:
        new["spec"]["template"]["spec"]["containers"][0]["image"] = changes["image"]
    return stored(ssa.record_update(live, new, "kubectl-edit", schema=DEPLOYMENT, now=T1), rv="2")


def test_apply_conflicts_with_a_field_another_manager_changed():
    live = stored(ssa.apply(None, deployment(), "kubectl", force=False, schema=DEPLOYMENT, now=T0))
    live = edited(live, replicas=5)
    assert owns(live, "kubectl-edit", REPLICAS, "Update") and not owns(live, "kubectl", REPLICAS)
    with pytest.raises(ssa.ApplyConflict) as err:
        ssa.apply(live, deployment(replicas=3), "kubectl", force=False, schema=DEPLOYMENT, now=T2)
    assert err.value.message == ('Apply failed with 1 conflict: conflict with "kubectl-edit" using apps/v1: '
                                 '.spec.replicas')
    assert err.value.conflicts == [("kubectl-edit", ".spec.replicas")]
    assert err.value.causes == [{"type": "FieldManagerConflict", "message": 'conflict with "kubectl-edit" using '
                                 'apps/v1', "field": ".spec.replicas"}]
    assert err.value.status()["code"] == 409 and err.value.status()["reason"] == "Conflict"


def test_several_conflicts_are_listed_per_manager():
    live = stored(ssa.apply(None, deployment(), "kubectl", force=False, schema=DEPLOYMENT, now=T0))
    live = edited(live, replicas=5, image="nginx:1.16")
    with pytest.raises(ssa.ApplyConflict) as err:
        ssa.apply(live, deployment(), "kubectl", force=False, schema=DEPLOYMENT, now=T2)
    assert err.value.message == ('Apply failed with 2 conflicts: conflicts with "kubectl-edit" using apps/v1:\n'
                                 '- .spec.replicas\n'
                                 '- .spec.template.spec.containers[name="nginx"].image')


def test_force_takes_ownership():
    live = stored(ssa.apply(None, deployment(), "kubectl", force=False, schema=DEPLOYMENT, now=T0))
    live = edited(live, replicas=5)
    obj = ssa.apply(live, deployment(replicas=3), "kubectl", force=True, schema=DEPLOYMENT, now=T2)
    assert obj["spec"]["replicas"] == 3
    assert owns(obj, "kubectl", REPLICAS)
    # kubectl-edit owned nothing else, so its entry is gone
    assert entries(obj) == [("kubectl", "Apply", "")]


def test_two_appliers_of_an_equal_value_share_it():
    live = stored(ssa.apply(None, deployment(), "kubectl", force=False, schema=DEPLOYMENT, now=T0))
    shared = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "nginx-deployment"},
              "spec": {"replicas": 3}}
    obj = ssa.apply(live, shared, "other", force=False, schema=DEPLOYMENT, now=T1)
    assert owns(obj, "kubectl", REPLICAS) and owns(obj, "other", REPLICAS)
    # the object did not change, so v1.32 records the new Apply entry without a time
    assert "time" not in entry(obj, "other") and entry(obj, "kubectl")["time"] == T0
    # a shared field changed by one applier is a conflict with the other
    with pytest.raises(ssa.ApplyConflict) as err:
        ssa.apply(stored(obj), {**shared, "spec": {"replicas": 4}}, "other", force=False, schema=DEPLOYMENT,
                  now=T2)
    assert err.value.message == 'Apply failed with 1 conflict: conflict with "kubectl": .spec.replicas'


def client_side_apply_create(config: dict) -> dict:
    """`kubectl apply` (client side) creating the object: a POST with the annotation, after defaulting."""
    body = copy.deepcopy(config)
    body["metadata"]["annotations"] = {ssa.LAST_APPLIED: ssa.last_applied_value(config)}
    body["spec"].update({"revisionHistoryLimit": 10, "progressDeadlineSeconds": 600,
                         "strategy": {"type": "RollingUpdate",
                                      "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}}})
    return stored(ssa.record_update(None, body, "kubectl-client-side-apply", schema=DEPLOYMENT, now=T0))


def test_client_side_apply_create_is_an_update_entry_shaped_like_the_apiservers():
    live = client_side_apply_create(deployment())
    assert entries(live) == [("kubectl-client-side-apply", "Update", "")]
    e = live["metadata"]["managedFields"][0]
    assert e["apiVersion"] == "apps/v1" and e["time"] == T0
    f = e["fieldsV1"]
    # maps and new list items own themselves ('.'); Go's non-pointer structs (spec, template, strategy) do not
    assert f["f:metadata"]["f:labels"] == {".": {}, "f:app": {}}
    assert f["f:metadata"]["f:annotations"] == {".": {}, "f:kubectl.kubernetes.io/last-applied-configuration": {}}
    assert "." not in f["f:spec"] and "." not in f["f:spec"]["f:template"] and "." not in f["f:spec"]["f:strategy"]
    assert f["f:spec"]["f:strategy"]["f:rollingUpdate"] == {".": {}, "f:maxSurge": {}, "f:maxUnavailable": {}}
    assert f["f:spec"]["f:template"]["f:spec"]["f:containers"]['k:{"name":"nginx"}']["f:ports"] == {
        ".": {}, 'k:{"containerPort":80,"protocol":"TCP"}': {".": {}, "f:containerPort": {}}}


def test_kubectl_apply_then_scale_then_apply_server_side_conflicts_on_replicas():
    """The docs' caution: `kubectl scale` after client-side apply owns replicas, so SSA conflicts."""
    live = client_side_apply_create(deployment(replicas=3))
    scaled = copy.deepcopy(live)
    scaled["spec"]["replicas"] = 5
    live = stored(ssa.record_update(live, scaled, "kubectl", schema=DEPLOYMENT, now=T1, subresource="scale"))
    scale_entry = entry(live, "kubectl", "Update", "scale")
    assert scale_entry["apiVersion"] == "apps/v1" and "time" not in scale_entry  # as v1.32 leaves it
    assert ssa.decode_fields_v1(scale_entry["fieldsV1"]) == {REPLICAS}
    assert not owns(live, "kubectl-client-side-apply", REPLICAS, "Update")
    with pytest.raises(ssa.ApplyConflict) as err:
        ssa.apply(live, deployment(replicas=3), "kubectl", force=False, schema=DEPLOYMENT, now=T2)
    assert err.value.message == ('Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" '
                                 'using apps/v1: .spec.replicas')


def test_client_side_apply_manager_conflicts_with_another_applier():
    live = client_side_apply_create(deployment(replicas=3))
    with pytest.raises(ssa.ApplyConflict) as err:
        ssa.apply(live, deployment(replicas=5), "my-manager", force=False, schema=DEPLOYMENT, now=T1)
    assert err.value.message == ('Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" '
                                 'using apps/v1: .spec.replicas')


def test_kubectl_server_side_apply_takes_over_what_the_annotation_still_matches():
    live = client_side_apply_create(deployment(replicas=3))
    obj = ssa.apply(live, deployment(replicas=5), "kubectl", force=False, schema=DEPLOYMENT, now=T1)
    assert obj["spec"]["replicas"] == 5
    assert owns(obj, "kubectl", REPLICAS) and not owns(obj, "kubectl-client-side-apply", REPLICAS, "Update")
    # the annotation follows the server-side config, so a later client-side apply still works
    assert json.loads(obj["metadata"]["annotations"][ssa.LAST_APPLIED])["spec"]["replicas"] == 5
    assert obj["metadata"]["annotations"][ssa.LAST_APPLIED].endswith("}\n")


def test_containers_are_an_associative_list_keyed_by_name():
    live = stored(ssa.apply(None, deployment(), "kubectl", force=False, schema=DEPLOYMENT, now=T0))
    sidecar = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "nginx-deployment"},
               "spec": {"template": {"spec": {"containers": [{"name": "log", "image": "busybox"}]}}}}
    live = stored(ssa.apply(live, sidecar, "injector", force=False, schema=DEPLOYMENT, now=T1))
    names = [c["name"] for c in live["spec"]["template"]["spec"]["containers"]]
    assert names == ["nginx", "log"]
    assert owns(live, "injector", ("f:spec", "f:template", "f:spec", "f:containers", 'k:{"name":"log"}'))
    # the first applier re-applying its own container leaves the other's alone
    live = stored(ssa.apply(live, deployment(image="nginx:1.16"), "kubectl", force=False, schema=DEPLOYMENT,
                            now=T2))
    containers = live["spec"]["template"]["spec"]["containers"]
    assert [(c["name"], c["image"]) for c in containers] == [("nginx", "nginx:1.16"), ("log", "busybox")]
    # and the injector dropping its container removes it
    bare = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "nginx-deployment"}}
    obj = ssa.apply(live, bare, "injector", force=False, schema=DEPLOYMENT, now=T3)
    assert [c["name"] for c in obj["spec"]["template"]["spec"]["containers"]] == ["nginx"]
    assert entries(obj) == [("kubectl", "Apply", "")]


def test_a_list_with_only_a_patch_merge_key_is_keyed_by_it():
    env = [{"name": "A", "value": "1"}]
    config = deployment(containers=[{"name": "nginx", "image": "nginx", "env": env}])
    obj = ssa.apply(None, config, "kubectl", force=False, schema=DEPLOYMENT, now=T0)
    c = entry(obj, "kubectl")["fieldsV1"]["f:spec"]["f:template"]["f:spec"]["f:containers"]['k:{"name":"nginx"}']
    assert c["f:env"] == {'k:{"name":"A"}': {".": {}, "f:name": {}, "f:value": {}}}


def test_an_atomic_list_and_an_atomic_map_are_owned_whole():
    config = deployment(containers=[{"name": "nginx", "image": "nginx", "args": ["-g", "daemon off;"]}])
    fields = ssa.fields_of(config, DEPLOYMENT)
    container = ("f:spec", "f:template", "f:spec", "f:containers", 'k:{"name":"nginx"}')
    assert container + ("f:args",) in fields
    assert ("f:spec", "f:selector") in fields and not any(p[:2] == ("f:spec", "f:selector") and len(p) > 2
                                                          for p in fields)


def test_duplicate_keys_in_the_config_are_refused():
    config = deployment(containers=[{"name": "nginx", "image": "a"}, {"name": "nginx", "image": "b"}])
    with pytest.raises(ssa.InvalidApply, match='duplicate entries for key \\[name="nginx"\\]'):
        ssa.apply(None, config, "kubectl", force=False, schema=DEPLOYMENT, now=T0)


def test_an_update_takes_the_changed_fields_from_other_managers():
    live = stored(ssa.apply(None, deployment(), "kubectl", force=False, schema=DEPLOYMENT, now=T0))
    live = edited(live, replicas=5)
    assert entries(live) == [("kubectl", "Apply", ""), ("kubectl-edit", "Update", "")]
    assert ssa.decode_fields_v1(entry(live, "kubectl-edit", "Update")["fieldsV1"]) == {REPLICAS}
    # an update that changes nothing keeps the entries (and their times) as they are
    same = ssa.record_update(live, copy.deepcopy(live), "kubectl-edit", schema=DEPLOYMENT, now=T3)
    assert same["metadata"]["managedFields"] == live["metadata"]["managedFields"]


def test_status_is_reset_for_the_main_resource_and_spec_for_status():
    live = stored(ssa.apply(None, deployment(), "kubectl", force=False, schema=DEPLOYMENT, now=T0))
    new = copy.deepcopy(live)
    new["status"] = {"replicas": 3}
    by_main = ssa.record_update(live, new, "someone", schema=DEPLOYMENT, now=T1)
    assert entries(by_main) == [("kubectl", "Apply", "")]
    by_status = ssa.record_update(live, new, "kube-controller-manager", schema=DEPLOYMENT, now=T1,
                                  subresource="status")
    e = entry(by_status, "kube-controller-manager", "Update", "status")
    assert e["fieldsV1"] == {"f:status": {".": {}, "f:replicas": {}}} and e["time"] == T1


def test_an_untracked_object_gets_a_before_first_apply_manager():
    untracked = stored(deployment(replicas=2))
    with pytest.raises(ssa.ApplyConflict) as err:
        ssa.apply(untracked, deployment(replicas=3), "mine", force=False, schema=DEPLOYMENT, now=T1)
    assert err.value.message == ('Apply failed with 1 conflict: conflict with "before-first-apply" using apps/v1: '
                                 '.spec.replicas')
    # and an update does not start tracking it; only creates do
    assert "managedFields" not in ssa.record_update(untracked, deployment(replicas=4), "x", schema=DEPLOYMENT,
                                                    now=T1)["metadata"]


def test_managed_fields_reset_by_an_update():
    live = stored(ssa.apply(None, deployment(), "kubectl", force=False, schema=DEPLOYMENT, now=T0))
    new = copy.deepcopy(live)
    new["metadata"]["managedFields"] = [{}]
    assert "managedFields" not in ssa.record_update(live, new, "x", schema=DEPLOYMENT, now=T1)["metadata"]


def test_apply_refuses_managed_fields_in_the_config():
    config = deployment()
    config["metadata"]["managedFields"] = []
    with pytest.raises(ssa.InvalidApply, match="metadata.managedFields must be nil"):
        ssa.apply(None, config, "kubectl", force=False, schema=DEPLOYMENT, now=T0)


def test_update_managers_are_capped_at_ten():
    live = stored(ssa.apply(None, {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"},
                                   "data": {"k0": "v"}}, "kubectl", force=False, schema=None, now=T0))
    for i in range(1, 12):
        new = copy.deepcopy(live)
        new["data"][f"k{i}"] = "v"
        live = stored(ssa.record_update(live, new, f"writer-{i:02d}", schema=None,
                                        now=f"2024-01-01T00:{i:02d}:00Z"))
    updates = [e for e in live["metadata"]["managedFields"] if e["operation"] == "Update"]
    assert len(updates) == 10
    assert updates[0]["manager"] == "ancient-changes" and updates[0]["time"] == "2024-01-01T00:02:00Z"
    assert updates[0]["fieldsV1"] == {"f:data": {"f:k1": {}, "f:k2": {}}}


def test_untyped_values_are_deduced_maps_with_atomic_lists():
    cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "labels": {"a": "b"}},
          "data": {"k": "v"}, "extra": {"list": [1, 2]}}
    assert ssa.encode_fields_v1(ssa.fields_of(cm, None)) == {
        "f:apiVersion": {}, "f:data": {".": {}, "f:k": {}}, "f:extra": {".": {}, "f:list": {}}, "f:kind": {},
        "f:metadata": {".": {}, "f:labels": {".": {}, "f:a": {}}, "f:name": {}}}


# From the Kubernetes docs page "Server-Side Apply" (the multi-manager ConfigMap) and a real
# kubectl-client-side-apply Deployment entry.
DOCS_CONFIGMAP_FIELDS = [
    {"f:metadata": {"f:labels": {"f:test-label": {}}}},
    {"f:data": {"f:key": {}}},
]
DEPLOYMENT_FIELDS = {
    "f:metadata": {"f:annotations": {".": {}, "f:kubectl.kubernetes.io/last-applied-configuration": {}},
                   "f:labels": {".": {}, "f:app": {}}},
    "f:spec": {
        "f:progressDeadlineSeconds": {}, "f:replicas": {}, "f:revisionHistoryLimit": {}, "f:selector": {},
        "f:strategy": {"f:rollingUpdate": {".": {}, "f:maxSurge": {}, "f:maxUnavailable": {}}, "f:type": {}},
        "f:template": {
            "f:metadata": {"f:labels": {".": {}, "f:app": {}}},
            "f:spec": {
                "f:containers": {'k:{"name":"nginx"}': {
                    ".": {}, "f:image": {}, "f:imagePullPolicy": {}, "f:name": {},
                    "f:ports": {".": {}, 'k:{"containerPort":80,"protocol":"TCP"}': {
                        ".": {}, "f:containerPort": {}, "f:protocol": {}}},
                    "f:resources": {}, "f:terminationMessagePath": {}, "f:terminationMessagePolicy": {}}},
                "f:dnsPolicy": {}, "f:restartPolicy": {}, "f:schedulerName": {}, "f:securityContext": {},
                "f:terminationGracePeriodSeconds": {}}}},
}


@pytest.mark.parametrize("fields", [*DOCS_CONFIGMAP_FIELDS, DEPLOYMENT_FIELDS])
def test_fields_v1_round_trip(fields):
    decoded = ssa.decode_fields_v1(fields)
    encoded = ssa.encode_fields_v1(decoded)
    assert json.dumps(encoded) == json.dumps(fields)  # same entries, same order


def test_fields_v1_members_and_children():
    decoded = ssa.decode_fields_v1(DEPLOYMENT_FIELDS)
    ports = ("f:spec", "f:template", "f:spec", "f:containers", 'k:{"name":"nginx"}', "f:ports")
    assert ports in decoded and ports + ('k:{"containerPort":80,"protocol":"TCP"}',) in decoded
    assert ("f:spec",) not in decoded and ("f:spec", "f:strategy") not in decoded
    # keys are read back in canonical order whatever order a client wrote them in
    assert ssa.decode_fields_v1({"f:ports": {'k:{"protocol":"TCP","containerPort":80}': {}}}) == {
        ("f:ports", 'k:{"containerPort":80,"protocol":"TCP"}')}
    assert ssa.path_string(ports + ('k:{"containerPort":80,"protocol":"TCP"}',)) == (
        '.spec.template.spec.containers[name="nginx"].ports[containerPort=80,protocol="TCP"]')


def test_defaulted_fields_nobody_owns_survive_a_reapply():
    live = stored(ssa.apply(None, deployment(), "kubectl", force=False, schema=DEPLOYMENT, now=T0))
    container = live["spec"]["template"]["spec"]["containers"][0]
    container.update({"imagePullPolicy": "IfNotPresent", "resources": {}})  # what defaulting added
    live["spec"]["revisionHistoryLimit"] = 10
    obj = ssa.apply(live, deployment(image="nginx:1.16"), "kubectl", force=False, schema=DEPLOYMENT, now=T1)
    container = obj["spec"]["template"]["spec"]["containers"][0]
    assert container == {"name": "nginx", "image": "nginx:1.16", "ports": [{"containerPort": 80}],
                         "imagePullPolicy": "IfNotPresent", "resources": {}}
    assert obj["spec"]["revisionHistoryLimit"] == 10
    assert entry(obj, "kubectl")["time"] == T1


def test_applied_config_status_is_not_owned_by_the_main_resource():
    config = deployment()
    config["status"] = {"replicas": 9}
    obj = ssa.apply(None, config, "kubectl", force=False, schema=DEPLOYMENT, now=T0)
    assert "f:status" not in entry(obj, "kubectl")["fieldsV1"]


def test_applied_items_take_the_configs_order_among_live_items():
    three = deployment(containers=[{"name": n, "image": n} for n in ("a", "b", "c")])
    live = stored(ssa.apply(None, three, "other", force=False, schema=DEPLOYMENT, now=T0))
    mine = deployment(containers=[{"name": "c", "image": "c"}, {"name": "a", "image": "a"}])
    obj = ssa.apply(live, mine, "kubectl", force=False, schema=DEPLOYMENT, now=T1)
    # mergingWalker.visitListItems: live-only items stay in place, shared ones follow the config
    assert [c["name"] for c in obj["spec"]["template"]["spec"]["containers"]] == ["b", "c", "a"]
