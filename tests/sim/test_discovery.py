"""Discovery documents against what a default v1.32 apiserver serves.

Expected values are those of kubernetes/kubernetes api/discovery/*.json (generated from a running
apiserver) and of a kubeadm v1.32 cluster's ``kubectl get --raw`` answers.
"""

from __future__ import annotations

import hashlib
import json

import pytest

from server.sim import discovery
from server.sim.bootstrap import K8S_VERSION
from server.sim.resources import SERVED

FULL = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]

#: storageVersionHash of each served resource as upstream's storageversionhashdata.GVRToStorageVersionHash
#: (the table the apiserver's integration test pins: "shouldn't change unless we intentionally change
#: the storage version"); EndpointSlice is stored as discovery.k8s.io/v1, so not v1beta1's Nx3SIv6I0mE=
UPSTREAM_HASHES = {
    "configmaps": "qFsyl6wFWjQ=",
    "endpoints": "fWeeMqaN/OA=",
    "events": "r2yiGXH7wu8=",
    "namespaces": "Q3oi5N2YM8M=",
    "nodes": "XwShjMxG9Fs=",
    "pods": "xPOwRZ+Yhw8=",
    "secrets": "S6u1pOWzb84=",
    "serviceaccounts": "pbx9ZvyFpBE=",
    "services": "0/CO1lhkEBI=",
    "controllerrevisions": "85nkx63pcBU=",
    "daemonsets": "dd7pWHUlMKQ=",
    "deployments": "8aSe+NMegvE=",
    "replicasets": "P1RzHs8/mWQ=",
    "statefulsets": "H+vl74LkKdo=",
    "cronjobs": "sd5LIXh4Fjs=",
    "jobs": "mudhfqk/qZY=",
    "endpointslices": "qgS0xkrxYAI=",
    "leases": "gqkMMb/YqFM=",
    "persistentvolumeclaims": "QWTyNDq0dC4=",
    "persistentvolumes": "HN/zwEC+JgM=",
    "limitranges": "EBKMFVe6cwo=",
    "resourcequotas": "8uhSgffRX6w=",
    "horizontalpodautoscalers": "qwQve8ut294=",
    "ingresses": "39NQlfNR+bo=",
    "ingressclasses": "l/iqIbDgFyQ=",
    "networkpolicies": "YpfwF18m1G8=",
    "storageclasses": "K+m6uJwbjGY=",
    "priorityclasses": "1QwjyaZjj3Y=",
    "poddisruptionbudgets": "EVWiDmWqyJw=",
    "clusterrolebindings": "48tpQ8gZHFc=",
    "clusterroles": "bYE5ZWDrJ44=",
    "rolebindings": "eGsCzGH6b1g=",
    "roles": "7FuwZcIIItM=",
    "certificatesigningrequests": "95fRKMXA+00=",
}


def _all_entries() -> list[tuple[str, dict]]:
    out = []
    for gv in discovery.group_versions():
        group, _, version = gv.rpartition("/")
        doc = discovery.api_resource_list(group, version)
        assert doc is not None and doc["groupVersion"] == gv
        out.extend((group, e) for e in doc["resources"])
    return out


def test_every_kind_is_listed_once_with_its_scope_verbs_and_short_names():
    top = [(g, e) for g, e in _all_entries() if "/" not in e["name"]]
    # HorizontalPodAutoscaler twice: autoscaling/v2 (stored, preferred) and autoscaling/v1
    assert sorted(e["kind"] for _, e in top) == sorted([*(r.kind for r in SERVED), "HorizontalPodAutoscaler"])
    by_kind = {e["kind"]: (g, e) for g, e in top}
    for r in SERVED:
        group, e = by_kind[r.kind]
        assert (group, e["name"], e["singularName"], e["namespaced"]) == (
            r.group,
            r.plural,
            r.kind.lower(),
            r.namespaced,
        )
        assert e.get("shortNames", []) == list(r.short_names)
    # v1.32: the namespace registry has no DeleteCollection; every other stored kind has all eight
    # verbs, and the review endpoints only create
    assert by_kind["Namespace"][1]["verbs"] == ["create", "delete", "get", "list", "patch", "update", "watch"]
    stored = {r.kind for r in SERVED if r.stored}
    assert all(e["verbs"] == FULL for k, (_, e) in by_kind.items() if k != "Namespace" and k in stored)
    assert all(e["verbs"] == ["create"] for k, (_, e) in by_kind.items() if k not in stored)
    assert {k for k, (_, e) in by_kind.items() if e.get("categories") == ["all"]} == {
        "Pod",
        "Service",
        "DaemonSet",
        "Deployment",
        "ReplicaSet",
        "StatefulSet",
        "Job",
        "CronJob",
        "HorizontalPodAutoscaler",
    }
    assert by_kind["Pod"][1]["shortNames"] == ["po"] and by_kind["Deployment"][1]["shortNames"] == ["deploy"]
    assert "shortNames" not in by_kind["Secret"][1] and "shortNames" not in by_kind["Job"][1]


def test_storage_version_hashes_are_the_apiservers():
    stored = {r.plural for r in SERVED if r.stored}
    got = {e["name"]: e["storageVersionHash"] for _, e in _all_entries() if e["name"] in stored}
    # the review endpoints store nothing: no hash, as the apiserver lists them
    assert not [e for _, e in _all_entries() if e["name"] not in stored and "storageVersionHash" in e]
    assert got == UPSTREAM_HASHES
    # subresources carry none
    assert not [e for _, e in _all_entries() if "/" in e["name"] and "storageVersionHash" in e]


def test_core_list_is_sorted_by_path_with_the_v1_32_subresources():
    doc = discovery.api_resource_list("", "v1")
    assert [e["name"] for e in doc["resources"]] == [
        "configmaps",
        "endpoints",
        "events",
        "limitranges",
        "namespaces",
        "namespaces/finalize",
        "namespaces/status",
        "nodes",
        "nodes/proxy",
        "nodes/status",
        "persistentvolumeclaims",
        "persistentvolumeclaims/status",
        "persistentvolumes",
        "persistentvolumes/status",
        "pods",
        "pods/attach",
        "pods/binding",
        "pods/ephemeralcontainers",
        "pods/eviction",
        "pods/exec",
        "pods/log",
        "pods/portforward",
        "pods/proxy",
        "pods/status",
        "resourcequotas",
        "resourcequotas/status",
        "secrets",
        "serviceaccounts",
        "serviceaccounts/token",
        "services",
        "services/proxy",
        "services/status",
    ]  # no pods/resize: InPlacePodVerticalScaling is alpha (off) in v1.32
    entries = {e["name"]: e for e in doc["resources"]}
    assert entries["pods/eviction"] == {
        "name": "pods/eviction",
        "singularName": "",
        "namespaced": True,
        "group": "policy",
        "version": "v1",
        "kind": "Eviction",
        "verbs": ["create"],
    }
    assert entries["serviceaccounts/token"]["group"] == "authentication.k8s.io"
    assert entries["serviceaccounts/token"]["kind"] == "TokenRequest"
    assert entries["pods/log"] == {
        "name": "pods/log",
        "singularName": "",
        "namespaced": True,
        "kind": "Pod",
        "verbs": ["get"],
    }
    assert entries["pods/exec"]["kind"] == "PodExecOptions" and entries["pods/exec"]["verbs"] == [
        "create",
        "get",
    ]
    assert entries["nodes/proxy"]["kind"] == "NodeProxyOptions"
    assert entries["nodes/proxy"]["verbs"] == ["create", "delete", "get", "patch", "update"]
    assert entries["namespaces/finalize"]["verbs"] == ["update"]
    assert entries["namespaces/status"]["namespaced"] is False
    assert entries["pods/binding"]["kind"] == "Binding"


def test_json_is_written_in_the_go_structs_field_order():
    core = json.dumps(discovery.api_resource_list("", "v1"), separators=(",", ":"))
    assert core.startswith(
        '{"kind":"APIResourceList","groupVersion":"v1","resources":[{"name":"configmaps",'
        '"singularName":"configmap","namespaced":true,"kind":"ConfigMap","verbs":["create",'
        '"delete","deletecollection","get","list","patch","update","watch"],"shortNames":["cm"],'
        '"storageVersionHash":"qFsyl6wFWjQ="},'
    )
    apps = json.dumps(discovery.api_resource_list("apps", "v1"), separators=(",", ":"))
    assert apps.startswith(
        '{"kind":"APIResourceList","apiVersion":"v1","groupVersion":"apps/v1","resources":['
    )
    assert (
        '{"name":"deployments/scale","singularName":"","namespaced":true,"group":"autoscaling","version":"v1",'
        '"kind":"Scale","verbs":["get","patch","update"]}'
    ) in apps
    assert (
        '{"name":"daemonsets","singularName":"daemonset","namespaced":true,"kind":"DaemonSet","verbs":'
        '["create","delete","deletecollection","get","list","patch","update","watch"],"shortNames":["ds"],'
        '"categories":["all"],"storageVersionHash":"dd7pWHUlMKQ="}'
    ) in apps


def test_batch_v1_document_as_upstream():
    status = ["get", "patch", "update"]
    assert discovery.api_resource_list("batch", "v1") == {
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": "batch/v1",
        "resources": [
            {
                "name": "cronjobs",
                "singularName": "cronjob",
                "namespaced": True,
                "kind": "CronJob",
                "verbs": FULL,
                "shortNames": ["cj"],
                "categories": ["all"],
                "storageVersionHash": "sd5LIXh4Fjs=",
            },
            {
                "name": "cronjobs/status",
                "singularName": "",
                "namespaced": True,
                "kind": "CronJob",
                "verbs": status,
            },
            {
                "name": "jobs",
                "singularName": "job",
                "namespaced": True,
                "kind": "Job",
                "verbs": FULL,
                "categories": ["all"],
                "storageVersionHash": "mudhfqk/qZY=",
            },
            {"name": "jobs/status", "singularName": "", "namespaced": True, "kind": "Job", "verbs": status},
        ],
    }
    apps = [e["name"] for e in discovery.api_resource_list("apps", "v1")["resources"]]
    assert apps == [
        "controllerrevisions",
        "daemonsets",
        "daemonsets/status",
        "deployments",
        "deployments/scale",
        "deployments/status",
        "replicasets",
        "replicasets/scale",
        "replicasets/status",
        "statefulsets",
        "statefulsets/scale",
        "statefulsets/status",
    ]


@pytest.mark.parametrize(
    "group,version",
    [("apps", "v1beta1"), ("policy", "v1beta1"), ("", "v2"), ("extensions", "v1"), ("autoscaling", "v2beta2")],
)
def test_unserved_group_versions_are_none(group, version):
    assert discovery.api_resource_list(group, version) is None


@pytest.mark.parametrize("group", ["", "node.k8s.io", "flowcontrol.apiserver.k8s.io", "extensions", "Apps"])
def test_unserved_groups_are_none(group):
    assert discovery.api_group(group) is None


def test_groups_come_in_the_aggregators_priority_order():
    doc = discovery.api_group_list()
    assert doc["kind"] == "APIGroupList" and doc["apiVersion"] == "v1"
    assert [g["name"] for g in doc["groups"]] == [
        "apps", "authentication.k8s.io", "authorization.k8s.io", "autoscaling", "batch", "certificates.k8s.io",
        "networking.k8s.io",
        "policy", "rbac.authorization.k8s.io", "storage.k8s.io", "scheduling.k8s.io", "coordination.k8s.io", "discovery.k8s.io"]
    assert doc["groups"][0] == {
        "name": "apps",
        "versions": [{"groupVersion": "apps/v1", "version": "v1"}],
        "preferredVersion": {"groupVersion": "apps/v1", "version": "v1"},
    }
    assert discovery.api_group("batch") == {
        "kind": "APIGroup",
        "apiVersion": "v1",
        "name": "batch",
        "versions": [{"groupVersion": "batch/v1", "version": "v1"}],
        "preferredVersion": {"groupVersion": "batch/v1", "version": "v1"},
    }
    assert discovery.group_versions() == [
        "v1",
        "apps/v1",
        "authentication.k8s.io/v1",
        "authorization.k8s.io/v1",
        "autoscaling/v2",
        "autoscaling/v1",
        "batch/v1",
        "certificates.k8s.io/v1",
        "networking.k8s.io/v1",
        "policy/v1",
        "rbac.authorization.k8s.io/v1",
        "storage.k8s.io/v1",
        "scheduling.k8s.io/v1",
        "coordination.k8s.io/v1",
        "discovery.k8s.io/v1",
    ]


def test_api_versions_and_version_info():
    assert discovery.api_versions("192.168.56.10:6443") == {
        "kind": "APIVersions",
        "versions": ["v1"],
        "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "192.168.56.10:6443"}],
    }
    info = discovery.version_info()
    assert list(info) == [
        "major",
        "minor",
        "gitVersion",
        "gitCommit",
        "gitTreeState",
        "buildDate",
        "goVersion",
        "compiler",
        "platform",
    ]
    assert info["gitVersion"] == K8S_VERSION == "v1.32.4"  # what the nodes' kubelets report
    assert (info["major"], info["minor"]) == ("1", "32")
    assert (info["gitCommit"], info["buildDate"], info["goVersion"]) == (
        "59526cd4867447956156ae3a602fcbac10a2c335",
        "2025-04-22T16:02:27Z",
        "go1.23.6",
    )


def test_aggregated_core_group():
    doc = discovery.aggregated_discovery(legacy=True)
    assert (doc["kind"], doc["apiVersion"], doc["metadata"]) == (
        "APIGroupDiscoveryList",
        "apidiscovery.k8s.io/v2",
        {},
    )
    [item] = doc["items"]
    assert item["metadata"] == {"creationTimestamp": None}
    [v1] = item["versions"]
    assert (v1["version"], v1["freshness"]) == ("v1", "Current")
    res = {r["resource"]: r for r in v1["resources"]}
    assert list(res) == [
        "configmaps",
        "endpoints",
        "events",
        "limitranges",
        "namespaces",
        "nodes",
        "persistentvolumeclaims",
        "persistentvolumes",
        "pods",
        "resourcequotas",
        "secrets",
        "serviceaccounts",
        "services",
    ]
    pods = res["pods"]
    assert list(pods) == [
        "resource",
        "responseKind",
        "scope",
        "singularResource",
        "verbs",
        "shortNames",
        "categories",
        "subresources",
    ]
    assert pods["responseKind"] == {"group": "", "version": "", "kind": "Pod"}
    assert (pods["scope"], pods["singularResource"], pods["shortNames"], pods["categories"]) == (
        "Namespaced",
        "pod",
        ["po"],
        ["all"],
    )
    assert [s["subresource"] for s in pods["subresources"]] == [
        "attach",
        "binding",
        "ephemeralcontainers",
        "eviction",
        "exec",
        "log",
        "portforward",
        "proxy",
        "status",
    ]
    eviction = next(s for s in pods["subresources"] if s["subresource"] == "eviction")
    assert eviction == {
        "subresource": "eviction",
        "responseKind": {"group": "policy", "version": "v1", "kind": "Eviction"},
        "verbs": ["create"],
    }
    assert res["nodes"]["scope"] == "Cluster"
    assert "subresources" not in res["configmaps"] and "categories" not in res["configmaps"]


def test_aggregated_named_groups_agree_with_the_legacy_documents():
    doc = discovery.aggregated_discovery(legacy=False)
    assert [i["metadata"] for i in doc["items"]] == [
        {"name": g, "creationTimestamp": None}
        for g in [
        "apps", "authentication.k8s.io", "authorization.k8s.io", "autoscaling", "batch", "certificates.k8s.io",
        "networking.k8s.io",
        "policy", "rbac.authorization.k8s.io", "storage.k8s.io", "scheduling.k8s.io", "coordination.k8s.io", "discovery.k8s.io"]
    ]
    deploy = next(
        r
        for i in doc["items"]
        for v in i["versions"]
        for r in v["resources"]
        if r["resource"] == "deployments"
    )
    assert deploy == {
        "resource": "deployments",
        "responseKind": {"group": "", "version": "", "kind": "Deployment"},
        "scope": "Namespaced",
        "singularResource": "deployment",
        "verbs": FULL,
        "shortNames": ["deploy"],
        "categories": ["all"],
        "subresources": [
            {
                "subresource": "scale",
                "responseKind": {"group": "autoscaling", "version": "v1", "kind": "Scale"},
                "verbs": ["get", "patch", "update"],
            },
            {
                "subresource": "status",
                "responseKind": {"group": "", "version": "", "kind": "Deployment"},
                "verbs": ["get", "patch", "update"],
            },
        ],
    }
    # the same resources and subresources, with the same verbs, as the per-group-version lists
    for legacy in (True, False):
        for item in discovery.aggregated_discovery(legacy).get("items"):
            group = item["metadata"].get("name", "")
            for v in item["versions"]:
                flat = {r["resource"]: r["verbs"] for r in v["resources"]}
                flat.update(
                    {
                        f"{r['resource']}/{s['subresource']}": s["verbs"]
                        for r in v["resources"]
                        for s in r.get("subresources", [])
                    }
                )
                legacy_doc = discovery.api_resource_list(group, v["version"])
                assert flat == {e["name"]: e["verbs"] for e in legacy_doc["resources"]}


def test_aggregated_etag_is_sha512_hex_of_the_list_without_its_type_meta():
    core, named = discovery.aggregated_discovery(True), discovery.aggregated_discovery(False)
    tag = discovery.aggregated_etag(core)
    bare = json.dumps({"metadata": {}, "items": core["items"]}, separators=(",", ":")).encode()
    assert tag == hashlib.sha512(bare).hexdigest().upper() and len(tag) == 128
    assert tag != discovery.aggregated_etag(named)


def test_the_all_category_in_discovery_order():
    # kubectl get all: core first, then apps, autoscaling, batch (cronjobs before jobs), by name within a group
    assert [r.plural for r in discovery.resources_in_category("all")] == [
        "pods",
        "services",
        "daemonsets",
        "deployments",
        "replicasets",
        "statefulsets",
        "horizontalpodautoscalers",
        "cronjobs",
        "jobs",
    ]
    assert discovery.resources_in_category("nope") == []
