/**
 * The browser's mirror of the sandbox's object store.
 *
 * Owns: every object the server streams (Leases and Events are left out by the server), keyed
 * by kind/namespace/name, the last resourceVersion applied and the clock state that came with
 * it. `applySnapshot` replaces everything; `applyDelta` applies watch events in resourceVersion
 * order and skips any it has already seen (a reconnect may replay a few), so the mirror never
 * goes backwards. After a reconnect the page rejoins with `since: mirror.rv` and the server
 * answers with the missed deltas or a fresh snapshot.
 * Pods and Nodes come with their cells (server/web/live.py): kubectl's own row — READY, STATUS,
 * RESTARTS, IP, NODE … for a pod, STATUS and ROLES for a node — computed by the server's printers,
 * so the page never recomputes STATUS and cannot disagree with `kubectl get pods`. An event brings
 * cells only when they changed; otherwise the new object keeps its predecessor's. `cellsOf(obj)`
 * reads them (a WeakMap keyed by the object, so the objects stay exactly what the server sent).
 * Hands off: listeners get the set of keys that changed, so layout/canvas/a11y redo only what
 * moved; nothing here draws.
 */

const CELLS = new WeakMap();

/** The server's cells of a Pod or Node of the mirror (see above), or undefined. */
export function cellsOf(obj) {
  return obj ? CELLS.get(obj) : undefined;
}

export function keyOf(obj) {
  const m = obj.metadata || {};
  return `${obj.kind}/${m.namespace || ''}/${m.name}`;
}

export class Mirror {
  constructor() {
    this.objects = new Map();
    this.rv = null;
    this.clock = null;
    this.listeners = new Set();
  }

  subscribe(fn) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  _emit(changed, full, bornUnscheduled = new Set()) {
    for (const fn of this.listeners) fn({ changed, full, bornUnscheduled });
  }

  applySnapshot(msg) {
    const changed = new Set(this.objects.keys());
    this.objects = new Map();
    const cells = msg.cells || {};
    for (const obj of msg.objects || []) {
      const k = keyOf(obj);
      this.objects.set(k, obj);
      if (cells[k]) CELLS.set(obj, cells[k]);
      changed.add(k);
    }
    this.rv = toNumber(msg.rv);
    if (msg.clock) this.clock = msg.clock;
    this._emit(changed, true);
  }

  applyDelta(msg) {
    const changed = new Set();
    // Pods created without a node in this batch: the scheduler usually binds them within the
    // same tick, so the mirror only sees them bound; the canvas still starts them in the tray.
    const bornUnscheduled = new Set();
    const events = (msg.events || []).slice().sort((a, b) => toNumber(a.rv) - toNumber(b.rv));
    for (const ev of events) {
      const rv = toNumber(ev.rv);
      if (this.rv !== null && rv !== null && rv <= this.rv) continue; // already applied
      const k = keyOf(ev.object);
      if (ev.type === 'ADDED' && ev.object.kind === 'Pod' && !(ev.object.spec && ev.object.spec.nodeName)) bornUnscheduled.add(k);
      if (ev.type === 'DELETED') {
        this.objects.delete(k);
      } else {
        const prev = this.objects.get(k);
        const cells = ev.cells || (prev && CELLS.get(prev));
        if (cells) CELLS.set(ev.object, cells);
        this.objects.set(k, ev.object);
      }
      changed.add(k);
      if (rv !== null) this.rv = rv;
    }
    const batchRv = toNumber(msg.rv);
    if (batchRv !== null && (this.rv === null || batchRv > this.rv)) this.rv = batchRv;
    const clockChanged = msg.clock && JSON.stringify(msg.clock) !== JSON.stringify(this.clock);
    if (msg.clock) this.clock = msg.clock;
    if (changed.size || clockChanged) this._emit(changed, false, bornUnscheduled);
  }

  list(kind) {
    const out = [];
    for (const obj of this.objects.values()) if (obj.kind === kind) out.push(obj);
    return out;
  }

  get(kind, namespace, name) {
    return this.objects.get(`${kind}/${namespace || ''}/${name}`);
  }

  byUid(uid) {
    for (const obj of this.objects.values()) if (obj.metadata && obj.metadata.uid === uid) return obj;
    return undefined;
  }
}

function toNumber(rv) {
  if (rv === null || rv === undefined || rv === '') return null;
  const n = Number(rv);
  return Number.isFinite(n) ? n : null;
}
