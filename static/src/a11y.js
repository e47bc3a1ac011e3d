/**
 * The accessible mirror of the canvas.
 *
 * Owns: real DOM elements laid over the canvas on the layout's rectangles — each node a
 * `role=group` named "node node1, Ready, 3 pods" holding a menu button and a `role=list` of pods,
 * each pod a `role=listitem` named "pod web-deploy-…-abcde Running" holding a details button;
 * the unscheduled tray is a group too. They are transparent, so a pointer click on a shape lands
 * on its element, the keyboard tabs through the same things in reading order (focus rings show
 * on the shapes), and screen readers and Playwright find everything by role and name.
 * Updates are keyed and incremental: only elements whose label or rectangle changed are touched.
 * Hands off: clicks go to the callbacks given by main.js (node menu, pod panel).
 * Inspect: each pod, node, service and workload group (a ReplicaSet's, StatefulSet's … pods) also
 * has an "Inspect <kind> <name>" button (a pod's beside its node's pod list, not in its list item;
 * shown when focused; a double click on the object does the same; a workload group's covers its
 * label) that asks for the inspector (inspector.js) with a bubbling `kubeplay-inspect` event
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
import { RelationsView } from './relations.js';

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

export function podLabel(p) {
  return `pod ${p.name} ${p.status}`;
}

/** The pod's accessible description: its status style's meaning, its owner, READY. */
export function podDescription(p) {
  const st = STYLES[p.category] || STYLES.unknown;
  const ready = p.cells ? `, ready ${p.cells.ready}` : '';
  return `${st.title}: ${st.meaning}. Owner ${ownerText(p.owner)}${ready}`;
}

export function nodeLabel(n) {
  const status = n.halted ? `${n.status}, halted` : n.status;
  return `node ${n.name}, ${status}, ${n.podCount} pod${n.podCount === 1 ? '' : 's'}`;
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
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'a11y-node-button';
    button.setAttribute('aria-haspopup', 'menu');
    button.setAttribute('aria-label', `Actions for node ${name}`);
    button.addEventListener('click', () => this.onNode(name, button));
    const list = document.createElement('div');
    list.setAttribute('role', 'list');
    list.className = 'a11y-pods';
    group.addEventListener('click', (e) => { if (e.target === group) this.onNode(name, button); });
    group.append(button, list);
    return { group, button, list };
  }

  makePod(key) {
    const item = document.createElement('div');
    item.setAttribute('role', 'listitem');
    item.className = 'a11y-pod';
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'a11y-pod-button';
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
    item.appendChild(button);
    const inspect = this.addInspect(null, key, button);
    // the pod's Inspect button lies on the same square: hovering either is hovering the pod
    for (const el of [item, inspect]) {
      el.addEventListener('mouseenter', show);
      el.addEventListener('mouseleave', leave);
    }
    return { item, button, inspect };
  }

  update(layout) {
    this.root.style.width = `${layout.width}px`;
    this.root.style.height = `${layout.height}px`;

    // The tray.
    const t = layout.tray;
    place(this.tray.group, t);
    setAttr(this.tray.group, 'aria-label', `unscheduled pods, ${t.count} pod${t.count === 1 ? '' : 's'}`);
    this.syncPods(this.tray.list, t.groups, t);

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
      setAttr(c.list, 'aria-label', `endpoints of ${h.ref}`);
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
      c.group.classList.toggle('halted', n.halted);
      this.syncPods(c.list, n.groups, n);
    }
    for (const [name, c] of this.nodes) {
      if (!seen.has(name)) {
        c.group.remove();
        this.nodes.delete(name);
      }
    }
    this.syncWorkloads(layout);
    this.syncPodInspects();
    this.syncExplains(layout);
    this.rollouts.record(layout.deployments || [], pageNow());
    this.rollouts.update(layout.rollouts || []);
    this.relations.update(layout);
    // Pods no longer in the layout.
    const live = new Set(layout.pods.keys());
    for (const [key, p] of this.pods) {
      if (!live.has(key)) {
        p.item.remove();
        p.inspect.remove();
        this.pods.delete(key);
      }
    }
    this.records = layout.pods;
    if (this.tooltip.record) this.tooltip.refresh(layout.pods.get(this.tooltip.record.key));
  }

  /** Makes `list` hold exactly the pods of `groups`, in order, positioned relative to `box`. */
  syncPods(list, groups, box) {
    let prev = null;
    for (const g of groups) {
      for (const p of g.pods) {
        let e = this.pods.get(p.key);
        if (!e) {
          e = this.makePod(p.key);
          this.pods.set(p.key, e);
        }
        const first = prev === null ? list.firstChild : prev.nextSibling;
        if (e.item.parentNode !== list || first !== e.item) {
          if (prev === null) list.prepend(e.item);
          else prev.after(e.item);
        }
        prev = e.item;
        place(e.item, { x: p.x - box.x, y: p.y - box.y, w: p.size, h: p.size });
        const label = podLabel(p);
        setAttr(e.item, 'aria-label', label);
        setAttr(e.item, 'data-status', p.status);
        setAttr(e.item, 'data-glyph', p.category);
        setAttr(e.item, 'aria-description', podDescription(p));
        setAttr(e.button, 'aria-label', `Details of ${label}`);
      }
    }
    // Anything after the last expected item belongs elsewhere now.
    let extra = prev === null ? list.firstChild : prev.nextSibling;
    while (extra) {
      const next = extra.nextSibling;
      extra.remove();
      extra = next;
    }
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
    button.setAttribute('aria-label', `Inspect ${kind.toLowerCase()} ${rest.join('/')}`);
    // focus comes back to the object when the inspector closes, else (a service, a workload) to this button
    const opener = () => (target.isConnected && target.tabIndex >= 0 ? target : button);
    button.addEventListener('click', (e) => { e.stopPropagation(); this.inspect(key, opener()); });
    target.addEventListener('dblclick', (e) => { e.stopPropagation(); this.inspect(key, opener()); });
    if (container) container.appendChild(button);
    return button;
  }

  /** Each pod's Inspect button sits in its node's group beside the pod list (a list holds only its
   * items), on the pod's own square. */
  syncPodInspects() {
    for (const e of this.pods.values()) {
      const group = e.item.parentNode && e.item.parentNode.parentNode;
      if (!group) continue;
      if (e.inspect.parentNode !== group) group.appendChild(e.inspect);
      if (e.inspect.dataset.rect !== e.item.dataset.rect) {
        e.inspect.dataset.rect = e.item.dataset.rect;
        e.inspect.style.cssText = e.item.style.cssText;
      }
    }
  }

  /** One Inspect button per workload group (its first block), over the group's label. */
  syncWorkloads(layout) {
    const seen = new Set();
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
      const at = g.node ? layout.nodes.find((n) => n.name === g.node) : layout.tray;
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
