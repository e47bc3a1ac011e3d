/**
 * The Events region beside the terminal: the sandbox's events as `kubectl events` prints them
 * (LAST SEEN, TYPE, REASON, OBJECT, MESSAGE), filterable by object.
 *
 * Owns: the region named "Events" (templates/index.html): a Namespace chooser (the namespaces the
 * snapshot and deltas carry, "all namespaces" for `-A`), a labelled object filter (`kind/name`, as
 * the OBJECT column spells it; a datalist offers the objects listed) and the table, exactly the
 * text of `GET …/events?for=&namespace=` (the terminal's `kubectl events`, server/web/api.py), with
 * its kubectl line. Events are not in the deltas (live.py leaves them out), so each delta asks the
 * server again, at most once a second; the ages move with the clock that way too.
 * Hands off: nothing; it only reads.
 */
import { el } from './dom.js';
import { t } from './i18n.js';

const REFRESH_MS = 1000;
const ALL = '*';

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
    if (this.out.textContent !== res.output) this.out.textContent = res.output;
    if (!target) {
      const objects = objectsOf(res.output);
      if (this.options.dataset.objects !== objects.join('\n')) {
        this.options.dataset.objects = objects.join('\n');
        this.options.replaceChildren(...objects.map((o) => el('option', { value: o })));
      }
    }
    this.root.setAttribute('aria-busy', 'false');
    this.lastCost = performance.now() - this.lastRefresh;
  }
}
