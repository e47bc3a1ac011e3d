/**
 * The pod tooltip: on hover or keyboard focus, one pod's name, status (with CrashLoopBackOff's
 * back-off countdown), READY, restarts, node, IP, owner, containers and age; for a pod the
 * scheduler could not place, why (its PodScheduled condition's message: the FitError text that
 * `kubectl describe pod` shows in its FailedScheduling event, "0/3 nodes are available: …"); and its
 * tolerations as `kubectl describe pod` prints them (the server's `tolerations` cells).
 *
 * Owns: `podTooltipRows(p, now)` — the rows, a pure function of a layout pod record (its server
 * cells: kubectl's own words) and the virtual now — the two relative cells' formatting
 * (`humanDuration`, apimachinery's duration.HumanDuration, as kubectl prints AGE and RESTARTS'
 * "(12s ago)"), and the `role=tooltip` element's showing, placing and hiding (Escape hides it, as
 * WCAG 1.4.13 asks). The virtual now is the page's clock (`#clock-time`'s datetime).
 * Hands off: a11y.js calls show/hide from its pod elements and points their aria-describedby here.
 */
import { t } from './i18n.js';

/** apimachinery's duration.HumanDuration: 65s, 4m29s, 12m, 5h3m, 30h, 4d20h, 30d, 2y10d. */
export function humanDuration(seconds) {
  if (Math.trunc(seconds) < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  const s = Math.trunc(seconds);
  if (s < 120) return `${s}s`;
  const minutes = Math.floor(s / 60);
  if (minutes < 10) return s % 60 === 0 ? `${minutes}m` : `${minutes}m${s % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(s / 3600);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) return hours % 24 === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  const years = Math.floor(hours / 24 / 365);
  if (hours < 24 * 365 * 8) {
    const dy = Math.floor(hours / 24) % 365;
    return dy === 0 ? `${years}y` : `${years}y${dy}d`;
  }
  return `${years}y`;
}

/** "Deployment web (ReplicaSet web-7c9d)", "StatefulSet db", "none (bare pod)". */
export function ownerText(owner) {
  if (!owner) return 'none (bare pod)';
  const via = owner.via ? ` (${owner.via.kind} ${owner.via.name})` : '';
  return `${owner.kind} ${owner.name}${via}`;
}

/** The STATUS line: the word, and while a back-off runs, when the kubelet tries again. */
export function statusText(cells, now) {
  if (!cells) return 'Pending';
  if (cells.backOffUntil && now !== null && cells.backOffUntil > now) {
    return `${cells.status}, restarting in ${humanDuration(Math.ceil(cells.backOffUntil - now))}`;
  }
  return cells.status;
}

/** Why the scheduler has not placed the pod: its PodScheduled=False condition's message, or null. */
export function unschedulableReason(pod) {
  const conds = (pod && pod.status && pod.status.conditions) || [];
  const c = conds.find((x) => x.type === 'PodScheduled');
  if (!c || c.status !== 'False' || (pod.spec && pod.spec.nodeName)) return null;
  return c.message || c.reason || null;
}

/** [label, value] rows of the tooltip for a layout pod record at virtual time `now` (epoch s). */
export function podTooltipRows(p, now) {
  const c = p.cells || {};
  const rows = [['Pod', p.namespace && p.namespace !== 'default' ? `${p.namespace}/${p.name}` : p.name]];
  rows.push(['Status', statusText(p.cells, now)]);
  rows.push(['Ready', c.ready || '']);
  const restarts = c.restarts || 0;
  rows.push(['Restarts', restarts && c.lastRestart && now !== null
    ? `${restarts} (${humanDuration(now - c.lastRestart)} ago)` : String(restarts)]);
  rows.push(['Node', c.node || '<none>']);
  rows.push(['IP', c.ip || '<none>']);
  rows.push(['Owner', ownerText(p.owner)]);
  const containers = ((p.pod && p.pod.spec && p.pod.spec.containers) || []).map((x) => x.name);
  if (containers.length > 1) rows.push(['Containers', containers.join(', ')]);
  rows.push(['Age', c.created && now !== null ? humanDuration(now - c.created) : '<unknown>']);
  if (p.replaces) rows.push([t('Replaces'), t('{name} (going from {node})', { name: p.replaces.name, node: p.replaces.node || '<none>' })]);
  const why = unschedulableReason(p.pod);
  if (why) rows.push([t('Why not scheduled'), why]);
  const tolerations = c.tolerations || [];
  rows.push([t('Tolerations'), tolerations.length ? tolerations.join('\n') : '<none>']);
  return rows;
}

function pageNow() {
  const el = typeof document !== 'undefined' && document.getElementById('clock-time');
  const t = el && Date.parse(el.getAttribute('datetime') || '');
  return Number.isFinite(t) ? t / 1000 : null;
}

export class PodTooltip {
  constructor(el, { now = pageNow } = {}) {
    this.el = el;
    this.now = now;
    this.record = null;
    this.anchor = null;
    this.timer = 0;
    el.setAttribute('role', 'tooltip');
    el.hidden = true;
    document.addEventListener('keydown', (e) => { if (e.key === 'Escape') this.hide(); });
  }

  get id() { return this.el.id; }

  show(record, anchor) {
    this.record = record;
    this.anchor = anchor;
    this.render();
    this.el.hidden = false;
    this.place();
    // the back-off countdown and the ages move with the clock while it is shown
    if (!this.timer) this.timer = setInterval(() => this.render(), 500);
  }

  /** A new layout: the shown pod's record is replaced (or gone). */
  refresh(record) {
    if (!this.record) return;
    if (!record) { this.hide(); return; }
    this.record = record;
    this.render();
    this.place();
  }

  hide() {
    this.record = null;
    this.anchor = null;
    this.el.hidden = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = 0;
  }

  showing(key) { return this.record !== null && this.record.key === key; }

  render() {
    if (!this.record) return;
    const rows = podTooltipRows(this.record, this.now());
    const text = rows.map(([k, v]) => `${k}: ${v}`).join('\n');
    if (this.el.dataset.text === text) return;
    this.el.dataset.text = text;
    const dl = document.createElement('dl');
    for (const [k, v] of rows) {
      const dt = document.createElement('dt');
      dt.textContent = `${k}:`; // so a screen reader reading the description says "Status: …"
      const dd = document.createElement('dd');
      dd.textContent = v;
      dl.append(dt, dd);
    }
    this.el.replaceChildren(dl);
  }

  place() {
    if (!this.anchor || !this.anchor.isConnected) return;
    const r = this.anchor.getBoundingClientRect();
    const w = this.el.offsetWidth;
    const h = this.el.offsetHeight;
    let x = r.right + 8;
    if (x + w > window.innerWidth - 4) x = Math.max(4, r.left - w - 8);
    let y = r.top - 4;
    if (y + h > window.innerHeight - 4) y = Math.max(4, window.innerHeight - h - 4);
    this.el.style.left = `${Math.round(x)}px`;
    this.el.style.top = `${Math.round(y)}px`;
  }
}
