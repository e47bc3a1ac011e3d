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
 * Cheap deltas (server/web/live.py's docstring): a MODIFIED may carry `patch`, an RFC 7386 merge
 * patch against the copy the mirror has, with `object` only the identity (kind, name, namespace);
 * `mergePatch` applies it without touching the old object (only the patched path is copied, the rest
 * is shared). A batch has each object once, and an ADDED with `bornUnscheduled` is a pod the scheduler
 * bound within the batch. A big batch is applied in slices of at most `budgetMs` (8 ms) of work, one
 * per turn of the event loop, so the page keeps drawing while 10,000 pods arrive: its changes are
 * staged and go into `objects` together when its last event is applied, so a listener (and a layout
 * reading `objects`) only ever sees the mirror between batches, never half of one. `pending` says
 * how many events wait. A patch for an object the mirror lacks cannot be applied: `onLost` is called
 * (the page rejoins for a snapshot).
 * Hands off: listeners get the set of keys that changed, so layout/canvas/a11y redo only what
 * moved; nothing here draws.
 */

const CELLS = new WeakMap();

/**
 * RFC 7386 section 2 MergePatch(target, patch) as a pure function: objects merge member by member, a
 * null member deletes, any other value (arrays included, as they are) replaces. Neither argument is
 * changed; unpatched members of the result are the target's own.
 */
export function mergePatch(target, patch) {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out = (target !== null && typeof target === 'object' && !Array.isArray(target)) ? { ...target } : {};
  for (const name of Object.keys(patch)) {
    const value = patch[name];
    if (value === null) delete out[name];
    else out[name] = mergePatch(out[name], value);
  }
  return out;
}

/** The server's cells of a Pod or Node of the mirror (see above), or undefined. */
export function cellsOf(obj) {
  return obj ? CELLS.get(obj) : undefined;
}

export function keyOf(obj) {
  const m = obj.metadata || {};
  return `${obj.kind}/${m.namespace || ''}/${m.name}`;
}

export class Mirror {
  /**
   * `budgetMs`: the most time one slice of a big batch takes; `schedule(fn)` runs the next slice
   * (a macrotask, so the browser draws in between); `now()` measures (tests pass their own).
   */
  constructor({ budgetMs = 8, schedule = (fn) => setTimeout(fn, 0), now = () => performance.now() } = {}) {
    this.objects = new Map();
    /** kind -> (key -> object): `objects` by kind, for `list` */
    this.kinds = new Map();
    this.rv = null;
    this.clock = null;
    this.listeners = new Set();
    this.budgetMs = budgetMs;
    this.schedule = schedule;
    this.now = now;
    this.onLost = null;
    this._queue = []; // batches waiting: {msg, events, next, staged, changed, born}
    this._draining = false;
  }

  subscribe(fn) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** How many events of received batches are not applied yet. */
  get pending() {
    let n = 0;
    for (const b of this._queue) n += b.events.length - b.next;
    return n;
  }

  _emit(changed, full, bornUnscheduled = new Set()) {
    for (const fn of this.listeners) fn({ changed, full, bornUnscheduled });
  }

  applySnapshot(msg) {
    this._queue = []; // whatever was still waiting is older than the snapshot
    const changed = new Set(this.objects.keys());
    this.objects = new Map();
    this.kinds = new Map();
    const cells = msg.cells || {};
    for (const obj of msg.objects || []) {
      const k = keyOf(obj);
      this.objects.set(k, obj);
      this._index(k, obj);
      if (cells[k]) CELLS.set(obj, cells[k]);
      changed.add(k);
    }
    this.rv = toNumber(msg.rv);
    if (msg.clock) this.clock = msg.clock;
    this._emit(changed, true);
  }

  applyDelta(msg) {
    const events = (msg.events || []).slice().sort((a, b) => rvOrder(a.rv) - rvOrder(b.rv));
    this._queue.push({ msg, events, next: 0, staged: new Map(), changed: new Set(), born: new Set() });
    this._drain();
  }

  /** Apply queued events for at most `budgetMs`, committing each batch whose last event is done. */
  _drain() {
    if (this._draining) return;
    this._draining = true;
    const start = this.now();
    const changed = new Set();
    const born = new Set();
    let clockChanged = false;
    let steps = 0;
    try {
      while (this._queue.length) {
        const batch = this._queue[0];
        while (batch.next < batch.events.length) {
          if (!this._step(batch, batch.events[batch.next++])) return this._lost();
          if ((++steps & 63) === 0 && this.now() - start >= this.budgetMs) break;
        }
        if (batch.next < batch.events.length) break;
        this._queue.shift();
        clockChanged = this._commit(batch, changed, born) || clockChanged;
      }
    } finally {
      this._draining = false;
    }
    if (changed.size || clockChanged) this._emit(changed, false, born);
    if (this._queue.length) this.schedule(() => this._drain());
  }

  /** One event into the batch's staging area (the mirror's `objects` stay as they were); false when
   * it is a patch of an object the mirror does not have. */
  _step(batch, ev) {
    const rv = toNumber(ev.rv);
    const k = keyOf(ev.object);
    // already applied: a reconnect may replay a few (events whose rv is null are not watch events)
    if (this.rv !== null && rv !== null && rv <= Math.max(this.rv, batch.rv ?? -Infinity)) return true;
    const prev = batch.staged.has(k) ? batch.staged.get(k) : this.objects.get(k);
    // Pods created without a node: the scheduler usually binds them within the same tick, so the
    // mirror only sees them bound (the server says so); the canvas still starts them in the tray.
    if (ev.type === 'ADDED' && ev.object.kind === 'Pod'
      && (ev.bornUnscheduled || !(ev.object.spec && ev.object.spec.nodeName))) batch.born.add(k);
    if (ev.type === 'DELETED') {
      batch.staged.set(k, undefined);
    } else {
      let obj = ev.object;
      if (ev.patch) {
        if (!prev) return false;
        obj = mergePatch(prev, ev.patch);
      }
      const cells = ev.cells || (prev && CELLS.get(prev));
      if (cells) CELLS.set(obj, cells);
      batch.staged.set(k, obj);
    }
    batch.changed.add(k);
    if (rv !== null) batch.rv = rv;
    return true;
  }

  _commit(batch, changed, born) {
    for (const [k, obj] of batch.staged) {
      if (obj === undefined) this.objects.delete(k);
      else this.objects.set(k, obj);
      this._index(k, obj);
    }
    for (const k of batch.changed) changed.add(k);
    for (const k of batch.born) born.add(k);
    if (batch.rv !== undefined && (this.rv === null || batch.rv > this.rv)) this.rv = batch.rv;
    const msg = batch.msg;
    const batchRv = toNumber(msg.rv);
    if (batchRv !== null && (this.rv === null || batchRv > this.rv)) this.rv = batchRv;
    const clockChanged = Boolean(msg.clock) && JSON.stringify(msg.clock) !== JSON.stringify(this.clock);
    if (msg.clock) this.clock = msg.clock;
    return clockChanged;
  }

  /** The mirror cannot follow the deltas any more: drop what waits and ask for a snapshot. */
  _lost() {
    this._queue = [];
    this._draining = false;
    if (this.onLost) this.onLost();
  }

  /** The objects of `kind`, in the order `objects` has them (from the per-kind index: a list of
   * the Nodes or Services costs their number, not the 10,000 pods'). */
  list(kind) {
    const of = this.kinds.get(kind);
    return of ? [...of.values()] : [];
  }

  _index(k, obj) {
    const kind = k.slice(0, k.indexOf('/'));
    let of = this.kinds.get(kind);
    if (obj === undefined) {
      if (of) of.delete(k);
      return;
    }
    if (!of) this.kinds.set(kind, (of = new Map()));
    of.set(k, obj);
  }

  get(kind, namespace, name) {
    return this.objects.get(`${kind}/${namespace || ''}/${name}`);
  }

  byUid(uid) {
    for (const obj of this.objects.values()) if (obj.metadata && obj.metadata.uid === uid) return obj;
    return undefined;
  }
}

function rvOrder(rv) {
  const n = toNumber(rv);
  return n === null ? -Infinity : n;
}

function toNumber(rv) {
  if (rv === null || rv === undefined || rv === '') return null;
  const n = Number(rv);
  return Number.isFinite(n) ? n : null;
}
