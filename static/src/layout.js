/**
 * Where things go: a pure function of the mirror's objects (and the page's width) that places
 * nodes as boxes in a grid, and inside each node the pods bound to it, grouped in outlined blocks
 * by owner (a ReplicaSet's pods together, labelled with the Deployment and pod-template-hash).
 * Pods with no spec.nodeName sit in the "unscheduled" tray above the nodes, so scheduling reads
 * as a move from the tray into a node. Deployments with more than one ReplicaSet get a rollout
 * card's rectangle (`rollouts`, rollout.js) in a band under the services, and a failed, tainted or
 * cordoned node a strip at its foot (`explain`, nodefail.js): room the canvas leaves blank for the
 * mirror's visible elements. The "config and storage" chips (relations.js: ConfigMaps, Secrets,
 * PVCs, PVs, Ingresses, HPAs) sit in a band right under the service hubs, each Ingress below the
 * first hub it routes to when there is room (`layoutChips`).
 *
 * Owns: geometry only. Hands off: canvas.js draws (and animates towards) these positions;
 * a11y.js places its focusable elements on the same rectangles. Same input → same output:
 * every collection is sorted, nothing reads the clock or the DOM.
 * A pod's STATUS, READY and the rest are the server's cells (kubectl's own row, store.js
 * `cellsOf`); a node's STATUS and ROLES too. Each pod record also carries its style (podstyle.js),
 * its owner (the controller at the top of its chain: Deployment over ReplicaSet, CronJob over
 * Job) and the owner's badge. Nodes sort control plane first, then naturally (node2 < node10).
 */
import { cellsOf, keyOf } from './store.js';
import { styleOf, ownerBadge } from './podstyle.js';
import { servicesOf, nodeIP } from './services.js';
import { rolloutsOf } from './rollout.js';
import { explains, replacements } from './nodefail.js';
import { CAPACITY_H } from './capacity.js';
import { relationsOf } from './relations.js';
import { t } from './i18n.js';

export const POD = 18;          // pod shape size (px)
export const CELL = 24;         // pod pitch inside a group block
const MARGIN = 16;
const NODE_GAP = 16;
const NODE_MIN_W = 250;
const NODE_MAX_W = 440;
const NODE_HEAD = 50;
const NODE_PAD = 10;
const GROUP_PAD = 6;
const GROUP_LABEL = 16;
const GROUP_GAP = 8;
const TRAY_HEAD = 24;
const LABEL_CHAR = 6.4;        // width of one character of the group label font (10.5px mono)
export const NAMED_W = 124;     // pitch of a pod that carries its name (square, gap, 15 characters)
const NAMED_CHARS = 15;
const NAMED_ROWS = 3;           // a group of more pods than 3 rows of named chips draws bare squares
const NAMED_EXTRA = 2 * CELL;   // and a node names its pods only if that makes it at most this much taller
export const HUB_W = 196;       // a service hub
export const HUB_H = 52;
const HUB_GAP = 10;
const OUTSIDE_W = 150;          // the workstation outside the cluster, right of the hubs
const LINK_BAND = 22;           // room above the nodes for broken overlay links
const PORT_STRIP = 20;          // NodePorts under a node's header, when there are any
const EXPLAIN_H = 34;           // a failed, tainted or cordoned node's "what comes next" (nodefail.js)
const ROLLOUT_W = 420;          // a Deployment's rollout card (rollout.js)
const ROLLOUT_H = 150;
export const CHIP_W = 184;      // a "config and storage" chip (relations.js)
export const CHIP_H = 36;
const CHIP_GAP = 10;

/** A small stable string hash (FNV-1a) for colour choices. */
export function hashString(s) {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

function controllerRef(pod) {
  const refs = (pod.metadata && pod.metadata.ownerReferences) || [];
  return refs.find((r) => r.controller) || refs[0] || null;
}

/** Names compared as people read them: digits by value, so node2 < node10. */
export function naturalCompare(a, b) {
  const re = /(\d+)|(\D+)/g;
  const pa = String(a).match(re) || [];
  const pb = String(b).match(re) || [];
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === y) continue;
    const dx = /^\d/.test(x);
    const dy = /^\d/.test(y);
    if (dx && dy && Number(x) !== Number(y)) return Number(x) - Number(y);
    return x < y ? -1 : 1;
  }
  return pa.length - pb.length || (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * The owner a pod is shown with: its controller, or that controller's own controller when it is
 * a Deployment's ReplicaSet or a CronJob's Job (`via` keeps the middle link). `parents` maps
 * "Kind/ns/name" of ReplicaSets and Jobs to their objects.
 */
export function podOwner(pod, parents) {
  const ref = controllerRef(pod);
  if (!ref) return null;
  const ns = pod.metadata.namespace || '';
  const owner = { kind: ref.kind, name: ref.name };
  const parent = (ref.kind === 'ReplicaSet' || ref.kind === 'Job') && parents.get(`${ref.kind}/${ns}/${ref.name}`);
  const top = parent && controllerRef(parent);
  if (top && (top.kind === 'Deployment' || top.kind === 'CronJob')) return { kind: top.kind, name: top.name, via: owner };
  return owner;
}

/** The group a pod belongs to: its controller (ReplicaSet + template hash), or "bare pods". */
export function podGroup(pod) {
  const ref = controllerRef(pod);
  const ns = pod.metadata.namespace || '';
  if (!ref) return { key: `${ns}/bare`, label: ns === 'default' ? t('bare pods') : t('{ns} · bare pods', { ns }), base: 'bare', hash: '' };
  const hash = (pod.metadata.labels || {})['pod-template-hash'] || '';
  let base = ref.name;
  if (hash && ref.kind === 'ReplicaSet' && base.endsWith(`-${hash}`)) base = base.slice(0, -hash.length - 1);
  // Static pods are owned by their Node; a DaemonSet's or bare ReplicaSet's pods by its name.
  const label = hash ? `${base} · ${hash}` : ref.kind === 'Node' ? t('static pods') : ref.name;
  return { key: `${ns}/${ref.kind}/${ref.name}`, label, base: `${ns}/${base}`, hash };
}

function nodeRoles(node) {
  const cells = cellsOf(node);
  return cells ? cells.roles : '<none>';
}

/** Oldest first, then by name: pods' `describe` records compared by their `order` strings. */
function byCreation(a, b) {
  return a.order < b.order ? -1 : a.order > b.order ? 1 : 0;
}

/**
 * A pod name cut to `max` characters keeping what tells pods apart — the first word and the
 * random suffix: web-deploy-7c74bc9bb8-x7k2p → web-…-x7k2p.
 */
export function shortName(name, max) {
  if (name.length <= max) return name;
  const parts = name.split('-');
  const last = parts[parts.length - 1];
  if (parts.length > 1 && last.length + 3 <= max) {
    const head = parts[0].slice(0, Math.max(1, max - last.length - 3));
    const out = `${head}-…-${last}`;
    if (out.length <= max) return out;
  }
  return `…${name.slice(name.length - max + 1)}`;
}

/** A group block's size in a flow of width `innerW` (`maxNamed` named chips a row; 0: no names). */
function blockSize(n, label, innerW, maxNamed) {
  const named = n <= maxNamed * NAMED_ROWS;
  const pitch = named ? NAMED_W : CELL;
  const maxCols = Math.max(1, Math.floor((innerW - 2 * GROUP_PAD) / pitch));
  const cols = Math.min(n, maxCols);
  const rows = Math.ceil(n / cols);
  // Wide enough for its label where the node has room, so "web-deploy · 7c74bc9bb8" reads whole.
  const labelW = Math.min(innerW, Math.ceil(label.length * LABEL_CHAR) + 12);
  return { named, pitch, cols, w: Math.max(cols * pitch + 2 * GROUP_PAD, labelW), h: GROUP_LABEL + rows * CELL + GROUP_PAD };
}

/** The height flowGroups' blocks would take, placing nothing. */
function flowHeight(groups, innerW, names) {
  const maxNamed = names ? Math.max(1, Math.floor((innerW - 2 * GROUP_PAD) / NAMED_W)) : 0;
  let x = 0;
  let y = 0;
  let rowH = 0;
  for (const g of groups) {
    const { w, h } = blockSize(g.pods.length, g.label, innerW, maxNamed);
    if (x > 0 && x + w > innerW) {
      x = 0;
      y += rowH + GROUP_GAP;
      rowH = 0;
    }
    x += w + GROUP_GAP;
    rowH = Math.max(rowH, h);
  }
  return groups.length ? y + rowH : 0;
}

/** A pod's record: what its `describe` says, its group's owner, its place and its chip's words. */
function podRecord(d, g, x, y, named) {
  // a multi-container pod's chip ends with its READY n/m
  const multi = d.cells && ((d.pod.spec && d.pod.spec.containers) || []).length > 1;
  const label = !named ? '' : multi ? `${shortName(d.name, NAMED_CHARS - 4)} ${d.cells.ready}` : shortName(d.name, NAMED_CHARS);
  return {
    key: d.key, name: d.name, namespace: d.namespace, node: d.node, status: d.status,
    category: d.category, cells: d.cells, owner: g.owner, badge: ownerBadge(g.owner, d.name),
    groupKey: g.key, pod: d.pod, x, y, size: POD, label,
  };
}

/**
 * Lays groups of pods (groupPods') out left to right, wrapping, from (x0, y0) inside `innerW`;
 * returns blocks + height. With `names`, a group whose pods fit in NAMED_ROWS rows of named chips
 * (square + name) is drawn so: pods carry their names when there is room.
 * `prev` (the same container's flow of the last layout, or null) lends its records: a pod whose
 * object, group, owner and place in a block at the same place and of the same shape are what they
 * were keeps its record (and a block all of whose records were kept, the block), so a layout makes
 * records only for what changed — a pod with a new status, a new pod — and the canvas and the
 * accessible mirror skip the rest by identity. The result is the same as with no `prev`.
 */
function flowGroups(groups, x0, y0, innerW, names, prev) {
  const maxNamed = names ? Math.max(1, Math.floor((innerW - 2 * GROUP_PAD) / NAMED_W)) : 0;
  const before = prev && prev.blocks.length ? new Map(prev.blocks.map((b) => [b.key, b])) : null;
  let x = 0;
  let y = 0;
  let rowH = 0;
  const blocks = [];
  for (const g of groups) {
    const n = g.pods.length;
    const { named, pitch, cols, w, h } = blockSize(n, g.label, innerW, maxNamed);
    if (x > 0 && x + w > innerW) {
      x = 0;
      y += rowH + GROUP_GAP;
      rowH = 0;
    }
    const bx = x0 + x;
    const by = y0 + y;
    const old = before && before.get(g.key);
    const lend = old && old.x === bx && old.y === by && old.cols === cols && old.pitch === pitch && old.named === named
      && sameOwner(old.pods[0].owner, g.owner) ? old.pods : null;
    let kept = Boolean(lend) && lend.length === n && old.w === w && old.h === h && old.label === g.label;
    const pods = new Array(n);
    for (let i = 0; i < n; i++) {
      const d = g.pods[i];
      const was = lend && lend[i];
      if (was && was.pod === d.pod) {
        pods[i] = was;
        continue;
      }
      kept = false;
      pods[i] = podRecord(d, g, bx + GROUP_PAD + (i % cols) * pitch + (CELL - POD) / 2,
        by + GROUP_LABEL + Math.floor(i / cols) * CELL + (CELL - POD) / 2, named);
    }
    blocks.push(kept ? old : { key: g.key, label: g.label, base: g.base, hash: g.hash, x: bx, y: by, w, h, cols, pitch, named, pods });
    x += w + GROUP_GAP;
    rowH = Math.max(rowH, h);
  }
  return { blocks, height: blocks.length ? y + rowH : 0 };
}

// What a pod object says about itself, computed once per object: the mirror replaces an object
// when it changes, so its identity is the cache key and a layout costs what changed plus placing.
const derived = new WeakMap();

// One object per group (by key and label): the pods of a group share it, so grouping compares objects.
const sharedGroups = new Map();

function sharedGroup(g) {
  const k = `${g.key}\u0000${g.label}`;
  const had = sharedGroups.get(k);
  if (had && had.base === g.base && had.hash === g.hash) return had;
  sharedGroups.set(k, g);
  return g;
}

function describe(pod) {
  let d = derived.get(pod);
  if (!d) {
    const cells = cellsOf(pod) || null;
    const status = cells ? cells.status : 'Pending';
    d = {
      pod,
      key: keyOf(pod),
      name: pod.metadata.name,
      namespace: pod.metadata.namespace || '',
      node: (pod.spec && pod.spec.nodeName) || '',
      status,
      cells,
      category: styleOf(status, cells ? cells.ready : ''),
      group: sharedGroup(podGroup(pod)),
      // creation time, then name, as one string (RFC 3339 times end in Z: no time is a prefix of
      // another, so comparing the joined strings compares the time first)
      order: `${pod.metadata.creationTimestamp || ''}\u0000${pod.metadata.name}`,
    };
    derived.set(pod, d);
  }
  return d;
}

/** The pods' describe records by group (each group with its owner), user workloads first. */
function groupPods(descs, parents) {
  const groups = []; // (a node holds pods of a few groups: a list, searched from its last entry)
  let entry = null;
  for (const d of descs) {
    const g = d.group;
    if (!entry || (entry.group !== g && entry.key !== g.key)) {
      entry = null;
      for (let i = groups.length - 1; i >= 0; i--) if (groups[i].group === g || groups[i].key === g.key) { entry = groups[i]; break; }
      if (!entry) {
        // a group is one controller's pods: one owner for all of them
        entry = { ...g, owner: podOwner(d.pod, parents), pods: [], group: g };
        groups.push(entry);
      }
    }
    entry.pods.push(d);
  }
  // User workloads first, then kube-system; stable by label within each.
  return groups.sort((a, b) => {
    const sa = a.key.startsWith('kube-system/') ? 1 : 0;
    const sb = b.key.startsWith('kube-system/') ? 1 : 0;
    if (sa !== sb) return sa - sb;
    return a.label < b.label ? -1 : a.label > b.label ? 1 : 0;
  });
}

/**
 * Places `chips` (relationsOf's, in band order: Ingresses first) left to right from (x0, y0) in
 * `width`, wrapping; an Ingress moves right to stand under the first hub it routes to, when that
 * is ahead of it on its row. Fills each chip's x, y, w, h; returns the band's height (0 if empty).
 */
export function layoutChips(chips, hubs, x0, y0, width) {
  if (!chips.length) return 0;
  const hubX = new Map(hubs.map((h) => [h.key, h.x]));
  let x = x0;
  let y = y0;
  for (const c of chips) {
    if (x > x0 && x + CHIP_W > x0 + width) { x = x0; y += CHIP_H + CHIP_GAP; }
    const want = c.kind === 'Ingress' && c.services.length ? hubX.get(c.services[0]) : undefined;
    if (want !== undefined && want > x && want + CHIP_W <= x0 + width) x = want;
    Object.assign(c, { x, y, w: CHIP_W, h: CHIP_H });
    x += CHIP_W + CHIP_GAP;
  }
  return y + CHIP_H - y0;
}

// A node's placed pods from the last layout, by node name: a node whose pod objects (the mirror
// replaces an object when it changes), place and owners are as they were keeps its blocks and pod
// records, so a layout costs the nodes that changed (plus a pass over the records) at 10,000 pods.
const flows = new Map();

function sameOwner(a, b) {
  if (!a || !b) return a === b;
  return a.kind === b.kind && a.name === b.name && sameOwner(a.via || null, b.via || null);
}

function nodeFlow(name, list, parents, x, y, innerW) {
  const c = flows.get(name);
  if (c && c.x === x && c.y === y && c.w === innerW && c.pods.length === list.length
    && c.pods.every((d, i) => d === list[i])
    && c.flow.blocks.every((b) => sameOwner(b.pods[0].owner, podOwner(b.pods[0].pod, parents)))) return c.flow;
  const grouped = groupPods(list, parents);
  // Names where there is room: only if naming the pods costs the node at most NAMED_EXTRA px (and
  // only tried when a group is small enough to be named: a node of 100 pods of one ReplicaSet is not).
  const maxNamed = Math.max(1, Math.floor((innerW - 2 * GROUP_PAD) / NAMED_W));
  const named = grouped.some((g) => g.pods.length <= maxNamed * NAMED_ROWS)
    && flowHeight(grouped, innerW, true) <= flowHeight(grouped, innerW, false) + NAMED_EXTRA;
  const flow = flowGroups(grouped, x, y, innerW, named, c && c.w === innerW ? c.flow : null);
  flows.set(name, { pods: list, x, y, w: innerW, flow });
  return flow;
}

// Per node ('' the tray): its pods' creation orders as the objects listed them last time, and the
// permutation that sorted them. Pods change status far more often than they come and go, so a
// node whose pods are the same ones in the same order reuses its sort.
const orders = new Map();

/** The describe records of `list` (in the objects' order), oldest first (a new array). */
function oldestFirst(name, list) {
  const c = orders.get(name);
  let perm;
  if (c && c.orders.length === list.length && list.every((d, i) => d.order === c.orders[i])) {
    perm = c.perm;
  } else {
    perm = list.map((_, i) => i).sort((i, j) => byCreation(list[i], list[j]));
    orders.set(name, { orders: list.map((d) => d.order), perm });
  }
  return perm.map((i) => list[i]);
}

// Every pod record of the last layout by key (the `pods` of every layout: one map, updated), and
// the flows it was made from by container (the tray's key, or a node's name). A layout updates it
// from the blocks and records that are not the last one's (a flow, block or record kept is the same
// object), so it costs what changed, not a map of 10,000 pods each time. Its order means nothing.
const TRAY_KEY = '\u0000tray';
const podIndex = new Map();
let indexed = new Map();

function indexPods(placed) {
  const fresh = new Set(); // records new in this layout
  const gone = []; // records of the last layout not kept in this one
  for (const [name, flow] of placed) {
    const old = indexed.get(name);
    if (old === flow) continue;
    const oldBlocks = old ? new Map(old.blocks.map((b) => [b.key, b])) : null;
    for (const b of flow.blocks) {
      const ob = oldBlocks && oldBlocks.get(b.key);
      if (ob === b) {
        oldBlocks.delete(b.key);
        continue;
      }
      for (let i = 0; i < b.pods.length; i++) {
        const rec = b.pods[i];
        if (ob && ob.pods[i] === rec) continue;
        fresh.add(rec);
        podIndex.set(rec.key, rec);
      }
      if (ob) {
        for (let i = 0; i < ob.pods.length; i++) if (b.pods[i] !== ob.pods[i]) gone.push(ob.pods[i]);
        oldBlocks.delete(b.key);
      }
    }
    if (oldBlocks) for (const ob of oldBlocks.values()) for (const rec of ob.pods) gone.push(rec);
  }
  for (const [name, old] of indexed) {
    if (placed.has(name)) continue;
    for (const b of old.blocks) for (const rec of b.pods) gone.push(rec);
  }
  for (const rec of gone) if (podIndex.get(rec.key) === rec && !fresh.has(rec)) podIndex.delete(rec.key);
  indexed = placed;
  return podIndex;
}

// The tray's flow of the last layout (its records lent to the next: flowGroups).
let trayFlow = null;

// The records last given a `replaces` (a layout's records may be the previous layout's own).
let replacedRecords = [];

/**
 * The layout of `objects` at once (`layoutSteps` run to its end).
 * @param {Iterable<object>} objects  the mirror's objects
 * @param {{width:number, halted?:Set<string>}} opts
 */
export function computeLayout(objects, opts) {
  const steps = layoutSteps(objects, opts);
  let r = steps.next();
  while (!r.done) r = steps.next();
  return r.value;
}

// objects (or nodes) a layout looks at between two of its steps
const STEP_OBJECTS = 2048;
const STEP_NODES = 16;

/**
 * The same layout as computeLayout, made in steps: a generator that yields (nothing) every few
 * thousand objects and after each row of nodes, each step a millisecond or two at 10,000 pods,
 * and returns the layout. The page (main.js) runs steps until its frame's budget is spent and goes
 * on in the next frame, so no frame waits on a whole-cluster pass. `objects` must not change
 * while the steps run (main.js gives an array of the mirror's objects, which are never mutated).
 * Only one layout is made at a time (the caches below are the last finished one's).
 * @param {Iterable<object>} objects
 * @param {{width:number, halted?:Set<string>}} opts
 */
export function* layoutSteps(objects, { width, halted = new Set() }) {
  const nodesObj = [];
  const podsObj = [];
  const all = [];
  const others = []; // neither pods nor nodes: what servicesOf and rolloutsOf read
  const parents = new Map();
  const deployments = [];
  let seen = 0;
  for (const o of objects) {
    if ((++seen % STEP_OBJECTS) === 0) yield;
    all.push(o);
    if (o.kind === 'Node') nodesObj.push(o);
    else if (o.kind === 'Pod') podsObj.push(o);
    else {
      others.push(o);
      if (o.kind === 'Deployment') deployments.push(o);
      else if (o.kind === 'ReplicaSet' || o.kind === 'Job') parents.set(keyOf(o), o);
    }
  }
  const svcs = servicesOf(others);
  // NodePort and LoadBalancer services listen on every node: each node shows their ports.
  const nodePorts = [];
  for (const s of svcs) for (const p of s.nodePorts) nodePorts.push({ nodePort: p.nodePort, service: s.ref });
  nodePorts.sort((a, b) => a.nodePort - b.nodePort);
  const nodeHead = NODE_HEAD + CAPACITY_H + (nodePorts.length ? PORT_STRIP : 0);
  nodesObj.sort((a, b) => {
    // Control plane first, then by name as people read it: master, node1, node2, …, node10.
    const ra = nodeRoles(a).includes('control-plane') ? 0 : 1;
    const rb = nodeRoles(b).includes('control-plane') ? 0 : 1;
    if (ra !== rb) return ra - rb;
    return naturalCompare(a.metadata.name, b.metadata.name);
  });
  // Each node's pods (and the tray's) oldest first: sorted per node, not all 10,000 pods at once.
  const byNode = new Map(nodesObj.map((n) => [n.metadata.name, []]));
  const trayed = [];
  yield;
  seen = 0;
  for (const p of podsObj) {
    if ((++seen % STEP_OBJECTS) === 0) yield;
    const n = p.spec && p.spec.nodeName;
    const list = (n && byNode.get(n)) || trayed;
    list.push(describe(p));
  }
  seen = 0;
  for (const [name, list] of byNode) {
    if ((++seen % STEP_NODES) === 0) yield;
    byNode.set(name, oldestFirst(name, list));
  }
  const unscheduled = oldestFirst('', trayed);
  for (const name of [...orders.keys()]) if (name && !byNode.has(name)) orders.delete(name);

  const W = Math.max(width, NODE_MIN_W + 2 * MARGIN);
  const placedFlows = new Map(); // container (TRAY_KEY or a node's name) → its flow in this layout
  const groups = [];

  // The unscheduled tray spans the top.
  const trayW = W - 2 * MARGIN - 2 * NODE_PAD;
  const trayGroups = flowGroups(groupPods(unscheduled, parents), MARGIN + NODE_PAD, MARGIN + TRAY_HEAD, trayW, true,
    trayFlow && trayFlow.w === trayW ? trayFlow.flow : null);
  trayFlow = { w: trayW, flow: trayGroups };
  const trayH = TRAY_HEAD + Math.max(trayGroups.height, CELL) + NODE_PAD;
  const tray = { x: MARGIN, y: MARGIN, w: W - 2 * MARGIN, h: trayH, count: unscheduled.length, groups: trayGroups.blocks };
  placedFlows.set(TRAY_KEY, trayGroups);
  for (const g of trayGroups.blocks) groups.push({ ...g, node: '' });

  // Services as hubs in a band between the tray and the nodes (lines run down to their pods);
  // the workstation sits at the band's right end, where requests "from outside" start.
  const bandY = MARGIN + trayH + NODE_GAP;
  const hubCols = Math.max(1, Math.floor((W - 2 * MARGIN - OUTSIDE_W - HUB_GAP + HUB_GAP) / (HUB_W + HUB_GAP)));
  const services = svcs.map((s, i) => ({
    ...s, x: MARGIN + (i % hubCols) * (HUB_W + HUB_GAP), y: bandY + Math.floor(i / hubCols) * (HUB_H + HUB_GAP), w: HUB_W, h: HUB_H,
  }));
  const bandH = Math.max(1, Math.ceil(services.length / hubCols)) * (HUB_H + HUB_GAP) - HUB_GAP;
  const outside = { x: W - MARGIN - OUTSIDE_W, y: bandY, w: OUTSIDE_W, h: HUB_H, ip: '192.168.56.1' };

  // Config and storage chips in a band under the services (relations.js).
  yield;
  const relations = relationsOf(all);
  yield;
  const chipsY = bandY + bandH + (relations.chips.length ? NODE_GAP : 0);
  const chipsH = layoutChips(relations.chips, services, MARGIN, chipsY, W - 2 * MARGIN);

  // Rollouts: a card per Deployment with more than one ReplicaSet, in a band under the chips.
  const rollouts = rolloutsOf(others);
  const rolloutY = chipsY + chipsH + (rollouts.length ? NODE_GAP : 0);
  const rCols = Math.max(1, Math.floor((W - 2 * MARGIN + NODE_GAP) / (ROLLOUT_W + NODE_GAP)));
  rollouts.forEach((r, i) => {
    r.rect = { x: MARGIN + (i % rCols) * (ROLLOUT_W + NODE_GAP), y: rolloutY + Math.floor(i / rCols) * (ROLLOUT_H + NODE_GAP),
      w: ROLLOUT_W, h: ROLLOUT_H };
  });
  const rolloutH = rollouts.length ? Math.ceil(rollouts.length / rCols) * (ROLLOUT_H + NODE_GAP) - NODE_GAP : 0;

  // Nodes in a grid; every node in a row gets the row's height so the grid stays tidy.
  const cols = Math.max(1, Math.floor((W - 2 * MARGIN + NODE_GAP) / (NODE_MIN_W + NODE_GAP)));
  const nodeW = Math.min(NODE_MAX_W, (W - 2 * MARGIN - NODE_GAP * (cols - 1)) / cols);
  const nodes = [];
  const linkBand = { y: rolloutY + rolloutH + 4, h: LINK_BAND };
  let y = rolloutY + rolloutH + 4 + LINK_BAND;
  for (let i = 0; i < nodesObj.length; i += cols) {
    const row = nodesObj.slice(i, i + cols);
    const placed = row.map((node, j) => {
      const name = node.metadata.name;
      const x = MARGIN + j * (nodeW + NODE_GAP);
      const flow = nodeFlow(name, byNode.get(name), parents, x + NODE_PAD, y + nodeHead, nodeW - 2 * NODE_PAD);
      return { node, name, x, flow, explain: explains(node, cellsOf(node)) };
    });
    const rowH = Math.max(...placed.map((p) => nodeHead + Math.max(p.flow.height, CELL) + NODE_PAD
      + (p.explain ? EXPLAIN_H : 0)));
    for (const p of placed) {
      const cells = cellsOf(p.node);
      const status = cells ? cells.status : 'Unknown';
      const podCount = byNode.get(p.name).length;
      nodes.push({
        key: keyOf(p.node), name: p.name, x: p.x, y, w: nodeW, h: rowH,
        status, role: nodeRoles(p.node), halted: halted.has(p.name), podCount,
        groups: p.flow.blocks, ip: nodeIP(p.node), ports: nodePorts, head: nodeHead, object: p.node, cells,
        explain: p.explain ? { x: p.x + NODE_PAD, y: y + rowH - EXPLAIN_H - 4, w: nodeW - 2 * NODE_PAD, h: EXPLAIN_H } : null,
      });
      placedFlows.set(p.name, p.flow);
      for (const g of p.flow.blocks) groups.push({ ...g, node: p.name });
    }
    y += rowH + NODE_GAP;
    yield;
  }
  for (const name of [...flows.keys()]) if (!byNode.has(name)) flows.delete(name);
  // (in this last step: the layout before, which the page shows until this one is done, shares the map)
  const pods = indexPods(placedFlows);
  // A going pod's replacement knows whom it replaces (the arrow netfx.js draws, the mirror's words).
  for (const rec of replacedRecords) delete rec.replaces;
  replacedRecords = [];
  const replaced = [];
  for (const { from, to } of replacements(podsObj)) {
    const rec = pods.get(keyOf(to));
    const old = pods.get(keyOf(from));
    if (!rec || !old) continue;
    rec.replaces = { key: old.key, name: old.name, node: old.node };
    replacedRecords.push(rec);
    replaced.push({ from: old.key, to: rec.key });
  }
  return { width: W, height: y + MARGIN - NODE_GAP, tray, nodes, groups, pods, services, outside, linkBand, rollouts, deployments,
    relations, replaced };
}
