/**
 * Services as the page shows them: a pure function of the mirror's Service and Endpoints objects.
 *
 * Owns: the view of each Service — type (ClusterIP, NodePort, LoadBalancer, ExternalName, or
 * headless), cluster IP, ports in kubectl's PORT(S) form (`80/TCP`, `80:31234/TCP`), external
 * addresses, and its endpoints (from the Endpoints object the endpoints controller keeps: pods in
 * `addresses` are ready, in `notReadyAddresses` not ready; hand-made ones without a pod are
 * listed by IP). Also the text labels the accessible mirror and the request list use.
 * Hands off: layout.js places the hubs, canvas.js draws them and the lines to their pods,
 * a11y.js names them. Nothing here touches the DOM; every list is sorted.
 */
import { keyOf } from './store.js';
import { t, tn } from './i18n.js';

export function serviceKey(ns, name) {
  return `Service/${ns || ''}/${name}`;
}

/** `ns/name`, or just `name` in the default namespace (how the page names things). */
export function shortRef(ns, name) {
  return !ns || ns === 'default' ? name : `${ns}/${name}`;
}

function portsText(spec) {
  return ((spec && spec.ports) || []).map((p) => {
    const proto = p.protocol || 'TCP';
    return p.nodePort ? `${p.port}:${p.nodePort}/${proto}` : `${p.port}/${proto}`;
  }).join(',');
}

function endpointsOf(ep) {
  const out = [];
  for (const subset of (ep && ep.subsets) || []) {
    for (const [list, ready] of [[subset.addresses, true], [subset.notReadyAddresses, false]]) {
      for (const a of list || []) {
        const ref = a.targetRef && a.targetRef.kind === 'Pod' ? a.targetRef : null;
        const ns = ref ? (ref.namespace || (ep.metadata && ep.metadata.namespace) || '') : '';
        out.push({
          podKey: ref ? `Pod/${ns}/${ref.name}` : null,
          name: ref ? ref.name : a.ip,
          ip: a.ip || '',
          node: a.nodeName || '',
          ready,
        });
      }
    }
  }
  // one entry per address (an address serving several ports is listed once per subset)
  const seen = new Map();
  for (const e of out) if (!seen.has(`${e.name}|${e.ip}`)) seen.set(`${e.name}|${e.ip}`, e);
  return [...seen.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Every Service with its endpoints: user namespaces first, then kube-system; by name. */
export function servicesOf(objects) {
  const services = [];
  const endpoints = new Map();
  for (const o of objects) {
    if (o.kind === 'Service') services.push(o);
    else if (o.kind === 'Endpoints') endpoints.set(`${o.metadata.namespace || ''}/${o.metadata.name}`, o);
  }
  const system = (s) => (s.metadata.namespace === 'kube-system' || (s.metadata.namespace === 'default' && s.metadata.name === 'kubernetes') ? 1 : 0);
  services.sort((a, b) => system(a) - system(b)
    || (a.metadata.namespace || '').localeCompare(b.metadata.namespace || '')
    || (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));
  return services.map((svc) => {
    const spec = svc.spec || {};
    const ns = svc.metadata.namespace || '';
    const type = spec.type || 'ClusterIP';
    const headless = spec.clusterIP === 'None';
    const ingress = (((svc.status || {}).loadBalancer || {}).ingress || []).map((i) => i.ip || i.hostname).filter(Boolean);
    let external = '';
    if (type === 'ExternalName') external = spec.externalName || '';
    else if (type === 'LoadBalancer') external = [...ingress, ...(spec.externalIPs || [])].join(',') || '<pending>';
    else if ((spec.externalIPs || []).length) external = spec.externalIPs.join(',');
    const nodePorts = ((spec.ports) || []).filter((p) => p.nodePort).map((p) => ({ port: p.port, nodePort: p.nodePort, protocol: p.protocol || 'TCP' }));
    return {
      key: keyOf(svc),
      name: svc.metadata.name,
      namespace: ns,
      ref: shortRef(ns, svc.metadata.name),
      type,
      headless,
      clusterIP: type === 'ExternalName' ? '' : (spec.clusterIP || ''),
      ports: portsText(spec),
      nodePorts,
      external,
      system: system(svc) === 1,
      endpoints: type === 'ExternalName' ? [] : endpointsOf(endpoints.get(`${ns}/${svc.metadata.name}`)),
    };
  });
}

/** "service web-service ClusterIP 10.96.12.34, 3 endpoints" (plus what else a type has). */
export function serviceLabel(s) {
  if (s.type === 'ExternalName') return t('service {name} ExternalName {external}', { name: s.ref, external: s.external });
  const ip = s.headless ? t('None (headless)') : (s.clusterIP || '<none>');
  const n = s.endpoints.length;
  const ready = s.endpoints.filter((e) => e.ready).length;
  let label = tn('service {name} {type} {ip}, 1 endpoint', 'service {name} {type} {ip}, {n} endpoints', n,
    { name: s.ref, type: s.type, ip });
  if (ready !== n) label += t(' ({ready} ready)', { ready });
  if (s.ports) label += t(', ports {ports}', { ports: s.ports });
  if (s.nodePorts.length) label += t(', on every node at {ports}', { ports: s.nodePorts.map((p) => p.nodePort).join(',') });
  if (s.type === 'LoadBalancer') label += t(', external IP {ip}', { ip: s.external });
  else if (s.external) label += t(', external IPs {ips}', { ips: s.external });
  return label;
}

export function endpointLabel(e) {
  return e.ready ? t('endpoint {name} {ip} ready', { name: e.name, ip: e.ip })
    : t('endpoint {name} {ip} not ready', { name: e.name, ip: e.ip });
}

/** "request 12 from busybox to web-service: web-deploy-…-abcde 200" / "… failed: No route to host". */
export function requestLabel(r) {
  const head = t('request {id} from {source} to {target}', { id: r.id, source: r.source || t('outside'), target: r.target });
  if (!r.ok) return t('{head} failed: {error}', { head, error: r.error || 'error' });
  const who = r.pod ? r.pod : (r.hops && r.hops.length ? r.hops[r.hops.length - 1].name : '');
  return `${head}: ${[who, r.status].filter((x) => x !== null && x !== undefined && x !== '').join(' ')}`;
}

/** The node's InternalIP (what `curl NODE_IP:PORT` uses from outside). */
export function nodeIP(node) {
  const a = (((node.status || {}).addresses) || []).find((x) => x.type === 'InternalIP');
  return a ? a.address : '';
}

/** The hub's colour by type (the canvas and the lines to its pods). */
export function hubColour(h) {
  if (h.type === 'ExternalName') return '#e3a341';
  if (h.type === 'NodePort') return '#39c5bb';
  if (h.type === 'LoadBalancer') return '#b788f5';
  return h.headless ? '#8b95a8' : '#58a6ff';
}
