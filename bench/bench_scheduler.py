"""The scheduler's own throughput for pods of one template, printed (never asserted in tests).

Nodes are registered straight in the store (no kubelets: nothing but the scheduler runs), then
``--pods`` pending pods of one ReplicaSet-owned template are created and each is scheduled by one
``reconcile`` call, as the work queue would. Printed per node count: decisions per CPU second
(Filter, Score, select; binding excluded) and with binding (the store write, its watch event to
every controller watching Pods, the ``Scheduled`` event). CPU time (``time.process_time``), so a
busy machine does not make the figures look worse than they are.

Run: ``.venv/bin/python bench/bench_scheduler.py [--nodes 100 1000] [--pods 3000] [--profile]``.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from server.sim.bootstrap import node_object  # noqa: E402
from server.sim.cluster import Cluster  # noqa: E402


def run(nodes: int, pods: int, profile: bool) -> None:
    cluster = Cluster(seed=1)
    now = cluster.clock.iso()
    for i in range(nodes):
        cluster.store.create(node_object(
            f"bench{i:05d}", ip=f"10.{1 + i // 62500}.{i // 250 % 250}.{i % 250 + 1}", pod_cidr=f"10.250.{i % 250}.0/24",
            created=now, ready_since=now, now=now, cpu="64", memory_ki=256 * 1024 * 1024,
            labels={"topology.kubernetes.io/zone": f"zone-{i % 3}"}))
    cluster.settle()
    sched = cluster.controller("default-scheduler")
    for i in range(pods):
        cluster.store.create({
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": f"web-{i}", "namespace": "default", "labels": {"app": "web"},
                         "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web",
                                              "uid": "bench-rs", "controller": True}]},
            "spec": {"containers": [{"name": "c", "image": "nginx"}]}})
    keys = [k for k in sched.queue if k[1] == "default"]
    for k in keys:
        sched.queue.pop(k, None)
    in_bind = [0.0]
    bind = sched._bind  # type: ignore[attr-defined]

    def timed_bind(*args: object) -> None:
        t = time.process_time()
        bind(*args)
        in_bind[0] += time.process_time() - t

    sched._bind = timed_bind  # type: ignore[attr-defined]
    bound = sched.bound  # type: ignore[attr-defined]
    prof = cProfile.Profile() if profile else None
    t0 = time.process_time()
    if prof:
        prof.enable()
    for k in keys:
        sched.reconcile(k)
    if prof:
        prof.disable()
    cpu = time.process_time() - t0
    n = sched.bound - bound  # type: ignore[attr-defined]
    print(f"{nodes} nodes, {n} pods of one template: {n / (cpu - in_bind[0]):,.0f} decisions per CPU second, "
          f"{n / cpu:,.0f} pods per CPU second with binding ({in_bind[0] / max(n, 1) * 1e6:.0f} µs per bind)"
          + (" [under cProfile]" if prof else ""))
    if prof:
        pstats.Stats(prof).sort_stats("tottime").print_stats(15)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--nodes", type=int, nargs="+", default=[100, 1000])
    ap.add_argument("--pods", type=int, default=3000)
    ap.add_argument("--profile", action="store_true")
    args = ap.parse_args()
    for nodes in args.nodes:
        run(nodes, args.pods, args.profile)


if __name__ == "__main__":
    main()
