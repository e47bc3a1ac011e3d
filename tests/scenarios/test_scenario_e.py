"""Scenario E: the command lines of the kubernetes.io tutorials, typed unchanged into the terminal
panel (driven through the HTTP contract the panel uses: ``/run``, with ``watchSeconds`` where a
command keeps printing) — example URLs, rollout status, jsonpath and go-template extractions,
ConfigMaps and Secrets from literals (decoded with base64), taints, explain, config set-context,
top, autoscale, wait, port-forward, a watch while a deployment scales, expose, delete.

Each step asserts what a learner reads; the exact texts of each verb are checked against the
real kubectl in tests/kubectl and tests/oracle."""

from __future__ import annotations

import re

import pytest

from server.sim.clock import DEFAULT_START
from server.web import create_app

DEPLOYMENT = "https://k8s.io/examples/application/deployment.yaml"


@pytest.fixture
def term(tmp_path):
    app = create_app({"DATA_DIR": str(tmp_path / "data"), "LIVE_TICKER": False, "TESTING": True},
                     seed=7, start=DEFAULT_START)
    client = app.test_client()
    sid = client.post("/api/sandboxes").json["id"]

    def run(line: str, rc: int | None = 0, **extra) -> str:
        r = client.post(f"/api/sandboxes/{sid}/run", json={"command": line, **extra})
        assert r.status_code == 200, r.json
        if rc is not None:
            assert r.json["exitCode"] == rc, r.json
        return r.json["output"]

    client.post(f"/api/sandboxes/{sid}/clock", json={"paused": True})
    yield run
    app.extensions["kubeplay.journal"].close()


def test_a_kubernetes_io_afternoon(term):
    assert term(f"kubectl apply -f {DEPLOYMENT}") == "deployment.apps/nginx-deployment created\n"
    status = term("kubectl rollout status deployment/nginx-deployment", watchSeconds=120)
    assert status.splitlines()[-1] == 'deployment "nginx-deployment" successfully rolled out'

    names = term("kubectl get pods -l app=nginx -o jsonpath='{.items[*].metadata.name}'").split()
    assert len(names) == 2 and all(n.startswith("nginx-deployment-") for n in names)
    listed = term("kubectl get pods -o go-template='{{range .items}}{{.metadata.name}}{{\"\\n\"}}{{end}}'")
    assert sorted(listed.split()) == sorted(names)
    images = term("kubectl get deploy nginx-deployment -o jsonpath='{.spec.template.spec.containers[0].image}'")
    assert images.strip() == "nginx:1.14.2"

    assert term("kubectl create configmap game-config --from-literal=lives=3 --from-literal=level=easy") == \
        "configmap/game-config created\n"
    assert "  lives: \"3\"\n" in term("kubectl get configmap game-config -o yaml")
    term("kubectl create secret generic db-user-pass --from-literal=username=admin "
         "--from-literal=password='S!B\\*d$zDsb='")
    decoded = term("kubectl get secret db-user-pass -o jsonpath='{.data.password}' | base64 --decode")
    assert decoded == "S!B\\*d$zDsb="

    assert term("kubectl taint nodes node1 key1=value1:NoSchedule") == "node/node1 tainted\n"
    assert "key1=value1:NoSchedule" in term("kubectl describe node node1")
    assert term("kubectl taint nodes node1 key1=value1:NoSchedule-") == "node/node1 untainted\n"

    explained = term("kubectl explain pods.spec.containers")
    assert explained.startswith("KIND:       Pod\nVERSION:    v1\n\nFIELD: containers <[]Container>")

    assert term("kubectl config set-context --current --namespace=kube-system") == \
        'Context "kubernetes-admin@kubernetes" modified.\n'
    assert re.search(r"^coredns-\S+\s+1/1\s+Running", term("kubectl get pods"), re.M)
    term("kubectl config set-context --current --namespace=default")
    assert "nginx-deployment-" in term("kubectl get pods")

    assert term("kubectl top nodes", rc=1) == "error: Metrics API not available\n"
    assert "error" not in term("kubectl autoscale deployment nginx-deployment --cpu-percent=50 --min=1 --max=10 "
                               "--dry-run=client -o yaml")

    assert term("kubectl wait --for=condition=Available deployment/nginx-deployment --timeout=60s") == \
        "deployment.apps/nginx-deployment condition met\n"
    forwarded = term("kubectl port-forward deployment/nginx-deployment 8080:80", watchSeconds=1)
    assert forwarded == "Forwarding from 127.0.0.1:8080 -> 80\nForwarding from [::1]:8080 -> 80\n"

    term("kubectl scale deployment nginx-deployment --replicas=4")
    watched = term("kubectl get pods -l app=nginx -w", watchSeconds=30)
    rows = [line.split() for line in watched.splitlines()[1:]]
    assert {r[0] for r in rows if r[1:3] == ["1/1", "Running"]} >= set(names)
    assert len({r[0] for r in rows}) == 4  # the two new pods appear as the watch runs
    assert any(r[2] == "ContainerCreating" for r in rows)

    assert term("kubectl expose deployment nginx-deployment --type=NodePort --port=80") == \
        "service/nginx-deployment exposed\n"
    assert re.search(r"^nginx-deployment\s+NodePort\s+10\.\S+\s+<none>\s+80:3\d{4}/TCP", term("kubectl get svc"), re.M)
    assert term(f"kubectl delete -f {DEPLOYMENT}") == 'deployment.apps "nginx-deployment" deleted\n'
    assert term("kubectl get deploy") == "No resources found in default namespace.\n"
