/**
 * Relations a Kubernetes user thinks in, drawn on the canvas (issue 10, "Relations drawn"): which
 * ConfigMaps, Secrets and PersistentVolumeClaims a pod uses, which PersistentVolume a claim is bound
 * to, which Services an Ingress routes to, what a HorizontalPodAutoscaler scales and how far it is
 * from its target (kubectl's TARGETS, from the server's cells), and the owner chain of every pod (pod → ReplicaSet → Deployment, Job → CronJob,
 * StatefulSet, DaemonSet …).
 *
 * Owns: `relationsOf(objects)` — pure: the "config and storage" chips (ConfigMap, Secret, PVC, PV,
 * Ingress, HPA; system namespaces' objects and every namespace's `kube-root-ca.crt` left out, so the
 * default cluster is not cluttered), what each relates to, each pod's owner chain and the pods under
 * each owner; `chipLabel(chip)` (its accessible name, "configmap game-config, used by 2 pods");
 * `podRefs(pod)` (what a pod uses, as the kubelet resolves it: pkg/api/v1/pod/util.go's
 * VisitPodConfigmapNames/VisitPodSecretNames plus its claims); and `RelationsView`, the chips' focusable
 * elements in a container of their own inside the accessible mirror (a11y.js creates and updates it).
 * Work is proportional: one pass indexes the objects by kind/namespace/name, one pass over the pods
 * resolves what they use (cached per pod object: the mirror replaces an object when it changes).
 * Hands off: layout.js places the chips (`layoutChips`), canvas.js draws them, netfx.js draws the
 * lines and the hover/focus highlight, which RelationsView announces with a bubbling
 * `kubeplay-relations` event `{chip}` / `{pod}` / `{}`; clicking a chip asks for the inspector
 * (`kubeplay-inspect`, inspector.js).
 */
import { cellsOf, keyOf } from './store.js';
import { t } from './i18n.js';

/** Namespaces whose objects the band leaves out (the cluster's and the add-ons' own). */
export const SYSTEM_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease', 'ingress-nginx',
  'local-path-storage', 'kubernetes-dashboard']);

/** Per kind: the chip's order in the band, its tag (kubectl's short name), colour and the word of its name. */
export const CHIP_KINDS = {
  Ingress: { order: 0, tag: 'ing', colour: '#a5d6ff', word: 'ingress' },
  HorizontalPodAutoscaler: { order: 1, tag: 'hpa', colour: '#ffa657', word: 'horizontalpodautoscaler' },
  PersistentVolumeClaim: { order: 2, tag: 'pvc', colour: '#e3b341', word: 'persistentvolumeclaim' },
  PersistentVolume: { order: 3, tag: 'pv', colour: '#c69026', word: 'persistentvolume' },
  ConfigMap: { order: 4, tag: 'cm', colour: '#7ee787', word: 'configmap' },
  Secret: { order: 5, tag: 'secret', colour: '#f778ba', word: 'secret' },
};

const OWNER_DEPTH = 6; // ownerReferences chains are short; a cycle must not hang the page

function nsName(ns, name) {
  return `${ns || ''}/${name}`;
}

function controllerRef(obj) {
  const refs = (obj.metadata && obj.metadata.ownerReferences) || [];
  return refs.find((r) => r.controller) || refs[0] || null;
}

function isSystem(obj) {
  const m = obj.metadata || {};
  return SYSTEM_NAMESPACES.has(m.namespace || '') || (obj.kind === 'ConfigMap' && m.name === 'kube-root-ca.crt');
}

function containersOf(spec) {
  return [...(spec.initContainers || []), ...(spec.containers || []), ...(spec.ephemeralContainers || [])];
}

const USES = new WeakMap();
const INFO = new WeakMap();

/** What relationsOf reads of a pod, once per pod object (the mirror replaces an object that changes). */
function podInfo(pod) {
  let i = INFO.get(pod);
  if (!i) {
    const ns = pod.metadata.namespace || '';
    const first = controllerRef(pod);
    i = { key: keyOf(pod), pod, firstKey: first ? `${first.kind}/${first.kind === 'Node' ? '' : ns}/${first.name}` : '',
      uses: podRefs(pod) };
    INFO.set(pod, i);
  }
  return i;
}

/**
 * What a pod uses: `{configMaps, secrets, claims}`, each a sorted list of names in the pod's
 * namespace — volumes (configMap, secret, persistentVolumeClaim, projected sources, a generic
 * ephemeral volume's claim `<pod>-<volume>`, csi/flexVolume/… secretRefs), env valueFrom
 * configMapKeyRef/secretKeyRef, envFrom and imagePullSecrets.
 */
export function podRefs(pod) {
  let u = USES.get(pod);
  if (u) return u;
  const cms = new Set();
  const secrets = new Set();
  const claims = new Set();
  const spec = pod.spec || {};
  for (const s of spec.imagePullSecrets || []) if (s && s.name) secrets.add(s.name);
  for (const c of containersOf(spec)) {
    for (const from of c.envFrom || []) {
      if (from.configMapRef && from.configMapRef.name) cms.add(from.configMapRef.name);
      if (from.secretRef && from.secretRef.name) secrets.add(from.secretRef.name);
    }
    for (const e of c.env || []) {
      const v = e.valueFrom || {};
      if (v.configMapKeyRef && v.configMapKeyRef.name) cms.add(v.configMapKeyRef.name);
      if (v.secretKeyRef && v.secretKeyRef.name) secrets.add(v.secretKeyRef.name);
    }
  }
  for (const v of spec.volumes || []) {
    if (v.configMap && v.configMap.name) cms.add(v.configMap.name);
    if (v.secret && v.secret.secretName) secrets.add(v.secret.secretName);
    if (v.persistentVolumeClaim && v.persistentVolumeClaim.claimName) claims.add(v.persistentVolumeClaim.claimName);
    if (v.ephemeral && pod.metadata) claims.add(`${pod.metadata.name}-${v.name}`);
    for (const src of (v.projected && v.projected.sources) || []) {
      if (src.configMap && src.configMap.name) cms.add(src.configMap.name);
      if (src.secret && src.secret.name) secrets.add(src.secret.name);
    }
    for (const [field, ref] of [['csi', 'nodePublishSecretRef'], ['flexVolume', 'secretRef'], ['cephfs', 'secretRef'],
      ['rbd', 'secretRef'], ['cinder', 'secretRef'], ['scaleIO', 'secretRef'], ['storageos', 'secretRef'],
      ['iscsi', 'secretRef']]) {
      const name = v[field] && v[field][ref] && v[field][ref].name;
      if (name) secrets.add(name);
    }
    if (v.azureFile && v.azureFile.secretName) secrets.add(v.azureFile.secretName);
  }
  u = { configMaps: [...cms].sort(), secrets: [...secrets].sort(), claims: [...claims].sort() };
  USES.set(pod, u);
  return u;
}

/** The Services an Ingress sends to (its rules' paths and defaultBackend), by name, sorted. */
export function ingressBackends(ing) {
  const spec = ing.spec || {};
  const names = new Set();
  const take = (b) => { if (b && b.service && b.service.name) names.add(b.service.name); };
  take(spec.defaultBackend);
  for (const r of spec.rules || []) for (const p of (r.http && r.http.paths) || []) take(p.backend);
  return [...names].sort();
}

function pods(n) {
  return n === 1 ? t('used by 1 pod') : n === 0 ? t('used by no pod') : t('used by {n} pods', { n });
}

/** The chip's accessible name ("configmap game-config, used by 2 pods" …). */
export function chipLabel(c) {
  const word = CHIP_KINDS[c.kind].word;
  const head = `${word} ${c.ref}`;
  switch (c.kind) {
    case 'ConfigMap':
    case 'Secret':
      return `${head}, ${pods(c.pods.length)}`;
    case 'PersistentVolumeClaim': {
      const bound = c.volume ? t('{phase} to {volume}', { phase: c.phase, volume: c.volume }) : c.phase;
      return `${head}, ${bound}, ${pods(c.pods.length)}`;
    }
    case 'PersistentVolume':
      return `${head}, ${c.claim ? t('{phase} to {claim}', { phase: c.phase, claim: c.claim }) : c.phase}`;
    case 'Ingress':
      return c.backends.length
        ? `${head}, ${t('routes to {services}', { services: c.backends.map((b) => `service ${b}`).join(', ') })}`
        : `${head}, ${t('routes nowhere')}`;
    case 'HorizontalPodAutoscaler':
      return `${head}, ${c.metrics}, ${t('{current}/{desired} replicas', c.replicas)}, `
        + t('target {kind} {name}', { kind: c.target.kind.toLowerCase(), name: c.target.name });
    default:
      return head;
  }
}

/** The chip's second line on the canvas. */
export function chipDetail(c) {
  switch (c.kind) {
    case 'ConfigMap':
    case 'Secret':
      return pods(c.pods.length);
    case 'PersistentVolumeClaim':
      return c.volume ? `${c.phase} → ${c.volume}` : c.phase;
    case 'PersistentVolume':
      return [c.capacity, c.claim ? `${c.phase} ← ${c.claim}` : c.phase].filter(Boolean).join(' · ');
    case 'Ingress':
      return c.backends.length ? `→ ${c.backends.join(', ')}` : t('routes nowhere');
    case 'HorizontalPodAutoscaler':
      return `${c.metrics} · ${c.replicas.current}/${c.replicas.desired}`;
    default:
      return '';
  }
}

/**
 * The relations of the mirror's objects:
 * `{chips, usedBy, chains, members}` (the last two made when first read) — `chips` sorted by band order, namespace and name, each
 * `{key, kind, namespace, name, ref, pods: [podKey], services: [serviceKey], peer: chipKey|null,
 * target (HPA), …, label, detail}`; `usedBy` podKey → the keys of the chips the pod uses; `chains` podKey →
 * its owners from its controller up (`[{kind, name, key}]`); `members` owner key → its pods' keys.
 * A chip's `pods` are sorted; `members` lists are in the objects' order.
 */
export function relationsOf(objects) {
  const byKey = new Map(); // owners and chip kinds, by keyOf
  const podList = [];
  const chipObjs = [];
  for (const o of objects) {
    if (!o || !o.metadata) continue;
    if (o.kind === 'Pod') { podList.push(podInfo(o)); continue; }
    if (o.kind === 'Node' || o.kind === 'Event' || o.kind === 'Endpoints' || o.kind === 'EndpointSlice') continue;
    byKey.set(keyOf(o), o);
    if (CHIP_KINDS[o.kind] && !isSystem(o)) chipObjs.push(o);
  }
  const chains = new Map();
  const members = new Map();
  const usedBy = new Map();
  const users = new Map(); // chip key → pod keys
  // only what is drawn as a chip: every pod mounts its namespace's kube-root-ca.crt, which is not
  const chipKeys = new Set(chipObjs.map(keyOf));
  const use = (podKey, chipKey) => {
    if (!chipKeys.has(chipKey)) return;
    if (!users.has(chipKey)) users.set(chipKey, []);
    users.get(chipKey).push(podKey);
    if (!usedBy.has(podKey)) usedBy.set(podKey, []);
    usedBy.get(podKey).push(chipKey);
  };
  // The pods in the objects' order (no sort of 10,000 keys per layout): what a chip lists is sorted
  // below, and `members` and `usedBy`'s lists are read as sets (highlightOf).
  for (const { key: pk, pod, uses: u } of podList) {
    if (!u.configMaps.length && !u.secrets.length && !u.claims.length) continue;
    const ns = pod.metadata.namespace || '';
    for (const n of u.configMaps) use(pk, `ConfigMap/${ns}/${n}`);
    for (const n of u.secrets) use(pk, `Secret/${ns}/${n}`);
    for (const n of u.claims) use(pk, `PersistentVolumeClaim/${ns}/${n}`);
  }
  // Owner chains and members are read by a hover (highlightOf) or an HPA's chip, not by every
  // layout: made on first use (at 10,000 pods, 20,000 map entries a layout otherwise).
  let owned = false;
  const own = () => {
    if (owned) return;
    owned = true;
    // Pods of one controller share its chain (and its members' lists): built once per controller.
    const byController = new Map(); // first owner's key → {chain, lists}
    const none = { chain: [], lists: [] };
    for (const { key: pk, pod, firstKey } of podList) {
      let shared = none;
      if (firstKey) {
        shared = byController.get(firstKey);
        if (!shared) {
          const ns = pod.metadata.namespace || '';
          const chain = [];
          let obj = pod;
          for (let d = 0; d < OWNER_DEPTH; d++) {
            const ref = controllerRef(obj);
            if (!ref) break;
            const key = `${ref.kind}/${ref.kind === 'Node' ? '' : ns}/${ref.name}`;
            if (chain.some((c) => c.key === key)) break;
            chain.push({ kind: ref.kind, name: ref.name, key });
            obj = byKey.get(key);
            if (!obj) break;
          }
          const lists = chain.map((c) => {
            if (!members.has(c.key)) members.set(c.key, []);
            return members.get(c.key);
          });
          shared = { chain, lists };
          byController.set(firstKey, shared);
        }
      }
      for (const list of shared.lists) list.push(pk);
      chains.set(pk, shared.chain); // shared: read-only
    }
  };
  const chips = [];
  for (const o of chipObjs) {
    const m = o.metadata;
    const ns = m.namespace || '';
    const key = keyOf(o);
    const chip = {
      key, kind: o.kind, namespace: ns, name: m.name, ref: !ns || ns === 'default' ? m.name : nsName(ns, m.name),
      pods: users.get(key) || [], services: [], peer: null,
    };
    const spec = o.spec || {};
    const st = o.status || {};
    if (o.kind === 'PersistentVolumeClaim') {
      chip.phase = st.phase || 'Pending';
      chip.volume = spec.volumeName || '';
      if (chip.volume) chip.peer = `PersistentVolume//${chip.volume}`;
    } else if (o.kind === 'PersistentVolume') {
      chip.phase = st.phase || 'Pending';
      const c = spec.claimRef;
      chip.claim = c && c.name ? nsName(c.namespace, c.name) : '';
      chip.capacity = (spec.capacity && spec.capacity.storage) || '';
      if (c && c.name) chip.peer = `PersistentVolumeClaim/${c.namespace || ''}/${c.name}`;
    } else if (o.kind === 'Ingress') {
      chip.backends = ingressBackends(o);
      chip.services = chip.backends.map((n) => `Service/${ns}/${n}`);
    } else if (o.kind === 'HorizontalPodAutoscaler') {
      const ref = spec.scaleTargetRef || {};
      chip.target = { kind: ref.kind || '', name: ref.name || '', key: `${ref.kind}/${ns}/${ref.name}` };
      // kubectl's TARGETS, as the server's printer writes it (the HPA's cells: "cpu: 42%/50%")
      chip.metrics = (cellsOf(o) || {}).targets || '<unknown>';
      chip.replicas = { current: st.currentReplicas || 0, desired: st.desiredReplicas || 0 };
      own();
      chip.pods = (members.get(chip.target.key) || []).slice().sort();
    } else {
      chip.pods.sort(); // its users, found in the objects' order
    }
    chip.label = chipLabel(chip);
    chip.detail = chipDetail(chip);
    chips.push(chip);
  }
  chips.sort((a, b) => CHIP_KINDS[a.kind].order - CHIP_KINDS[b.kind].order
    || (a.namespace < b.namespace ? -1 : a.namespace > b.namespace ? 1 : 0)
    || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  // A peer that is not drawn (a system namespace's) is no line.
  const shown = new Set(chips.map((c) => c.key));
  for (const c of chips) if (c.peer && !shown.has(c.peer)) c.peer = null;
  return {
    chips, usedBy,
    get chains() { own(); return chains; },
    get members() { own(); return members; },
  };
}

/**
 * What is highlighted for a hover/focus `{chip}` or `{pod}`: `{chips: Set, pods: Set, groups: Set,
 * chain: [...]}` — a chip: itself, its peer, its pods; a pod: the chips it uses (and their peers),
 * the other pods of its top owner and its owner chain. Pure.
 */
export function highlightOf(rel, focus) {
  const out = { chips: new Set(), pods: new Set(), chain: [], pod: null };
  if (!rel || !focus) return out;
  const byKey = new Map(rel.chips.map((c) => [c.key, c]));
  const addChip = (k) => {
    const c = byKey.get(k);
    if (!c) return;
    out.chips.add(k);
    if (c.peer) out.chips.add(c.peer);
  };
  if (focus.chip) {
    const c = byKey.get(focus.chip);
    if (!c) return out;
    addChip(c.key);
    for (const p of c.pods) out.pods.add(p);
    const peer = c.peer && byKey.get(c.peer);
    if (peer) for (const p of peer.pods) out.pods.add(p);
  } else if (focus.pod) {
    out.pod = focus.pod;
    out.pods.add(focus.pod);
    for (const k of rel.usedBy.get(focus.pod) || []) addChip(k);
    const chain = rel.chains.get(focus.pod) || [];
    out.chain = chain;
    const top = chain[chain.length - 1];
    if (top) for (const p of rel.members.get(top.key) || []) out.pods.add(p);
    for (const c of rel.chips) if (c.kind === 'HorizontalPodAutoscaler' && chain.some((o) => o.key === c.target.key)) addChip(c.key);
  }
  return out;
}

// -- the accessible side ------------------------------------------------------------------------

function podKeyOf(el, view) {
  const item = el.closest && el.closest('.a11y-pod, .a11y-inspect');
  if (!item) return null;
  if (item.dataset.key && item.dataset.key.startsWith('Pod/')) return item.dataset.key;
  const label = item.getAttribute('aria-label') || '';
  const m = item.classList.contains('a11y-pod') ? label.match(/^pod (\S+) /) : label.match(/^Inspect pod (\S+)$/);
  return m ? view.names.get(m[1]) || null : null;
}

/**
 * The chips' focusable elements: a `role=group` "Config and storage" container in the mirror root
 * holding one button per chip, transparent over the canvas's chip, named by `chipLabel`. Hovering
 * or focusing a chip, or a pod of the mirror, announces the highlight (`kubeplay-relations`).
 */
export class RelationsView {
  constructor(root) {
    this.root = root;
    this.box = document.createElement('div');
    this.box.className = 'rel-band';
    this.box.setAttribute('role', 'group');
    this.box.setAttribute('aria-label', t('Config and storage'));
    root.appendChild(this.box);
    this.buttons = new Map(); // chip key → button
    this.records = new Map(); // the layout's pod records
    this.byName = null; // pod name → key, made from `records` on the first hover after a layout
    this.focus = null;
    const over = (e) => {
      const chip = e.target.closest && e.target.closest('.rel-chip');
      if (chip) return this.announce({ chip: chip.dataset.key });
      const pod = podKeyOf(e.target, this);
      if (pod) this.announce({ pod });
    };
    const out = (e) => {
      const to = e.relatedTarget;
      if (to && root.contains(to) && (to.closest('.rel-chip') || podKeyOf(to, this))) return;
      const still = document.activeElement && root.contains(document.activeElement) ? document.activeElement : null;
      if (still && e.type === 'mouseout') return over({ target: still });
      this.announce(null);
    };
    root.addEventListener('mouseover', over);
    root.addEventListener('focusin', over);
    root.addEventListener('mouseout', out);
    root.addEventListener('focusout', out);
  }

  /** Pod name → key of the last layout's pods (made once per layout, when asked). */
  get names() {
    if (!this.byName) {
      this.byName = new Map();
      for (const p of this.records.values()) if (!this.byName.has(p.name)) this.byName.set(p.name, p.key);
    }
    return this.byName;
  }

  announce(focus) {
    const key = focus ? focus.chip || focus.pod : '';
    if ((this.focus ? this.focus.chip || this.focus.pod : '') === key) return;
    this.focus = focus;
    this.root.dispatchEvent(new CustomEvent('kubeplay-relations', { bubbles: true, detail: focus || {} }));
  }

  update(layout) {
    const rel = layout.relations;
    const chips = (rel && rel.chips) || [];
    this.records = layout.pods; // pod name → key is made from them when a hover needs it (`names`)
    this.byName = null;
    const seen = new Set();
    let prev = null;
    for (const c of chips) {
      seen.add(c.key);
      let b = this.buttons.get(c.key);
      if (!b) {
        b = document.createElement('button');
        b.type = 'button';
        b.className = 'rel-chip';
        b.dataset.key = c.key;
        b.addEventListener('click', () => {
          const [kind, namespace, ...rest] = b.dataset.key.split('/');
          b.dispatchEvent(new CustomEvent('kubeplay-inspect', {
            bubbles: true, detail: { kind: kind.toLowerCase(), namespace, name: rest.join('/'), opener: b },
          }));
        });
        this.buttons.set(c.key, b);
      }
      if (prev === null ? this.box.firstChild !== b : prev.nextSibling !== b) {
        if (prev === null) this.box.prepend(b);
        else prev.after(b);
      }
      prev = b;
      if (b.getAttribute('aria-label') !== c.label) b.setAttribute('aria-label', c.label);
      const style = `left:${Math.round(c.x)}px;top:${Math.round(c.y)}px;width:${Math.round(c.w)}px;height:${Math.round(c.h)}px`;
      if (b.dataset.rect !== style) {
        b.dataset.rect = style;
        b.style.cssText = style;
      }
    }
    for (const [key, b] of this.buttons) {
      if (!seen.has(key)) {
        if (this.focus && this.focus.chip === key) this.announce(null);
        b.remove();
        this.buttons.delete(key);
      }
    }
    this.box.hidden = chips.length === 0;
  }
}
