"""The RBAC default policy of the lab (server/sim/rbac_bootstrap.py), the clusterrole-aggregation
controller and the escalation check: what a v1.32 kubeadm cluster holds, and what it lets its users do."""

from __future__ import annotations

import pytest

from server.sim import authz, rbac_bootstrap
from server.sim.api import ApiError
from server.sim.cluster import Cluster
from server.sim.controllers.clusterroleaggregation import aggregated_rules
from server.sim.validation.rbac import escalation_message


@pytest.fixture(scope="module")
def lab() -> Cluster:
    return Cluster(seed=1)


def _can(c: Cluster, user: authz.UserInfo, verb: str, resource: str = "", group: str = "", ns: str = "",
         name: str = "", path: str = "", sub: str = "") -> bool:
    return authz.authorize(c.store, user, authz.Attributes(verb, resource, group, sub, ns, name, path)).allowed


def test_bootstrap_objects_carry_the_hooks_metadata_and_sorted_rules():
    objs = rbac_bootstrap.bootstrap_policy()
    keys = [(o["kind"], o["metadata"].get("namespace", ""), o["metadata"]["name"]) for o in objs]
    assert len(keys) == len(set(keys))
    for o in objs:
        assert o["metadata"]["labels"]["kubernetes.io/bootstrapping"] == "rbac-defaults"
        assert o["metadata"]["annotations"] == {"rbac.authorization.kubernetes.io/autoupdate": "true"}
        for rule in o.get("rules") or []:
            for field in ("verbs", "apiGroups", "resources", "resourceNames", "nonResourceURLs"):
                assert rule.get(field, []) == sorted(rule.get(field, [])), (o["metadata"]["name"], rule)
    # every controller role has its binding to the controller's service account in kube-system
    controllers = [o["metadata"]["name"] for o in objs if o["kind"] == "ClusterRole"
                   and o["metadata"]["name"].startswith("system:controller:")]
    bindings = {o["metadata"]["name"]: o for o in objs if o["kind"] == "ClusterRoleBinding"}
    for name in controllers:
        assert bindings[name]["subjects"] == [{"kind": "ServiceAccount", "name": name.split(":")[-1],
                                               "namespace": "kube-system"}]
    assert "subjects" not in bindings["system:node"]  # kept without subjects since the Node authorizer
    for _offset, o in rbac_bootstrap.kubeadm_policy():
        assert "kubernetes.io/bootstrapping" not in (o["metadata"].get("labels") or {})


def test_the_lab_holds_the_policy_dated_with_the_lab(lab):
    admin = lab.store.peek("ClusterRole", "", "cluster-admin")
    coredns = lab.store.peek("ClusterRole", "", "system:coredns")
    ns = lab.store.peek("Namespace", "", "default")
    from server.sim.clock import parse_time

    assert parse_time(admin["metadata"]["creationTimestamp"]) - parse_time(ns["metadata"]["creationTimestamp"]) == 1
    assert parse_time(coredns["metadata"]["creationTimestamp"]) - parse_time(ns["metadata"]["creationTimestamp"]) == 25
    assert lab.store.peek("Role", "kube-public", "kubeadm:bootstrap-signer-clusterinfo") is not None
    assert lab.store.peek("RoleBinding", "kube-system", "system::leader-locking-kube-scheduler") is not None
    assert Cluster(seed=1, empty=True).store.scan("ClusterRole") == []


def test_aggregated_roles_are_filled_in_by_the_controller(lab):
    roles = lab.store.scan("ClusterRole")
    by_name = {r["metadata"]["name"]: r for r in roles}
    view, edit, admin = by_name["view"], by_name["edit"], by_name["admin"]
    assert view["rules"] == by_name["system:aggregate-to-view"]["rules"]
    assert edit["rules"] == by_name["system:aggregate-to-edit"]["rules"] + view["rules"]
    # admin's selector matches edit and system:aggregate-to-admin, by name: edit's rules come first
    assert admin["rules"] == edit["rules"] + by_name["system:aggregate-to-admin"]["rules"]
    assert aggregated_rules(admin, roles) == admin["rules"]
    # running the controller again changes nothing
    rv = admin["metadata"]["resourceVersion"]
    lab.controller("clusterrole-aggregation-controller").enqueue(("ClusterRole", "", "admin"))
    lab.settle()
    assert lab.store.peek("ClusterRole", "", "admin")["metadata"]["resourceVersion"] == rv


def test_aggregation_dedupes_equal_rules():
    rule = {"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]}
    agg = {"metadata": {"name": "agg"}, "aggregationRule": {"clusterRoleSelectors": [{"matchLabels": {"x": "1"}}]}}
    a = {"metadata": {"name": "a", "labels": {"x": "1"}}, "rules": [rule]}
    b = {"metadata": {"name": "b", "labels": {"x": "1"}}, "rules": [dict(rule), {**rule, "verbs": ["list"]}]}
    c = {"metadata": {"name": "c", "labels": {"x": "2"}}, "rules": [{**rule, "verbs": ["delete"]}]}
    assert aggregated_rules(agg, [b, c, a, agg]) == [rule, {**rule, "verbs": ["list"]}]


def test_what_the_default_policy_allows(lab):
    sa = authz.impersonate("system:serviceaccount:default:default")
    assert _can(lab, sa, "create", "selfsubjectaccessreviews", "authorization.k8s.io")
    assert _can(lab, sa, "get", path="/version") and _can(lab, sa, "get", path="/apis/apps/v1")
    assert _can(lab, sa, "get", path="/.well-known/openid-configuration")
    assert not _can(lab, sa, "list", "pods", ns="default")
    anonymous = authz.UserInfo("system:anonymous", ("system:unauthenticated",))
    assert _can(lab, anonymous, "get", path="/healthz") and not _can(lab, anonymous, "get", path="/api")
    assert _can(lab, anonymous, "get", "configmaps", ns="kube-public", name="cluster-info")
    assert not _can(lab, anonymous, "get", "configmaps", ns="kube-public", name="other")
    scheduler = authz.UserInfo("system:kube-scheduler", ("system:authenticated",))
    assert _can(lab, scheduler, "create", "pods", sub="binding", ns="default")
    assert _can(lab, scheduler, "update", "configmaps", ns="kube-system", name="kube-scheduler")
    proxy = authz.impersonate("system:serviceaccount:kube-system:kube-proxy")
    assert _can(lab, proxy, "list", "endpointslices", "discovery.k8s.io")
    assert _can(lab, proxy, "get", "configmaps", ns="kube-system", name="kube-proxy") is False
    admins = authz.impersonate("ann", ["kubeadm:cluster-admins"])
    assert _can(lab, admins, "delete", "nodes", name="node1")


def test_escalation_is_refused_with_the_registrys_words():
    c = Cluster(seed=1)
    c.api.create({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
                  "metadata": {"name": "pod-reader", "namespace": "default"},
                  "rules": [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list", "watch"]}]})
    c.api.create({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
                  "metadata": {"name": "read-pods", "namespace": "default"},
                  "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": "jane"}],
                  "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "pod-reader"}})
    jane = authz.impersonate("jane")
    held = {"kind": "Role", "metadata": {"name": "r", "namespace": "default"},
            "rules": [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list"]}]}
    assert escalation_message(c.store, jane, held) == ""
    more = {"kind": "Role", "metadata": {"name": "r", "namespace": "default"},
            "rules": [{"apiGroups": [""], "resources": ["pods", "secrets"], "verbs": ["get", "delete"]}]}
    assert escalation_message(c.store, jane, more) == (
        'user "jane" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n'
        '{APIGroups:[""], Resources:["pods"], Verbs:["delete"]}\n'
        '{APIGroups:[""], Resources:["secrets"], Verbs:["get" "delete"]}')
    binding = {"kind": "RoleBinding", "metadata": {"name": "b", "namespace": "default"},
               "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "edit"}}
    assert "is attempting to grant RBAC permissions not currently held" in escalation_message(c.store, jane, binding)
    assert escalation_message(c.store, authz.ADMIN, more) == ""
    # in another namespace jane holds nothing
    elsewhere = {**held, "metadata": {"name": "r", "namespace": "kube-system"}}
    assert escalation_message(c.store, jane, elsewhere).endswith('{APIGroups:[""], Resources:["pods"], '
                                                                 'Verbs:["get" "list"]}')


def test_invalid_rbac_objects_are_refused():
    c = Cluster(seed=1, empty=True)
    with pytest.raises(ApiError) as e:
        c.api.create({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "a/b"},
                      "rules": [{"nonResourceURLs": ["/x"], "resources": ["pods"], "verbs": ["get"]}]})
    assert e.value.code == 422
    assert ("metadata.name: Invalid value: \"a/b\": may not contain '/'" in e.value.message
            and 'rules[0].nonResourceURLs: Invalid value: []string{"/x"}: rules cannot apply to both regular '
                'resources and non-resource URLs' in e.value.message)
    assert c.store.scan("ClusterRole") == []
    role = c.api.create({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
                         "metadata": {"name": "system:x"}, "rules": [{"nonResourceURLs": ["/x"], "verbs": ["get"]}]})
    assert role["metadata"]["name"] == "system:x"
