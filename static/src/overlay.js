/**
 * The transparent canvases drawn over the cluster canvas (canvas.js): the network overlay's
 * (netfx.js) and the sprites in motion's (canvas.js MotionLayer). Each covers the same layout
 * rectangle as the cluster canvas (its `area`, layout px) at the same pixel ratio.
 */

/** A transparent canvas placed right after `base` in the document (so above it), hidden from
 * assistive technology (the mirror, a11y.js, is what they read). */
export function overlayCanvas(base, className) {
  const canvas = document.createElement('canvas');
  canvas.className = className;
  canvas.setAttribute('aria-hidden', 'true');
  base.after(canvas);
  return canvas;
}

/** Moves and sizes `canvas`, which covered layout rectangle `from` at `fromDpr`, to cover `area` at
 * `dpr`; its bitmap is given a new size (so cleared) only when it needs one. */
export function placeOverlay(canvas, from, fromDpr, area, dpr) {
  const style = canvas.style;
  if (!from || from.x !== area.x) style.left = `${area.x}px`;
  if (!from || from.y !== area.y) style.top = `${area.y}px`;
  if (!from || from.w !== area.w || from.h !== area.h || fromDpr !== dpr) {
    const w = Math.round(area.w * dpr), h = Math.round(area.h * dpr);
    if (canvas.width !== w || canvas.height !== h) {
      canvas.width = w;
      canvas.height = h;
    }
    style.width = `${area.w}px`;
    style.height = `${area.h}px`;
  }
}
