/**
 * Zoom and pan of the cluster view: the buttons "Zoom in", "Zoom out" and "Fit", Ctrl+wheel (and
 * a touchpad's pinch, which browsers send as Ctrl+wheel) zooming about the pointer, and dragging
 * the view to pan it.
 *
 * Owns: the transform of `#world` (the canvas, its network overlay and the accessible mirror
 * together), so the mirror's elements — what pointer clicks, focus rings, the tooltip and the
 * popovers use — stay on the shapes at any zoom; the stage's scroll position is the pan. "Fit"
 * scales the whole layout into the stage and keeps it fitted as the layout or the stage grows or
 * shrinks, until the user zooms by hand. The scale is shown in "Zoom level" and kept in
 * `data-zoom` on the stage.
 * Drill-down (the overview, minimap.js): `focusRect(rect, {right})` zooms so a world rectangle (a
 * node) fills the view (less what the overview covers), centred; `centreOn(point)` pans without zooming; `viewRect()` is the world
 * rectangle in sight, and `onView(fn)` is told whenever it changes (a scroll, a zoom, a resize).
 * Hands off: the layout (layout.js) is computed unscaled; canvas.js draws it and, told the scale
 * by `onScale`, renders with more pixels when zoomed in so shapes stay sharp.
 * `fitScale`, `anchoredScroll` and `focusScale` are pure (tested through the page).
 */

export const MIN_SCALE = 0.1;
export const MAX_SCALE = 4;
const STEP = 1.25;
const DRAG_SLOP = 4; // px a press must travel before it pans (a shorter one is a click)
const DRILL_MAX = 2; // a drill-down to a node of three pods does not blow them up to 400 %

const clamp = (k) => Math.min(MAX_SCALE, Math.max(MIN_SCALE, k));

/** The scale at which a `w`×`h` layout fits a `vw`×`vh` view (never above 1: Fit does not magnify). */
export function fitScale(w, h, vw, vh) {
  if (!(w > 0 && h > 0 && vw > 0 && vh > 0)) return 1;
  return clamp(Math.min(1, vw / w, vh / h));
}

/** The scroll offset that keeps the world point under `at` (view px) there when the scale goes `k0` → `k1`. */
export function anchoredScroll(scroll, at, offset0, offset1, k0, k1) {
  const world = (scroll + at - offset0) / k0;
  return world * k1 + offset1 - at;
}

/** The scale at which a `w`×`h` world rectangle, with `pad` px around it, fills a `vw`×`vh` view (at most `max`). */
export function focusScale(w, h, vw, vh, pad = 16, max = DRILL_MAX) {
  if (!(w > 0 && h > 0 && vw > 0 && vh > 0)) return 1;
  return clamp(Math.min(max, (vw - 2 * pad) / w, (vh - 2 * pad) / h));
}

export class Zoom {
  /**
   * @param {{stage: HTMLElement, world: HTMLElement, controls: HTMLElement|null,
   *          size: () => ({width: number, height: number}) | null, onScale?: (k: number) => void}} opts
   */
  constructor({ stage, world, controls, size, onScale }) {
    this.stage = stage;
    this.world = world;
    this.size = size;
    this.onScale = onScale || (() => {});
    this.scale = 1;
    this.offsetX = 0; // the world's left margin when it is narrower than the stage (centred)
    this.fitting = false;
    this.level = controls && controls.querySelector('.zoom-level');
    this.viewListeners = new Set();
    if (controls) {
      controls.addEventListener('click', (e) => {
        const b = e.target.closest('[data-zoom]');
        if (!b) return;
        if (b.dataset.zoom === 'in') this.zoomBy(STEP);
        else if (b.dataset.zoom === 'out') this.zoomBy(1 / STEP);
        else this.fit();
      });
    }
    stage.addEventListener('wheel', (e) => {
      if (!e.ctrlKey && !e.metaKey) return;
      e.preventDefault();
      const r = stage.getBoundingClientRect();
      this.zoomBy(Math.exp(-e.deltaY * 0.002), { x: e.clientX - r.left - stage.clientLeft, y: e.clientY - r.top - stage.clientTop });
    }, { passive: false });
    this.wirePan();
    stage.addEventListener('scroll', () => this.viewChanged(), { passive: true });
    // the stage changes size (a splitter, the traffic strip opening): a fitted view fits again
    if (typeof ResizeObserver === 'function') new ResizeObserver(() => this.layoutChanged()).observe(stage);
    this.apply();
  }

  zoomBy(factor, at = null) {
    const st = this.stage;
    this.setScale(this.scale * factor, at || { x: st.clientWidth / 2, y: st.clientHeight / 2 });
  }

  /** Scale to `k`, keeping the world point under `at` (stage px) in place; leaves fit mode. */
  setScale(k, at) {
    this.fitting = false;
    this.scaleTo(clamp(k), at);
  }

  fit() {
    this.fitting = true;
    const s = this.size();
    if (!s) return;
    this.scaleTo(fitScale(s.width, s.height, this.stage.clientWidth, this.stage.clientHeight), { x: 0, y: 0 });
    this.stage.scrollLeft = 0;
    this.stage.scrollTop = 0;
  }

  /** Zooms so the world rectangle `rect` ({x, y, w, h}, unscaled layout px) fills the view, centred
   * (a node of the overview: drill-down); `right` px of the stage's right side are covered (the
   * overview), so the rectangle is fitted and centred left of them. Leaves fit mode. */
  focusRect(rect, { right = 0 } = {}) {
    const st = this.stage;
    const vw = Math.max(st.clientWidth / 2, st.clientWidth - right);
    this.fitting = false;
    this.scale = focusScale(rect.w, rect.h, vw, st.clientHeight);
    this.apply();
    this.centreOn({ x: rect.x + rect.w / 2, y: rect.y + rect.h / 2 }, { x: vw / 2, y: st.clientHeight / 2 });
  }

  /** Pans (the scale stays) so the world point `p` is at the view point `at` (the middle by default). */
  centreOn(p, at = null) {
    const st = this.stage;
    const to = at || { x: st.clientWidth / 2, y: st.clientHeight / 2 };
    st.scrollLeft = p.x * this.scale + this.offsetX - to.x;
    st.scrollTop = p.y * this.scale - to.y;
    this.viewChanged();
  }

  /** The world rectangle in sight (unscaled layout px). */
  viewRect() {
    const st = this.stage;
    const k = this.scale;
    return { x: (st.scrollLeft - this.offsetX) / k, y: st.scrollTop / k, w: st.clientWidth / k, h: st.clientHeight / k };
  }

  /** `fn(viewRect)` after every scroll, zoom or resize of the view; returns the unsubscribe. */
  onView(fn) {
    this.viewListeners.add(fn);
    return () => this.viewListeners.delete(fn);
  }

  viewChanged() {
    const r = this.viewRect();
    this.view = r; // kept for readers in a frame (reading the stage's scroll there forces a layout)
    for (const fn of this.viewListeners) fn(r);
  }

  /** `viewRect()` as of the last scroll, zoom or resize: free to read in an animation frame. */
  lastView() {
    return this.view || this.viewRect();
  }

  /** The layout changed size: a fitted view is fitted again; otherwise only the margins follow. */
  layoutChanged() {
    if (this.fitting) this.fit();
    else this.apply();
  }

  scaleTo(k, at) {
    const st = this.stage;
    const k0 = this.scale;
    const x0 = this.offsetX;
    const sl = st.scrollLeft;
    const stp = st.scrollTop;
    this.scale = k;
    this.apply();
    st.scrollLeft = anchoredScroll(sl, at.x, x0, this.offsetX, k0, k);
    st.scrollTop = anchoredScroll(stp, at.y, 0, 0, k0, k);
  }

  apply() {
    const s = this.size();
    const k = this.scale;
    // a world narrower than the stage sits in its middle
    this.offsetX = s ? Math.max(0, Math.floor((this.stage.clientWidth - s.width * k) / 2)) : 0;
    const t = k === 1 && this.offsetX === 0 ? '' : `translate(${this.offsetX}px, 0) scale(${k})`;
    if (this.world.style.transform !== t) this.world.style.transform = t;
    const pct = `${Math.round(k * 100)}%`;
    if (this.level && this.level.textContent !== pct) this.level.textContent = pct;
    this.stage.dataset.zoom = String(Math.round(k * 1000) / 1000);
    this.onScale(k);
    this.viewChanged();
  }

  /** Dragging the view pans it; a press that hardly moves stays a click on what is under it. */
  wirePan() {
    const st = this.stage;
    let press = null;
    let swallow = false;
    st.addEventListener('pointerdown', (e) => {
      if (e.button !== 0 || e.pointerType === 'touch' || e.target.closest('input, select, textarea, a')) return;
      press = { id: e.pointerId, x: e.clientX, y: e.clientY, left: st.scrollLeft, top: st.scrollTop, panning: false };
    });
    st.addEventListener('pointermove', (e) => {
      if (!press || e.pointerId !== press.id) return;
      const dx = e.clientX - press.x;
      const dy = e.clientY - press.y;
      if (!press.panning) {
        if (Math.hypot(dx, dy) < DRAG_SLOP) return;
        press.panning = true;
        st.classList.add('panning');
        st.setPointerCapture(e.pointerId);
      }
      st.scrollLeft = press.left - dx;
      st.scrollTop = press.top - dy;
    });
    const end = (e) => {
      if (!press || e.pointerId !== press.id) return;
      if (press.panning) {
        swallow = true; // the click that ends a drag is not a click on a pod
        st.classList.remove('panning');
        setTimeout(() => { swallow = false; }, 0);
      }
      press = null;
    };
    st.addEventListener('pointerup', end);
    st.addEventListener('pointercancel', end);
    st.addEventListener('click', (e) => {
      if (!swallow) return;
      swallow = false;
      e.stopPropagation();
      e.preventDefault();
    }, true);
  }
}
