"""Requests made as someone else are authorized as them: the real kubectl v1.32 run ``--as`` a user
against a sandbox's Kubernetes API (``/k8s/<id>``, which authorizes every request after impersonation)
prints what kubeplay's own terminal prints for the same line — the 403s in the apiserver's words, the
RBAC escalation refusal, and what the user may do; the REST 403 bodies; ``auth can-i`` agreeing."""

from __future__ import annotations

import json
import shlex
import urllib.error
import urllib.request

import pytest

from tests.labserver import lab_server
from tests.realkubectl import KUBECTL

pytestmark = pytest.mark.skipif(KUBECTL is None, reason="no kubectl installed: these tests drive the real one")

SETUP = """apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {namespace: default, name: pod-reader}
rules:
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["get", "watch", "list"]
- apiGroups: ["rbac.authorization.k8s.io"]
  resources: ["roles"]
  verbs: ["get", "create"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: read-pods, namespace: default}
subjects:
- {kind: User, name: jane, apiGroup: rbac.authorization.k8s.io}
roleRef: {kind: Role, name: pod-reader, apiGroup: rbac.authorization.k8s.io}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: sa, namespace: default}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {namespace: default, name: pod-getter}
rules:
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["get"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: sa-gets-pods, namespace: default}
subjects:
- {kind: ServiceAccount, name: sa, namespace: default}
roleRef: {kind: Role, name: pod-getter, apiGroup: rbac.authorization.k8s.io}
"""

POD = "apiVersion: v1\nkind: Pod\nmetadata: {name: other}\nspec: {containers: [{name: c, image: nginx}]}\n"
SECRET_ROLE = """apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {namespace: default, name: secret-reader}
rules:
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["get"]
"""
SA = "--as=system:serviceaccount:default:sa"


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    with lab_server(tmp_path_factory) as lab:
        out = lab.request("POST", f"/api/sandboxes/{lab.sid}/apply", {"manifest": SETUP})
        assert out["exitCode"] == 0, out
        assert lab.engine("kubectl run nginx --image=nginx") == "pod/nginx created\n"
        assert lab.engine("kubectl create deployment web --image=nginx") == "deployment.apps/web created\n"
        lab.clock(advance=30)
        yield lab


def engine(lab, line: str, stdin: str | None = None) -> tuple[str, int]:
    body: dict = {"command": "kubectl " + line}
    if stdin is not None:
        body["stdin"] = stdin
    out = lab.request("POST", f"/api/sandboxes/{lab.sid}/run", body)
    return out["output"], out["exitCode"]


def real(lab, line: str, stdin: str | None = None) -> tuple[str, int]:
    r = lab.kubectl(*shlex.split(line), stdin=stdin, check=False)
    return r.stdout + r.stderr, r.returncode


LINES = [
    "get secrets --as jane",
    "get secret db --as jane",
    "get pods -o name --as jane",
    "get pod nginx -o name --as jane",
    "get pods -n kube-system --as jane",
    "get pods -A --as jane",
    "get nodes --as jane",
    "get ns default --as jane",
    "get pods,secrets -o name --as jane",
    "delete pod nginx --as jane",
    "logs nginx --as jane",
    "label pod nginx color=blue --as jane",
    "create deployment web --image=nginx --as jane",
    "describe secret db --as jane",
    "get all --as jane",
    "scale deployment web --replicas=2 --as jane",
    "annotate pod nginx note=x --as jane",
    "patch pod nginx -p '{\"metadata\":{\"labels\":{\"a\":\"b\"}}}' --as jane",
    "set image deployment/web nginx=nginx:1.25 --as jane",
    "rollout restart deployment/web --as jane",
    "cordon node1 --as jane",
    "taint node node1 a=b:NoSchedule --as jane",
    "create configmap cm --from-literal=a=b --as jane",
    "create secret generic s --from-literal=a=b --as jane",
    "create rolebinding rb --clusterrole=view --user=jane --as jane",
    "create namespace dev --as jane",
    "expose deployment web --port=80 --as jane",
    "run other --image=nginx --as jane",
    "delete pods --all --as jane",
    "get events --as jane",
    "cluster-info --as jane",
    "describe deploy web --as jane",
    "get rs --as jane",
    "delete pod nginx --dry-run=server --as jane",
    "delete pod nope --as jane",
    "logs deploy/web --as jane",
    "label pods --all a=b --as jane",
    "auth can-i get pods/log --as jane",
    "auth can-i delete pods --as jane",
    # a service account bound to a role that allows getting pods, and nothing else
    f"get pod nginx -o name {SA}",
    f"get pods {SA}",
    f"logs nginx {SA}",
    f"get pods {SA} --as-group system:masters",
    # the admin impersonating is allowed everything system:masters is
    "get pod nginx -o name --as jane --as-group system:masters",
    # the streams: kubectl v1.32 tries a WebSocket (get pods/exec), then SPDY (create)
    "exec nginx --as jane -- echo hi",
    f"exec nginx {SA} -- echo hi",
    "exec nginx --as jane --as-group system:masters -- echo hi",
    "attach nginx --as jane",
    "port-forward pod/nginx 8080:80 --as jane",
]


@pytest.mark.parametrize("line", LINES)
def test_the_real_kubectl_prints_what_the_terminal_prints(lab, line):
    assert engine(lab, line) == real(lab, line)


@pytest.mark.parametrize(("verb", "doc"), [("apply", POD), ("create", POD), ("apply", SECRET_ROLE),
                                           ("create", SECRET_ROLE), ("replace", POD), ("delete", POD),
                                           ("diff", POD.replace("other", "nginx"))])
def test_writes_from_files(lab, verb, doc):
    line = f"{verb} -f - --as jane"
    assert engine(lab, line, doc) == real(lab, line, doc)
    assert "secret-reader" not in lab.objects("Role") and "other" not in lab.objects("Pod")


def test_the_texts(lab):
    """What the lines above print, as a v1.32 cluster prints them."""
    assert engine(lab, "get secrets --as jane") == (
        'Error from server (Forbidden): secrets is forbidden: User "jane" cannot list resource "secrets" in API '
        'group "" in the namespace "default"\n', 1)
    assert engine(lab, "logs nginx --as jane") == (
        'Error from server (Forbidden): pods "nginx" is forbidden: User "jane" cannot get resource "pods/log" in API '
        'group "" in the namespace "default"\n', 1)
    assert engine(lab, "get pod nginx -o name " + SA) == ("pod/nginx\n", 0)
    assert engine(lab, "get pods " + SA) == (
        'Error from server (Forbidden): pods is forbidden: User "system:serviceaccount:default:sa" cannot list '
        'resource "pods" in API group "" in the namespace "default"\n', 1)
    assert engine(lab, "apply -f - --as jane", SECRET_ROLE) == (
        'Error from server (Forbidden): error when creating "STDIN": roles.rbac.authorization.k8s.io "secret-reader" '
        'is forbidden: user "jane" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not '
        'currently held:\n{APIGroups:[""], Resources:["secrets"], Verbs:["get"]}\n', 1)


def rest(lab, method: str, path: str, headers: dict, body: dict | None = None) -> tuple[int, dict]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(f"{lab.base}/k8s/{lab.sid}{path}", data=data, method=method,
                                 headers={"Content-Type": "application/json", **headers})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def _status(message: str, details: dict) -> dict:
    return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "message": message,
            "reason": "Forbidden", "details": details, "code": 403}


def test_rest_403_bodies(lab):
    jane = {"Impersonate-User": "jane"}
    assert rest(lab, "GET", "/api/v1/namespaces/default/secrets", jane) == (403, _status(
        'secrets is forbidden: User "jane" cannot list resource "secrets" in API group "" in the namespace "default"',
        {"kind": "secrets"}))
    assert rest(lab, "GET", "/apis/apps/v1/namespaces/default/deployments/web", jane) == (403, _status(
        'deployments.apps "web" is forbidden: User "jane" cannot get resource "deployments" in API group "apps" in '
        'the namespace "default"', {"name": "web", "group": "apps", "kind": "deployments"}))
    assert rest(lab, "GET", "/api/v1/nodes", jane) == (403, _status(
        'nodes is forbidden: User "jane" cannot list resource "nodes" in API group "" at the cluster scope',
        {"kind": "nodes"}))
    assert rest(lab, "DELETE", "/api/v1/namespaces/default/pods/nginx", jane) == (403, _status(
        'pods "nginx" is forbidden: User "jane" cannot delete resource "pods" in API group "" in the namespace '
        '"default"', {"name": "nginx", "kind": "pods"}))
    assert rest(lab, "GET", "/api/v1/namespaces/default/pods/nginx/log", jane) == (403, _status(
        'pods "nginx" is forbidden: User "jane" cannot get resource "pods/log" in API group "" in the namespace '
        '"default"', {"name": "nginx", "kind": "pods"}))
    # what jane may do is served
    code, body = rest(lab, "GET", "/api/v1/namespaces/default/pods/nginx", jane)
    assert (code, body["metadata"]["name"]) == (200, "nginx")
    code, body = rest(lab, "GET", "/api/v1/namespaces/default/pods", {"Impersonate-User": "jane"})
    assert (code, body["kind"]) == (200, "PodList")
    assert "nginx" in [p["metadata"]["name"] for p in body["items"]]
    # discovery is every authenticated user's; an anonymous one without groups gets nothing
    assert rest(lab, "GET", "/api", jane)[0] == 200
    assert rest(lab, "GET", "/version", jane)[0] == 200
    assert rest(lab, "GET", "/api", {"Impersonate-User": "system:anonymous"}) == (403, _status(
        'forbidden: User "system:anonymous" cannot get path "/api"', {}))


def test_rest_escalation_is_refused_and_nothing_is_stored(lab):
    role = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
            "metadata": {"name": "lister", "namespace": "default"},
            "rules": [{"apiGroups": [""], "resources": ["pods", "configmaps"], "verbs": ["list"]}]}
    code, body = rest(lab, "POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles",
                      {"Impersonate-User": "jane"}, role)
    assert (code, body) == (403, _status(
        'roles.rbac.authorization.k8s.io "lister" is forbidden: user "jane" (groups=["system:authenticated"]) is '
        'attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["configmaps"], '
        'Verbs:["list"]}', {"name": "lister", "group": "rbac.authorization.k8s.io", "kind": "roles"}))
    assert "lister" not in lab.objects("Role")
    # what jane holds, she may grant
    role["rules"] = [{"apiGroups": [""], "resources": ["pods"], "verbs": ["list"]}]
    code, body = rest(lab, "POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles",
                      {"Impersonate-User": "jane"}, role)
    assert (code, body["metadata"]["name"]) == (201, "lister")
    assert "lister" in lab.objects("Role")


@pytest.mark.parametrize("who", ["--as jane", SA, "--as bob"])
@pytest.mark.parametrize(("question", "request_line"), [
    ("list pods", "get pods -o name"),
    ("get pods/nginx", "get pod nginx -o name"),
    ("list secrets", "get secrets"),
    ("get pods/nginx --subresource=log", "logs nginx"),  # (can-i's pods/log would name a pod "log")
    ("delete pods", "delete pod nginx --dry-run=server"),
    ("create configmaps", "create configmap c --from-literal=a=b --dry-run=server"),
    ("list pods -n kube-system", "get pods -n kube-system -o name"),
])
def test_can_i_agrees_with_what_is_served(lab, who, question, request_line):
    answer, rc = engine(lab, f"auth can-i {question} {who}")
    assert answer in ("yes\n", "no\n") and rc == (0 if answer == "yes\n" else 1)
    _, served = engine(lab, f"{request_line} {who}")
    assert (served == 0) == (answer == "yes\n"), (question, who)


def test_rest_patch_and_binding_escalation(lab):
    """A patch is judged on the object it would store; a binding on the role it binds."""
    for line in ("create role target --verb=list --resource=pods",
                 "create role role-editor --verb=get,patch,update --resource=roles,rolebindings "
                 "--verb=create --resource=rolebindings",
                 "create rolebinding rita-edits-roles --role=role-editor --user=rita",
                 "create rolebinding rita-lists-pods --role=target --user=rita"):
        assert engine(lab, line)[1] == 0, line
    rita = {"Impersonate-User": "rita", "Content-Type": "application/merge-patch+json"}
    path = "/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles/target"
    grant = {"rules": [{"apiGroups": [""], "resources": ["pods"], "verbs": ["list"]},
                       {"apiGroups": [""], "resources": ["secrets"], "verbs": ["get"]}]}
    code, body = rest(lab, "PATCH", path, rita, grant)
    assert (code, body["message"]) == (403, (
        'roles.rbac.authorization.k8s.io "target" is forbidden: user "rita" (groups=["system:authenticated"]) is '
        'attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["secrets"], '
        'Verbs:["get"]}'))
    assert [r["resources"] for r in lab.objects("Role")["target"]["rules"]] == [["pods"]]
    code, body = rest(lab, "PATCH", path, rita, {"metadata": {"labels": {"team": "a"}}})
    assert (code, body["metadata"]["labels"]) == (200, {"team": "a"})
    # binding a role rita does not hold all of (the cluster's "view") is refused the same way
    binding = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
               "metadata": {"name": "rita-views", "namespace": "default"},
               "subjects": [{"kind": "User", "name": "rita", "apiGroup": "rbac.authorization.k8s.io"}],
               "roleRef": {"kind": "ClusterRole", "name": "view", "apiGroup": "rbac.authorization.k8s.io"}}
    code, body = rest(lab, "POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings",
                      {"Impersonate-User": "rita"}, binding)
    assert (code, body["reason"], body["details"]) == (403, "Forbidden", {
        "name": "rita-views", "group": "rbac.authorization.k8s.io", "kind": "rolebindings"})
    assert body["message"].startswith('rolebindings.rbac.authorization.k8s.io "rita-views" is forbidden: user "rita" '
                                      '(groups=["system:authenticated"]) is attempting to grant RBAC permissions not '
                                      "currently held:\n")
    assert "rita-views" not in lab.objects("RoleBinding")
    # the terminal refuses it in the same words (create rolebinding's wording is checked against the real kubectl
    # for a refused create in test_the_real_kubectl_prints_what_the_terminal_prints)
    assert engine(lab, "create rolebinding rita-views --clusterrole=view --user=rita --as rita") == (
        f"error: failed to create rolebinding: {body['message']}\n", 1)
