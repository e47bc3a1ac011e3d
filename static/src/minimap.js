/**
 * The overview (issue 10): a minimap of the whole cluster that stays legible at 10,000 pods, over
 * the top-right corner of the cluster pane.
 *
 * Owns: the "Overview" toggle button (beside the zoom controls) and the region "Overview": a text
 * line "1,028 pods on 11 nodes", the cluster's status histogram as text ("Running 9,812 · Pending
 * 188 · …", the STATUS words of the server's cells, as `kubectl get pods -A` prints them), a small
 * <canvas> with every node as a cell — filled from the bottom as far as its pods fill its
 * allocatable `pods`, in stripes of its pods' status colours (podstyle.js) —, the view's place on it
 * (the cells in sight lit, outlined), and a list of buttons, one per node in the layout's order
 * ("node17: 120 pods, 3 Pending"), plus the unscheduled tray when it has pods. A button, or a click
 * on a cell, drills down: the main view zooms to that node (zoom.js `focusRect`); dragging over
 * the cells pans the view without zooming (`centreOn`). The list is one tab stop (↑/↓, Home/End
 * move inside it). The region shows itself while the cluster does not fit the pane at 100 %;
 * the toggle overrides that, and the choice is kept (localStorage `kubeplay.overview`).
 * Cost: the counts are kept per pod from the mirror's change sets (`PodCounts`, a pod costs only
 * when its node or STATUS changes), never recounted per frame; the canvas and the texts of the
 * nodes that changed are redrawn at most once per animation frame.
 * Hands off: the node order and rectangles are the layout's (layout.js, given by `setLayout`); the
 * STATUS words are the server's (store.js `cellsOf`); zooming and panning are zoom.js's.
 * `histogramText`, `nodeSummary`, `gridFor` and `PodCounts` are pure of the DOM (node tests).
 */
import { cellsOf } from './store.js';
import { STYLES, styleOf } from './podstyle.js';
import { t } from './i18n.js';
import { surfaceOf } from './overlay.js';

const CANVAS_W = 232;          // css px of the minimap's drawing
const CANVAS_MAX_H = 180;
const TRAY = '';               // the bucket of pods bound to no (known) node
const STORE_KEY = 'kubeplay.overview';
const DEFAULT_PODS = 110;      // the kubelet's default maxPods, when a node says nothing
const CATEGORIES = Object.keys(STYLES);
const DRAG_SLOP = 3;

// one formatter for every count (toLocaleString makes one per call: 1.4 s of a 10,000-pod scale)
const NUMBERS = new Intl.NumberFormat('en-US');
const fmt = (n) => NUMBERS.format(n);

/** The histogram line: every STATUS with its count, most first ("Running 9,812 · Pending 188"). */
export function histogramText(counts) {
  const rows = [...counts].filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return rows.length ? rows.map(([s, n]) => `${s} ${fmt(n)}`).join(' · ') : t('no pods');
}

/** A node's summary: its pods, then every STATUS but Running and Completed ("node17: 120 pods, 3 Pending"). */
export function nodeSummary(name, count, statuses) {
  const head = count === 1 ? t('{node}: 1 pod', { node: name }) : t('{node}: {n} pods', { node: name, n: fmt(count) });
  const rest = [...statuses].filter(([s, n]) => n > 0 && s !== 'Running' && s !== 'Completed')
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([s, n]) => `${fmt(n)} ${s}`);
  return rest.length ? `${head}, ${rest.join(', ')}` : head;
}

/** Columns and cell pitch that fit `n` square cells into `w`×`maxH` px, cells as large as they can be. */
export function gridFor(n, w, maxH) {
  if (n <= 0) return { cols: 1, rows: 0, pitch: 0 };
  let best = { cols: 1, rows: n, pitch: 0 };
  for (let cols = 1; cols <= n; cols++) {
    const rows = Math.ceil(n / cols);
    const pitch = Math.min(w / cols, maxH / rows, 56);
    if (pitch > best.pitch) best = { cols, rows, pitch };
    if (w / cols < best.pitch) break; // more columns only make cells smaller
  }
  best.pitch = Math.floor(best.pitch * 10) / 10;
  return best;
}

function bump(map, k, d) {
  const v = (map.get(k) || 0) + d;
  if (v) map.set(k, v);
  else map.delete(k);
}

/** Pods counted per node and per STATUS, kept up to date from change sets (keys `Pod/ns/name`). */
export class PodCounts {
  constructor() {
    this.pods = new Map();   // pod key → {node, status, category}
    this.nodes = new Map();  // node name ('' the tray) → {count, statuses: Map, categories: Map}
    this.total = new Map();  // STATUS → pods
    this.size = 0;
  }

  bucket(name) {
    let b = this.nodes.get(name);
    if (!b) {
      b = { count: 0, statuses: new Map(), categories: new Map() };
      this.nodes.set(name, b);
    }
    return b;
  }

  /** Takes the keys that changed (`objects` the mirror's map); returns the nodes whose counts moved. */
  apply(objects, changed) {
    const dirty = new Set();
    for (const k of changed) {
      if (!k.startsWith('Pod/')) continue;
      const old = this.pods.get(k);
      const obj = objects.get(k);
      let now = null;
      if (obj) {
        const cells = cellsOf(obj);
        const status = cells ? cells.status : 'Pending';
        now = { node: (obj.spec && obj.spec.nodeName) || TRAY, status, category: styleOf(status, cells ? cells.ready : '') };
      }
      if (old && now && old.node === now.node && old.status === now.status && old.category === now.category) continue;
      if (old) this.count(old, -1, dirty);
      if (now) {
        this.count(now, 1, dirty);
        this.pods.set(k, now);
      } else {
        this.pods.delete(k);
      }
    }
    return dirty;
  }

  count(p, d, dirty) {
    const b = this.bucket(p.node);
    b.count += d;
    bump(b.statuses, p.status, d);
    bump(b.categories, p.category, d);
    bump(this.total, p.status, d);
    this.size += d;
    dirty.add(p.node);
  }
}

function intersects(a, r) {
  return a.x < r.x + r.w && a.x + a.w > r.x && a.y < r.y + r.h && a.y + a.h > r.y;
}

export class Overview {
  /**
   * @param {{pane: HTMLElement, stage: HTMLElement, zoom: object|null, mirror: object,
   *          controls?: HTMLElement|null}} opts  `controls` the zoom group the toggle follows
   */
  constructor({ pane, stage, zoom, mirror, controls = null }) {
    this.pane = pane;
    this.stage = stage;
    this.zoom = zoom;
    this.mirror = mirror;
    this.counts = new PodCounts();
    this.layout = null;
    this.cells = [];          // [{name, rect (world), label, x, y, s (minimap)}], layout order
    this.view = null;
    this.pending = false;
    this.dirtyNodes = new Set();
    this.orderKey = null;
    this.buttons = new Map(); // node name → button
    this.choice = null;
    try { this.choice = localStorage.getItem(STORE_KEY); } catch { /* storage may be refused */ }

    this.toggle = document.createElement('button');
    this.toggle.type = 'button';
    this.toggle.id = 'overview-toggle';
    this.toggle.className = 'btn btn-small';
    this.toggle.textContent = t('Overview');
    this.toggle.title = t('A minimap of the whole cluster: pods per node and their statuses');
    this.toggle.setAttribute('aria-controls', 'overview');
    this.toggle.setAttribute('aria-expanded', 'false');
    this.toggle.addEventListener('click', () => {
      this.choice = this.region.hidden ? 'open' : 'closed';
      try { localStorage.setItem(STORE_KEY, this.choice); } catch { /* storage may be refused */ }
      this.showHide();
    });
    if (controls) controls.after(this.toggle);
    else pane.querySelector('.pane-head')?.append(this.toggle);

    const r = document.createElement('section');
    r.id = 'overview';
    r.className = 'overview';
    r.setAttribute('role', 'region');
    r.setAttribute('aria-label', t('Overview'));
    r.hidden = true;
    this.total = document.createElement('p');
    this.total.className = 'overview-total';
    this.histogram = document.createElement('p');
    this.histogram.className = 'overview-histogram';
    this.histogram.setAttribute('aria-label', t('Pod statuses'));
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'overview-map';
    this.canvas.setAttribute('aria-hidden', 'true');
    this.canvas.title = t('Click a node to zoom to it; drag to move the view');
    this.surface = surfaceOf(this.canvas); // (overlay.js: its bitmap goes to the compositor when drawn on)
    this.ctx = this.surface.getContext('2d');
    this.list = document.createElement('ul');
    this.list.className = 'overview-nodes';
    this.list.setAttribute('aria-label', t('Nodes'));
    r.append(this.total, this.histogram, this.canvas, this.list);
    stage.after(r);
    this.region = r;
    this.wireList();
    this.wireCanvas();

    mirror.subscribe(({ changed }) => {
      for (const n of this.counts.apply(mirror.objects, changed)) this.dirtyNodes.add(n);
      if (this.dirtyNodes.size) this.schedule();
    });
    if (zoom) zoom.onView((v) => { this.view = v; this.schedule(); });
    // the stage's size and place, read when they change (a read per frame after the mirror's writes
    // would force a layout of the whole page every frame)
    this.measure();
    if (typeof ResizeObserver === 'function') {
      new ResizeObserver(() => { this.measure(); this.schedule(); }).observe(stage);
    }
  }

  measure() {
    this.stageBox = { w: this.stage.clientWidth, h: this.stage.clientHeight, top: this.stage.offsetTop };
  }

  /** The layout's nodes (order and rectangles) and the tray. */
  setLayout(layout) {
    this.layout = layout;
    this.schedule();
  }

  schedule() {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.render();
    });
  }

  /** Shown while the cluster does not fit the pane at 100 %, unless the user chose. */
  showHide() {
    const l = this.layout;
    const box = this.stageBox;
    const fits = !l || (l.width <= box.w + 1 && l.height <= box.h + 1);
    const open = this.choice === 'open' || (this.choice !== 'closed' && !fits);
    if (this.region.hidden === open) this.region.hidden = !open;
    this.toggle.setAttribute('aria-expanded', String(open));
    // over the stage's top-right corner, clear of its scroll bar
    const top = `${box.top + 8}px`;
    if (this.region.style.top !== top) this.region.style.top = top;
    return open;
  }

  render() {
    const open = this.showHide();
    if (!this.layout) return;
    this.syncCells();
    const c = this.counts;
    const nodes = this.layout.nodes.length;
    const total = nodes === 1 ? t('{pods} pods on 1 node', { pods: fmt(c.size) })
      : t('{pods} pods on {nodes} nodes', { pods: fmt(c.size), nodes: fmt(nodes) });
    if (this.total.textContent !== total) this.total.textContent = total;
    const hist = histogramText(c.total);
    if (this.histogram.textContent !== hist) this.histogram.textContent = hist;
    for (const name of this.dirtyNodes) this.label(name);
    this.dirtyNodes.clear();
    if (open) this.draw();
  }

  /** The cells in the layout's order; the buttons follow when the order changes. */
  syncCells() {
    const l = this.layout;
    const items = l.nodes.map((n) => ({ name: n.name, rect: n, node: n }));
    if (l.tray.count) items.unshift({ name: TRAY, rect: l.tray, node: null });
    const key = items.map((i) => i.name).join('\n');
    const g = gridFor(l.nodes.length, CANVAS_W, CANVAS_MAX_H);
    const band = l.tray.count ? Math.max(6, Math.min(14, g.pitch / 2)) : 0;
    l.nodes.forEach((n, i) => {
      const it = items[i + (band ? 1 : 0)];
      it.x = (i % g.cols) * g.pitch;
      it.y = band + (band ? 2 : 0) + Math.floor(i / g.cols) * g.pitch;
      it.w = g.pitch;
      it.h = g.pitch;
    });
    if (band) Object.assign(items[0], { x: 0, y: 0, w: g.cols * g.pitch, h: band });
    this.cells = items;
    this.mapH = Math.ceil(band + (band ? 2 : 0) + g.rows * g.pitch);
    this.mapW = Math.ceil(g.cols * g.pitch);
    if (key === this.orderKey) return;
    this.orderKey = key;
    const seen = new Set();
    let current = this.list.querySelector('button[tabindex="0"]');
    const rows = items.map((it) => {
      seen.add(it.name);
      let b = this.buttons.get(it.name);
      if (!b) {
        const li = document.createElement('li');
        b = document.createElement('button');
        b.type = 'button';
        b.className = 'overview-node';
        b.tabIndex = -1;
        b.dataset.node = it.name;
        li.append(b);
        this.buttons.set(it.name, b);
        this.dirtyNodes.add(it.name);
      }
      return b.parentNode;
    });
    for (const [name, b] of this.buttons) if (!seen.has(name)) this.buttons.delete(name);
    this.list.replaceChildren(...rows);
    if (!current || !current.isConnected) current = rows.length ? rows[0].firstChild : null;
    if (current) current.tabIndex = 0;
  }

  label(name) {
    const b = this.buttons.get(name);
    if (!b) return;
    const bucket = this.counts.nodes.get(name) || { count: 0, statuses: new Map() };
    const text = nodeSummary(name === TRAY ? t('unscheduled') : name, bucket.count, bucket.statuses);
    if (b.textContent !== text) b.textContent = text;
  }

  rectOf(name) {
    const it = this.cells.find((c) => c.name === name);
    return it ? it.rect : null;
  }

  /** Drill-down: the main view zooms to node `name` (the tray for '') and keeps it in sight. */
  drill(name) {
    const r = this.rectOf(name);
    if (!r || !this.zoom) return;
    // the node lands left of the overview, which covers the stage's right side
    const right = this.region.hidden ? 0 : this.stage.getBoundingClientRect().right - this.region.getBoundingClientRect().left;
    this.zoom.focusRect(r, { right: Math.max(0, right) });
  }

  wireList() {
    this.list.addEventListener('click', (e) => {
      const b = e.target.closest('button.overview-node');
      if (b) this.drill(b.dataset.node);
    });
    this.list.addEventListener('keydown', (e) => {
      const b = e.target.closest('button.overview-node');
      if (!b || !['ArrowDown', 'ArrowUp', 'Home', 'End'].includes(e.key)) return;
      e.preventDefault();
      const all = [...this.list.querySelectorAll('button.overview-node')];
      const i = all.indexOf(b);
      const j = e.key === 'Home' ? 0 : e.key === 'End' ? all.length - 1
        : Math.max(0, Math.min(all.length - 1, i + (e.key === 'ArrowDown' ? 1 : -1)));
      b.tabIndex = -1;
      all[j].tabIndex = 0;
      all[j].focus();
    });
  }

  /** The cell under a pointer event (the nearest, on a gap), or null. */
  cellAt(e) {
    const r = this.canvas.getBoundingClientRect();
    const x = e.clientX - r.left;
    const y = e.clientY - r.top;
    let best = null;
    let dist = Infinity;
    for (const c of this.cells) {
      const dx = Math.max(c.x - x, 0, x - c.x - c.w);
      const dy = Math.max(c.y - y, 0, y - c.y - c.h);
      const d = dx * dx + dy * dy;
      if (d < dist) {
        dist = d;
        best = c;
      }
    }
    return best;
  }

  wireCanvas() {
    let press = null;
    const cv = this.canvas;
    cv.addEventListener('pointerdown', (e) => {
      if (e.button !== 0) return;
      press = { id: e.pointerId, x: e.clientX, y: e.clientY, dragging: false };
      cv.setPointerCapture(e.pointerId);
    });
    cv.addEventListener('pointermove', (e) => {
      if (!press || press.id !== e.pointerId) return;
      if (!press.dragging && Math.hypot(e.clientX - press.x, e.clientY - press.y) < DRAG_SLOP) return;
      press.dragging = true;
      const c = this.cellAt(e);
      if (c && this.zoom) this.zoom.centreOn({ x: c.rect.x + c.rect.w / 2, y: c.rect.y + c.rect.h / 2 });
    });
    const end = (e) => {
      if (!press || press.id !== e.pointerId) return;
      const click = !press.dragging && e.type === 'pointerup';
      press = null;
      if (!click) return;
      const c = this.cellAt(e);
      if (c) this.drill(c.name);
    };
    cv.addEventListener('pointerup', end);
    cv.addEventListener('pointercancel', end);
  }

  draw() {
    const cv = this.surface;
    const dpr = window.devicePixelRatio || 1;
    const w = Math.max(1, this.mapW);
    const h = Math.max(1, this.mapH);
    if (cv.width !== Math.round(w * dpr) || cv.height !== Math.round(h * dpr)) {
      cv.width = Math.round(w * dpr);
      cv.height = Math.round(h * dpr);
      this.canvas.style.width = `${w}px`;
      this.canvas.style.height = `${h}px`;
    }
    const ctx = this.ctx;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    const view = (this.zoom && this.zoom.lastView()) || null;
    const lit = [];
    for (const c of this.cells) {
      const gap = c.w >= 5 ? 1 : 0;
      const x = c.x + gap / 2;
      const y = c.y + gap / 2;
      const cw = c.w - gap;
      const ch = c.h - gap;
      ctx.fillStyle = '#1b2230';
      ctx.fillRect(x, y, cw, ch);
      const b = this.counts.nodes.get(c.name);
      if (b && b.count) {
        // filled from the bottom as far as the node's pods fill its allocatable pods (the tray: whole)
        const alloc = c.node ? Number(c.node.object?.status?.allocatable?.pods) || DEFAULT_PODS : b.count;
        const fh = Math.max(1, ch * Math.min(1, b.count / alloc));
        let sx = x;
        for (const cat of CATEGORIES) {
          const n = b.categories.get(cat);
          if (!n) continue;
          const sw = (cw * n) / b.count;
          ctx.fillStyle = STYLES[cat].colour;
          ctx.fillRect(sx, y + ch - fh, sw, fh);
          sx += sw;
        }
      }
      if (c.node && c.node.status !== 'Ready') {
        ctx.strokeStyle = '#f0605a';
        ctx.lineWidth = 1;
        ctx.strokeRect(x + 0.5, y + 0.5, cw - 1, ch - 1);
      }
      if (c.w >= 24 && b && b.count) {
        ctx.fillStyle = '#e6edf3';
        ctx.font = '10px ui-monospace, monospace';
        ctx.textBaseline = 'top';
        ctx.fillText(fmt(b.count), x + 2, y + 2, cw - 4);
      }
      if (view && intersects(c.rect, view)) lit.push(c);
    }
    if (!lit.length) return;
    // the view: the cells in sight lit, their bounds outlined
    ctx.fillStyle = 'rgba(230,237,243,0.18)';
    let x0 = Infinity;
    let y0 = Infinity;
    let x1 = -Infinity;
    let y1 = -Infinity;
    for (const c of lit) {
      ctx.fillRect(c.x, c.y, c.w, c.h);
      x0 = Math.min(x0, c.x);
      y0 = Math.min(y0, c.y);
      x1 = Math.max(x1, c.x + c.w);
      y1 = Math.max(y1, c.y + c.h);
    }
    ctx.strokeStyle = '#e6edf3';
    ctx.lineWidth = 1.5;
    ctx.strokeRect(x0 + 0.75, y0 + 0.75, x1 - x0 - 1.5, y1 - y0 - 1.5);
  }
}
