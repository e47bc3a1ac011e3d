// Unit tests of relations.js's pure parts (what a pod uses, owner chains, the chips' names, HPA
// targets as kubectl prints them, the highlight) and layout.js's chip band, run by node's test
// runner from test_relations.py. No DOM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { relationsOf, podRefs, ingressBackends, highlightOf } from '../../static/src/relations.js';
import { Mirror } from '../../static/src/store.js';
import { computeLayout, layoutChips } from '../../static/src/layout.js';

const meta = (name, namespace = 'default', extra = {}) => ({ name, namespace, creationTimestamp: '2025-03-03T13:00:00Z', ...extra });
const owner = (kind, name) => ({ ownerReferences: [{ kind, name, controller: true, uid: name }] });
const cm = (name, namespace = 'default') => ({ kind: 'ConfigMap', metadata: meta(name, namespace), data: {} });
const secret = (name) => ({ kind: 'Secret', metadata: meta(name), type: 'Opaque' });
const pod = (name, spec, extra = {}) => ({ kind: 'Pod', metadata: meta(name, 'default', extra), spec: { containers: [], ...spec } });

test('a pod uses what its volumes, env, envFrom and imagePullSecrets name, as the kubelet resolves them', () => {
  const p = pod('app', {
    imagePullSecrets: [{ name: 'regcred' }],
    initContainers: [{ name: 'init', env: [{ name: 'A', valueFrom: { secretKeyRef: { name: 'init-secret', key: 'k' } } }] }],
    containers: [{
      name: 'c',
      env: [{ name: 'B', valueFrom: { configMapKeyRef: { name: 'env-cm', key: 'k' } } }, { name: 'C', value: 'x' }],
      envFrom: [{ configMapRef: { name: 'all-cm' } }, { secretRef: { name: 'all-secret' } }],
    }],
    volumes: [
      { name: 'v1', configMap: { name: 'vol-cm' } },
      { name: 'v2', secret: { secretName: 'vol-secret' } },
      { name: 'v3', persistentVolumeClaim: { claimName: 'data' } },
      { name: 'v4', projected: { sources: [{ configMap: { name: 'proj-cm' } }, { secret: { name: 'proj-secret' } },
        { serviceAccountToken: { path: 't' } }] } },
      { name: 'scratch', ephemeral: { volumeClaimTemplate: { spec: {} } } },
      { name: 'e', emptyDir: {} },
    ],
  });
  assert.deepEqual(podRefs(p), {
    configMaps: ['all-cm', 'env-cm', 'proj-cm', 'vol-cm'],
    secrets: ['all-secret', 'init-secret', 'proj-secret', 'regcred', 'vol-secret'],
    claims: ['app-scratch', 'data'],
  });
});

test('chips name who uses them; system objects and kube-root-ca.crt stay out of the band', () => {
  const objects = [
    cm('game-config'), cm('kube-root-ca.crt'), cm('kube-proxy', 'kube-system'), cm('unused'), secret('mysecret'),
    pod('a', { volumes: [{ name: 'v', configMap: { name: 'game-config' } }] }),
    pod('b', { containers: [{ name: 'c', envFrom: [{ configMapRef: { name: 'game-config' } }, { secretRef: { name: 'mysecret' } }] }] }),
    pod('c', { volumes: [{ name: 'v', configMap: { name: 'missing' } }] }),
  ];
  const rel = relationsOf(objects);
  assert.deepEqual(rel.chips.map((c) => c.label), [
    'configmap game-config, used by 2 pods',
    'configmap unused, used by no pod',
    'secret mysecret, used by 1 pod',
  ]);
  assert.deepEqual(rel.usedBy.get('Pod/default/b'), ['ConfigMap/default/game-config', 'Secret/default/mysecret']);
  assert.equal(rel.usedBy.get('Pod/default/c'), undefined); // a ConfigMap that does not exist is no relation
});

test('a claim and its volume name each other, as kubectl get pvc/pv show VOLUME and CLAIM', () => {
  const rel = relationsOf([
    { kind: 'PersistentVolume', metadata: { name: 'task-pv-volume' },
      spec: { capacity: { storage: '10Gi' }, claimRef: { namespace: 'default', name: 'task-pv-claim' } }, status: { phase: 'Bound' } },
    { kind: 'PersistentVolumeClaim', metadata: meta('task-pv-claim'), spec: { volumeName: 'task-pv-volume' }, status: { phase: 'Bound' } },
    { kind: 'PersistentVolumeClaim', metadata: meta('waiting'), spec: {}, status: { phase: 'Pending' } },
    pod('task-pv-pod', { volumes: [{ name: 'v', persistentVolumeClaim: { claimName: 'task-pv-claim' } }] }),
  ]);
  const byName = new Map(rel.chips.map((c) => [c.name, c]));
  assert.equal(byName.get('task-pv-claim').label, 'persistentvolumeclaim task-pv-claim, Bound to task-pv-volume, used by 1 pod');
  assert.equal(byName.get('task-pv-claim').peer, 'PersistentVolume//task-pv-volume');
  assert.equal(byName.get('task-pv-volume').label, 'persistentvolume task-pv-volume, Bound to default/task-pv-claim');
  assert.equal(byName.get('task-pv-volume').detail, '10Gi · Bound ← default/task-pv-claim');
  assert.equal(byName.get('waiting').label, 'persistentvolumeclaim waiting, Pending, used by no pod');
  // claims come before volumes in the band, so the arc between them is short
  assert.deepEqual(rel.chips.map((c) => c.kind), ['PersistentVolumeClaim', 'PersistentVolumeClaim', 'PersistentVolume']);
});

/** The objects as the page's mirror holds them, with the server's cells. */
function mirrored(objects, cells) {
  const m = new Mirror();
  m.applySnapshot({ rv: 1, objects, cells });
  return [...m.objects.values()];
}

test('owner chains: pod → ReplicaSet → Deployment, Job → CronJob; an HPA reaches its target\'s pods', () => {
  const rel = relationsOf(mirrored([
    { kind: 'Deployment', metadata: meta('php-apache'), spec: {} },
    { kind: 'ReplicaSet', metadata: meta('php-apache-5d4f', 'default', owner('Deployment', 'php-apache')), spec: {} },
    pod('php-apache-5d4f-x', {}, owner('ReplicaSet', 'php-apache-5d4f')),
    pod('php-apache-5d4f-y', {}, owner('ReplicaSet', 'php-apache-5d4f')),
    { kind: 'CronJob', metadata: meta('hello'), spec: {} },
    { kind: 'Job', metadata: meta('hello-1', 'default', owner('CronJob', 'hello')), spec: {} },
    pod('hello-1-abc', {}, owner('Job', 'hello-1')),
    pod('web-0', {}, owner('StatefulSet', 'web')),
    { kind: 'HorizontalPodAutoscaler', metadata: meta('php-apache'),
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'php-apache' }, minReplicas: 1, maxReplicas: 10,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }] },
      status: { currentReplicas: 2, desiredReplicas: 2,
        currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 42, averageValue: '84m' } } }] } },
  ], { 'HorizontalPodAutoscaler/default/php-apache': { targets: 'cpu: 42%/50%' } }));
  assert.deepEqual(rel.chains.get('Pod/default/php-apache-5d4f-x').map((o) => `${o.kind} ${o.name}`),
    ['ReplicaSet php-apache-5d4f', 'Deployment php-apache']);
  assert.deepEqual(rel.chains.get('Pod/default/hello-1-abc').map((o) => o.kind), ['Job', 'CronJob']);
  assert.deepEqual(rel.chains.get('Pod/default/web-0').map((o) => o.key), ['StatefulSet/default/web']);
  const [hpa] = rel.chips;
  assert.equal(hpa.label, 'horizontalpodautoscaler php-apache, cpu: 42%/50%, 2/2 replicas, target deployment php-apache');
  assert.deepEqual(hpa.pods, ['Pod/default/php-apache-5d4f-x', 'Pod/default/php-apache-5d4f-y']);
  // hovering one pod highlights its sibling, its chain and the HPA scaling them
  const hl = highlightOf(rel, { pod: 'Pod/default/php-apache-5d4f-x' });
  assert.deepEqual([...hl.pods].sort(), ['Pod/default/php-apache-5d4f-x', 'Pod/default/php-apache-5d4f-y']);
  assert.deepEqual([...hl.chips], ['HorizontalPodAutoscaler/default/php-apache']);
  assert.equal(hl.chain.length, 2);
});

test('an Ingress routes to its rules\' and default backend\'s services; its chip stands under the first hub', () => {
  const ing = { kind: 'Ingress', metadata: meta('example-ingress'), spec: {
    defaultBackend: { service: { name: 'fallback', port: { number: 80 } } },
    rules: [{ host: 'a.example', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 8080 } } } }] } }],
  } };
  assert.deepEqual(ingressBackends(ing), ['fallback', 'web']);
  const svc = (name) => ({ kind: 'Service', metadata: meta(name), spec: { type: 'ClusterIP', clusterIP: '10.96.0.20', ports: [{ port: 80 }] } });
  const layout = computeLayout([svc('aaa'), svc('fallback'), svc('web'), ing, cm('game-config')], { width: 1200 });
  const [chip, cmChip] = layout.relations.chips;
  assert.equal(chip.label, 'ingress example-ingress, routes to service fallback, service web');
  const hub = layout.services.find((h) => h.name === 'fallback');
  assert.equal(chip.x, hub.x);
  assert.ok(chip.y >= hub.y + hub.h, 'the band is under the hubs');
  assert.ok(cmChip.x >= chip.x + chip.w && cmChip.y === chip.y);
  // the nodes start under the band
  const band = layoutChips([], [], 0, 0, 100);
  assert.equal(band, 0);
  assert.ok(layout.linkBand.y >= chip.y + chip.h);
});
