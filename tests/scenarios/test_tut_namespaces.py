"""kubernetes.io's Namespaces Walkthrough (tasks/administer-cluster/namespaces-walkthrough), deleting a
namespace that runs pods, and the quota sessions of "Configure Default Memory Requests and Limits for a
Namespace" and "Configure Memory and CPU Quotas for a Namespace" — the tutorials' command lines typed
into the terminal panel through the HTTP contract (``/run``, ``/clock``), asserting what the pages
show (the server-side texts are checked against the real kubectl in tests/web/test_policy_kubectl.py)."""

from __future__ import annotations

import re

import pytest

from server.sim.clock import DEFAULT_START
from server.web import create_app

EXAMPLES = "https://k8s.io/examples/admin"


@pytest.fixture
def lab(tmp_path):
    app = create_app({"DATA_DIR": str(tmp_path / "data"), "LIVE_TICKER": False, "TESTING": True},
                     seed=7, start=DEFAULT_START)
    client = app.test_client()
    sid = client.post("/api/sandboxes").json["id"]

    class Lab:
        def run(self, line: str, rc: int | None = 0) -> str:
            r = client.post(f"/api/sandboxes/{sid}/run", json={"command": line})
            assert r.status_code == 200, r.json
            if rc is not None:
                assert r.json["exitCode"] == rc, r.json
            return r.json["output"]

        def advance(self, seconds: float) -> None:
            assert client.post(f"/api/sandboxes/{sid}/clock", json={"advance": seconds}).status_code == 200

    client.post(f"/api/sandboxes/{sid}/clock", json={"paused": True})
    yield Lab()
    app.extensions["kubeplay.journal"].close()


def _rows(text: str) -> list[list[str]]:
    return [line.split() for line in text.splitlines()]


def test_namespaces_walkthrough(lab):
    assert [r[:2] for r in _rows(lab.run("kubectl get namespaces"))] == [
        ["NAME", "STATUS"], ["default", "Active"], ["kube-node-lease", "Active"], ["kube-public", "Active"],
        ["kube-system", "Active"]]
    assert lab.run(f"kubectl create -f {EXAMPLES}/namespace-dev.yaml") == "namespace/development created\n"
    assert lab.run(f"kubectl create -f {EXAMPLES}/namespace-prod.yaml") == "namespace/production created\n"
    labelled = {r[0]: r[-1] for r in _rows(lab.run("kubectl get namespaces --show-labels"))[1:]}
    assert labelled["development"] == "kubernetes.io/metadata.name=development,name=development"
    assert labelled["production"] == "kubernetes.io/metadata.name=production,name=production"

    current = lab.run("kubectl config current-context").strip()
    assert current == "kubernetes-admin@kubernetes"
    assert lab.run("kubectl config set-context dev --namespace=development --cluster=kubernetes "
                   "--user=kubernetes-admin") == 'Context "dev" created.\n'
    assert lab.run("kubectl config set-context prod --namespace=production --cluster=kubernetes "
                   "--user=kubernetes-admin") == 'Context "prod" created.\n'
    view = lab.run("kubectl config view")
    assert "- context:\n    cluster: kubernetes\n    namespace: development\n    user: kubernetes-admin\n  name: dev\n" \
        in view
    assert lab.run("kubectl config use-context dev") == 'Switched to context "dev".\n'
    assert lab.run("kubectl config current-context") == "dev\n"

    assert lab.run("kubectl create deployment snowflake --image=registry.k8s.io/serve_hostname -n=development "
                   "--replicas=2") == "deployment.apps/snowflake created\n"
    lab.advance(30)
    deployments = _rows(lab.run("kubectl get deployment -n=development"))
    assert deployments[0] == ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"]
    assert deployments[1][0] == "snowflake" and deployments[1][2] == "2"
    pods = _rows(lab.run("kubectl get pods -l app=snowflake -n=development"))[1:]
    assert len(pods) == 2 and all(re.fullmatch(r"snowflake-[a-z0-9]{8,10}-[a-z0-9]{5}", p[0]) for p in pods)

    assert lab.run("kubectl config use-context prod") == 'Switched to context "prod".\n'
    assert lab.run("kubectl get deployment") == "No resources found in production namespace.\n"
    assert lab.run("kubectl get pods") == "No resources found in production namespace.\n"
    assert lab.run("kubectl create deployment cattle --image=registry.k8s.io/serve_hostname -n=production") == \
        "deployment.apps/cattle created\n"
    assert lab.run("kubectl scale deployment cattle --replicas=5 -n=production") == "deployment.apps/cattle scaled\n"
    lab.advance(30)
    assert _rows(lab.run("kubectl get deployment -n=production"))[1][:3] == ["cattle", _rows(
        lab.run("kubectl get deployment -n=production"))[1][1], "5"]
    cattle = _rows(lab.run("kubectl get pods -l app=cattle -n=production"))[1:]
    assert len(cattle) == 5 and all(p[0].startswith("cattle-") for p in cattle)
    # the development namespace's objects stay out of production's view, and back
    assert "snowflake" not in lab.run("kubectl get pods")
    lab.run("kubectl config use-context dev")
    assert "cattle" not in lab.run("kubectl get pods") and "snowflake-" in lab.run("kubectl get pods")


def test_namespaces_walkthrough_pods_run(lab):
    lab.run(f"kubectl create -f {EXAMPLES}/namespace-dev.yaml")
    lab.run("kubectl create deployment snowflake --image=registry.k8s.io/serve_hostname -n=development --replicas=2")
    lab.advance(60)
    assert _rows(lab.run("kubectl get deployment -n=development"))[1][:4] == ["snowflake", "2/2", "2", "2"]
    pods = _rows(lab.run("kubectl get pods -l app=snowflake -n=development"))[1:]
    assert [p[1:4] for p in pods] == [["1/1", "Running", "0"]] * 2


def test_deleting_a_namespace_takes_its_pods(lab):
    lab.run("kubectl create namespace scratch")
    lab.run("kubectl create deployment web --image=nginx --replicas=3 -n scratch")
    lab.advance(30)
    assert lab.run("kubectl get pods -n scratch").count("Running") == 3
    assert lab.run("kubectl delete namespace scratch") == 'namespace "scratch" deleted\n'
    lab.advance(60)
    assert lab.run("kubectl get namespace scratch", rc=1) == \
        'Error from server (NotFound): namespaces "scratch" not found\n'
    assert lab.run("kubectl get pods -n scratch") == "No resources found in scratch namespace.\n"
    assert lab.run("kubectl get all -A").count("scratch") == 0


def test_a_deleted_namespace_is_terminating_until_its_pods_are_gone(lab):
    lab.run("kubectl create namespace scratch")
    lab.run("kubectl create deployment web --image=nginx --replicas=2 -n scratch")
    lab.advance(30)
    assert lab.run("kubectl delete namespace scratch --wait=false") == 'namespace "scratch" deleted\n'
    assert _rows(lab.run("kubectl get namespace scratch"))[1][:2] == ["scratch", "Terminating"]
    refused = lab.run("kubectl run late --image=nginx -n scratch", rc=1)
    assert refused == ('Error from server (Forbidden): pods "late" is forbidden: unable to create new content in '
                       "namespace scratch because it is being terminated\n")
    assert lab.run("kubectl delete namespace default", rc=1) == (
        'Error from server (Forbidden): namespaces "default" is forbidden: this namespace may not be deleted\n')
    lab.advance(20)
    assert lab.run("kubectl get namespace scratch", rc=1).startswith("Error from server (NotFound)")


def test_default_memory_requests_and_limits(lab):
    """tasks/administer-cluster/manage-resources/memory-default-namespace."""
    ns = "--namespace=default-mem-example"
    assert lab.run("kubectl create namespace default-mem-example") == "namespace/default-mem-example created\n"
    assert lab.run(f"kubectl apply -f {EXAMPLES}/resource/memory-defaults.yaml {ns}") == \
        "limitrange/mem-limit-range created\n"
    assert lab.run(f"kubectl apply -f {EXAMPLES}/resource/memory-defaults-pod.yaml {ns}") == \
        "pod/default-mem-demo created\n"
    pod = lab.run(f"kubectl get pod default-mem-demo --output=yaml {ns}")
    assert ("  - image: nginx\n    imagePullPolicy: Always\n    name: default-mem-demo-ctr\n    resources:\n"
            "      limits:\n        memory: 512Mi\n      requests:\n        memory: 256Mi\n") in pod
    assert ("    kubernetes.io/limit-ranger: 'LimitRanger plugin set: memory request for container\n"
            "      default-mem-demo-ctr; memory limit for container default-mem-demo-ctr'\n") in pod
    lab.run(f"kubectl delete pod default-mem-demo {ns}")

    # a limit but no request: the request is the limit, not the namespace default
    lab.run(f"kubectl apply -f {EXAMPLES}/resource/memory-defaults-pod-2.yaml {ns}")
    pod = lab.run(f"kubectl get pod default-mem-demo-2 --output=yaml {ns}")
    assert "    resources:\n      limits:\n        memory: 1Gi\n      requests:\n        memory: 1Gi\n" in pod
    # a request but no limit: the limit is the namespace default
    lab.run(f"kubectl apply -f {EXAMPLES}/resource/memory-defaults-pod-3.yaml {ns}")
    pod = lab.run(f"kubectl get pod default-mem-demo-3 --output=yaml {ns}")
    assert "    resources:\n      limits:\n        memory: 512Mi\n      requests:\n        memory: 128Mi\n" in pod
    assert lab.run("kubectl delete namespace default-mem-example") == 'namespace "default-mem-example" deleted\n'


def test_memory_and_cpu_quota(lab):
    """tasks/administer-cluster/manage-resources/quota-memory-cpu-namespace."""
    ns = "--namespace=quota-mem-cpu-example"
    lab.run("kubectl create namespace quota-mem-cpu-example")
    assert lab.run(f"kubectl apply -f {EXAMPLES}/resource/quota-mem-cpu.yaml {ns}") == \
        "resourcequota/mem-cpu-demo created\n"
    assert lab.run(f"kubectl apply -f {EXAMPLES}/resource/quota-mem-cpu-pod.yaml {ns}") == \
        "pod/quota-mem-cpu-demo created\n"
    lab.advance(20)
    assert _rows(lab.run(f"kubectl get pod quota-mem-cpu-demo {ns}"))[1][:4] == \
        ["quota-mem-cpu-demo", "1/1", "Running", "0"]
    quota = lab.run(f"kubectl get resourcequota mem-cpu-demo {ns} --output=yaml")
    assert quota.endswith("status:\n  hard:\n    limits.cpu: \"2\"\n    limits.memory: 2Gi\n    requests.cpu: \"1\"\n"
                          "    requests.memory: 1Gi\n  used:\n    limits.cpu: 800m\n    limits.memory: 800Mi\n"
                          "    requests.cpu: 400m\n    requests.memory: 600Mi\n")
    assert lab.run(f"kubectl get resourcequota mem-cpu-demo {ns} -o jsonpath='{{ .status.used }}'") == \
        '{"limits.cpu":"800m","limits.memory":"800Mi","requests.cpu":"400m","requests.memory":"600Mi"}'
    refused = lab.run(f"kubectl apply -f {EXAMPLES}/resource/quota-mem-cpu-pod-2.yaml {ns}", rc=1)
    assert refused == (f'Error from server (Forbidden): error when creating "{EXAMPLES}/resource/quota-mem-cpu-pod-2.yaml": '
                       'pods "quota-mem-cpu-demo-2" is forbidden: exceeded quota: mem-cpu-demo, requested: '
                       "requests.memory=700Mi, used: requests.memory=600Mi, limited: requests.memory=1Gi\n")
    table = _rows(lab.run(f"kubectl get quota {ns}"))
    assert table[0] == ["NAME", "AGE", "REQUEST", "LIMIT"]
    assert " ".join(table[1][2:]) == ("requests.cpu: 400m/1, requests.memory: 600Mi/1Gi "
                                      "limits.cpu: 800m/2, limits.memory: 800Mi/2Gi")
    described = lab.run("kubectl describe namespace quota-mem-cpu-example")
    assert ("Resource Quotas\n  Name:            mem-cpu-demo\n  Resource         Used   Hard\n"
            "  --------         ---    ---\n  limits.cpu       800m   2\n  limits.memory    800Mi  2Gi\n"
            "  requests.cpu     400m   1\n  requests.memory  600Mi  1Gi\n\nNo LimitRange resource.\n") in described
