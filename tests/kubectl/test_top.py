"""kubectl top: kubeplay against the real kubectl v1.32.

Without a metrics API (today's sandbox: a bare kubeadm cluster) the real kubectl against a kubeplay
server and kubeplay's terminal answer the same, checks and errors included. The tables for when
metrics exist are pure functions (``node_metrics_table``, ``pod_metrics_table``): the metric
objects built here are served to the real kubectl by a small fake metrics.k8s.io API (discovery,
the metrics lists and the node list), and what it prints is what the functions must print.
"""

from __future__ import annotations

import json
import shlex
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from server.kubectl.verbs.top import node_metrics_table, pod_metrics_table
from tests.labserver import lab_server
from tests.realkubectl import KUBECTL

pytestmark = pytest.mark.skipif(KUBECTL is None, reason="no kubectl installed: the comparisons need the real one")


def _node(name: str, cpu: str, memory: str) -> dict:
    return {"metadata": {"name": name}, "timestamp": "2025-03-03T13:00:00Z", "window": "10s",
            "usage": {"cpu": cpu, "memory": memory}}


def _pod(ns: str, name: str, *containers: tuple[str, str, str]) -> dict:
    return {"metadata": {"name": name, "namespace": ns}, "timestamp": "2025-03-03T13:00:00Z", "window": "10s",
            "containers": [{"name": c, "usage": {"cpu": cpu, "memory": mem}} for c, cpu, mem in containers]}


NODE_METRICS = [_node("node1", "250m", "1536Mi"), _node("master", "1200300n", "2000000Ki"),
                _node("node3", "250m", "512Mi")]
NODES = [
    {"metadata": {"name": "master"}, "status": {"allocatable": {"cpu": "2", "memory": "4000000Ki"},
                                                "capacity": {"cpu": "2", "memory": "4100000Ki"}}},
    {"metadata": {"name": "node1"}, "status": {"allocatable": {"cpu": "1500m", "memory": "2Gi"},
                                               "capacity": {"cpu": "2", "memory": "3Gi"}}},
    {"metadata": {"name": "node2"}, "status": {"allocatable": {"cpu": "2", "memory": "2Gi"},
                                               "capacity": {"cpu": "2", "memory": "2Gi"}}},
    {"metadata": {"name": "node3"}, "status": {"allocatable": {"cpu": "0", "memory": "1Gi"},
                                               "capacity": {"cpu": "1", "memory": "1Gi"}}},
]
POD_METRICS = [
    _pod("default", "web-b", ("nginx", "3m", "20Mi"), ("sidecar", "1m", "5Mi")),
    _pod("default", "web-a", ("nginx", "3m", "25Mi")),
    _pod("kube-system", "coredns", ("coredns", "2m", "12Mi")),
    _pod("default", "batch", ("worker", "950m", "300Mi"), ("agent", "950m", "1Mi"), ("log", "0", "0")),
    _pod("kube-system", "etcd", ("etcd", "4m", "30Mi")),
]


def _items(kind: str, items: list[dict]) -> dict:
    return {"kind": kind, "apiVersion": "v1", "metadata": {}, "items": items}


ROUTES = {
    "/api": {"kind": "APIVersions", "versions": ["v1"],
             "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1"}]},
    "/apis": {"kind": "APIGroupList", "apiVersion": "v1", "groups": [{
        "name": "metrics.k8s.io", "versions": [{"groupVersion": "metrics.k8s.io/v1beta1", "version": "v1beta1"}],
        "preferredVersion": {"groupVersion": "metrics.k8s.io/v1beta1", "version": "v1beta1"}}]},
    "/apis/metrics.k8s.io/v1beta1/nodes": dict(_items("NodeMetricsList", NODE_METRICS),
                                               apiVersion="metrics.k8s.io/v1beta1"),
    "/apis/metrics.k8s.io/v1beta1/pods": dict(_items("PodMetricsList", POD_METRICS),
                                              apiVersion="metrics.k8s.io/v1beta1"),
    "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods": dict(
        _items("PodMetricsList", [m for m in POD_METRICS if m["metadata"]["namespace"] == "default"]),
        apiVersion="metrics.k8s.io/v1beta1"),
    "/api/v1/nodes": _items("NodeList", NODES),
}


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        body = ROUTES.get(self.path.split("?")[0])
        data = json.dumps(body if body is not None else {
            "kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "NotFound", "code": 404}).encode()
        self.send_response(200 if body is not None else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def metrics_api(tmp_path_factory) -> Iterator[Path]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    home = tmp_path_factory.mktemp("top")
    (home / "kubeconfig").write_text(f"""\
apiVersion: v1
kind: Config
clusters:
- cluster: {{server: "http://127.0.0.1:{server.server_address[1]}"}}
  name: fake
contexts:
- context: {{cluster: fake, user: fake, namespace: default}}
  name: fake
current-context: fake
users:
- name: fake
  user: {{token: fake}}
""")
    try:
        yield home
    finally:
        server.shutdown()
        server.server_close()


def _real(home: Path, line: str) -> str:
    p = subprocess.run([KUBECTL, "--kubeconfig", str(home / "kubeconfig"), "--cache-dir", str(home / "cache"),
                        *shlex.split(line)], capture_output=True, text=True, timeout=60,
                       env={"HOME": str(home), "PATH": "/usr/bin:/bin"})
    assert p.returncode == 0, p.stderr
    return p.stdout


def _available(key: str) -> dict[str, dict]:
    return {n["metadata"]["name"]: n["status"][key] for n in NODES if n["metadata"]["name"] != "node2"} | {
        "node2": NODES[2]["status"][key]}


@pytest.mark.parametrize(("flags", "kwargs"), [
    ("", {}),
    ("--sort-by=cpu", {"sort_by": "cpu"}),
    ("--sort-by=memory", {"sort_by": "memory"}),
    ("--no-headers", {"no_headers": True}),
])
def test_node_table(metrics_api, flags, kwargs):
    want = _real(metrics_api, f"top node {flags}")
    assert node_metrics_table(NODE_METRICS, _available("allocatable"), **kwargs) == want


def test_node_table_against_capacity(metrics_api):
    want = _real(metrics_api, "top node --show-capacity")
    assert node_metrics_table(NODE_METRICS, _available("capacity")) == want
    assert "node2    <unknown>" in want  # a node without metrics


@pytest.mark.parametrize(("flags", "kwargs"), [
    ("", {}),
    ("-A", {"with_namespace": True}),
    ("--containers", {"containers": True}),
    ("-A --containers --sort-by=cpu", {"with_namespace": True, "containers": True, "sort_by": "cpu"}),
    ("-A --sort-by=memory", {"with_namespace": True, "sort_by": "memory"}),
    ("-A --sort-by=cpu", {"with_namespace": True, "sort_by": "cpu"}),
    ("--sum", {"total": True}),
    ("-A --containers --sum --no-headers", {"with_namespace": True, "containers": True, "total": True,
                                            "no_headers": True}),
])
def test_pod_table(metrics_api, flags, kwargs):
    want = _real(metrics_api, f"top pod {flags}")
    metrics = POD_METRICS if kwargs.get("with_namespace") else [
        m for m in POD_METRICS if m["metadata"]["namespace"] == "default"]
    assert pod_metrics_table(metrics, **kwargs) == want


# -- without a metrics API: a kubeplay server ----------------------------------------------------------

@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    with lab_server(tmp_path_factory) as lab:
        lab.clock(paused=True)
        yield lab


@pytest.mark.parametrize("line", [
    "top node", "top nodes master", "top pod", "top pods -A", "top po --containers", "top pod nope",
    "top node -l node-role.kubernetes.io/control-plane", "top pod a b", "top node a b",
    "top pod x -l a=b", "top node x -l a=b", "top pod --sort-by=name", "top node --sort-by=x",
    "top pod x --field-selector=a=b", "top node --show-capacity --no-headers",
])
def test_without_metrics_api_matches_real_kubectl(lab, line):
    real = lab.kubectl(*shlex.split(line), check=False)
    assert real.returncode == 1
    assert lab.engine("kubectl " + line) == real.stdout + real.stderr


# -- with the metrics-server add-on: the simulation's own metrics -------------------------------------

@pytest.fixture(scope="module")
def simulated(tmp_path_factory):
    """A lab with metrics-server on, and the same NodeMetrics/PodMetrics (and Nodes) served to the real
    kubectl by a fake metrics.k8s.io API, so both render one set of measurements."""
    from server.kubectl import run
    from server.sim import metrics
    from server.sim.cluster import Cluster

    c = Cluster(seed=2)
    c.set_addon("metrics-server", True)
    run(c, "kubectl create deployment web --image=nginx:1.27 --replicas=3")
    c.advance(90)
    pods = metrics.pod_metrics(c)
    routes = dict(ROUTES)
    routes["/apis/metrics.k8s.io/v1beta1/nodes"] = dict(_items("NodeMetricsList", metrics.node_metrics(c)),
                                                        apiVersion="metrics.k8s.io/v1beta1")
    routes["/apis/metrics.k8s.io/v1beta1/pods"] = dict(_items("PodMetricsList", pods),
                                                       apiVersion="metrics.k8s.io/v1beta1")
    for ns in ("default", "kube-system"):
        routes[f"/apis/metrics.k8s.io/v1beta1/namespaces/{ns}/pods"] = dict(
            _items("PodMetricsList", [m for m in pods if m["metadata"]["namespace"] == ns]),
            apiVersion="metrics.k8s.io/v1beta1")
    routes["/api/v1/nodes"] = _items("NodeList", c.store.list("Node"))

    class Handler(_Handler):
        def do_GET(self) -> None:  # noqa: N802
            body = routes.get(self.path.split("?")[0])
            data = json.dumps(body if body is not None else {"kind": "Status", "code": 404}).encode()
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    home = tmp_path_factory.mktemp("top-sim")
    (home / "kubeconfig").write_text(
        "apiVersion: v1\nkind: Config\nclusters:\n- cluster: {server: \"http://127.0.0.1:%d\"}\n  name: fake\n"
        "contexts:\n- context: {cluster: fake, user: fake, namespace: default}\n  name: fake\n"
        "current-context: fake\nusers:\n- name: fake\n  user: {token: fake}\n".replace("%d", str(server.server_address[1])))
    try:
        yield c, home
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("line", [
    "top nodes", "top node --sort-by=memory", "top node --show-capacity --no-headers", "top pods",
    "top pods -A", "top pods -A --sort-by=cpu --sum", "top pods -n kube-system --containers",
    "top pod -A --containers --sort-by=memory --no-headers",
])
def test_simulated_metrics_render_as_the_real_kubectl_renders_them(simulated, line):
    from server.kubectl import run

    c, home = simulated
    out = run(c, "kubectl " + line)
    assert out.exit_code == 0
    assert out.output == _real(home, line)
