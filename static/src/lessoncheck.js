/**
 * A lesson step's check, evaluated over the page's live mirror (issue 10, learning path).
 *
 * Owns: `evaluateCheck(check, mirror)` and `evaluateCondition(cond, mirror)` — pure functions of
 * the mirror (store.js `Mirror`: `get`, `list`, and the server's cells through `cellsOf`). The
 * conditions arrive parsed from `GET /api/lessons` (server/lessons: selectors as terms, paths as
 * segments; the format is catalog.yaml's header), so nothing here parses. A pod's or node's STATUS
 * is the server's cell (kubectl's printers), never recomputed here. A numeric field Kubernetes
 * leaves out when it is zero (`status.readyReplicas` of a ReplicaSet with none ready) reads as 0
 * when compared with a number.
 * `stepStates(steps, results, reached)` says which steps are done: a step whose check holds now,
 * once every step before it was done at least once (`reached`, the set the page keeps).
 * Hands off: drawing and keeping progress (lessons.js).
 */
import { cellsOf } from './store.js';

function labelsMatch(terms, labels) {
  for (const t of terms) {
    const has = Object.prototype.hasOwnProperty.call(labels, t.key);
    if (t.op === '=' && !(has && labels[t.key] === t.value)) return false;
    if (t.op === '!=' && has && labels[t.key] === t.value) return false;
    if (t.op === 'exists' && !has) return false;
    if (t.op === '!exists' && has) return false;
  }
  return true;
}

/** The values a parsed path reaches in `obj` (several after an `all` segment; none when missing). */
export function resolvePath(obj, segments) {
  let values = [obj];
  for (const seg of segments) {
    const next = [];
    for (const v of values) {
      if (v === null || v === undefined) continue;
      if ('key' in seg) {
        if (typeof v === 'object' && !Array.isArray(v) && seg.key in v) next.push(v[seg.key]);
      } else if ('index' in seg) {
        if (Array.isArray(v) && seg.index < v.length) next.push(v[seg.index]);
      } else if (seg.all) {
        if (Array.isArray(v)) next.push(...v);
      } else if (seg.where) {
        const [field, want] = seg.where;
        const hit = Array.isArray(v) ? v.find((it) => it && String(it[field]) === want) : undefined;
        if (hit !== undefined) next.push(hit);
      }
    }
    values = next;
  }
  return values.filter((v) => v !== null && v !== undefined);
}

function pick(cond, mirror) {
  let objects;
  if (cond.name !== null && cond.name !== undefined) {
    // namespaced first; a cluster-scoped kind (Node, Namespace …) is kept under no namespace
    const obj = mirror.get(cond.kind, cond.namespace, cond.name) || mirror.get(cond.kind, '', cond.name);
    objects = obj ? [obj] : [];
  } else {
    objects = mirror.list(cond.kind).filter((o) => {
      const ns = (o.metadata && o.metadata.namespace) || '';
      return !ns || ns === cond.namespace;
    });
  }
  return objects.filter((o) => {
    const meta = o.metadata || {};
    if (cond.selector && !labelsMatch(cond.selector, meta.labels || {})) return false;
    if (cond.node && !(o.spec && o.spec.nodeName === cond.node)) return false;
    if (cond.status) {
      const cells = cellsOf(o);
      if (!cells || !cond.status.includes(cells.status)) return false;
    }
    return true;
  });
}

function compare(op, actual, want) {
  if (typeof want === 'number' && (actual === undefined || actual === null)) actual = 0;
  if (op === 'equals') return actual === want || (typeof want !== 'string' && String(actual) === String(want));
  if (typeof actual !== 'number') return false;
  if (op === 'atLeast') return actual >= want;
  if (op === 'atMost') return actual <= want;
  if (op === 'count') return actual === want;
  return false;
}

/** {ok, actual}: whether one parsed condition holds in the mirror, and what was found. */
export function evaluateCondition(cond, mirror) {
  const objects = pick(cond, mirror);
  const named = cond.name !== null && cond.name !== undefined;
  if (!named) return { ok: compare(cond.op, objects.length, cond.value), actual: objects.length };
  const obj = objects[0];
  if (cond.op === 'exists' && !cond.path && !cond.cell) return { ok: Boolean(obj) === cond.value, actual: Boolean(obj) };
  if (!obj) return { ok: false, actual: undefined };
  let values;
  if (cond.cell) {
    const cells = cellsOf(obj);
    values = cells && cells[cond.cell] !== undefined && cells[cond.cell] !== null ? [cells[cond.cell]] : [];
  } else {
    values = resolvePath(obj, cond.path);
  }
  if (cond.op === 'exists') return { ok: (values.length > 0) === cond.value, actual: values.length > 0 };
  if (cond.many) return { ok: compare(cond.op === 'count' ? 'count' : cond.op, values.length, cond.value), actual: values.length };
  if (cond.op === 'count') {
    const n = Array.isArray(values[0]) ? values[0].length : 0;
    return { ok: n === cond.value, actual: n };
  }
  return { ok: compare(cond.op, values[0], cond.value), actual: values[0] };
}

/** Whether every condition of a step's check holds: {ok, results: [{ok, actual}]}. */
export function evaluateCheck(check, mirror) {
  const results = (check.all || []).map((c) => evaluateCondition(c, mirror));
  return { ok: results.length > 0 && results.every((r) => r.ok), results };
}

/** Each step's state: 'done' (check holds, the steps before it reached) or 'pending'. */
export function stepStates(steps, oks, reached) {
  const out = [];
  let before = true;
  steps.forEach((step, i) => {
    out.push(before && oks[i] ? 'done' : 'pending');
    before = before && (reached.has(step.id) || (out[i] === 'done'));
  });
  return out;
}

/** The kinds a lesson's checks read (a mirror change of another kind cannot change them). */
export function kindsOf(lesson) {
  const kinds = new Set();
  for (const s of lesson.steps || []) for (const c of (s.check && s.check.all) || []) kinds.add(c.kind);
  return kinds;
}
