/**
 * The page's drawn canvases: their drawing surfaces (`surfaceOf`), and the transparent ones drawn
 * over the cluster canvas (canvas.js): the network overlay's (netfx.js) and the sprites in motion's
 * (canvas.js paintMotion), placed on a layout rectangle (`area`, layout px) at a pixel ratio.
 */

/**
 * The surface to draw `canvas` on: its OffscreenCanvas where the browser can hand one over, else
 * the element itself. Chromium copies a <canvas> element's bitmap to the compositor on every frame
 * the page commits, whether it was drawn on or not; an OffscreenCanvas's only on the frames it was
 * drawn on. Measured in headless Chromium (three 900×700 canvases, one drawn each frame): 3 copies
 * and 3.1 ms of the main thread a frame as elements, 0.8 copies and 0.4 ms as OffscreenCanvases.
 * The element keeps its place, style and data attributes; its bitmap's size is the surface's.
 */
export function surfaceOf(canvas) {
  return typeof canvas.transferControlToOffscreen === 'function' ? canvas.transferControlToOffscreen() : canvas;
}

/** A transparent canvas placed right after `base` in the document (so above it), hidden from
 * assistive technology (the mirror, a11y.js, is what they read). */
export function overlayCanvas(base, className) {
  const canvas = document.createElement('canvas');
  canvas.className = className;
  canvas.setAttribute('aria-hidden', 'true');
  base.after(canvas);
  return canvas;
}

/** Moves and sizes `canvas` (drawn on `surface`), which covered layout rectangle `from` at
 * `fromDpr`, to cover `area` at `dpr`; its bitmap is given a new size (so cleared) only when it
 * needs one. */
export function placeOverlay(canvas, surface, from, fromDpr, area, dpr) {
  const style = canvas.style;
  if (!from || from.x !== area.x) style.left = `${area.x}px`;
  if (!from || from.y !== area.y) style.top = `${area.y}px`;
  if (!from || from.w !== area.w || from.h !== area.h || fromDpr !== dpr) {
    const w = Math.round(area.w * dpr), h = Math.round(area.h * dpr);
    if (surface.width !== w || surface.height !== h) {
      surface.width = w;
      surface.height = h;
    }
    style.width = `${area.w}px`;
    style.height = `${area.h}px`;
  }
}
