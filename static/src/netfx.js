/**
 * The network layer of the canvas: lines from service hubs to their endpoint pods, broken overlay
 * links between nodes, and requests from the traffic log travelling along their hops.
 *
 * Owns: a transparent canvas stacked over the cluster canvas (pointer events pass through), the
 * packets in flight and the marks where failed ones died. Unlike the cluster canvas it is redrawn
 * whole, and only while something on it moves (pods sliding, packets flying, marks fading): its
 * content is a few dozen lines and dots. Like the cluster canvas it covers only the view and a
 * margin (the cluster canvas's `area`, `place`): clearing it costs what is in sight.
 * A request goes client → service VIP (the hub) → kube-proxy on the client's node → the chosen
 * pod, following the `hops` the kube-proxy model recorded; from outside it starts at the
 * workstation and enters through a node. A failed one stops with a red ✕ and its error where the
 * packet died; "No route to host" dies in the gap between the two nodes whose overlay is broken.
 * Relations (relations.js): faint lines from each "config and storage" chip to what it relates to —
 * a ConfigMap/Secret/PVC to the pods using it, an Ingress to its Service hubs, a PV to its claim, an
 * HPA to its target's workload groups — drawn strongly, with rings, for the chip or pod under the
 * pointer or keyboard focus (`setFocus`, else the selected pod); a pod's owner chain highlights the
 * groups and pods of its top owner and names the chain ("Deployment web › ReplicaSet web-7c9d").
 * The overlay canvas says what it highlights: `data-rel-chips` (the chip keys), `data-rel-pods`
 * (how many pods are ringed) and `data-rel-chain`.
 * Hands off: positions come from the CanvasView's layout and sprites; requests from main.js.
 */
import { POD } from './layout.js';
import { overlayCanvas, placeOverlay, surfaceOf } from './overlay.js';
import { hubColour } from './services.js';
import { CHIP_KINDS, highlightOf } from './relations.js';

const SPEED = 0.9;        // px per ms along the path
const MIN_DUR = 450;      // ms, so short paths still read as travel
const STAGGER = 70;       // ms between consecutive requests of one batch
const MARK_MS = 3500;     // how long a failure mark stays
const MAX_FLYING = 60;    // more than this at once would be noise: the rest are skipped
const MAX_POD_LINES = 40; // a chip used by more pods draws a line per workload group instead
const REDUCED_MOTION = typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;

function polyLength(pts) {
  let len = 0;
  for (let i = 1; i < pts.length; i++) len += Math.hypot(pts[i].x - pts[i - 1].x, pts[i].y - pts[i - 1].y);
  return len;
}

function pointAt(pts, d) {
  for (let i = 1; i < pts.length; i++) {
    const seg = Math.hypot(pts[i].x - pts[i - 1].x, pts[i].y - pts[i - 1].y);
    if (d <= seg || i === pts.length - 1) {
      const t = seg ? Math.min(1, d / seg) : 1;
      return { x: pts[i - 1].x + (pts[i].x - pts[i - 1].x) * t, y: pts[i - 1].y + (pts[i].y - pts[i - 1].y) * t };
    }
    d -= seg;
  }
  return pts[pts.length - 1];
}

export class NetworkFx {
  constructor(base, view) {
    this.view = view;
    this.canvas = overlayCanvas(base, 'netfx');
    this.surface = surfaceOf(this.canvas);
    this.ctx = this.surface.getContext('2d');
    this.dpr = 1;
    this.area = { x: 0, y: 0, w: 0, h: 0 }; // the layout rectangle it covers (layout px)
    this.broken = [];
    this.packets = [];
    this.marks = [];
    this.seen = new Set();
    this.focus = null; // {chip} or {pod}: the relations highlighted (relations.js)
    this.groupIndex = { layout: null, map: new Map() };
    this.dirty = true;
    // What the animation did, as data attributes on the overlay canvas (a canvas has no DOM to
    // inspect): packets launched, arrived and failed, and the waypoints of the last one launched.
    this.stats = { launched: 0, arrived: 0, died: 0 };
  }

  publish(lastPath) {
    const d = this.canvas.dataset;
    d.launched = String(this.stats.launched);
    d.arrived = String(this.stats.arrived);
    d.died = String(this.stats.died);
    if (lastPath !== undefined) d.lastPath = lastPath;
  }

  /** Covers the layout rectangle `area` (the cluster canvas's) at `dpr`; drawn again whole. */
  place(area, dpr) {
    placeOverlay(this.canvas, this.surface, this.area, this.dpr, area, dpr);
    this.dpr = dpr;
    this.area = { ...area };
    this.dirty = true;
  }

  /** The chip or pod whose relations are drawn strongly (null: the selected pod's, if any). */
  setFocus(focus) {
    const k = (f) => (f ? f.chip || f.pod : '');
    if (k(focus) === k(this.focus)) return;
    this.focus = focus;
    this.dirty = true;
  }

  setNetwork(network) {
    const broken = ((network && network.overlay && network.overlay.broken) || []).map((p) => [...p].sort());
    if (JSON.stringify(broken) !== JSON.stringify(this.broken)) {
      this.broken = broken;
      this.dirty = true;
    }
  }

  // -- where things are -------------------------------------------------------------------------
  podSprite(ref, ip) {
    const view = this.view;
    if (ref) {
      const [ns, name] = ref.includes('/') ? ref.split('/') : ['default', ref];
      const s = view.pods.get(`Pod/${ns}/${name}`);
      if (s) return s;
    }
    if (ip && view.layout) {
      for (const p of view.layout.pods.values()) {
        if (p.pod.status && p.pod.status.podIP === ip && !p.pod.spec.hostNetwork) return view.pods.get(p.key);
      }
    }
    return null;
  }

  nodeBox(name) {
    return this.view.layout ? this.view.layout.nodes.find((n) => n.name === name) : null;
  }

  hub(name, ip) {
    const L = this.view.layout;
    if (!L) return null;
    return L.services.find((h) => h.ref === name || `${h.namespace}/${h.name}` === name)
      || (ip ? L.services.find((h) => h.clusterIP === ip) : null)
      || L.services.find((h) => h.name === name) || null;
  }

  /** Where a hop is drawn (a point), or null if the page cannot place it. */
  hopPoint(hop, prevNode) {
    const L = this.view.layout;
    const centre = (s) => ({ x: s.x + POD / 2, y: s.y + POD / 2 });
    switch (hop.kind) {
      case 'pod': {
        const s = this.podSprite(hop.namespace ? `${hop.namespace}/${hop.name}` : hop.name, hop.ip);
        return s ? centre(s) : null;
      }
      case 'node': {
        const n = this.nodeBox(hop.name);
        return n ? { x: n.x + n.w / 2, y: n.y + 10 } : null;
      }
      case 'service': {
        const h = this.hub(hop.namespace ? `${hop.namespace}/${hop.name}` : hop.name, hop.ip);
        return h ? { x: h.x + h.w / 2, y: h.y + h.h / 2 } : null;
      }
      case 'kube-proxy': {
        const nodeName = hop.name && this.nodeBox(hop.name) ? hop.name : prevNode;
        if (L) {
          for (const p of L.pods.values()) {
            if (p.node === nodeName && p.name.startsWith('kube-proxy-')) return centre(this.view.pods.get(p.key) || p);
          }
        }
        const n = this.nodeBox(nodeName);
        return n ? { x: n.x + 16, y: n.y + 17 } : null;
      }
      case 'external':
        return L ? { x: L.outside.x + L.outside.w / 2, y: L.outside.y + L.outside.h / 2 } : null;
      default:
        return null;
    }
  }

  /** The polyline of a request, and where it died if it failed. */
  route(r) {
    const pts = [];
    const via = [];
    let node = r.sourceKind === 'node' ? r.source : null;
    const L = this.view.layout;
    if (r.sourceKind === 'outside' && L && !(r.hops[0] && r.hops[0].kind === 'external')) {
      pts.push({ x: L.outside.x + L.outside.w / 2, y: L.outside.y + L.outside.h / 2 });
      via.push('outside');
    }
    const hops = r.failedAt !== null && r.failedAt !== undefined ? (r.hops || []).slice(0, r.failedAt + 1) : (r.hops || []);
    for (const hop of hops) {
      if (hop.kind === 'node' || hop.kind === 'kube-proxy') node = hop.name || node;
      if (hop.kind === 'pod' && !node) {
        const s = this.podSprite(hop.namespace ? `${hop.namespace}/${hop.name}` : hop.name, hop.ip);
        if (s) node = s.data.node;
      }
      const p = this.hopPoint(hop, node);
      if (p && !(pts.length && pts[pts.length - 1].x === p.x && pts[pts.length - 1].y === p.y)) {
        pts.push(p);
        via.push(hop.kind === 'pod' || hop.kind === 'service' || hop.kind === 'external' ? hop.kind : `${hop.kind}@${node}`);
      }
    }
    if (!pts.length) return null;
    let died = null;
    if (!r.ok) {
      died = pts[pts.length - 1];
      if (pts.length >= 2 && /no route to host/i.test(r.error || '')) {
        // the packet was lost crossing the broken overlay: mark it between the two nodes
        const a = pts[pts.length - 2];
        const b = pts[pts.length - 1];
        died = { x: a.x + (b.x - a.x) * 0.6, y: a.y + (b.y - a.y) * 0.6 };
        pts[pts.length - 1] = died;
        via[via.length - 1] = 'overlay';
      }
      via.push('✕');
    }
    return { pts, died, via: via.join(' > ') };
  }

  addRequests(records, now) {
    let i = 0;
    let last;
    for (const r of records) {
      if (this.seen.has(r.id)) continue;
      this.seen.add(r.id);
      if (this.seen.size > 5000) this.seen = new Set([...this.seen].slice(-1000));
      const route = this.route(r);
      if (!route) continue;
      if (REDUCED_MOTION) {
        if (route.died) this.marks.push({ ...route.died, error: r.error || 'failed', until: now + MARK_MS });
        continue;
      }
      if (this.packets.length >= MAX_FLYING) continue;
      const len = polyLength(route.pts);
      this.packets.push({ ...route, ok: r.ok, error: r.error, start: now + i * STAGGER, dur: Math.max(MIN_DUR, len / SPEED), len });
      this.stats.launched++;
      last = route.via;
      i++;
    }
    this.publish(last);
    this.dirty = true;
  }

  // -- drawing ------------------------------------------------------------------------------------
  /** Repaints when needed; returns true while something still moves (the view keeps ticking). */
  paint(ts, spritesMoving) {
    const now = performance.now();
    const active = this.packets.length > 0 || this.marks.length > 0;
    if (!this.dirty && !spritesMoving && !active) return false;
    this.dirty = false;
    const ctx = this.ctx;
    const L = this.view.layout;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, this.surface.width, this.surface.height);
    // layout px to the canvas's device pixels: the canvas starts at the area's corner
    ctx.setTransform(this.dpr, 0, 0, this.dpr, -this.area.x * this.dpr, -this.area.y * this.dpr);
    if (!L) return false;
    this.drawEndpointLines(L);
    this.drawRelations(L);
    this.drawReplacements(L);
    this.drawBrokenLinks(L);

    const flying = [];
    for (const p of this.packets) {
      const t = (now - p.start) / p.dur;
      if (t < 0) { flying.push(p); continue; }
      if (t >= 1) {
        if (p.died) this.marks.push({ ...p.died, error: p.error || 'failed', until: now + MARK_MS });
        this.stats[p.died ? 'died' : 'arrived']++;
        this.publish();
        continue;
      }
      flying.push(p);
      const at = pointAt(p.pts, t * p.len);
      ctx.globalAlpha = 0.25;
      ctx.strokeStyle = p.ok ? '#7ee787' : '#ff7b72';
      ctx.lineWidth = 1;
      ctx.beginPath();
      ctx.moveTo(p.pts[0].x, p.pts[0].y);
      let d = 0;
      for (let i = 1; i < p.pts.length; i++) {
        const seg = Math.hypot(p.pts[i].x - p.pts[i - 1].x, p.pts[i].y - p.pts[i - 1].y);
        if (d + seg >= t * p.len) break;
        ctx.lineTo(p.pts[i].x, p.pts[i].y);
        d += seg;
      }
      ctx.lineTo(at.x, at.y);
      ctx.stroke();
      ctx.globalAlpha = 1;
      ctx.fillStyle = p.ok ? '#aff5b4' : '#ffb3ad';
      ctx.beginPath();
      ctx.arc(at.x, at.y, 3.5, 0, Math.PI * 2);
      ctx.fill();
    }
    this.packets = flying;

    this.marks = this.marks.filter((m) => m.until > now);
    // one label per place: many failures at one spot read as one mark with a count
    const spots = new Map();
    for (const m of this.marks) {
      const k = `${Math.round(m.x)},${Math.round(m.y)}`;
      const e = spots.get(k) || { ...m, n: 0 };
      e.n++;
      e.until = Math.max(e.until, m.until);
      spots.set(k, e);
    }
    for (const m of spots.values()) {
      const alpha = Math.min(1, (m.until - now) / 800);
      ctx.globalAlpha = alpha;
      ctx.strokeStyle = '#ff5a4f';
      ctx.lineWidth = 2.5;
      ctx.beginPath();
      ctx.moveTo(m.x - 6, m.y - 6); ctx.lineTo(m.x + 6, m.y + 6);
      ctx.moveTo(m.x + 6, m.y - 6); ctx.lineTo(m.x - 6, m.y + 6);
      ctx.stroke();
      const text = m.n > 1 ? `${m.error} ×${m.n}` : m.error;
      ctx.font = '600 11px system-ui, sans-serif';
      const w = ctx.measureText(text).width + 10;
      ctx.fillStyle = 'rgba(40,10,12,0.92)';
      ctx.fillRect(m.x + 9, m.y - 9, w, 18);
      ctx.fillStyle = '#ffb3ad';
      ctx.textBaseline = 'middle';
      ctx.fillText(text, m.x + 14, m.y);
      ctx.globalAlpha = 1;
    }
    return this.packets.length > 0 || this.marks.length > 0;
  }

  drawEndpointLines(L) {
    const ctx = this.ctx;
    for (const h of L.services) {
      if (!h.endpoints.length) continue;
      const colour = hubColour(h);
      const from = { x: h.x + h.w / 2, y: h.y + h.h };
      for (const e of h.endpoints) {
        const s = e.podKey ? this.view.pods.get(e.podKey) : null;
        if (!s || s.dying) continue;
        ctx.save();
        ctx.globalAlpha = (h.system ? 0.18 : 0.42) * Math.max(0, Math.min(1, s.alpha));
        ctx.strokeStyle = e.ready ? colour : '#8b95a8';
        ctx.lineWidth = e.ready ? 1.2 : 1;
        if (!e.ready) ctx.setLineDash([4, 4]);
        ctx.beginPath();
        ctx.moveTo(from.x, from.y);
        const to = { x: s.x + POD / 2, y: s.y };
        ctx.bezierCurveTo(from.x, from.y + 40, to.x, to.y - 40, to.x, to.y);
        ctx.stroke();
        ctx.restore();
      }
    }
  }

  /** An arrow from each going pod to its replacement (layout.js `replaced`): where it landed. */
  drawReplacements(L) {
    const pairs = L.replaced || [];
    if (this.canvas.dataset.replacements !== String(pairs.length)) this.canvas.dataset.replacements = String(pairs.length);
    if (!pairs.length) return;
    const ctx = this.ctx;
    ctx.save();
    ctx.strokeStyle = '#f0a35a';
    ctx.fillStyle = '#f0a35a';
    ctx.lineWidth = 1.5;
    ctx.setLineDash([6, 4]);
    for (const { from, to } of pairs) {
      const a = this.view.pods.get(from);
      const b = this.view.pods.get(to);
      if (!a || !b || a.dying || b.dying) continue;
      ctx.globalAlpha = 0.8 * Math.max(0, Math.min(1, Math.min(a.alpha, b.alpha)));
      const p0 = { x: a.x + POD / 2, y: a.y + POD / 2 };
      const p1 = { x: b.x + POD / 2, y: b.y + POD / 2 };
      const mid = { x: (p0.x + p1.x) / 2, y: Math.min(p0.y, p1.y) - 40 };
      ctx.beginPath();
      ctx.moveTo(p0.x, p0.y);
      ctx.quadraticCurveTo(mid.x, mid.y, p1.x, p1.y);
      ctx.stroke();
      // the head, along the curve's last direction
      const ang = Math.atan2(p1.y - mid.y, p1.x - mid.x);
      ctx.setLineDash([]);
      ctx.beginPath();
      ctx.moveTo(p1.x, p1.y);
      ctx.lineTo(p1.x - 8 * Math.cos(ang - 0.45), p1.y - 8 * Math.sin(ang - 0.45));
      ctx.lineTo(p1.x - 8 * Math.cos(ang + 0.45), p1.y - 8 * Math.sin(ang + 0.45));
      ctx.closePath();
      ctx.fill();
      ctx.setLineDash([6, 4]);
    }
    ctx.restore();
  }

  /** The layout's group blocks by `node|key` (a pod record's node and groupKey), once per layout. */
  groupsOf(L) {
    if (this.groupIndex.layout !== L) {
      this.groupIndex = { layout: L, map: new Map(L.groups.map((g) => [`${g.node}|${g.key}`, g])) };
    }
    return this.groupIndex.map;
  }

  drawRelations(L) {
    const rel = L.relations;
    if (!rel) return;
    const view = this.view;
    const focus = this.focus || (view.selected ? { pod: view.selected } : null);
    const hl = highlightOf(rel, focus);
    // what is drawn strongly, as data on the overlay (a canvas has no DOM to inspect)
    const said = [...hl.chips].sort().join(' ');
    const d = this.canvas.dataset;
    if (d.relChips !== said) d.relChips = said;
    const chainText = hl.chain.length ? [...hl.chain].reverse().map((o) => `${o.kind} ${o.name}`).join(' › ') : '';
    if (d.relChain !== chainText) d.relChain = chainText;
    const podsSaid = String(hl.pods.size);
    if (d.relPods !== podsSaid) d.relPods = podsSaid;
    const groups = this.groupsOf(L);
    const chipsByKey = new Map(rel.chips.map((c) => [c.key, c]));
    const hubs = new Map(L.services.map((h) => [h.key, h]));
    const ctx = this.ctx;
    // one path per chip and strength: a chip used by a thousand pods is two strokes, not a thousand
    const faint = [];
    const strong = [];
    // a curve leaves `a` downwards and reaches `b` from above (`arc`: from below, for two chips of the band)
    const curve = (a, b, bend, arc = false) => ({ a, b, c1: a.y + bend, c2: arc ? b.y + bend : b.y - bend });
    const stroke = (list, colour, isStrong) => {
      if (!list.length) return;
      ctx.globalAlpha = isStrong ? 0.9 : 0.2;
      ctx.strokeStyle = colour;
      ctx.lineWidth = isStrong ? 2 : 1;
      ctx.beginPath();
      for (const { a, b, c1, c2 } of list) {
        ctx.moveTo(a.x, a.y);
        ctx.bezierCurveTo(a.x, c1, b.x, c2, b.x, b.y);
      }
      ctx.stroke();
    };
    ctx.save();
    for (const c of rel.chips) {
      const colour = CHIP_KINDS[c.kind].colour;
      const on = hl.chips.has(c.key);
      const bottom = { x: c.x + c.w / 2, y: c.y + c.h };
      faint.length = 0;
      strong.length = 0;
      if (c.kind === 'HorizontalPodAutoscaler' || c.pods.length > MAX_POD_LINES) {
        // to the workload groups holding the pods, one line per block (an HPA's target, a big user)
        const seen = new Set();
        for (const k of c.pods) {
          const sp = view.pods.get(k);
          const g = sp && !sp.dying && groups.get(`${sp.data.node}|${sp.data.groupKey}`);
          if (!g || seen.has(g)) continue;
          seen.add(g);
          (on ? strong : faint).push(curve(bottom, { x: g.x + g.w / 2, y: g.y }, 30));
        }
      } else {
        for (const k of c.pods) {
          const sp = view.pods.get(k);
          if (!sp || sp.dying) continue;
          (on && hl.pods.has(k) ? strong : faint).push(curve(bottom, { x: sp.x + POD / 2, y: sp.y }, 30));
        }
      }
      for (const sk of c.services) {
        const h = hubs.get(sk);
        if (h) (on ? strong : faint).push(curve({ x: h.x + h.w / 2, y: h.y + h.h }, { x: c.x + c.w / 2, y: c.y }, 12));
      }
      const peer = c.peer && chipsByKey.get(c.peer);
      if (peer && c.kind === 'PersistentVolumeClaim') {
        // claim ↔ volume: an arc under both chips
        (on ? strong : faint).push(curve(bottom, { x: peer.x + peer.w / 2, y: peer.y + peer.h }, 14, true));
      }
      stroke(faint, colour, false);
      stroke(strong, colour, true);
    }
    // rings: the highlighted chips, the top owner's groups and pods, and the chain's name
    ctx.globalAlpha = 1;
    ctx.lineWidth = 2;
    for (const k of hl.chips) {
      const c = chipsByKey.get(k);
      if (!c) continue;
      ctx.strokeStyle = CHIP_KINDS[c.kind].colour;
      ctx.strokeRect(c.x - 2, c.y - 2, c.w + 4, c.h + 4);
    }
    if (hl.pods.size > 1 || hl.chain.length || hl.chips.size) {
      const blocks = new Set();
      ctx.strokeStyle = '#e6edf3';
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      for (const k of hl.pods) {
        const sp = view.pods.get(k);
        if (!sp || sp.dying) continue;
        ctx.rect(sp.x - 2.5, sp.y - 2.5, POD + 5, POD + 5);
        if (hl.chain.length) {
          const g = groups.get(`${sp.data.node}|${sp.data.groupKey}`);
          if (g) blocks.add(g);
        }
      }
      ctx.stroke();
      ctx.setLineDash([4, 3]);
      ctx.strokeStyle = '#79c0ff';
      ctx.beginPath();
      for (const g of blocks) ctx.rect(g.x - 1.5, g.y - 1.5, g.w + 3, g.h + 3);
      ctx.stroke();
      ctx.setLineDash([]);
      const sp = hl.pod && view.pods.get(hl.pod);
      const g = sp && groups.get(`${sp.data.node}|${sp.data.groupKey}`);
      if (sp && hl.chain.length) {
        // the chain's name just above the pod's own group block (the tooltip takes the pod's side)
        ctx.font = '600 11px system-ui, sans-serif';
        const w = ctx.measureText(chainText).width + 12;
        const x = Math.max(2, Math.min(g ? g.x : sp.x, (this.surface.width / this.dpr) - w - 2));
        const y = Math.max(2, (g ? g.y : sp.y) - 21);
        ctx.fillStyle = 'rgba(13,17,23,0.92)';
        ctx.fillRect(x, y, w, 18);
        ctx.strokeStyle = '#79c0ff';
        ctx.lineWidth = 1;
        ctx.strokeRect(x + 0.5, y + 0.5, w - 1, 17);
        ctx.fillStyle = '#cfe3ff';
        ctx.textBaseline = 'middle';
        ctx.fillText(chainText, x + 6, y + 9.5);
      }
    }
    ctx.restore();
  }

  drawBrokenLinks(L) {
    const ctx = this.ctx;
    this.broken.forEach(([a, b], i) => {
      const na = L.nodes.find((n) => n.name === a);
      const nb = L.nodes.find((n) => n.name === b);
      if (!na || !nb) return;
      const y = L.linkBand.y + 6 + (i % 3) * 5;
      const xa = na.x + na.w / 2;
      const xb = nb.x + nb.w / 2;
      ctx.save();
      ctx.strokeStyle = '#ff5a4f';
      ctx.lineWidth = 2;
      ctx.setLineDash([6, 4]);
      ctx.beginPath();
      ctx.moveTo(xa, na.y);
      ctx.lineTo(xa, y);
      ctx.lineTo(xb, y);
      ctx.lineTo(xb, nb.y);
      ctx.stroke();
      ctx.setLineDash([]);
      const mx = (xa + xb) / 2;
      ctx.fillStyle = '#0d1117';
      ctx.fillRect(mx - 62, y - 8, 124, 16);
      ctx.fillStyle = '#ff8b82';
      ctx.font = '600 11px system-ui, sans-serif';
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      ctx.fillText(`✕ overlay ${a}–${b} broken`, mx, y);
      ctx.restore();
    });
  }
}
