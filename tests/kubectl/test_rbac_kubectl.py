"""The RBAC kinds' server-side text, compared with the real kubectl v1.32 against our API: the Role/ClusterRole
tables (NAME CREATED AT), the binding tables (NAME ROLE AGE; -o wide's USERS GROUPS SERVICEACCOUNTS),
describe of the default policy's roles and bindings and of a user's, and the apiserver's errors for invalid
RBAC objects (the real kubectl prints the Status our API answers)."""

from __future__ import annotations

import subprocess

import pytest

from tests.labserver import lab_server
from tests.realkubectl import KUBECTL

OBJECTS = """apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  namespace: default
  name: pod-reader
rules:
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["get", "watch", "list"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: read-pods
  namespace: default
subjects:
- kind: User
  name: jane
  apiGroup: rbac.authorization.k8s.io
- kind: Group
  name: devs
  apiGroup: rbac.authorization.k8s.io
- kind: ServiceAccount
  name: robot
  namespace: default
roleRef:
  kind: Role
  name: pod-reader
  apiGroup: rbac.authorization.k8s.io
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: secret-reader
rules:
- apiGroups: [""]
  resources: ["secrets"]
  resourceNames: ["db"]
  verbs: ["get"]
- nonResourceURLs: ["/healthz", "/metrics/*"]
  verbs: ["get"]
"""

CASES = [
    "get clusterroles", "get clusterrolebindings", "get clusterrolebindings -o wide", "get roles -A",
    "get rolebindings -A -o wide", "get role pod-reader", "get rolebinding read-pods -o wide",
    "describe clusterrole view", "describe clusterrole edit", "describe clusterrole admin",
    "describe clusterrole cluster-admin", "describe clusterrole system:discovery", "describe clusterrole secret-reader",
    "describe clusterrolebinding cluster-admin", "describe clusterrolebinding system:node",
    "describe clusterrolebinding kubeadm:node-proxier", "describe role pod-reader",
    "describe rolebinding read-pods", "describe role -n kube-system kube-proxy",
    "describe rolebinding -n kube-public kubeadm:bootstrap-signer-clusterinfo",
    "auth can-i --list --as=system:serviceaccount:default:default",
    "auth can-i --list --as=jane", "auth can-i list pods --as=jane", "auth can-i delete pods --as=jane",
    "auth can-i get secrets/db --as=jane", "auth can-i get /healthz --as=jane",
]

BAD = [
    """apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: bad-role, namespace: default}
rules:
- resources: [pods]
  verbs: []
- nonResourceURLs: [/healthz]
  verbs: [get]
""",
    """apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: bad-binding}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: x}
subjects:
- {kind: ServiceAccount, name: robot}
- {kind: Robot, name: r2d2}
""",
]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    if KUBECTL is None:
        pytest.skip("no kubectl installed: the comparisons need the real one")
    with lab_server(tmp_path_factory) as lab:
        lab.clock(paused=True)
        lab.kubectl("apply", "-f", "-", stdin=OBJECTS)
        lab.clock(advance=20)
        yield lab


def _real(lab, *args: str, stdin: str | None = None) -> str:
    real = subprocess.run([KUBECTL, "--kubeconfig", str(lab.kubeconfig), "--cache-dir", str(lab.home / "cache"),
                           *args], input=stdin, cwd=lab.home, capture_output=True, text=True, timeout=60,
                          env={"HOME": str(lab.home), "PATH": "/usr/bin:/bin"})
    return real.stdout + real.stderr


@pytest.mark.parametrize("line", CASES)
def test_matches_real_kubectl(lab, line):
    real = _real(lab, *line.split())
    assert lab.engine("kubectl " + line) == real


def test_what_the_tables_say(lab):
    """A v1.32 kubeadm lab's default policy as a user lists it, and the wide binding columns."""
    roles = [line.split()[0] for line in _real(lab, "get", "clusterroles").splitlines()[1:]]
    for name in ("admin", "cluster-admin", "edit", "view", "flannel", "kubeadm:get-nodes", "system:coredns",
                 "system:aggregate-to-view", "system:controller:clusterrole-aggregation-controller",
                 "system:controller:legacy-service-account-token-cleaner", "system:kube-scheduler",
                 "system:service-account-issuer-discovery", "secret-reader"):
        assert name in roles
    # features that are off by default in v1.32 have no controller roles
    for absent in ("system:controller:service-cidrs-controller", "system:controller:selinux-warning-controller",
                   "system:controller:resource-claim-controller"):
        assert absent not in roles
    assert len(roles) == 68  # 67 of the lab's + secret-reader
    wide = _real(lab, "get", "rolebinding", "read-pods", "-o", "wide").splitlines()
    assert wide[0].split() == ["NAME", "ROLE", "AGE", "USERS", "GROUPS", "SERVICEACCOUNTS"]
    assert wide[1].split() == ["read-pods", "Role/pod-reader", "20s", "jane", "devs", "default/robot"]
    crb = {line.split()[0]: line.split()[1:] for line in _real(lab, "get", "clusterrolebindings", "-o",
                                                               "wide").splitlines()[1:]}
    assert crb["cluster-admin"] == ["ClusterRole/cluster-admin", "2d3h", "system:masters"]
    assert crb["system:node"] == ["ClusterRole/system:node", "2d3h"]


def test_aggregated_rules(lab):
    """admin holds edit's rules and its own; a new role labelled aggregate-to-view reaches view, edit and
    admin (the clusterrole-aggregation controller), and leaves them when it goes."""
    def resources(role: str) -> set[str]:
        lines = _real(lab, "describe", "clusterrole", role).splitlines()
        start = next(i for i, line in enumerate(lines) if line.strip().startswith("---------")) + 1
        return {line.split()[0] for line in lines[start:] if line.strip()}

    assert {"rolebindings.rbac.authorization.k8s.io", "localsubjectaccessreviews.authorization.k8s.io",
            "pods/exec", "secrets", "pods"} <= resources("admin")
    assert "secrets" in resources("edit") and "secrets" not in resources("view")
    lab.kubectl("apply", "-f", "-", stdin="""apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: crontab-viewer
  labels: {rbac.authorization.k8s.io/aggregate-to-view: "true"}
rules:
- apiGroups: [stable.example.com]
  resources: [crontabs]
  verbs: [get, list, watch]
""")
    for role in ("view", "edit", "admin"):
        assert "crontabs.stable.example.com" in resources(role)
    lab.kubectl("delete", "clusterrole", "crontab-viewer")
    for role in ("view", "edit", "admin"):
        assert "crontabs.stable.example.com" not in resources(role)


@pytest.mark.parametrize("manifest", BAD)
def test_invalid_objects_are_refused_in_the_apiservers_words(lab, manifest):
    real = _real(lab, "apply", "-f", "-", stdin=manifest)
    assert "is invalid" in real
    assert lab.engine("kubectl apply -f - <<'EOF'\n" + manifest + "EOF") == real


def test_invalid_words(lab):
    role = _real(lab, "apply", "-f", "-", stdin=BAD[0])
    assert ('The Role "bad-role" is invalid: \n* rules[0].verbs: Required value: verbs must contain at least one '
            'value\n* rules[0].apiGroups: Required value: resource rules must supply at least one api group\n'
            '* rules[1].nonResourceURLs: Invalid value: []string{"/healthz"}: namespaced rules cannot apply to '
            'non-resource URLs') in role
    binding = _real(lab, "apply", "-f", "-", stdin=BAD[1])
    assert ('roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole"' in binding
            and "subjects[0].namespace: Required value" in binding
            and 'subjects[1].kind: Unsupported value: "Robot"' in binding)
    lab.kubectl("apply", "-f", "-", stdin=OBJECTS)
    changed = OBJECTS.replace("  name: pod-reader\n  apiGroup", "  name: other\n  apiGroup")
    out = _real(lab, "apply", "-f", "-", stdin=changed)
    assert ('The RoleBinding "read-pods" is invalid: roleRef: Invalid value: rbac.RoleRef{APIGroup:'
            '"rbac.authorization.k8s.io", Kind:"Role", Name:"other"}: cannot change roleRef') in out
