/**
 * Rollouts at a glance: for each Deployment with more than one ReplicaSet, its new ReplicaSet and
 * the old ones still holding replicas (or else the newest old one) side by side, each with its
 * revision (`deployment.kubernetes.io/revision`) and image (the template's first container), the
 * rolling-update budget (maxSurge/maxUnavailable as the deployment controller resolves them: the
 * server's ReplicaSet cells, live.py `replicaset_cells`) and a DESIRED/CURRENT/READY/UP-TO-DATE
 * chart over virtual time, recorded from what the page receives.
 *
 * Owns: `rolloutsOf(objects)` (pure: which cards, what they say), `replicaSetLabel(set)` (the
 * group's accessible name, "replicaset <name>, revision N, <image>"), `chartPoints` (pure: the
 * chart's polylines) and `RolloutView`, the cards as real, visible DOM elements placed on the
 * layout's rollout band (layout.js reserves the room; canvas.js leaves it blank).
 * Hands off: objects come from the mirror (store.js); the page clock is `#clock-time`'s datetime.
 */
import { cellsOf, keyOf } from './store.js';
import { t } from './i18n.js';

const REVISION = 'deployment.kubernetes.io/revision';
export const SERIES = [
  ['desired', 'DESIRED', '#8b95a8'],
  ['current', 'CURRENT', '#4c8dff'],
  ['ready', 'READY', '#3fb950'],
  ['updated', 'UP-TO-DATE', '#e3b341'],
];
const HISTORY = 240; // points kept per Deployment

function revisionOf(rs) {
  const n = Number(((rs.metadata && rs.metadata.annotations) || {})[REVISION]);
  return Number.isFinite(n) ? n : 0;
}

function imageOf(obj) {
  const containers = (obj.spec && obj.spec.template && obj.spec.template.spec
    && obj.spec.template.spec.containers) || [];
  return (containers[0] && containers[0].image) || '<none>';
}

function ownerDeployment(rs) {
  const refs = (rs.metadata && rs.metadata.ownerReferences) || [];
  const ref = refs.find((r) => r.controller && r.kind === 'Deployment');
  return ref ? `${rs.metadata.namespace || ''}/${ref.name}` : null;
}

/** The accessible name of a ReplicaSet group. */
export function replicaSetLabel(set) {
  return t('replicaset {name}, revision {revision}, {image}', { name: set.name, revision: set.revision, image: set.image });
}

/** The Deployment's status as the chart records it. */
export function rolloutCounts(d) {
  const s = d.status || {};
  return {
    desired: d.spec && d.spec.replicas !== undefined ? d.spec.replicas : 1,
    current: s.replicas || 0, ready: s.readyReplicas || 0, updated: s.updatedReplicas || 0,
  };
}

/**
 * The rollout cards, sorted by namespace/name: `[{key, namespace, name, counts, maxSurge,
 * maxUnavailable, sets: [{key, name, revision, image, replicas, ready, isNew}]}]` — only Deployments
 * with at least two ReplicaSets; the sets oldest first, so the new one is on the right.
 */
export function rolloutsOf(objects) {
  const deployments = new Map();
  const sets = new Map();
  for (const o of objects) {
    if (o.kind === 'Deployment') deployments.set(`${o.metadata.namespace || ''}/${o.metadata.name}`, o);
    else if (o.kind === 'ReplicaSet') {
      const owner = ownerDeployment(o);
      if (!owner) continue;
      if (!sets.has(owner)) sets.set(owner, []);
      sets.get(owner).push(o);
    }
  }
  const out = [];
  for (const [id, d] of [...deployments].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    const owned = (sets.get(id) || []).slice().sort((a, b) => revisionOf(a) - revisionOf(b)
      || (a.metadata.name < b.metadata.name ? -1 : 1));
    if (owned.length < 2) continue;
    const newest = owned[owned.length - 1];
    const old = owned.slice(0, -1);
    const holding = old.filter((rs) => (rs.spec && rs.spec.replicas) || (rs.status && rs.status.replicas));
    const shown = [...(holding.length ? holding : old.slice(-1)), newest];
    const budget = cellsOf(newest) || {};
    out.push({
      key: keyOf(d), namespace: d.metadata.namespace || '', name: d.metadata.name,
      counts: rolloutCounts(d), maxSurge: budget.maxSurge ?? null, maxUnavailable: budget.maxUnavailable ?? null,
      sets: shown.map((rs) => ({
        key: keyOf(rs), name: rs.metadata.name, revision: revisionOf(rs), image: imageOf(rs),
        replicas: (rs.spec && rs.spec.replicas) || 0, ready: (rs.status && rs.status.readyReplicas) || 0,
        isNew: rs === newest,
      })),
    });
  }
  return out;
}

/** Polylines ("x,y x,y …") per series for `history` [{t, desired, …}] in a w×h box. */
export function chartPoints(history, w, h) {
  if (!history.length) return {};
  const t0 = history[0].t;
  const span = Math.max(1, history[history.length - 1].t - t0);
  let top = 1;
  for (const p of history) for (const [k] of SERIES) top = Math.max(top, p[k]);
  const out = {};
  for (const [k] of SERIES) {
    const pts = [];
    let prev = null;
    for (const p of history) {
      const x = ((p.t - t0) / span) * w;
      const y = h - (p[k] / top) * (h - 2) - 1;
      if (prev !== null) pts.push(`${x.toFixed(1)},${prev}`); // a step: values hold until they change
      pts.push(`${x.toFixed(1)},${y.toFixed(1)}`);
      prev = y.toFixed(1);
    }
    if (history.length === 1) pts.push(`${w},${prev}`);
    out[k] = pts.join(' ');
  }
  return out;
}

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

const SVG = 'http://www.w3.org/2000/svg';

/** The cards, in `root` (the mirror), at the layout's `rollouts` rectangles. */
export class RolloutView {
  constructor(root) {
    this.root = root;
    this.cards = new Map(); // deployment key → {card, …}
    this.history = new Map(); // deployment key → [{t, desired, current, ready, updated}]
  }

  /** Records the Deployments' counts at virtual time `now` (epoch s), for every Deployment the
   * page knows, so a chart has the history from before its second ReplicaSet appeared. */
  record(objects, now) {
    if (now === null) return;
    for (const o of objects) {
      if (o.kind !== 'Deployment') continue;
      const key = keyOf(o);
      const counts = rolloutCounts(o);
      let h = this.history.get(key);
      if (!h) this.history.set(key, (h = []));
      const last = h[h.length - 1];
      if (last && SERIES.every(([k]) => last[k] === counts[k])) continue;
      if (last && last.t === now) h.pop();
      h.push({ t: now, ...counts });
      if (h.length > HISTORY) h.splice(0, h.length - HISTORY);
    }
  }

  update(rollouts) {
    const seen = new Set();
    for (const r of rollouts) {
      seen.add(r.key);
      let c = this.cards.get(r.key);
      if (!c) {
        c = this.make(r);
        this.cards.set(r.key, c);
        this.root.appendChild(c.card);
      }
      this.fill(c, r);
    }
    for (const [key, c] of this.cards) {
      if (!seen.has(key)) {
        c.card.remove();
        this.cards.delete(key);
      }
    }
  }

  make(r) {
    const card = el('section', 'rollout-card');
    card.setAttribute('aria-label', t('rollout of deployment {name}', { name: r.name }));
    const head = el('h3', 'rollout-head');
    const budget = el('p', 'rollout-budget');
    const sets = el('div', 'rollout-sets');
    const chart = el('figure', 'rollout-chart');
    const svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('preserveAspectRatio', 'none');
    const lines = {};
    for (const [k, , colour] of SERIES) {
      const line = document.createElementNS(SVG, 'polyline');
      line.setAttribute('fill', 'none');
      line.setAttribute('stroke', colour);
      line.setAttribute('stroke-width', '1.5');
      svg.appendChild(line);
      lines[k] = line;
    }
    const legend = el('figcaption', 'rollout-legend');
    chart.append(svg, legend);
    card.append(head, budget, sets, chart);
    return { card, head, budget, sets, svg, lines, legend, groups: new Map() };
  }

  fill(c, r) {
    const place = r.rect;
    if (place) {
      c.card.style.cssText = `left:${place.x}px;top:${place.y}px;width:${place.w}px;height:${place.h}px`;
    }
    c.head.textContent = `deployment ${r.name}`;
    const surge = r.maxSurge === null ? 'Recreate' : `maxSurge ${r.maxSurge}, maxUnavailable ${r.maxUnavailable}`;
    const { desired } = r.counts;
    c.budget.textContent = r.maxSurge === null ? surge
      : t('{surge}: at most {most} pods, at least {least} available',
        { surge, most: desired + r.maxSurge, least: Math.max(0, desired - r.maxUnavailable) });
    const seen = new Set();
    let prev = null;
    for (const s of r.sets) {
      seen.add(s.key);
      let g = c.groups.get(s.key);
      if (!g) {
        const group = el('div', 'rollout-set');
        group.setAttribute('role', 'group');
        const title = el('p', 'rollout-set-title');
        const image = el('p', 'rollout-set-image');
        const name = el('p', 'rollout-set-name');
        const count = el('p', 'rollout-set-count');
        group.append(title, image, name, count);
        g = { group, title, image, name, count };
        c.groups.set(s.key, g);
      }
      if (prev === null ? c.sets.firstChild !== g.group : prev.nextSibling !== g.group) {
        if (prev === null) c.sets.prepend(g.group);
        else prev.after(g.group);
      }
      prev = g.group;
      g.group.setAttribute('aria-label', replicaSetLabel(s));
      g.group.classList.toggle('new', s.isNew);
      g.title.textContent = s.isNew ? t('revision {n} (new)', { n: s.revision }) : t('revision {n} (old)', { n: s.revision });
      g.image.textContent = s.image;
      g.name.textContent = s.name;
      g.count.textContent = t('{ready}/{replicas} ready', { ready: s.ready, replicas: s.replicas });
      g.group.title = `${s.name}: ${s.image}`;
    }
    for (const [key, g] of c.groups) {
      if (!seen.has(key)) {
        g.group.remove();
        c.groups.delete(key);
      }
    }
    const h = this.history.get(r.key) || [];
    const pts = chartPoints(h, 100, 40);
    c.svg.setAttribute('viewBox', '0 0 100 40');
    for (const [k] of SERIES) c.lines[k].setAttribute('points', pts[k] || '');
    const legend = SERIES.map(([k, label]) => `${label} ${r.counts[k]}`).join('  ');
    if (c.legend.dataset.text !== legend) {
      c.legend.dataset.text = legend;
      c.legend.replaceChildren(...SERIES.map(([k, label, colour]) => {
        const item = el('span', 'rollout-series', `${label} ${r.counts[k]} `);
        item.style.color = colour;
        return item;
      }));
    }
  }
}
