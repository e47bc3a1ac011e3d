// Unit tests of the inspector's and the Events region's pure helpers (no DOM), run by node's
// built-in test runner from test_inspector.py.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nextTab, execLine, containerNames, TABS } from '../../static/src/inspector.js';
import { objectsOf, newestRows } from '../../static/src/eventsregion.js';

test('arrows, Home and End move between the tabs and wrap', () => {
  assert.deepEqual(TABS.map(([, label]) => label), ['YAML', 'Describe', 'Logs', 'Events']);
  assert.equal(nextTab(0, 'ArrowRight', 4), 1);
  assert.equal(nextTab(3, 'ArrowRight', 4), 0);
  assert.equal(nextTab(0, 'ArrowLeft', 4), 3);
  assert.equal(nextTab(2, 'Home', 4), 0);
  assert.equal(nextTab(1, 'End', 3), 2);
  assert.equal(nextTab(1, 'Enter', 4), null);
});

test('Exec types kubectl exec -it POD -- sh, with -n outside default', () => {
  assert.equal(execLine('default', 'web'), 'kubectl exec -it web -- sh');
  assert.equal(execLine('shop', 'db-0'), 'kubectl exec -it db-0 -n shop -- sh');
});

test("a pod's containers are read from its kubectl get -o yaml, not its env or ports' names", () => {
  const yaml = [
    'apiVersion: v1', 'kind: Pod', 'metadata:', '  name: web', 'spec:', '  containers:',
    '  - env:', '    - name: MODE', '      value: x', '    image: nginx', '    name: web',
    '    ports:', '    - containerPort: 80', '      name: http', '  - image: busybox', '    name: sidecar',
    '  dnsPolicy: ClusterFirst', '  initContainers:', '  - image: busybox', '    name: init', 'status:',
    '  containerStatuses:', '  - name: web', '',
  ].join('\n');
  assert.deepEqual(containerNames(yaml), ['web', 'sidecar']);
  assert.deepEqual(containerNames('kind: Node\n'), []);
});

test("the Events table's OBJECT column, each object once", () => {
  const table = [ // as kubectl's tabwriter aligns it: each column as wide as its widest cell
    'LAST SEEN   TYPE     REASON              OBJECT             MESSAGE',
    '30s         Normal   Scheduled           Pod/web            Successfully assigned default/web to node2',
    '29s         Normal   Pulling             Pod/web            Pulling image "nginx"',
    '10s         Normal   ScalingReplicaSet   Deployment/other   Scaled up replica set other-1 from 0 to 1',
  ].join('\n');
  assert.deepEqual(objectsOf(`${table}\n`), ['Pod/web', 'Deployment/other']);
  assert.deepEqual(objectsOf('No events found in default namespace.\n'), []);
});

test('a big Events table shows its header and its newest rows; a small one is shown whole', () => {
  const head = 'LAST SEEN   TYPE     REASON      OBJECT         MESSAGE';
  const rows = Array.from({ length: 7 }, (_, i) => `${70 - i}s         Normal   Scheduled   Pod/web-${i}      Successfully assigned default/web-${i}`);
  const table = `${[head, ...rows].join('\n')}\n`;
  assert.deepEqual(newestRows(table, 7), { text: table, rows: 7, shown: 7 });
  assert.deepEqual(newestRows(table, 3), { text: `${[head, ...rows.slice(4)].join('\n')}\n`, rows: 7, shown: 3 });
  assert.deepEqual(newestRows(table, 1), { text: `${head}\n${rows[6]}\n`, rows: 7, shown: 1 });
  assert.deepEqual(objectsOf(newestRows(table, 2).text), ['Pod/web-5', 'Pod/web-6']);
  // no newline after the last row, and kubectl's words when there are no events
  const bare = [head, ...rows].join('\n');
  assert.deepEqual(newestRows(bare, 2), { text: `${head}\n${rows[5]}\n${rows[6]}`, rows: 7, shown: 2 });
  assert.deepEqual(newestRows('No events found in default namespace.\n', 2),
    { text: 'No events found in default namespace.\n', rows: 0, shown: 0 });
});
