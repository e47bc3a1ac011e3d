"""The create path in kube-apiserver's order: defaulting (SetDefaults_*, RBAC bindings included), the
mutating admission plugins (LimitRanger, ServiceAccount — refusing a pod whose account is missing —,
Priority, the only one to set ``priority``/``preemptionPolicy``), then the pod strategy's
PrepareForCreate (``status.qosClass``, which sees LimitRanger's requests and limits); and a server-side
dry run, which is that whole path without the write."""

from __future__ import annotations

import re

import pytest

from server.kubectl import run
from server.sim.api import ApiError
from server.sim.cluster import Cluster
from tests.labserver import lab_server
from tests.realkubectl import KUBECTL

MISSING = ('pods "{name}" is forbidden: error looking up service account default/missing: '
           'serviceaccount "missing" not found')


@pytest.fixture
def cluster() -> Cluster:
    return Cluster(seed=1)


def _pod(name: str, **spec) -> dict:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
            "spec": {"containers": [{"name": "c", "image": "nginx"}], **spec}}


# -- ordering ----------------------------------------------------------------------------------------
def test_the_qos_class_sees_what_limitranger_added(cluster):
    cluster.api.create({"apiVersion": "v1", "kind": "LimitRange", "metadata": {"name": "mem"}, "spec": {"limits": [
        {"type": "Container", "default": {"cpu": "500m", "memory": "256Mi"}}]}})
    pod = cluster.api.create(_pod("p"))
    assert pod["spec"]["containers"][0]["resources"] == {"limits": {"cpu": "500m", "memory": "256Mi"},
                                                         "requests": {"cpu": "500m", "memory": "256Mi"}}
    assert pod["status"] == {"phase": "Pending", "qosClass": "Guaranteed"}
    assert pod["metadata"]["annotations"] == {
        "kubernetes.io/limit-ranger": "LimitRanger plugin set: cpu, memory request for container c; "
                                      "cpu, memory limit for container c"}


def test_priority_comes_from_the_priority_plugin_only(cluster):
    cluster.api.create({"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass",
                        "metadata": {"name": "high"}, "value": 1000, "preemptionPolicy": "Never"})
    pod = cluster.api.create(_pod("p", priorityClassName="high"))
    assert (pod["spec"]["priority"], pod["spec"]["preemptionPolicy"]) == (1000, "Never")
    # a template carries neither (no defaulter sets them): they are the plugin's on each pod
    run(cluster, "kubectl create deploy web --image=nginx")
    tpl = cluster.store.get("Deployment", "default", "web")["spec"]["template"]["spec"]
    assert "priority" not in tpl and "preemptionPolicy" not in tpl
    with pytest.raises(ApiError) as e:
        cluster.api.create(_pod("q", priorityClassName="high", priority=5))
    assert e.value.message == ('pods "q" is forbidden: the integer value of priority (5) must not be provided in '
                               "pod spec; priority admission controller computed 1000 from the given "
                               "PriorityClass name")


# -- ServiceAccount -----------------------------------------------------------------------------------
def test_a_pod_naming_a_missing_service_account_is_refused(cluster):
    before = cluster.store.rv
    with pytest.raises(ApiError) as e:
        cluster.api.create(_pod("x", serviceAccountName="missing"))
    assert (e.value.code, e.value.reason, e.value.message) == (403, "Forbidden", MISSING.format(name="x"))
    assert cluster.store.rv == before
    cluster.workspace["x.yaml"] = ("apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec:\n"
                                   "  serviceAccountName: missing\n  containers: [{name: c, image: nginx}]\n")
    out = run(cluster, "kubectl apply -f x.yaml")
    assert (out.output, out.exit_code) == (
        f'Error from server (Forbidden): error when creating "x.yaml": {MISSING.format(name="x")}\n', 1)
    run(cluster, "kubectl create serviceaccount missing")
    pod = cluster.api.create(_pod("x", serviceAccountName="missing"))
    assert pod["spec"]["serviceAccount"] == "missing"
    assert pod["spec"]["volumes"][0]["name"].startswith("kube-api-access-")


def test_a_deployments_pods_fail_with_the_replicasets_failed_create_event(cluster):
    run(cluster, "kubectl create deploy web --image=nginx")
    cluster.advance(5)
    assert run(cluster, "kubectl set serviceaccount deploy web missing").exit_code == 0
    cluster.advance(5)
    rs = next(r for r in cluster.store.scan("ReplicaSet", "default")
              if r["spec"]["template"]["spec"].get("serviceAccountName") == "missing")
    name = rs["metadata"]["name"]
    events = [e for e in cluster.store.scan("Event", "default") if e["involvedObject"]["name"] == name]
    assert {(e["type"], e["reason"], e["message"]) for e in events} == {
        ("Warning", "FailedCreate", "Error creating: " + MISSING.format(name=name + "-"))}
    status = cluster.store.get("ReplicaSet", "default", name)["status"]
    assert status.get("replicas", 0) == 0
    assert [(c["type"], c["reason"], c["message"]) for c in status["conditions"]] == [
        ("ReplicaFailure", "FailedCreate", MISSING.format(name=name + "-"))]


# -- RBAC defaults ------------------------------------------------------------------------------------
def test_binding_subjects_and_role_ref_get_their_api_group(cluster):
    cluster.api.create({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
                        "metadata": {"name": "b"}, "roleRef": {"kind": "ClusterRole", "name": "view"},
                        "subjects": [{"kind": "User", "name": "jane"}, {"kind": "Group", "name": "devs"},
                                     {"kind": "ServiceAccount", "name": "default", "namespace": "default"}]})
    b = cluster.store.get("RoleBinding", "default", "b")
    assert b["roleRef"] == {"kind": "ClusterRole", "name": "view", "apiGroup": "rbac.authorization.k8s.io"}
    assert b["subjects"] == [{"kind": "User", "name": "jane", "apiGroup": "rbac.authorization.k8s.io"},
                             {"kind": "Group", "name": "devs", "apiGroup": "rbac.authorization.k8s.io"},
                             {"kind": "ServiceAccount", "name": "default", "namespace": "default"}]
    cluster.api.create({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
                        "metadata": {"name": "cb"}, "roleRef": {"kind": "ClusterRole", "name": "view"},
                        "subjects": [{"kind": "User", "name": "jane"}]})
    cb = cluster.store.get("ClusterRoleBinding", "", "cb")
    assert cb["roleRef"]["apiGroup"] == cb["subjects"][0]["apiGroup"] == "rbac.authorization.k8s.io"


# -- dry run -----------------------------------------------------------------------------------------
_VOLATILE = re.compile(r'^\s*(uid|resourceVersion|creationTimestamp): .*\n|'
                       r'(controller-uid: )[0-9a-f-]{36}|(clusterIPs?:\s*(?:- )?)10\.\d+\.\d+\.\d+|'
                       r'(nodePort: )\d+', re.M)


def _stable(text: str) -> str:
    """A create's answer without what differs between two creates (identity, allocations)."""
    return _VOLATILE.sub(lambda m: "" if m.group(1) else next(g for g in m.groups()[1:] if g) + "*", text)


@pytest.mark.parametrize("line", [
    "kubectl create deploy x --image=nginx",
    "kubectl run x --image=nginx --labels=app=x",
    "kubectl create job x --image=busybox",
    "kubectl create svc nodeport x --tcp=80",
    "kubectl create cronjob x --image=busybox --schedule='*/1 * * * *'",
    "kubectl create quota x --hard=requests.memory=1.5Gi,limits.cpu=0.5,pods=4",
])
def test_a_server_dry_run_answers_what_the_create_stores(cluster, line):
    before = cluster.store.rv
    dry = run(cluster, f"{line} --dry-run=server -o yaml")
    assert dry.exit_code == 0, dry.output
    assert cluster.store.rv == before and "resourceVersion" not in dry.output
    assert "uid: " in dry.output and "creationTimestamp: \"" in dry.output
    assert cluster.store.peek(dry.output.split("kind: ")[1].split("\n")[0], "default", "x") is None
    real = run(cluster, f"{line} -o yaml")
    assert _stable(dry.output) == _stable(real.output)


def test_a_dry_run_pod_carries_the_admission_mutations(cluster):
    out = run(cluster, "kubectl run x --image=nginx --dry-run=server -o yaml").output
    for line in ("  serviceAccountName: default\n", "  priority: 0\n", "  preemptionPolicy: PreemptLowerPriority\n",
                 "    key: node.kubernetes.io/not-ready\n", "      name: kube-api-access-",
                 "status:\n  phase: Pending\n  qosClass: BestEffort\n"):
        assert line in out
    assert cluster.store.peek("Pod", "default", "x") is None
    cluster.workspace["y.yaml"] = ("apiVersion: v1\nkind: Pod\nmetadata: {name: 'y'}\nspec:\n"
                                   "  serviceAccountName: missing\n  containers: [{name: c, image: nginx}]\n")
    refused = run(cluster, "kubectl apply -f y.yaml --dry-run=server")
    assert refused.output == f'Error from server (Forbidden): error when creating "y.yaml": {MISSING.format(name="y")}\n'


def test_a_dry_run_of_an_existing_name_is_refused(cluster):
    run(cluster, "kubectl create deploy x --image=nginx")
    out = run(cluster, "kubectl create deploy x --image=nginx --dry-run=server")
    assert out.output == 'error: failed to create deployment: deployments.apps "x" already exists\n'


POD = """apiVersion: v1
kind: Pod
metadata:
  name: web
  labels: {app: web}
spec:
  containers:
  - name: nginx
    image: nginx:1.27
    resources:
      requests: {cpu: 0.25, memory: 0.5Gi}
"""


@pytest.mark.skipif(KUBECTL is None, reason="no kubectl installed")
def test_the_real_kubectls_server_dry_run_shows_what_the_apply_stores(tmp_path_factory):
    with lab_server(tmp_path_factory) as lab:
        lab.clock(paused=True)
        before = lab.get(f"/api/sandboxes/{lab.sid}/objects")["rv"]
        dry = lab.kubectl("apply", "--dry-run=server", "-o", "yaml", "-f", "-", stdin=POD).stdout
        assert lab.get(f"/api/sandboxes/{lab.sid}/objects")["rv"] == before and "web" not in lab.objects("Pod")
        assert "resourceVersion" not in dry
        for line in ("  serviceAccountName: default\n", "  priority: 0\n", "      name: kube-api-access-",
                     "        cpu: 250m\n        memory: 512Mi\n", "  qosClass: Burstable\n"):
            assert line in dry
        real = lab.kubectl("apply", "-o", "yaml", "-f", "-", stdin=POD).stdout
        assert _stable(dry) == _stable(real)
        # the terminal's dry run prints the same object
        engine = lab.engine("kubectl run other --image=nginx --dry-run=server -o yaml")
        assert "  serviceAccountName: default\n" in engine and "status:\n  phase: Pending\n" in engine
