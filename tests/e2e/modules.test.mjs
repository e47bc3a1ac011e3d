// Unit tests of the page's pure modules (mirror and its cells, layout, status styles, tooltip rows,
// error lines), run by node's built-in test runner from test_modules.py. No DOM: these modules do
// not touch one. STATUS itself is the server's (kubectl's printers, tests/web/test_live_cells.py).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Mirror, cellsOf, keyOf } from '../../static/src/store.js';
import { computeLayout, layoutSteps, naturalCompare, shortName } from '../../static/src/layout.js';
import { styleOf, STYLES } from '../../static/src/podstyle.js';
import { podTooltipRows, humanDuration } from '../../static/src/tooltip.js';
import { fieldLine, normaliseResults } from '../../static/src/editor.js';
import { canvasArea, mergeRects } from '../../static/src/canvas.js';
import { SpriteGrid } from '../../static/src/spritegrid.js';

const node = (name, { ready = 'True', role = null, unschedulable = false } = {}) => ({
  kind: 'Node',
  metadata: { name, labels: role ? { [`node-role.kubernetes.io/${role}`]: '' } : {} },
  spec: unschedulable ? { unschedulable: true } : {},
  status: { conditions: [{ type: 'Ready', status: ready }] },
});
const pod = (name, { nodeName, hash, rs, state = { running: {} }, ready = true, deleting = false, created = '2025-03-03T13:00:00Z' } = {}) => ({
  kind: 'Pod',
  metadata: {
    name, namespace: 'default', creationTimestamp: created,
    labels: hash ? { 'pod-template-hash': hash } : {},
    ownerReferences: rs ? [{ kind: 'ReplicaSet', name: rs, controller: true, uid: rs }] : undefined,
    deletionTimestamp: deleting ? '2025-03-03T13:05:00Z' : undefined,
  },
  spec: { nodeName, containers: [{ name: 'c', image: 'nginx' }] },
  status: {
    phase: state.running ? 'Running' : 'Pending',
    conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
    containerStatuses: [{ name: 'c', ready, restartCount: 0, state }],
  },
});

// The cells the server sends with a snapshot (server/web/live.py): what kubectl would print.
const nodeCells = (n) => ({
  status: n.status.conditions[0].status === 'True' ? 'Ready' : 'NotReady',
  roles: Object.keys(n.metadata.labels).map((k) => k.split('/')[1]).join(',') || '<none>',
});
const podCells = (p, status = 'Running', ready = '1/1') => ({
  name: p.metadata.name, ready, status, restarts: 0, lastRestart: null, created: 1741006800, ip: '10.244.1.5',
  node: p.spec.nodeName || '<none>', nominatedNode: '<none>', readinessGates: '<none>', backOffUntil: null,
});
function mirrored(objects, statuses = {}) {
  const m = new Mirror();
  const cells = {};
  for (const o of objects) {
    if (o.kind === 'Node') cells[keyOf(o)] = nodeCells(o);
    else if (o.kind === 'Pod') cells[keyOf(o)] = podCells(o, ...(statuses[o.metadata.name] || []));
  }
  m.applySnapshot({ rv: 1, objects, cells });
  return m;
}

test('the mirror applies deltas in rv order and skips what it already has', () => {
  const m = new Mirror();
  const seen = [];
  m.subscribe(({ changed }) => seen.push([...changed].sort()));
  m.applySnapshot({ rv: 10, objects: [node('node1'), pod('a', { nodeName: 'node1' })], clock: { time: 1 } });
  assert.equal(m.rv, 10);
  assert.equal(m.list('Pod').length, 1);
  const b = pod('b', { nodeName: 'node1' });
  m.applyDelta({
    rv: 14, clock: { time: 2 },
    events: [
      { type: 'DELETED', rv: 13, object: pod('a') },
      { type: 'ADDED', rv: 9, object: pod('stale') }, // a replay from before the snapshot
      { type: 'ADDED', rv: 12, object: b },
    ],
  });
  assert.deepEqual(m.list('Pod').map((p) => p.metadata.name), ['b']);
  assert.equal(m.rv, 14);
  assert.deepEqual(m.clock, { time: 2 });
  assert.deepEqual(seen[1], ['Pod/default/a', 'Pod/default/b']);
  // the same batch again (a reconnect that overlaps) changes nothing
  m.applyDelta({ rv: 14, events: [{ type: 'DELETED', rv: 12, object: b }] });
  assert.equal(m.list('Pod').length, 1);
  assert.equal(seen.length, 2);
});

test('the mirror tells which pods were created unscheduled, even if bound in the same batch', () => {
  const m = new Mirror();
  let last = null;
  m.subscribe((e) => { last = e; });
  m.applySnapshot({ rv: 1, objects: [node('node1')] });
  const unbound = pod('web-1');
  delete unbound.spec.nodeName;
  m.applyDelta({ rv: 3, events: [
    { type: 'ADDED', rv: 2, object: unbound },
    { type: 'MODIFIED', rv: 3, object: pod('web-1', { nodeName: 'node1' }) },
  ] });
  assert.deepEqual([...last.bornUnscheduled], ['Pod/default/web-1']);
  assert.equal(m.get('Pod', 'default', 'web-1').spec.nodeName, 'node1');
  m.applyDelta({ rv: 4, events: [{ type: 'ADDED', rv: 4, object: pod('web-2', { nodeName: 'node1' }) }] });
  assert.equal(last.bornUnscheduled.size, 0);
});

test('layout: unscheduled pods in the tray, bound pods inside their node, grouped by template hash', () => {
  const objects = [
    node('node2'), node('master', { role: 'control-plane' }), node('node1'),
    pod('web-7c74bc9bb8-aaaaa', { nodeName: 'node1', hash: '7c74bc9bb8', rs: 'web-7c74bc9bb8' }),
    pod('web-7c74bc9bb8-bbbbb', { nodeName: 'node1', hash: '7c74bc9bb8', rs: 'web-7c74bc9bb8' }),
    pod('web-5d9f7b6c4-ccccc', { nodeName: 'node1', hash: '5d9f7b6c4', rs: 'web-5d9f7b6c4' }),
    pod('web-5d9f7b6c4-ddddd', { hash: '5d9f7b6c4', rs: 'web-5d9f7b6c4', state: {}, ready: false }),
  ];
  const m = mirrored(objects, { 'web-5d9f7b6c4-ddddd': ['Pending', '0/1'] });
  const L = computeLayout(m.objects.values(), { width: 1000, halted: new Set(['node2']) });
  assert.deepEqual(L.nodes.map((n) => n.name), ['master', 'node1', 'node2']);
  assert.equal(L.nodes[2].halted, true);
  assert.equal(L.tray.count, 1);
  const inTray = L.pods.get('Pod/default/web-5d9f7b6c4-ddddd');
  const t = L.tray;
  assert.ok(inTray.x >= t.x && inTray.y >= t.y && inTray.x + inTray.size <= t.x + t.w && inTray.y + inTray.size <= t.y + t.h);
  const n1 = L.nodes[1];
  assert.equal(n1.podCount, 3);
  for (const key of ['Pod/default/web-7c74bc9bb8-aaaaa', 'Pod/default/web-5d9f7b6c4-ccccc']) {
    const p = L.pods.get(key);
    assert.ok(p.x >= n1.x && p.y >= n1.y && p.x + p.size <= n1.x + n1.w && p.y + p.size <= n1.y + n1.h, key);
  }
  assert.deepEqual(n1.groups.map((g) => g.label).sort(), ['web · 5d9f7b6c4', 'web · 7c74bc9bb8']);
  // a pure function: the same objects in another order give the same geometry
  const again = computeLayout([...m.objects.values()].reverse(), { width: 1000, halted: new Set(['node2']) });
  assert.deepEqual([...again.pods.entries()].map(([k, p]) => [k, p.x, p.y]), [...L.pods.entries()].map(([k, p]) => [k, p.x, p.y]));
  // narrower page: fewer nodes per row, same nodes
  const narrow = computeLayout(m.objects.values(), { width: 560, halted: new Set() });
  assert.ok(narrow.height > L.height);
});

test('cells: an event without cells keeps the last ones, an event with cells replaces them', () => {
  const a = pod('a', { nodeName: 'node1' });
  const m = mirrored([node('node1'), a], { a: ['ContainerCreating', '0/1'] });
  assert.equal(cellsOf(m.get('Pod', 'default', 'a')).status, 'ContainerCreating');
  const labelled = pod('a', { nodeName: 'node1' });
  m.applyDelta({ rv: 2, events: [{ type: 'MODIFIED', rv: 2, object: labelled }] });
  assert.equal(m.get('Pod', 'default', 'a'), labelled);
  assert.equal(cellsOf(labelled).status, 'ContainerCreating');
  const crashing = pod('a', { nodeName: 'node1' });
  m.applyDelta({ rv: 3, events: [{ type: 'MODIFIED', rv: 3, object: crashing, cells: podCells(crashing, 'CrashLoopBackOff', '0/1') }] });
  const L = computeLayout(m.objects.values(), { width: 1000 });
  const p = L.pods.get('Pod/default/a');
  assert.equal(p.status, 'CrashLoopBackOff');
  assert.equal(p.category, 'crashloop');
  assert.equal(L.nodes[0].status, 'Ready');
});

test('each STATUS word has its own style; Running splits on READY', () => {
  const cases = {
    Pending: 'pending', ContainerCreating: 'creating', 'Init:0/2': 'init', Terminating: 'terminating',
    Completed: 'completed', Error: 'error', 'ExitCode:3': 'error', CrashLoopBackOff: 'crashloop',
    ErrImagePull: 'imagepull', ImagePullBackOff: 'imagepull', OOMKilled: 'oomkilled', Evicted: 'evicted',
    'Init:CrashLoopBackOff': 'crashloop', 'Init:ExitCode:1': 'error', CreateContainerConfigError: 'configerror',
    Unknown: 'unknown',
  };
  for (const [word, style] of Object.entries(cases)) assert.equal(styleOf(word, '1/1'), style, word);
  assert.equal(styleOf('Running', '2/2'), 'running');
  assert.equal(styleOf('Running', '1/2'), 'notready');
  // no two styles look alike: each (colour, glyph, outline) is different
  const looks = Object.values(STYLES).map((st) => `${st.colour}|${st.glyph}|${!!st.hollow}`);
  assert.equal(new Set(looks).size, looks.length);
});

test('nodes: control plane first, then natural order; owners resolved through their controllers', () => {
  assert.ok(naturalCompare('node2', 'node10') < 0 && naturalCompare('node10', 'node9') > 0);
  assert.equal(shortName('web-deploy-7c74bc9bb8-x7k2p', 15), 'web-…-x7k2p');
  assert.equal(shortName('web-0', 15), 'web-0');
  const rs = { kind: 'ReplicaSet', metadata: { name: 'web-7c9', namespace: 'default', ownerReferences: [{ kind: 'Deployment', name: 'web', controller: true }] } };
  const objects = [node('node10'), node('node2'), node('node1'), node('master', { role: 'control-plane' }), rs,
    pod('web-7c9-abcde', { nodeName: 'node2', hash: '7c9', rs: 'web-7c9' })];
  const db = pod('db-0', { nodeName: 'node10' });
  db.metadata.ownerReferences = [{ kind: 'StatefulSet', name: 'db', controller: true }];
  objects.push(db);
  const L = computeLayout(mirrored(objects).objects.values(), { width: 1400 });
  assert.deepEqual(L.nodes.map((n) => n.name), ['master', 'node1', 'node2', 'node10']);
  const web = L.pods.get('Pod/default/web-7c9-abcde');
  assert.deepEqual(web.owner, { kind: 'Deployment', name: 'web', via: { kind: 'ReplicaSet', name: 'web-7c9' } });
  assert.equal(web.badge, 'D');
  assert.equal(L.pods.get('Pod/default/db-0').badge, '0');
});

test('the tooltip rows: kubectl\'s cells, ages against the virtual now, the back-off countdown', () => {
  assert.deepEqual(['65s', '4m29s', '12m', '5h3m', '30h', '4d20h'].map((t, i) => [t, humanDuration([65, 269, 720, 18180, 108000, 417600][i])]),
    [['65s', '65s'], ['4m29s', '4m29s'], ['12m', '12m'], ['5h3m', '5h3m'], ['30h', '30h'], ['4d20h', '4d20h']]);
  const p = {
    name: 'crash', namespace: 'default', owner: null, pod: { spec: { containers: [{ name: 'a' }, { name: 'b' }] } },
    cells: { ...podCells(pod('crash', { nodeName: 'node1' }), 'CrashLoopBackOff', '1/2'), restarts: 3, lastRestart: 1000, created: 900, backOffUntil: 1040 },
  };
  const rows = Object.fromEntries(podTooltipRows(p, 1010));
  assert.equal(rows.Status, 'CrashLoopBackOff, restarting in 30s');
  assert.equal(rows.Restarts, '3 (10s ago)');
  assert.equal(rows.Ready, '1/2');
  assert.equal(rows.Owner, 'none (bare pod)');
  assert.equal(rows.Containers, 'a, b');
  assert.equal(rows.Age, '110s');
  assert.equal(Object.fromEntries(podTooltipRows(p, 1050)).Status, 'CrashLoopBackOff');
});

test('an apply error is marked on the field it names, within its document', () => {
  const typo = readFileSync(new URL('../../examples/seeds/pod-kuard-typo.yml', import.meta.url), 'utf8');
  const lines = typo.split('\n');
  const line = fieldLine(typo, 3, lines.length, 'strict decoding error: unknown field "spec.containres"');
  assert.equal(lines[line - 1].trim(), 'containres:');
  const deploy = readFileSync(new URL('../../examples/lessons/step08-deployment1.yml', import.meta.url), 'utf8');
  const dl = deploy.split('\n');
  const img = fieldLine(deploy, 1, dl.length, 'Deployment.apps "web-deploy" is invalid: spec.template.spec.containers[0].image: Required value');
  assert.equal(dl[img - 1].trim(), 'image: nginx:1.16');
  // a message naming no field keeps the document's line
  assert.equal(fieldLine(deploy, 1, dl.length, 'error: something else'), 1);
  const items = normaliseResults({ results: [{ ok: true, output: 'pod/x created\n', line: 1 }, { ok: false, output: 'Error from server', line: 7, endLine: 9 }] });
  assert.deepEqual(items.map((i) => [i.ok, i.line, i.endLine]), [[true, 1, 0], [false, 7, 9]]);
});

test('layout: a node whose pods did not change keeps its blocks; the result equals a fresh layout', () => {
  const objects = [node('node1'), node('node2')];
  for (let i = 0; i < 6; i++) {
    objects.push(pod(`web-7c74bc9bb8-a${i}`, { nodeName: i % 2 ? 'node2' : 'node1', hash: '7c74bc9bb8', rs: 'web-7c74bc9bb8' }));
  }
  const m = mirrored(objects);
  const first = computeLayout(m.objects.values(), { width: 1000 });
  // one pod on node2 changes status: node1's blocks are the same objects, node2's are new
  const changed = structuredClone(m.get('Pod', 'default', 'web-7c74bc9bb8-a1'));
  changed.status.phase = 'Pending';
  changed.metadata.resourceVersion = '2';
  m.applyDelta({ rv: 2, events: [{ type: 'MODIFIED', rv: 2, object: changed,
    cells: podCells(changed, 'CrashLoopBackOff', '0/1') }] });
  const second = computeLayout(m.objects.values(), { width: 1000 });
  const byName = (L) => new Map(L.nodes.map((n) => [n.name, n]));
  assert.equal(byName(second).get('node1').groups, byName(first).get('node1').groups);
  assert.notEqual(byName(second).get('node2').groups, byName(first).get('node2').groups);
  assert.equal(second.pods.get('Pod/default/web-7c74bc9bb8-a1').status, 'CrashLoopBackOff');
  // the kept blocks are what a layout of fresh objects (nothing to keep) places
  const fresh = computeLayout(mirrored(structuredClone([...m.objects.values()]), { 'web-7c74bc9bb8-a1': ['CrashLoopBackOff', '0/1'] })
    .objects.values(), { width: 1000 });
  const geometry = (L) => [...L.pods.entries()].map(([k, p]) => [k, p.x, p.y, p.status, p.label, p.badge]).sort();
  assert.deepEqual(geometry(second), geometry(fresh));
});

test('layout: made in steps from what changed, after a sequence of changes, it is a fresh full layout', async () => {
  // what the page shows of a layout: every pod, node, block and the tray, where and as they are
  const shown = (L) => ({
    pods: [...L.pods.values()].map((p) => [p.key, p.node, p.x, p.y, p.size, p.status, p.label, p.badge]).sort(),
    nodes: L.nodes.map((n) => [n.name, n.x, n.y, n.w, n.h, n.podCount, n.status]),
    groups: L.groups.map((g) => [g.node, g.key, g.x, g.y, g.w, g.h, g.label]),
    tray: [L.tray.h, L.tray.count], height: L.height,
  });
  // a fresh full layout: a new instance of layout.js, whose caches have seen nothing
  let fresh = 0;
  const full = async (m) => (await import(`../../static/src/layout.js?fresh=${++fresh}`)).computeLayout(
    m.objects.values(), { width: 1200 });
  // the page's way (main.js): a layout in steps of an array of the objects, each pass reusing what
  // the passes before kept (nodes whose pods and place did not change)
  const stepped = (m) => {
    const steps = layoutSteps([...m.objects.values()], { width: 1200 });
    let r = steps.next();
    while (!r.done) r = steps.next();
    return r.value;
  };
  const m = new Mirror();
  const objects = ['node1', 'node2', 'node3', 'node4', 'node5', 'node6'].map((n) => node(n));
  const web = (i, nodeName) => pod(`web-h1-${String(i).padStart(3, '0')}`, { nodeName, hash: 'h1', rs: 'web-h1' });
  for (let i = 0; i < 30; i++) objects.push(web(i, `node${1 + (i % 6)}`));
  const cells = {};
  for (const o of objects) cells[keyOf(o)] = o.kind === 'Node' ? nodeCells(o) : podCells(o);
  m.applySnapshot({ rv: 1, objects, cells });
  let rv = 1;
  const apply = (...events) => m.applyDelta({ rv: rv + events.length, events: events.map((e) => ({ ...e, rv: ++rv })) });
  const add = (p, status = 'Running') => ({ type: 'ADDED', object: p, cells: podCells(p, status) });
  const steps = [
    // pods come to node1 only: its row grows taller, so the next row's nodes move down (their pods
    // did not change, their place did)
    () => apply(...Array.from({ length: 40 }, (_, i) => add(web(100 + i, 'node1')))),
    // one pod changes status on node5, one goes from node6
    // (a new object, as the server sends)
    () => apply({ type: 'MODIFIED', object: web(4, 'node5'), cells: podCells(web(4, 'node5'), 'CrashLoopBackOff', '0/1') },
      { type: 'DELETED', object: m.get('Pod', 'default', 'web-h1-005') }),
    // node1's newcomers leave again: its row is as short as before, and the nodes below move back up
    () => apply(...Array.from({ length: 40 }, (_, i) => ({ type: 'DELETED', object: web(100 + i, 'node1') }))),
    // node2 goes away (its pods with it), and a pod waits unscheduled in the tray
    () => apply({ type: 'DELETED', object: m.get('Node', '', 'node2') },
      ...[...m.objects.values()].filter((o) => o.kind === 'Pod' && o.spec.nodeName === 'node2').map((o) => ({ type: 'DELETED', object: o })),
      add(web(200, undefined), 'Pending')),
  ];
  assert.deepEqual(shown(stepped(m)), shown(await full(m)));
  for (const [i, change] of steps.entries()) {
    change();
    assert.deepEqual(shown(stepped(m)), shown(await full(m)), `after change ${i + 1}`);
  }
});

test('layout: each node lists its pods oldest first, then by name, through status changes, arrivals and leavings', () => {
  const made = (name, created) => pod(name, { nodeName: 'node1', hash: 'h1', rs: 'web-h1', created });
  const order = (objects) => computeLayout(mirrored(objects).objects.values(), { width: 1200 }).nodes[0]
    .groups.flatMap((g) => g.pods.map((p) => p.name));
  const n1 = node('node1');
  const c = made('web-h1-c', '2025-03-03T13:00:05Z');
  const a = made('web-h1-a', '2025-03-03T13:00:09Z');
  const b = made('web-h1-b', '2025-03-03T13:00:05Z');
  assert.deepEqual(order([n1, c, a, b]), ['web-h1-b', 'web-h1-c', 'web-h1-a']);
  // the same pods with a new status (new objects, as the mirror makes them): the same order
  const notReady = { ...b, status: { ...b.status, conditions: [{ type: 'Ready', status: 'False' }] } };
  assert.deepEqual(order([n1, c, a, notReady]), ['web-h1-b', 'web-h1-c', 'web-h1-a']);
  // one comes, one goes, in any order of the objects
  const d = made('web-h1-d', '2025-03-03T13:00:01Z');
  assert.deepEqual(order([n1, a, d, c]), ['web-h1-d', 'web-h1-c', 'web-h1-a']);
  assert.deepEqual(order([n1, c, d, a]), ['web-h1-d', 'web-h1-c', 'web-h1-a']);
});

test('the canvas paints apart changes apart: overlapping dirty rectangles merge, distant ones stay', () => {
  const top = { x: 0, y: 0, w: 30, h: 30 };
  const bottom = { x: 0, y: 4000, w: 30, h: 30 };
  assert.deepEqual(mergeRects([top, bottom]), [top, bottom]);
  // a chain: the third joins the first, and their union then reaches the second
  assert.deepEqual(mergeRects([top, { x: 50, y: 0, w: 10, h: 10 }, { x: 20, y: 20, w: 31, h: 5 }, bottom]),
    [{ x: 0, y: 0, w: 60, h: 30 }, bottom]);
  assert.deepEqual(mergeRects([]), []);
});

test('the canvas covers the view and a margin, as big as that or the layout, inside the layout, on device pixels', () => {
  // no view (no zoom controls): the whole layout
  assert.deepEqual(canvasArea(900, 4600, null, 160, 1), { x: 0, y: 0, w: 900, h: 4600 });
  // a view in the middle: the view and the margin around it (narrower than the view's margins: the layout's width)
  assert.deepEqual(canvasArea(900, 4600, { x: 0, y: 2000, w: 900, h: 700 }, 160, 1), { x: 0, y: 1840, w: 900, h: 1020 });
  // at the top and at the bottom it keeps its size and stays inside the layout
  assert.deepEqual(canvasArea(900, 4600, { x: 0, y: 50, w: 900, h: 700 }, 160, 1), { x: 0, y: 0, w: 900, h: 1020 });
  assert.deepEqual(canvasArea(900, 4600, { x: 0, y: 3900, w: 900, h: 700 }, 160, 1), { x: 0, y: 3580, w: 900, h: 1020 });
  // a layout shorter than the view: all of it
  assert.deepEqual(canvasArea(900, 500, { x: 0, y: 0, w: 900, h: 700 }, 160, 1), { x: 0, y: 0, w: 900, h: 500 });
  // a fractional scroll at 2 device pixels per px: edges on half pixels
  const a = canvasArea(2000, 4600, { x: 300.3, y: 1000.3, w: 500.2, h: 400 }, 160, 2);
  assert.deepEqual(a, { x: 140, y: 840, w: 820.5, h: 720 });
  for (const v of Object.values(canvasArea(2000, 4600, { x: 300.37, y: 1000.71, w: 500.13, h: 400.4 }, 160, 1.5))) {
    assert.ok(Math.abs(v * 1.5 - Math.round(v * 1.5)) < 1e-6, v);
  }
});

test('the sprite grid finds the sprites whose corner lies near a rectangle, wherever they moved since', () => {
  const grid = new SpriteGrid(100);
  // a seeded walk of 300 sprites over a 2,000 × 9,000 layout, moved and removed at random
  let seed = 7;
  const rand = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
  const sprites = [];
  for (let i = 0; i < 300; i++) {
    const s = { id: i, x: rand() * 2000, y: rand() * 9000 };
    grid.put(s);
    sprites.push(s);
  }
  const alive = new Set(sprites);
  for (let round = 0; round < 400; round++) {
    const s = sprites[Math.floor(rand() * sprites.length)];
    if (rand() < 0.1) { grid.remove(s); alive.delete(s); continue; }
    if (rand() < 0.3) { s.x += (rand() - 0.5) * 60; s.y += (rand() - 0.5) * 60; } else { s.x = rand() * 2000; s.y = rand() * 9000; }
    grid.put(s);
    alive.add(s);
    const r = { x: rand() * 2000 - 100, y: rand() * 9000 - 100, w: rand() * 500, h: rand() * 500 };
    const found = new Set();
    grid.near(r, (t) => found.add(t));
    const inside = [...alive].filter((t) => t.x >= r.x && t.x <= r.x + r.w && t.y >= r.y && t.y <= r.y + r.h);
    for (const t of inside) assert.ok(found.has(t), `sprite ${t.id} at ${t.x},${t.y} is in ${JSON.stringify(r)}`);
    for (const t of found) assert.ok(alive.has(t), `sprite ${t.id} was removed`);
    // only the cells the rectangle touches are looked at: nothing far from it
    for (const t of found) assert.ok(t.x >= r.x - 100 && t.x <= r.x + r.w + 100 && t.y >= r.y - 100 && t.y <= r.y + r.h + 100);
  }
  // a corner left of or above the layout's origin is in the first column or row
  const out = { id: 'out', x: -30, y: -5 };
  grid.put(out);
  const found = [];
  grid.near({ x: -50, y: -50, w: 10, h: 10 }, (t) => found.push(t));
  assert.ok(found.includes(out));
});
