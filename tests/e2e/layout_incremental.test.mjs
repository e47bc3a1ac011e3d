// layout.js's incremental passes (a node whose pods, place and owners are as they were keeps its
// flow; a changed node lends its unchanged pods' records to the new flow) against a full layout by a
// fresh instance of layout.js (whose caches have seen nothing), through random sequences of the
// changes a cluster makes: pods coming, changing status, going, bound from the tray, nodes joining,
// leaving and being cordoned, owners appearing, NodePorts, halted machines and a new page width.
// Run by node's test runner (`node --test tests/e2e/*.test.mjs`). No DOM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Mirror, keyOf } from '../../static/src/store.js';
import { layoutSteps } from '../../static/src/layout.js';

/** A small seeded generator (mulberry32): the same sequence every run. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const OWNERS = [
  { kind: 'ReplicaSet', name: 'web-7c74bc9bb8', hash: '7c74bc9bb8', ns: 'default' },
  { kind: 'ReplicaSet', name: 'web-5d9f8c7b6a', hash: '5d9f8c7b6a', ns: 'default' },
  { kind: 'ReplicaSet', name: 'api-66b8f9d4c1', hash: '66b8f9d4c1', ns: 'default' },
  { kind: 'DaemonSet', name: 'kube-proxy', hash: '', ns: 'kube-system' },
  null, // bare pods
];

const nodeObj = (name, unschedulable = false) => ({
  kind: 'Node',
  metadata: { name, labels: name === 'master' ? { 'node-role.kubernetes.io/control-plane': '' } : {}, uid: name },
  spec: unschedulable ? { unschedulable: true, taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }] } : {},
  status: { conditions: [{ type: 'Ready', status: 'True' }] },
});
const nodeCells = (n) => ({ status: n.spec.unschedulable ? 'Ready,SchedulingDisabled' : 'Ready', roles: n.metadata.name === 'master' ? 'control-plane' : '<none>' });

const podObj = (name, owner, nodeName, created, containers, extra = {}) => ({
  kind: 'Pod',
  metadata: {
    name, namespace: owner ? owner.ns : 'default', uid: name, creationTimestamp: created,
    labels: owner && owner.hash ? { 'pod-template-hash': owner.hash } : {},
    ownerReferences: owner ? [{ kind: owner.kind, name: owner.name, controller: true, uid: owner.name }] : undefined,
    ...extra,
  },
  spec: { nodeName, containers: Array.from({ length: containers }, (_, i) => ({ name: `c${i}`, image: 'nginx' })) },
  status: { phase: 'Running' },
});
const podCells = (p, status, ready) => ({ name: p.metadata.name, ready, status, restarts: 0, node: p.spec.nodeName || '<none>' });

const replicaSet = (o, withDeployment) => ({
  kind: 'ReplicaSet',
  metadata: { name: o.name, namespace: o.ns, uid: o.name,
    ownerReferences: withDeployment ? [{ kind: 'Deployment', name: o.name.split('-')[0], controller: true, uid: 'd' }] : undefined },
  spec: {}, status: {},
});

const nodePortService = (port) => ({
  kind: 'Service', metadata: { name: `np-${port}`, namespace: 'default', uid: `np-${port}` },
  spec: { type: 'NodePort', clusterIP: '10.96.0.9', ports: [{ port: 80, nodePort: port, protocol: 'TCP' }] },
});

const STATUSES = [['Running', '1/1'], ['Pending', '0/1'], ['ContainerCreating', '0/1'], ['CrashLoopBackOff', '0/1'],
  ['Running', '0/1'], ['Completed', '0/1'], ['Terminating', '1/1'], ['Running', '2/2'], ['Running', '1/2']];

/** What the page reads of a layout: everything but the identity of its records and blocks. */
function shown(L) {
  const { relations, pods, ...rest } = L;
  return {
    ...rest,
    nodes: L.nodes.map(({ object, ...n }) => ({ ...n, object: keyOf(object) })),
    pods: [...pods.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)),
    chips: relations.chips,
  };
}

/** The page's way (main.js): a layout in steps, each pass reusing what the passes before kept. */
function run(layoutStepsOf, objects, opts) {
  const steps = layoutStepsOf(objects, opts);
  let r = steps.next();
  while (!r.done) r = steps.next();
  return r.value;
}

const stepped = (objects, opts) => run(layoutSteps, objects, opts);

// a full layout: a new instance of layout.js, whose caches have seen nothing
let fresh = 0;
async function full(objects, opts) {
  const mod = await import(`../../static/src/layout.js?incremental=${++fresh}`);
  return run(mod.layoutSteps, objects, opts);
}

for (const seed of [1, 2, 3, 4, 5, 6]) {
  test(`layout: incremental passes equal a full layout through random changes (seed ${seed})`, async () => {
    const random = rng(seed);
    const pick = (list) => list[Math.floor(random() * list.length)];
    const m = new Mirror({ schedule: (fn) => fn() });
    let rv = 1;
    let made = 0;
    let nodes = 4;
    const objects = [nodeObj('master'), ...Array.from({ length: nodes }, (_, i) => nodeObj(`node${i + 1}`))];
    const cells = {};
    for (const n of objects) cells[keyOf(n)] = nodeCells(n);
    for (const o of OWNERS.slice(0, 2)) objects.push(replicaSet(o, true));
    m.applySnapshot({ rv, objects, cells });
    const names = () => m.list('Node').map((n) => n.metadata.name);
    const pods = () => m.list('Pod');
    const event = (type, object, extra = {}) => ({ type, rv: ++rv, object, ...extra });
    const newPod = (nodeName) => {
      const owner = pick(OWNERS);
      const p = podObj(`${owner ? owner.name : 'bare'}-${(made++).toString(36).padStart(5, '0')}`, owner, nodeName,
        // mostly newer than what is there, sometimes older (inserted before others of its group)
        new Date(Date.UTC(2025, 2, 3, 13) + (random() < 0.8 ? made : Math.floor(random() * made)) * 1000).toISOString(),
        random() < 0.2 ? 2 : 1);
      const [status, ready] = pick(STATUSES);
      return event('ADDED', p, { cells: podCells(p, status, ready) });
    };
    const changes = [
      // a few pods arrive on nodes (scheduled in the batch) or wait in the tray
      () => Array.from({ length: 1 + Math.floor(random() * 12) }, () => newPod(random() < 0.85 ? pick(names()) : undefined)),
      // pods change status (a new object with new cells, as the server's patches make)
      () => pods().filter(() => random() < 0.15).map((p) => {
        const [status, ready] = pick(STATUSES);
        return event('MODIFIED', structuredClone(p), { cells: podCells(p, status, ready) });
      }),
      // pods go
      () => pods().filter(() => random() < 0.08).map((p) => event('DELETED', p)),
      // a pod starts terminating (its replacement, if any, says whom it replaces)
      () => pods().filter(() => random() < 0.05).map((p) => {
        const q = structuredClone(p);
        q.metadata.deletionTimestamp = '2025-03-03T14:00:00Z';
        q.metadata.deletionGracePeriodSeconds = 30;
        return event('MODIFIED', q, { cells: podCells(q, 'Terminating', '1/1') });
      }),
      // the tray's pods are bound
      () => pods().filter((p) => !p.spec.nodeName).map((p) => {
        const q = structuredClone(p);
        q.spec.nodeName = pick(names());
        return event('MODIFIED', q, { cells: podCells(q, 'ContainerCreating', '0/1') });
      }),
      // a node joins, leaves (its pods with it) or is cordoned / uncordoned
      () => [event('ADDED', nodeObj(`node${++nodes}`), { cells: nodeCells(nodeObj(`node${nodes}`)) })],
      () => {
        const n = m.get('Node', '', pick(names().filter((x) => x !== 'master')));
        if (!n) return [];
        return [event('DELETED', n), ...pods().filter((p) => p.spec.nodeName === n.metadata.name).map((p) => event('DELETED', p))];
      },
      () => {
        const n = m.get('Node', '', pick(names()));
        const q = nodeObj(n.metadata.name, !n.spec.unschedulable);
        return [event('MODIFIED', q, { cells: nodeCells(q) })];
      },
      // an owner appears or goes (pods are shown with their Deployment, or their ReplicaSet)
      () => {
        const o = pick(OWNERS.slice(0, 3));
        const rs = m.get('ReplicaSet', o.ns, o.name);
        return [rs && random() < 0.5 ? event('DELETED', rs) : event(rs ? 'MODIFIED' : 'ADDED', replicaSet(o, random() < 0.5))];
      },
      // a NodePort service (every node shows its ports: the nodes' heads grow) comes or goes
      () => {
        const s = m.get('Service', 'default', 'np-30080');
        return [s ? event('DELETED', s) : event('ADDED', nodePortService(30080))];
      },
    ];
    const weights = [6, 5, 2, 1, 2, 1, 1, 1, 1, 1];
    const total = weights.reduce((a, b) => a + b, 0);
    let width = 1200;
    let halted = new Set();
    for (let round = 0; round < 60; round++) {
      // one batch of a few kinds of change
      const events = [];
      const seen = new Set();
      for (let k = 0; k < 1 + Math.floor(random() * 3); k++) {
        let r = random() * total;
        let i = 0;
        while (r >= weights[i]) r -= weights[i++];
        for (const e of changes[i]()) {
          const key = keyOf(e.object);
          if (seen.has(key)) continue; // a batch has each object once
          seen.add(key);
          events.push(e);
        }
      }
      m.applyDelta({ rv, events });
      if (random() < 0.05) width = pick([900, 1200, 1440]);
      if (random() < 0.05) halted = new Set(names().filter(() => random() < 0.2));
      const objects = [...m.objects.values()];
      const opts = { width, halted };
      const incremental = stepped(objects, opts);
      assert.deepEqual(shown(incremental), shown(await full(objects, opts)), `seed ${seed}, round ${round}`);
    }
    assert.ok(pods().length > 20, 'the sequence made a cluster of some size');
  });
}
