/**
 * Clock controls: pause/resume, step (+1 s, +10 s, +1 m, +5 m through `{"advance": n}`),
 * speed ×1/×10/×100, and the simulated time.
 *
 * Owns: the header's clock widgets and what they show. The state shown always comes from the
 * server (the clock in each snapshot/delta, or the answer to a POST), never from the wall clock,
 * so the display is the simulation's time. Hands off: POSTs to `/clock`; the resulting object
 * changes arrive as deltas like any others.
 */

function fmtTime(state) {
  if (!state) return '--:--:--';
  // "2025-03-03T13:05:10Z" → "13:05:10" with the date kept for the tooltip.
  const iso = state.now || '';
  const m = /T(\d\d:\d\d:\d\d)/.exec(iso);
  return m ? m[1] : iso;
}

export class ClockControls {
  constructor(root, sandbox, { onError }) {
    this.sandbox = sandbox;
    this.onError = onError;
    this.state = null;
    this.timeEl = root.querySelector('#clock-time');
    this.pauseBtn = root.querySelector('#clock-pause');
    this.stepBtns = [...root.querySelectorAll('[data-advance]')];
    this.speedBtns = [...root.querySelectorAll('[data-speed]')];
    this.pending = 0;
    this.pauseBtn.addEventListener('click', () => this.send({ paused: !(this.state && this.state.paused) }));
    for (const b of this.stepBtns) {
      b.addEventListener('click', () => this.send({ advance: Number(b.dataset.advance) }));
    }
    for (const b of this.speedBtns) {
      b.addEventListener('click', () => this.send({ speed: Number(b.dataset.speed) }));
    }
  }

  async send(body) {
    this.pending++;
    this.render();
    try {
      const state = await this.sandbox.post('/clock', body);
      if (state) this.show(state, true);
    } catch (e) {
      this.onError(`clock: ${e.message}`);
    } finally {
      this.pending--;
      this.render();
    }
  }

  /** `authoritative` answers (to our own POSTs) may be newer than an in-flight delta's clock. */
  show(state, authoritative = false) {
    if (!state) return;
    if (!authoritative && this.state && typeof state.time === 'number' && state.time < this.state.time
        && this.state.paused === state.paused && this.state.speed === state.speed) return;
    this.state = state;
    this.render();
  }

  render() {
    const s = this.state;
    this.timeEl.textContent = fmtTime(s);
    if (s && s.now) {
      this.timeEl.setAttribute('datetime', s.now);
      this.timeEl.title = `Simulated time ${s.now}${s.paused ? ' (paused)' : ''}`;
    }
    const paused = !!(s && s.paused);
    this.pauseBtn.textContent = paused ? 'Resume' : 'Pause';
    this.pauseBtn.setAttribute('aria-pressed', String(paused));
    this.pauseBtn.classList.toggle('btn-active', paused);
    this.timeEl.classList.toggle('paused', paused);
    this.timeEl.parentElement.setAttribute('aria-busy', String(this.pending > 0));
    for (const b of this.speedBtns) {
      const on = !!s && Number(b.dataset.speed) === s.speed;
      b.setAttribute('aria-checked', String(on));
      b.classList.toggle('btn-active', on);
    }
  }
}
