// Evaluates lesson checks over Socket.IO snapshots with the page's own evaluator
// (static/src/lessoncheck.js over a store.js Mirror), for tests/web/test_lessons.py: the checks a
// learner sees go green are computed by the same code here as on the page.
// stdin: {"cases": [{"snapshot": <the snapshot message>, "check": <a served check>}, …]}
// stdout: [{"ok": bool, "actual": [...]}, …], one per case.
import { readFileSync } from 'node:fs';
import { Mirror } from '../../static/src/store.js';
import { evaluateCheck } from '../../static/src/lessoncheck.js';

const { cases } = JSON.parse(readFileSync(0, 'utf8'));
const out = cases.map(({ snapshot, check }) => {
  const mirror = new Mirror();
  mirror.applySnapshot(snapshot);
  const { ok, results } = evaluateCheck(check, mirror);
  return { ok, actual: results.map((r) => (r.actual === undefined ? null : r.actual)) };
});
process.stdout.write(JSON.stringify(out));
