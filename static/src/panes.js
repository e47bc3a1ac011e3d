/**
 * The page's panes: the splitters between the cluster and the side column and between the editor,
 * the terminal and the events; the terminal's "Wrap lines" switch; the "Skip to editor" link.
 *
 * Owns: the splitters of templates/index.html (`role=separator` with `data-split`): each is
 * focusable, moves by pointer drag or by arrow keys (2 % a press, 10 % with Shift, Home/End to its
 * bounds) and says where it stands in `aria-valuenow` (a percentage). "main" is the cluster pane's
 * share of the page's width; "editor" and "events" are the positions of the two splitters of the
 * side column, from its top, as percentages of the room its panes share (so events ≥ editor). The
 * sizes are CSS custom properties on `.layout` (app.css lays the panes out from them) and are kept
 * in localStorage under `kubeplay.panes`, so a reload keeps them. The terminal's long lines scroll
 * sideways by default (kubectl's tables stay aligned; commands and errors wrap); "Wrap lines"
 * wraps all of them, kept in localStorage too.
 * Hands off: what fills the panes (editor.js, terminal.js, eventsregion.js); the canvas follows
 * its pane's width through main.js's ResizeObserver.
 */

const KEY = 'kubeplay.panes';
const WRAP_KEY = 'kubeplay.term.wrap';
const DEFAULTS = { main: 62, editor: 40, events: 74 };
const BOUNDS = { main: [25, 80], editor: [10, 90], events: [10, 95] };
const GAP = 8; // the least a side pane keeps between two splitters (percent)

function load() {
  try {
    const saved = JSON.parse(localStorage.getItem(KEY) || '{}');
    const out = { ...DEFAULTS };
    for (const k of Object.keys(DEFAULTS)) if (Number.isFinite(saved[k])) out[k] = saved[k];
    return out;
  } catch {
    return { ...DEFAULTS };
  }
}

/** `value` held within the splitter's bounds and, in the side column, apart from its neighbour. */
export function clampSplit(sizes, name, value) {
  let [lo, hi] = BOUNDS[name];
  if (name === 'editor') hi = Math.min(hi, sizes.events - GAP);
  if (name === 'events') lo = Math.max(lo, sizes.editor + GAP);
  return Math.round(Math.min(hi, Math.max(lo, value)) * 10) / 10;
}

export class Panes {
  constructor(doc = document) {
    this.layout = doc.querySelector('.layout');
    this.side = doc.querySelector('.side');
    this.splitters = [...doc.querySelectorAll('[role=separator][data-split]')];
    this.sizes = load();
    // saved sizes from an older page may break today's rules: clamp them in order
    for (const name of ['main', 'editor', 'events']) this.sizes[name] = clampSplit(this.sizes, name, this.sizes[name]);
    for (const s of this.splitters) this.wire(s);
    this.apply();
  }

  apply() {
    const st = this.layout && this.layout.style;
    if (st) {
      st.setProperty('--split-main', `${this.sizes.main}%`);
      st.setProperty('--split-editor', String(this.sizes.editor));
      st.setProperty('--split-terminal', String(this.sizes.events - this.sizes.editor));
      st.setProperty('--split-events', String(100 - this.sizes.events));
    }
    for (const s of this.splitters) {
      const name = s.dataset.split;
      const [lo, hi] = BOUNDS[name];
      s.setAttribute('aria-valuenow', String(this.sizes[name]));
      s.setAttribute('aria-valuemin', String(lo));
      s.setAttribute('aria-valuemax', String(hi));
      s.setAttribute('aria-valuetext', `${Math.round(this.sizes[name])} %`);
    }
  }

  set(name, value) {
    const v = clampSplit(this.sizes, name, value);
    if (v === this.sizes[name]) return;
    this.sizes[name] = v;
    this.apply();
    try { localStorage.setItem(KEY, JSON.stringify(this.sizes)); } catch { /* private mode: not kept */ }
  }

  wire(s) {
    const name = s.dataset.split;
    if (!(name in DEFAULTS)) return;
    const vertical = s.getAttribute('aria-orientation') === 'vertical';
    s.addEventListener('keydown', (e) => {
      const step = e.shiftKey ? 10 : 2;
      const keys = vertical ? { ArrowLeft: -step, ArrowRight: step } : { ArrowUp: -step, ArrowDown: step };
      if (e.key in keys) this.set(name, this.sizes[name] + keys[e.key]);
      else if (e.key === 'Home') this.set(name, -Infinity);
      else if (e.key === 'End') this.set(name, Infinity);
      else return;
      e.preventDefault();
    });
    s.addEventListener('pointerdown', (e) => {
      if (e.button !== 0) return;
      e.preventDefault();
      s.setPointerCapture(e.pointerId);
      s.classList.add('dragging');
      const box = (vertical ? this.layout : this.side).getBoundingClientRect();
      // where in the splitter it was taken: the splitter's edge, not the pointer, is the position
      const own = s.getBoundingClientRect();
      const grab = vertical ? e.clientX - own.left : e.clientY - own.top;
      const move = (ev) => {
        const pct = vertical ? (100 * (ev.clientX - grab - box.left)) / box.width : this.sidePercent(ev.clientY - grab);
        this.set(name, pct);
      };
      const up = () => {
        s.classList.remove('dragging');
        s.removeEventListener('pointermove', move);
        s.removeEventListener('pointerup', up);
        s.removeEventListener('pointercancel', up);
      };
      s.addEventListener('pointermove', move);
      s.addEventListener('pointerup', up);
      s.addEventListener('pointercancel', up);
    });
  }

  /** Where `clientY` falls in the room the side column's panes share, in percent from its top. */
  sidePercent(clientY) {
    const panes = ['#editor-pane', '#terminal-pane', '#events'].map((q) => this.side.querySelector(q)).filter(Boolean);
    if (!panes.length) return 50;
    const total = panes.reduce((a, p) => a + p.getBoundingClientRect().height, 0) || 1;
    // the room above the pointer, less the splitters there
    let above = 0;
    for (const p of panes) {
      const r = p.getBoundingClientRect();
      above += Math.max(0, Math.min(r.height, clientY - r.top));
    }
    return (100 * above) / total;
  }
}

/** The terminal's "Wrap lines" switch: `#term-out.wrap` wraps every line. */
function installWrap(doc) {
  const button = doc.getElementById('term-wrap');
  const out = doc.getElementById('term-out');
  if (!button || !out) return;
  const show = (on) => {
    out.classList.toggle('wrap', on);
    button.setAttribute('aria-pressed', String(on));
  };
  let on = false;
  try { on = localStorage.getItem(WRAP_KEY) === '1'; } catch { /* not kept */ }
  show(on);
  button.addEventListener('click', () => {
    on = !on;
    show(on);
    try { localStorage.setItem(WRAP_KEY, on ? '1' : '0'); } catch { /* not kept */ }
  });
}

/** "Skip to editor": the editor's text gets the focus (CodeMirror's content element). */
function installSkip(doc) {
  const link = doc.querySelector('.skip-link');
  if (!link) return;
  link.addEventListener('click', (e) => {
    const target = doc.querySelector('#editor .cm-content') || doc.getElementById('editor');
    if (!target) return;
    e.preventDefault();
    target.focus();
    target.scrollIntoView({ block: 'nearest' });
  });
}

let installed = null;

/** Wires the page's panes once (idempotent); returns the splitters' controller. */
export function installPanes(doc = document) {
  if (installed) return installed;
  installed = new Panes(doc);
  installWrap(doc);
  installSkip(doc);
  return installed;
}
