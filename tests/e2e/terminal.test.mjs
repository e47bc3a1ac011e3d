// The terminal's handling of `stream` messages (terminal.js), under node with the few DOM pieces it
// touches faked: what it prints is what the user would read in the terminal.
import { test } from 'node:test';
import assert from 'node:assert/strict';

class FakeElement {
  constructor() { this.children = []; this.attrs = {}; this.className = ''; this.scrollTop = 0; this.scrollHeight = 0; this.ownText = ''; }
  get textContent() { return this.ownText + this.children.map((c) => c.textContent).join(''); }
  set textContent(t) { this.ownText = t; this.children = []; }
  get firstChild() { return this.children[0] || null; }
  appendChild(c) { c.parent = this; this.children.push(c); return c; }
  append(...cs) { for (const c of cs) this.appendChild(typeof c === 'string' ? Object.assign(new FakeElement(), { ownText: c }) : c); }
  remove() { if (this.parent) this.parent.children.splice(this.parent.children.indexOf(this), 1); }
  setAttribute(k, v) { this.attrs[k] = v; }
  addEventListener() {}
  querySelector() { return null; }
}
globalThis.document = { createElement: () => new FakeElement() };
globalThis.sessionStorage = { getItem: () => null, setItem: () => {} };

const { Terminal } = await import('../../static/src/terminal.js');

function fakeSocket() {
  const handlers = {};
  return { id: 'sock-1', connected: true, on: (name, fn) => { handlers[name] = fn; }, emit: (name, msg) => handlers[name](msg) };
}

test("a stream the terminal does not follow is neither printed nor kept, its own early messages print", async () => {
  const out = new FakeElement();
  const socket = fakeSocket();
  let answer;
  const sandbox = { post: (path, body) => new Promise((resolve) => { answer = { path, body, resolve }; }) };
  const term = new Terminal({ out, form: new FakeElement(), input: new FakeElement() }, sandbox);
  term.follow(socket);

  // idle: the Inspector's followed log streams over the same socket
  for (let i = 0; i < 5; i++) socket.emit('stream', { id: 'inspector-log', output: `log line ${i}\n`, done: false });
  assert.equal(term.early.size, 0);

  const job = term.run('kubectl get pods -w');
  await new Promise((r) => setImmediate(r));
  assert.equal(answer.path, '/run');
  assert.equal(answer.body.follow, 'sock-1');
  // while the answer is on its way, the watch's first lines and the inspector's both arrive
  socket.emit('stream', { id: 'watch-1', output: 'web   0/1   Pending\n', done: false });
  socket.emit('stream', { id: 'inspector-log', output: 'log line 5\n', done: false });
  answer.resolve({ output: 'NAME  READY STATUS\n', exitCode: 0, stream: { id: 'watch-1' } });
  await new Promise((r) => setImmediate(r));
  assert.equal(term.early.size, 0);
  socket.emit('stream', { id: 'inspector-log', output: 'log line 6\n', done: false });
  socket.emit('stream', { id: 'watch-1', output: 'web   1/1   Running\n', done: true, exitCode: 0 });
  const res = await job;
  assert.equal(res.exitCode, 0);
  const shown = out.textContent;
  assert.ok(shown.endsWith('$ kubectl get pods -w\nNAME  READY STATUS\nweb   0/1   Pending\nweb   1/1   Running\n'), shown);
  assert.ok(!shown.includes('log line'), shown);

  // idle again: nothing of other streams is kept
  socket.emit('stream', { id: 'inspector-log', output: 'log line 7\n', done: false });
  assert.equal(term.early.size, 0);
});
