/**
 * The node menu and the pod panel, shown in one popover next to what was clicked.
 *
 * Owns: the popover's content and focus handling (Escape or a click outside closes it and
 * focus returns to the opener). Node menu: Fail node / Recover node (`POST /nodes/<n>/fail|recover`)
 * and Cordon / Uncordon (kubectl, through the terminal so the command is visible), Remove node
 * (`DELETE /nodes/<n>`, after a confirmation in the same popover; not offered for the control
 * plane, which the server refuses too), Inspect. Pod panel:
 * name, namespace, node, IP, status, containers with state and restarts; Delete runs
 * `kubectl delete pod` in the terminal, Kill container posts `/pods/<ns>/<name>/containers/<c>/kill`,
 * Inspect opens the Inspector (inspector.js) on the pod. Inspect closes the popover and dispatches
 * the bubbling `kubeplay-inspect` event `{kind, namespace, name, opener}` as a11y.js does, the
 * opener being what opened the popover, so Escape in the Inspector goes back there.
 * STATUS, READY, RESTARTS and a node's STATUS are the cells the server sends (store.js `cellsOf`:
 * kubectl's own printer), never worked out here.
 * Per running container an "App health" radio group (healthy / unhealthy / slow: what its app
 * answers the kubelet's probes, `POST …/containers/<c>/health`; read back with `GET …/health`
 * whenever a container (re)starts, since a new process starts healthy). A container stuck in
 * ErrImagePull/ImagePullBackOff on an image kubeplay's registry lacks gets kubeplay's one-line
 * note with a button opening the "Add an image" dialog (images.js) prefilled with that image.
 * The panel re-renders from the mirror while open, so the status shown follows the cluster.
 * Hands off: all effects go through the server and come back as deltas.
 */
import { el } from './dom.js';
import { cellsOf } from './store.js';
import { imageInfo, openImageDialog, splitRef } from './images.js';
import { t } from './i18n.js';

/** The pod panel's choices for a container's app, with what each does to the probes. */
const HEALTH = [
  ['healthy', () => t('healthy'), () => t('The app answers its probes as it normally does')],
  ['unhealthy', () => t('unhealthy'),
    () => t('httpGet probes and its HTTP traffic get HTTP 500, tcpSocket and grpc probes a refused connection')],
  ['slow', () => t('slow'), () => t('The app takes 30 s to answer its probes and its traffic: httpGet and grpc probes time out')],
];
const PULL_FAILURES = new Set(['ErrImagePull', 'ImagePullBackOff']);

function containerState(cs) {
  const st = (cs && cs.state) || {};
  if (st.running) return 'Running';
  if (st.waiting) return `Waiting: ${st.waiting.reason || ''}`.trim();
  if (st.terminated) return `Terminated: ${st.terminated.reason || `exit ${st.terminated.exitCode}`}`;
  return 'Waiting';
}

export class Panels {
  constructor(root, { stage, mirror, sandbox, terminal, halted, onHaltedChange, onSelect, onError }) {
    this.root = root;
    this.stage = stage;
    this.mirror = mirror;
    this.sandbox = sandbox;
    this.terminal = terminal;
    this.halted = halted;
    this.onHaltedChange = onHaltedChange;
    this.onSelect = onSelect;
    this.onError = onError;
    this.current = null; // {type:'node'|'pod', id, opener}
    this.images = imageInfo(sandbox);
    this.images.onAdded(() => this.rerenderPod());
    //: the open pod's app health as the server said: {key, sig (its containers' instances), states}
    this.health = { key: null, sig: null, states: {} };
    document.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && this.current) this.close();
    });
    document.addEventListener('pointerdown', (e) => {
      if (!this.current || root.contains(e.target)) return;
      if (this.current.opener && this.current.opener.contains(e.target)) return;
      // The pod panel is an inspector: it stays open while the user steps the clock or types
      // in the terminal, so the pod can be watched changing; a click elsewhere in the cluster
      // view closes it. The node menu closes on any outside click, as menus do.
      if (this.current.type === 'pod' && !this.stage.contains(e.target)) return;
      this.close(false);
    }, true);
  }

  close(restoreFocus = true) {
    const cur = this.current;
    this.current = null;
    this.root.hidden = true;
    this.root.replaceChildren();
    this.onSelect(null);
    if (restoreFocus && cur && cur.opener && cur.opener.isConnected) cur.opener.focus();
  }

  position(opener) {
    const r = opener.getBoundingClientRect();
    const pw = this.root.offsetWidth || 300;
    const ph = this.root.offsetHeight || 200;
    let x = r.right + 8;
    if (x + pw > window.innerWidth - 8) x = Math.max(8, r.left - pw - 8);
    let y = Math.min(r.top, window.innerHeight - ph - 8);
    y = Math.max(8, y);
    this.root.style.left = `${x + window.scrollX}px`;
    this.root.style.top = `${y + window.scrollY}px`;
  }

  openNode(name, opener) {
    this.current = { type: 'node', id: name, opener };
    this.onSelect(null);
    this.renderNode();
    this.root.hidden = false;
    this.position(opener);
    const first = this.root.querySelector('[role=menuitem]:not([disabled])');
    if (first) first.focus();
  }

  renderNode() {
    const name = this.current.id;
    const node = this.mirror.get('Node', '', name);
    const halted = this.halted.has(name);
    const status = node ? (cellsOf(node)?.status ?? 'Unknown') : 'gone';
    const cordoned = node && node.spec && node.spec.unschedulable;
    const controlPlane = !!(node && node.metadata.labels && 'node-role.kubernetes.io/control-plane' in node.metadata.labels);
    const item = (label, action, disabled) => el('button', {
      type: 'button', role: 'menuitem', class: 'menuitem', disabled: disabled || undefined,
      onclick: async () => { this.close(); await action(); },
    }, label);
    const menu = el('div', { role: 'menu', 'aria-label': t('Node {name}', { name }), class: 'menu', onkeydown: (e) => this.menuKeys(e) },
      item(t('Fail node'), () => this.nodeAction(name, 'fail'), halted),
      item(t('Recover node'), () => this.nodeAction(name, 'recover'), !halted && status.startsWith('Ready')),
      cordoned
        ? item(t('Uncordon'), () => this.terminal.run(`kubectl uncordon ${name}`))
        : item(t('Cordon'), () => this.terminal.run(`kubectl cordon ${name}`)),
      el('button', {
        type: 'button', role: 'menuitem', class: 'menuitem',
        disabled: controlPlane || undefined,
        title: controlPlane ? t('The control plane runs the cluster: it cannot be removed') : undefined,
        onclick: () => this.confirmRemove(name),
      }, t('Remove node')),
      el('button', {
        type: 'button', role: 'menuitem', class: 'menuitem', disabled: !node || undefined,
        onclick: () => this.inspect({ kind: 'node', namespace: '', name }),
      }, t('Inspect')),
    );
    this.root.replaceChildren(
      el('div', { class: 'pop-head' }, el('strong', {}, name), el('span', { class: 'muted' }, halted ? t('{status} · halted', { status }) : status)),
      menu,
    );
  }

  menuKeys(e) {
    const items = [...this.root.querySelectorAll('[role=menuitem]:not([disabled])')];
    const i = items.indexOf(document.activeElement);
    if (e.key === 'ArrowDown') { items[(i + 1) % items.length].focus(); e.preventDefault(); }
    if (e.key === 'ArrowUp') { items[(i - 1 + items.length) % items.length].focus(); e.preventDefault(); }
  }

  async nodeAction(name, action) {
    try {
      await this.sandbox.post(`/nodes/${encodeURIComponent(name)}/${action}`);
      if (action === 'fail') this.halted.add(name); else this.halted.delete(name);
      this.onHaltedChange();
    } catch (e) {
      this.onError(`${action} ${name}: ${e.message}`);
    }
  }

  /** Removing a node cannot be undone: the menu turns into a confirmation (Cancel focused). */
  confirmRemove(name) {
    if (!this.current) return;
    this.current = { ...this.current, type: 'confirm' };
    const cancel = el('button', { type: 'button', class: 'btn', onclick: () => this.close() }, t('Cancel'));
    const text = t('{name} leaves the cluster: its Node object is deleted and its machine shut down. '
      + 'The pods bound to it are force-deleted by the pod garbage collector about 40 s later, '
      + 'and their controllers create replacements on the other nodes.', { name });
    this.root.replaceChildren(el('div', {
      role: 'alertdialog', 'aria-label': t('Remove node {name}?', { name }), 'aria-describedby': 'remove-node-text', class: 'dialog',
    },
    el('div', { class: 'pop-head' }, el('strong', {}, t('Remove node {name}?', { name }))),
    el('p', { id: 'remove-node-text', class: 'muted' }, text),
    el('div', { class: 'actions' },
      el('button', { type: 'button', class: 'btn btn-danger', onclick: () => { this.close(); this.removeNode(name); } }, t('Remove {name}', { name })),
      cancel)));
    this.position(this.current.opener);
    cancel.focus();
  }

  async removeNode(name) {
    try {
      await this.sandbox.delete(`/nodes/${encodeURIComponent(name)}`);
      // a name that joins again later is a fresh machine, not a halted one
      if (this.halted.delete(name)) this.onHaltedChange();
    } catch (e) {
      this.onError(`remove ${name}: ${e.message}`);
    }
  }

  openPod(key, opener) {
    this.current = { type: 'pod', id: key, opener };
    this.onSelect(key);
    this.renderPod();
    this.root.hidden = false;
    this.position(opener);
    const close = this.root.querySelector('.pop-close');
    if (close) close.focus();
  }

  renderPod() {
    const key = this.current.id;
    const pod = this.mirror.objects.get(key);
    const [, ns, name] = key.split('/');
    if (!pod) {
      this.root.replaceChildren(el('div', { role: 'dialog', 'aria-label': t('Pod {name}', { name }), class: 'dialog' },
        el('div', { class: 'pop-head' }, el('strong', {}, name),
          el('button', { type: 'button', class: 'pop-close', 'aria-label': t('Close'), onclick: () => this.close() }, '×')),
        el('p', { class: 'muted' }, t('This pod no longer exists.'))));
      return;
    }
    const st = pod.status || {};
    const statuses = new Map((st.containerStatuses || []).map((c) => [c.name, c]));
    const row = (k, v) => [el('dt', {}, k), el('dd', {}, v || '—')];
    const owner = ((pod.metadata.ownerReferences || [])[0]);
    this.syncHealth(key, ns, name, statuses);
    const containers = ((pod.spec && pod.spec.containers) || []).map((c) => {
      const cs = statuses.get(c.name);
      const running = !!(cs && cs.state && cs.state.running);
      return el('li', { class: 'container' },
        el('div', {}, el('strong', {}, c.name), ' ', el('span', { class: 'muted mono' }, c.image)),
        el('div', { class: 'muted' }, t('{state} · ready {ready} · restarts {restarts}', {
          state: containerState(cs), ready: cs && cs.ready ? t('yes') : t('no'), restarts: (cs && cs.restartCount) || 0,
        })),
        this.pullNote(c, cs),
        running ? this.healthControl(ns, name, c.name) : null,
        el('button', {
          type: 'button', class: 'btn btn-small', disabled: !running || undefined,
          onclick: () => this.killContainer(ns, name, c.name),
        }, t('Kill container {name}', { name: c.name })));
    });
    const cells = cellsOf(pod);
    this.root.replaceChildren(el('div', { role: 'dialog', 'aria-label': t('Pod {name}', { name }), class: 'dialog' },
      el('div', { class: 'pop-head' }, el('strong', { class: 'mono' }, name),
        el('button', { type: 'button', class: 'pop-close', 'aria-label': t('Close'), onclick: () => this.close() }, '×')),
      el('dl', { class: 'facts' },
        ...row(t('Status'), cells?.status),
        ...row(t('Ready'), cells?.ready),
        ...row(t('Restarts'), cells ? String(cells.restarts) : undefined),
        ...row(t('Namespace'), ns),
        ...row(t('Node'), pod.spec && pod.spec.nodeName),
        ...row('IP', st.podIP),
        ...row(t('Owner'), owner ? `${owner.kind}/${owner.name}` : t('none (bare pod)')),
        ...row(t('Created'), pod.metadata.creationTimestamp)),
      el('h3', {}, t('Containers')),
      el('ul', { class: 'containers' }, ...containers),
      el('div', { class: 'actions' },
        el('button', {
          type: 'button', class: 'btn btn-danger', disabled: !!pod.metadata.deletionTimestamp || undefined,
          onclick: () => this.terminal.run(`kubectl delete pod ${name}${ns && ns !== 'default' ? ` -n ${ns}` : ''}`),
        }, t('Delete pod')),
        el('button', {
          type: 'button', class: 'btn',
          onclick: () => this.inspect({ kind: 'pod', namespace: ns, name }),
        }, t('Inspect')))));
  }

  /**
   * Closes the popover and asks for the Inspector on `ref` with a bubbling `kubeplay-inspect`
   * event (inspector.js listens on the document), its opener the popover's: the button itself
   * is gone once the popover closes.
   */
  inspect(ref) {
    const opener = this.current && this.current.opener;
    this.close(false);
    const from = opener && opener.isConnected ? opener : this.root;
    from.dispatchEvent(new CustomEvent('kubeplay-inspect', { bubbles: true, detail: { ...ref, opener } }));
  }

  /** App health: a radio group per running container, named after it. */
  healthControl(ns, name, container) {
    const state = this.health.states[container] || 'healthy';
    const group = `health-${ns}-${name}-${container}`;
    return el('div', { role: 'radiogroup', 'aria-label': t('App health of {container}', { container }), class: 'health' },
      el('span', { class: 'health-label', 'aria-hidden': 'true' }, t('App health')),
      ...HEALTH.map(([value, word, title]) => el('label', { title: title() },
        el('input', {
          type: 'radio', name: group, value, checked: state === value || undefined,
          onchange: () => this.setHealth(ns, name, container, value),
        }), ` ${word()}`)));
  }

  /** Ask the server for the pod's app health when its containers are new processes (or the pod new). */
  syncHealth(key, ns, name, statuses) {
    const sig = [...statuses.values()].map((cs) => `${cs.name}:${cs.containerID || ''}:${!!(cs.state && cs.state.running)}`).join(',');
    if (this.health.key === key && this.health.sig === sig) return;
    const keep = this.health.key === key ? this.health.states : {};
    this.health = { key, sig, states: keep };
    if (![...statuses.values()].some((cs) => cs.state && cs.state.running)) return;
    const asked = this.health;
    this.sandbox.get(`/pods/${encodeURIComponent(ns)}/${encodeURIComponent(name)}/health`).then((a) => {
      if (this.health !== asked) return;
      asked.states = a.containers || {};
      this.rerenderPod();
    }, () => {}); // the pod went away meanwhile: the next render says so
  }

  async setHealth(ns, name, container, value) {
    const asked = this.health;
    try {
      const a = await this.sandbox.post(
        `/pods/${encodeURIComponent(ns)}/${encodeURIComponent(name)}/containers/${encodeURIComponent(container)}/health`,
        { health: value });
      if (this.health === asked) asked.states = a.containers || {};
    } catch (e) {
      this.onError(`app health of ${name}/${container}: ${e.message}`);
    }
    this.rerenderPod();
  }

  /** kubeplay's note for a container that cannot pull an image the simulated registry lacks. */
  pullNote(c, cs) {
    const reason = cs && cs.state && cs.state.waiting && cs.state.waiting.reason;
    if (!PULL_FAILURES.has(reason) || !c.image) return null;
    const info = this.images.peek(c.image, () => this.rerenderPod());
    if (!info) return null;
    if (info.known) {
      return el('p', { class: 'kubeplay-note', role: 'note' },
        t('kubeplay: the registry has {image} now; the kubelet pulls it again when its back-off ends.', { image: c.image }));
    }
    return el('p', { class: 'kubeplay-note', role: 'note' }, info.note, ' ',
      el('button', {
        type: 'button', class: 'btn btn-small', 'aria-label': t('Add image {image} to the registry', { image: c.image }),
        onclick: () => openImageDialog(this.sandbox, {
          prefill: splitRef(c.image),
          opener: () => this.root.querySelector('.kubeplay-note button') || this.root.querySelector('.pop-close'),
        }),
      }, t('Add this image…')));
  }

  async killContainer(ns, name, container) {
    try {
      await this.sandbox.post(`/pods/${encodeURIComponent(ns)}/${encodeURIComponent(name)}/containers/${encodeURIComponent(container)}/kill`);
    } catch (e) {
      this.onError(`kill ${name}/${container}: ${e.message}`);
    }
  }

  /** Re-render the open pod panel, keeping the focus on the same control. */
  rerenderPod() {
    if (!this.current || this.current.type !== 'pod' || this.root.hidden) return;
    const a = document.activeElement && this.root.contains(document.activeElement) ? document.activeElement : null;
    const radio = a && a.type === 'radio' ? [a.name, a.value] : null;
    const label = a && !radio ? a.textContent : null;
    this.renderPod();
    let again = null;
    if (radio) again = [...this.root.querySelectorAll('input[type=radio]')].find((r) => r.name === radio[0] && r.value === radio[1]);
    else if (label) again = [...this.root.querySelectorAll('button')].find((b) => b.textContent === label);
    if (again) again.focus();
  }

  /** Called after each mirror change: keeps an open panel in step with the cluster. */
  refresh(changed) {
    if (!this.current || this.root.hidden) return;
    if (this.current.type === 'pod' && changed.has(this.current.id)) {
      this.rerenderPod();
    } else if (this.current.type === 'node' && changed.has(`Node//${this.current.id}`)) {
      const idx = [...this.root.querySelectorAll('[role=menuitem]')].indexOf(document.activeElement);
      this.renderNode();
      const items = this.root.querySelectorAll('[role=menuitem]');
      if (idx >= 0 && items[idx]) items[idx].focus();
    }
  }
}
