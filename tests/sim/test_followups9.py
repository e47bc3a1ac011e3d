"""Follow-ups in the simulation, as a user meets them: a fresh minikube/kind cluster's AGE is minutes
(the kubeadm lab's stays days); ``kubectl exec``'s programs see their own container's main process
(a mysql client reaches the mysqld of the container it runs in, not a sibling's); one strict decoder
(``admission.decode``) behind both the stored versions and ``autoscaling/v1``; ``kubectl create role``
maps group-qualified resources through discovery (metrics.k8s.io while the add-on serves it); the
minikube node reports the kernel its containers' ``uname`` prints."""

from __future__ import annotations

import copy

import pytest

from server.kubectl import run
from server.sim import admission, versions
from server.sim.api import ApiError
from server.sim.clock import parse_time
from server.sim.cluster import Cluster


def _ages(c: Cluster, line: str) -> dict[str, str]:
    """NAME -> AGE of a ``kubectl get`` table (its columns are single words)."""
    rows = [r.split() for r in run(c, line).output.splitlines()]
    at = rows[0].index("AGE")
    return {r[0]: r[at] for r in rows[1:]}


@pytest.fixture(scope="module")
def minikube() -> Cluster:
    return Cluster(seed=3, preset="minikube")


# -- 1. a fresh preset cluster is minutes old ------------------------------------------------------
def test_a_fresh_minikube_cluster_is_minutes_old(minikube: Cluster) -> None:
    assert _ages(minikube, "kubectl get nodes") == {"minikube": "2m40s"}
    assert set(_ages(minikube, "kubectl get ns").values()) <= {"2m40s", "2m39s", "2m38s", "2m37s"}
    # the apiserver's bootstrap RBAC (rbac_bootstrap) is dated from the same start, a second in
    created = minikube.store.peek("ClusterRole", "", "admin")["metadata"]["creationTimestamp"]
    node = minikube.store.peek("Node", "", "minikube")["metadata"]["creationTimestamp"]
    assert created == minikube.clock.iso(parse_time(node) + 1)
    pods = _ages(minikube, "kubectl get pods -n kube-system")
    assert all(age.startswith("2m") for age in pods.values()), pods


def test_a_fresh_kind_cluster_is_minutes_old_and_nothing_is_dated_ahead_of_the_clock() -> None:
    c = Cluster(seed=3, preset="kind")
    assert _ages(c, "kubectl get nodes") == {"kind-control-plane": "3m", "kind-worker": "2m20s"}
    now = c.clock.iso()
    for node in c.store.scan("Node"):
        assert all(cond["lastTransitionTime"] <= now for cond in node["status"]["conditions"]), node


def test_the_kubeadm_lab_keeps_its_two_days() -> None:
    c = Cluster(seed=3)
    assert set(_ages(c, "kubectl get nodes").values()) == {"2d3h"}


# -- 2. kubectl exec's programs and the container's main process -----------------------------------
@pytest.fixture(scope="module")
def two_servers() -> Cluster:
    c = Cluster(seed=4)
    out = run(c, "kubectl apply -f -", stdin="""apiVersion: v1
kind: Pod
metadata: {name: db}
spec:
  containers:
  - name: a
    image: mysql:5.7.30
    env: [{name: MYSQL_ROOT_PASSWORD, value: pw-a}]
  - name: b
    image: mysql:5.7.30
    args: [mysqld, --port=3307, --mysqlx-port=33070]
    env: [{name: MYSQL_ROOT_PASSWORD, value: pw-b}]
  - name: client
    image: mysql:5.7.30
    command: [sleep, "3600"]
""")
    assert out.exit_code == 0, out.output
    c.advance(90)
    return c


WARNING = "mysql: [Warning] Using a password on the command line interface can be insecure.\n"


def test_exec_mysql_reaches_the_server_of_its_own_container(two_servers: Cluster) -> None:
    ok = run(two_servers, "kubectl exec db -c b -- mysql -uroot -ppw-b -N -e 'SELECT 1'")
    assert (ok.output, ok.exit_code) == (WARNING + "1\n", 0)
    denied = run(two_servers, "kubectl exec db -c b -- mysql -uroot -ppw-a -e 'SELECT 1'")
    assert denied.exit_code == 1
    assert "ERROR 1045 (28000): Access denied for user 'root'@'localhost' (using password: YES)" in denied.output
    first = run(two_servers, "kubectl exec db -c a -- mysql -uroot -ppw-a -N -e 'SELECT 1'")
    assert (first.output, first.exit_code) == (WARNING + "1\n", 0)


def test_exec_mysql_beside_a_server_in_another_container_finds_no_socket(two_servers: Cluster) -> None:
    r = run(two_servers, "kubectl exec db -c client -- mysqladmin -uroot -ppw-a ping")
    assert r.exit_code == 1
    assert "Can't connect to local MySQL server through socket '/var/run/mysqld/mysqld.sock' (2)" in r.output


# -- 3. one strict decoder -------------------------------------------------------------------------
HPA_V1 = {"apiVersion": "autoscaling/v1", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "web"},
          "spec": {"scaleTargetRef": {"kind": "Deployment", "name": "web"}, "maxReplicas": 3, "bogus": 1}}


def test_admission_decode_is_the_decoder_of_an_extra_version() -> None:
    v1 = next(s.resource for s in versions.EXTRA if s.resource.api_version == "autoscaling/v1")
    with pytest.raises(ApiError) as e:
        admission.decode(copy.deepcopy(HPA_V1), "autoscaling/v1", "HorizontalPodAutoscaler")
    assert e.value.code == 400
    assert str(e.value.message) == ('HorizontalPodAutoscaler in version "v1" cannot be handled as a '
                                    'HorizontalPodAutoscaler: strict decoding error: unknown field "spec.bogus"')
    with pytest.raises(ApiError) as same:
        versions.decode(v1, copy.deepcopy(HPA_V1))
    assert same.value.message == e.value.message
    body = copy.deepcopy(HPA_V1)
    assert versions.decode(v1, body, "Warn") == ['unknown field "spec.bogus"'] and "bogus" not in body["spec"]
    # maxReplicas is an int32 in v1 too: the Go type error wins over unknown fields
    typed = copy.deepcopy(HPA_V1)
    typed["spec"]["maxReplicas"] = "three"
    with pytest.raises(ApiError) as bad:
        admission.decode(typed, "autoscaling/v1", "HorizontalPodAutoscaler", "Ignore")
    assert "cannot be handled as a HorizontalPodAutoscaler" in bad.value.message
    assert "strict decoding error" not in bad.value.message


def test_validate_decodes_a_stored_version_through_the_same_decoder() -> None:
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
           "spec": {"containres": [], "containers": [{"name": "c", "image": "nginx"}]}}
    assert admission.validate(copy.deepcopy(pod), "Warn") == admission.decode(
        copy.deepcopy(pod), "v1", "Pod", "Warn") == ['unknown field "spec.containres"']


# -- 4. kubectl create role and discovery's groups -------------------------------------------------
ROLE = "kubectl create role r --verb=get --dry-run=client -o yaml --resource="


def test_create_role_without_the_metrics_api_says_which_group_it_lacks(minikube: Cluster) -> None:
    r = run(minikube, ROLE + "pods.metrics.k8s.io")
    assert (r.output.strip(), r.exit_code) == ('the server doesn\'t have a resource type "pods" in group '
                                               '"metrics.k8s.io"', 1)
    assert run(minikube, ROLE + "foos").output.strip() == 'the server doesn\'t have a resource type "foos"'


def test_create_role_maps_the_metrics_resources_while_the_add_on_serves_them() -> None:
    c = Cluster(seed=5, preset="minikube")
    c.set_addon("metrics-server", True)
    r = run(c, ROLE + "pods.metrics.k8s.io/log,nodemetrics,pods")
    assert r.exit_code == 0, r.output
    assert r.output == """apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  creationTimestamp: null
  name: r
rules:
- apiGroups:
  - ""
  resources:
  - pods
  verbs:
  - get
- apiGroups:
  - metrics.k8s.io
  resources:
  - pods/log
  - nodes
  verbs:
  - get
"""


@pytest.mark.parametrize(("word", "group", "plural"), [("deploy.app", "apps", "deployments"),
                                                       ("storageclass.storage", "storage.k8s.io", "storageclasses")])
def test_create_role_matches_a_group_prefix_as_the_restmapper_does(minikube: Cluster, word: str, group: str,
                                                                   plural: str) -> None:
    out = run(minikube, ROLE.replace("create role", "create clusterrole") + word).output
    assert f"- apiGroups:\n  - {group}\n  resources:\n  - {plural}\n" in out, out


# -- 5. the workstation's kernel -------------------------------------------------------------------
def test_the_minikube_node_reports_the_kernel_its_containers_run_on(minikube: Cluster) -> None:
    node = minikube.store.peek("Node", "", "minikube")
    pod = next(p["metadata"]["name"] for p in minikube.store.scan("Pod", "kube-system")
               if p["metadata"]["name"].startswith("kube-proxy-"))
    r = run(minikube, f"kubectl exec -n kube-system {pod} -- uname -r")
    assert r.exit_code == 0, r.output
    assert r.output == node["status"]["nodeInfo"]["kernelVersion"] + "\n"
    wide = run(minikube, "kubectl get node minikube -o wide").output
    assert node["status"]["nodeInfo"]["kernelVersion"] in wide


def test_a_container_runs_on_its_own_nodes_kernel_in_the_lab():
    """The kubeadm lab's nodes are VMs of their own kernel: a pod's ``uname -r`` is its node's, not the
    workstation's."""
    lab = Cluster(seed=1)
    run(lab, "kubectl run k --image=busybox -- sleep 3600")
    lab.advance(20)
    pod = lab.store.peek("Pod", "default", "k")
    node = lab.store.peek("Node", "", pod["spec"]["nodeName"])
    assert run(lab, "kubectl exec k -- uname -r").output == node["status"]["nodeInfo"]["kernelVersion"] + "\n"


def test_an_option_as_the_first_argument_runs_the_images_server():
    """docker-library's entrypoints (mysql, postgres, redis) put their server in front of arguments that
    begin with ``-``: ``args: [--character-set-server=utf8mb4]`` starts mysqld with it."""
    lab = Cluster(seed=1)
    run(lab, "kubectl apply -f -", "apiVersion: v1\nkind: Pod\nmetadata: {name: m}\nspec:\n  containers:\n"
        "  - name: m\n    image: mysql:5.7.30\n    args: [--character-set-server=utf8mb4]\n"
        "    env: [{name: MYSQL_ROOT_PASSWORD, value: pw}]\n")
    lab.advance(60)
    assert run(lab, "kubectl get pod m --no-headers").output.split()[1:3] == ["1/1", "Running"]
    assert "mysqld: ready for connections." in run(lab, "kubectl logs m").output
