"""Issue 11's proportionality and apply-rate figures, printed (never asserted in tests).

1. Per pod, for ``--sizes`` (3,000 and 30,000 pods by default): a fresh large-preset cluster
   (master + 100 workers, and more when the pods need them: 100 of the Deployment's pods a worker),
   one Deployment of N replicas, the clock advanced until every pod is Running; the figure is the
   wall and CPU time from the apply to the last pod Running, divided by N. The ratio of the largest
   size's CPU per pod to the smallest's should stay <= 1.3 ("work proportional to change").
2. A rolling update per pod, for ``--roll`` (1,000 and 6,000 pods): the same cluster with room for
   both ReplicaSets (100 of the Deployment's pods a worker, twice the replicas), every pod Running,
   then a new image; the figure is the CPU time from the change until the rollout is complete
   (every replica updated and available, the old ReplicaSet at 0), divided by N. Each of the
   rollout's scale-down steps deletes about one pod.
3. Deployments applied per wall second: ``--deployments`` (1,000) Deployments of one replica each,
   created through the API one after another (admission, the store, every controller's handler that
   runs on the write), clock stopped.

The garbage collector is set as ``python -m server`` sets it.

Run: ``.venv/bin/python bench/bench_scale.py [--sizes 3000 30000] [--roll 1000 6000] [--deployments 1000]``.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_cluster import deployment  # noqa: E402  (the same Deployment)
from server.config import GC_THRESHOLDS  # noqa: E402
from server.sim.cluster import Cluster  # noqa: E402

#: pods of the Deployment one large-preset worker is given room for: kubelet's maxPods (110) less its
#: DaemonSet pods (kube-proxy, flannel) and a margin, so every replica has a place
PODS_PER_NODE = 100


def large_cluster(room: int) -> Cluster:
    """The large preset with a worker per PODS_PER_NODE of ``room``."""
    cluster = Cluster(seed=1, preset="large")
    workers = len(cluster.machines) - 1
    i = workers + 1
    while workers * PODS_PER_NODE < room:
        cluster.add_node(f"node{i}")
        i += 1
        workers += 1
    return cluster


def deployment_status(cluster: Cluster) -> dict:
    """The bench Deployment's status, as its controller keeps it (O(1): no scan of the pods)."""
    return (cluster.store.peek("Deployment", "default", "bench") or {}).get("status") or {}


def per_pod(pods: int) -> tuple[float, float]:
    """(wall ms, CPU ms) per pod from the apply of ``pods`` replicas until all are Running; also
    printed: the idle cluster's CPU per simulated second (its nodes' heartbeats, the controllers'
    resyncs), measured over the 60 s before the apply, and the CPU per pod less that idle work over
    the run (which lasts longer for more pods: 20 are created a second)."""
    cluster = large_cluster(pods)
    cluster.advance(60)
    idle = time.process_time()
    cluster.advance(60)
    idle = (time.process_time() - idle) / 60

    def ready() -> int:  # (a scan of every pod each step would make the bench's own work O(pods²))
        return deployment_status(cluster).get("readyReplicas") or 0

    wall, cpu = time.perf_counter(), time.process_time()
    cluster.api.create(deployment(pods))
    sim, horizon = 0.0, 2 * (pods / 20 + 120)  # the ReplicaSet controller creates 20 a second
    while sim < horizon and ready() < pods:
        cluster.advance(10)
        sim += 10
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    running = len(cluster.store.scan("Pod", "default", where=lambda p: (p.get("status") or {}).get("phase") == "Running"))
    print(f"{pods:>7,} pods on {len(cluster.machines)} nodes: {running:,} Running after {sim:.0f} s simulated, "
          f"{wall:.1f} s wall; per pod {1000 * wall / pods:.2f} ms wall, {1000 * cpu / pods:.2f} ms CPU "
          f"({1000 * (cpu - idle * sim) / pods:.2f} ms less the idle cluster's {1000 * idle:.2f} ms CPU "
          "per simulated second)")
    return 1000 * wall / pods, 1000 * cpu / pods

def rolling(pods: int) -> float:
    """CPU ms per pod of a rolling update of ``pods`` replicas to a new image."""
    cluster = large_cluster(2 * pods)
    cluster.api.create(deployment(pods))
    while (deployment_status(cluster).get("readyReplicas") or 0) < pods:
        cluster.advance(10)
    cluster.advance(30)
    d = cluster.api.get("Deployment", "default", "bench")
    d["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:1.19"
    wall, cpu = time.perf_counter(), time.process_time()
    cluster.api.replace(d)
    sim = 0

    def complete() -> bool:  # as kubectl rollout status decides it
        d = cluster.store.peek("Deployment", "default", "bench") or {}
        status = d.get("status") or {}
        return (status.get("observedGeneration", 0) >= d["metadata"]["generation"]
                and status.get("updatedReplicas") == pods and status.get("replicas") == pods
                and status.get("availableReplicas") == pods)

    while not complete():
        cluster.advance(10)
        sim += 10
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"{pods:>7,} pods rolled to a new image on {len(cluster.machines)} nodes in {sim} s simulated, "
          f"{wall:.1f} s wall; per pod {1000 * cpu / pods:.2f} ms CPU")
    return 1000 * cpu / pods


def deployments_per_second(count: int) -> None:
    cluster = Cluster(seed=1, preset="large")
    cluster.advance(30)
    cluster.clock.paused = True
    started = time.perf_counter()
    for n in range(count):
        d = deployment(1)
        d["metadata"]["name"] = f"d{n}"
        d["spec"]["selector"]["matchLabels"] = d["spec"]["template"]["metadata"]["labels"] = {"app": f"d{n}"}
        cluster.api.create(d)
    elapsed = time.perf_counter() - started
    print(f"{count:,} Deployments created through the API in {elapsed:.2f} s wall: {count / elapsed:,.0f} a second "
          "(goal >= 1,000)")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[3000, 30000])
    ap.add_argument("--roll", type=int, nargs="*", default=[1000, 6000])
    ap.add_argument("--deployments", type=int, default=1000)
    args = ap.parse_args()
    gc.freeze()  # the collector as python -m server sets it (server/config.py GC_THRESHOLDS)
    gc.set_threshold(*GC_THRESHOLDS)
    figures = [per_pod(n) for n in args.sizes]
    if len(figures) > 1:
        print(f"CPU per pod, {args.sizes[-1]:,} vs {args.sizes[0]:,} pods: ratio {figures[-1][1] / figures[0][1]:.2f} "
              "(goal <= 1.3)")
    rolls = [rolling(n) for n in args.roll]
    if len(rolls) > 1:
        print(f"CPU per pod of a rolling update, {args.roll[-1]:,} vs {args.roll[0]:,} pods: ratio "
              f"{rolls[-1] / rolls[0]:.2f}")
    if args.deployments:
        deployments_per_second(args.deployments)


if __name__ == "__main__":
    main()
