// Unit tests of the overview's and the roving focus's pure parts (minimap.js, a11y.js gridMove,
// zoom.js focusScale), run by node's test runner from test_overview.py. No DOM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Mirror } from '../../static/src/store.js';
import { PodCounts, gridFor, histogramText, nodeSummary } from '../../static/src/minimap.js';
import { gridMove } from '../../static/src/a11y.js';
import { focusScale } from '../../static/src/zoom.js';

const pod = (name, nodeName) => ({
  kind: 'Pod', metadata: { name, namespace: 'default' }, spec: nodeName ? { nodeName } : {}, status: {},
});
const ev = (type, obj, rv, status) => ({ type, object: obj, rv, cells: status ? { status, ready: '1/1' } : undefined });

test('PodCounts follows change sets: a pod counts where and as it is now, once', () => {
  const m = new Mirror();
  const counts = new PodCounts();
  m.subscribe(({ changed }) => counts.apply(m.objects, changed));
  m.applySnapshot({ rv: 1, objects: [pod('a', 'node1'), pod('b', 'node1'), pod('c', '')],
    cells: { 'Pod/default/a': { status: 'Running', ready: '1/1' }, 'Pod/default/b': { status: 'Running', ready: '1/1' } } });
  assert.equal(counts.size, 3);
  assert.deepEqual([...counts.total].sort(), [['Pending', 1], ['Running', 2]]);
  assert.equal(counts.nodes.get('node1').count, 2);
  assert.equal(counts.nodes.get('').count, 1); // no node: the tray
  // c is scheduled and crashes elsewhere, a is deleted, b changes nothing
  m.applyDelta({ rv: 4, events: [ev('MODIFIED', pod('c', 'node2'), 2, 'CrashLoopBackOff'),
    ev('DELETED', pod('a', 'node1'), 3), ev('MODIFIED', pod('b', 'node1'), 4)] });
  assert.equal(counts.size, 2);
  assert.deepEqual([...counts.total].sort(), [['CrashLoopBackOff', 1], ['Running', 1]]);
  assert.equal(counts.nodes.get('node1').count, 1);
  assert.equal(counts.nodes.get('node2').statuses.get('CrashLoopBackOff'), 1);
  assert.equal(counts.nodes.get('node2').categories.get('crashloop'), 1);
  assert.equal(counts.nodes.get('').count, 0);
  // a batch that changes no pod's node or STATUS dirties no node
  assert.equal(counts.apply(m.objects, new Set(['Pod/default/b', 'Node//node1'])).size, 0);
});

test('histogram and node summaries word the counts, most first, thousands grouped', () => {
  assert.equal(histogramText(new Map([['Pending', 188], ['Running', 9812], ['Error', 188]])),
    'Running 9,812 · Error 188 · Pending 188');
  assert.equal(nodeSummary('node17', 120, new Map([['Running', 117], ['Pending', 3]])), 'node17: 120 pods, 3 Pending');
  assert.equal(nodeSummary('node1', 1, new Map([['Running', 1]])), 'node1: 1 pod');
  assert.equal(nodeSummary('node2', 0, new Map()), 'node2: 0 pods');
});

test('gridFor keeps cells legible: 1,000 nodes in 232×180 px are cells of 6 px and more', () => {
  for (const n of [1, 3, 11, 100, 1000]) {
    const g = gridFor(n, 232, 180);
    assert.ok(g.cols * g.rows >= n, `${n}: ${JSON.stringify(g)}`);
    assert.ok(g.cols * g.pitch <= 232 + 1e-9 && g.rows * g.pitch <= 180 + 1e-9, `${n}: ${JSON.stringify(g)}`);
  }
  assert.ok(gridFor(1000, 232, 180).pitch >= 6);
  assert.ok(gridFor(100, 232, 180).pitch >= 18);
});

test('gridMove moves by the grid the layout drew, and focusScale fits a node in the view', () => {
  // two blocks side by side: a 3×2 block at x 0..48 and a 2-pod block at x 100..124
  const pts = [[0, 0], [24, 0], [48, 0], [0, 24], [24, 24], [100, 0], [124, 0]].map(([x, y]) => ({ x, y }));
  assert.equal(gridMove(pts, 0, 'ArrowRight'), 1);
  assert.equal(gridMove(pts, 0, 'ArrowLeft'), 0);
  assert.equal(gridMove(pts, 1, 'ArrowDown'), 4);
  assert.equal(gridMove(pts, 2, 'ArrowDown'), 4); // the nearest of the row below
  assert.equal(gridMove(pts, 4, 'ArrowUp'), 1);
  assert.equal(gridMove(pts, 4, 'ArrowDown'), 4); // the last row: stays
  assert.equal(gridMove(pts, 3, 'End'), 6);
  assert.equal(gridMove(pts, 3, 'Home'), 0);
  assert.equal(focusScale(282, 350, 890, 700), (700 - 32) / 350);
  assert.equal(focusScale(282, 100, 890, 700), 2); // drill-down stops at 200 %
});
