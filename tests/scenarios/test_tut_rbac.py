"""kubernetes.io's "Using RBAC Authorization" (reference/access-authn-authz/rbac): the page's Role
``pod-reader`` and RoleBinding ``read-pods`` for the user jane, what jane may do (``auth can-i``,
``--as jane``), a ServiceAccount bound to the ``view`` ClusterRole as the page's ``kubectl create
rolebinding --serviceaccount`` does it, and the default ClusterRoles the page lists — through the HTTP
contract (``/apply``, ``/run``), asserting the texts the page and a v1.32 cluster show, the 403s of what the
bindings do not grant included (the server-side texts are checked against the real kubectl in
tests/kubectl/test_rbac_kubectl.py and tests/kubectl/test_forbidden.py)."""

from __future__ import annotations

import pytest

from tests.scenarios.tutterm import tutorial_term

ROLE = """apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  namespace: default
  name: pod-reader
rules:
- apiGroups: [""] # "" indicates the core API group
  resources: ["pods"]
  verbs: ["get", "watch", "list"]
"""

BINDING = """apiVersion: rbac.authorization.k8s.io/v1
# This role binding allows "jane" to read pods in the "default" namespace.
# You need to already have a Role named "pod-reader" in that namespace.
kind: RoleBinding
metadata:
  name: read-pods
  namespace: default
subjects:
# You can specify more than one "subject"
- kind: User
  name: jane # "name" is case sensitive
  apiGroup: rbac.authorization.k8s.io
roleRef:
  # "roleRef" specifies the binding to a Role / ClusterRole
  kind: Role #this must be Role or ClusterRole
  name: pod-reader # this must match the name of the Role or ClusterRole you wish to bind to
  apiGroup: rbac.authorization.k8s.io
"""


@pytest.fixture
def term(tmp_path):
    with tutorial_term(tmp_path) as t:
        yield t


def _rows(text: str) -> list[list[str]]:
    return [line.split() for line in text.splitlines()]


def test_role_and_rolebinding_for_jane(term):
    assert term.apply(ROLE + "---\n" + BINDING) == ("role.rbac.authorization.k8s.io/pod-reader created\n"
                                                     "rolebinding.rbac.authorization.k8s.io/read-pods created\n")
    assert _rows(term.run("kubectl get roles")) == [["NAME", "CREATED", "AT"], ["pod-reader", _rows(
        term.run("kubectl get role pod-reader"))[1][1]]]
    assert _rows(term.run("kubectl get rolebindings -o wide")) == [
        ["NAME", "ROLE", "AGE", "USERS", "GROUPS", "SERVICEACCOUNTS"], ["read-pods", "Role/pod-reader", "0s", "jane"]]
    assert term.run("kubectl auth can-i list pods --as jane") == "yes\n"
    assert term.run("kubectl auth can-i delete pods --as jane", rc=1) == "no\n"
    assert term.run("kubectl auth can-i list pods --as jane -n kube-system", rc=1) == "no\n"
    assert term.run("kubectl auth can-i list secrets --as jane", rc=1) == "no\n"
    term.run("kubectl run nginx --image=nginx")
    term.advance(30)
    assert [r[:3] for r in _rows(term.run("kubectl get pods --as jane"))] == [
        ["NAME", "READY", "STATUS"], ["nginx", "1/1", "Running"]]
    listing = _rows(term.run("kubectl auth can-i --list --as jane"))
    assert ["pods", "[]", "[]", "[get", "watch", "list]"] in listing
    # what every authenticated user gets from the default policy (system:basic-user, system:discovery)
    assert ["selfsubjectaccessreviews.authorization.k8s.io", "[]", "[]", "[create]"] in listing
    assert ["[/version]", "[]", "[get]"] in listing
    # the roleRef of a binding cannot change (the real kubectl's words for a lone Invalid answer to apply's patch)
    out = term.run("kubectl apply -f - ", rc=1, stdin=BINDING.replace("name: pod-reader #", "name: other #"))
    assert out == ('The RoleBinding "read-pods" is invalid: roleRef: Invalid value: rbac.RoleRef{APIGroup:'
                   '"rbac.authorization.k8s.io", Kind:"Role", Name:"other"}: cannot change roleRef\n')


def test_jane_may_not_read_secrets(term):
    """What the page's binding does not grant is refused by the apiserver, in its words."""
    term.apply(ROLE + "---\n" + BINDING)
    assert term.run("kubectl get secrets --as jane", rc=1) == (
        'Error from server (Forbidden): secrets is forbidden: User "jane" cannot list resource "secrets" in API '
        'group "" in the namespace "default"\n')
    term.run("kubectl run nginx --image=nginx")
    term.advance(30)
    assert term.run("kubectl get pod nginx -o name --as jane") == "pod/nginx\n"
    assert term.run("kubectl delete pod nginx --as jane", rc=1) == (
        'Error from server (Forbidden): pods "nginx" is forbidden: User "jane" cannot delete resource "pods" in API '
        'group "" in the namespace "default"\n')
    # pods/log is a resource of its own: "pods" does not grant it
    assert term.run("kubectl logs nginx --as jane", rc=1) == (
        'Error from server (Forbidden): pods "nginx" is forbidden: User "jane" cannot get resource "pods/log" in '
        'API group "" in the namespace "default"\n')
    assert term.run("kubectl get pods -n kube-system --as jane", rc=1) == (
        'Error from server (Forbidden): pods is forbidden: User "jane" cannot list resource "pods" in API group "" '
        'in the namespace "kube-system"\n')
    assert term.run("kubectl get nodes --as jane", rc=1) == (
        'Error from server (Forbidden): nodes is forbidden: User "jane" cannot list resource "nodes" in API group "" '
        'at the cluster scope\n')
    # nor may she write roles
    assert term.run("kubectl create role sneaky --verb=get --resource=secrets --as jane", rc=1) == (
        'Error from server (Forbidden): roles.rbac.authorization.k8s.io is forbidden: User "jane" cannot create '
        'resource "roles" in API group "rbac.authorization.k8s.io" in the namespace "default"\n')
    assert term.run("kubectl get pod nginx -o name") == "pod/nginx\n"  # still there, the admin sees it


def test_service_account_with_a_rolebinding(term):
    assert term.run("kubectl create serviceaccount myapp") == "serviceaccount/myapp created\n"
    assert term.run("kubectl create rolebinding myapp-view-binding --clusterrole=view "
                    "--serviceaccount=default:myapp --namespace=default") == (
        "rolebinding.rbac.authorization.k8s.io/myapp-view-binding created\n")
    sa = "--as=system:serviceaccount:default:myapp"
    assert term.run(f"kubectl auth can-i list deployments.apps {sa}") == "yes\n"
    assert term.run(f"kubectl auth can-i get pods/log {sa}") == "yes\n"
    assert term.run(f"kubectl auth can-i get secrets {sa}", rc=1) == "no\n"
    assert term.run(f"kubectl auth can-i create deployments {sa}", rc=1) == "no\n"
    assert term.run(f"kubectl auth can-i list pods {sa} -n kube-system", rc=1) == "no\n"
    # and the requests themselves are answered as can-i says
    assert term.run(f"kubectl get deployments {sa}") == "No resources found in default namespace.\n"
    assert term.run(f"kubectl get secrets {sa}", rc=1) == (
        'Error from server (Forbidden): secrets is forbidden: User "system:serviceaccount:default:myapp" cannot list '
        'resource "secrets" in API group "" in the namespace "default"\n')
    assert term.run(f"kubectl create deployment web --image=nginx {sa}", rc=1) == (
        'error: failed to create deployment: deployments.apps is forbidden: User "system:serviceaccount:default:myapp" '
        'cannot create resource "deployments" in API group "apps" in the namespace "default"\n')
    # the default service account of the namespace has only what every service account has
    default_sa = _rows(term.run("kubectl auth can-i --list --as=system:serviceaccount:default:default"))
    assert ["[/.well-known/openid-configuration]", "[]", "[get]"] in default_sa
    assert not any(r[0] == "pods" for r in default_sa)
    assert _rows(term.run("kubectl get rolebinding myapp-view-binding -o wide"))[1] == [
        "myapp-view-binding", "ClusterRole/view", "0s", "default/myapp"]


def test_default_roles(term):
    """The page's user-facing roles and the system roles it names, as a v1.32 kubeadm cluster lists them."""
    names = [r[0] for r in _rows(term.run("kubectl get clusterroles"))[1:]]
    for name in ("cluster-admin", "admin", "edit", "view", "system:basic-user", "system:discovery",
                 "system:public-info-viewer", "system:kube-scheduler", "system:volume-scheduler",
                 "system:kube-controller-manager", "system:node", "system:node-proxier", "system:auth-delegator",
                 "system:heapster", "system:kube-aggregator", "system:kube-dns", "system:kubelet-api-admin",
                 "system:node-bootstrapper", "system:node-problem-detector", "system:persistent-volume-provisioner",
                 "system:monitoring", "system:controller:deployment-controller"):
        assert name in names
    described = term.run("kubectl describe clusterrole view").splitlines()
    assert described[:4] == ["Name:         view", "Labels:       kubernetes.io/bootstrapping=rbac-defaults",
                             "              rbac.authorization.k8s.io/aggregate-to-edit=true",
                             "Annotations:  rbac.authorization.kubernetes.io/autoupdate: true"]
    assert "  pods                                         []                 []              [get list watch]" \
        in described
    crb = {r[0]: r[1:] for r in _rows(term.run("kubectl get clusterrolebindings -o wide"))[1:]}
    assert crb["cluster-admin"] == ["ClusterRole/cluster-admin", "2d3h", "system:masters"]
    assert crb["system:basic-user"] == ["ClusterRole/system:basic-user", "2d3h", "system:authenticated"]
    assert crb["system:public-info-viewer"] == ["ClusterRole/system:public-info-viewer", "2d3h",
                                                "system:authenticated,", "system:unauthenticated"]
    # the page's aggregated ClusterRole example: a new role labelled aggregate-to-view reaches view
    term.apply("""apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: aggregate-cron-tabs-view
  labels:
    # Add these permissions to the "admin" and "edit" default roles.
    rbac.authorization.k8s.io/aggregate-to-admin: "true"
    rbac.authorization.k8s.io/aggregate-to-edit: "true"
rules:
- apiGroups: ["stable.example.com"]
  resources: ["crontabs"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
""")
    assert "crontabs.stable.example.com" in term.run("kubectl describe clusterrole edit")
    assert "crontabs.stable.example.com" in term.run("kubectl describe clusterrole admin")
    assert "crontabs.stable.example.com" not in term.run("kubectl describe clusterrole view")
