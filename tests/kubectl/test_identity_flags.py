"""kubectl's global identity flags in the engine: ``--context``, ``--kubeconfig``, ``--as``,
``--as-group``, ``--as-uid``. The refusals are checked against the real kubectl v1.32 run offline
(what it prints before it talks to a server); the effects against the engine's own other spellings."""

from __future__ import annotations

import pytest

from server.kubectl import run
from server.sim.cluster import Cluster
from tests.kubectl.offline_kubectl import needs_kubectl, real


@pytest.fixture(scope="module")
def cluster() -> Cluster:
    return Cluster(seed=1)


#: one line per way kubectl first reads its kubeconfig (client config validation, or ClientConfig)
CONTEXT_LINES = [
    "get pods", "describe pod web", "logs web", "exec web -- ls", "delete pod web", "scale deploy web --replicas=1",
    "label pod web a=b", "rollout status deploy/web", "taint node node1 a=b:NoSchedule", "top pod",
    "auth can-i get pods", "auth whoami", "create configmap a --from-literal=a=b", "run x --image=nginx",
    "api-resources", "top node", "cordon node1", "explain pods", "set env deploy/web A=b", "wait pod/web --for=delete",
    "get pods --as=jane --as-group=g1 --as-group=g2",
]


@needs_kubectl
@pytest.mark.parametrize("line", CONTEXT_LINES)
def test_an_unknown_context_is_refused_as_kubectl_refuses_it(cluster, line):
    want, code = real("--context", "nope", *line.split())
    got = run(cluster, f"kubectl --context nope {line}")
    assert (got.output, got.exit_code) == (want, code)


@needs_kubectl
@pytest.mark.parametrize("line", ["get pods", "auth can-i get pods", "create configmap a", "version"])
def test_a_missing_kubeconfig_file_is_refused(cluster, line):
    want, code = real("--kubeconfig", "missing", *line.split())
    got = run(cluster, f"kubectl --kubeconfig missing {line}")
    assert (got.output, got.exit_code) == (want, code)


@needs_kubectl
@pytest.mark.parametrize("line", ["--as-group g get pods", "--as-uid u auth whoami", "get pods --as-group=a"])
def test_groups_or_uid_without_a_user_are_refused(cluster, line):
    want, code = real(*line.split())
    got = run(cluster, f"kubectl {line}")
    assert (got.output, got.exit_code) == (want, code)


@needs_kubectl
@pytest.mark.parametrize("line", ["config current-context", "version --client"])
def test_offline_commands_ignore_the_context(cluster, line):
    want, code = real("--context", "nope", *line.split())
    got = run(cluster, f"kubectl --context nope {line}")
    assert got.exit_code == code == 0
    assert got.output.splitlines()[0].split(":")[0] == want.splitlines()[0].split(":")[0]


def test_context_names_the_namespace_of_every_command():
    c = Cluster(seed=1)
    set_ctx = run(c, "kubectl config set-context sys --cluster=kubernetes --user=kubernetes-admin --namespace=kube-system")
    assert set_ctx.exit_code == 0, set_ctx.output
    by_context = run(c, "kubectl --context sys get pods")
    by_flag = run(c, "kubectl get pods -n kube-system")
    assert by_context.exit_code == 0
    assert by_context.output == by_flag.output
    assert "coredns" in by_context.output
    # the current context is untouched
    assert run(c, "kubectl get pods").output == run(c, "kubectl get pods -n default").output


def test_kubeconfig_flag_names_the_namespace():
    c = Cluster(seed=1)
    c.workspace["other.conf"] = run(c, "kubectl config view --raw").output
    assert run(c, "kubectl --kubeconfig other.conf config set-context --current --namespace=kube-system").exit_code == 0
    other = run(c, "kubectl --kubeconfig other.conf get pods")
    assert other.exit_code == 0 and "coredns" in other.output
    assert other.output == run(c, "kubectl get pods -n kube-system").output
    assert run(c, "kubectl get pods").output == "No resources found in default namespace.\n"


def test_as_changes_who_auth_asks_for(cluster):
    whoami = run(cluster, "kubectl --as jane --as-group dev --as-uid 42 auth whoami")
    assert whoami.exit_code == 0
    assert "jane" in whoami.output and "[dev system:authenticated]" in whoami.output and "42" in whoami.output
    assert run(cluster, "kubectl auth can-i get pods").output == "yes\n"
    denied = run(cluster, "kubectl auth can-i get pods --as jane")
    assert (denied.output, denied.exit_code) == ("no\n", 1)
    # every other verb is authorized as jane too, as the apiserver authorizes the impersonated request
    refused = run(cluster, "kubectl --as jane get pods -n kube-system")
    assert (refused.output, refused.exit_code) == (
        'Error from server (Forbidden): pods is forbidden: User "jane" cannot list resource "pods" in API group "" '
        'in the namespace "kube-system"\n', 1)
    assert run(cluster, "kubectl --as jane --as-group system:masters get pods -n kube-system").exit_code == 0
