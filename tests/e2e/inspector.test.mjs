// Unit tests of the inspector's and the Events region's pure helpers (no DOM), run by node's
// built-in test runner from test_inspector.py.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nextTab, execLine, containerNames, TABS } from '../../static/src/inspector.js';
import { objectsOf, shownRows } from '../../static/src/eventsregion.js';

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

test("a big Events table's note counts the whole table's rows, a small one's the rows it shows", () => {
  const head = 'LAST SEEN   TYPE     REASON      OBJECT         MESSAGE';
  const rows = Array.from({ length: 3 }, (_, i) => `${70 - i}s         Normal   Scheduled   Pod/web-${i}      Successfully assigned default/web-${i}`);
  const output = `${[head, ...rows].join('\n')}\n`; // the newest 3 rows, as GET …/events?last=3 answers
  assert.deepEqual(shownRows({ output, rows: 7 }, 3), { text: output, rows: 7, shown: 3 });
  assert.deepEqual(shownRows({ output, rows: 3 }, 3), { text: output, rows: 3, shown: 3 });
  assert.deepEqual(shownRows({ output, rows: 3 }, 300), { text: output, rows: 3, shown: 3 });
  assert.deepEqual(objectsOf(shownRows({ output, rows: 7 }, 3).text), ['Pod/web-0', 'Pod/web-1', 'Pod/web-2']);
  // kubectl's words when there are no events, and an error's text
  assert.deepEqual(shownRows({ output: 'No events found in default namespace.\n', rows: 0 }),
    { text: 'No events found in default namespace.\n', rows: 0, shown: 0 });
  assert.deepEqual(shownRows({ output: 'error: x\n' }), { text: 'error: x\n', rows: 0, shown: 0 });
});
