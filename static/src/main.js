/**
 * The page's entry point: opens this tab's sandbox, joins it over Socket.IO and wires the parts.
 *
 * Data flows one way: server → Mirror (snapshot, then deltas) → layout (pure) → canvas and the
 * accessible mirror. User actions (editor, terminal, clock, node menu, pod panel) go to the
 * server over HTTP and come back only as deltas. After a reconnect we rejoin with
 * `since: <last rv>` and the server sends what we missed or a fresh snapshot.
 * `body[data-state]` says where start-up is (loading → live | offline | error) for people and tests.
 * The URL may ask for a read-only view (`?view=<token>`) or a copy (`?copy=<id>`): share.js.
 * While the timeline (timeline.js) shows a moment of the past, the canvas and the accessible mirror
 * draw that moment's snapshot instead; deltas keep arriving into the live Mirror, drawn again on
 * "Back to live".
 */
import { io } from 'socket.io-client';
import { Sandbox } from './api.js';
import { Mirror } from './store.js';
import { layoutSteps } from './layout.js';
import { CanvasView } from './canvas.js';
import { A11yMirror } from './a11y.js';
import { ClockControls } from './clock.js';
import { Terminal } from './terminal.js';
import { YamlEditor } from './editor.js';
import { Panels } from './panels.js';
import { NetPanel } from './netpanel.js';
import { AddonsMenu } from './addons.js';
import { KubectlAccess } from './kubectlaccess.js';
import { PresetChooser } from './preset.js';
import { openServicePanel } from './browser.js';
import { AddNodeButton } from './addnode.js';
import { installInspector } from './inspector.js';
import { installLessons } from './lessons.js';
import { Overview } from './minimap.js';
import { ShareMenu, fromUrl, markReadOnly, openReadOnly } from './share.js';
import { Timeline } from './timeline.js';
import { installLanguageSwitch, t, translateDocument } from './i18n.js';

const $ = (sel) => document.querySelector(sel);

function setConn(text, state) {
  const c = $('#conn');
  c.textContent = text;
  c.dataset.state = state;
}

function loadHalted(id) {
  try { return new Set(JSON.parse(sessionStorage.getItem(`kubeplay.halted.${id}`) || '[]')); } catch { return new Set(); }
}

async function start() {
  translateDocument(document);
  installLanguageSwitch($('#language'));
  document.body.dataset.state = 'loading';
  let opened;
  let readOnly = false;
  try {
    const asked = await fromUrl();
    readOnly = Boolean(asked && asked.view);
    opened = readOnly ? await openReadOnly(asked.view) : await Sandbox.open();
  } catch (e) {
    document.body.dataset.state = 'error';
    setConn(t('cannot reach the server: {error}', { error: e.message }), 'error');
    return;
  }
  const { sandbox, examples } = opened;
  document.body.dataset.sandbox = sandbox.id;
  new KubectlAccess($('#kubectl-access'), sandbox);
  new PresetChooser($('#kubectl-access'), sandbox);
  if (readOnly) $('#share-anchor').hidden = true;
  else new ShareMenu($('#share-anchor'), { sandbox, onError: (msg) => notify(msg) });

  // a big batch is applied in slices of at most 4 ms (store.js): with a pass's 4 ms a frame (below),
  // the canvas and the browser's own style, layout and paint keep room in a 16.7 ms frame
  const mirror = new Mirror({ budgetMs: 4 });
  // read (never written) by the e2e tests and bench/bench_page.py: the page's copy of the objects
  window.kubeplay = { mirror };
  // Which machines are halted is not an API object: every snapshot and delta carries the
  // server's `machines`; the page keeps the last word per sandbox across reloads.
  const halted = loadHalted(sandbox.id);
  const saveHalted = () => sessionStorage.setItem(`kubeplay.halted.${sandbox.id}`, JSON.stringify([...halted].sort()));

  const stage = $('#stage');
  const canvas = new CanvasView($('#canvas'));
  const terminal = new Terminal({ out: $('#term-out'), form: $('#term-form'), input: $('#term-in'), stop: $('#term-stop') },
    sandbox);
  const notify = (msg) => terminal.print(`${msg}\n`, 'err');
  const clock = new ClockControls($('#clock'), sandbox, { onError: notify });

  let fromTray = new Set();
  let firstPaint = true;
  let lastWidth = 0;
  let stageWidth = stage.clientWidth;
  // What the canvas and the accessible mirror draw: the live Mirror, or the timeline's moment of the
  // past (timeline.js `pastView`: its own Mirror and halted machines) while one is shown.
  let past = null;
  let switched = false;
  // A pass (layout, canvas, accessible mirror, overview) of the mirror's objects as they were when
  // it started runs in steps (layout.js layoutSteps, a11y.js updateSteps), at most FRAME_BUDGET ms
  // of them per animation frame, so no frame waits on a whole-cluster pass at 10,000 pods; the
  // canvas takes the layout at once when it is made. While batches stream, a pass starts once 4× the
  // last one's work (at most 1 s) has passed since it ended, so drawing keeps most of the main
  // thread; a quiet page starts one on the next frame. A change during a pass makes another after it.
  const FRAME_BUDGET = 4;
  let layoutCost = 0;
  let layoutAt = -Infinity;
  let pass = null; // the pass waiting to start (steps null) or under way
  let again = false;
  const timed = function* (part, steps, work) {
    for (;;) {
      const t = performance.now();
      const r = steps.next();
      work[part] += performance.now() - t;
      if (r.done) return r.value;
      yield;
    }
  };
  function* passSteps(work) {
    const width = stageWidth;
    const shown = past || { mirror, halted };
    const born = fromTray;
    fromTray = new Set();
    const instant = firstPaint || width !== lastWidth || switched;
    switched = false;
    firstPaint = false;
    lastWidth = width;
    // (an array: the steps must see the objects as they are now; the objects are never mutated)
    const objects = Array.from(shown.mirror.objects.values());
    const layout = yield* timed('layout', layoutSteps(objects, { width, halted: shown.halted }), work);
    let t = performance.now();
    canvas.setLayout(layout, { instant, fromTray: born });
    work.canvas += performance.now() - t;
    yield;
    yield* timed('mirror', a11y.updateSteps(layout), work);
    t = performance.now();
    overview.setLayout(layout);
    work.mirror += performance.now() - t;
  }
  const step = () => {
    const t0 = performance.now();
    let done = false;
    while (!done && performance.now() - t0 < FRAME_BUDGET) done = pass.steps.next().done;
    pass.frames += 1;
    if (!done) {
      requestAnimationFrame(step);
      return;
    }
    const w = pass.work;
    layoutAt = performance.now();
    layoutCost = w.layout + w.canvas + w.mirror;
    // (user timing: bench/bench_page.py sums these per phase; each the pass's work, over its frames)
    performance.measure('kubeplay layout', { start: pass.start, duration: w.layout });
    performance.measure('kubeplay canvas', { start: pass.start, duration: w.canvas });
    performance.measure('kubeplay mirror', { start: pass.start, duration: w.mirror });
    performance.measure('kubeplay frames', { start: pass.start, duration: pass.frames });
    pass = null;
    if (again) {
      again = false;
      relayout();
    }
  };
  const relayout = () => {
    if (pass) {
      if (pass.steps) again = true; // (a pass still waiting will see the change)
      return;
    }
    pass = { steps: null, work: { layout: 0, canvas: 0, mirror: 0 }, frames: 0, start: 0 };
    const begin = () => requestAnimationFrame(() => {
      pass.start = performance.now();
      pass.steps = passSteps(pass.work);
      step();
    });
    const wait = Math.min(1000, 4 * layoutCost) - (performance.now() - layoutAt);
    if (wait > 0) setTimeout(begin, wait); else begin();
  };

  const panels = new Panels($('#popover'), {
    stage, mirror, sandbox, terminal, halted,
    onHaltedChange: () => { saveHalted(); relayout(); },
    onSelect: (key) => canvas.setSelected(key),
    onError: notify,
  });
  // the minimap over the cluster pane's corner (minimap.js): counts from the mirror's change sets
  const overview = new Overview({ pane: $('#cluster-pane'), stage, zoom: canvas.zoom, mirror, controls: $('#zoom') });
  const a11y = new A11yMirror($('#mirror'), {
    onNode: (name, opener) => panels.openNode(name, opener),
    onPod: (key, opener) => panels.openPod(key, opener),
  });

  const net = new NetPanel({ bar: $('#netbar'), results: $('#traffic') }, { sandbox, onError: notify });
  new AddonsMenu($('#addons-anchor'), { sandbox, onError: notify });
  net.onNetwork = (state) => canvas.setNetwork(state);
  // the keys changed since the traffic bar's last refresh (null: read everything, after a snapshot)
  let netChanged = null;
  let netPending = false;
  const refreshNet = (changed, full) => {
    if (full || (netPending && netChanged === null)) netChanged = null;
    else if (!netPending) netChanged = new Set(changed);
    else for (const k of changed) netChanged.add(k);
    if (netPending) return;
    netPending = true;
    requestAnimationFrame(() => { netPending = false; net.refresh(mirror, netChanged); netChanged = null; });
  };
  const takeNetwork = (msg) => {
    if (!msg.network) return;
    net.setNetwork(msg.network);
    canvas.setNetwork(msg.network);
  };

  // "Add node" (addnode.js), told how many Node objects there are: it stops at the page's cap
  const addNode = new AddNodeButton($('.cluster-pane .pane-head h2'), sandbox, { onError: notify });
  const nodeKeys = new Set();

  const editor = new YamlEditor({
    mount: $('#editor'), select: $('#examples'), applyButton: $('#apply'), results: $('#apply-results'),
    cancelButton: $('#edit-cancel'), note: $('#edit-note'),
  }, sandbox);
  terminal.onEdit = (edit) => editor.openEdit(edit);
  editor.setExamples(examples);
  installLessons({ sandbox, terminal, mirror, editor });
  if (readOnly) markReadOnly();
  const timeline = new Timeline(stage, {
    sandbox, onError: notify,
    writes: { apply: $('#apply'), input: $('#term-in'), form: $('#term-form') },
    onView: (view) => { past = view; switched = true; relayout(); },
    onLive: () => { past = null; switched = true; relayout(); },
  });

  mirror.subscribe(({ changed, full, bornUnscheduled }) => {
    for (const k of changed) {
      if (!k.startsWith('Node/')) continue;
      if (mirror.objects.has(k)) nodeKeys.add(k); else nodeKeys.delete(k);
    }
    addNode.setNodes(nodeKeys.size);
    clock.show(mirror.clock);
    timeline.setNow(mirror.clock, changed.size > 0);
    for (const k of bornUnscheduled) fromTray.add(k);
    if (changed.size) {
      if (!past) relayout();
      refreshNet(changed, full);
      panels.refresh(changed);
    }
  });
  // the stage's width as the observer reports it: read in a frame after the mirror's writes, it
  // would force a layout of the page each time
  new ResizeObserver(() => {
    stageWidth = stage.clientWidth; // (an observer runs after layout: this read costs nothing)
    if (stageWidth !== lastWidth) relayout();
  }).observe(stage);

  // Snapshots and deltas carry every machine ([{name, up}]): `minikube stop`/`start` and the
  // fail/recover buttons reach the canvas that way, even in a delta with no object events
  const takeMachines = (msg) => {
    if (!Array.isArray(msg.machines)) return;
    const before = [...halted].sort().join('\n');
    halted.clear();
    for (const m of msg.machines) if (m && m.up === false) halted.add(m.name);
    saveHalted();
    if ([...halted].sort().join('\n') !== before) relayout();
  };
  // `minikube service`/`dashboard` open a "browser": the service's answer in a panel, or the
  // cluster view (the page's own dashboard)
  terminal.onOpen = (open, link) => {
    if (open.kind === 'service') {
      openServicePanel(open, link);
    } else {
      stage.scrollIntoView({ block: 'nearest' });
      if (!stage.hasAttribute('tabindex')) stage.setAttribute('tabindex', '-1');
      stage.focus();
    }
  };

  // the sandbox's id in the handshake's query: a router in front of several workers sends the socket to
  // the worker that owns the sandbox (deploy/nginx.conf hashes on it)
  const socket = io({ transports: ['polling', 'websocket'], query: { sandbox: sandbox.id } });
  // a patch the mirror cannot apply (it lacks the object): start again from a snapshot
  mirror.onLost = () => socket.emit('join', { sandbox: sandbox.id });
  terminal.follow(socket);
  installInspector({ sandbox, terminal, socket });
  socket.on('connect', () => {
    setConn(t('live'), 'live');
    const join = { sandbox: sandbox.id };
    if (mirror.rv !== null) join.since = mirror.rv;
    socket.emit('join', join);
  });
  socket.on('disconnect', () => setConn(t('reconnecting…'), 'offline'));
  socket.on('connect_error', () => setConn(t('reconnecting…'), 'offline'));
  socket.on('snapshot', (msg) => {
    takeMachines(msg);
    takeNetwork(msg);
    mirror.applySnapshot(msg);
    clock.show(msg.clock, true);
    document.body.dataset.state = 'live';
  });
  socket.on('delta', (msg) => {
    takeMachines(msg);
    takeNetwork(msg);
    mirror.applyDelta(msg);
  });
  socket.on('progress', (msg) => clock.progress(msg));
  socket.on('traffic', (msg) => {
    const records = (msg && msg.records) || [];
    net.addRecords(records);
    canvas.addRequests(records);
  });
  socket.on('join_error', (msg) => {
    // The server forgot this sandbox (e.g. its data dir was wiped): start a fresh one.
    if (readOnly) {
      notify(t('server: {error} (a read-only link does not follow live yet)', { error: (msg && (msg.error || msg.message)) || 'error' }));
    } else if (msg && /not found|no such/i.test(msg.error || msg.message || '')) {
      Sandbox.forget();
      location.reload();
    } else {
      notify(`server: ${(msg && (msg.error || msg.message)) || 'error'}`);
    }
  });
}

start();
