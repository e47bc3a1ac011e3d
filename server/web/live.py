"""Live updates over Socket.IO: joins, snapshots, batched deltas, and each sandbox's ticker.

Protocol (namespace ``/``):
- the client emits ``join`` ``{"sandbox": id, "since": rv?}``; the ack is ``{"ok": true, "rv": n}``
  or ``{"ok": false, "error": …}`` (also emitted as ``join_error``);
- without ``since`` (or when the store's watch log no longer reaches back to it, or it is ahead of
  the server) the server answers ``snapshot`` ``{"rv", "objects", "clock"}``; with a ``since`` the
  log still covers it answers one ``delta`` with exactly what the client missed — never a silent
  gap;
- then ``delta`` ``{"events": [{"type", "rv", "object"}], "rv", "clock"}`` batches, one per tick
  (and one right after each HTTP request that changed the sandbox), to the sandbox's room. ``rv``
  is the store's resourceVersion after the batch: the client's ``since`` for a reconnect.

Cheap deltas (issue 10). A room's batch carries each object's latest state once (``coalesce``): an
object created and deleted within the batch does not travel at all, one created in it is one
``ADDED`` of its latest state (with ``"bornUnscheduled": true`` for a Pod that had no node when it
was created, so the page still starts it in its tray), one deleted and created again is that
``DELETED`` then the ``ADDED``, any other is one ``MODIFIED``; each at its last event's ``rv``, in rv
order, so a client's rv still ends at the batch's. A ``MODIFIED`` carries ``patch``, the RFC 7386
JSON merge patch from what the room was last sent of that object to now, with ``object`` reduced to
its identity (``kind``, ``apiVersion``, ``metadata.name``/``namespace``: what the client keys it
by); it carries the whole ``object`` instead when the room has no copy, when a merge patch cannot
say the change (a member that is itself null, as null means "delete"; see ``object_patch``) or
when the patch would carry every member whole. Apply it as RFC 7386 section 2 says: objects merge,
null deletes, anything else (arrays too, as they are) replaces. A ``DELETED`` carries the identity
only. The room remembers the last-sent object per key by reference (``_sent_objects``, as long as
the room has members, like the cells): ``server.sim.store`` never mutates a stored dict after a
write, so a reference is a stable snapshot and no copy is needed. A reconnect's catch-up (one
client's ``delta`` after ``join`` with ``since``) is not coalesced nor patched: exactly every event
it missed, whole objects (DELETED as identities); a snapshot is whole objects.

Pod cells (issue 10): kubectl's own pod row, so the page and ``kubectl get pods -o wide`` can never
disagree. A snapshot carries ``cells`` ``{"Pod/<ns>/<name>": {...}, "Node//<name>": {...}}``, an event
``cells`` when that object's cells differ from what the room was last sent (always on ADDED, and on
every event of a reconnect's catch-up delta; a room nobody is in keeps no record of them, so the
last socket out takes it along and the next joiner gets them all): a pod's are ``printers.pod_row_fields`` — ``name``,
``ready``, ``status``, ``restarts``, ``ip``, ``node``, ``nominatedNode``, ``readinessGates``, and as
epoch seconds of the virtual clock ``created`` (AGE), ``lastRestart`` (RESTARTS' "(12s ago)") and
``backOffUntil`` (when a CrashLoopBackOff container is restarted, or null), and ``tolerations`` as
``kubectl describe pod`` lists them (``describe.toleration_lines``); a node's ``status`` and
``roles`` as ``kubectl get nodes`` prints them, ``allocatable`` and ``requested`` ``{"cpu"
(millicores), "memory" (bytes), "pods"}`` (describe node's Allocatable and "Allocated resources";
sent again when a pod lands on, finishes on or leaves the node) and, while its machine is halted, ``halted``,
``graceSeconds`` (node-monitor-grace-period) and ``notReadyAt`` (when the node lifecycle controller will mark it NotReady; sent
again when a machine goes up or down, see ``_node_refreshes``); a ReplicaSet's ``maxSurge`` and
``maxUnavailable``, its Deployment's rolling-update budget resolved; a HorizontalPodAutoscaler's ``targets``,
``kubectl get hpa``'s TARGETS (``format_hpa_metrics``). Cells hold nothing relative to now, so a quiet pod
costs nothing per tick and the page formats the ages itself.

Lease and Event objects are left out of snapshots and deltas: the kubelets renew a Lease per node
every 10 s and Events are many, and neither is drawn on the canvas (``GET …/objects`` and kubectl
still see them). The ``rv`` fields still move past them, so a reconnect never asks for them again.

Terminal streams: a command the page's terminal follows (``POST …/run`` with ``"follow": <this
socket's id>``) prints over ``stream`` ``{"id", "output", "done", "exitCode"}`` messages to that
socket only, with each batch; they end with ``done`` or when the socket disconnects — as do the
pod shells (``kubectl run -it``, ``exec -it``) that socket's page opened.

Machines: snapshots and deltas carry ``machines`` ``[{"name", "up"}]``, every machine behind a node
by name — halted by ``minikube stop`` or the node fail button, up again after ``minikube start`` or
recover — and a change of it alone sends a batch, so the canvas draws a halted machine without the
command's answer telling the page.

Network (issue 3): snapshots and deltas carry ``network`` ``{"overlay": {"broken": [[a, b]]},
"lbPool": {"enabled"}}``; ``traffic`` ``{"records": [{"id", "time", "source", "target", "service",
"hops", "pod", "node", "ok", "error", "status"}]}`` brings the traffic log's new records with each
batch (and the last few to a joining client) for the page to animate.

Progress (issue 10): while a long ``POST …/clock {"advance": s}`` runs (it holds the sandbox for
seconds of wall time), the room gets ``progress`` ``{"op": "advance", "done", "total"}`` (simulated
seconds) at most every 250 ms of wall time — ``Sandbox.advance`` steps 10 simulated seconds at a time
when a page watches, and reports after each step — so the page can show how far it is; the answer
to the POST says it is over.

Ticker: one background task per sandbox (``socketio.start_background_task``), alive while at least
one client watches it, sleeping ``socketio.sleep(tick)``; each tick, unless the clock is paused, it
advances the virtual clock by ``tick × speed`` simulated seconds (journalled like any other
operation), then emits the batch. A sandbox nobody watches does not run: its time stands still.
Janitor: one background task (with the ticker, when ``Limits.idle_unload`` is set) asks the registry
every quarter of that time (at most a minute) to unload the sandboxes idle that long.
All access to a sandbox's cluster holds ``sandbox.lock``.

Hands off: the objects come from the store's watch log (``store.events_since``); operations go
through ``server.sandbox``.
"""

from __future__ import annotations

import logging
import re
import time
from typing import TYPE_CHECKING

from flask import request
from flask_socketio import SocketIO, join_room, leave_room

from ..kubectl.printers import node_roles, node_status, pod_row_fields
from ..kubectl.tables_autoscaling import format_hpa_metrics
from ..kubectl.verbs.describe import toleration_lines
from ..sandbox import SandboxElsewhere, SandboxUnavailable
from ..sim.clock import parse_go_duration, parse_time
from ..sim.controllers import deployment_util
from ..sim.controllers.nodelifecycle import NODE_MONITOR_GRACE_PERIOD, NodeLifecycleController
from ..sim.patch import merge_patch_between
from ..sim.quantity import Quantity
from ..sim.scheduler import SCHEDULER_NAME
from ..sim.store import WatchEvent

if TYPE_CHECKING:
    from ..sandbox import Sandbox, Sandboxes
    from ..sim.cluster import Cluster

log = logging.getLogger(__name__)

HIDDEN_KINDS = frozenset({"Lease", "Event"})
#: how many of the traffic log's last records a joining client gets
RECENT_TRAFFIC = 50


def _visible(obj: dict) -> bool:
    return obj.get("kind") not in HIDDEN_KINDS


def cells_key(obj: dict) -> str:
    """The page's key of an object (store.js ``keyOf``): ``Kind/namespace/name``."""
    meta = obj.get("metadata") or {}
    return f"{obj.get('kind')}/{meta.get('namespace') or ''}/{meta.get('name')}"


#: the waiting message of a container in CrashLoopBackOff, as the kubelet's doBackOff writes it
_BACKOFF_MESSAGE = re.compile(r"^back-off (\S+) restarting failed container=")


def backoff_until(pod: dict) -> float | None:
    """When the kubelet restarts a container waiting in CrashLoopBackOff (the earliest, if several):
    its last exit plus the back-off its waiting message states — client-go's IsInBackOffSince
    keeps it waiting until ``finishedAt + backoff``."""
    status = pod.get("status") or {}
    ends = []
    for cs in (status.get("initContainerStatuses") or []) + (status.get("containerStatuses") or []):
        waiting = (cs.get("state") or {}).get("waiting") or {}
        if waiting.get("reason") != "CrashLoopBackOff":
            continue
        m = _BACKOFF_MESSAGE.match(waiting.get("message") or "")
        finished = parse_time(((cs.get("lastState") or {}).get("terminated") or {}).get("finishedAt"))
        if m and finished is not None:
            try:
                ends.append(finished + parse_go_duration(m.group(1)))
            except ValueError:
                continue
    return min(ends) if ends else None


def node_allocatable(obj: dict) -> dict[str, int]:
    """A Node's ``status.allocatable`` (``capacity`` when it has none, as describe does) in the page's
    units: ``cpu`` in millicores, ``memory`` in bytes, ``pods`` (rounded up as Quantity's MilliValue
    and Value do; zero for a missing or unparsable one)."""
    status = obj.get("status") or {}
    alloc = status.get("allocatable") or status.get("capacity") or {}
    out = {}
    for resource in ("cpu", "memory", "pods"):
        try:
            q = Quantity.of(alloc[resource]) if resource in alloc else None
        except ValueError:
            q = None
        out[resource] = 0 if q is None else q.milli_value() if resource == "cpu" else q.value()
    return out


def node_cells(obj: dict, cluster: Cluster | None = None) -> dict:
    """A node's cells: kubectl's STATUS and ROLES; ``allocatable`` and ``requested`` ``{"cpu"
    (millicores), "memory" (bytes), "pods"}`` — the numbers of ``kubectl describe node``'s
    "Allocated resources" and Non-terminated Pods, the requests from the scheduler's own per-node
    counters (null without a cluster; sent again when a pod lands on or leaves the node, see
    ``_pod_nodes``); under a NoExecute taint ``evictAt``, the taint
    manager's scheduled eviction per pod (``{"<ns>/<name>": epoch s}``); and, only while its machine is halted (the kubelet's
    Lease keeps moving the deadline on until the heartbeats stop), ``halted``, the node lifecycle
    controller's ``graceSeconds`` and ``notReadyAt``: when its monitor pass will mark the node
    Ready=Unknown (None once it has)."""
    name = (obj.get("metadata") or {}).get("name") or ""
    cells = {"status": node_status(obj), "roles": node_roles(obj), "allocatable": node_allocatable(obj),
             "requested": cluster.controller(SCHEDULER_NAME).requested_on(name)  # type: ignore[attr-defined]
             if cluster is not None else None}
    machine = cluster.machines.get(name) if cluster is not None else None
    if cluster is not None and machine is not None and not machine.up:
        controller = cluster.controller(NodeLifecycleController.name)
        cells.update(halted=True, graceSeconds=NODE_MONITOR_GRACE_PERIOD, notReadyAt=controller.not_ready_at(name))
    if cluster is not None and any(t.get("effect") == "NoExecute" for t in (obj.get("spec") or {}).get("taints") or []):
        # when the taint manager will evict each pod (its own schedule: the page foretells nothing itself)
        cells["evictAt"] = cluster.controller(NodeLifecycleController.name).evictions_on(name)
    return cells


def replicaset_cells(obj: dict, cluster: Cluster | None = None) -> dict:
    """A ReplicaSet's cells: its owning Deployment's rolling-update budget as the deployment
    controller resolves it (maxSurge rounded up, maxUnavailable down, against the Deployment's
    replicas; both 0 makes maxUnavailable 1), or nulls for a ReplicaSet no Deployment owns (or a
    Recreate one)."""
    meta = obj.get("metadata") or {}
    ref = next((r for r in meta.get("ownerReferences") or [] if r.get("controller")), None)
    deployment = None
    if cluster is not None and ref is not None and ref.get("kind") == "Deployment":
        deployment = cluster.store.peek("Deployment", meta.get("namespace") or "", ref.get("name") or "")
    if deployment is None or not deployment_util.is_rolling_update(deployment):
        return {"maxSurge": None, "maxUnavailable": None}
    return {"maxSurge": deployment_util.max_surge(deployment),
            "maxUnavailable": deployment_util.max_unavailable(deployment)}


def object_cells(obj: dict, cluster: Cluster | None = None) -> dict | None:
    """The cells the page draws an object by (see the module docstring), or None for other kinds.
    ``cluster`` gives what the object alone does not say (a node's controller deadline, a
    ReplicaSet's Deployment); without it those cells are null."""
    kind = obj.get("kind")
    if kind == "Pod":
        return {**pod_row_fields(obj), "backOffUntil": backoff_until(obj),
                "tolerations": toleration_lines((obj.get("spec") or {}).get("tolerations"))}
    if kind == "Node":
        return node_cells(obj, cluster)
    if kind == "ReplicaSet":
        return replicaset_cells(obj, cluster)
    if kind == "HorizontalPodAutoscaler":
        spec, status = obj.get("spec") or {}, obj.get("status") or {}
        return {"targets": format_hpa_metrics(spec.get("metrics"), status.get("currentMetrics"))}
    return None


class Hub:
    #: wall-clock seconds between two ``progress`` messages of one long clock advance
    progress_seconds = 0.25

    def __init__(self, socketio: SocketIO, sandboxes: Sandboxes, *, tick_seconds: float = 0.1,
                 ticker: bool = True) -> None:
        self.socketio = socketio
        self.sandboxes = sandboxes
        self.tick_seconds = tick_seconds
        self.ticker = ticker
        self._joined: dict[str, str] = {}  # socket sid -> sandbox id
        self._members: dict[str, set[str]] = {}  # sandbox id -> the sids in its room
        # per sandbox with a non-empty room: the cells the room was last sent, by cells_key, so a
        # delta carries only changes; forgotten when the room empties (see _leave)
        self._sent_cells: dict[str, dict[str, dict]] = {}
        # likewise the objects it was last sent (the store's own dicts, which are never mutated after a
        # write: a reference is a stable snapshot), the base of each MODIFIED's merge patch
        self._sent_objects: dict[str, dict[str, dict]] = {}
        # per sandbox: the machines its room was last sent, so switching one sends a batch by itself
        self._sent_machines: dict[str, list[dict]] = {}
        socketio.on_event("join", self.on_join)
        socketio.on_event("disconnect", self.on_disconnect)
        idle = sandboxes.limits.idle_unload
        if ticker and idle:
            # every quarter of the idle time (at most a minute), idle sandboxes leave memory
            socketio.start_background_task(self._run_janitor, min(60.0, idle / 4))

    def _run_janitor(self, period: float) -> None:
        while True:
            self.socketio.sleep(period)
            try:
                self.sandboxes.unload_idle()
            except Exception:
                log.exception("unloading idle sandboxes failed")

    @staticmethod
    def room(sandbox: Sandbox) -> str:
        return "sandbox:" + sandbox.id

    # -- payloads ------------------------------------------------------------------------------
    @staticmethod
    def snapshot(sandbox: Sandbox) -> dict:
        store = sandbox.cluster.store
        objects = [o for o in store.all() if _visible(o)]
        return {"rv": store.rv, "objects": objects, "cells": _all_cells(objects, sandbox.cluster),
                "clock": sandbox.clock_state(), "network": sandbox.network_state(),
                "machines": machines_state(sandbox)}

    @staticmethod
    def _delta(sandbox: Sandbox, events: list[WatchEvent], sent_cells: dict[str, dict] | None = None,
               switched: list[str] | None = None, sent_objects: dict[str, dict] | None = None) -> dict:
        """``sent_cells``/``sent_objects``: what the room has (updated here), so unchanged cells stay
        off the wire and a MODIFIED travels as a merge patch against the room's copy; None gives every
        event its cells and whole object (a catch-up for one client). ``switched``: nodes whose
        machine went up or down since the last batch, whose cells are sent again (see below)."""
        cluster = sandbox.cluster
        visible = [e for e in events if _visible(e.obj)]
        # a room's batch carries each object's latest state once; a catch-up, every event it missed
        pairs = coalesce(visible) if sent_objects is not None else [(e, False) for e in visible]
        out = [_event(e, sent_cells, cluster, sent_objects, born) for e, born in pairs]
        out[:0] = _node_refreshes(cluster, switched or [], sent_cells, sent_objects)
        # a pod landing on or leaving a node changes its requested sums (no Node event says so)
        out += _node_refreshes(cluster, _pod_nodes(events), sent_cells, sent_objects)
        return {"events": out,
                "rv": sandbox.cluster.store.rv, "clock": sandbox.clock_state(),
                "network": sandbox.network_state(), "machines": machines_state(sandbox)}

    # -- emitting ------------------------------------------------------------------------------
    def pump(self, sandbox: Sandbox, *, network: bool = False) -> None:
        """Send the room everything that changed since the last batch (or a snapshot if the watch
        log has already dropped some of it), then the traffic log's new records. ``network`` says
        the overlay or LB pool state changed, so a batch goes out even if no object did."""
        with sandbox.lock:
            self._pump_traffic(sandbox)
            store = sandbox.cluster.store
            now = sandbox.cluster.clock.now()
            clock_same = now == sandbox.sent_time
            machines = machines_state(sandbox)
            machines_same = self._sent_machines.get(sandbox.id) == machines
            if store.rv == sandbox.sent_rv and clock_same and not sandbox.clock_dirty and not network \
                    and machines_same:
                return
            self._pump_streams(sandbox)
            before = {m["name"]: m["up"] for m in self._sent_machines.get(sandbox.id) or []}
            switched = [m["name"] for m in machines if m["name"] in before and before[m["name"]] != m["up"]]
            events = store.events_since(sandbox.sent_rv)
            # an empty room keeps no record of cells: whoever joins gets them all (snapshot or catch-up)
            watched = bool(self._members.get(sandbox.id))
            if events is None:
                snap = self.snapshot(sandbox)
                if watched:
                    self._sent_cells[sandbox.id] = dict(snap["cells"])
                    self._sent_objects[sandbox.id] = {cells_key(o): o for o in snap["objects"]}
                self.socketio.emit("snapshot", snap, to=self.room(sandbox))
            else:
                sent = self._sent_cells.setdefault(sandbox.id, {}) if watched else None
                objects = self._sent_objects.setdefault(sandbox.id, {}) if watched else None
                self.socketio.emit("delta", self._delta(sandbox, events, sent, switched, objects),
                                   to=self.room(sandbox))
            self._sent_machines[sandbox.id] = machines
            sandbox.sent_rv = store.rv
            sandbox.sent_time = now
            sandbox.clock_dirty = False

    def _pump_streams(self, sandbox: Sandbox) -> None:
        """``stream`` ``{"id", "output", "done", "exitCode"}`` to the page that follows a terminal
        command (``get -w``, ``logs -f``, ``rollout status``): what it printed since the last batch.
        Sent before the delta of the same pump, as kubectl's watch sees a change before the page
        draws it."""
        for owner, message in sandbox.poll_streams():
            self.socketio.emit("stream", message, to=owner)

    def _pump_traffic(self, sandbox: Sandbox) -> None:
        """``traffic`` ``{"records": [...]}``: the traffic log's records since the last batch (the
        page animates them). Sent before the objects' delta of the same pump, since a request can
        change objects only through what it logs, never the other way round."""
        records = sandbox.traffic_since(sandbox.sent_traffic)
        if records:
            sandbox.sent_traffic = records[-1]["id"]
            self.socketio.emit("traffic", {"records": records}, to=self.room(sandbox))

    def tick(self, sandbox: Sandbox) -> None:
        """One tick of the live clock: advance ``tick × speed`` unless paused, then emit."""
        with sandbox.lock:
            clock = sandbox.cluster.clock
            if not clock.paused:
                sandbox.advance_to(round(clock.now() + self.tick_seconds * clock.speed, 6))
            self.pump(sandbox)

    def _run_ticker(self, sandbox: Sandbox) -> None:
        while True:
            self.socketio.sleep(self.tick_seconds)
            with sandbox.lock:
                if not sandbox.watchers or sandbox.stale:
                    sandbox.ticker_running = False
                    return
                try:
                    self.tick(sandbox)
                except Exception:
                    # a bug in a control loop must not kill the sandbox's clock for good
                    log.exception("sandbox %s: tick failed", sandbox.id)

    def _progress_reporter(self, sandbox: Sandbox):  # type: ignore[no-untyped-def]
        """``progress`` ``{"op": "advance", "done", "total"}`` (simulated seconds) to the sandbox's room
        while a long clock advance runs (``Sandbox.advance`` calls it after each step, lock held), at
        most every ``progress_seconds`` of wall time; then it yields, so the message leaves before the
        advance goes on (eventlet sends only when the running greenlet yields)."""
        last = [time.monotonic()]

        def report(done: float, total: float) -> None:
            now = time.monotonic()
            if now - last[0] < self.progress_seconds:
                return
            last[0] = now
            self.socketio.emit("progress", {"op": "advance", "done": done, "total": total}, to=self.room(sandbox))
            self.socketio.sleep(0)
        return report

    # -- Socket.IO handlers --------------------------------------------------------------------
    def on_join(self, data: object = None) -> dict:
        sid = request.sid  # type: ignore[attr-defined]
        sandbox_id = data.get("sandbox") if isinstance(data, dict) else None
        # a read-only share token joins too: the socket only ever reads (writes go through the HTTP API,
        # which refuses the token)
        try:
            sandbox = (self.sandboxes.get(sandbox_id) or self.sandboxes.by_token(sandbox_id)) \
                if isinstance(sandbox_id, str) else None
            missing = "no such sandbox" if sandbox_id else 'field "sandbox" is required'
        except (SandboxUnavailable, SandboxElsewhere) as e:
            sandbox, missing = None, str(e)
        if sandbox is None:
            error = {"ok": False, "error": missing}
            self.socketio.emit("join_error", error, to=sid)
            return error
        since = data.get("since") if isinstance(data, dict) else None
        if isinstance(since, str) and since.isdigit():
            since = int(since)
        if not isinstance(since, int) or isinstance(since, bool):
            since = None
        self._leave(sid)
        with sandbox.lock:
            # bring the room up to date first, so that what this client gets now and what the room
            # gets next meet exactly at the store's current rv: no gap, no overlap
            self.pump(sandbox)
            store = sandbox.cluster.store
            events = store.events_since(since) if since is not None and since <= store.rv else None
            if events is None:
                snap = self.snapshot(sandbox)
                cells = snap["cells"]
                self.socketio.emit("snapshot", snap, to=sid)
            else:
                cells = None
                self.socketio.emit("delta", self._delta(sandbox, events), to=sid)
            if not self._members.get(sandbox.id):
                # the first in the room now has every object's cells (its snapshot, or its catch-up on
                # top of what it had): that is the room's record from here on
                visible = [o for o in store.all() if _visible(o)]
                if cells is None:
                    cells = _all_cells(visible, sandbox.cluster)
                self._sent_cells[sandbox.id] = dict(cells)
                self._sent_objects[sandbox.id] = {cells_key(o): o for o in visible}
            # the recent requests, so a (re)joining page lists them (it skips ids it already has)
            recent = sandbox.traffic_since(None)[-RECENT_TRAFFIC:]
            if recent:
                self.socketio.emit("traffic", {"records": recent}, to=sid)
            join_room(self.room(sandbox))
            self._joined[sid] = sandbox.id
            self._members.setdefault(sandbox.id, set()).add(sid)
            sandbox.watchers.add(sid)
            sandbox.on_progress = self._progress_reporter(sandbox)
            rv = store.rv
            if self.ticker and not sandbox.ticker_running:
                sandbox.ticker_running = True
                self.socketio.start_background_task(self._run_ticker, sandbox)
        return {"ok": True, "rv": rv}

    # -- API streams (server.web.k8s): an open watch keeps the clock running, as a page does ------
    def hold(self, sandbox: Sandbox, key: str) -> None:
        with sandbox.lock:
            sandbox.watchers.add(key)
            if self.ticker and not sandbox.ticker_running:
                sandbox.ticker_running = True
                self.socketio.start_background_task(self._run_ticker, sandbox)

    def release(self, sandbox: Sandbox, key: str) -> None:
        with sandbox.lock:
            sandbox.watchers.discard(key)

    def on_disconnect(self, *args: object) -> None:
        self._leave(request.sid)  # type: ignore[attr-defined]

    def _leave(self, sid: str) -> None:
        sandbox_id = self._joined.pop(sid, None)
        if sandbox_id is None:
            return
        sandbox = self.sandboxes.get(sandbox_id)
        if sandbox is None:
            self._forget_member(sandbox_id, sid)
        else:
            with sandbox.lock:
                self._forget_member(sandbox_id, sid)
                sandbox.watchers.discard(sid)
            sandbox.close_streams(sid)
            sandbox.end_sessions(sid)
            leave_room(self.room(sandbox), sid=sid)

    def _forget_member(self, sandbox_id: str, sid: str) -> None:
        """``sid`` left the sandbox's room; the last one out takes the room's record of sent cells
        with it (a later joiner gets every cell in its snapshot or catch-up anyway)."""
        members = self._members.get(sandbox_id)
        if members is None:
            return
        members.discard(sid)
        if not members:
            del self._members[sandbox_id]
            self._sent_cells.pop(sandbox_id, None)
            self._sent_objects.pop(sandbox_id, None)


def machines_state(sandbox: Sandbox) -> list[dict]:
    """``[{"name", "up"}]``: the machines behind the nodes, by name (a halted one is drawn halted)."""
    return [{"name": name, "up": machine.up} for name, machine in sorted(sandbox.cluster.machines.items())]


def _all_cells(objects: list[dict], cluster: Cluster | None = None) -> dict[str, dict]:
    out = {}
    for o in objects:
        c = object_cells(o, cluster)
        if c is not None:
            out[cells_key(o)] = c
    return out


def coalesce(events: list[WatchEvent]) -> list[tuple[WatchEvent, bool]]:
    """A batch's events with each object's latest state once, in resourceVersion order, each with
    whether it is a Pod born without a node in this batch (the page starts those in its tray).

    Per object: created and deleted within the batch, nothing; deleted at the end, its last DELETED;
    created in the batch, one ADDED of its latest state (at its last event's rv); deleted and created
    again, that DELETED then the ADDED; otherwise one MODIFIED of its latest state. What the client
    ends with is what it would have after every event, and its rv still ends at the batch's."""
    by_key: dict[tuple, list[WatchEvent]] = {}
    for e in events:
        by_key.setdefault(e.key, []).append(e)
    out: list[tuple[WatchEvent, bool]] = []
    for seq in by_key.values():
        last = seq[-1]
        if len(seq) == 1:
            born = last.type == "ADDED" and _unscheduled_pod(last.obj)
            out.append((last, born))
            continue
        deletes = [i for i, e in enumerate(seq) if e.type == "DELETED"]
        existed = seq[0].type != "ADDED"  # the client has it from before the batch
        if last.type == "DELETED":
            if existed:
                out.append((last, False))
        elif existed and not deletes:
            out.append((WatchEvent("MODIFIED", last.rv, last.obj), False))
        else:
            if existed:
                out.append((seq[deletes[-1]], False))
            born_as = seq[deletes[-1] + 1] if deletes else seq[0]
            out.append((WatchEvent("ADDED", last.rv, last.obj), _unscheduled_pod(born_as.obj)))
    out.sort(key=lambda pair: pair[0].rv)
    return out


def _unscheduled_pod(obj: dict) -> bool:
    return obj.get("kind") == "Pod" and not (obj.get("spec") or {}).get("nodeName")


def identity(obj: dict) -> dict:
    """What a patch or a deletion names its object by: kind, apiVersion, name and namespace (the
    page's ``keyOf`` reads exactly these)."""
    meta = obj.get("metadata") or {}
    ident = {"name": meta.get("name")}
    if meta.get("namespace"):
        ident["namespace"] = meta["namespace"]
    return {"kind": obj.get("kind"), "apiVersion": obj.get("apiVersion"), "metadata": ident}


def _faithful(patch: dict, new: dict) -> bool:
    """Whether applying ``patch`` (RFC 7386) gives ``new`` exactly: a null in a merge patch deletes,
    so a member of ``new`` that is itself null (or a null inside a map the patch adds whole, which
    the apply prunes) cannot travel in one."""
    for k, v in patch.items():
        if v is None:
            if k in new:
                return False
        elif isinstance(v, dict) and not _faithful(v, new[k]):
            return False
    return True


def object_patch(old: dict, new: dict) -> dict | None:
    """The RFC 7386 merge patch that turns ``old`` (what the room was last sent) into ``new``, or
    None when the whole object is the better message: the patch cannot say it (see ``_faithful``)
    or would carry every member of ``new`` whole anyway."""
    patch = merge_patch_between(old, new)
    if not _faithful(patch, new):
        return None
    if all(patch.get(k) is v for k, v in new.items()):
        return None
    return patch


def _modified(obj: dict, rv: int | None, sent_objects: dict[str, dict] | None, key: str) -> dict:
    """A MODIFIED event's body: ``patch`` against the room's copy (with ``object`` the identity) when
    the room has one and the patch says it, else the whole ``object``. Records what the room has."""
    base = sent_objects.get(key) if sent_objects is not None else None
    if sent_objects is not None:
        sent_objects[key] = obj
    patch = object_patch(base, obj) if base is not None else None
    if patch is None:
        return {"type": "MODIFIED", "rv": rv, "object": obj}
    return {"type": "MODIFIED", "rv": rv, "object": identity(obj), "patch": patch}


def _event(e: WatchEvent, sent_cells: dict[str, dict] | None, cluster: Cluster | None = None,
           sent_objects: dict[str, dict] | None = None, born_unscheduled: bool = False) -> dict:
    obj = e.obj
    key = cells_key(obj)
    if e.type == "DELETED":
        if sent_cells is not None:
            sent_cells.pop(key, None)
        if sent_objects is not None:
            sent_objects.pop(key, None)
        return {"type": e.type, "rv": e.rv, "object": identity(obj)}
    if e.type == "MODIFIED":
        out = _modified(obj, e.rv, sent_objects, key)
    else:
        out = {"type": e.type, "rv": e.rv, "object": obj}
        if sent_objects is not None:
            sent_objects[key] = obj
        if born_unscheduled:
            out["bornUnscheduled"] = True
    cells = object_cells(obj, cluster)
    if cells is None:
        return out
    if sent_cells is None or e.type == "ADDED" or sent_cells.get(key) != cells:
        out["cells"] = cells
        if sent_cells is not None:
            sent_cells[key] = cells
    return out


def _node_refreshes(cluster: Cluster, names: list[str], sent_cells: dict[str, dict] | None,
                    sent_objects: dict[str, dict] | None = None) -> list[dict]:
    """A halted (or restarted) machine changes no Node object — the controller only notices ~50 s
    later — but its node's cells (``notReadyAt``) change at once: they travel as a ``MODIFIED`` of
    the node as stored (a patch against the room's copy, usually empty), with ``rv`` null (not a
    watch event: the client applies it whatever its resourceVersion, and its ``since`` does not
    move)."""
    out = []
    for name in names:
        node = cluster.store.peek("Node", "", name)
        if node is None:
            continue
        cells = object_cells(node, cluster)
        key = cells_key(node)
        if sent_cells is not None and sent_cells.get(key) == cells:
            continue
        out.append({**_modified(node, None, sent_objects, key), "cells": cells})
        if sent_cells is not None:
            sent_cells[key] = cells
    return out


def _pod_nodes(events: list[WatchEvent]) -> list[str]:
    """The nodes whose requested sums a batch's pod events may have changed — a pod bound there
    added, landing (its binding is a MODIFIED), finishing or deleted — and that have no event of
    their own in the batch (which carries their current cells already): their cells go again as
    ``_node_refreshes`` does, at most once per node per batch, and only if they differ from what
    the room has."""
    nodes: set[str] = set()
    changed: set[str] = set()
    for e in events:
        kind = e.obj.get("kind")
        if kind == "Pod":
            node = (e.obj.get("spec") or {}).get("nodeName")
            if node:
                nodes.add(node)
        elif kind == "Node":
            changed.add((e.obj.get("metadata") or {}).get("name") or "")
    return sorted(nodes - changed)
