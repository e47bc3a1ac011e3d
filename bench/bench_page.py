"""The page under load, printed (never asserted): headless Chromium at 1440×900 on the real server.

Phases, each driven by the virtual clock (the sandbox is paused, and ``POST …/clock {"advance": s}``
moves it, so every phase does the same simulated work whatever the machine):

0. the page chooses the ``--preset`` cluster in its "Cluster" menu (``large``: master + 100
   workers, 110 pods each; ``--nodes`` adds workers first; ``--screenshot DIR`` saves the page);
1. ``scale 0→N``: a Deployment of 0 replicas is scaled up ``--step`` (500) replicas per simulated
   second to N (10,000 by default), the clock advanced one simulated second per request, until the
   Deployment has N pods (created at the ReplicaSet controller's client rate, 20 a second; pods that
   do not fit stay Pending, as they would);
2. ``settled N``: the clock runs at ×1 on the page's own ticker (10 ticks a second) for a few seconds
   of wall time with nothing changing;
3. the same for ``--more`` (50,000), if the server gets there within ``--limit`` seconds (else it
   prints how far it got and why, and the settled phase is measured at that many pods).

Per phase: fps (requestAnimationFrame callbacks in the page over the phase's wall time, and the
worst second), the longest main-thread task (PerformanceObserver ``longtask``), how many there were
and the share of the wall time spent in them (no frame is drawn during one), the Socket.IO bytes
the page received (CDP ``Network.webSocketFrameReceived`` payloads plus the polling transport's
``/socket.io/`` responses) and those bytes per pod change the server sent (the Pod events of the
``delta`` frames: ADDED, MODIFIED — a merge patch or a whole object — and DELETED), and the page's
own passes (main.js's user timing ``kubeplay layout|canvas|mirror``: each pass's work in ms, summed
over the frames it was spread on, and ``frames`` how many): count, mean and longest. With
``--profile`` the page's CPU profile of the first scale and settled phases (CDP ``Profiler``) is summed
by function, and their main-thread trace events (style, layout, paint …) by name; ``--trace FILE``
writes the first scale's trace itself, to read frame by frame.

Run: ``.venv/bin/python bench/bench_page.py [--pods 10000] [--more 50000] [--profile]`` (``make
bench`` runs it with the defaults; the page must be built: ``npm run build``).
"""

from __future__ import annotations

import argparse
import collections
import json
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.serverproc import running_server  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

#: counts frames and long tasks in the page from its first script on
PAGE_PROBE = """
(() => {
  const b = window.__bench = { frames: 0, stamps: [], longest: 0, longTotal: 0, longCount: 0 };
  const loop = (t) => { b.frames++; b.stamps.push(t); requestAnimationFrame(loop); };
  requestAnimationFrame(loop);
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      b.longest = Math.max(b.longest, e.duration); b.longTotal += e.duration; b.longCount++;
    }
  }).observe({ entryTypes: ['longtask'] });
  // the page's own passes (main.js performance.measure 'kubeplay …'): count, total and longest
  b.passes = {};
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (!e.name.startsWith('kubeplay ')) continue;
      const p = b.passes[e.name.slice(9)] ||= { n: 0, total: 0, max: 0 };
      p.n++; p.total += e.duration; p.max = Math.max(p.max, e.duration);
    }
    performance.clearMeasures();
  }).observe({ entryTypes: ['measure'] });
})();
"""


class Proxy:
    """A TCP relay between the browser and the server that counts what the server sends on the
    connections whose first request is Socket.IO's (``/socket.io/``): bytes as they cross the wire,
    after the WebSocket's permessage-deflate (which the browser offers and the server accepts) or the
    polling transport's gzip. DevTools sees frames only after decompression."""

    def __init__(self, upstream: int) -> None:
        self.upstream = upstream
        self.bytes = 0
        self.lock = threading.Lock()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._relay, args=(client,), daemon=True).start()

    def _relay(self, client: socket.socket) -> None:
        server = socket.create_connection(("127.0.0.1", self.upstream))
        first = client.recv(65536)
        counted = b"/socket.io/" in first.split(b"\r\n", 1)[0]
        server.sendall(first)
        threading.Thread(target=self._pipe, args=(client, server, False), daemon=True).start()
        self._pipe(server, client, counted)

    def _pipe(self, src: socket.socket, dst: socket.socket, counted: bool) -> None:
        try:
            while data := src.recv(65536):
                if counted:
                    with self.lock:
                        self.bytes += len(data)
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


class Wire:
    """Socket.IO bytes on the wire (the proxy's count) and the pod events of the page's ``delta``
    frames (DevTools ``Network.webSocketFrameReceived``, decompressed)."""

    def __init__(self, cdp, proxy: Proxy) -> None:
        self.proxy = proxy
        self.frame_bytes = 0
        self.pod_events = collections.Counter()
        self.patches = 0
        self.messages: collections.Counter = collections.Counter()
        cdp.send("Network.enable")
        cdp.on("Network.webSocketFrameReceived", self._frame)

    @property
    def bytes(self) -> int:
        return self.proxy.bytes

    def _frame(self, ev: dict) -> None:
        payload = ev["response"]["payloadData"]
        self.frame_bytes += len(payload.encode())
        self.messages[payload[:payload.find(",")] if payload.startswith("42[") else payload[:2]] += 1
        if not payload.startswith('42["delta"'):
            return
        try:
            _name, msg = json.loads(payload[2:])
        except ValueError:
            return
        for e in msg.get("events") or []:
            if (e.get("object") or {}).get("kind") == "Pod":
                self.pod_events[e["type"]] += 1
                self.patches += "patch" in e

    def mark(self) -> tuple[int, int, int, int]:
        return self.bytes, sum(self.pod_events.values()), self.patches, self.frame_bytes

    def quiet(self, page, seconds: float = 1.0, limit: float = 120.0) -> None:
        """Wait until nothing has arrived for ``seconds`` (the page has what the server sent)."""
        deadline = time.monotonic() + limit
        last, since = self.bytes, time.monotonic()
        while time.monotonic() < deadline:
            page.wait_for_timeout(100)  # lets Playwright dispatch the DevTools events meanwhile
            if self.bytes != last:
                last, since = self.bytes, time.monotonic()
            elif time.monotonic() - since >= seconds:
                return


def api(base: str, path: str, body: dict | None = None, method: str | None = None) -> dict:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method or ("POST" if data else "GET"),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=600) as resp:
        return json.loads(resp.read() or b"{}")


def kubectl(base: str, line: str) -> str:
    return api(base, "/run", {"command": line})["output"]


def pods_of(base: str) -> int:
    out = kubectl(base, "kubectl get deployment big -o jsonpath={.status.replicas}").strip()
    return int(out) if out.isdigit() else 0


class Phase:
    def __init__(self, name: str, page, wire: Wire) -> None:
        self.name, self.page, self.wire = name, page, wire

    def __enter__(self) -> Phase:
        self.page.evaluate("() => { const b = window.__bench; b.longest = 0; b.longTotal = 0; b.longCount = 0;"
                           " b.stamps = []; b.start = b.frames; b.passes = {}; }")
        self.t0 = time.perf_counter()
        self.wire0 = self.wire.mark()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wire.quiet(self.page)
        self.wall = time.perf_counter() - self.t0
        b = self.page.evaluate("() => { const b = window.__bench; return {frames: b.frames - b.start,"
                               " stamps: b.stamps, longest: b.longest, longTotal: b.longTotal,"
                               " longCount: b.longCount, passes: b.passes}; }")
        self.fps = b["frames"] / self.wall if self.wall else 0.0
        self.worst = worst_second(b["stamps"])
        self.longest, self.long_total, self.long_count = b["longest"], b["longTotal"], b["longCount"]
        self.passes = b["passes"]
        after = self.wire.mark()
        self.bytes = after[0] - self.wire0[0]
        self.pod_events = after[1] - self.wire0[1]
        self.patches = after[2] - self.wire0[2]
        self.frame_bytes = after[3] - self.wire0[3]


def worst_second(stamps: list[float]) -> float:
    """The fewest frames in any one second of the phase (its first and last partial seconds left out)."""
    if len(stamps) < 2:
        return 0.0
    counts = collections.Counter(int((t - stamps[0]) // 1000) for t in stamps)
    full = range(0, int((stamps[-1] - stamps[0]) // 1000))
    return float(min((counts[s] for s in full), default=len(stamps)))


def scale(base: str, page, target: int, limit: float, step: int) -> tuple[int, str]:
    """Raise the Deployment ``step`` replicas per simulated second up to ``target``, advancing the
    clock a second at a time until it has ``target`` pods (the ReplicaSet controller creates them no
    faster than its client's 20 a second: about ``target`` / 20 simulated seconds in all)."""
    spec = kubectl(base, "kubectl get deployment big -o jsonpath={.spec.replicas}").strip()
    replicas = int(spec) if spec.isdigit() else 0
    deadline = time.monotonic() + limit
    have = pods_of(base)
    while replicas < target or have < target:
        if time.monotonic() > deadline:
            return have, f"stopped after {limit:.0f} s of wall time"
        if replicas < target:
            replicas = min(target, replicas + step)
            kubectl(base, f"kubectl scale deployment big --replicas={replicas}")
        api(base, "/clock", {"advance": 1})
        page.wait_for_timeout(0)  # lets Playwright dispatch the DevTools events meanwhile
        have = pods_of(base)
    api(base, "/clock", {"advance": 5})  # the last pods' status changes
    return have, ""


def settle(base: str, page, seconds: float) -> None:
    api(base, "/clock", {"paused": False, "speed": 1})
    page.wait_for_timeout(seconds * 1000)  # the bench measures wall time: this is what it measures
    api(base, "/clock", {"paused": True})


def profile_summary(profile: dict, top: int = 15) -> list[tuple[str, float]]:
    """Time per function (ms) from a CDP Profiler profile: self time, and "total" (with what it
    calls, each function counted once per stack) for the page's own named functions."""
    nodes = {n["id"]: n for n in profile["nodes"]}
    parent = {c: n["id"] for n in profile["nodes"] for c in n.get("children") or []}

    def name_of(node: dict) -> str:
        frame = node["callFrame"]
        url = frame.get("url", "").rsplit("/", 1)[-1]
        return f"{frame.get('functionName') or '(anonymous)'} {url}:{frame.get('lineNumber', 0) + 1}"

    self_us: collections.Counter = collections.Counter()
    total_us: collections.Counter = collections.Counter()
    for sample, dt in zip(profile.get("samples") or [], profile.get("timeDeltas") or [], strict=False):
        self_us[name_of(nodes[sample])] += dt
        seen = set()
        at: int | None = sample
        while at is not None:
            node = nodes[at]
            if node["callFrame"].get("functionName") and node["callFrame"].get("url"):
                seen.add(name_of(node))
            at = parent.get(at)
        for name in seen:
            total_us[name] += dt
    out = [(f"self  {name}", us / 1000) for name, us in self_us.most_common(top)]
    out += [(f"total {name}", us / 1000) for name, us in total_us.most_common(top)]
    return out


def trace_summary(trace: bytes, top: int = 12) -> list[tuple[str, float]]:
    """Total duration per event name of the renderer main thread's top-level tasks' children."""
    events = json.loads(trace)["traceEvents"]
    main = {(e["pid"], e["tid"]) for e in events
            if e.get("name") == "thread_name" and e.get("args", {}).get("name") == "CrRendererMain"}
    total: collections.Counter = collections.Counter()
    for e in events:
        if (e.get("pid"), e.get("tid")) in main and e.get("ph") == "X" and e.get("name") != "RunTask":
            total[e["name"]] += e.get("dur", 0)
    return [(name, us / 1000) for name, us in total.most_common(top)]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pods", type=int, default=10_000)
    ap.add_argument("--more", type=int, default=50_000, help="then this many, if the server gets there (0: skip)")
    ap.add_argument("--limit", type=float, default=600.0, help="wall seconds allowed per scale phase")
    ap.add_argument("--step", type=int, default=500, help="replicas added per simulated second")
    ap.add_argument("--settle", type=float, default=5.0, help="wall seconds of each settled phase")
    ap.add_argument("--profile", action="store_true", help="print the page's CPU profile of the first scale")
    ap.add_argument("--mode", default="threading", help="the server's --async-mode (threading, as make run serves)")
    ap.add_argument("--preset", default="large", help="the cluster the page chooses (large: master + 100 workers)")
    ap.add_argument("--nodes", type=int, default=0, help="workers added before scaling (up to the preset's cap)")
    ap.add_argument("--screenshot", default="", help="a directory: the page at the start and once settled")
    ap.add_argument("--trace", default="", help="a file: the browser's trace (devtools.timeline) of the first scale (not with --profile, which sums it)")
    ap.add_argument("--trace-compositor", action="store_true",
                    help="with --trace: the compositor's and display's work too (cc, viz: some 8x the file)")
    args = ap.parse_args()
    if not (ROOT / "static" / "dist" / "app.js").is_file():
        sys.exit("static/dist/app.js is missing: npm run build")
    from playwright.sync_api import sync_playwright

    rows = []
    notes = []
    with tempfile.TemporaryDirectory() as tmp, running_server(Path(tmp), mode=args.mode) as (port, _log), \
            sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        context = browser.new_context(viewport={"width": 1440, "height": 900})
        context.add_init_script(PAGE_PROBE)
        page = context.new_page()
        if args.profile or args.trace:
            # the same page, bundled without minifying, so the profile names functions and lines
            bundle = Path(tmp) / "app.js"
            subprocess.run([str(ROOT / "node_modules" / ".bin" / "esbuild"), "static/src/main.js", "--bundle",
                            "--format=esm", "--target=es2020", f"--outfile={bundle}"], cwd=ROOT, check=True,
                           capture_output=True)
            page.route("**/static/dist/app.js", lambda route: route.fulfill(
                path=str(bundle), content_type="text/javascript"))
        cdp = context.new_cdp_session(page)
        proxy = Proxy(port)
        wire = Wire(cdp, proxy)
        page.goto(f"http://127.0.0.1:{proxy.port}/")
        page.wait_for_selector("body[data-state=live]")
        if args.preset != "kubeadm":  # the page's own "Cluster" chooser: a new sandbox, the page reloads
            first = page.get_attribute("body", "data-sandbox")
            page.get_by_role("combobox", name="Cluster", exact=True).select_option(args.preset)
            page.wait_for_function("first => document.body.dataset.sandbox && document.body.dataset.sandbox !== first"
                                   " && document.body.dataset.state === 'live'", arg=first, timeout=600_000)
        sid = page.get_attribute("body", "data-sandbox")
        base = f"http://127.0.0.1:{port}/api/sandboxes/{sid}"
        api(base, "/clock", {"paused": True})
        for _ in range(args.nodes):
            try:
                api(base, "/nodes", {})
            except urllib.error.HTTPError:  # 409: the sandbox has all the nodes its preset allows
                break
        kubectl(base, "kubectl create deployment big --image=nginx --replicas=0")
        api(base, "/clock", {"advance": 30})  # the new nodes Ready, their DaemonSet pods running
        if args.screenshot:
            page.screenshot(path=str(Path(args.screenshot) / "cluster-start.png"))
        for target in [args.pods] + ([args.more] if args.more else []):
            if args.profile and target == args.pods:
                cdp.send("Profiler.enable")
                cdp.send("Profiler.start")
                browser.start_tracing(page=page, categories=["devtools.timeline"])
            elif args.trace and target == args.pods:
                extra = ["cc", "viz"] if args.trace_compositor else []
                browser.start_tracing(page=page, categories=["devtools.timeline", *extra])
            with Phase(f"scale 0→{target}" if target == args.pods else f"scale →{target}", page, wire) as ph:
                reached, why = scale(base, page, target, args.limit, args.step)
            rows.append(ph)
            if args.trace and not args.profile and target == args.pods:
                Path(args.trace).write_bytes(browser.stop_tracing())
            if args.profile and target == args.pods:
                notes.append("main-thread time by trace event during the first scale (ms):")
                notes += [f"  {ms:9.1f}  {name}" for name, ms in trace_summary(browser.stop_tracing())]
                prof = cdp.send("Profiler.stop")["profile"]
                notes.append("page CPU self time during the first scale (ms):")
                notes += [f"  {ms:9.1f}  {name}" for name, ms in profile_summary(prof)]
            if why:  # the page is still measured settled at what the server reached
                notes.append(f"{target} pods: the server reached {reached} ({why})")
            if args.profile and target == args.pods:
                cdp.send("Profiler.start")
                browser.start_tracing(page=page, categories=["devtools.timeline"])
            with Phase(f"settled {reached}", page, wire) as ph:
                settle(base, page, args.settle)
            rows.append(ph)
            if args.screenshot:
                page.screenshot(path=str(Path(args.screenshot) / f"settled-{reached}.png"))
            if args.profile and target == args.pods:
                notes.append("main-thread time by trace event while settled (ms):")
                notes += [f"  {ms:9.1f}  {name}" for name, ms in trace_summary(browser.stop_tracing())]
            if args.profile and target == args.pods:
                prof = cdp.send("Profiler.stop")["profile"]
                notes.append("page CPU self time while settled (ms):")
                notes += [f"  {ms:9.1f}  {name}" for name, ms in profile_summary(prof)]
            if why:
                break
        browser.close()

    print(f"{'phase':<18} {'wall s':>7} {'fps':>6} {'worst 1s':>8} {'longest ms':>10} {'long tasks':>10} "
          f"{'in long %':>9} {'wire MB':>8} {'JSON MB':>8} {'pod events':>10} {'patches':>8} {'wire B/pod ev':>13}")
    for r in rows:
        per = r.bytes / r.pod_events if r.pod_events else float("nan")
        # the share of the phase's wall time the main thread spent in tasks of 50 ms or more: no frame then
        in_long = 100 * r.long_total / 1000 / r.wall if r.wall else 0.0
        print(f"{r.name:<18} {r.wall:7.1f} {r.fps:6.1f} {r.worst:8.0f} {r.longest:10.0f} {r.long_count:10d} "
              f"{in_long:9.1f} {r.bytes / 1e6:8.2f} {r.frame_bytes / 1e6:8.2f} {r.pod_events:10d} {r.patches:8d} {per:13.0f}")
    for r in rows:
        if r.passes:  # what the page's layouts cost (main.js's user timing), per part
            print(f"{r.name}: page passes " + "; ".join(
                f"{name} {p['n']}× mean {p['total'] / p['n']:.1f} max {p['max']:.0f} ms" for name, p in r.passes.items()))
    for n in notes:
        print(n)
    print("messages:", dict(wire.messages), "pod events:", dict(wire.pod_events))


if __name__ == "__main__":
    main()
