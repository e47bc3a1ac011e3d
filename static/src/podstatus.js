/**
 * What is left of the page's old copy of kubectl's pod STATUS logic: nothing but readers of the
 * cells the server sends (store.js `cellsOf`, computed by server/kubectl/printers.py). Kept only
 * for panels.js and netpanel.js, which still import these names; once they read `cellsOf`
 * themselves this file goes.
 */
import { cellsOf } from './store.js';

export function podStatus(pod) {
  const c = cellsOf(pod);
  return c ? c.status : 'Pending';
}

export function podReadyCount(pod) {
  const c = cellsOf(pod);
  return c ? c.ready : `0/${((pod.spec && pod.spec.containers) || []).length}`;
}

export function podRestarts(pod) {
  const c = cellsOf(pod);
  return c ? c.restarts : 0;
}

export function nodeStatus(node) {
  const c = cellsOf(node);
  return c ? c.status : 'Unknown';
}

export function nodeRole(node) {
  const c = cellsOf(node);
  return c ? c.roles : '<none>';
}
