// Unit tests of the page's pure modules (mirror, layout, kubectl STATUS, error lines), run by
// node's built-in test runner from test_modules.py. No DOM: these modules do not touch one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Mirror } from '../../static/src/store.js';
import { computeLayout } from '../../static/src/layout.js';
import { podStatus, podCategory, nodeStatus } from '../../static/src/podstatus.js';
import { fieldLine, normaliseResults } from '../../static/src/editor.js';

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
  const L = computeLayout(objects, { width: 1000, halted: new Set(['node2']) });
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
  const again = computeLayout([...objects].reverse(), { width: 1000, halted: new Set(['node2']) });
  assert.deepEqual([...again.pods.entries()].map(([k, p]) => [k, p.x, p.y]), [...L.pods.entries()].map(([k, p]) => [k, p.x, p.y]));
  // narrower page: fewer nodes per row, same nodes
  const narrow = computeLayout(objects, { width: 560, halted: new Set() });
  assert.ok(narrow.height > L.height);
});

test('pod STATUS reads as kubectl prints it', () => {
  assert.equal(podStatus(pod('a', { nodeName: 'n' })), 'Running');
  assert.equal(podStatus(pod('a', { nodeName: 'n', deleting: true })), 'Terminating');
  assert.equal(podStatus(pod('a', { nodeName: 'n', state: { waiting: { reason: 'ContainerCreating' } }, ready: false })), 'ContainerCreating');
  const crash = pod('a', { nodeName: 'n', state: { waiting: { reason: 'CrashLoopBackOff' } }, ready: false });
  assert.equal(podStatus(crash), 'CrashLoopBackOff');
  assert.equal(podCategory(crash), 'failed');
  const done = pod('a', { nodeName: 'n', state: { terminated: { reason: 'Completed', exitCode: 0 } }, ready: false });
  done.status.phase = 'Succeeded';
  assert.equal(podStatus(done), 'Completed');
  assert.equal(podCategory(done), 'completed');
  const pending = { kind: 'Pod', metadata: { name: 'p' }, spec: {}, status: { phase: 'Pending' } };
  assert.equal(podStatus(pending), 'Pending');
  assert.equal(podCategory(pod('a', { nodeName: 'n', ready: false })), 'notready');
  assert.equal(nodeStatus(node('x', { ready: 'Unknown', unschedulable: true })), 'NotReady,SchedulingDisabled');
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
