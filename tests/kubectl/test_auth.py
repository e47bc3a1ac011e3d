"""kubectl auth can-i / whoami against the simulated authorizer (server.sim.authz)."""

from __future__ import annotations

import json

import pytest
import yaml

from server.sim import authz
from tests.kubectl.offline_kubectl import needs_kubectl, real


def rbac(cluster, kind: str, name: str, namespace: str = "", **body) -> None:
    meta = {"name": name, **({"namespace": namespace} if namespace else {})}
    cluster.store.create({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": kind, "metadata": meta, **body})


def bind(cluster, kind: str, name: str, role_kind: str, role: str, subjects: list[dict], namespace: str = "") -> None:
    rbac(cluster, kind, name, namespace, roleRef={"apiGroup": "rbac.authorization.k8s.io", "kind": role_kind,
                                                  "name": role}, subjects=subjects)


@needs_kubectl
@pytest.mark.parametrize("line", [
    "auth can-i", "auth can-i get", "auth can-i get pods x", "auth can-i --list get", "auth can-i --list -q",
    "auth can-i --list -A", "auth can-i --list --subresource=log", "auth can-i get pods --as-group=dev",
    "auth", "auth frob",
])
def test_client_side_errors_are_kubectls(kubectl, line):
    expected, code = real(*line.split())
    assert kubectl(line, rc=code) == expected


def test_the_admin_is_allowed_everything(kubectl):
    assert kubectl("auth can-i get pods") == "yes\n"
    assert kubectl("auth can-i '*' '*' -A") == "yes\n"
    assert kubectl("auth can-i delete deployments.apps/web -n kube-system") == "yes\n"
    assert kubectl("auth can-i get /healthz") == "yes\n"
    assert kubectl("auth can-i create pods -q") == ""


def test_can_i_warns_as_kubectl_does(kubectl):
    # WarningPrinter: "Warning: " + a message that ends in its own newline, then a newline
    assert kubectl("auth can-i get nodes") == "Warning: resource 'nodes' is not namespace scoped\n\nyes\n"
    assert kubectl("auth can-i get nodes -A") == "yes\n"
    assert kubectl("auth can-i frob pods") == "Warning: verb 'frob' is not a known verb\n\nyes\n"
    assert kubectl("auth can-i get widgets") == "Warning: the server doesn't have a resource type 'widgets'\n\nyes\n"
    assert kubectl("auth can-i impersonate users") == "yes\n"  # users and groups are not resources: no warning


def test_others_are_denied_without_rbac_objects(kubectl):
    assert kubectl("auth can-i get pods --as=bob", rc=1) == "no\n"
    assert kubectl("auth can-i get pods --as=bob -q", rc=1) == ""
    assert kubectl("auth can-i get pods --as=system:serviceaccount:default:default", rc=1) == "no\n"


def test_rbac_roles_and_bindings_decide(cluster, kubectl):
    rbac(cluster, "Role", "pod-reader", "default", rules=[
        {"apiGroups": [""], "resources": ["pods", "pods/log"], "verbs": ["get", "list", "watch"]},
        {"apiGroups": ["apps"], "resources": ["deployments"], "resourceNames": ["web"], "verbs": ["patch"]}])
    bind(cluster, "RoleBinding", "read-pods", "Role", "pod-reader", [{"kind": "User", "name": "bob"}], "default")
    rbac(cluster, "ClusterRole", "node-viewer", rules=[
        {"apiGroups": [""], "resources": ["nodes"], "verbs": ["get"]},
        {"nonResourceURLs": ["/healthz", "/metrics/*"], "verbs": ["get"]}])
    bind(cluster, "ClusterRoleBinding", "ops-nodes", "ClusterRole", "node-viewer", [{"kind": "Group", "name": "ops"}])
    assert kubectl("auth can-i list pods --as=bob") == "yes\n"
    assert kubectl("auth can-i get pods --subresource=log --as=bob") == "yes\n"
    assert kubectl("auth can-i delete pods --as=bob", rc=1) == "no\n"
    assert kubectl("auth can-i list pods -n kube-system --as=bob", rc=1) == "no\n"
    assert kubectl("auth can-i patch deployments/web --as=bob") == "yes\n"
    assert kubectl("auth can-i patch deployments/api --as=bob", rc=1) == "no\n"
    # groups come with impersonation; system:authenticated is added to them
    assert kubectl("auth can-i get nodes --as=ann --as-group=ops -A") == "yes\n"
    assert kubectl("auth can-i get /metrics/cadvisor --as=ann --as-group=ops") == "yes\n"
    assert kubectl("auth can-i post /healthz --as=ann --as-group=ops", rc=1) == "no\n"
    assert kubectl("auth can-i get nodes --as=bob -A", rc=1) == "no\n"
    listing = kubectl("auth can-i --list --as=bob").splitlines()
    assert listing[0].split() == ["Resources", "Non-Resource", "URLs", "Resource", "Names", "Verbs"]
    rows = [line.split() for line in listing[1:]]
    assert ["pods", "[]", "[]", "[get", "list", "watch]"] in rows
    assert ["pods/log", "[]", "[]", "[get", "list", "watch]"] in rows
    assert ["deployments.apps", "[]", "[web]", "[patch]"] in rows
    ops = [line.split() for line in kubectl("auth can-i --list --as=ann --as-group=ops").splitlines()[1:]]
    # ann's own grants, beside what every authenticated user gets from the bootstrap policy
    # (system:basic-user, system:discovery, system:public-info-viewer)
    assert ["nodes", "[]", "[]", "[get]"] in ops and ["[/metrics/*]", "[]", "[get]"] in ops
    assert ["selfsubjectaccessreviews.authorization.k8s.io", "[]", "[]", "[create]"] in ops
    assert ["[/version]", "[]", "[get]"] in ops


def test_a_binding_to_a_missing_role_says_why(cluster, kubectl):
    bind(cluster, "RoleBinding", "dangling", "Role", "gone", [{"kind": "User", "name": "eve"}], "default")
    assert kubectl("auth can-i get pods --as=eve", rc=1) == \
        'no - RBAC: role.rbac.authorization.k8s.io "gone" not found\n'


def test_service_account_subjects_match_their_username(cluster, kubectl):
    rbac(cluster, "ClusterRole", "view-cm", rules=[{"apiGroups": [""], "resources": ["configmaps"], "verbs": ["*"]}])
    bind(cluster, "RoleBinding", "sa", "ClusterRole", "view-cm", [{"kind": "ServiceAccount", "name": "app"}], "default")
    assert kubectl("auth can-i get configmaps --as=system:serviceaccount:default:app") == "yes\n"
    assert kubectl("auth can-i get configmaps --as=system:serviceaccount:other:app", rc=1) == "no\n"


def test_whoami(kubectl):
    lines = [line.split(None, 1) for line in kubectl("auth whoami").splitlines()]
    assert lines == [["ATTRIBUTE", "VALUE"], ["Username", "kubernetes-admin"],
                     ["Groups", "[system:masters system:authenticated]"]]
    doc = yaml.safe_load(kubectl("auth whoami -o yaml"))
    assert doc == json.loads(kubectl("auth whoami -o json")) == authz.self_subject_review(authz.ADMIN)
    assert doc["status"]["userInfo"] == {"username": "kubernetes-admin",
                                         "groups": ["system:masters", "system:authenticated"]}
    assert "[dev system:authenticated]" in kubectl("auth whoami --as=bob --as-group=dev")


def test_access_review_bodies(cluster):
    review = authz.access_review(cluster.store, authz.impersonate("bob"), {
        "spec": {"resourceAttributes": {"verb": "get", "resource": "pods", "namespace": "default"}}})
    assert review["status"] == {"allowed": False}
    assert authz.access_review(cluster.store, authz.ADMIN, {"spec": {"nonResourceAttributes": {
        "verb": "get", "path": "/api"}}})["status"] == {"allowed": True}
    # system:masters is bound to cluster-admin by the bootstrap policy: its rules are in the review
    # (the privileged-group authorizer itself contributes none)
    status = authz.rules_review(cluster.store, authz.ADMIN, {"spec": {"namespace": "default"}})["status"]
    assert {"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]} in status["resourceRules"]
    assert {"verbs": ["*"], "nonResourceURLs": ["*"]} in status["nonResourceRules"]
    assert status["incomplete"] is False
