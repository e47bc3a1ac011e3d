// The page's check evaluator (static/src/lessoncheck.js) on hand-made mirrors: run by node's test
// runner from tests/web/test_lessons.py. The conditions are written as the server serves them
// (server/lessons parse_condition).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Mirror } from '../../static/src/store.js';
import { evaluateCondition, evaluateCheck, resolvePath, stepStates } from '../../static/src/lessoncheck.js';

const cond = (c) => ({ namespace: 'default', name: null, selector: null, node: null, status: null, path: null,
  many: false, cell: null, ...c });
const pod = (name, labels, nodeName) => ({ kind: 'Pod', metadata: { name, namespace: 'default', labels }, spec: { nodeName } });

function mirror(objects, cells = {}) {
  const m = new Mirror();
  m.applySnapshot({ rv: 1, objects, cells });
  return m;
}

test('pods are counted by selector, node and the STATUS cell the server sent', () => {
  const m = mirror([pod('a', { app: 'web' }, 'node1'), pod('b', { app: 'web', canary: '1' }, 'node2'),
    pod('c', { app: 'db' }, 'node2')], {
    'Pod/default/a': { status: 'Running' }, 'Pod/default/b': { status: 'Terminating' }, 'Pod/default/c': { status: 'Running' },
  });
  const sel = [{ key: 'app', op: '=', value: 'web' }];
  assert.equal(evaluateCondition(cond({ kind: 'Pod', selector: sel, op: 'count', value: 2 }), m).ok, true);
  assert.deepEqual(evaluateCondition(cond({ kind: 'Pod', selector: sel, status: ['Running'], op: 'count', value: 2 }), m),
    { ok: false, actual: 1 });
  const noCanary = [...sel, { key: 'canary', op: '!exists', value: null }];
  assert.equal(evaluateCondition(cond({ kind: 'Pod', selector: noCanary, op: 'count', value: 1 }), m).ok, true);
  assert.equal(evaluateCondition(cond({ kind: 'Pod', node: 'node2', op: 'atLeast', value: 2 }), m).ok, true);
  assert.equal(evaluateCondition(cond({ kind: 'Pod', name: 'b', cell: 'status', op: 'equals', value: 'Running' }), m).ok, false);
  assert.equal(evaluateCondition(cond({ kind: 'Pod', name: 'z', op: 'exists', value: false }), m).ok, true);
});

test('paths: list items by field, every item, quoted keys; an omitted zero count reads 0', () => {
  const node = { kind: 'Node', metadata: { name: 'node1' },
    status: { conditions: [{ type: 'MemoryPressure', status: 'False' }, { type: 'Ready', status: 'Unknown' }] } };
  const rs = { kind: 'ReplicaSet', metadata: { name: 'r', namespace: 'default', annotations: { 'a.io/rev': '2' } }, status: { replicas: 0 } };
  const ep = { kind: 'Endpoints', metadata: { name: 'web', namespace: 'default' },
    subsets: [{ addresses: [{ ip: '1' }, { ip: '2' }] }, { addresses: [{ ip: '3' }] }] };
  const m = mirror([node, rs, ep]);
  const ready = [{ key: 'status' }, { key: 'conditions' }, { where: ['type', 'Ready'] }, { key: 'status' }];
  assert.deepEqual(resolvePath(node, ready), ['Unknown']);
  // a cluster-scoped Node is found without a namespace
  assert.equal(evaluateCondition(cond({ kind: 'Node', name: 'node1', path: ready, op: 'equals', value: 'Unknown' }), m).ok, true);
  const ready3 = [{ key: 'status' }, { key: 'readyReplicas' }];
  assert.equal(evaluateCondition(cond({ kind: 'ReplicaSet', name: 'r', path: ready3, op: 'equals', value: 0 }), m).ok, true);
  assert.equal(evaluateCondition(cond({ kind: 'ReplicaSet', name: 'r', path: ready3, op: 'exists', value: false }), m).ok, true);
  const rev = [{ key: 'metadata' }, { key: 'annotations' }, { key: 'a.io/rev' }];
  assert.equal(evaluateCondition(cond({ kind: 'ReplicaSet', name: 'r', path: rev, op: 'equals', value: '2' }), m).ok, true);
  const addrs = [{ key: 'subsets' }, { all: true }, { key: 'addresses' }, { all: true }];
  assert.deepEqual(evaluateCondition(cond({ kind: 'Endpoints', name: 'web', path: addrs, many: true, op: 'count', value: 3 }), m),
    { ok: true, actual: 3 });
  assert.equal(evaluateCondition(cond({ kind: 'Endpoints', name: 'web', path: addrs, many: true, op: 'atLeast', value: 4 }), m).ok, false);
  assert.equal(evaluateCondition(cond({ kind: 'Endpoints', name: 'web', path: [{ key: 'subsets' }], op: 'count', value: 2 }), m).ok, true);
  assert.equal(evaluateCheck({ all: [] }, m).ok, false);
});

test('a step counts once the steps before it were done', () => {
  const steps = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];
  assert.deepEqual(stepStates(steps, [false, true, true], new Set()), ['pending', 'pending', 'pending']);
  assert.deepEqual(stepStates(steps, [false, true, true], new Set(['a'])), ['pending', 'done', 'done']);
  assert.deepEqual(stepStates(steps, [true, true, false], new Set()), ['done', 'done', 'pending']);
});
