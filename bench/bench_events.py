"""The Events timeline's request at some 40,000 events, printed (never asserted in tests).

Issues 10 and 11: the page's Events region asks ``GET …/events`` once a second while deltas come,
holding the sandbox's lock meanwhile. A large-preset sandbox (master + 100 workers, more when the
pods need them) with one Deployment of ``--pods`` replicas (8,000 by default: some 41,000 events)
brought up on the clock; then, best and median of ``--repeat`` requests through the Flask app:

- the terminal's ``kubectl events -A`` (the whole table);
- ``GET …/events`` (the whole table, as the region asked before) and ``GET …/events?last=300``
  (its header and newest 300 rows, as the region asks now), of every namespace and of ``default``.

The cluster takes a minute or two to bring up (the ReplicaSet controller makes 20 pods a second);
the garbage collector is set as ``python -m server`` sets it. Quote ``uptime`` with the figures.

Run: ``.venv/bin/python bench/bench_events.py [--pods 8000] [--repeat 5]``.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_cluster import deployment  # noqa: E402  (the same Deployment)
from bench.bench_scale import PODS_PER_NODE  # noqa: E402
from server.config import GC_THRESHOLDS  # noqa: E402
from server.kubectl import run  # noqa: E402
from server.sim.clock import DEFAULT_START  # noqa: E402
from server.web import create_app  # noqa: E402


def bring_up(cluster, pods: int) -> None:  # noqa: ANN001 — the sandbox's Cluster
    workers = len(cluster.machines) - 1
    while workers * PODS_PER_NODE < pods:
        workers += 1
        cluster.add_node(f"node{workers}")
    cluster.advance(60)
    cluster.api.create(deployment(pods))
    sim, horizon = 0.0, 2 * (pods / 20 + 120)

    def running() -> int:
        return len(cluster.store.scan("Pod", "default",
                                      where=lambda p: (p.get("status") or {}).get("phase") == "Running"))

    while sim < horizon and running() < pods:
        cluster.advance(10)
        sim += 10
    cluster.advance(30)


def timed(label: str, repeat: int, fn) -> None:  # noqa: ANN001
    times, size = [], 0
    for _ in range(repeat):
        t = time.perf_counter()
        size = len(fn())
        times.append(time.perf_counter() - t)
    print(f"  {label:<42} best {min(times):6.3f} s  median {statistics.median(times):6.3f} s  {size:>10,} bytes",
          flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pods", type=int, default=8000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"DATA_DIR": tmp, "LIVE_TICKER": False, "TESTING": True}, seed=7, start=DEFAULT_START)
        client = app.test_client()
        sid = client.post("/api/sandboxes", json={"preset": "large"}).json["id"]
        sandbox = app.extensions["kubeplay.sandboxes"].get(sid)
        t0 = time.perf_counter()
        with sandbox.lock:
            bring_up(sandbox.cluster, args.pods)
        events = sandbox.cluster.store.count("Event")
        print(f"{args.pods:,} pods, {events:,} events (brought up in {time.perf_counter() - t0:.0f} s)", flush=True)
        api = f"/api/sandboxes/{sid}/events"
        timed("kubectl events -A (the terminal)", args.repeat, lambda: run(sandbox.cluster, "kubectl events -A").output)
        for query in ("", "?namespace=default", "?last=300", "?last=300&namespace=default"):
            answer = client.get(api + query)
            if "last" in query and "rows" not in answer.json:
                print(f"  GET …/events{query}: no newest-rows answer here")
                continue
            timed(f"GET …/events{query}", args.repeat, lambda q=query: client.get(api + q).data)
        app.extensions["kubeplay.journal"].close()


if __name__ == "__main__":
    main()
