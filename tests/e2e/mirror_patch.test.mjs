// The mirror's cheap deltas (static/src/store.js): RFC 7386 merge patches applied to its copy, and a big
// batch applied in time-budgeted slices that the page only ever sees whole. Run by test_mirror_patch.py.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Mirror, cellsOf, mergePatch } from '../../static/src/store.js';

test('mergePatch follows RFC 7386 (its appendix A examples)', () => {
  const cases = [
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [['a', 'b'], ['c', 'd'], ['c', 'd']],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ];
  for (const [target, patch, result] of cases) assert.deepEqual(mergePatch(target, patch), result);
  // arrays are values: nulls inside them stay
  assert.deepEqual(mergePatch({}, { l: [{ x: null }] }), { l: [{ x: null }] });
});

test('mergePatch changes neither argument and shares what it does not patch', () => {
  const target = { metadata: { name: 'a', labels: { x: '1' } }, spec: { containers: [{ name: 'c' }] }, status: { phase: 'Pending' } };
  const before = structuredClone(target);
  const patch = { status: { phase: 'Running' } };
  const out = mergePatch(target, patch);
  assert.deepEqual(target, before);
  assert.deepEqual(patch, { status: { phase: 'Running' } });
  assert.equal(out.status.phase, 'Running');
  assert.equal(out.spec, target.spec);
  assert.equal(out.metadata, target.metadata);
});

const pod = (name, rv, extra = {}) => ({
  kind: 'Pod', apiVersion: 'v1',
  metadata: { name, namespace: 'default', resourceVersion: String(rv) },
  spec: { nodeName: 'node1', containers: [{ name: 'c', image: 'nginx' }] },
  status: { phase: 'Pending' },
  ...extra,
});
const identity = (name) => ({ kind: 'Pod', apiVersion: 'v1', metadata: { name, namespace: 'default' } });

test('a MODIFIED patch applies to the copy the mirror has, keeping its cells; a DELETED names its object', () => {
  const m = new Mirror();
  m.applySnapshot({ rv: 5, objects: [pod('a', 4), pod('b', 5)], cells: { 'Pod/default/a': { status: 'Pending' } } });
  const seen = [];
  m.subscribe(({ changed }) => seen.push([...changed].sort()));
  m.applyDelta({
    rv: 8,
    events: [
      { type: 'MODIFIED', rv: 6, object: identity('a'), patch: { metadata: { resourceVersion: '6' }, status: { phase: 'Running', podIP: '10.244.1.5' } } },
      { type: 'DELETED', rv: 7, object: identity('b') },
    ],
  });
  const a = m.get('Pod', 'default', 'a');
  assert.equal(a.status.phase, 'Running');
  assert.equal(a.status.podIP, '10.244.1.5');
  assert.equal(a.metadata.resourceVersion, '6');
  assert.equal(a.spec.containers[0].image, 'nginx');
  assert.deepEqual(cellsOf(a), { status: 'Pending' }); // no new cells: the old ones stay
  assert.equal(m.get('Pod', 'default', 'b'), undefined);
  assert.equal(m.rv, 8);
  assert.deepEqual(seen, [['Pod/default/a', 'Pod/default/b']]);
});

test('an ADDED the scheduler bound within its batch still starts in the tray', () => {
  const m = new Mirror();
  m.applySnapshot({ rv: 1, objects: [] });
  let born = null;
  m.subscribe(({ bornUnscheduled }) => { born = [...bornUnscheduled]; });
  m.applyDelta({ rv: 3, events: [
    { type: 'ADDED', rv: 2, object: pod('bound', 2), bornUnscheduled: true },
    { type: 'ADDED', rv: 3, object: pod('static', 3) },
  ] });
  assert.deepEqual(born, ['Pod/default/bound']);
});

test('a big batch goes in slices, and the page sees the mirror only between batches', () => {
  let clock = 0;
  const slices = [];
  const m = new Mirror({ budgetMs: 8, now: () => clock, schedule: (fn) => slices.push(fn) });
  m.applySnapshot({ rv: 1, objects: [pod('old', 1)] });
  const seen = [];
  m.subscribe(({ changed }) => seen.push({ changed: changed.size, pods: m.list('Pod').length, rv: m.rv }));
  const N = 3000;
  const events = [];
  for (let i = 0; i < N; i++) events.push({ type: 'ADDED', rv: 2 + i, object: pod(`p${i}`, 2 + i) });
  events.push({ type: 'DELETED', rv: N + 2, object: identity('old') });
  // every measurement of the clock moves it 1 ms: the budget of 8 ms runs out quickly
  const now = m.now;
  m.now = () => { clock += 1; return now(); };
  m.applyDelta({ rv: N + 2, events });
  assert.ok(slices.length === 1 && m.pending > 0 && m.pending < N + 1, `pending ${m.pending}`);
  // mid-batch: nothing of it is in the mirror yet, and nobody was told
  assert.equal(m.list('Pod').length, 1);
  assert.equal(m.rv, 1);
  assert.deepEqual(seen, []);
  // a second batch arrives meanwhile: it waits its turn
  m.applyDelta({ rv: N + 3, events: [{ type: 'MODIFIED', rv: N + 3, object: identity('p0'), patch: { status: { phase: 'Running' } } }] });
  let turns = 0;
  while (slices.length) {
    slices.shift()();
    turns++;
    if (m.pending) assert.deepEqual(seen, []); // still mid-batch: still nothing
  }
  assert.ok(turns > 2, `${turns} slices`);
  assert.equal(m.pending, 0);
  assert.equal(m.list('Pod').length, N);
  assert.equal(m.get('Pod', 'default', 'p0').status.phase, 'Running');
  assert.equal(m.rv, N + 3);
  // both batches were announced once they were whole (here, in the same slice: one announcement)
  assert.deepEqual(seen, [{ changed: N + 1, pods: N, rv: N + 3 }]);
});

test('a snapshot drops the batches still waiting; a patch of an object the mirror lacks asks for one', () => {
  const slices = [];
  let clock = 0;
  const m = new Mirror({ budgetMs: 1, now: () => (clock += 1), schedule: (fn) => slices.push(fn) });
  m.applySnapshot({ rv: 1, objects: [] });
  const events = [];
  for (let i = 0; i < 500; i++) events.push({ type: 'ADDED', rv: 2 + i, object: pod(`p${i}`, 2 + i) });
  m.applyDelta({ rv: 501, events });
  assert.ok(m.pending > 0);
  m.applySnapshot({ rv: 900, objects: [pod('fresh', 900)] });
  assert.equal(m.pending, 0);
  for (const fn of slices.splice(0)) fn();
  assert.deepEqual(m.list('Pod').map((p) => p.metadata.name), ['fresh']);
  assert.equal(m.rv, 900);

  let lost = 0;
  m.onLost = () => { lost++; };
  m.applyDelta({ rv: 901, events: [{ type: 'MODIFIED', rv: 901, object: identity('nobody'), patch: { status: {} } }] });
  assert.equal(lost, 1);
  assert.equal(m.get('Pod', 'default', 'nobody'), undefined);
  assert.equal(m.rv, 900); // the batch was not applied: the snapshot asked for will bring it
});

test('list(kind) is the objects of that kind in the mirror\'s order, through snapshots, patches, deletions and re-creations', () => {
  const m = new Mirror();
  const node = (name, rv) => ({ kind: 'Node', apiVersion: 'v1', metadata: { name, resourceVersion: String(rv) } });
  const byScan = (kind) => [...m.objects.values()].filter((o) => o.kind === kind);
  m.applySnapshot({ rv: 3, objects: [pod('a', 1), node('n1', 2), pod('b', 3)] });
  assert.deepEqual(m.list('Pod'), byScan('Pod'));
  assert.deepEqual(m.list('Node').map((n) => n.metadata.name), ['n1']);
  m.applyDelta({ rv: 9, events: [
    { type: 'DELETED', rv: 4, object: identity('a') },
    { type: 'ADDED', rv: 5, object: pod('c', 5) },
    { type: 'ADDED', rv: 6, object: node('n2', 6) },
    { type: 'MODIFIED', rv: 7, object: identity('b'), patch: { status: { phase: 'Running' } } },
    { type: 'ADDED', rv: 8, object: pod('a', 8) },
  ] });
  assert.deepEqual(m.list('Pod').map((p) => p.metadata.name).sort(), ['a', 'b', 'c']);
  assert.deepEqual(m.list('Pod'), byScan('Pod'));
  assert.equal(m.get('Pod', 'default', 'b').status.phase, 'Running');
  assert.equal(m.list('Pod').find((p) => p.metadata.name === 'b'), m.get('Pod', 'default', 'b'));
  assert.deepEqual(m.list('Node'), byScan('Node'));
  assert.deepEqual(m.list('Service'), []);
  m.applySnapshot({ rv: 20, objects: [node('n3', 20)] });
  assert.deepEqual(m.list('Pod'), []);
  assert.deepEqual(m.list('Node').map((n) => n.metadata.name), ['n3']);
});
