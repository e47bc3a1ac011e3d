// Unit tests of rollout.js's and nodefail.js's pure parts, run by node's test runner from
// test_rollout_nodefail_modules.py. No DOM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Mirror } from '../../static/src/store.js';
import { rolloutsOf, replicaSetLabel, chartPoints } from '../../static/src/rollout.js';
import { nodeExplain, humanCountdown, explains, replacements } from '../../static/src/nodefail.js';

const rs = (name, rev, image, replicas, ready = replicas) => ({
  kind: 'ReplicaSet',
  metadata: { name, namespace: 'default', annotations: { 'deployment.kubernetes.io/revision': String(rev) },
    ownerReferences: [{ kind: 'Deployment', name: 'web', controller: true }] },
  spec: { replicas, template: { spec: { containers: [{ name: 'nginx', image }] } } },
  status: { replicas, readyReplicas: ready },
});
const deploy = { kind: 'Deployment', metadata: { name: 'web', namespace: 'default' }, spec: { replicas: 3 },
  status: { replicas: 4, readyReplicas: 3, updatedReplicas: 1 } };

test('a Deployment with two ReplicaSets is a rollout, old on the left, with the server budget', () => {
  const m = new Mirror();
  m.applySnapshot({ rv: '1', objects: [deploy, rs('web-new', 2, 'nginx:1.16.1', 1, 0), rs('web-old', 1, 'nginx:1.14.2', 3),
    rs('web-older', 0, 'nginx:1.13', 0)],
  cells: { 'ReplicaSet/default/web-new': { maxSurge: 1, maxUnavailable: 0 } } });
  const [r] = rolloutsOf(m.objects.values());
  assert.equal(r.name, 'web');
  assert.deepEqual(r.sets.map(replicaSetLabel),
    ['replicaset web-old, revision 1, nginx:1.14.2', 'replicaset web-new, revision 2, nginx:1.16.1']);
  assert.deepEqual([r.maxSurge, r.maxUnavailable], [1, 0]);
  assert.deepEqual(r.counts, { desired: 3, current: 4, ready: 3, updated: 1 });
  // one ReplicaSet: no card
  assert.deepEqual(rolloutsOf([deploy, rs('web-old', 1, 'nginx:1.14.2', 3)]), []);
});

test('the chart steps: a value holds until the next point', () => {
  const pts = chartPoints([{ t: 0, desired: 2, current: 2, ready: 0, updated: 0 },
    { t: 10, desired: 2, current: 2, ready: 2, updated: 2 }], 100, 40);
  assert.equal(pts.ready, '0.0,39.0 100.0,39.0 100.0,1.0');
  assert.equal(pts.desired, '0.0,1.0 100.0,1.0 100.0,1.0');
});

const T0 = Date.parse('2025-03-03T13:00:00Z') / 1000;
const taint = (key, effect, at) => ({ key, effect, timeAdded: new Date(at * 1000).toISOString() });
const podOn = (name, tolerations) => ({ kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { nodeName: 'node1', tolerations } });
const defaults = [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }];

test('countdowns read as the issue writes them', () => {
  assert.equal(humanCountdown(37.2), '38 s');
  assert.equal(humanCountdown(252), '4 m 12 s');
});

test('a halted node counts down to NotReady, then to eviction; DaemonSet-like pods stay', () => {
  const node = { kind: 'Node', metadata: { name: 'node1' }, spec: {} };
  const halted = { status: 'Ready', roles: 'worker', halted: true, graceSeconds: 50, notReadyAt: T0 + 50 };
  assert.equal(nodeExplain(node, halted, [], T0 + 12).status, 'NotReady in 38 s');
  assert.ok(explains(node, halted));
  assert.ok(!explains(node, { status: 'Ready', roles: 'worker' }));
  const tainted = { ...node, spec: { taints: [taint('node.kubernetes.io/unreachable', 'NoSchedule', T0 + 50),
    taint('node.kubernetes.io/unreachable', 'NoExecute', T0 + 50)] } };
  const pods = [podOn('web-1', defaults), podOn('ds-1', [{ operator: 'Exists' }]), podOn('short', [])];
  // the taint manager's schedule as the server sends it (ds-1 tolerates forever: not scheduled)
  const evictAt = { 'default/web-1': T0 + 350, 'default/short': T0 + 80 };
  const x = nodeExplain(tainted, { status: 'NotReady', halted: true, notReadyAt: null, evictAt }, pods, T0 + 60);
  assert.equal(x.status, 'evicting in 20 s (1 pod)');
  assert.deepEqual(x.taints, ['node.kubernetes.io/unreachable:NoSchedule', 'node.kubernetes.io/unreachable:NoExecute']);
  assert.deepEqual(x.evictions.map((e) => e.name), ['short', 'web-1']);
  assert.equal(nodeExplain(tainted, { status: 'NotReady', halted: true, evictAt }, pods, T0 + 98).status,
    'evicting in 4 m 12 s (1 pod)');
  assert.equal(nodeExplain(tainted, { status: 'NotReady', halted: true, evictAt: { 'default/bare': T0 + 50 } },
    [podOn('bare', [])], T0 + 60).status, 'evicting now');
});

test('a cordoned node says so', () => {
  const node = { kind: 'Node', metadata: { name: 'node2' }, spec: { unschedulable: true } };
  assert.equal(nodeExplain(node, { status: 'Ready,SchedulingDisabled' }, [], T0).status, 'cordoned, no new pods');
  const leaving = { ...podOn('web-1', defaults), metadata: { name: 'web-1', deletionTimestamp: '2025-03-03T13:00:05Z' } };
  assert.equal(nodeExplain(node, { status: 'Ready,SchedulingDisabled' }, [leaving, podOn('ds', [])], T0).status,
    'cordoned, no new pods; draining, 1 pod terminating');
});

test('replacements pair a controller\'s going pods with its pods created since, first asked, first paired', () => {
  const pod = (name, uid, created, deleted, grace = 30) => ({
    kind: 'Pod',
    metadata: { name, namespace: 'default', creationTimestamp: created,
      ownerReferences: [{ kind: 'ReplicaSet', name: uid, uid, controller: true }],
      ...(deleted ? { deletionTimestamp: deleted, deletionGracePeriodSeconds: grace } : {}) },
  });
  const pairs = replacements([
    pod('web-a', 'rs1', '2026-12-01T10:00:00Z', '2026-12-01T10:05:30Z'), // asked at 10:05:00
    pod('web-b', 'rs1', '2026-12-01T10:00:00Z', '2026-12-01T10:05:31Z'),
    pod('web-old', 'rs1', '2026-12-01T10:01:00Z'), // a sibling from before: no replacement
    pod('web-c', 'rs1', '2026-12-01T10:05:00Z'),
    pod('web-d', 'rs1', '2026-12-01T10:05:01Z'),
    pod('db-a', 'rs2', '2026-12-01T10:00:00Z', '2026-12-01T10:05:30Z'), // its controller made none
    pod('other', 'rs3', '2026-12-01T10:06:00Z'),
    { kind: 'Pod', metadata: { name: 'bare', deletionTimestamp: '2026-12-01T10:05:30Z' } },
  ]);
  assert.deepEqual(pairs.map((p) => [p.from.metadata.name, p.to.metadata.name]), [['web-a', 'web-c'], ['web-b', 'web-d']]);
});
