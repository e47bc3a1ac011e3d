"""Node joins, printed (never asserted in tests): wall time per joined node for 100 vs 1,000 nodes.

Issue 11's "work proportional to change": what one node costs to join — its Node, the kubelet's
registration and heartbeats, the DaemonSet pods every node gets (kube-proxy, flannel), the Ready
transition that drops the not-ready taint — should not depend on how many nodes are already there.
For each size a fresh ``Cluster(seed=1)`` (the kubeadm lab: master, node1, node2) gets nodes until it
has N, then runs 30 simulated seconds so every node and daemon pod is Ready; the figure is that wall
time divided by the nodes joined, and the ratio of the two figures should stay ≤ 1.3.

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


def join(size: int) -> tuple[int, float, float, str]:
    """(nodes joined, wall seconds for the joins, wall seconds for the 30 s that follow, note)."""
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
    cluster.advance(30)
    t2 = time.perf_counter()
    ready = [ds for ds in cluster.store.scan("DaemonSet")
             if (ds.get("status") or {}).get("numberReady") != (ds.get("status") or {}).get("desiredNumberScheduled")]
    if ready:
        note += f" daemon sets not all ready: {[d['metadata']['name'] for d in ready]}"
    return len(cluster.machines) - start, t1 - t0, t2 - t1, note


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
        joined, joins, settle, note = join(size)
        if profiler is not None:
            profiler.disable()
        each = (joins + settle) / max(joined, 1)
        per_node.append(each)
        print(f"{size:>5} nodes: {joined} joined in {joins:.2f} s wall, then 30 simulated s in {settle:.2f} s wall: "
              f"{each * 1000:.1f} ms wall per joined node" + (f"  [{note.strip()}]" if note else ""))
        if profiler is not None:
            pstats.Stats(profiler).sort_stats("tottime").print_stats(15)
    if len(per_node) > 1:
        print(f"ratio per node, {args.sizes[-1]} vs {args.sizes[0]} nodes: {per_node[-1] / per_node[0]:.2f} "
              "(goal ≤ 1.3)")


if __name__ == "__main__":
    main()
