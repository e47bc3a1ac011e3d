/**
 * Node failure explained: what comes next for a node and when, from the node's object and cells,
 * its pods and the page's virtual now.
 *
 * - a halted machine whose node is still Ready: "NotReady in 38 s" — the node lifecycle
 *   controller's monitor pass that will mark it Ready=Unknown (the server's `notReadyAt` cell,
 *   live.py `node_cells`: the last time it heard the kubelet's Lease plus node-monitor-grace-period
 *   50 s, rounded up to the 5 s pass);
 * - NoExecute taints on it: "evicting in 4 m 12 s" — the earliest pod's eviction as the server's
 *   taint manager scheduled it (the node's `evictAt` cell: the taint's timeAdded plus the pod's
 *   smallest matching tolerationSeconds, 300 s by DefaultTolerationSeconds; a DaemonSet's pods,
 *   tolerating forever, have none);
 * - then the pods it evicted that are still terminating ("3 pods evicted, terminating": on a halted
 *   machine no kubelet confirms, so they stay until the node comes back or is deleted);
 * - a cordoned node (spec.unschedulable): "cordoned, no new pods", and while it drains the pods
 *   still terminating;
 * - the taints as `key:Effect`.
 *
 * - where each going pod's replacement landed (`replacements`: the arrows netfx.js draws, and
 *   "replaces web-… (going from node1)" in the replacement's description).
 *
 * Owns: `nodeExplain(node, cells, pods, now)` (pure; its words in the page's language, i18n.js),
 * `replacements(pods)` (pure) and `humanCountdown`. Hands off: a11y.js shows the text on the node;
 * the server's taint manager decides, this only foretells it.
 */
import { t, tn } from './i18n.js';

/** "38 s", "4 m 12 s", "1 h 2 m" — a countdown's words. */
export function humanCountdown(seconds) {
  const s = Math.max(0, Math.ceil(seconds));
  if (s < 60) return t('{s} s', { s });
  if (s < 3600) return t('{m} m {s} s', { m: Math.floor(s / 60), s: s % 60 });
  return t('{h} h {m} m', { h: Math.floor(s / 3600), m: Math.floor((s % 3600) / 60) });
}

/**
 * `{status, taints, evictions}`: the status text ('' when there is nothing to say), the taints as
 * `key:Effect`, and per pod `{name, at}` of the evictions still to come.
 */
export function nodeExplain(node, cells, pods, now) {
  const spec = (node && node.spec) || {};
  const taints = spec.taints || [];
  const words = taints.map((t) => `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`);
  const c = cells || {};
  const parts = [];
  const notReady = /NotReady|Unknown/.test(c.status || '');
  if (c.halted && !notReady && typeof c.notReadyAt === 'number' && now !== null) {
    parts.push(c.notReadyAt > now ? t('NotReady in {t}', { t: humanCountdown(c.notReadyAt - now) }) : t('NotReady now'));
  }
  const noExecute = taints.filter((t) => t.effect === 'NoExecute');
  const evictions = [];
  if (noExecute.length) {
    // the taint manager's own schedule (the node's `evictAt` cell): nothing is foretold here
    const scheduled = c.evictAt || {};
    for (const p of pods) {
      if (p.metadata.deletionTimestamp) continue;
      const at = scheduled[`${p.metadata.namespace}/${p.metadata.name}`];
      if (typeof at === 'number') evictions.push({ name: p.metadata.name, at });
    }
    evictions.sort((a, b) => a.at - b.at || (a.name < b.name ? -1 : 1));
    const next = evictions.find((e) => now === null || e.at > now);
    if (next) {
      const later = evictions.filter((e) => e.at === next.at).length;
      parts.push(tn('evicting in {t} (1 pod)', 'evicting in {t} ({n} pods)', later, { t: humanCountdown(next.at - now) }));
    } else if (evictions.length) {
      parts.push(t('evicting now'));
    }
    const gone = pods.filter((p) => p.metadata.deletionTimestamp).length;
    if (gone && !spec.unschedulable) parts.push(tn('1 pod evicted, terminating', '{n} pods evicted, terminating', gone));
  } else if (notReady && c.halted) {
    parts.push(t('NotReady, eviction taint pending'));
  }
  if (spec.unschedulable) {
    parts.push(t('cordoned, no new pods'));
    const leaving = pods.filter((p) => p.metadata.deletionTimestamp).length;
    if (leaving) parts.push(tn('draining, 1 pod terminating', 'draining, {n} pods terminating', leaving));
  }
  return { status: parts.join('; '), taints: words, evictions: evictions.filter((e) => now === null || e.at > now) };
}

/** Whether a node's record needs the explain strip (so layout.js can reserve it without a clock). */
export function explains(node, cells) {
  const spec = (node && node.spec) || {};
  return Boolean((cells && cells.halted) || spec.unschedulable
    || (spec.taints || []).some((t) => (t.key || '').startsWith('node.kubernetes.io/'))
    || /NotReady|Unknown/.test((cells && cells.status) || ''));
}

function ms(ts) {
  const v = Date.parse(ts || '');
  return Number.isFinite(v) ? v : null;
}

/**
 * The replacements a controller made for its pods that are going: per controller (the pods'
 * controller ownerReference), its terminating pods in the order their deletion was asked for
 * (deletionTimestamp less the grace period: when the taint manager, a drain or a delete asked) and
 * its live pods created since, paired first come, first paired — the arrows from an evicted pod to
 * where its replacement landed. `[{from, to}]` of pod objects. Work is proportional to the pods
 * (one pass to group them by controller; only controllers with a terminating pod are paired).
 */
export function replacements(pods) {
  const going = new Map();
  const live = new Map();
  const controllerUid = (p) => {
    const ref = ((p.metadata && p.metadata.ownerReferences) || []).find((r) => r.controller);
    return ref ? ref.uid : null; // (null: no controller)
  };
  // the going pods first (usually none: then no pod is looked at twice), then the live pods of
  // their controllers
  for (const p of pods) {
    if (!p.metadata || !p.metadata.deletionTimestamp) continue;
    const uid = controllerUid(p);
    if (uid === null) continue;
    let list = going.get(uid);
    if (!list) going.set(uid, (list = []));
    list.push(p);
  }
  if (!going.size) return [];
  for (const p of pods) {
    if (!p.metadata || p.metadata.deletionTimestamp) continue;
    const uid = controllerUid(p);
    if (uid === null || !going.has(uid)) continue;
    let list = live.get(uid);
    if (!list) live.set(uid, (list = []));
    list.push(p);
  }
  const out = [];
  for (const [uid, old] of going) {
    const fresh = live.get(uid);
    if (!fresh) continue;
    const asked = (p) => (ms(p.metadata.deletionTimestamp) ?? 0) - 1000 * (p.metadata.deletionGracePeriodSeconds || 0);
    const created = (p) => ms(p.metadata.creationTimestamp) ?? 0;
    const byName = (a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0);
    old.sort((a, b) => asked(a) - asked(b) || byName(a, b));
    fresh.sort((a, b) => created(a) - created(b) || byName(a, b));
    let i = 0;
    for (const p of fresh) {
      // creation times are whole seconds: a replacement made in the second of the ask counts
      if (i < old.length && created(p) >= Math.floor(asked(old[i]) / 1000) * 1000) out.push({ from: old[i++], to: p });
    }
  }
  return out;
}
