"""kubeplay's own deployment (deploy/kubernetes/kubeplay.yaml) applies in a kubeplay sandbox as a
real cluster takes it: every object valid, created in order, the workers' StatefulSet with the
names the router's configuration addresses, and the router's configuration the one in deploy/."""

from __future__ import annotations

from pathlib import Path

import yaml

from server.persist import Journal
from server.sandbox import Sandbox
from server.sim.clock import DEFAULT_START

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def test_the_kubernetes_manifests_apply_and_name_the_workers_the_router_knows():
    text = (DEPLOY / "kubernetes" / "kubeplay.yaml").read_text()
    journal = Journal()
    journal.add_sandbox("deploy", 7, DEFAULT_START)
    sandbox = Sandbox("deploy", 7, DEFAULT_START, {"kubeplay.yaml": text}, journal)
    applied = sandbox.run("kubectl apply -f kubeplay.yaml")
    assert applied["exitCode"] == 0, applied["output"]
    docs = [d for d in yaml.safe_load_all(text) if d]
    assert applied["output"].splitlines() == [
        f"{d['kind'].lower()}{'.apps' if d['apiVersion'] == 'apps/v1' else ''}/{d['metadata']['name']} created"
        for d in docs]
    workers = sandbox.run("kubectl get statefulset kubeplay -n kubeplay -o jsonpath={.spec.replicas}")["output"]
    router = next(d for d in docs if d["kind"] == "ConfigMap")["data"]["nginx.conf"]
    assert [f"kubeplay-{i}.kubeplay-workers.kubeplay.svc.cluster.local:8080" in router
            for i in range(int(workers))] == [True] * int(workers)
    # the ConfigMap's router is deploy/nginx.conf but for the cluster's DNS and the workers' names
    local = (DEPLOY / "nginx.conf").read_text()
    for line in ("hash $sandbox_key consistent;", "error_page 307 = @owner;", "proxy_pass $owner;",
                 '"~^/(?:api/sandboxes|k8s)/(?<sid>[A-Za-z0-9_-]{8,})"  $sid;', "proxy_buffering off;"):
        assert line in local and line in router, line
