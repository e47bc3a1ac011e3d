/**
 * The legend: every pod status style with its glyph drawn exactly as the canvas draws it, and the
 * owner badges, as lists inside the page's "Legend" disclosure.
 *
 * Owns: filling `#pod-legend` and `#owner-legend` (index.html) once. Hands off: the styles and the
 * drawing are podstyle.js's.
 */
import { STYLES, BADGES, drawPodShape } from './podstyle.js';

const SWATCH = 18;

function swatch(key) {
  const c = document.createElement('canvas');
  const dpr = window.devicePixelRatio || 1;
  c.width = Math.round((SWATCH + 6) * dpr);
  c.height = Math.round((SWATCH + 6) * dpr);
  c.style.width = `${SWATCH + 6}px`;
  c.style.height = `${SWATCH + 6}px`;
  c.setAttribute('aria-hidden', 'true');
  c.className = 'legend-swatch';
  const ctx = c.getContext && c.getContext('2d');
  if (ctx) {
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    drawPodShape(ctx, key, 3, 3, SWATCH);
  }
  return c;
}

export function renderLegend(statusList, badgeList) {
  if (statusList && !statusList.childElementCount) {
    for (const [key, st] of Object.entries(STYLES)) {
      const li = document.createElement('li');
      li.dataset.glyph = key;
      const text = document.createElement('span');
      const b = document.createElement('b');
      b.textContent = st.title;
      text.append(b, ` — ${st.meaning}`);
      li.append(swatch(key), text);
      statusList.append(li);
    }
  }
  if (badgeList && !badgeList.childElementCount) {
    for (const [kind, badge] of BADGES) {
      const li = document.createElement('li');
      const b = document.createElement('b');
      b.className = 'legend-badge';
      b.textContent = badge;
      li.append(b, ` ${kind}`);
      badgeList.append(li);
    }
  }
}
