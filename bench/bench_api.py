"""The Kubernetes API of a sandbox under load, printed (never asserted).

A real server (``python -m server``, threaded, as ``make run`` starts it) on a loopback port; one
sandbox with 12 nodes and a Deployment of 3,000 replicas. Then:
- list pods as a Table (what ``kubectl get pods`` asks: ``Accept: …as=Table…``), N requests one
  after another on one keep-alive connection: requests/s and the answer's size;
- watch fan-out: W clients watch ConfigMaps; one write; the time until each watcher has its
  event (median and max over R writes).

Run: ``.venv/bin/python bench/bench_api.py [--pods 3000 --requests 30 --watchers 100 --writes 5]``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.serverproc import running_server  # noqa: E402

TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json"


def call(conn: http.client.HTTPConnection, method: str, path: str, body: dict | None = None,
         headers: dict | None = None) -> bytes:
    conn.request(method, path, body=json.dumps(body) if body is not None else None,
                 headers={"Content-Type": "application/json", **(headers or {})})
    resp = conn.getresponse()
    data = resp.read()
    if resp.status >= 300:
        raise RuntimeError(f"{method} {path}: {resp.status} {data[:200]!r}")
    return data


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pods", type=int, default=3000)
    ap.add_argument("--requests", type=int, default=30)
    ap.add_argument("--watchers", type=int, default=100)
    ap.add_argument("--writes", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp, running_server(Path(tmp)) as (port, _log):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        sid = json.loads(call(conn, "POST", "/api/sandboxes"))["id"]
        api = f"/api/sandboxes/{sid}"
        call(conn, "POST", f"{api}/clock", {"paused": True})
        for _ in range(9):
            call(conn, "POST", f"{api}/nodes", {})
        manifest = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "big"},
                    "spec": {"replicas": args.pods, "selector": {"matchLabels": {"app": "big"}},
                             "template": {"metadata": {"labels": {"app": "big"}},
                                          "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}}
        started = time.perf_counter()
        call(conn, "POST", f"/k8s/{sid}/apis/apps/v1/namespaces/default/deployments", manifest)
        print(f"create a Deployment of {args.pods} replicas (ReplicaSet, pods, scheduling): "
              f"{time.perf_counter() - started:.2f} s")
        pods = f"/k8s/{sid}/api/v1/namespaces/default/pods"
        size = len(call(conn, "GET", pods, headers={"Accept": TABLE}))
        count = len(json.loads(call(conn, "GET", pods))["items"])
        started = time.perf_counter()
        for _ in range(args.requests):
            call(conn, "GET", pods, headers={"Accept": TABLE})
        elapsed = time.perf_counter() - started
        print(f"list {count} pods as a Table ({size / 1e6:.1f} MB): {args.requests / elapsed:.1f} requests/s "
              f"({1000 * elapsed / args.requests:.0f} ms each)")

        # -- watch fan-out ----------------------------------------------------------------------
        cms = f"/k8s/{sid}/api/v1/namespaces/default/configmaps"
        latencies: list[float] = []
        for write in range(args.writes):
            rv = json.loads(call(conn, "GET", cms))["metadata"]["resourceVersion"]
            socks = []
            for _ in range(args.watchers):
                s = socket.create_connection(("127.0.0.1", port))
                s.sendall(f"GET {cms}?watch=true&resourceVersion={rv} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
                socks.append(s)
            got: list[float] = []
            lock = threading.Lock()

            def read(s: socket.socket, got: list[float] = got, lock: threading.Lock = lock) -> None:
                s.settimeout(60)
                buf = b""
                while b'"type":"ADDED"' not in buf:
                    chunk = s.recv(65536)
                    if not chunk:
                        return
                    buf += chunk
                with lock:
                    got.append(time.perf_counter())

            threads = [threading.Thread(target=read, args=(s,)) for s in socks]
            for t in threads:
                t.start()
            sent = time.perf_counter()
            call(conn, "POST", cms, {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": f"fan-{write}"}})
            for t in threads:
                t.join()
            for s in socks:
                s.close()
            latencies.extend(t - sent for t in got)
            if len(got) != args.watchers:
                print(f"  write {write}: only {len(got)} of {args.watchers} watchers got the event")
        latencies.sort()
        print(f"watch fan-out to {args.watchers} watchers ({args.writes} writes): median "
              f"{1000 * statistics.median(latencies):.0f} ms, max {1000 * latencies[-1]:.0f} ms from the write "
              "to each watcher's event")


if __name__ == "__main__":
    main()
