/**
 * Pod STATUS as `kubectl get pods` prints it, and the colour category the canvas uses.
 *
 * Owns: the translation of a pod object (status.phase, containerStatuses, deletionTimestamp)
 * into kubectl's STATUS word, following kubectl's printPod (pkg/printers/internalversion):
 * the last container's waiting/terminated reason wins, Completed with a container still running
 * is Running (or NotReady), and a deletionTimestamp turns any of them into Terminating.
 * Hands off: layout.js, canvas.js and a11y.js read `podStatus` / `podCategory`; nothing here
 * touches the DOM.
 */

function conditionTrue(pod, type) {
  const conds = (pod.status && pod.status.conditions) || [];
  return conds.some((c) => c.type === type && c.status === 'True');
}

export function podReady(pod) {
  return conditionTrue(pod, 'Ready');
}

/** kubectl's READY column: ready containers / containers. */
export function podReadyCount(pod) {
  const total = ((pod.spec && pod.spec.containers) || []).length;
  const ready = ((pod.status && pod.status.containerStatuses) || []).filter((c) => c.ready).length;
  return `${ready}/${total}`;
}

export function podRestarts(pod) {
  return ((pod.status && pod.status.containerStatuses) || [])
    .reduce((n, c) => n + (c.restartCount || 0), 0);
}

export function podStatus(pod) {
  const status = pod.status || {};
  let reason = status.reason || status.phase || 'Pending';

  // Init containers first: a pod still initialising shows Init:<reason> or Init:n/m.
  const inits = status.initContainerStatuses || [];
  let initializing = false;
  inits.forEach((c, i) => {
    if (initializing) return;
    const st = c.state || {};
    if (st.terminated && st.terminated.exitCode === 0) return;
    initializing = true;
    if (st.terminated) reason = st.terminated.reason ? `Init:${st.terminated.reason}` : `Init:ExitCode:${st.terminated.exitCode}`;
    else if (st.waiting && st.waiting.reason && st.waiting.reason !== 'PodInitializing') reason = `Init:${st.waiting.reason}`;
    else reason = `Init:${i}/${inits.length}`;
  });

  if (!initializing) {
    let hasRunning = false;
    const cs = status.containerStatuses || [];
    for (let i = cs.length - 1; i >= 0; i--) {
      const st = cs[i].state || {};
      if (st.waiting && st.waiting.reason) reason = st.waiting.reason;
      else if (st.terminated && st.terminated.reason) reason = st.terminated.reason;
      else if (st.terminated) reason = st.terminated.signal ? `Signal:${st.terminated.signal}` : `ExitCode:${st.terminated.exitCode}`;
      else if (cs[i].ready && st.running) hasRunning = true;
    }
    if (reason === 'Completed' && hasRunning) reason = podReady(pod) ? 'Running' : 'NotReady';
  }

  const meta = pod.metadata || {};
  if (meta.deletionTimestamp && status.reason === 'NodeLost') return 'Unknown';
  if (meta.deletionTimestamp) return 'Terminating';
  return reason;
}

const FAILED = new Set(['Failed', 'Error', 'CrashLoopBackOff', 'ImagePullBackOff', 'ErrImagePull',
  'InvalidImageName', 'OOMKilled', 'CreateContainerConfigError', 'CreateContainerError',
  'RunContainerError', 'ContainerCannotRun', 'Evicted', 'NotReady']);

/** One of: pending, creating, running, notready, terminating, failed, completed, unknown. */
export function podCategory(pod, status = podStatus(pod)) {
  if (status === 'Terminating') return 'terminating';
  if (status === 'Pending') return 'pending';
  if (status === 'Running') return podReady(pod) ? 'running' : 'notready';
  if (status === 'Completed' || status === 'Succeeded') return 'completed';
  if (status === 'ContainerCreating' || status === 'PodInitializing' || status.startsWith('Init:')) {
    return status.startsWith('Init:') && FAILED.has(status.slice(5)) ? 'failed' : 'creating';
  }
  if (FAILED.has(status) || status.startsWith('ExitCode:') || status.startsWith('Signal:')) return 'failed';
  return 'unknown';
}

export const CATEGORY_COLOURS = {
  pending: '#8b95a8',
  creating: '#e3b341',
  running: '#3fb950',
  notready: '#2f7d3b',
  terminating: '#a98bdc',
  failed: '#f0605a',
  completed: '#58a6ff',
  unknown: '#5b6270',
};

/** Node STATUS as kubectl prints it: Ready/NotReady/Unknown, plus SchedulingDisabled. */
export function nodeStatus(node) {
  const conds = (node.status && node.status.conditions) || [];
  const ready = conds.find((c) => c.type === 'Ready');
  let s = 'Unknown';
  if (ready) s = ready.status === 'True' ? 'Ready' : 'NotReady';
  if (node.spec && node.spec.unschedulable) s += ',SchedulingDisabled';
  return s;
}

export function nodeRole(node) {
  const labels = (node.metadata && node.metadata.labels) || {};
  const roles = Object.keys(labels)
    .filter((k) => k.startsWith('node-role.kubernetes.io/'))
    .map((k) => k.slice('node-role.kubernetes.io/'.length))
    .filter(Boolean)
    .sort();
  return roles.length ? roles.join(',') : '<none>';
}
