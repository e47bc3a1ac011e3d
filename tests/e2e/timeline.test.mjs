// Unit tests of timeline.js's pure helpers, run by node's built-in test runner from test_timeline.py.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clockText, neighbourMark, pastView } from '../../static/src/timeline.js';
import { cellsOf } from '../../static/src/store.js';

test('clockText writes virtual epoch seconds as the top bar does (UTC, whole seconds)', () => {
  assert.equal(clockText(Date.UTC(2025, 2, 3, 10, 32, 5) / 1000 + 0.75), '10:32:05');
  assert.equal(clockText(undefined), '--:--:--');
  assert.equal(clockText(Number.NaN), '--:--:--');
});

test('neighbourMark finds the mark strictly before or after a moment', () => {
  const marks = [{ time: 10 }, { time: 20 }, { time: 20 }, { time: 30 }];
  assert.equal(neighbourMark(marks, 25, -1).time, 20);
  assert.equal(neighbourMark(marks, 20, -1).time, 10);
  assert.equal(neighbourMark(marks, 20, 1).time, 30);
  assert.equal(neighbourMark(marks, 10, -1), undefined);
  assert.equal(neighbourMark(marks, 30, 1), undefined);
});

test('pastView keeps the snapshot in a Mirror of its own, with its cells and halted machines', () => {
  const pod = { kind: 'Pod', metadata: { namespace: 'default', name: 'web-1' }, spec: { nodeName: 'node1' } };
  const view = pastView({
    rv: 42, at: 100, objects: [pod], cells: { 'Pod/default/web-1': { status: 'Running' } },
    machines: [{ name: 'node1', up: false }, { name: 'node2', up: true }], clock: { time: 100 },
  });
  assert.equal(view.mirror.rv, 42);
  assert.equal(view.at, 100);
  assert.deepEqual([...view.mirror.objects.keys()], ['Pod/default/web-1']);
  assert.equal(cellsOf(view.mirror.get('Pod', 'default', 'web-1')).status, 'Running');
  assert.deepEqual([...view.halted], ['node1']);
});
