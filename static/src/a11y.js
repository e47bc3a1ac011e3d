/**
 * The accessible mirror of the canvas.
 *
 * Owns: real DOM elements laid over the canvas on the layout's rectangles — each node a
 * `role=group` named "node node1, Ready, 3 pods" holding a menu button and a `role=list` of pods,
 * each pod a `role=listitem` named "pod web-deploy-…-abcde Running" holding a details button;
 * the unscheduled tray is a group too. They are transparent, so a pointer click on a shape lands
 * on its element, the keyboard tabs through the same things in reading order (focus rings show
 * on the shapes), and screen readers and Playwright find everything by role and name.
 * Updates are keyed and incremental: only elements whose label or rectangle changed are touched;
 * a pod whose object, owner and place are what they were costs a few comparisons (10,000 pods are
 * 10,000 elements made once, not once per layout).
 * Roving focus (the WAI-ARIA grid pattern, within a node): each node's (and the tray's) pods are
 * one tab stop — the remembered pod's button (and its Inspect button) has tabindex 0, the others
 * -1 —, so Tab leaves a node of 1,000 pods in one step; ←/→ move to the previous/next pod in the
 * layout's order, ↑/↓ to the nearest pod in the row above/below as the layout drew them (`gridMove`,
 * pure), Home/End to the first/last. The pod last focused in a node is kept across re-layouts (by
 * key; if it is gone, the one now at its place); in a node never focused, the first pod.
 * Hands off: clicks go to the callbacks given by main.js (node menu, pod panel).
 * Inspect: each pod, node, service and workload group (a ReplicaSet's, StatefulSet's … pods) also
 * has an "Inspect <kind> <name>" button (a pod's in its list item after its details button, on the
 * same square; shown when focused; a double click on the object does the same; a workload group's
 * covers its label) that asks for the inspector (inspector.js) with a bubbling `kubeplay-inspect` event
 * `{kind, namespace, name, opener}`, or `onInspect` when given.
 * Status and owner: each pod item also carries `data-glyph` (its status style, podstyle.js) and
 * an accessible description saying what that status means, who owns the pod and READY; hovering
 * or focusing a pod shows its tooltip (tooltip.js), which then describes the focused button. The
 * legend (legend.js) is filled here too, once: the mirror is the canvas's accessible side.
 * Two parts of it are visible, not transparent: the rollout cards (rollout.js: a region "rollout of
 * deployment web" holding groups "replicaset <name>, revision N, <image>") and a node's
 * "what comes next" strip (nodefail.js: a role=status text "NotReady in 38 s" / "evicting in 4 m
 * 12 s (3 pods)" / "cordoned, no new pods" and the node's taints), kept moving with the page clock.
 */

import { serviceLabel, endpointLabel } from './services.js';
import { STYLES } from './podstyle.js';
import { PodTooltip, ownerText } from './tooltip.js';
import { renderLegend } from './legend.js';
import { RolloutView } from './rollout.js';
import { nodeExplain } from './nodefail.js';
import { capacityText } from './capacity.js';
import { RelationsView } from './relations.js';
import { t, tn } from './i18n.js';

/** The page's virtual now (epoch s): `#clock-time`'s datetime, as the tooltip reads it. */
function pageNow() {
  const el = document.getElementById('clock-time');
  const t = el && Date.parse(el.getAttribute('datetime') || '');
  return Number.isFinite(t) ? t / 1000 : null;
}

function place(el, r) {
  const s = `${Math.round(r.x)}px,${Math.round(r.y)}px,${Math.round(r.w)}px,${Math.round(r.h)}px`;
  if (el.dataset.rect === s) return;
  el.dataset.rect = s;
  el.style.left = `${Math.round(r.x)}px`;
  el.style.top = `${Math.round(r.y)}px`;
  el.style.width = `${Math.round(r.w)}px`;
  el.style.height = `${Math.round(r.h)}px`;
}

function setAttr(el, name, value) {
  if (el.getAttribute(name) !== value) el.setAttribute(name, value);
}

/** A pod entry in the tab order (its node's roving stop) or out of it (arrows reach it). */
function setStop(e, on) {
  if (e.stop === on) return;
  e.stop = on;
  const v = on ? 0 : -1;
  e.button.tabIndex = v;
  e.inspect.tabIndex = v;
}

export function podLabel(p) {
  return t('pod {name} {status}', { name: p.name, status: p.status });
}

const MOVES = new Set(['ArrowRight', 'ArrowLeft', 'ArrowDown', 'ArrowUp', 'Home', 'End']);

/**
 * Where a roving-focus key moves from pod `i` of `points` (a container's pods in layout order,
 * each {x, y} as the layout placed it): ←/→ the previous/next, Home/End the first/last, ↓/↑ the
 * pod of the nearest row below/above (rows by y) closest in x. Stays at `i` at an edge.
 */
export function gridMove(points, i, key) {
  const n = points.length;
  if (!n) return -1;
  if (key === 'Home') return 0;
  if (key === 'End') return n - 1;
  if (key === 'ArrowRight') return Math.min(n - 1, i + 1);
  if (key === 'ArrowLeft') return Math.max(0, i - 1);
  const down = key === 'ArrowDown';
  if (!down && key !== 'ArrowUp') return i;
  const at = points[i];
  let best = i;
  let bestY = Infinity;
  let bestX = Infinity;
  for (let j = 0; j < n; j++) {
    const p = points[j];
    const dy = down ? p.y - at.y : at.y - p.y;
    if (dy < 1) continue; // the same row (or the other way)
    const dx = Math.abs(p.x - at.x);
    if (dy < bestY - 0.5 || (Math.abs(dy - bestY) <= 0.5 && dx < bestX)) {
      best = j;
      bestY = dy;
      bestX = dx;
    }
  }
  return best;
}

/** The pod's accessible description: its status style's meaning, its owner, READY. */
export function podDescription(p) {
  const st = STYLES[p.category] || STYLES.unknown;
  const ready = p.cells ? t(', ready {ready}', { ready: p.cells.ready }) : '';
  const replaces = p.replaces ? t(', replaces {name} (going from {node})', { name: p.replaces.name, node: p.replaces.node || '<none>' }) : '';
  return t('{title}: {meaning}. Owner {owner}{ready}', { title: st.title, meaning: st.meaning, owner: ownerText(p.owner), ready })
    + replaces;
}

export function nodeLabel(n) {
  const status = n.halted ? t('{status}, halted', { status: n.status }) : n.status;
  return tn('node {name}, {status}, 1 pod', 'node {name}, {status}, {n} pods', n.podCount, { name: n.name, status });
}

export class A11yMirror {
  constructor(root, { onNode, onPod, onInspect }) {
    this.root = root;
    this.onNode = onNode;
    this.onPod = onPod;
    this.onInspect = onInspect || null;
    this.workloads = new Map(); // group key → inspect button
    this.nodes = new Map(); // name → {group, button, list}
    this.pods = new Map();  // key → {item, button}
    this.services = new Map(); // key → {group, list}
    this.records = new Map(); // key → the layout's pod record (for the tooltip)
    let tip = document.getElementById('pod-tooltip');
    if (!tip) {
      tip = document.createElement('div');
      tip.id = 'pod-tooltip';
      tip.className = 'pod-tooltip';
      document.body.append(tip);
    }
    this.tooltip = new PodTooltip(tip);
    renderLegend(document.getElementById('pod-legend'), document.getElementById('owner-legend'));
    this.gen = 0; // layout generation: the one a pod entry was last placed by (`seen`)
    this.leaving = new Set(); // entries that left their container in this update (gone, or elsewhere)
    this.tray = this.makeContainer('unscheduled');
    this.tray.group.classList.add('a11y-tray');
    this.tray.button.remove();
    root.appendChild(this.tray.group);
    this.rollouts = new RolloutView(root);
    this.relations = new RelationsView(root); // the config and storage chips (relations.js)
    this.explained = new Map(); // node name → {box, status, taints, record}
    this.explainTimer = 0;
  }

  /** A failed, tainted or cordoned node's "what comes next" strip, visible text on the node; the
   * countdowns move with the page clock (a timer while any node has one). */
  syncExplains(layout) {
    const seen = new Set();
    for (const n of layout.nodes) {
      const c = this.nodes.get(n.name);
      if (!n.explain || !c) continue;
      seen.add(n.name);
      let e = this.explained.get(n.name);
      if (!e) {
        const box = document.createElement('div');
        box.className = 'node-explain';
        const status = document.createElement('p');
        status.className = 'node-explain-status';
        status.setAttribute('role', 'status');
        status.setAttribute('aria-live', 'off'); // a countdown ticking every second is not news
        const taints = document.createElement('p');
        taints.className = 'node-explain-taints';
        box.append(status, taints);
        e = { box, status, taints, record: n };
        this.explained.set(n.name, e);
      }
      if (e.box.parentNode !== c.group) c.group.appendChild(e.box);
      e.record = n;
      place(e.box, { x: n.explain.x - n.x, y: n.explain.y - n.y, w: n.explain.w, h: n.explain.h });
    }
    for (const [name, e] of this.explained) {
      if (!seen.has(name)) {
        e.box.remove();
        this.explained.delete(name);
      }
    }
    this.renderExplains();
    if (this.explained.size && !this.explainTimer) this.explainTimer = setInterval(() => this.renderExplains(), 250);
    if (!this.explained.size && this.explainTimer) {
      clearInterval(this.explainTimer);
      this.explainTimer = 0;
    }
  }

  renderExplains() {
    const now = pageNow();
    for (const e of this.explained.values()) {
      const n = e.record;
      const pods = [];
      for (const g of n.groups) for (const p of g.pods) pods.push(p.pod);
      const x = nodeExplain(n.object, n.cells, pods, now);
      const status = x.status || n.status;
      if (e.status.textContent !== status) e.status.textContent = status;
      const taints = x.taints.length ? `taints: ${x.taints.join(', ')}` : 'no taints';
      if (e.taints.textContent !== taints) {
        e.taints.textContent = taints;
        e.box.title = taints; // the strip truncates a long list; hovering shows it whole
      }
    }
  }

  makeContainer(name) {
    const group = document.createElement('div');
    group.className = 'a11y-node';
    group.setAttribute('role', 'group');
    // (app.css: a node out of sight is neither laid out nor painted, content-visibility: auto)
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'a11y-node-button';
    button.setAttribute('aria-haspopup', 'menu');
    button.setAttribute('aria-label', t('Actions for node {name}', { name }));
    button.addEventListener('click', () => this.onNode(name, button));
    const list = document.createElement('div');
    list.setAttribute('role', 'list');
    list.className = 'a11y-pods';
    group.addEventListener('click', (e) => { if (e.target === group) this.onNode(name, button); });
    group.append(button, list);
    // roving focus: `order` the pods' keys in layout order, `current` the one holding the tab stop
    // (`chosen` once the user focused one: until then the first pod holds the stop)
    const c = { group, button, list, order: [], current: null, index: 0, chosen: false };
    list.addEventListener('focusin', (e) => {
      const item = e.target.closest('.a11y-pod');
      if (!item) return;
      c.chosen = true;
      this.setCurrent(c, item.dataset.key);
    });
    list.addEventListener('keydown', (e) => this.podKey(c, e));
    return c;
  }

  /** Gives the tab stop of container `c` to the pod `key` (its button and its Inspect button). */
  setCurrent(c, key) {
    if (c.current === key) return;
    const old = c.current && this.pods.get(c.current);
    if (old) setStop(old, false);
    const now = this.pods.get(key);
    if (!now) return;
    setStop(now, true);
    c.current = key;
    const i = c.order.indexOf(key);
    if (i >= 0) c.index = i;
  }

  /** Arrows, Home and End on a pod of `c` move the focus to another of its pods (`gridMove`). */
  podKey(c, e) {
    if (!MOVES.has(e.key) || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
    const item = e.target.closest('.a11y-pod');
    if (!item || e.target !== this.pods.get(item.dataset.key)?.button) return;
    e.preventDefault(); // the stage would scroll
    const i = c.order.indexOf(item.dataset.key);
    const points = c.order.map((k) => this.records.get(k) || { x: 0, y: 0 });
    const j = gridMove(points, i, e.key);
    if (j < 0 || j === i) return;
    const next = this.pods.get(c.order[j]);
    if (!next) return;
    this.setCurrent(c, c.order[j]);
    next.button.focus();
  }

  /** After a layout: the remembered pod keeps the tab stop; if it is gone, the pod now at its place. */
  syncRoving(c, entries) {
    c.order = entries.map((e) => e.key);
    let i = c.current === null || !c.chosen ? -1 : c.order.indexOf(c.current);
    if (i < 0) i = Math.min(c.chosen ? c.index : 0, entries.length - 1);
    c.current = i >= 0 ? c.order[i] : null;
    c.index = Math.max(0, i);
    entries.forEach((e, j) => setStop(e, j === i));
  }

  makePod(key) {
    const item = document.createElement('div');
    item.setAttribute('role', 'listitem');
    item.className = 'a11y-pod';
    item.dataset.key = key;
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'a11y-pod-button';
    button.tabIndex = -1; // out of the tab order until it is its node's roving stop
    button.addEventListener('click', () => this.onPod(key, button));
    const show = () => {
      const p = this.records.get(key);
      if (!p) return;
      this.tooltip.show(p, item);
      button.setAttribute('aria-describedby', this.tooltip.id);
    };
    const hide = () => {
      if (this.tooltip.showing(key)) this.tooltip.hide();
      button.removeAttribute('aria-describedby');
    };
    const leave = () => { if (document.activeElement !== button) hide(); };
    button.addEventListener('focus', show);
    button.addEventListener('blur', hide);
    // The Inspect button lies on the same square, in the item: the item is the one positioned box a
    // pod has (app.css stacks the two buttons in its grid cell), so placing a pod is one style write
    // and the browser's style, layout, paint and layerizing see one box, not three (a pod of its
    // own beside the list took 18 ms of the browser's work a frame for 100 pods moved, 10 ms so:
    // while 10,000 pods are made, that is frames).
    const inspect = this.addInspect(null, key, button);
    item.append(button, inspect);
    item.addEventListener('mouseenter', show);
    item.addEventListener('mouseleave', leave);
    // `seen` the layout generation, `obj`/`owner…`/`x`,`y`,`size` what its attributes were made from,
    // `stop` whether it holds its node's tab stop
    inspect.tabIndex = -1;
    return { key, item, button, inspect, seen: 0, obj: null, ownerKind: '', ownerName: '', replaces: '',
      x: NaN, y: NaN, size: NaN, stop: false };
  }

  /** Makes the mirror show `layout` (`updateSteps` run to its end). */
  update(layout) {
    const steps = this.updateSteps(layout);
    while (!steps.next().done);
  }

  /**
   * The same update in steps: a generator that yields after each node whose pods it had to look
   * at (a node the layout kept costs nothing), so the page (main.js) can spread a big update over
   * frames. Until it ends, the nodes not reached yet show the layout before; focus, roving stops
   * and the tooltip work throughout.
   */
  * updateSteps(layout) {
    this.gen += 1;
    // a replacement arrow changes a record's words without changing its node's blocks
    const replaced = (layout.replaced || []).map((r) => `${r.from}>${r.to}`).join('\n');
    this.force = replaced !== this.replacedSig;
    this.replacedSig = replaced;
    this.root.style.width = `${layout.width}px`;
    this.root.style.height = `${layout.height}px`;

    // The tray.
    const tray = layout.tray;
    place(this.tray.group, tray);
    setAttr(this.tray.group, 'aria-label', tn('unscheduled pods, 1 pod', 'unscheduled pods, {n} pods', tray.count));
    if (this.syncPods(this.tray, tray.groups, tray)) yield;

    // Services (hubs), in layout order, after the tray.
    let prev = this.tray.group;
    const seenSvc = new Set();
    for (const h of layout.services || []) {
      seenSvc.add(h.key);
      let c = this.services.get(h.key);
      if (!c) {
        const group = document.createElement('div');
        group.className = 'a11y-service';
        group.setAttribute('role', 'group');
        const list = document.createElement('div');
        list.setAttribute('role', 'list');
        list.className = 'sr-only';
        group.append(list);
        this.addInspect(group, h.key, group);
        c = { group, list };
        this.services.set(h.key, c);
      }
      if (prev.nextSibling !== c.group) prev.after(c.group);
      prev = c.group;
      place(c.group, h);
      setAttr(c.group, 'aria-label', serviceLabel(h));
      setAttr(c.list, 'aria-label', t('endpoints of {name}', { name: h.ref }));
      const labels = h.endpoints.map(endpointLabel);
      if (c.list.dataset.labels !== labels.join('\n')) {
        c.list.dataset.labels = labels.join('\n');
        c.list.replaceChildren(...labels.map((label) => {
          const item = document.createElement('div');
          item.setAttribute('role', 'listitem');
          item.setAttribute('aria-label', label);
          item.textContent = label;
          return item;
        }));
      }
    }
    for (const [key, c] of this.services) {
      if (!seenSvc.has(key)) {
        c.group.remove();
        this.services.delete(key);
      }
    }

    // Nodes, in layout order.
    const seen = new Set();
    for (const n of layout.nodes) {
      seen.add(n.name);
      let c = this.nodes.get(n.name);
      if (!c) {
        c = this.makeContainer(n.name);
        this.nodes.set(n.name, c);
        this.addInspect(c.group, n.key || `Node//${n.name}`, c.button);
      }
      if (prev.nextSibling !== c.group) prev.after(c.group);
      prev = c.group;
      place(c.group, n);
      setAttr(c.group, 'aria-label', nodeLabel(n));
      setAttr(c.group, 'aria-description', capacityText(n.cells));
      c.group.classList.toggle('halted', n.halted);
      if (this.syncPods(c, n.groups, n)) yield;
    }
    for (const [name, c] of this.nodes) {
      if (!seen.has(name)) {
        c.group.remove();
        this.nodes.delete(name);
        for (const e of c.entries || []) this.leaving.add(e);
      }
    }
    this.syncWorkloads(layout);
    this.syncExplains(layout);
    this.rollouts.record(layout.deployments || [], pageNow());
    this.rollouts.update(layout.rollouts || []);
    this.relations.update(layout);
    // Pods no longer in the layout: of those that left a container (the others are where they were).
    for (const p of this.leaving) {
      if (!layout.pods.has(p.key) && this.pods.get(p.key) === p) {
        p.item.remove();
        this.pods.delete(p.key);
      }
    }
    this.leaving.clear();
    this.records = layout.pods;
    if (this.tooltip.record) this.tooltip.refresh(layout.pods.get(this.tooltip.record.key));
  }

  /** Makes container `c`'s list hold exactly the pods of `groups`, in order, positioned relative to
   * `box` (each item holds its pod's details and Inspect buttons). False when there was nothing to do. */
  syncPods(c, groups, box) {
    const { list } = c;
    // a node whose blocks the layout kept (layout.js nodeFlow: same pods, same place) is as it was
    if (!this.force && c.blocks === groups && c.bx === box.x && c.by === box.y) return false;
    c.blocks = groups;
    c.bx = box.x;
    c.by = box.y;
    // `c.entries` the entries in the list's order as the last sync left them: while this sync finds
    // them in that order (`inPlace`), their items and Inspect buttons are where they belong and the
    // DOM is not read; a record the layout kept (layout.js flowGroups lends unchanged pods' records)
    // at the same place in its container is as it was (at 10,000 pods a batch changes a few records
    // of each node, not its hundred pods).
    const was = c.entries || [];
    const sameBox = !this.force && c.ex === box.x && c.ey === box.y;
    c.ex = box.x;
    c.ey = box.y;
    const entries = [];
    let inPlace = true;
    let prev = null;
    for (const g of groups) {
      for (const p of g.pods) {
        let e = this.pods.get(p.key);
        if (!e) {
          e = this.makePod(p.key);
          this.pods.set(p.key, e);
        }
        e.seen = this.gen;
        const j = entries.length;
        entries.push(e);
        if (inPlace && was[j] !== e) inPlace = false;
        if (inPlace && sameBox && e.rec === p) {
          prev = e.item;
          continue;
        }
        e.rec = p;
        if (!inPlace) {
          const first = prev === null ? list.firstChild : prev.nextSibling;
          if (e.item.parentNode !== list || first !== e.item) {
            if (prev === null) list.prepend(e.item);
            else prev.after(e.item);
          }
        }
        prev = e.item;
        const x = Math.round(p.x - box.x);
        const y = Math.round(p.y - box.y);
        if (e.x !== x || e.y !== y || e.size !== p.size) {
          // one style write (a pod's square is all its inline style)
          e.x = x;
          e.y = y;
          e.size = p.size;
          const css = `left: ${x}px; top: ${y}px; width: ${Math.round(p.size)}px; height: ${Math.round(p.size)}px;`;
          e.item.style.cssText = css;
        }
        // the object is replaced when it (or its cells) change: the same object, the same words
        // (compared field by field: no strings made for the 10,000 pods a layout at 10,000 pods looks at)
        const o = p.owner;
        const replaces = p.replaces ? p.replaces.key : '';
        if (e.obj === p.pod && e.ownerKind === (o ? o.kind : '') && e.ownerName === (o ? o.name : '')
          && e.replaces === replaces) continue;
        e.obj = p.pod;
        e.ownerKind = o ? o.kind : '';
        e.ownerName = o ? o.name : '';
        e.replaces = replaces;
        const label = podLabel(p);
        setAttr(e.item, 'aria-label', label);
        setAttr(e.item, 'data-status', p.status);
        setAttr(e.item, 'data-glyph', p.category);
        setAttr(e.item, 'aria-description', podDescription(p));
        setAttr(e.button, 'aria-label', t('Details of {label}', { label }));
      }
    }
    // Anything after the last expected item belongs elsewhere now.
    if (!inPlace || was.length !== entries.length) {
      let extra = prev === null ? list.firstChild : prev.nextSibling;
      while (extra) {
        const next = extra.nextSibling;
        extra.remove();
        extra = next;
      }
    }
    for (const e of was) if (e.seen !== this.gen) this.leaving.add(e);
    c.entries = entries;
    this.syncRoving(c, entries);
    return true;
  }

  // -- Inspect ----------------------------------------------------------------------------------
  /** Asks for the inspector of the object `key` (`Kind/namespace/name`, store.js's keyOf). */
  inspect(key, opener) {
    const [kind, namespace, ...rest] = key.split('/');
    const ref = { kind: kind.toLowerCase(), namespace, name: rest.join('/'), opener };
    if (this.onInspect) this.onInspect(ref);
    else opener.dispatchEvent(new CustomEvent('kubeplay-inspect', { bubbles: true, detail: ref }));
  }

  /** An "Inspect <kind> <name>" button in `container`, and a double click on `target` doing the same. */
  addInspect(container, key, target) {
    const [kind, , ...rest] = key.split('/');
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'a11y-inspect';
    button.textContent = 'Inspect';
    button.setAttribute('aria-label', t('Inspect {kind} {name}', { kind: kind.toLowerCase(), name: rest.join('/') }));
    // focus comes back to the object when the inspector closes, else (a service, a workload) to this button
    // (a pod's button may be out of the tab order — roving focus — and still takes the focus back)
    const opener = () => (target.isConnected && target.localName === 'button' ? target : button);
    button.addEventListener('click', (e) => { e.stopPropagation(); this.inspect(key, opener()); });
    target.addEventListener('dblclick', (e) => { e.stopPropagation(); this.inspect(key, opener()); });
    if (container) container.appendChild(button);
    return button;
  }

  /** One Inspect button per workload group (its first block), over the group's label. */
  syncWorkloads(layout) {
    const seen = new Set();
    const nodes = new Map(layout.nodes.map((n) => [n.name, n]));
    for (const g of layout.groups || []) {
      const parts = g.key.split('/'); // ns/Kind/name, or ns/bare
      if (parts.length < 3 || seen.has(g.key)) continue;
      seen.add(g.key);
      const key = `${parts[1]}/${parts[0]}/${parts.slice(2).join('/')}`;
      let button = this.workloads.get(g.key);
      if (!button) {
        button = this.addInspect(this.root, key, document.createElement('span'));
        button.classList.add('a11y-workload');
        this.workloads.set(g.key, button);
      }
      const box = g.node ? this.nodes.get(g.node) : this.tray;
      const at = g.node ? nodes.get(g.node) : layout.tray;
      if (!box || !at) continue;
      if (button.parentNode !== box.group) box.group.appendChild(button);
      place(button, { x: g.x - at.x, y: g.y - at.y, w: g.w, h: 14 });
    }
    for (const [k, button] of this.workloads) {
      if (!seen.has(k)) {
        button.remove();
        this.workloads.delete(k);
      }
    }
  }

  buttonFor(key) {
    const e = this.pods.get(key);
    return e ? e.button : null;
  }

  nodeButton(name) {
    const c = this.nodes.get(name);
    return c ? c.button : null;
  }
}
