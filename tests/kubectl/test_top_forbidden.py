"""``kubectl top --as <user>``: the metrics.k8s.io requests are authorized as the user (``get``/``list``
on ``pods``/``nodes`` in that group) by the kube-apiserver before kube-aggregator proxies them, so a
user without them gets the apiserver's 403 — even while metrics-server is not ready — and one granted
them sees the usage, though metrics-server reads the pods and nodes with its own rights. Compared:
the real kubectl v1.32 over the Kubernetes API and kubeplay's terminal, line for line."""

from __future__ import annotations

import pytest

from tests.labserver import paused_lab

LINES = ("top pods", "top pods -A", "top pod web", "top nodes", "top node master", "top pods -l app=web",
         "top pods -n kube-system --sort-by=memory")
DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: nginx, image: nginx}]}
"""

GRANTS = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: top, namespace: default}
rules: [{apiGroups: [metrics.k8s.io], resources: [pods], verbs: [get, list]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: jane-top, namespace: default}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: top}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: jane}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: top-nodes}
rules:
- {apiGroups: [metrics.k8s.io], resources: [nodes], verbs: [get, list]}
- {apiGroups: [""], resources: [nodes], verbs: [get, list]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: jane-top-nodes}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: top-nodes}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: jane}]
"""


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    with paused_lab(tmp_path_factory, apply=DEPLOYMENT) as lab:
        yield lab


def _both(lab, line: str, cache: str, user: str = "jane") -> tuple[str, str]:
    """(the real kubectl's stdout+stderr, the terminal's output) of ``kubectl --as <user> <line>``;
    the real one keeps its discovery cache per phase, as between two commands far apart."""
    real = lab.kubectl("--as", user, "--cache-dir", str(lab.home / cache), *line.split(), check=False)
    return real.stdout + real.stderr, lab.engine(f"kubectl --as {user} {line}")


def _forbidden(verb: str, resource: str, where: str, name: str = "") -> str:
    named = f' "{name}"' if name else ""
    return (f'Error from server (Forbidden): {resource}.metrics.k8s.io{named} is forbidden: User "jane" cannot '
            f'{verb} resource "{resource}" in API group "metrics.k8s.io" {where}\n')


EXPECTED_DENIALS = {
    "top pods": _forbidden("list", "pods", 'in the namespace "default"'),
    "top pods -A": _forbidden("list", "pods", "at the cluster scope"),
    "top pod web": _forbidden("get", "pods", 'in the namespace "default"', "web"),
    "top nodes": _forbidden("list", "nodes", "at the cluster scope"),
    "top node master": _forbidden("get", "nodes", "at the cluster scope", "master"),
    "top pods -l app=web": _forbidden("list", "pods", 'in the namespace "default"'),
    "top pods -n kube-system --sort-by=memory": _forbidden("list", "pods", 'in the namespace "kube-system"'),
}


def test_top_as_a_user_through_the_addons_life(lab):
    lab.kubectl("delete", "-f", "-", "--ignore-not-found", stdin=GRANTS)  # whatever another test granted
    lab.request("POST", f"/api/sandboxes/{lab.sid}/addons/metrics-server", {"enabled": False})
    # no add-on: discovery (every user's) has no metrics.k8s.io, so no request is made
    for line in ("top pods", "top nodes"):
        real, mine = _both(lab, line, "cache-off")
        assert real == "error: Metrics API not available\n"
        assert mine == real
    lab.request("POST", f"/api/sandboxes/{lab.sid}/addons/metrics-server", {"enabled": True})
    # metrics-server's pod is starting: the 403 comes first (authorization is the apiserver's own
    # filter, before the aggregator's 503) — and the admin sees the 503
    for line in LINES:
        real, mine = _both(lab, line, "cache-starting")
        assert real == EXPECTED_DENIALS[line], line
        assert mine == real, line
    admin = lab.engine("kubectl top pods")
    assert admin.startswith("Error from server (ServiceUnavailable): ")
    lab.clock(advance=60)
    for line in LINES:
        real, mine = _both(lab, line, "cache-ready")
        assert real == EXPECTED_DENIALS[line], line
        assert mine == real, line


def test_a_user_granted_the_metrics_sees_them(lab):
    lab.request("POST", f"/api/sandboxes/{lab.sid}/addons/metrics-server", {"enabled": True})
    lab.clock(advance=60)
    # pods.metrics.k8s.io in default only (not even core pods), nodes of both groups cluster-wide
    lab.kubectl("apply", "-f", "-", stdin=GRANTS)
    pod = next(name for name in lab.objects("Pod") if name.startswith("web-"))
    for line in ("top pods", f"top pod {pod}", "top pods -l app=web", "top nodes", "top node master"):
        real, mine = _both(lab, line, "cache-granted")
        assert real.startswith("NAME ") and "Error" not in real, (line, real)
        assert mine == real, line
    assert _both(lab, "top pods", "cache-granted")[0].splitlines()[1].startswith(pod + " ")
    # allowed to ask: metrics-server's own answer for a pod it has no metrics of
    real, mine = _both(lab, "top pod web", "cache-granted")
    assert real == 'Error from server (NotFound): podmetrics.metrics.k8s.io "default/web" not found\n'
    assert mine == real
    for line in ("top pods -A", "top pods -n kube-system --sort-by=memory"):
        real, mine = _both(lab, line, "cache-granted")
        assert real == EXPECTED_DENIALS[line], line
        assert mine == real, line
