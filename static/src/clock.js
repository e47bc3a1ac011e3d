/**
 * Clock controls: pause/resume, step (+1 s, +10 s, +1 m, +5 m, +1 h through `{"advance": n}`),
 * speed ×1/×10/×100, and the simulated time. A step that takes a while (an hour simulates every
 * controller for seconds of wall time) shows a progress bar named "Advancing the clock"
 * (progress.js), its value from the server's `progress` messages (`progress(msg)`, wired by main.js).
 *
 * Owns: the header's clock widgets and what they show. The state shown always comes from the
 * server (the clock in each snapshot/delta, or the answer to a POST), never from the wall clock,
 * so the display is the simulation's time. Hands off: POSTs to `/clock`; the resulting object
 * changes arrive as deltas like any others.
 */
import { t } from './i18n.js';
import { beginProgress } from './progress.js';

function fmtTime(state) {
  if (!state) return '--:--:--';
  // "2025-03-03T13:05:10Z" → "13:05:10" with the date kept for the tooltip.
  const iso = state.now || '';
  const m = /T(\d\d:\d\d:\d\d)/.exec(iso);
  return m ? m[1] : iso;
}

function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}

function setAttr(el, name, value) {
  if (el.getAttribute(name) !== value) el.setAttribute(name, value);
}

export class ClockControls {
  constructor(root, sandbox, { onError }) {
    this.sandbox = sandbox;
    this.onError = onError;
    this.state = null;
    this.timeEl = root.querySelector('#clock-time');
    this.pauseBtn = root.querySelector('#clock-pause');
    this.addHourStep(root);
    this.stepBtns = [...root.querySelectorAll('[data-advance]')];
    this.speedBtns = [...root.querySelectorAll('[data-speed]')];
    this.pending = 0;
    this.advancing = null; // the progress bar of the running advance
    this.pauseBtn.addEventListener('click', () => this.send({ paused: !(this.state && this.state.paused) }));
    for (const b of this.stepBtns) {
      b.addEventListener('click', () => this.send({ advance: Number(b.dataset.advance) }));
    }
    for (const b of this.speedBtns) {
      b.addEventListener('click', () => this.send({ speed: Number(b.dataset.speed) }));
    }
  }

  /** "+1h" after the last step button (the longest step one request may ask for). */
  addHourStep(root) {
    const steps = [...root.querySelectorAll('[data-advance]')];
    if (!steps.length || steps.some((b) => Number(b.dataset.advance) === 3600)) return;
    const b = document.createElement('button');
    b.type = 'button';
    b.className = steps[steps.length - 1].className;
    b.dataset.advance = '3600';
    b.setAttribute('aria-label', t('Advance 1 hour'));
    b.textContent = '+1h';
    steps[steps.length - 1].after(b);
  }

  async send(body) {
    this.pending++;
    this.render();
    const bar = body.advance ? beginProgress(t('Advancing the clock')) : null;
    if (bar) {
      if (this.advancing) this.advancing.end();
      this.advancing = bar;
    }
    try {
      const state = await this.sandbox.post('/clock', body);
      if (state) this.show(state, true);
    } catch (e) {
      this.onError(`clock: ${e.message}`);
    } finally {
      if (bar) {
        bar.end();
        if (this.advancing === bar) this.advancing = null;
      }
      this.pending--;
      this.render();
    }
  }

  /** The server's `progress` `{op: "advance", done, total}` of the running advance. */
  progress(msg) {
    if (!msg || msg.op !== 'advance' || !this.advancing || !(msg.total > 0)) return;
    this.advancing.set(msg.done / msg.total);
  }

  /** `authoritative` answers (to our own POSTs) may be newer than an in-flight delta's clock. */
  show(state, authoritative = false) {
    if (!state) return;
    if (!authoritative && this.state && typeof state.time === 'number' && state.time < this.state.time
        && this.state.paused === state.paused && this.state.speed === state.speed) return;
    this.state = state;
    this.render();
  }

  /** Runs on every tick of the clock (10 a second at ×1): writes only what changed, so a tick that
   * moves the time restyles the time and nothing else. */
  render() {
    const s = this.state;
    setText(this.timeEl, fmtTime(s));
    if (s && s.now) {
      setAttr(this.timeEl, 'datetime', s.now);
      setAttr(this.timeEl, 'title', `Simulated time ${s.now}${s.paused ? ' (paused)' : ''}`);
    }
    const paused = !!(s && s.paused);
    setText(this.pauseBtn, paused ? t('Resume') : t('Pause'));
    setAttr(this.pauseBtn, 'aria-pressed', String(paused));
    this.pauseBtn.classList.toggle('btn-active', paused);
    this.timeEl.classList.toggle('paused', paused);
    setAttr(this.timeEl.parentElement, 'aria-busy', String(this.pending > 0));
    for (const b of this.speedBtns) {
      const on = !!s && Number(b.dataset.speed) === s.speed;
      setAttr(b, 'aria-checked', String(on));
      b.classList.toggle('btn-active', on);
    }
  }
}
