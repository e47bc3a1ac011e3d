"""Requests routed per second of wall time through the kube-proxy model, printed (never asserted).

State is written straight into the store (no kubelet, no controllers' work): 1,000 ClusterIP
Services with a NodePort each and 10,000 endpoints (10 Running nginx pods per service, spread
over the nodes, listed in hand-made Endpoints). Then N connections go from a client pod to
random cluster IPs and N from the workstation to random NodePorts on random nodes, through
``proxy.route`` (endpoint choice, overlay hops, who listens). Building the cached view once is
timed apart; after that each route costs what one service's rules cost, whatever the totals.

Run: ``.venv/bin/python bench/bench_routing.py [--services 1000 --per-service 10 --requests 50000]``.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from server.sim.cluster import Cluster  # noqa: E402
from server.sim.net import proxy  # noqa: E402
from server.sim.net.proxy import Source  # noqa: E402

NODES = ("node1", "node2")


def running_pod(name: str, node: str, ip: str, at: str) -> dict:
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "namespace": "default", "labels": {"app": name.rsplit("-", 1)[0]}},
            "spec": {"nodeName": node, "containers": [{"name": "web", "image": "nginx:1.17"}]},
            "status": {"phase": "Running", "podIP": ip, "podIPs": [{"ip": ip}], "hostIP": "",
                       "conditions": [{"type": "Ready", "status": "True"}],
                       "containerStatuses": [{"name": "web", "ready": True, "state": {"running": {"startedAt": at}}}]}}


def build(services: int, per_service: int) -> Cluster:
    c = Cluster(seed=1)
    # written straight to the store and never settled: no controller or kubelet acts on them
    store, at = c.store, c.clock.iso()
    n = 0
    for s in range(services):
        addrs = []
        for k in range(per_service):
            node = NODES[(s + k) % len(NODES)]
            ip = f"10.{200 + n // 65000}.{(n // 250) % 256}.{n % 250 + 2}"
            store.create(running_pod(f"svc{s}-{k}", node, ip, at))
            addrs.append({"ip": ip, "nodeName": node, "targetRef": {"kind": "Pod", "namespace": "default",
                                                                      "name": f"svc{s}-{k}"}})
            n += 1
        store.create({"apiVersion": "v1", "kind": "Service", "metadata": {"name": f"svc{s}", "namespace": "default"},
                      "spec": {"type": "NodePort", "clusterIP": f"10.97.{s // 250}.{s % 250 + 1}", "ports": [
                          {"port": 80, "targetPort": 80, "protocol": "TCP", "nodePort": 30000 + s}]}})
        store.create({"apiVersion": "v1", "kind": "Endpoints", "metadata": {"name": f"svc{s}", "namespace": "default"},
                      "subsets": [{"addresses": addrs, "ports": [{"port": 80, "protocol": "TCP"}]}]})
    return c


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--services", type=int, default=1000)
    ap.add_argument("--per-service", type=int, default=10)
    ap.add_argument("--requests", type=int, default=50000)
    args = ap.parse_args()
    t0 = time.perf_counter()
    c = build(args.services, args.per_service)
    # the client: a pod on node1 (written directly too)
    c.store.create(running_pod("client-0", "node1", "10.244.1.250", c.clock.iso()))
    t1 = time.perf_counter()
    v = proxy.view(c)
    t2 = time.perf_counter()
    eps = sum(len(e) for e in v.endpoints.values())
    print(f"state: {len(v.services)} services, {eps} endpoints, {len(v.pod_ips)} pod IPs "
          f"(written in {t1 - t0:.1f} s; view built in {t2 - t1:.2f} s)")
    pick = random.Random(5)
    me = Source.pod("default", "client-0")
    vips = [f"10.97.{s // 250}.{s % 250 + 1}" for s in range(args.services)]
    ok = 0
    t3 = time.perf_counter()
    for _ in range(args.requests):
        ok += proxy.route(c, me, pick.choice(vips), 80).ok
    t4 = time.perf_counter()
    print(f"pod -> cluster IP: {args.requests} routes in {t4 - t3:.2f} s = {args.requests / (t4 - t3):,.0f} "
          f"requests/s ({ok} answered)")
    node_ips = ["192.168.56.10", "192.168.56.11", "192.168.56.12"]
    ok = 0
    t5 = time.perf_counter()
    for _ in range(args.requests):
        ok += proxy.route(c, Source.outside(), pick.choice(node_ips), 30000 + pick.randrange(args.services)).ok
    t6 = time.perf_counter()
    print(f"outside -> node:nodePort: {args.requests} routes in {t6 - t5:.2f} s = "
          f"{args.requests / (t6 - t5):,.0f} requests/s ({ok} answered)")


if __name__ == "__main__":
    main()
