/**
 * Draws the layout on a <canvas> and animates the changes between two layouts.
 *
 * Owns: sprites (one per node, group outline and pod) with a current and a target position,
 * the requestAnimationFrame loop, and dirty-rectangle repainting: a frame repaints only the
 * rectangles whose contents moved or changed (plus the gently pulsing Terminating pods),
 * so a quiet cluster costs nothing and a busy one costs what changed. The <canvas> (and the
 * overlay's) covers only the view and a margin around it (`area`, in layout px), not the whole
 * layout: its bitmap, each frame's copy of it to the compositor and the overlay's clearing cost
 * what is in sight, not the cluster's size (at 10,000 pods the layout is some 900×4,600 px). The
 * world element (the canvas's parent) is given the layout's size, so scrolling is as before; when
 * the view moves, the area follows it, keeping what it already shows (the bitmap is shifted) and
 * painting only the strips that come into it. Pods appear by growing,
 * move from the unscheduled tray to their node when scheduled, pulse while Terminating and fade
 * away when their object is deleted. Each pod wears its status style (colour and glyph,
 * podstyle.js) and its owner's badge. A sprite that moves, grows or fades is drawn on the motion
 * layer (a canvas over the view only, `paintMotion`) until it rests, so a flight repaints the
 * cluster canvas where it starts and where it ends, not along its path; a repaint finds the resting
 * sprites in its rectangles through a spatial grid (spritegrid.js), not by looking at every pod.
 * The canvases are drawn on OffscreenCanvases (overlay.js `surfaceOf`), so a frame hands the
 * compositor only the bitmaps drawn on; while sprites fly, the cluster canvas is painted one frame
 * in BASE_EVERY.
 * Hands off: input is a layout from layout.js; pointer and keyboard interaction is a11y.js's,
 * whose transparent elements sit over these shapes (the canvas itself is aria-hidden).
 * Zoom and pan are zoom.js's (installed here with the page's panes, panes.js, when the page has
 * their controls): it scales the canvas, overlay and mirror together and tells the scale back, so
 * a zoomed-in canvas renders with as many more pixels as it may (`MAX_PIXELS`) and stays sharp.
 * Relations (relations.js): the "config and storage" chips are drawn here (repainted, like every
 * box, only when their rectangle or text changes); their lines and the hover/focus highlight —
 * a chip's pods, a pod's chips and owner chain — are the overlay's (netfx.js), which hears the
 * mirror's `kubeplay-relations` events, so hovering repaints no pixel of this canvas.
 */
import { POD, NAMED_W, hashString } from './layout.js';
import { NetworkFx } from './netfx.js';
import { hubColour } from './services.js';
import { drawPodShape, roundRect } from './podstyle.js';
import { Zoom } from './zoom.js';
import { installPanes } from './panes.js';
import { CAPACITY_H, drawCapacity } from './capacity.js';
import { CHIP_KINDS } from './relations.js';
import { language, t, tn } from './i18n.js';
import { overlayCanvas, placeOverlay, surfaceOf } from './overlay.js';
import { SpriteGrid } from './spritegrid.js';

const BG = '#0d1117';
const TAU = 110; // ms: time constant of the ease towards targets
const MAX_PIXELS = 24e6; // device pixels a zoomed canvas may have (browsers refuse far larger ones)
const REDUCED_MOTION = typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
const SHAPE_PAD = 8; // px around a pod's square in its cached bitmap (the owner badge overhangs it)
const MAX_SHAPES = 512; // cached pod bitmaps (status × badge × pixel ratio) before the cache starts over
const MAX_HEADS = 256; // cached node headers (name, pills, capacity bars, ports) before that cache starts over
const HEAD_PAD = 2; // px around a node's box in its header's bitmap (a 2 px border stands 0.5 px out)
const VIEW_MARGIN = 160; // px of the canvas beyond the view, so a short scroll shows no blank band
const MAX_DIRTY = 32; // rectangles marked before a frame paints their union instead
const BASE_EVERY = 4; // while sprites fly, the frames of which one paints the cluster canvas (tick)

function groupColour(group) {
  if (group.base === 'bare') return 'hsl(215, 12%, 55%)';
  const hue = hashString(group.base) % 360;
  const light = group.hash ? 55 + (hashString(group.hash) % 4) * 6 : 60;
  return `hsl(${hue}, 55%, ${light}%)`;
}

function rectUnion(a, b) {
  if (!a) return b;
  if (!b) return a;
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return { x, y, w: Math.max(a.x + a.w, b.x + b.w) - x, h: Math.max(a.y + a.h, b.y + b.h) - y };
}

/** `rects` with each group of overlapping (or touching) ones replaced by their union. */
export function mergeRects(rects) {
  const out = [];
  for (let r of rects) {
    // a union may now reach rectangles merged before: take them in until none is left
    for (let i = 0; i < out.length;) {
      if (touches(out[i], r)) {
        r = rectUnion(out[i], r);
        out.splice(i, 1);
        i = 0;
      } else {
        i++;
      }
    }
    out.push(r);
  }
  return out;
}

function touches(a, r) {
  return a.x <= r.x + r.w && a.x + a.w >= r.x && a.y <= r.y + r.h && a.y + a.h >= r.y;
}

function intersects(a, r) {
  return a.x < r.x + r.w && a.x + a.w > r.x && a.y < r.y + r.h && a.y + a.h > r.y;
}

/** The part of `a` inside `r`, or null. */
function clipTo(a, r) {
  const x = Math.max(a.x, r.x), y = Math.max(a.y, r.y);
  const x1 = Math.min(a.x + a.w, r.x + r.w), y1 = Math.min(a.y + a.h, r.y + r.h);
  return x1 > x && y1 > y ? { x, y, w: x1 - x, h: y1 - y } : null;
}

/**
 * The rectangle of a `width`×`height` layout the canvas covers (layout px): the `view` (null: all
 * of it) with `margin` around it, as wide and tall as that or the layout, whichever is less, and
 * moved inside the layout, so its size stays the same while the view scrolls; its edges lie on
 * whole device pixels at `dpr`. Pure.
 */
export function canvasArea(width, height, view, margin, dpr) {
  const snapDown = (v) => Math.floor(v * dpr + 1e-6) / dpr;
  const snapUp = (v) => Math.ceil(v * dpr - 1e-6) / dpr;
  if (!view) return { x: 0, y: 0, w: snapUp(width), h: snapUp(height) };
  const w = snapUp(Math.min(width, view.w + 2 * margin));
  const h = snapUp(Math.min(height, view.h + 2 * margin));
  const x = snapDown(Math.max(0, Math.min(view.x - margin, width - w)));
  const y = snapDown(Math.max(0, Math.min(view.y - margin, height - h)));
  return { x, y, w, h };
}

/** The smallest rectangle holding `r` whose edges lie on whole device pixels at `dpr`. */
function onDevicePixels(r, dpr) {
  const x = Math.floor(r.x * dpr) / dpr;
  const y = Math.floor(r.y * dpr) / dpr;
  return { x, y, w: Math.ceil((r.x + r.w) * dpr) / dpr - x, h: Math.ceil((r.y + r.h) * dpr) / dpr - y };
}

function pad(r, p) {
  return { x: r.x - p, y: r.y - p, w: r.w + 2 * p, h: r.h + 2 * p };
}

export class CanvasView {
  constructor(canvas) {
    this.canvas = canvas;
    this.surface = surfaceOf(canvas); // (overlay.js: its bitmap goes to the compositor when drawn on)
    // opaque (every paint fills the background first): the compositor copies it instead of blending
    // it, and draws nothing of what lies under it
    this.ctx = this.surface.getContext('2d', { alpha: false });
    this.layout = null;
    this.pods = new Map();     // key → sprite {x,y,alpha,scale,tx,ty,ta,ts,data,dying,gen}
    this.fxWatch = new Set();
    this.gen = 0; // layouts taken (a sprite's gen: the last one that had its pod)
    this.dirty = [];     // rectangles to paint again (mark), each within the view
    this.full = true;
    this.selected = null;
    this.frame = 0;
    this.last = 0;
    this.dpr = 1;
    this.tick = this.tick.bind(this);
    // Work per frame is what is in sight and what moves: sprites still easing (or pulsing) are in
    // `active`, the only ones a frame steps; paints are clipped to the view (zoom.js), which is
    // repainted whole when it moves; a resting pod is one drawImage of its cached shape.
    this.active = new Set();
    this.shapes = new Map();
    this.heads = new Map(); // node key → its header's bitmap (nodeHead)
    this.view = null;
    this.area = null; // the layout rectangle the canvas covers (canvasArea), once there is a layout
    // the canvas's parent is given the layout's size (the canvas is only the view's)
    this.world = canvas.parentElement;
    // Lines to endpoints, broken overlay links and requests in flight are drawn on a second,
    // transparent canvas above this one, redrawn whole while anything there moves.
    this.fx = new NetworkFx(canvas, this);
    // Sprites moving, growing or fading are drawn on a third canvas between the two, cleared and
    // drawn again each frame while they do (`paintMotion`); the cluster canvas paints their spot
    // once when a flight starts (they are no longer on it) and once where they come to rest. So a
    // frame of pods flying from the tray to their nodes draws those pods, not every box, group and
    // pod under the rectangle their paths span.
    this.motion = { canvas: overlayCanvas(canvas, 'motion'), area: null, dpr: 1, drawn: null };
    this.motion.surface = surfaceOf(this.motion.canvas);
    this.motion.ctx = this.motion.surface.getContext('2d');
    // The resting sprites by where they are, for the paint of a rectangle (spritegrid.js).
    this.grid = new SpriteGrid();
    this.flights = 0;
    this.sinceBase = 0; // frames since the cluster canvas was last painted
    this.urgent = false; // the canvas moved: what came into it is painted on the next frame
    this.zoomScale = 1;
    // What the pointer or keyboard is on, for the relations highlight (relations.js RelationsView).
    document.addEventListener('kubeplay-relations', (e) => {
      this.fx.setFocus(e.detail && (e.detail.chip || e.detail.pod) ? e.detail : null);
      this.schedule();
    });
    const stage = canvas.closest('.stage');
    const world = canvas.parentElement;
    const controls = document.getElementById('zoom');
    if (stage && world && world !== stage && controls) {
      installPanes(document);
      this.zoom = new Zoom({
        stage, world, controls,
        size: () => this.layout && { width: this.layout.width, height: this.layout.height },
        onScale: (k) => this.setZoomScale(k),
      });
      this.zoom.onView((r) => { this.view = r; this.placeArea(); });
      this.view = this.zoom.lastView();
    } else {
      this.zoom = null;
    }
  }

  /** The view's scale (zoom.js): past 1 the canvas gets more pixels, so it stays sharp. zoom.js
   * tells the new view right after (onView), which places the canvas (`placeArea`). */
  setZoomScale(k) {
    this.zoomScale = k;
    if (!this.zoom) this.placeArea();
  }

  pixelRatio(w, h) {
    const base = window.devicePixelRatio || 1;
    const want = base * Math.max(1, this.zoomScale);
    const room = Math.sqrt(MAX_PIXELS / Math.max(1, w * h));
    return Math.max(base, Math.min(want, room));
  }

  /** The overlay and LB pool state (`network` in snapshots and deltas). */
  setNetwork(network) {
    this.fx.setNetwork(network);
    this.schedule();
  }

  /** Requests from the traffic log to animate (each once, by id). */
  addRequests(records) {
    this.fx.addRequests(records, performance.now());
    this.schedule();
  }

  setSelected(key) {
    if (this.selected === key) return;
    const old = this.selected && this.pods.get(this.selected);
    if (old) this.markSprite(old);
    this.selected = key;
    const now = key && this.pods.get(key);
    if (now) this.markSprite(now);
    this.fx.dirty = true; // a selected pod's relations are highlighted
    this.schedule();
  }

  /** Takes a new layout; `instant` skips animation (first snapshot, resize). */
  setLayout(layout, { instant = false, fromTray = new Set() } = {}) {
    const prev = this.layout;
    this.layout = layout;
    const animate = !instant && !REDUCED_MOTION;
    // Boxes whose geometry or status changed are repainted, old and new places alike (a new width
    // moves everything: all of the canvas is)
    if (!prev || prev.width !== layout.width) this.full = true;
    else this.diffBoxes(prev, layout);
    if (!prev || prev.width !== layout.width || prev.height !== layout.height) {
      if (this.world) {
        this.world.style.width = `${layout.width}px`;
        this.world.style.height = `${layout.height}px`;
      }
      if (this.zoom) this.zoom.layoutChanged(); // (which tells the view: placeArea)
      this.placeArea();
    }
    this.fx.dirty = true;
    this.fxWatch = CanvasView.fxPods(layout);
    // (a generation stamp, not a set of 10,000 keys: a sprite not stamped by this layout is going)
    const gen = ++this.gen;
    let trayed = 0;
    for (const [key, p] of layout.pods) {
      let s = this.pods.get(key);
      if (s && s.data === p && s.gen === gen - 1 && !s.dying
        && (animate || (s.x === p.x && s.y === p.y && s.scale === 1 && s.alpha === 1))) {
        s.gen = gen; // the layout kept this pod's record (layout.js nodeFlow): nothing moved or changed
        if (p.category === 'terminating') this.active.add(key);
        continue;
      }
      if (!s) {
        // A pod that was created unscheduled grows in the tray, then travels to its node.
        const t = layout.tray;
        const born = animate && fromTray.has(key) && p.node
          ? { x: t.x + 12 + (trayed++ % Math.max(1, Math.floor((t.w - 24) / 24))) * 24, y: t.y + 28 }
          : { x: p.x, y: p.y };
        s = { x: born.x, y: born.y, alpha: 1, scale: animate ? 0 : 1, data: p, hold: born.x !== p.x || born.y !== p.y ? 350 : 0 };
        this.pods.set(key, s);
        this.grid.put(s);
      }
      s.gen = gen;
      let changed = s.dying || s.data.category !== p.category || s.data.status !== p.status
        || s.data.badge !== p.badge || s.data.label !== p.label || s.tx !== p.x || s.ty !== p.y;
      s.dying = false;
      if (!animate && (s.x !== p.x || s.y !== p.y || s.scale !== 1 || s.alpha !== 1)) {
        this.markSprite(s);
        s.x = p.x; s.y = p.y; s.scale = 1; s.alpha = 1;
        s.flying = false;
        this.grid.put(s);
        changed = true;
      }
      if (changed) this.markSprite(s); // where it was drawn, and where it is going
      s.tx = p.x; s.ty = p.y; s.ts = 1; s.ta = 1; s.data = p;
      if (changed) { this.markSprite(s); this.active.add(key); }
      if (p.category === 'terminating') this.active.add(key); // it pulses
    }
    for (const [key, s] of this.pods) {
      if (s.gen === gen) continue;
      if (!animate) { this.markSprite(s); this.forget(key, s); continue; }
      if (s.dying) continue;
      s.dying = true; s.ta = 0; s.ts = 0.4;
      this.markSprite(s);
      this.active.add(key);
    }
    this.schedule();
  }

  /** The pods whose sprites the overlay draws lines to when nothing is focused or selected
   * (netfx.js: services' endpoints, replacement arrows, the config and storage chips' users): only
   * their moves repaint it. */
  static fxPods(layout) {
    const keys = new Set();
    for (const h of layout.services || []) for (const e of h.endpoints || []) if (e.podKey) keys.add(e.podKey);
    for (const r of layout.replaced || []) { keys.add(r.from); keys.add(r.to); }
    for (const c of (layout.relations && layout.relations.chips) || []) for (const k of c.pods || []) keys.add(k);
    return keys;
  }

  diffBoxes(prev, next) {
    const sig = (b) => `${b.x},${b.y},${b.w},${b.h},${b.status},${b.halted},${b.podCount},${b.role},${JSON.stringify(b.ports)}`;
    const hsig = (h) => `${h.x},${h.y},${h.type},${h.clusterIP},${h.ports},${h.external},${h.endpoints.map((e) => `${e.name}${e.ready}`).join()}`;
    const hubs = new Map(prev.services.map((h) => [h.key, h]));
    for (const h of next.services) {
      const o = hubs.get(h.key);
      if (!o || hsig(o) !== hsig(h)) { this.mark(h); if (o) this.mark(o); }
      hubs.delete(h.key);
    }
    for (const o of hubs.values()) this.mark(o);
    const csig = (c) => `${c.x},${c.y},${c.w},${c.h},${c.ref},${c.detail}`;
    const chips = new Map(((prev.relations && prev.relations.chips) || []).map((c) => [c.key, c]));
    for (const c of (next.relations && next.relations.chips) || []) {
      const o = chips.get(c.key);
      if (!o || csig(o) !== csig(c)) { this.mark(c); if (o) this.mark(o); }
      chips.delete(c.key);
    }
    for (const o of chips.values()) this.mark(o);
    const before = new Map(prev.nodes.map((n) => [n.key, n]));
    for (const n of next.nodes) {
      const o = before.get(n.key);
      if (!o || sig(o) !== sig(n)) this.mark(n);
      if (o && sig(o) !== sig(n)) this.mark(o);
      before.delete(n.key);
    }
    for (const o of before.values()) this.mark(o);
    const gsig = (g) => `${g.x},${g.y},${g.w},${g.h},${g.label}`;
    const gb = new Map(prev.groups.map((g) => [`${g.node}|${g.key}`, g]));
    for (const g of next.groups) {
      const o = gb.get(`${g.node}|${g.key}`);
      if (!o || gsig(o) !== gsig(g)) { this.mark(g); if (o) this.mark(o); }
      gb.delete(`${g.node}|${g.key}`);
    }
    for (const o of gb.values()) this.mark(o);
    const t = `${prev.tray.h},${prev.tray.count}`;
    if (t !== `${next.tray.h},${next.tray.count}`) { this.mark(prev.tray); this.mark(next.tray); }
    const o = (b) => `${b.x},${b.y},${b.w},${b.h},${b.ip}`;
    if (o(prev.outside) !== o(next.outside)) { this.mark(prev.outside); this.mark(next.outside); }
  }

  /**
   * Puts the canvas (and the overlay) on the layout rectangle the view needs (`canvasArea`). The
   * same size at the same pixel ratio keeps the bitmap: what both places show is shifted into its
   * new place and only the strips that come into the canvas are painted; otherwise the canvas gets
   * a new bitmap, painted whole on the next frame. What the canvas shows is always up to date (a
   * change out of it is not painted, `mark`), so a view that moves within it costs nothing.
   */
  placeArea() {
    const L = this.layout;
    if (!L) return;
    const view = this.view;
    const near = view ? { w: Math.min(L.width, view.w + 2 * VIEW_MARGIN), h: Math.min(L.height, view.h + 2 * VIEW_MARGIN) }
      : { w: L.width, h: L.height };
    const dpr = this.pixelRatio(near.w, near.h);
    const next = canvasArea(L.width, L.height, view, VIEW_MARGIN, dpr);
    const old = this.area;
    if (old && dpr === this.dpr && old.x === next.x && old.y === next.y && old.w === next.w && old.h === next.h) {
      this.placeMotion();
      return;
    }
    this.urgent = true; // what comes into the canvas is painted on the next frame, whatever is flying
    const style = this.canvas.style;
    style.left = `${next.x}px`;
    style.top = `${next.y}px`;
    const kept = old && dpr === this.dpr && old.w === next.w && old.h === next.h && !this.full ? clipTo(old, next) : null;
    if (kept) {
      // the part both show, moved by whole device pixels (the areas' edges lie on them)
      const ctx = this.ctx;
      const sx = Math.round((kept.x - old.x) * dpr), sy = Math.round((kept.y - old.y) * dpr);
      const dx = Math.round((kept.x - next.x) * dpr), dy = Math.round((kept.y - next.y) * dpr);
      const w = Math.round(kept.w * dpr), h = Math.round(kept.h * dpr);
      ctx.save();
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.globalCompositeOperation = 'copy'; // (the rest of the bitmap is cleared: painted below)
      ctx.drawImage(this.surface, sx, sy, w, h, dx, dy, w, h);
      ctx.restore();
      this.area = next;
      // the strips of the new area the old one did not show
      if (kept.y > next.y) this.mark({ x: next.x, y: next.y, w: next.w, h: kept.y - next.y });
      if (kept.y + kept.h < next.y + next.h) this.mark({ x: next.x, y: kept.y + kept.h, w: next.w, h: next.y + next.h - kept.y - kept.h });
      if (kept.x > next.x) this.mark({ x: next.x, y: kept.y, w: kept.x - next.x, h: kept.h });
      if (kept.x + kept.w < next.x + next.w) this.mark({ x: kept.x + kept.w, y: kept.y, w: next.x + next.w - kept.x - kept.w, h: kept.h });
    } else {
      this.dpr = dpr;
      this.area = next;
      const surface = this.surface;
      if (surface.width !== Math.round(next.w * dpr) || surface.height !== Math.round(next.h * dpr)) {
        surface.width = Math.round(next.w * dpr);
        surface.height = Math.round(next.h * dpr);
      }
      style.width = `${next.w}px`;
      style.height = `${next.h}px`;
      this.full = true;
      this.dirty = [];
    }
    this.fx.place(next, dpr);
    this.placeMotion();
    this.schedule();
  }

  /**
   * Puts the motion layer on the part of the canvas's area in view (the whole area without a view):
   * it is drawn again each frame something flies, and each frame's copy of it to the compositor
   * costs its size, so it covers no margin. Its edges lie on device pixels, as the area's do.
   */
  placeMotion() {
    const area = this.area;
    if (!area) return;
    const dpr = this.dpr;
    const seen = this.view && clipTo(onDevicePixels(this.view, dpr), area);
    const next = seen || area;
    const m = this.motion;
    const o = m.area;
    if (o && m.dpr === dpr && o.x === next.x && o.y === next.y && o.w === next.w && o.h === next.h) return;
    placeOverlay(m.canvas, m.surface, o, m.dpr, next, dpr);
    m.area = next;
    m.dpr = dpr;
    m.drawn = { x: 0, y: 0, w: m.surface.width, h: m.surface.height }; // (drawn for the old place)
    this.schedule();
  }

  /** `r` is to be painted again: only its part on the canvas (`area`), since the rest is painted
   * when the canvas moves over it (`placeArea`). A change above the view and one below it so do not
   * make a frame repaint everything between them: at 10,000 pods scaling, most are out of sight. */
  mark(r) {
    const p = this.area ? clipTo(pad(r, 3), this.area) : pad(r, 3);
    if (!p) return;
    this.dirty.push(p);
    if (this.dirty.length > MAX_DIRTY) {
      this.dirty = mergeRects(this.dirty);
      if (this.dirty.length > MAX_DIRTY / 2) this.dirty = [this.dirty.reduce(rectUnion)];
    }
  }

  /** Whether sprite `s` drawn at (x, y) would touch rectangle `r`. */
  static spriteIn(s, x, y, r) {
    return x - 4 < r.x + r.w && x - 4 + CanvasView.spriteW(s) > r.x && y - 4 < r.y + r.h && y + POD + 4 > r.y;
  }

  /** How wide a sprite's drawing is: its square, or its named chip. */
  static spriteW(s) {
    return (s.data && s.data.label ? NAMED_W : POD) + 8;
  }

  markSprite(s) {
    const w = CanvasView.spriteW(s);
    this.mark({ x: s.x - 4, y: s.y - 4, w, h: POD + 8 });
    if (s.tx !== undefined) this.mark({ x: s.tx - 4, y: s.ty - 4, w, h: POD + 8 });
  }

  /** Sprite `s` (of pod `key`) is gone. */
  forget(key, s) {
    this.grid.remove(s);
    this.pods.delete(key);
    this.active.delete(key);
  }

  schedule() {
    if (!this.frame) this.frame = requestAnimationFrame(this.tick);
  }

  tick(ts) {
    this.frame = 0;
    const dt = this.last ? Math.min(100, ts - this.last) : 16;
    this.last = ts;
    const k = 1 - Math.exp(-dt / TAU);
    let moving = false;
    let fxMoving = false; // a sprite the overlay draws to moved (netfx.js)
    let pulsing = false;
    const area = this.area;
    const watch = this.selected || this.fx.focus ? null : this.fxWatch; // (null: every sprite)
    let flyers = []; // the sprites this frame draws on the motion layer
    const resting = []; // those that came to rest: on the canvas from its next paint
    let leaving = false; // a flight started from a spot the canvas shows the sprite in
    for (const key of this.active) {
      const s = this.pods.get(key);
      if (!s) { this.active.delete(key); continue; }
      const bx = s.x, by = s.y, balpha = s.alpha, bscale = s.scale;
      let seen = true;
      if (area && !CanvasView.spriteIn(s, s.x, s.y, area) && !CanvasView.spriteIn(s, s.tx, s.ty, area)) {
        // out of the canvas where it is and where it goes: no one sees it move (at 10,000 pods
        // scaling, most of the pods a layout moves), so it is where it goes at once
        s.x = s.tx; s.y = s.ty; s.alpha = s.ta; s.scale = s.ts; s.hold = 0;
        seen = false;
      } else if (s.hold > 0) {
        s.hold -= dt; // let it appear in the tray before it travels
      } else {
        s.x += (s.tx - s.x) * k;
        s.y += (s.ty - s.y) * k;
      }
      s.alpha += (s.ta - s.alpha) * k;
      s.scale += (s.ts - s.scale) * k;
      if (Math.abs(s.tx - s.x) < 0.3) s.x = s.tx;
      if (Math.abs(s.ty - s.y) < 0.3) s.y = s.ty;
      if (Math.abs(s.ta - s.alpha) < 0.01) s.alpha = s.ta;
      if (Math.abs(s.ts - s.scale) < 0.01) s.scale = s.ts;
      const changed = bx !== s.x || by !== s.y || balpha !== s.alpha || bscale !== s.scale || s.hold > 0;
      if (changed) {
        moving = true;
        if (!watch || watch.has(key)) fxMoving = true;
      }
      if (s.dying && s.alpha <= 0.01) {
        if (!s.flying) this.markSprite(s);
        this.forget(key, s);
        continue;
      }
      if (changed && seen) {
        // in flight: on the motion layer from now on; the canvas paints the spot it leaves
        if (!s.flying) {
          s.flying = true;
          this.flights++;
          this.mark({ x: bx - 4, y: by - 4, w: CanvasView.spriteW(s), h: POD + 8 });
          if (bscale > 0.05 && balpha > 0.05) leaving = true; // (a pod that grows was not drawn there)
        }
      } else if (s.flying && seen) {
        resting.push(s);
      } else if (!seen) {
        // out of sight, where it goes at once: the canvas paints it there when it comes into view
        s.flying = false;
        this.grid.put(s);
        this.markSprite(s);
      }
      if (!s.dying && s.data.category === 'terminating' && !REDUCED_MOTION) {
        pulsing = true;
        if (!s.flying) this.markSprite(s);
      } else if (!changed && !s.flying) {
        this.active.delete(key); // at rest: no frame steps it until a layout moves it again
      }
      if (s.flying) flyers.push(s);
    }
    const pulse = 0.72 + 0.23 * Math.sin(ts / 260);
    // Each paint of the cluster canvas is a copy of its whole bitmap to the compositor. While sprites
    // fly (the motion layer showed some last frame), it is painted on one frame in BASE_EVERY, or at
    // once when a flight leaves a spot it shows or the canvas moved; a sprite that came to rest in
    // between stays on the motion layer, where it rests, until then.
    const baseTurn = this.full || this.urgent || leaving || !this.motion.drawn || ++this.sinceBase >= BASE_EVERY;
    if (baseTurn) {
      for (const s of resting) {
        s.flying = false;
        this.grid.put(s);
        this.markSprite(s);
      }
      if (resting.length) flyers = flyers.filter((s) => s.flying);
      this.paint(pulse);
      this.sinceBase = 0;
      this.urgent = false;
    }
    this.paintMotion(flyers, pulse);
    // the overlay is a second canvas the size of this one: cleared and drawn again only when what it
    // draws may have moved (each change of a canvas is a copy of its bitmap to the compositor)
    const flying = this.fx.paint(ts, fxMoving);
    if (moving || pulsing || flying || flyers.length) this.schedule();
  }

  /**
   * Paints the marked rectangles again (all of the layout after a resize), each clipped to the
   * view: what intersects a rectangle is drawn in it, back to front. Overlapping rectangles are
   * merged first, so a spot is painted once; what none of them touches is not looked at again
   * (the sprites are sifted once, by the rectangles' bounds). Painting a spot is the same whatever
   * rectangle it is painted in, so the canvas is what one paint of everything would make.
   */
  paint(pulse) {
    const L = this.layout;
    const area = this.area;
    if (!L || !area) return;
    // the rest is painted when the canvas moves over it
    const rects = (this.full ? [area] : mergeRects(this.dirty)).map((r) => clipTo(r, area)).filter(Boolean);
    this.full = false;
    this.dirty = [];
    if (!rects.length) return;
    // Whole device pixels: a clip edge through a pixel would blend old and new there, and
    // repeated frames would leave seams.
    const regions = rects.map((r) => onDevicePixels(r, this.dpr));
    const bounds = regions.reduce(rectUnion);
    const near = (list) => list.filter((b) => intersects(b, bounds));
    const hubs = near(L.services);
    const chips = near((L.relations && L.relations.chips) || []);
    const nodes = near(L.nodes);
    const groups = near(L.groups);
    for (const region of regions) this.paintRegion(region, { hubs, chips, nodes, groups, pulse });
  }

  paintRegion(region, { hubs, chips, nodes, groups, pulse }) {
    const ctx = this.ctx;
    const L = this.layout;
    ctx.save();
    // layout px to the canvas's device pixels: the canvas starts at the area's corner
    ctx.setTransform(this.dpr, 0, 0, this.dpr, -this.area.x * this.dpr, -this.area.y * this.dpr);
    ctx.beginPath();
    ctx.rect(region.x, region.y, region.w, region.h);
    ctx.clip();
    ctx.fillStyle = BG;
    ctx.fillRect(region.x, region.y, region.w, region.h);

    if (intersects(L.tray, region)) this.drawTray(L.tray);
    for (const h of hubs) if (intersects(h, region)) this.drawHub(h);
    if (intersects(L.outside, region)) this.drawOutside(L.outside);
    for (const c of chips) if (intersects(c, region)) this.drawChip(c);
    for (const n of nodes) if (intersects(n, region)) this.paintNode(n);
    for (const g of groups) if (intersects(g, region)) this.drawGroup(g);
    // the resting sprites drawn in it: those whose corner is at most a named chip's width to its
    // left and a pod's height above it (the grid's cells hold corners)
    const rx1 = region.x + region.w, ry1 = region.y + region.h;
    const reach = { x: region.x - NAMED_W - 4, y: region.y - POD - 4, w: region.w + NAMED_W + 8, h: region.h + POD + 8 };
    this.grid.near(reach, (s) => {
      if (s.flying) return;
      const x = s.x - 4, y = s.y - 4;
      if (x < rx1 && y < ry1 && x + CanvasView.spriteW(s) > region.x && y + POD + 8 > region.y) this.drawPod(s, pulse);
    });
    ctx.restore();
  }

  /**
   * The motion layer's frame: what it drew last frame is cleared and the sprites in flight are drawn
   * where they are now (a sprite's shape and its badge reach `SHAPE_PAD` px beyond its square).
   */
  paintMotion(flyers, pulse) {
    const m = this.motion;
    const area = m.area;
    // what it is given, as data (a canvas has no DOM to inspect): the sprites in flight now (in view
    // or not), and the flights started so far
    const d = m.canvas.dataset;
    const flying = String(flyers.length), flights = String(this.flights);
    if (d.flying !== flying) d.flying = flying;
    if (d.flights !== flights) d.flights = flights;
    if (!area || (!m.drawn && !flyers.length)) return;
    const ctx = m.ctx;
    const dpr = this.dpr;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    if (m.drawn) ctx.clearRect(m.drawn.x, m.drawn.y, m.drawn.w, m.drawn.h);
    m.drawn = null;
    if (!flyers.length) return;
    ctx.setTransform(dpr, 0, 0, dpr, -area.x * dpr, -area.y * dpr); // layout px to the layer's device pixels
    let box = null;
    for (const s of flyers) {
      const r = { x: s.x - SHAPE_PAD, y: s.y - SHAPE_PAD, w: CanvasView.spriteW(s) - 8 + 2 * SHAPE_PAD, h: POD + 2 * SHAPE_PAD };
      if (!intersects(r, area)) continue;
      this.drawPod(s, pulse, ctx);
      box = rectUnion(box, r);
    }
    if (box) {
      // in the layer's device pixels, whole ones
      const x = Math.floor((box.x - area.x) * dpr), y = Math.floor((box.y - area.y) * dpr);
      m.drawn = { x, y, w: Math.ceil((box.x + box.w - area.x) * dpr) - x, h: Math.ceil((box.y + box.h - area.y) * dpr) - y };
    }
  }

  drawTray(tray) {
    const ctx = this.ctx;
    ctx.save();
    ctx.setLineDash([5, 4]);
    ctx.strokeStyle = '#3a4250';
    ctx.lineWidth = 1;
    roundRect(ctx, tray.x + 0.5, tray.y + 0.5, tray.w - 1, tray.h - 1, 8);
    ctx.stroke();
    ctx.restore();
    ctx.fillStyle = '#8b95a8';
    ctx.font = '600 12px system-ui, sans-serif';
    ctx.textBaseline = 'middle';
    ctx.fillText(tray.count ? t('Unscheduled · {n}', { n: tray.count }) : t('Unscheduled'), tray.x + 10, tray.y + 13);
  }

  /**
   * A node's box, its header (name, pills, capacity bars, NodePorts: text, most of a node's cost) a
   * bitmap drawn once per look at this pixel ratio, on the canvas's device pixels (`nodeHead`); the
   * rest of the box drawn as it is. The same pixels as `drawNode`, at a drawImage's cost.
   */
  paintNode(n) {
    const head = this.nodeHead(n);
    if (!head) return this.drawNode(n);
    const ctx = this.ctx;
    ctx.save();
    ctx.beginPath();
    ctx.rect(n.x - HEAD_PAD, head.bottom, n.w + 2 * HEAD_PAD, n.y + n.h + HEAD_PAD - head.bottom);
    ctx.clip();
    this.drawNodeBox(ctx, n);
    ctx.restore();
    ctx.drawImage(head.img, head.x, head.y, head.img.width / this.dpr, head.img.height / this.dpr);
  }

  /** The bitmap of node `n`'s header on the canvas's background and where it goes, `{img, x, y,
   * bottom}` (null: a halted node's hatching is drawn as it is); made again when what it shows
   * changes, not when the node only moves by whole device pixels (rows above it grow as pods come). */
  nodeHead(n) {
    if (n.halted || !(n.head > 0) || n.head > n.h) return null;
    const dpr = this.dpr;
    // on the canvas's device pixels (the area's corner is on one): the fraction of a pixel kept
    const x = Math.floor((n.x - HEAD_PAD) * dpr) / dpr;
    const y = Math.floor((n.y - HEAD_PAD) * dpr) / dpr;
    const bottom = Math.floor((n.y + n.head) * dpr) / dpr;
    const w = Math.ceil((n.x + n.w + HEAD_PAD - x) * dpr);
    const h = Math.round((bottom - y) * dpr);
    const fx = Math.round(((n.x - HEAD_PAD) * dpr - x * dpr) * 1024);
    const fy = Math.round(((n.y - HEAD_PAD) * dpr - y * dpr) * 1024);
    const sub = this.nodeSub(n);
    const ports = n.ports && n.ports.length ? n.ports.map((p) => `${p.nodePort}>${p.service}`).join() : '';
    const sig = `${language()}|${dpr}|${fx}|${fy}|${w}|${h}|${n.w}|${n.head}|${n.name}|${n.status}|${sub}|${ports}`;
    let e = this.heads.get(n.key);
    if (!e || e.sig !== sig || e.cells !== n.cells) {
      if (!e && this.heads.size >= MAX_HEADS) this.heads.clear();
      const img = (e && e.img) || document.createElement('canvas');
      if (img.width !== w || img.height !== h) { img.width = w; img.height = h; }
      const c = img.getContext('2d');
      c.setTransform(1, 0, 0, 1, 0, 0);
      c.fillStyle = BG;
      c.fillRect(0, 0, w, h);
      c.setTransform(dpr, 0, 0, dpr, -x * dpr, -y * dpr);
      this.drawNode(n, c);
      e = { sig, cells: n.cells, img };
      this.heads.set(n.key, e);
    }
    return { img: e.img, x, y, bottom };
  }

  /** A node's second line: its role and pod count. */
  nodeSub(n) {
    const role = n.role === '<none>' ? t('worker') : n.role;
    return tn('{role} · 1 pod', '{role} · {n} pods', n.podCount, { role });
  }

  /** A node's box: its fill (hatched when halted) and its border. */
  drawNodeBox(ctx, n) {
    const ready = n.status.startsWith('Ready');
    const border = n.halted ? '#6e4040' : ready ? '#30363d' : '#b8443f';
    ctx.fillStyle = n.halted ? '#14161b' : '#161b22';
    roundRect(ctx, n.x + 0.5, n.y + 0.5, n.w - 1, n.h - 1, 10);
    ctx.fill();
    if (n.halted) {
      // Hatching: a halted machine looks switched off.
      ctx.save();
      ctx.clip();
      ctx.strokeStyle = 'rgba(255,255,255,0.035)';
      ctx.lineWidth = 6;
      for (let d = -n.h; d < n.w; d += 18) {
        ctx.beginPath();
        ctx.moveTo(n.x + d, n.y + n.h);
        ctx.lineTo(n.x + d + n.h, n.y);
        ctx.stroke();
      }
      ctx.restore();
    }
    roundRect(ctx, n.x + 0.5, n.y + 0.5, n.w - 1, n.h - 1, 10);
    ctx.strokeStyle = border;
    ctx.lineWidth = ready && !n.halted ? 1 : 2;
    ctx.stroke();
  }

  /** A node: its box and header, on `ctx` (the canvas's, or a header bitmap's: nodeHead). */
  drawNode(n, ctx = this.ctx) {
    const ready = n.status.startsWith('Ready');
    this.drawNodeBox(ctx, n);

    // Header: status dot and name; role and pod count below; status pills on the right of the
    // first row, or of the second when the name needs the room.
    ctx.textBaseline = 'middle';
    ctx.fillStyle = ready ? '#3fb950' : '#f0605a';
    ctx.beginPath();
    ctx.arc(n.x + 16, n.y + 17, 4.5, 0, Math.PI * 2);
    ctx.fill();
    ctx.fillStyle = n.halted ? '#9aa3b2' : '#e6edf3';
    ctx.font = '600 14px system-ui, sans-serif';
    ctx.fillText(n.name, n.x + 28, n.y + 17);
    const nameW = ctx.measureText(n.name).width;
    ctx.fillStyle = '#8b95a8';
    ctx.font = '12px system-ui, sans-serif';
    const sub = this.nodeSub(n);
    ctx.fillText(sub, n.x + 28, n.y + 35);
    const subW = ctx.measureText(sub).width;

    const pills = n.status.split(',');
    if (n.halted) pills.push('halted');
    ctx.font = '600 11px system-ui, sans-serif';
    const widths = pills.map((t) => ctx.measureText(t).width + 14);
    // Fill the first row after the name from the right; what does not fit goes to the second row.
    const rows = [[], []];
    let room1 = n.w - 10 - (28 + nameW + 12);
    pills.forEach((text, i) => {
      if (rows[1].length === 0 && widths[i] <= room1) { rows[0].push(i); room1 -= widths[i] + 6; } else rows[1].push(i);
    });
    rows.forEach((row, r) => {
      let px = n.x + n.w - 10 - row.reduce((a, i) => a + widths[i] + 6, -6);
      const py = n.y + (r === 0 ? 8 : 26);
      for (const i of row) {
        const text = pills[i];
        const colours = text === 'Ready' ? ['#12361e', '#56d364'] : text === 'SchedulingDisabled' ? ['#3b2e0c', '#e3b341']
          : text === 'halted' ? ['#2d2f36', '#b1bac4'] : ['#46181a', '#ff7b72'];
        ctx.fillStyle = colours[0];
        roundRect(ctx, px, py, widths[i], 18, 9);
        ctx.fill();
        ctx.fillStyle = colours[1];
        ctx.fillText(text, px + 7, py + 9.5);
        px += widths[i] + 6;
      }
    });

    drawCapacity(ctx, n);

    // NodePorts: every node listens on each NodePort/LoadBalancer service's port (kube-proxy).
    if (n.ports && n.ports.length) {
      const py = n.y + 46 + CAPACITY_H;
      ctx.save();
      ctx.beginPath();
      ctx.rect(n.x + 8, py, n.w - 16, 20);
      ctx.clip();
      ctx.font = '10.5px ui-monospace, SFMono-Regular, Menlo, monospace';
      let px = n.x + 12;
      for (const p of n.ports) {
        const text = `:${p.nodePort} → ${p.service}`;
        const w = ctx.measureText(text).width + 12;
        ctx.fillStyle = '#0f2a2a';
        roundRect(ctx, px, py + 2, w, 16, 8);
        ctx.fill();
        ctx.fillStyle = '#56d4c8';
        ctx.fillText(text, px + 6, py + 10.5);
        px += w + 6;
      }
      ctx.restore();
    }
  }

  drawHub(h) {
    const ctx = this.ctx;
    const colour = hubColour(h);
    ctx.save();
    ctx.fillStyle = '#121a26';
    roundRect(ctx, h.x + 0.5, h.y + 0.5, h.w - 1, h.h - 1, 12);
    ctx.fill();
    // ExternalName and headless services are no proxy at all: drawn with a dashed outline.
    if (h.type === 'ExternalName' || h.headless) ctx.setLineDash([5, 3]);
    ctx.strokeStyle = colour;
    ctx.lineWidth = 1.5;
    ctx.globalAlpha = h.system ? 0.5 : 1;
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.beginPath();
    ctx.rect(h.x + 4, h.y, h.w - 8, h.h);
    ctx.clip();
    ctx.textBaseline = 'middle';
    ctx.fillStyle = colour;
    ctx.beginPath();
    ctx.arc(h.x + 13, h.y + 13, 4, 0, Math.PI * 2);
    ctx.fill();
    ctx.fillStyle = '#e6edf3';
    ctx.font = '600 12.5px system-ui, sans-serif';
    ctx.fillText(h.ref, h.x + 23, h.y + 13);
    ctx.font = '11px ui-monospace, SFMono-Regular, Menlo, monospace';
    ctx.fillStyle = '#9fb0c8';
    const kind = h.type === 'ExternalName' ? 'ExternalName' : h.headless ? 'headless' : h.type;
    const addr = h.type === 'ExternalName' ? h.external : h.headless ? 'None' : h.clusterIP;
    ctx.fillText(`${kind} ${addr}`, h.x + 10, h.y + 29);
    const ready = h.endpoints.filter((e) => e.ready).length;
    const eps = h.type === 'ExternalName' ? 'CNAME' : `${ready}/${h.endpoints.length} ep`;
    let third = [h.ports, eps].filter(Boolean).join(' · ');
    if (h.type === 'LoadBalancer') third += ` · ${h.external}`;
    ctx.fillStyle = ready === 0 && h.type !== 'ExternalName' ? '#f0a35a' : '#8b95a8';
    ctx.fillText(third, h.x + 10, h.y + 43);
    ctx.restore();
  }

  /** A "config and storage" chip: kind tag and name, then what it relates to (relations.js chipDetail). */
  drawChip(c) {
    const ctx = this.ctx;
    const k = CHIP_KINDS[c.kind];
    ctx.save();
    ctx.fillStyle = '#121820';
    roundRect(ctx, c.x + 0.5, c.y + 0.5, c.w - 1, c.h - 1, 7);
    ctx.fill();
    ctx.strokeStyle = k.colour;
    ctx.globalAlpha = 0.75;
    ctx.lineWidth = 1;
    // a claim or volume still waiting to bind is dashed
    if ((c.kind === 'PersistentVolumeClaim' || c.kind === 'PersistentVolume') && c.phase !== 'Bound') ctx.setLineDash([4, 3]);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.globalAlpha = 1;
    ctx.beginPath();
    ctx.rect(c.x + 3, c.y, c.w - 6, c.h);
    ctx.clip();
    ctx.textBaseline = 'middle';
    ctx.font = '600 9.5px ui-monospace, SFMono-Regular, Menlo, monospace';
    const tagW = ctx.measureText(k.tag).width + 8;
    ctx.fillStyle = k.colour;
    roundRect(ctx, c.x + 6, c.y + 4, tagW, 13, 4);
    ctx.fill();
    ctx.fillStyle = '#0d1117';
    ctx.fillText(k.tag, c.x + 10, c.y + 11);
    ctx.fillStyle = '#e6edf3';
    ctx.font = '600 11.5px system-ui, sans-serif';
    ctx.fillText(c.ref, c.x + 12 + tagW, c.y + 11);
    ctx.fillStyle = '#9fb0c8';
    ctx.font = '10.5px ui-monospace, SFMono-Regular, Menlo, monospace';
    ctx.fillText(c.detail, c.x + 8, c.y + 27);
    ctx.restore();
  }

  drawOutside(o) {
    const ctx = this.ctx;
    ctx.save();
    ctx.setLineDash([3, 3]);
    ctx.strokeStyle = '#58647a';
    roundRect(ctx, o.x + 0.5, o.y + 0.5, o.w - 1, o.h - 1, 8);
    ctx.stroke();
    ctx.restore();
    ctx.textBaseline = 'middle';
    ctx.fillStyle = '#c9d1d9';
    ctx.font = '600 12px system-ui, sans-serif';
    ctx.fillText(t('outside (workstation)'), o.x + 10, o.y + 17);
    ctx.fillStyle = '#8b95a8';
    ctx.font = '11px ui-monospace, SFMono-Regular, Menlo, monospace';
    ctx.fillText(o.ip, o.x + 10, o.y + 35);
  }

  drawGroup(g) {
    const ctx = this.ctx;
    const colour = groupColour(g);
    ctx.save();
    ctx.strokeStyle = colour;
    ctx.globalAlpha = g.base === 'bare' ? 0.35 : 0.7;
    ctx.lineWidth = 1;
    if (g.base === 'bare') ctx.setLineDash([3, 3]);
    roundRect(ctx, g.x + 0.5, g.y + 0.5, g.w - 1, g.h - 1, 6);
    ctx.stroke();
    ctx.restore();
    ctx.save();
    ctx.beginPath();
    ctx.rect(g.x, g.y, g.w, 16);
    ctx.clip();
    ctx.fillStyle = colour;
    ctx.font = '10.5px ui-monospace, SFMono-Regular, Menlo, monospace';
    ctx.textBaseline = 'middle';
    ctx.fillText(g.label, g.x + 6, g.y + 9);
    ctx.restore();
  }

  /** A pod's shape (status style and owner badge) drawn once at this pixel ratio, for drawImage. */
  shape(cat, badge) {
    const key = `${cat}|${badge || ''}|${this.dpr}`;
    let img = this.shapes.get(key);
    if (img) return img;
    if (this.shapes.size >= MAX_SHAPES) this.shapes.clear();
    img = document.createElement('canvas');
    const side = POD + 2 * SHAPE_PAD;
    img.width = Math.ceil(side * this.dpr);
    img.height = Math.ceil(side * this.dpr);
    const c = img.getContext('2d');
    c.setTransform(img.width / side, 0, 0, img.height / side, 0, 0);
    drawPodShape(c, cat, SHAPE_PAD, SHAPE_PAD, POD, badge);
    this.shapes.set(key, img);
    return img;
  }

  drawPod(s, pulse, ctx = this.ctx) {
    const cat = s.data.category;
    const size = POD * s.scale;
    const x = s.x + (POD - size) / 2;
    const y = s.y + (POD - size) / 2;
    if (size < 0.5) return;
    const alpha = Math.max(0, s.alpha) * (cat === 'terminating' && !s.dying ? pulse : 1);
    // its cached shape, scaled while it grows or shrinks (a bitmap, not the shape's paths and text)
    const img = this.shape(cat, s.data.badge);
    const pad = SHAPE_PAD * s.scale;
    if (s.scale === 1 && alpha === 1 && !s.data.label && this.selected !== s.data.key) {
      // most pods, at rest: their shape alone, with nothing of the context to set or restore
      ctx.drawImage(img, x - pad, y - pad, size + 2 * pad, size + 2 * pad);
      return;
    }
    ctx.save();
    ctx.globalAlpha = alpha;
    ctx.drawImage(img, x - pad, y - pad, size + 2 * pad, size + 2 * pad);
    if (s.data.label && s.scale > 0.6) {
      ctx.fillStyle = cat === 'terminating' || cat === 'pending' ? '#8b95a8' : '#c9d1d9';
      ctx.font = '10.5px ui-monospace, SFMono-Regular, Menlo, monospace';
      ctx.textBaseline = 'middle';
      ctx.fillText(s.data.label, s.x + POD + 6, s.y + POD / 2 + 0.5);
    }
    if (this.selected === s.data.key) {
      ctx.globalAlpha = 1;
      ctx.setLineDash([]);
      ctx.strokeStyle = '#e6edf3';
      ctx.lineWidth = 2;
      roundRect(ctx, s.x - 3, s.y - 3, POD + 6, POD + 6, 6);
      ctx.stroke();
    }
    ctx.restore();
  }
}
