"""One sandbox's heavy work against another's requests, printed (never asserted).

A real server (``python -m server`` in ``--async-mode``, threading by default as ``make run`` starts
it) on a loopback port. Sandbox *heavy* is the large preset (master + 100 workers); sandbox *light*
is the default cluster. While *heavy* creates a Deployment of ``--pods`` replicas and its clock is
advanced until they are Running (``POST …/clock {"advance": s}`` requests, each holding *heavy*
for seconds), a probe thread asks, one after another on its own keep-alive connection, ``GET
/healthz`` and *light*'s ``kubectl get pods -A`` as the API serves it (a Table), and records each
answer's wall latency. Then the same probe with *heavy* idle, as the baseline.

Prints per phase: requests answered, p50 / p99 / max latency of each probe, and the heavy phase's
wall time. Goal (issue 11): *light*'s p99 < 100 ms while *heavy* works.

Run: ``.venv/bin/python bench/bench_isolation.py [--pods 10000] [--mode eventlet|threading]``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_api import call  # noqa: E402  (the same request helper)
from tests.serverproc import running_server  # noqa: E402

TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"


class Probe(threading.Thread):
    """Asks ``paths`` in turn until stopped; ``latencies[path]`` in seconds."""

    def __init__(self, port: int, paths: list[tuple[str, dict]]) -> None:
        super().__init__(daemon=True)
        self.port = port
        self.paths = paths
        self.latencies: dict[str, list[float]] = {p: [] for p, _h in paths}
        self.stop = threading.Event()

    def run(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
        while not self.stop.is_set():
            for path, headers in self.paths:
                started = time.perf_counter()
                call(conn, "GET", path, headers=headers)
                self.latencies[path].append(time.perf_counter() - started)
            self.stop.wait(0.01)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def report(phase: str, probe: Probe, names: dict[str, str]) -> None:
    for path, values in probe.latencies.items():
        if not values:
            print(f"  {phase}: {names[path]}: no answer")
            continue
        print(f"  {phase}: {names[path]}: {len(values)} answers, p50 {1000 * percentile(values, 0.5):.0f} ms, "
              f"p99 {1000 * percentile(values, 0.99):.0f} ms, max {1000 * max(values):.0f} ms")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pods", type=int, default=10000)
    ap.add_argument("--mode", choices=("threading", "eventlet"), default="threading")
    ap.add_argument("--step", type=float, default=5.0, help="simulated seconds per clock request")
    ap.add_argument("--idle", type=float, default=5.0, help="wall seconds of the baseline phase")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp, running_server(Path(tmp), mode=args.mode) as (port, _log):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        heavy = json.loads(call(conn, "POST", "/api/sandboxes", {"preset": "large"}))["id"]
        light = json.loads(call(conn, "POST", "/api/sandboxes"))["id"]
        for sid in (heavy, light):
            call(conn, "POST", f"/api/sandboxes/{sid}/clock", {"paused": True})
        names = {"/healthz": "/healthz", f"/k8s/{light}/api/v1/pods": "light's get pods -A"}
        paths = [("/healthz", {}), (f"/k8s/{light}/api/v1/pods", {"Accept": TABLE})]
        print(f"async mode {args.mode}; heavy: the large preset, a Deployment of {args.pods} replicas")

        probe = Probe(port, paths)
        probe.start()
        time.sleep(args.idle)  # the baseline's length in wall time: what is measured, not a wait for a state
        probe.stop.set()
        probe.join()
        report("heavy idle", probe, names)

        probe = Probe(port, paths)
        probe.start()
        started = time.perf_counter()
        manifest = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "big"},
                    "spec": {"replicas": args.pods, "selector": {"matchLabels": {"app": "big"}},
                             "template": {"metadata": {"labels": {"app": "big"}},
                                          "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}}
        call(conn, "POST", f"/k8s/{heavy}/apis/apps/v1/namespaces/default/deployments", manifest)
        created = time.perf_counter() - started
        deployment = f"/k8s/{heavy}/apis/apps/v1/namespaces/default/deployments/big"
        requests = 0
        while (json.loads(call(conn, "GET", deployment)).get("status") or {}).get("readyReplicas", 0) < args.pods:
            call(conn, "POST", f"/api/sandboxes/{heavy}/clock", {"advance": args.step})
            requests += 1
            if requests > 2000:
                print("  heavy: not all replicas Ready after 2000 clock requests")
                break
        elapsed = time.perf_counter() - started
        probe.stop.set()
        probe.join()
        print(f"  heavy: create answered in {created:.2f} s; {args.pods} replicas Ready after {requests} clock "
              f"requests of {args.step:g} simulated s, {elapsed:.1f} s wall")
        report("heavy working", probe, names)


if __name__ == "__main__":
    main()
