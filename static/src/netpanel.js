/**
 * The traffic bar and its results: send traffic, overlay faults, the load-balancer pool switch,
 * the histogram of the last batch and the list of the last requests.
 *
 * Owns: the controls above the canvas (client, target, number of requests, "Send traffic"; the
 * "Overlay faults" menu with Break/Heal per pair of nodes; the "Load-balancer pool" switch) and
 * the strip under it (how the last batch spread over the pods, as bars with their counts in text;
 * the recent requests from the traffic log, newest first, in the words of `requestLabel`).
 * The strip is a disclosure ("Traffic results", `aria-expanded`): closed until traffic is sent,
 * so it takes no room from the canvas before then; the first traffic (an answer or a socket
 * record) opens it, unless the user has opened or closed it themselves — that choice is kept in
 * localStorage (`kubeplay.traffic.open`) and wins from then on.
 * Hands off: `POST /traffic`, `/faults/overlay`, `/lbpool` go to the server; what they change comes
 * back as `network` state and `traffic` records (main.js passes them here and to the canvas).
 */
import { servicesOf, requestLabel, nodeIP, shortRef } from './services.js';
import { cellsOf, keyOf } from './store.js';
import { el } from './dom.js';
import { t, tn } from './i18n.js';

const MAX_FROM_PODS = 100; // pods the "From" menu lists by name
const MAX_RECENT = 40;
const OPEN_KEY = 'kubeplay.traffic.open';

/** What the "From" menu keeps of a pod that can send traffic (runningPods), or null. */
function runningEntry(p) {
  if (!p || !p.status || !p.status.podIP || (p.spec && p.spec.hostNetwork) || cellsOf(p)?.status !== 'Running') return null;
  const ns = p.metadata.namespace || 'default';
  return { key: keyOf(p), ns, name: p.metadata.name,
    order: `${ns === 'kube-system' ? 1 : 0}${ns}/${p.metadata.name}` };
}

function byOrder(a, b) {
  return a.order < b.order ? -1 : a.order > b.order ? 1 : 0;
}

/** `e` into the sorted `first` if it belongs among its MAX_FROM_PODS (binary search). */
function insertFirst(first, e) {
  if (first.length >= MAX_FROM_PODS && byOrder(e, first[first.length - 1]) >= 0) return;
  let lo = 0;
  let hi = first.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (byOrder(first[mid], e) < 0) lo = mid + 1;
    else hi = mid;
  }
  first.splice(lo, 0, e);
  if (first.length > MAX_FROM_PODS) first.pop();
}

export class NetPanel {
  constructor({ bar, results }, { sandbox, onError }) {
    this.sandbox = sandbox;
    this.onError = onError;
    this.network = { overlay: { broken: [] }, lbPool: { enabled: null } };
    this.nodes = [];
    this.records = [];
    this.ids = new Set();
    this.from = bar.querySelector('#tr-from');
    this.to = bar.querySelector('#tr-to');
    this.targets = bar.querySelector('#tr-targets');
    this.count = bar.querySelector('#tr-count');
    this.sendBtn = bar.querySelector('#tr-send');
    this.faultsBtn = bar.querySelector('#faults');
    this.faultMenu = bar.querySelector('#fault-menu');
    this.lbBtn = bar.querySelector('#lbpool');
    this.bar = bar;
    this.summary = results.querySelector('#tr-summary');
    this.histogram = results.querySelector('#tr-histogram');
    this.recent = results.querySelector('#tr-recent');
    this.toggle = results.querySelector('#tr-toggle');
    this.body = results.querySelector('#tr-body');
    let chosen = null;
    try { chosen = localStorage.getItem(OPEN_KEY); } catch { /* not kept */ }
    this.chosen = chosen === 'true' || chosen === 'false';
    this.setOpen(chosen === 'true');
    if (this.toggle) {
      this.toggle.addEventListener('click', () => {
        this.chosen = true;
        this.setOpen(!this.open);
        try { localStorage.setItem(OPEN_KEY, String(this.open)); } catch { /* not kept */ }
      });
    }
    bar.querySelector('#tr-form').addEventListener('submit', (e) => { e.preventDefault(); this.send(); });
    this.faultsBtn.addEventListener('click', () => (this.faultMenu.hidden ? this.openFaults() : this.closeFaults()));
    this.faultMenu.addEventListener('keydown', (e) => this.menuKeys(e));
    document.addEventListener('keydown', (e) => { if (e.key === 'Escape' && !this.faultMenu.hidden) this.closeFaults(true); });
    document.addEventListener('pointerdown', (e) => {
      if (!this.faultMenu.hidden && !this.faultMenu.contains(e.target) && !this.faultsBtn.contains(e.target)) this.closeFaults();
    }, true);
    this.lbBtn.addEventListener('click', () => this.toggleLbPool());
    this.renderNetwork();
  }

  // -- the results strip: open or closed ---------------------------------------------------------
  setOpen(open) {
    this.open = open;
    if (!this.toggle || !this.body) return;
    this.toggle.setAttribute('aria-expanded', String(open));
    this.body.hidden = !open;
    this.body.parentElement.classList.toggle('open', open);
  }

  /** Traffic arrived: the strip opens itself, unless the user chose how it should be. */
  trafficSeen() {
    if (!this.open && !this.chosen) this.setOpen(true);
  }

  // -- the mirror: clients and target suggestions --------------------------------------------------
  /**
   * The menus after the mirror changed: `changed` the keys that did (store.js), or null to read
   * every pod again (a snapshot). The running pods are kept from the change sets, and the first
   * MAX_FROM_PODS of them in order (`runningPods`), so a batch costs its pods, not the cluster's.
   */
  refresh(mirror, changed = null) {
    // nodes and services (all the targets are made of) are read again only when one of them changed
    let others = !changed || !this.nodeList;
    if (!others) {
      for (const k of changed) if (k.startsWith('Node/') || k.startsWith('Service/')) { others = true; break; }
    }
    if (others) {
      this.nodeList = mirror.list('Node').map((n) => ({ name: n.metadata.name, ip: nodeIP(n) }))
        .sort((a, b) => (a.name < b.name ? -1 : 1));
    }
    const nodes = this.nodeList;
    const { first, count } = this.runningPods(mirror, changed);
    const more = count - first.length;
    // (what the menu lists, by name: its options and their words are made only when that changes,
    // not for each delta while pods stream)
    let sig = '';
    for (const n of nodes) sig += `${n.name}\n`;
    sig += '|';
    for (const p of first) sig += `${p.ns}/${p.name}\n`;
    if (sig !== this.fromSig) {
      this.fromSig = sig;
      const options = [['"outside"', t('outside (workstation 192.168.56.1)')]];
      for (const n of nodes) options.push([JSON.stringify({ node: n.name }), t('node {name}', { name: n.name })]);
      // a menu of 10,000 pods helps nobody and costs a whole rebuild per change: the first ones, and a word
      for (const p of first) {
        options.push([JSON.stringify({ pod: `${p.ns}/${p.name}` }), t('pod {name}', { name: shortRef(p.ns, p.name) })]);
      }
      const keep = this.from.value;
      const items = options.map(([v, label]) => el('option', { value: v }, label));
      this.moreNote = el('option', { value: '' });
      this.moreNote.disabled = true;
      items.push(this.moreNote);
      this.from.replaceChildren(...items);
      if (options.some((o) => o[0] === keep)) this.from.value = keep;
    }
    // how many more: the note's words only, not the menu
    const note = more > 0 ? tn('… and 1 more running pod', '… and {n} more running pods', more) : '';
    if (this.moreNote.textContent !== note) this.moreNote.textContent = note;
    if (this.moreNote.hidden !== !note) this.moreNote.hidden = !note;
    if (!others) return;
    const targets = [];
    const services = servicesOf([...mirror.list('Service'), ...mirror.list('Endpoints')]);
    for (const s of services) {
      if (s.system) continue;
      const host = s.namespace === 'default' ? s.name : `${s.name}.${s.namespace}`;
      const port = (s.ports.split(',')[0] || '').split(/[:/]/)[0];
      targets.push(port && port !== '80' ? `http://${host}:${port}` : `http://${host}`);
      for (const p of s.nodePorts) for (const n of nodes) if (n.ip) targets.push(`${n.ip}:${p.nodePort}`);
      if (s.type === 'LoadBalancer' && s.external && s.external !== '<pending>') targets.push(`${s.external.split(',')[0]}:${port}`);
    }
    const tsig = targets.join('|');
    if (tsig !== this.targetSig) {
      this.targetSig = tsig;
      this.targets.replaceChildren(...targets.map((t) => el('option', { value: t })));
    }
    const names = nodes.map((n) => n.name);
    if (names.join() !== this.nodes.join()) {
      this.nodes = names;
      if (!this.faultMenu.hidden) this.renderFaults();
    }
  }

  /**
   * `{first, count}`: the running pods the "From" menu may offer (a pod IP, not on the host's
   * network, STATUS Running), the first MAX_FROM_PODS by `order` (default and other namespaces
   * before kube-system, then namespace/name) and how many there are. Kept from the change sets:
   * a pod entering the first ones is inserted in place; only one leaving them reads all again.
   */
  runningPods(mirror, changed) {
    if (!changed || !this.running) {
      this.running = new Map();
      for (const p of mirror.list('Pod')) {
        const e = runningEntry(p);
        if (e) this.running.set(e.key, e);
      }
      this.first = null;
    } else {
      for (const k of changed) {
        if (!k.startsWith('Pod/')) continue;
        const e = runningEntry(mirror.objects.get(k));
        const had = this.running.get(k);
        if (e) this.running.set(k, e);
        else this.running.delete(k);
        if (!this.first) continue;
        if (had && this.first.includes(had)) {
          if (e) this.first[this.first.indexOf(had)] = e; // same key, same order
          else this.first = null; // one of the first is gone: its place is the next one's
        } else if (e && !had) {
          insertFirst(this.first, e);
        }
      }
    }
    if (!this.first) {
      this.first = [...this.running.values()].sort(byOrder).slice(0, MAX_FROM_PODS);
    }
    return { first: this.first, count: this.running.size };
  }

  // -- send traffic --------------------------------------------------------------------------------
  async send() {
    const to = this.to.value.trim();
    if (!to) { this.to.focus(); this.onError(t('send traffic: say where to (a service name or NODE_IP:PORT)')); return; }
    let from;
    try { from = JSON.parse(this.from.value || '"outside"'); } catch { from = 'outside'; }
    const count = Math.max(1, Math.min(200, Number(this.count.value) || 1));
    this.sendBtn.disabled = true;
    this.bar.setAttribute('aria-busy', 'true');
    try {
      const result = await this.sandbox.post('/traffic', { from, to, count });
      this.showResult(result, from, to);
      // the records also arrive over the socket; taking them from the answer too means the list
      // is complete when the button comes back, whichever arrives first
      this.addRecords(result.requests || []);
    } catch (e) {
      this.summary.textContent = t('send traffic: {error}', { error: e.message });
      this.trafficSeen();
      this.onError(t('send traffic: {error}', { error: e.message }));
    } finally {
      this.sendBtn.disabled = false;
      this.bar.setAttribute('aria-busy', 'false');
    }
  }

  showResult(result, from, to) {
    this.trafficSeen();
    const total = result.count || 0;
    const failed = (result.errors || []).reduce((n, e) => n + e.count, 0);
    const client = from === 'outside' ? t('outside') : from.pod ? shortRef(...from.pod.split('/')) : t('node {name}', { name: from.node });
    this.summary.textContent = tn('1 request from {client} to {to}: {answered} answered, {failed} failed',
      '{n} requests from {client} to {to}: {answered} answered, {failed} failed', total,
      { client, to, answered: total - failed, failed });
    const rows = [
      ...(result.distribution || []).map((d) => ({ label: d.pod, count: d.count, ok: true })),
      ...(result.errors || []).map((e) => ({ label: t('failed: {error}', { error: e.error }), count: e.count, ok: false })),
    ];
    const max = Math.max(1, ...rows.map((r) => r.count));
    this.histogram.replaceChildren(...rows.map((r) => el('li', { class: r.ok ? 'bar' : 'bar bar-failed', 'aria-label': t('{label}: {count} of {total}', { label: r.label, count: r.count, total }) },
      el('span', { class: 'bar-label mono', title: r.label }, r.label),
      el('span', { class: 'bar-track', 'aria-hidden': 'true' }, el('span', { class: 'bar-fill', style: `width:${(100 * r.count) / max}%` })),
      el('span', { class: 'bar-count mono' }, String(r.count)))));
  }

  /** Traffic-log records (from the socket or an answer): the recent list, newest first. */
  addRecords(records) {
    let added = false;
    for (const r of records) {
      if (this.ids.has(r.id)) continue;
      this.ids.add(r.id);
      this.records.push(r);
      added = true;
    }
    if (!added) return;
    this.trafficSeen();
    this.records.sort((a, b) => a.id - b.id);
    if (this.records.length > MAX_RECENT) {
      for (const r of this.records.splice(0, this.records.length - MAX_RECENT)) this.ids.delete(r.id);
    }
    this.recent.replaceChildren(...this.records.slice().reverse().map((r) => {
      const label = requestLabel(r);
      return el('li', { class: r.ok ? 'req' : 'req req-failed', 'aria-label': label }, label);
    }));
  }

  // -- overlay faults and the LB pool -------------------------------------------------------------
  setNetwork(network) {
    if (!network) return;
    this.network = network;
    this.renderNetwork();
    if (!this.faultMenu.hidden) this.renderFaults();
  }

  /** The switch and the faults button, written only where they change: each delta carries the
   * network's state, and a write of the same text is still a layout of the bar. */
  renderNetwork() {
    const enabled = !!(this.network.lbPool && this.network.lbPool.enabled);
    if (this.lbBtn.getAttribute('aria-checked') !== String(enabled)) this.lbBtn.setAttribute('aria-checked', String(enabled));
    this.lbBtn.classList.toggle('btn-active', enabled);
    const state = this.lbBtn.querySelector('.state');
    const word = enabled ? t('on') : t('off');
    if (state.textContent !== word) state.textContent = word;
    const n = ((this.network.overlay && this.network.overlay.broken) || []).length;
    const faults = n ? t('Overlay faults ({n} broken)', { n }) : t('Overlay faults');
    if (this.faultsBtn.textContent !== faults) this.faultsBtn.textContent = faults;
    this.faultsBtn.classList.toggle('btn-danger', n > 0);
  }

  isBroken(a, b) {
    return ((this.network.overlay && this.network.overlay.broken) || []).some((p) => (p[0] === a && p[1] === b) || (p[0] === b && p[1] === a));
  }

  openFaults() {
    this.renderFaults();
    this.faultMenu.hidden = false;
    this.faultsBtn.setAttribute('aria-expanded', 'true');
    const first = this.faultMenu.querySelector('[role=menuitem]');
    if (first) first.focus();
  }

  closeFaults(restoreFocus = false) {
    this.faultMenu.hidden = true;
    this.faultsBtn.setAttribute('aria-expanded', 'false');
    if (restoreFocus) this.faultsBtn.focus();
  }

  renderFaults() {
    const items = [];
    for (let i = 0; i < this.nodes.length; i++) {
      for (let j = i + 1; j < this.nodes.length; j++) {
        const a = this.nodes[i];
        const b = this.nodes[j];
        const broken = this.isBroken(a, b);
        items.push(el('button', {
          type: 'button', role: 'menuitem', class: broken ? 'menuitem broken' : 'menuitem',
          onclick: () => { this.closeFaults(true); this.setOverlay(a, b, !broken); },
        }, broken ? t('Heal overlay {a}–{b}', { a, b }) : t('Break overlay {a}–{b}', { a, b })));
      }
    }
    this.faultMenu.replaceChildren(...items);
  }

  menuKeys(e) {
    const items = [...this.faultMenu.querySelectorAll('[role=menuitem]')];
    const i = items.indexOf(document.activeElement);
    if (e.key === 'ArrowDown') { items[(i + 1) % items.length].focus(); e.preventDefault(); }
    if (e.key === 'ArrowUp') { items[(i - 1 + items.length) % items.length].focus(); e.preventDefault(); }
  }

  async setOverlay(a, b, broken) {
    try {
      this.setNetwork(await this.sandbox.post('/faults/overlay', { a, b, broken }));
      this.onNetwork && this.onNetwork(this.network);
    } catch (e) {
      this.onError(`${broken ? 'break' : 'heal'} overlay ${a}–${b}: ${e.message}`);
    }
  }

  async toggleLbPool() {
    const enabled = !(this.network.lbPool && this.network.lbPool.enabled);
    try {
      this.setNetwork(await this.sandbox.post('/lbpool', { enabled }));
      this.onNetwork && this.onNetwork(this.network);
    } catch (e) {
      this.onError(`load-balancer pool: ${e.message}`);
    }
  }
}
