/**
 * A spatial index of the canvas's resting sprites (canvas.js): a grid of square cells, each the set
 * of the sprites whose corner (`x`, `y`, layout px) lies in it. A paint asks it for the sprites near
 * the rectangle it repaints, so a frame's cost follows the rectangle, not the number of pods (at
 * 10,000 pods a walk of every sprite a frame was most of a small repaint's cost).
 *
 * A sprite carries its cell's key (`cell`); `put` moves it when its corner has left that cell.
 */
const COLUMNS = 4096; // cells a row may have (a key is row × COLUMNS + column)

export class SpriteGrid {
  constructor(size = 128) {
    this.size = size;
    this.cells = new Map(); // key → Set of sprites
  }

  column(x) {
    return Math.max(0, Math.min(COLUMNS - 1, Math.floor(x / this.size)));
  }

  row(y) {
    return Math.max(0, Math.floor(y / this.size));
  }

  /** Indexes sprite `s` at its corner (again, if it moved to another cell). */
  put(s) {
    const key = this.row(s.y) * COLUMNS + this.column(s.x);
    if (s.cell === key) return;
    this.remove(s);
    let cell = this.cells.get(key);
    if (!cell) this.cells.set(key, cell = new Set());
    cell.add(s);
    s.cell = key;
  }

  remove(s) {
    if (s.cell === undefined) return;
    const cell = this.cells.get(s.cell);
    cell.delete(s);
    if (!cell.size) this.cells.delete(s.cell);
    s.cell = undefined;
  }

  /** Calls `visit` with each sprite whose corner may lie in rectangle `r` (all of those, and some
   * more: the cells' sprites it touches). */
  near(r, visit) {
    const c0 = this.column(r.x), c1 = this.column(r.x + r.w);
    const r0 = this.row(r.y), r1 = this.row(r.y + r.h);
    for (let row = r0; row <= r1; row++) {
      for (let col = c0; col <= c1; col++) {
        const cell = this.cells.get(row * COLUMNS + col);
        if (cell) for (const s of cell) visit(s);
      }
    }
  }
}
