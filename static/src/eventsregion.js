/**
 * The Events region beside the terminal: the sandbox's events as `kubectl events` prints them
 * (LAST SEEN, TYPE, REASON, OBJECT, MESSAGE), filterable by object.
 *
 * Owns: the region named "Events" (templates/index.html): a Namespace chooser (the namespaces the
 * snapshot and deltas carry, "all namespaces" for `-A`), a labelled object filter (`kind/name`, as
 * the OBJECT column spells it; a datalist offers the objects listed) and the table, exactly the
 * text of `GET …/events?for=&namespace=&last=` (the terminal's `kubectl events`, server/web/api.py),
 * with its kubectl line. Events are not in the deltas (live.py leaves them out), so each delta asks
 * the server again, at most once a second; the ages move with the clock that way too.
 * Cost at 10,000 pods (some 40,000 events, a 7 MB table): the region asks for kubectl's header and
 * the newest `MAX_ROWS` rows only (`last=`: the very lines of the whole table, which the server
 * builds and sends alone — building and sending the whole table took 5–7 s under the sandbox's
 * lock); a note above says how many earlier rows there are (`shownRows`, from the answer's `rows`)
 * and that filtering by object shows an object's; the object filter's suggestions are the objects
 * of those rows: laying out 40,000 lines of text took the page 1.4 s each second, and a datalist of
 * 10,000 objects helps nobody. A small cluster's table is shown whole.
 * Hands off: nothing; it only reads.
 */
import { el } from './dom.js';
import { t } from './i18n.js';

const REFRESH_MS = 1000;
const ALL = '*';
/** The most rows of the table the region shows (the newest: `kubectl events` prints them last). */
export const MAX_ROWS = 300;

/**
 * `{text, rows, shown}`: an answer `res` of `GET …/events?last=max` as the region shows it — its
 * text (kubectl's header and the table's newest `max` rows, or kubectl's words when there are no
 * events); `rows` how many rows the whole table has, `shown` how many of them the text has.
 */
export function shownRows(res, max = MAX_ROWS) {
  const rows = res.rows || 0;
  return { text: res.output, rows, shown: Math.min(rows, max) };
}

/** The OBJECT column of a `kubectl events` table: each row's object, once, in order. */
export function objectsOf(table) {
  const lines = table.split('\n');
  const head = lines[0] || '';
  const from = head.indexOf('OBJECT');
  const to = head.indexOf('MESSAGE');
  if (from < 0 || to < from) return [];
  const seen = new Set();
  for (const line of lines.slice(1)) {
    const cell = line.slice(from, to).trim().split(/\s+/)[0];
    if (cell) seen.add(cell);
  }
  return [...seen];
}

export class EventsRegion {
  constructor(root, { sandbox }) {
    this.root = root;
    this.sandbox = sandbox;
    this.out = root.querySelector('.events-out');
    this.command = root.querySelector('.events-command');
    this.filter = root.querySelector('.events-for');
    this.namespace = root.querySelector('.events-namespace');
    this.options = root.querySelector('datalist');
    // what the table leaves out of a big cluster's events (`newestRows`)
    this.more = document.createElement('p');
    this.more.className = 'events-more muted';
    this.more.hidden = true;
    this.out.before(this.more);
    this.namespaces = new Set(['default']);
    this.timer = null;
    this.lastRefresh = 0;
    this.loaded = 0;
    let typing = null;
    this.filter.addEventListener('input', () => {
      clearTimeout(typing);
      typing = setTimeout(() => this.load(), 300);
    });
    this.filter.addEventListener('change', () => { clearTimeout(typing); this.load(); });
    this.namespace.addEventListener('change', () => this.load());
  }

  follow(socket) {
    socket.on('snapshot', (msg) => {
      this.takeNamespaces((msg && msg.objects) || [], []);
      this.load();
    });
    socket.on('delta', (msg) => {
      const events = (msg && msg.events) || [];
      this.takeNamespaces(events.filter((e) => e.type !== 'DELETED').map((e) => e.object),
        events.filter((e) => e.type === 'DELETED').map((e) => e.object));
      this.refreshSoon();
    });
  }

  takeNamespaces(added, deleted) {
    let changed = false;
    for (const o of added) {
      if (o && o.kind === 'Namespace' && !this.namespaces.has(o.metadata.name)) {
        this.namespaces.add(o.metadata.name);
        changed = true;
      }
    }
    for (const o of deleted) {
      if (o && o.kind === 'Namespace' && o.metadata.name !== 'default') changed = this.namespaces.delete(o.metadata.name) || changed;
    }
    if (!changed) return;
    const keep = this.namespace.value || 'default';
    this.namespace.replaceChildren(el('option', { value: ALL }, t('all namespaces')),
      ...[...this.namespaces].sort().map((ns) => el('option', { value: ns }, ns)));
    this.namespace.value = keep === ALL || this.namespaces.has(keep) ? keep : 'default';
  }

  refreshSoon() {
    if (this.timer) return;
    // at least REFRESH_MS apart, and 4 times what the last load cost (a big cluster's events take
    // the server and the page longer to list and draw: the page stays responsive meanwhile)
    const gap = Math.max(REFRESH_MS, 4 * (this.lastCost || 0));
    const wait = Math.max(0, gap - (performance.now() - this.lastRefresh));
    this.timer = setTimeout(() => { this.timer = null; this.load(); }, wait);
  }

  async load() {
    const n = ++this.loaded;
    this.lastRefresh = performance.now();
    const params = new URLSearchParams();
    const ns = this.namespace.value || 'default';
    if (ns !== ALL) params.set('namespace', ns);
    const target = this.filter.value.trim();
    if (target) params.set('for', target);
    params.set('last', MAX_ROWS);
    let res;
    try {
      res = await this.sandbox.get(`/events?${params}`);
    } catch (e) {
      if (n === this.loaded) {
        this.out.textContent = e.message;
        this.root.setAttribute('aria-busy', 'false');
      }
      return;
    }
    if (n !== this.loaded) return;
    this.command.textContent = `$ ${res.command}`;
    const view = shownRows(res);
    if (this.out.textContent !== view.text) this.out.textContent = view.text;
    const more = view.shown < view.rows
      ? t('The newest {shown} of {rows} events: filter by object to see its earlier ones.',
        { shown: view.shown.toLocaleString('en-US'), rows: view.rows.toLocaleString('en-US') })
      : '';
    if (this.more.textContent !== more) this.more.textContent = more;
    this.more.hidden = !more;
    if (!target) {
      const objects = objectsOf(view.text);
      if (this.options.dataset.objects !== objects.join('\n')) {
        this.options.dataset.objects = objects.join('\n');
        this.options.replaceChildren(...objects.map((o) => el('option', { value: o })));
      }
    }
    this.root.setAttribute('aria-busy', 'false');
    this.lastCost = performance.now() - this.lastRefresh;
  }
}
