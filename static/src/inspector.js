/**
 * The inspector: one object (pod, node, service, workload) in a panel with the tabs YAML, Describe,
 * Logs and Events, and for a pod an Exec button.
 *
 * Owns: the region named "Inspector" (templates/index.html) and its ARIA tablist — ←/→/Home/End move
 * between the tabs (automatic activation), Escape closes and focus goes back to the object that
 * opened it. Each tab shows exactly what the terminal's kubectl prints, from the server's read-only
 * routes (`GET …/objects/<kind>/<ns>/<name>/yaml|describe|logs|events`, server/web/api.py), with the
 * kubectl line above it so it can be learnt. YAML is live (it follows the object's deltas until the
 * user edits it) and editable: Apply sends the text through `POST /apply`, as the editor does. Logs
 * follow while the tab is open (`?follow=<socket id>`: the terminal's `logs -f` stream, its `stream`
 * messages, `POST /streams/<id>/stop` when the tab, the object or the panel changes). Exec types
 * `kubectl exec -it <pod> -- sh` into the terminal (`Terminal.run`), so the shell opens there.
 * Describe and Events are read again, at most once a second, while deltas arrive (Events are not in
 * the deltas, so the server is asked).
 * Hands off: opened by the accessible mirror's `kubeplay-inspect` events (a11y.js) or `open(ref)`.
 */
import { el } from './dom.js';
import { EventsRegion } from './eventsregion.js';
import { t } from './i18n.js';

export const TABS = [['yaml', 'YAML'], ['describe', 'Describe'], ['logs', 'Logs'], ['events', 'Events']];
/** kinds `kubectl logs` reads (a workload's: its first pod's, as kubectl picks it) */
const LOG_KINDS = new Set(['pod', 'replicaset', 'deployment', 'statefulset', 'daemonset', 'job']);
const CLUSTER_SCOPED = new Set(['node', 'namespace', 'persistentvolume', 'storageclass', 'clusterrole',
  'clusterrolebinding', 'priorityclass', 'ingressclass', 'customresourcedefinition']);
const REFRESH_MS = 1000;

/** The tab after `i` when `key` is pressed among `n` tabs (null: not a tablist key). */
export function nextTab(i, key, n) {
  if (key === 'ArrowRight') return (i + 1) % n;
  if (key === 'ArrowLeft') return (i - 1 + n) % n;
  if (key === 'Home') return 0;
  if (key === 'End') return n - 1;
  return null;
}

/** The `kubectl exec` line the Exec button types for a pod. */
export function execLine(namespace, name) {
  const ns = namespace && namespace !== 'default' ? ` -n ${namespace}` : '';
  return `kubectl exec -it ${name}${ns} -- sh`;
}

/** `spec.containers[].name` of a pod as `kubectl get -o yaml` prints it (keys sorted, two-space indent). */
export function containerNames(yaml) {
  const lines = yaml.split('\n');
  const start = lines.indexOf('  containers:');
  const names = [];
  for (let i = start + 1; start >= 0 && i < lines.length; i++) {
    const line = lines[i];
    if (!line.startsWith('  - ') && !line.startsWith('    ')) break;
    const m = line.match(/^(?: {2}- | {4})name: (\S+)$/);
    if (m) names.push(m[1].replace(/^"(.*)"$/, '$1'));
  }
  return names;
}

export class Inspector {
  constructor(root, { sandbox, terminal }) {
    this.root = root;
    this.sandbox = sandbox;
    this.terminal = terminal;
    this.socket = null;
    this.ref = null; // {kind, namespace, name, opener}
    this.tab = 'yaml';
    this.dirty = false;
    this.stream = null; // the followed log's id
    this.loaded = 0; // a counter: answers for an older object or tab are dropped
    this.timer = null;
    this.lastRefresh = 0;
    this.build();
    root.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        e.stopPropagation();
        this.close();
      }
    });
    document.addEventListener('kubeplay-inspect', (e) => this.open(e.detail));
  }

  build() {
    const r = this.root;
    this.title = r.querySelector('.insp-object');
    this.command = r.querySelector('.insp-command');
    this.exec = r.querySelector('.insp-exec');
    this.exec.addEventListener('click', () => this.runExec());
    r.querySelector('.insp-close').addEventListener('click', () => this.close());
    this.tablist = r.querySelector('[role=tablist]');
    this.tabs = new Map();
    this.panels = new Map();
    for (const [id] of TABS) {
      const tab = r.querySelector(`[role=tab][data-tab=${id}]`);
      const panel = r.querySelector(`[role=tabpanel][data-tab=${id}]`);
      tab.addEventListener('click', () => this.select(id));
      this.tabs.set(id, tab);
      this.panels.set(id, panel);
    }
    this.tablist.addEventListener('keydown', (e) => {
      const shown = TABS.map(([id]) => id).filter((id) => !this.tabs.get(id).hidden);
      const i = nextTab(shown.indexOf(this.tab), e.key, shown.length);
      if (i === null) return;
      e.preventDefault();
      this.select(shown[i]);
      this.tabs.get(shown[i]).focus();
    });
    this.yaml = r.querySelector('.insp-yaml');
    this.yaml.addEventListener('input', () => { this.dirty = true; this.note(t('Edited: Apply changes the object.')); });
    this.applyButton = r.querySelector('.insp-apply');
    this.applyButton.addEventListener('click', () => this.apply());
    r.querySelector('.insp-revert').addEventListener('click', () => { this.dirty = false; this.load(); });
    this.status = r.querySelector('.insp-status');
    this.containers = r.querySelector('.insp-container');
    this.containers.addEventListener('change', () => { if (this.tab === 'logs') this.load(); });
    this.out = { describe: r.querySelector('.insp-describe'), logs: r.querySelector('.insp-logs'),
      events: r.querySelector('.insp-events') };
  }

  /** Live updates: the object's deltas, the followed log's `stream` messages. */
  follow(socket) {
    this.socket = socket;
    socket.on('delta', (msg) => this.onDelta(msg));
    socket.on('stream', (msg) => {
      if (!msg || !this.stream || msg.id !== this.stream) return;
      if (msg.output) this.appendLog(msg.output);
      if (msg.done) {
        this.stream = null;
        this.note(t('The log ended (exit code {code}).', { code: msg.exitCode }));
      }
    });
  }

  isOpen() { return Boolean(this.ref) && !this.root.hidden; }

  /** Shows `ref` ({kind, namespace, name, opener}); the YAML tab first. */
  open(ref) {
    if (!ref || !ref.kind || !ref.name) return;
    this.stopLog();
    const kind = ref.kind.toLowerCase();
    this.ref = { ...ref, kind, namespace: CLUSTER_SCOPED.has(kind) ? '' : (ref.namespace || 'default') };
    this.dirty = false;
    this.title.textContent = `${kind}/${ref.name}${this.ref.namespace ? ` · ${this.ref.namespace}` : ''}`;
    this.root.setAttribute('aria-description', `${kind} ${ref.name}`);
    this.exec.hidden = kind !== 'pod';
    this.tabs.get('logs').hidden = !LOG_KINDS.has(kind);
    this.containers.replaceChildren(el('option', { value: '' }, t('default container')));
    this.root.hidden = false;
    this.select('yaml');
    this.tabs.get('yaml').focus();
  }

  close() {
    if (!this.ref) return;
    this.stopLog();
    const { opener } = this.ref;
    this.ref = null;
    this.root.hidden = true;
    if (opener && opener.isConnected) opener.focus();
  }

  select(id) {
    if (!this.ref) return;
    if (this.tab === 'logs' && id !== 'logs') this.stopLog();
    this.tab = id;
    for (const [t, tab] of this.tabs) {
      const on = t === id;
      tab.setAttribute('aria-selected', String(on));
      tab.tabIndex = on ? 0 : -1;
      this.panels.get(t).hidden = !on;
    }
    this.load();
  }

  path(view) {
    const { kind, namespace, name } = this.ref;
    const ns = namespace || '-';
    return `/objects/${encodeURIComponent(kind)}/${encodeURIComponent(ns)}/${encodeURIComponent(name)}/${view}`;
  }

  note(text) { this.status.textContent = text; }

  /** Reads the current tab again (YAML only while unedited; Logs opens its stream). */
  async load() {
    if (!this.ref) return;
    const tab = this.tab;
    const n = ++this.loaded;
    this.lastRefresh = performance.now();
    let query = '';
    if (tab === 'logs') {
      this.stopLog();
      const params = new URLSearchParams();
      if (this.containers.value) params.set('container', this.containers.value);
      if (this.socket && this.socket.connected) params.set('follow', this.socket.id);
      query = params.toString() ? `?${params}` : '';
    }
    if (tab === 'yaml' && this.dirty) return;
    let res;
    try {
      res = await this.sandbox.get(this.path(tab) + query);
    } catch (e) {
      if (n === this.loaded) this.note(`inspector: ${e.message}`);
      return;
    }
    if (n !== this.loaded || !this.ref || this.tab !== tab) {
      if (res.stream) this.sandbox.post(`/streams/${encodeURIComponent(res.stream.id)}/stop`, {}).catch(() => {});
      return;
    }
    this.command.textContent = `$ ${res.command}`;
    if (tab === 'yaml') {
      if (this.dirty) return;
      this.yaml.value = res.output;
      this.note(res.exitCode === 0 ? t('Live: follows the object until you edit it.') : '');
      if (res.exitCode === 0) this.takeContainers(res.output);
    } else {
      this.out[tab].textContent = res.output;
      this.out[tab].dataset.exitCode = String(res.exitCode);
      if (tab === 'logs') {
        this.stream = res.stream ? res.stream.id : null;
        this.note(this.stream ? t('Following the log while this tab is open.') : '');
      } else {
        this.note('');
      }
    }
  }

  /** The pod's containers for the Logs tab's chooser, read from its YAML (`spec.containers[].name`). */
  takeContainers(yaml) {
    if (this.ref.kind !== 'pod') return;
    const found = containerNames(yaml);
    const have = [...this.containers.options].map((o) => o.value).slice(1);
    if (have.join(',') === found.join(',')) return;
    const keep = this.containers.value;
    this.containers.replaceChildren(el('option', { value: '' }, t('default container')),
      ...found.map((c) => el('option', { value: c }, c)));
    if (found.includes(keep)) this.containers.value = keep;
  }

  appendLog(text) {
    const out = this.out.logs;
    const atEnd = out.scrollTop + out.clientHeight >= out.scrollHeight - 4;
    out.append(text);
    if (atEnd) out.scrollTop = out.scrollHeight;
  }

  stopLog() {
    if (!this.stream) return;
    const id = this.stream;
    this.stream = null;
    this.sandbox.post(`/streams/${encodeURIComponent(id)}/stop`, {}).catch(() => {});
  }

  async apply() {
    if (!this.ref) return;
    this.applyButton.disabled = true;
    try {
      const res = await this.sandbox.post('/apply', { manifest: this.yaml.value });
      if (res.exitCode === 0) { // the object as it is now, then what kubectl apply said
        this.dirty = false;
        await this.load();
      }
      this.note(res.output.trim());
    } catch (e) {
      this.note(`apply: ${e.message}`);
    } finally {
      this.applyButton.disabled = false;
    }
  }

  runExec() {
    if (!this.ref || this.ref.kind !== 'pod') return;
    this.terminal.run(execLine(this.ref.namespace, this.ref.name));
    if (this.terminal.input) this.terminal.input.focus();
  }

  /** A delta: the open object changed (YAML, Describe) or anything did (Events live outside deltas). */
  onDelta(msg) {
    if (!this.isOpen() || this.tab === 'logs') return;
    const { kind, namespace, name } = this.ref;
    const mine = ((msg && msg.events) || []).some((ev) => {
      const o = ev.object || {};
      const m = o.metadata || {};
      return (o.kind || '').toLowerCase() === kind && m.name === name && (m.namespace || '') === namespace;
    });
    if (this.tab === 'yaml' && !mine) return;
    this.refreshSoon();
  }

  refreshSoon() {
    if (this.timer) return;
    const wait = Math.max(0, REFRESH_MS - (performance.now() - this.lastRefresh));
    this.timer = setTimeout(() => { this.timer = null; this.load(); }, wait);
  }
}

/** The inspector and the Events region of the page (templates/index.html), live on `socket`. */
export function installInspector({ sandbox, terminal, socket }) {
  const inspector = new Inspector(document.getElementById('inspector'), { sandbox, terminal });
  const events = new EventsRegion(document.getElementById('events'), { sandbox });
  inspector.follow(socket);
  events.follow(socket);
  return { inspector, events };
}
