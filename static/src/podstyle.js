/**
 * How each pod STATUS looks: a colour from the Okabe–Ito palette (safe for the common kinds of
 * colour blindness) and a glyph, so no two statuses rest on colour alone; and the small badge of
 * the pod's owner kind.
 *
 * Owns: the style table (STYLES, in legend order), `styleOf(status, ready)` — which style a STATUS
 * word (as the server's cells carry it: kubectl's own words) gets —, `drawPodShape` (one pod's
 * square with its glyph, for the canvas and the legend alike) and `ownerBadge`.
 * Hands off: the STATUS word itself comes from the server (store.js `cellsOf`); canvas.js and
 * legend.js draw with `drawPodShape`; a11y.js names the style in each pod's description.
 */
import { t } from './i18n.js';

/**
 * Style key → {colour, glyph, title, meaning}; `hollow` draws an outline instead of a fill. `title` is the
 * STATUS word (kubectl's, never translated; "Running, not ready" is the page's), `meaning` the page's
 * words, in the page's language (i18n.js).
 */
export const STYLES = {
  pending: { colour: '#a3acba', glyph: 'dots', hollow: true, title: 'Pending', meaning: t('waiting for a node (or for its volumes)') },
  creating: { colour: '#F0E442', glyph: 'hourglass', title: 'ContainerCreating', meaning: t('the kubelet pulls images and starts the containers') },
  init: { colour: '#F0E442', glyph: 'init', title: 'Init:N/M', meaning: t('init containers run first, one after another') },
  running: { colour: '#009E73', glyph: 'none', title: 'Running', meaning: t('every container running and ready') },
  notready: { colour: '#009E73', glyph: 'bang', title: t('Running, not ready'), meaning: t('running, but not every container is ready (READY n/m)') },
  terminating: { colour: '#CC79A7', glyph: 'minus', title: 'Terminating', meaning: t('deleted: the grace period runs') },
  completed: { colour: '#56B4E9', glyph: 'check', title: 'Completed', meaning: t('every container exited 0') },
  error: { colour: '#D55E00', glyph: 'cross', title: 'Error', meaning: t('a container exited with an error') },
  crashloop: { colour: '#D55E00', glyph: 'loop', title: 'CrashLoopBackOff', meaning: t('a container keeps crashing; the kubelet waits, doubling the back-off, before each restart') },
  imagepull: { colour: '#E69F00', glyph: 'down', title: 'ErrImagePull / ImagePullBackOff', meaning: t('the image cannot be pulled; the kubelet retries with back-off') },
  configerror: { colour: '#E69F00', glyph: 'bang', title: 'CreateContainerConfigError', meaning: t('a container cannot be created (a missing ConfigMap or Secret key …)') },
  oomkilled: { colour: '#0072B2', glyph: 'oom', title: 'OOMKilled', meaning: t('a container went over its memory limit and was killed') },
  evicted: { colour: '#8b95a8', glyph: 'out', title: 'Evicted', meaning: t('the kubelet evicted or rejected the pod') },
  unknown: { colour: '#5b6270', glyph: 'question', title: 'Unknown', meaning: t('its node stopped reporting') },
};

const BY_WORD = {
  Pending: 'pending', SchedulingGated: 'pending',
  ContainerCreating: 'creating', PodInitializing: 'creating',
  Running: 'running', NotReady: 'notready',
  Terminating: 'terminating',
  Completed: 'completed', Succeeded: 'completed',
  Error: 'error', Failed: 'error', ContainerCannotRun: 'error', RunContainerError: 'error', StartError: 'error',
  DeadlineExceeded: 'error',
  CrashLoopBackOff: 'crashloop',
  ErrImagePull: 'imagepull', ImagePullBackOff: 'imagepull', InvalidImageName: 'imagepull',
  ErrImageNeverPull: 'imagepull', RegistryUnavailable: 'imagepull',
  CreateContainerConfigError: 'configerror', CreateContainerError: 'configerror', PreStartHookError: 'configerror',
  PostStartHookError: 'configerror',
  OOMKilled: 'oomkilled',
  Evicted: 'evicted', Preempted: 'evicted', NodeAffinity: 'evicted', UnexpectedAdmissionError: 'evicted',
  Unknown: 'unknown',
};

/** The style key of a STATUS word; `ready` is the READY cell ("1/2"), which splits Running. */
export function styleOf(status, ready = '') {
  if (status === 'Running') {
    const [n, m] = String(ready).split('/');
    return n !== undefined && m !== undefined && n !== m ? 'notready' : 'running';
  }
  if (BY_WORD[status]) return BY_WORD[status];
  if (status.startsWith('Init:')) {
    const rest = status.slice(5);
    return /^\d+\/\d+$/.test(rest) ? 'init' : styleOf(rest.startsWith('ExitCode:') ? 'Error' : rest);
  }
  if (status.startsWith('ExitCode:') || status.startsWith('Signal:')) return 'error';
  if (status.startsWith('OutOf')) return 'evicted'; // OutOfcpu, OutOfmemory: the kubelet's admission
  return 'unknown';
}

const INK = 'rgba(13,17,23,0.9)';

/** One glyph centred at (cx, cy), `r` a quarter of the pod's size. */
function drawGlyph(ctx, glyph, cx, cy, r, ink) {
  ctx.strokeStyle = ink;
  ctx.fillStyle = ink;
  ctx.lineWidth = Math.max(1.2, r / 2.2);
  ctx.lineCap = 'round';
  ctx.beginPath();
  switch (glyph) {
    case 'cross':
      ctx.moveTo(cx - r, cy - r); ctx.lineTo(cx + r, cy + r);
      ctx.moveTo(cx + r, cy - r); ctx.lineTo(cx - r, cy + r);
      ctx.stroke();
      break;
    case 'check':
      ctx.moveTo(cx - r, cy); ctx.lineTo(cx - r / 3, cy + r * 0.8); ctx.lineTo(cx + r, cy - r * 0.7);
      ctx.stroke();
      break;
    case 'minus':
      ctx.moveTo(cx - r, cy); ctx.lineTo(cx + r, cy);
      ctx.stroke();
      break;
    case 'loop': // a circular arrow: restarting again and again
      ctx.arc(cx, cy, r * 0.95, -Math.PI * 0.35, Math.PI * 1.45);
      ctx.stroke();
      ctx.beginPath();
      ctx.moveTo(cx + r * 0.95 * Math.cos(-Math.PI * 0.35) - r * 0.55, cy + r * 0.95 * Math.sin(-Math.PI * 0.35) - r * 0.15);
      ctx.lineTo(cx + r * 0.95 * Math.cos(-Math.PI * 0.35), cy + r * 0.95 * Math.sin(-Math.PI * 0.35));
      ctx.lineTo(cx + r * 0.95 * Math.cos(-Math.PI * 0.35) + r * 0.1, cy + r * 0.95 * Math.sin(-Math.PI * 0.35) + r * 0.6);
      ctx.stroke();
      break;
    case 'down': // an arrow into a tray: the pull
      ctx.moveTo(cx, cy - r * 1.1); ctx.lineTo(cx, cy + r * 0.5);
      ctx.moveTo(cx - r * 0.6, cy - r * 0.1); ctx.lineTo(cx, cy + r * 0.5); ctx.lineTo(cx + r * 0.6, cy - r * 0.1);
      ctx.moveTo(cx - r, cy + r * 1.05); ctx.lineTo(cx + r, cy + r * 1.05);
      ctx.stroke();
      break;
    case 'bang':
      ctx.moveTo(cx, cy - r); ctx.lineTo(cx, cy + r * 0.3);
      ctx.stroke();
      ctx.beginPath();
      ctx.arc(cx, cy + r * 0.95, ctx.lineWidth * 0.6, 0, Math.PI * 2);
      ctx.fill();
      break;
    case 'oom': // a bar over its limit line
      ctx.moveTo(cx - r, cy - r * 0.5); ctx.lineTo(cx + r, cy - r * 0.5);
      ctx.stroke();
      ctx.fillRect(cx - r * 0.45, cy - r * 1.1, r * 0.9, r * 2.1);
      break;
    case 'out': // an arrow leaving through a wall
      ctx.moveTo(cx - r, cy - r); ctx.lineTo(cx - r, cy + r);
      ctx.moveTo(cx - r * 0.5, cy); ctx.lineTo(cx + r, cy);
      ctx.moveTo(cx + r * 0.35, cy - r * 0.6); ctx.lineTo(cx + r, cy); ctx.lineTo(cx + r * 0.35, cy + r * 0.6);
      ctx.stroke();
      break;
    case 'hourglass':
      ctx.moveTo(cx - r * 0.7, cy - r); ctx.lineTo(cx + r * 0.7, cy - r); ctx.lineTo(cx - r * 0.7, cy + r);
      ctx.lineTo(cx + r * 0.7, cy + r); ctx.closePath();
      ctx.fill();
      break;
    case 'init': // stacked steps
      ctx.fillRect(cx - r, cy + r * 0.35, r * 0.7, r * 0.7);
      ctx.fillRect(cx - r * 0.35, cy - r * 0.35, r * 0.7, r * 1.4);
      ctx.fillRect(cx + r * 0.3, cy - r, r * 0.7, r * 2.05);
      break;
    case 'dots':
      for (const dx of [-r * 0.8, 0, r * 0.8]) {
        ctx.moveTo(cx + dx + r * 0.22, cy);
        ctx.arc(cx + dx, cy, r * 0.22, 0, Math.PI * 2);
      }
      ctx.fill();
      break;
    case 'question':
      ctx.arc(cx, cy - r * 0.35, r * 0.55, Math.PI * 1.1, Math.PI * 0.45);
      ctx.lineTo(cx, cy + r * 0.45);
      ctx.stroke();
      ctx.beginPath();
      ctx.arc(cx, cy + r * 0.95, ctx.lineWidth * 0.6, 0, Math.PI * 2);
      ctx.fill();
      break;
    default:
      break;
  }
}

/** A rounded rectangle path (the canvas draws its nodes, groups and badges with it too). */
export function roundRect(ctx, x, y, w, h, r) {
  ctx.beginPath();
  ctx.moveTo(x + r, y);
  ctx.arcTo(x + w, y, x + w, y + h, r);
  ctx.arcTo(x + w, y + h, x, y + h, r);
  ctx.arcTo(x, y + h, x, y, r);
  ctx.arcTo(x, y, x + w, y, r);
  ctx.closePath();
}

/** A pod's square at (x, y) of `size` px in the style `key`, with its glyph (and owner badge). */
export function drawPodShape(ctx, key, x, y, size, badge = '') {
  const st = STYLES[key] || STYLES.unknown;
  roundRect(ctx, x, y, size, size, size * 0.22);
  if (st.hollow) {
    ctx.setLineDash([3, 2]);
    ctx.strokeStyle = st.colour;
    ctx.lineWidth = 1.5;
    ctx.stroke();
    ctx.setLineDash([]);
    drawGlyph(ctx, st.glyph, x + size / 2, y + size / 2, size / 4, st.colour);
  } else {
    ctx.fillStyle = st.colour;
    ctx.fill();
    if (key === 'notready') { // a dimmed fill: running, yet not serving
      ctx.fillStyle = 'rgba(13,17,23,0.45)';
      ctx.fill();
    }
    drawGlyph(ctx, st.glyph, x + size / 2, y + size / 2, size / 4, key === 'notready' ? '#e6edf3' : INK);
  }
  if (badge && size >= 12) {
    ctx.font = `700 ${Math.round(size * 0.42)}px system-ui, sans-serif`;
    const w = Math.max(size * 0.45, ctx.measureText(badge).width + 3);
    const h = size * 0.5;
    const bx = x + size - w + 3;
    const by = y + size - h + 3;
    ctx.fillStyle = '#0d1117';
    roundRect(ctx, bx, by, w, h, 2.5);
    ctx.fill();
    ctx.fillStyle = '#e6edf3';
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'center';
    ctx.fillText(badge, bx + w / 2, by + h / 2 + 0.5);
    ctx.textAlign = 'start';
  }
}

/** The owner badge: what kind made the pod, at a glance (a StatefulSet's pods show their ordinal). */
export const BADGES = [
  ['Deployment', 'D'], ['ReplicaSet', 'RS'], ['StatefulSet', t('0–n (ordinal)')], ['DaemonSet', 'DS'], ['Job', 'J'],
  ['CronJob', 'CJ'], [t('Node (static pod)'), 'N'], [t('bare pod (no owner)'), t('no badge')],
];

export function ownerBadge(owner, podName) {
  if (!owner) return '';
  switch (owner.kind) {
    case 'Deployment': return 'D';
    case 'ReplicaSet': return 'RS';
    case 'StatefulSet': {
      const m = /-(\d+)$/.exec(podName);
      return m ? m[1] : 'SS';
    }
    case 'DaemonSet': return 'DS';
    case 'Job': return 'J';
    case 'CronJob': return 'CJ';
    case 'Node': return 'N';
    default: return owner.kind.slice(0, 2);
  }
}
