"""The usage model and the metrics-server add-on (server/sim/metrics.py): what a container uses
(idle baselines, served requests, throttling at the CPU limit, the program hook), the add-on's
objects, the two-points rule before a pod has metrics, the metrics.k8s.io objects' shape, and
that it all replays identically."""

from __future__ import annotations

from pathlib import Path

import pytest

from server.kubectl import run
from server.sim import metrics
from server.sim.cluster import Cluster
from server.sim.net import traffic
from server.sim.net.proxy import Source
from server.sim.quantity import Quantity

ROOT = Path(__file__).resolve().parents[2]
PHP = (ROOT / "examples/k8s.io/examples/application/php-apache.yaml").read_text()


def _pod(image: str, limits: dict | None = None) -> tuple[dict, dict]:
    container = {"name": "app", "image": image, "resources": {"limits": limits} if limits else {}}
    return {"metadata": {"uid": "u-1", "name": "p"}, "spec": {"containers": [container]}}, container


def test_idle_baselines_and_requests():
    c = Cluster(seed=1, empty=True)
    pod, cont = _pod("nginx:1.27")
    cpu, mem = metrics.container_usage(c, pod, cont, 0, 15, 1000)
    assert cpu == 0 and 2.5 * 2**20 <= mem <= 3.5 * 2**20 and mem % 4096 == 0
    pod, cont = _pod("registry.k8s.io/hpa-example")
    idle, _ = metrics.container_usage(c, pod, cont, 0, 15, 1000)
    busy, _ = metrics.container_usage(c, pod, cont, 150, 15, 1000)
    assert idle < 1_000_000  # under a millicore: 0% of a 200m request
    assert abs((busy - idle) - 150 * 16_000_000 // 15) <= 1  # 16 ms of CPU per request, over the window


def test_cpu_is_throttled_at_the_limit_and_memory_at_its_limit():
    c = Cluster(seed=1, empty=True)
    pod, cont = _pod("registry.k8s.io/hpa-example", {"cpu": "500m", "memory": "5Mi"})
    cpu, mem = metrics.container_usage(c, pod, cont, 10_000, 15, 1000)
    assert cpu == 500_000_000 and mem == 5 * 2**20


def test_the_programs_usage_hook():
    c = Cluster(seed=1, empty=True)
    c.runtime.usage = lambda uid, name: (0.25, 100 * 2**20)  # type: ignore[attr-defined]
    pod, cont = _pod("busybox:1.28")
    cpu, mem = metrics.container_usage(c, pod, cont, 0, 15, 1000)
    assert cpu == 250_000_000 and 100 * 2**20 <= mem <= 101 * 2**20


def test_service_time_follows_the_cpu_limit():
    # a request within the CFS quota runs at full speed and leaves the rest of the period's quota
    took, left = metrics.service_time(0.016, 0.5, 0.05)
    assert took == 0.016 and left == pytest.approx(0.05 - 0.016 + 0.5 * 0.016)
    # past it, the request runs at the refill rate: 100m and a 10 ms quota make 16 ms of CPU take 60 ms
    assert metrics.service_time(0.016, 0.1, 0.01) == (pytest.approx(0.06), 0.0)
    assert metrics.service_time(0.016, None, 0.0) == (0.016, 0.0)  # no limit: no throttling

    c = Cluster(seed=1)
    c.workspace["php.yaml"] = PHP
    c.set_addon("metrics-server", True)
    run(c, "kubectl apply -f php.yaml")
    c.advance(30)
    pod = next(p for p in c.store.scan("Pod", "default") if p["metadata"]["name"].startswith("php-apache-"))
    name, uid = pod["metadata"]["name"], pod["metadata"]["uid"]
    # one client, each request 10 ms after the previous answer: one pod under its 500m limit answers
    # at most 0.5 / 0.016 = 31.25 a second, the loop alone would make 1 / 26 ms = 38.5
    t, sent = c.clock.now(), 0
    while t < c.clock.now() + 10:
        t += metrics.record_request(c, "default", name, uid, "php-apache", t) + 0.01
        sent += 1
    assert 31 <= sent / 10 <= 32
    assert metrics.requests(c).entries[("default", name, "php-apache")].count == sent


def test_addon_objects_and_switching_off():
    c = Cluster(seed=1)
    assert not metrics.enabled(c)
    c.set_addon("metrics-server", True)
    assert metrics.enabled(c)
    deploy = c.store.get("Deployment", "kube-system", "metrics-server")
    spec = deploy["spec"]["template"]["spec"]["containers"][0]
    assert spec["image"] == "registry.k8s.io/metrics-server/metrics-server:v0.7.2"
    assert "--metric-resolution=15s" in spec["args"] and "--kubelet-insecure-tls" in spec["args"]
    svc = c.store.get("Service", "kube-system", "metrics-server")
    assert svc["spec"]["ports"][0]["port"] == 443
    assert c.store.get("ServiceAccount", "kube-system", "metrics-server") is not None
    c.set_addon("metrics-server", False)
    assert not metrics.enabled(c)
    c.advance(60)
    assert c.store.get("Deployment", "kube-system", "metrics-server") is None
    assert not [p for p in c.store.scan("Pod", "kube-system") if p["metadata"]["name"].startswith("metrics-")]
    assert run(c, "kubectl top nodes").output == "error: Metrics API not available\n"


def test_metrics_need_a_ready_server_and_two_scrapes():
    c = Cluster(seed=1)
    c.set_addon("metrics-server", True)
    assert not metrics.available(c)
    assert run(c, "kubectl top pods -A").output == (
        "Error from server (ServiceUnavailable): the server is currently unable to handle the request "
        "(get pods.metrics.k8s.io)\n")
    assert c.run_until(c.clock.now() + 120, lambda: metrics.available(c))
    c.advance(30)
    names = {m["metadata"]["name"] for m in metrics.pod_metrics(c, "kube-system")}
    assert any(n.startswith("etcd-") for n in names)
    # a new pod: no metrics at its first scrape, metrics from the second
    run(c, "kubectl run web --image=nginx:1.27")
    assert c.run_until(c.clock.now() + 60, lambda: bool(metrics._running_containers(  # noqa: SLF001
        c.store.get("Pod", "default", "web"))))
    assert metrics.pod_metrics(c, "default") == []
    assert run(c, "kubectl top pods").output == "error: metrics not available yet\n"
    out = run(c, "kubectl top pod web")
    assert out.output == 'Error from server (NotFound): podmetrics.metrics.k8s.io "default/web" not found\n'
    c.advance(31)
    [m] = metrics.pod_metrics(c, "default")
    assert m["kind"] == "PodMetrics" and m["apiVersion"] == "metrics.k8s.io/v1beta1"
    assert m["metadata"]["labels"] == {"run": "web"} and m["window"] == "15s"
    usage = m["containers"][0]["usage"]
    assert usage["cpu"].endswith("n") or usage["cpu"] == "0"
    assert usage["memory"].endswith("Ki")
    assert Quantity.parse(usage["memory"]).value() < 4 * 2**20


def test_node_usage_is_its_pods_plus_the_system():
    c = Cluster(seed=1)
    c.set_addon("metrics-server", True)
    c.run_until(c.clock.now() + 120, lambda: metrics.available(c))
    c.advance(30)
    nodes = {m["metadata"]["name"]: m for m in metrics.node_metrics(c)}
    assert set(nodes) == {"master", "node1", "node2"}
    on_master = [m for m in metrics.pod_metrics(c)
                 if c.store.peek("Pod", m["metadata"]["namespace"], m["metadata"]["name"])["spec"]["nodeName"]
                 == "master"]
    pods_cpu = sum(Quantity.parse(x["usage"]["cpu"]).scaled_value(-9) for m in on_master for x in m["containers"])
    node_cpu = Quantity.parse(nodes["master"]["usage"]["cpu"]).scaled_value(-9)
    assert 60_000_000 < node_cpu - pods_cpu < 120_000_000  # kubelet, containerd and the OS
    top = run(c, "kubectl top nodes").output.splitlines()
    assert top[0].split() == ["NAME", "CPU(cores)", "CPU(%)", "MEMORY(bytes)", "MEMORY(%)"]
    assert [ln.split()[0] for ln in top[1:]] == ["master", "node1", "node2"]


def test_requests_served_raise_the_pods_cpu_and_replays_match():
    def scenario() -> list[str]:
        c = Cluster(seed=5)
        c.workspace["php.yaml"] = PHP
        c.set_addon("metrics-server", True)
        run(c, "kubectl apply -f php.yaml")
        run(c, "kubectl run client --image=busybox:1.28 -- sleep 3600")
        c.advance(90)
        before = run(c, "kubectl top pods -l run=php-apache --no-headers").output
        for _ in range(3):
            traffic.send(c, Source.pod("default", "client"), "http://php-apache", 600)
            c.advance(15)
        return [before, run(c, "kubectl top pods -l run=php-apache --no-headers").output]

    first, second = scenario(), scenario()
    assert first == second
    idle, busy = (int(out.split()[1][:-1]) for out in first)
    assert idle <= 1 and busy == 500  # 600 requests x 16 ms in 15 s wants 640m: throttled at the limit
