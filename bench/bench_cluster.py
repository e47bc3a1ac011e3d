"""Scale figures for the simulation core, printed (never asserted in tests).

1. Pods scheduled per second of wall time: a 100-node cluster, one Deployment of 3,000 replicas;
   the clock runs until every pod is bound (the ReplicaSet controller makes them at its client's
   rate, 20 a second: ~150 simulated seconds), and we divide by the wall time spent; then, once
   every pod is Running, the wall and CPU time per pod from the apply on (every controller, the
   scheduler, the kubelets' container starts).
2. Wall time per simulated second at steady state: the same cluster once every pod is Running,
   advanced by 60 simulated seconds (heartbeats, node monitoring, nothing else changing).

Run: ``make bench`` (or ``.venv/bin/python bench/bench_cluster.py [--nodes N --pods P --preset large]``;
``large`` starts with master + 100 workers and takes nodes past 256).

The cyclic garbage collector is set up as ``python -m server`` sets it (``--gc server``: what start-up
made frozen out of the collector, the young generation collected every 50,000 allocations), since
that is the process the figures are about; ``--gc default`` keeps Python's thresholds (700, 10, 10),
under which the full passes over a large sandbox's millions of small dicts are a fifth of a pod's cost.
"""

from __future__ import annotations

import argparse
import gc
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from server.config import GC_THRESHOLDS  # noqa: E402
from server.sim.cluster import Cluster  # noqa: E402


def deployment(replicas: int) -> dict:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "bench", "namespace": "default"},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": "bench"}},
            "template": {
                "metadata": {"labels": {"app": "bench"}},
                "spec": {"containers": [{"name": "nginx", "image": "nginx:1.17"}]},
            },
        },
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--nodes", type=int, default=100)
    ap.add_argument("--pods", type=int, default=3000)
    ap.add_argument("--preset", default="kubeadm", help="large: master + 100 workers, room for 5,000 nodes")
    ap.add_argument("--gc", choices=("server", "default"), default="server",
                    help="the cyclic collector as server/__main__.py sets it, or Python's defaults")
    args = ap.parse_args()
    if args.gc == "server":  # (server/__main__.py: gc.freeze() after start-up, then these thresholds)
        gc.freeze()
        gc.set_threshold(*GC_THRESHOLDS)

    t0 = time.perf_counter()
    cluster = Cluster(seed=1, preset=args.preset)
    workers = [n for n in cluster.machines if n != "master"]
    i = len(workers) + 1
    t_join = time.perf_counter()
    while len(cluster.machines) < args.nodes:
        cluster.add_node(f"node{i}")
        i += 1
    t_join = time.perf_counter() - t_join
    cluster.advance(30)
    print(f"cluster of {len(cluster.machines)} nodes ready in {time.perf_counter() - t0:.2f} s wall "
          f"(the joins: {t_join:.2f} s; garbage collector: {args.gc}, thresholds {gc.get_threshold()})")

    # time spent deciding (filter + score + select), apart from binding: a bind is a store write
    # whose watch event runs every other controller's handler synchronously
    scheduler = cluster.controller("default-scheduler")
    bound_before = scheduler.bound

    # counters, not scans: a scan of every pod at each step made the bench's own work quadratic
    # (150,000 pods come over 7,500 simulated seconds)
    def bound() -> int:  # the scheduler's binds since the apply (no other pod is made meanwhile)
        return scheduler.bound - bound_before

    def running() -> int:  # the Deployment controller's count (its pods have no probes: Running is ready)
        status = (cluster.store.peek("Deployment", "default", "bench") or {}).get("status") or {}
        return status.get("readyReplicas") or 0
    in_scheduler = [0.0]

    def timed(fn, sign):
        def wrapper(*a):
            t = time.perf_counter()
            try:
                return fn(*a)
            finally:
                in_scheduler[0] += sign * (time.perf_counter() - t)
        return wrapper

    scheduler.reconcile = timed(scheduler.reconcile, 1)  # type: ignore[method-assign]
    scheduler._bind = timed(scheduler._bind, -1)  # type: ignore[attr-defined]

    t1, c1 = time.perf_counter(), time.process_time()
    cluster.api.create(deployment(args.pods))
    sim = 0.0
    # the ReplicaSet controller creates pods at its client's rate (30 at once, then 20 a second)
    horizon = args.pods / 20 + 120
    while bound() < args.pods and sim < horizon:
        cluster.advance(5)
        sim += 5
    t_sched = time.perf_counter() - t1
    n = bound()
    print(f"scheduled {n} pods in {t_sched:.2f} s wall ({sim:.0f} s simulated): "
          f"{n / t_sched:,.0f} pods per wall second end to end (ReplicaSet, admission, scheduler, kubelets); "
          f"the scheduler's decisions alone (filter, score, select over {len(cluster.machines)} nodes): "
          f"{n / in_scheduler[0]:,.0f} pods per wall second")

    while running() < args.pods and sim < 2 * horizon:
        cluster.advance(5)
        sim += 5
    print(f"{running()} pods Running after {sim:.0f} s simulated: "
          f"{(time.perf_counter() - t1) * 1000 / args.pods:.2f} ms wall, "
          f"{(time.process_time() - c1) * 1000 / args.pods:.2f} ms CPU per pod from the apply "
          "(CPU time: the figure that does not move with other processes on the machine)")

    t2 = time.perf_counter()
    cluster.advance(60)
    per = (time.perf_counter() - t2) / 60
    print(f"steady state: {per * 1000:.2f} ms wall per simulated second "
          f"({len(cluster.machines)} nodes, {cluster.store.count('Pod')} pods)")
    # resident set size (tracemalloc would slow every figure above several times over)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"memory: {peak:.0f} MiB peak resident (whole process, Python included)")


if __name__ == "__main__":
    main()
