"""server/sim/authorization.py: a request's authorizer attributes as kube-apiserver's RequestInfo builds
them, the 403 the authorization filter answers (responsewriters.Forbidden over apierrors.NewForbidden),
and the RBAC registry's escalation refusal — decided over the lab's default RBAC policy."""

from __future__ import annotations

import pytest

from server.sim import authz
from server.sim.api import ApiError
from server.sim.authorization import (
    check,
    check_escalation,
    forbidden,
    request_attributes,
    resource_attributes,
)
from server.sim.cluster import Cluster

JANE = authz.impersonate("jane")


@pytest.fixture(scope="module")
def cluster():
    return Cluster(seed=1)


@pytest.mark.parametrize(("method", "path", "query", "want"), [
    ("GET", "/api/v1/namespaces/default/pods", {}, authz.Attributes("list", "pods", namespace="default")),
    ("GET", "/api/v1/namespaces/default/pods", {"watch": "true"}, authz.Attributes("watch", "pods", namespace="default")),
    ("GET", "/api/v1/namespaces/default/pods", {"watch": "false"}, authz.Attributes("list", "pods", namespace="default")),
    # a list narrowed to one name by a field selector is authorized for that name (kubectl get pod x -w)
    ("GET", "/api/v1/namespaces/default/pods", {"fieldSelector": "metadata.name=web", "watch": "1"},
     authz.Attributes("watch", "pods", namespace="default", name="web")),
    ("GET", "/api/v1/pods", {}, authz.Attributes("list", "pods")),
    ("GET", "/api/v1/namespaces/default/pods/web", {}, authz.Attributes("get", "pods", namespace="default", name="web")),
    ("GET", "/api/v1/namespaces/default/pods/web/log", {},
     authz.Attributes("get", "pods", subresource="log", namespace="default", name="web")),
    ("POST", "/api/v1/namespaces/default/pods/web/eviction", {},
     authz.Attributes("create", "pods", subresource="eviction", namespace="default", name="web")),
    ("DELETE", "/api/v1/namespaces/default/pods", {}, authz.Attributes("deletecollection", "pods", namespace="default")),
    ("DELETE", "/api/v1/namespaces/default/pods/web", {},
     authz.Attributes("delete", "pods", namespace="default", name="web")),
    ("PATCH", "/apis/apps/v1/namespaces/default/deployments/web/scale", {},
     authz.Attributes("patch", "deployments", "apps", "scale", "default", "web")),
    ("PUT", "/apis/rbac.authorization.k8s.io/v1/clusterroles/view", {},
     authz.Attributes("update", "clusterroles", "rbac.authorization.k8s.io", name="view")),
    ("POST", "/apis/apps/v1/namespaces/default/deployments", {},
     authz.Attributes("create", "deployments", "apps", namespace="default")),
    # a Namespace's own path names it as the request's namespace (and its status is its subresource)
    ("GET", "/api/v1/namespaces/dev", {}, authz.Attributes("get", "namespaces", namespace="dev", name="dev")),
    ("PUT", "/api/v1/namespaces/dev/finalize", {},
     authz.Attributes("update", "namespaces", subresource="finalize", namespace="dev", name="dev")),
    ("GET", "/api/v1/namespaces", {}, authz.Attributes("list", "namespaces")),
    # the deprecated /watch/ prefix
    ("GET", "/api/v1/watch/namespaces/default/pods", {}, authz.Attributes("watch", "pods", namespace="default")),
    # not resource paths: the lower-cased method on the path
    ("GET", "/api", {}, authz.Attributes("get", path="/api")),
    ("GET", "/api/v1", {}, authz.Attributes("get", path="/api/v1")),
    ("GET", "/apis/apps/v1", {}, authz.Attributes("get", path="/apis/apps/v1")),
    ("GET", "/version", {}, authz.Attributes("get", path="/version")),
    ("POST", "/openapi/v2", {}, authz.Attributes("post", path="/openapi/v2")),
])
def test_request_attributes(method, path, query, want):
    assert request_attributes(method, path, query) == want


def _denied(cluster, user, attrs) -> ApiError:
    with pytest.raises(ApiError) as e:
        check(cluster.store, user, attrs)
    return e.value


def test_forbidden_messages_and_details(cluster):
    e = _denied(cluster, JANE, request_attributes("GET", "/api/v1/namespaces/default/secrets"))
    assert (e.code, e.reason) == (403, "Forbidden")
    assert e.message == ('secrets is forbidden: User "jane" cannot list resource "secrets" in API group "" in the '
                         'namespace "default"')
    assert e.details == {"kind": "secrets"}
    e = _denied(cluster, JANE, request_attributes("GET", "/apis/apps/v1/namespaces/dev/deployments/web"))
    assert e.message == ('deployments.apps "web" is forbidden: User "jane" cannot get resource "deployments" in API '
                         'group "apps" in the namespace "dev"')
    assert e.details == {"name": "web", "group": "apps", "kind": "deployments"}
    e = _denied(cluster, JANE, request_attributes("GET", "/api/v1/nodes"))
    assert e.message == 'nodes is forbidden: User "jane" cannot list resource "nodes" in API group "" at the cluster scope'
    e = _denied(cluster, JANE, request_attributes("GET", "/api/v1/namespaces/default/pods/web/log"))
    assert e.message == ('pods "web" is forbidden: User "jane" cannot get resource "pods/log" in API group "" in the '
                         'namespace "default"')
    assert e.details == {"name": "web", "kind": "pods"}


def test_non_resource_paths(cluster):
    # every authenticated user may read discovery and the version (system:discovery, system:public-info-viewer)
    for path in ("/api", "/apis", "/api/v1", "/apis/apps/v1", "/version", "/openapi/v2", "/openapi/v3/apis/apps/v1"):
        check(cluster.store, JANE, request_attributes("GET", path))
    e = _denied(cluster, JANE, request_attributes("GET", "/metrics"))
    assert e.message == 'forbidden: User "jane" cannot get path "/metrics"'
    assert e.details == {}
    # an impersonated anonymous user has no group: not even the version
    anonymous = authz.impersonate("system:anonymous")
    assert _denied(cluster, anonymous, request_attributes("GET", "/version")).message == (
        'forbidden: User "system:anonymous" cannot get path "/version"')
    check(cluster.store, authz.impersonate("system:anonymous", ["system:unauthenticated"]),
          request_attributes("GET", "/version"))


def test_a_denial_names_the_bindings_whose_role_is_missing():
    c = Cluster(seed=1, empty=True)
    c.api.create({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
                  "metadata": {"name": "b", "namespace": "default"},
                  "subjects": [{"kind": "User", "name": "jane", "apiGroup": "rbac.authorization.k8s.io"}],
                  "roleRef": {"kind": "Role", "name": "gone", "apiGroup": "rbac.authorization.k8s.io"}})
    e = _denied(c, JANE, resource_attributes("list", "pods", "", "default"))
    assert e.message == ('pods is forbidden: User "jane" cannot list resource "pods" in API group "" in the namespace '
                         '"default": RBAC: role.rbac.authorization.k8s.io "gone" not found')


def test_the_admin_and_system_masters_are_allowed_everything(cluster):
    for user in (authz.ADMIN, authz.impersonate("jane", ["system:masters"])):
        check(cluster.store, user, request_attributes("DELETE", "/api/v1/nodes/node1"))
        check(cluster.store, user, request_attributes("GET", "/metrics"))


def test_a_namespaces_get_is_authorized_in_that_namespace():
    c = Cluster(seed=1)
    c.api.create({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
                  "metadata": {"name": "ns-reader", "namespace": "default"},
                  "rules": [{"apiGroups": [""], "resources": ["namespaces"], "verbs": ["get"]}]})
    c.api.create({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
                  "metadata": {"name": "ns-reader", "namespace": "default"},
                  "subjects": [{"kind": "User", "name": "jane", "apiGroup": "rbac.authorization.k8s.io"}],
                  "roleRef": {"kind": "Role", "name": "ns-reader", "apiGroup": "rbac.authorization.k8s.io"}})
    check(c.store, JANE, resource_attributes("get", "namespaces", "", name="default"))
    e = _denied(c, JANE, resource_attributes("get", "namespaces", "", name="kube-system"))
    assert e.message == ('namespaces "kube-system" is forbidden: User "jane" cannot get resource "namespaces" in API '
                         'group "" in the namespace "kube-system"')


def test_forbidden_appends_the_reason():
    e = forbidden(JANE, authz.Attributes("impersonate", "users", name="bob"), "RBAC: x")
    assert e.message == ('users "bob" is forbidden: User "jane" cannot impersonate resource "users" in API group "" '
                         'at the cluster scope: RBAC: x')


def _role(rules):
    return {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
            "metadata": {"name": "secret-reader", "namespace": "default"}, "rules": rules}


def test_escalation_is_refused_for_rules_not_held():
    c = Cluster(seed=1)
    c.api.create({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
                  "metadata": {"name": "jane-edit", "namespace": "default"},
                  "subjects": [{"kind": "User", "name": "jane", "apiGroup": "rbac.authorization.k8s.io"}],
                  "roleRef": {"kind": "ClusterRole", "name": "edit", "apiGroup": "rbac.authorization.k8s.io"}})
    # edit may read secrets: a role granting that is no escalation
    check_escalation(c.store, JANE, _role([{"apiGroups": [""], "resources": ["secrets"], "verbs": ["get"]}]))
    with pytest.raises(ApiError) as e:
        check_escalation(c.store, JANE, _role([{"apiGroups": [""], "resources": ["nodes"], "verbs": ["get", "list"]}]))
    assert (e.value.code, e.value.reason) == (403, "Forbidden")
    assert e.value.message == (
        'roles.rbac.authorization.k8s.io "secret-reader" is forbidden: user "jane" (groups=["system:authenticated"]) '
        'is attempting to grant RBAC permissions not currently held:\n'
        '{APIGroups:[""], Resources:["nodes"], Verbs:["get" "list"]}')
    assert e.value.details == {"name": "secret-reader", "group": "rbac.authorization.k8s.io", "kind": "roles"}
    # the admin holds everything; other kinds are no RBAC writes
    check_escalation(c.store, authz.ADMIN, _role([{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}]))
    check_escalation(c.store, JANE, {"kind": "Pod", "metadata": {"name": "p"}})
