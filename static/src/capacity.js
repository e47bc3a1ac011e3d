/**
 * Per-node capacity bars (issue 10): requested / allocatable CPU, memory and pods, drawn under a
 * node's header (layout.js leaves `CAPACITY_H` px for them; canvas.js calls `drawCapacity`), so why
 * a pod is Pending ("Insufficient cpu") shows before anyone runs `kubectl describe`.
 *
 * Owns: the bars and their words — `capacityParts(cells)` (pure: each resource's label, fraction
 * and state), `capacityText(cells)` (the node's accessible description: a11y.js puts it on the
 * node's group) and `drawCapacity(ctx, n)`. The numbers are the server's node cells `requested` and
 * `allocatable` ({cpu: millicores, memory: bytes, pods}): the scheduler's own counters and the
 * Node's status.allocatable, the same numbers `kubectl describe node` prints in "Allocated
 * resources" — the page computes no sums of its own. Percentages are describe's
 * (`int64(float64(req) / float64(alloc) * 100)`). Over-commit (requests beyond allocatable, e.g. pods
 * bound by spec.nodeName past the scheduler) fills the bar red and marks it.
 * Hands off: nothing; the cells come from store.js `cellsOf` through the layout node.
 */
import { t } from './i18n.js';

/** Height the bars take under a node's header. */
export const CAPACITY_H = 20;

const TOP = 44;        // where the bars' band starts below the node's top edge
const BAR_Y = 12;      // the bar's offset inside the band (the label sits above it)
const BAR_H = 4;
const GAP = 10;
const TRACK = '#21262d';

/** millicores as a quantity reads: 2000 → "2", 950 → "950m", 1500 → "1500m" (kubectl's DecimalSI). */
export function cpuText(milli) {
  return milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`;
}

/** bytes in binary units with one decimal: 1288490188 → "1.2Gi", 125829120 → "120Mi", 0 → "0". */
export function memoryText(bytes) {
  const units = ['Ki', 'Mi', 'Gi', 'Ti', 'Pi'];
  if (bytes < 1024) return String(bytes);
  let v = bytes;
  let u = -1;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  const s = v >= 100 ? String(Math.round(v)) : String(Math.round(v * 10) / 10);
  return `${s}${units[u]}`;
}

/** describe's percentage: the integer part of requested / allocatable × 100 (0 for no allocatable). */
export function percent(req, alloc) {
  return alloc ? Math.trunc((req / alloc) * 100) : 0;
}

/** fraction → 'ok' | 'busy' | 'full' | 'over' (the bar's colour). */
export function fillState(req, alloc) {
  if (alloc <= 0) return req > 0 ? 'over' : 'ok';
  const f = req / alloc;
  if (f > 1) return 'over';
  if (f >= 0.9) return 'full';
  if (f >= 0.7) return 'busy';
  return 'ok';
}

const COLOURS = { ok: '#3fb950', busy: '#d29922', full: '#f0883e', over: '#f85149' };

/** Whether two amounts end in the same unit ("1.9Gi", "3.7Gi"), so the first may drop it. */
function sameUnit(a, b) {
  const ua = /[A-Za-z]+$/.exec(a);
  const ub = /[A-Za-z]+$/.exec(b);
  return Boolean(ua && ub && ua[0] === ub[0]);
}

/**
 * The three bars of a node's cells, or [] when the cells carry no capacity (a server without it):
 * [{resource, label, compact, short, requested, allocatable, percent, state}] — `compact` drops a
 * unit the two amounts share ("mem 1.9/3.7Gi"), `short` the resource's name too, for narrow nodes.
 */
export function capacityParts(cells) {
  const req = cells && cells.requested;
  const alloc = cells && cells.allocatable;
  if (!req || !alloc) return [];
  const parts = [
    ['cpu', 'cpu', cpuText(req.cpu), cpuText(alloc.cpu), req.cpu, alloc.cpu],
    ['memory', 'mem', memoryText(req.memory), memoryText(alloc.memory), req.memory, alloc.memory],
    ['pods', 'pods', String(req.pods), String(alloc.pods), req.pods, alloc.pods],
  ];
  return parts.map(([resource, name, r, a, rn, an]) => ({
    resource,
    label: `${name} ${r}/${a}`,
    compact: `${name} ${sameUnit(r, a) ? r.replace(/[A-Za-z]+$/, '') : r}/${a}`,
    short: `${r}/${a}`,
    requested: rn,
    allocatable: an,
    percent: percent(rn, an),
    state: fillState(rn, an),
  }));
}

/**
 * The node's capacity in words, for its accessible description:
 * "requested: cpu 950m/2 (47%), mem 1.2Gi/3.7Gi (32%), pods 12/110 (10%)" ('' without capacity cells).
 */
export function capacityText(cells) {
  const parts = capacityParts(cells);
  if (!parts.length) return '';
  const text = parts.map((p) => `${p.label} (${p.percent}%${p.state === 'over' ? `, ${t('over-committed')}` : ''})`);
  return t('requested: {list}', { list: text.join(', ') });
}

/** Draws node `n`'s bars (a layout node: x, y, w, cells) in the band under its header. */
export function drawCapacity(ctx, n) {
  const parts = capacityParts(n.cells);
  if (!parts.length) return;
  const x0 = n.x + 10;
  const colW = (n.w - 20 - GAP * (parts.length - 1)) / parts.length;
  const y = n.y + TOP;
  ctx.save();
  ctx.font = '10px system-ui, sans-serif';
  ctx.textBaseline = 'middle';
  parts.forEach((p, i) => {
    const x = x0 + i * (colW + GAP);
    const colour = COLOURS[p.state];
    // the label, shortened (then clipped) when the column is narrow
    let label = p.label;
    if (ctx.measureText(label).width > colW) label = p.compact;
    if (ctx.measureText(label).width > colW) label = p.short;
    ctx.save();
    ctx.beginPath();
    ctx.rect(x, y, colW, BAR_Y);
    ctx.clip();
    ctx.fillStyle = p.state === 'over' ? COLOURS.over : '#8b95a8';
    ctx.fillText(label, x, y + 5.5);
    ctx.restore();
    // the bar: the track, then the requested part (whole and red when over-committed)
    ctx.fillStyle = TRACK;
    ctx.fillRect(x, y + BAR_Y, colW, BAR_H);
    const f = p.allocatable > 0 ? Math.min(1, p.requested / p.allocatable) : (p.requested > 0 ? 1 : 0);
    ctx.fillStyle = colour;
    ctx.fillRect(x, y + BAR_Y, Math.max(f > 0 ? 1 : 0, colW * f), BAR_H);
    if (p.state === 'over') {
      // a notch past the end says "more than there is"
      ctx.fillRect(x + colW - 2, y + BAR_Y - 3, 2, BAR_H + 6);
    }
  });
  ctx.restore();
}
