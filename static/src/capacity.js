/**
 * Per-node capacity bars (issue 10): requested / allocatable CPU, memory and pods, drawn under a
 * node's header (layout.js leaves `CAPACITY_H` px for them; canvas.js calls `drawCapacity`).
 */

/** Height the bars take under a node's header. */
export const CAPACITY_H = 0;

/** Draws node `n`'s bars (a layout node: x, y, w, head, cells). */
export function drawCapacity(ctx, n) { // eslint-disable-line no-unused-vars
}
