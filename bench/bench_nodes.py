"""Node joins, printed (never asserted in tests): CPU time per joined node for 100 vs 1,000 nodes.

Issue 11's "work proportional to change": what one node costs to join — its Node, the kubelet's
registration and heartbeats, the DaemonSet pods every node gets (kube-proxy, flannel), the Ready
transition that drops the not-ready taint — should not depend on how many nodes are already there.
For each size a fresh ``Cluster(seed=1)`` (the kubeadm lab: master, node1, node2) gets nodes until it
has N, then runs the clock 10 simulated seconds at a time until every DaemonSet has all its pods Ready
(kube-controller-manager's client creates 20 pods a second, so 1,000 nodes' 2,000 daemon pods take
about 100 s); the figure is that CPU time divided by the nodes joined, and the ratio of the two
figures should stay ≤ 1.3. The heartbeats of the joined nodes go on through that wait, which is
longer for more nodes (30 s for 100, 110 s for 1,000): the figure compared is the CPU less the
settled cluster's own per simulated second (measured over 30 s once all is Ready) times the wait,
as bench_scale.py does for pods; the whole figure is printed beside it. Each size runs ``--repeat`` times (3) in fresh clusters and the least
figure counts: the 100-node run lasts half a second, in which the machine's other work moved the
figure by half (its ratio to 1,000 nodes read 0.96 to 1.47 in three runs of one checkout). The
garbage collector is set as ``python -m server`` sets it.

Run: ``.venv/bin/python bench/bench_nodes.py [--sizes 100 1000] [--repeat 3] [--profile]``.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from server.config import GC_THRESHOLDS  # noqa: E402
from server.sim.cluster import Cluster  # noqa: E402

#: simulated seconds of the settled cluster measured for its idle cost (heartbeats, leases, resyncs)
IDLE = 30


def all_ready(cluster: Cluster) -> bool:
    return all((ds.get("status") or {}).get("numberReady") == (ds.get("status") or {}).get("desiredNumberScheduled")
               for ds in cluster.store.scan("DaemonSet"))


def join(size: int) -> tuple[int, float, float, float, float, str]:
    """(nodes joined, CPU seconds for the joins, simulated and CPU seconds until all daemon pods are
    Ready, the settled cluster's CPU seconds per simulated second, note)."""
    cluster = Cluster(seed=1)
    start = len(cluster.machines)
    i, note = start, ""
    t0 = time.process_time()
    while len(cluster.machines) < size:
        try:
            cluster.add_node(f"node{i}")
        except Exception as e:  # node addressing ran out (see the module docstring of bootstrap.add_node)
            note = f"add_node failed at node {len(cluster.machines) + 1}: {type(e).__name__}: {e}"
            break
        i += 1
    t1 = time.process_time()
    simulated = 0
    while simulated < 30 or not all_ready(cluster):
        if simulated >= 1200:
            note += " daemon pods not all Ready after 1,200 simulated s"
            break
        cluster.advance(10)
        simulated += 10
    t2 = time.process_time()
    cluster.advance(IDLE)
    idle = (time.process_time() - t2) / IDLE
    return len(cluster.machines) - start, t1 - t0, simulated, t2 - t1, idle, note


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[100, 1000])
    ap.add_argument("--repeat", type=int, default=3, help="runs per size; the least figure counts")
    ap.add_argument("--profile", action="store_true", help="print the top of the largest size's profile (one run)")
    args = ap.parse_args()
    gc.freeze()  # the collector as python -m server sets it (server/config.py GC_THRESHOLDS)
    gc.set_threshold(*GC_THRESHOLDS)
    per_node: list[float] = []
    for n, size in enumerate(args.sizes):
        profiler = cProfile.Profile() if args.profile and n == len(args.sizes) - 1 else None
        runs = []
        for _ in range(1 if profiler is not None else max(args.repeat, 1)):
            if profiler is not None:
                profiler.enable()
            joined, joins, simulated, settle, idle, note = join(size)
            if profiler is not None:
                profiler.disable()
            runs.append(((joins + settle - idle * simulated) / max(joined, 1), (joins + settle) / max(joined, 1),
                         joined, joins, simulated, settle, idle, note))
            gc.collect()  # the last cluster's cycles are not the next run's cost
        each, whole, joined, joins, simulated, settle, idle, note = min(runs)
        per_node.append(each)
        spread = f" (runs: {', '.join(f'{r[0] * 1000:.1f}' for r in runs)})" if len(runs) > 1 else ""
        print(f"{size:>5} nodes: {joined} joined in {joins:.2f} s CPU, then {simulated} simulated s in {settle:.2f} s CPU: "
              f"{whole * 1000:.1f} ms CPU per joined node, {each * 1000:.1f} ms less the settled cluster's "
              f"{idle * 1000:.1f} ms CPU per simulated second over those {simulated} s{spread}"
              + (f"  [{note.strip()}]" if note else ""))
        if profiler is not None:
            pstats.Stats(profiler).sort_stats("tottime").print_stats(15)
    if len(per_node) > 1:
        print(f"ratio per node (less the settled cluster's work), {args.sizes[-1]} vs {args.sizes[0]} nodes: "
              f"{per_node[-1] / per_node[0]:.2f} "
              "(goal ≤ 1.3)")


if __name__ == "__main__":
    main()
