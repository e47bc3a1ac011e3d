"""Node joins, printed (never asserted in tests): wall time per joined node for 100 vs 1,000 nodes.

Issue 11's "work proportional to change": what one node costs to join — its Node, the kubelet's
registration and heartbeats, the DaemonSet pods every node gets (kube-proxy, flannel), the Ready
transition that drops the not-ready taint — should not depend on how many nodes are already there.
For each size a fresh ``Cluster(seed=1)`` (the kubeadm lab: master, node1, node2) gets nodes until it
has N, then runs the clock 10 simulated seconds at a time until every DaemonSet has all its pods Ready
(kube-controller-manager's client creates 20 pods a second, so 1,000 nodes' 2,000 daemon pods take
about 100 s); the figure is that wall time divided by the nodes joined, and the ratio of the two
figures should stay ≤ 1.3.

Run: ``.venv/bin/python bench/bench_nodes.py [--sizes 100 1000] [--profile]``.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from server.sim.cluster import Cluster  # noqa: E402


def all_ready(cluster: Cluster) -> bool:
    return all((ds.get("status") or {}).get("numberReady") == (ds.get("status") or {}).get("desiredNumberScheduled")
               for ds in cluster.store.scan("DaemonSet"))


def join(size: int) -> tuple[int, float, float, float, str]:
    """(nodes joined, wall seconds for the joins, simulated and wall seconds until all daemon pods are
    Ready, note)."""
    cluster = Cluster(seed=1)
    start = len(cluster.machines)
    i, note = start, ""
    t0 = time.perf_counter()
    while len(cluster.machines) < size:
        try:
            cluster.add_node(f"node{i}")
        except Exception as e:  # node addressing ran out (see the module docstring of bootstrap.add_node)
            note = f"add_node failed at node {len(cluster.machines) + 1}: {type(e).__name__}: {e}"
            break
        i += 1
    t1 = time.perf_counter()
    simulated = 0
    while simulated < 30 or not all_ready(cluster):
        if simulated >= 1200:
            note += " daemon pods not all Ready after 1,200 simulated s"
            break
        cluster.advance(10)
        simulated += 10
    t2 = time.perf_counter()
    return len(cluster.machines) - start, t1 - t0, simulated, t2 - t1, note


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[100, 1000])
    ap.add_argument("--profile", action="store_true", help="print the top of the largest size's profile")
    args = ap.parse_args()
    per_node: list[float] = []
    for n, size in enumerate(args.sizes):
        profiler = cProfile.Profile() if args.profile and n == len(args.sizes) - 1 else None
        if profiler is not None:
            profiler.enable()
        joined, joins, simulated, settle, note = join(size)
        if profiler is not None:
            profiler.disable()
        each = (joins + settle) / max(joined, 1)
        per_node.append(each)
        print(f"{size:>5} nodes: {joined} joined in {joins:.2f} s wall, then {simulated} simulated s in {settle:.2f} s wall: "
              f"{each * 1000:.1f} ms wall per joined node" + (f"  [{note.strip()}]" if note else ""))
        if profiler is not None:
            pstats.Stats(profiler).sort_stats("tottime").print_stats(15)
    if len(per_node) > 1:
        print(f"ratio per node, {args.sizes[-1]} vs {args.sizes[0]} nodes: {per_node[-1] / per_node[0]:.2f} "
              "(goal ≤ 1.3)")


if __name__ == "__main__":
    main()
