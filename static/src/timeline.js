/**
 * The timeline (issue 10): scrub back to an earlier moment of the sandbox, see the cluster as it
 * was then (read-only), go back to live, or fork a new sandbox from that moment.
 *
 * Owns: the "Timeline" bar over the canvas — a slider (role=slider named "Timeline", from the
 * sandbox's start to now, `aria-valuetext` the virtual time "10:32:05"), a list of marks (each
 * operation a user did: `GET …/timeline`'s marks; an item named "10:32:05 kubectl scale …" holding a
 * button "Show 10:32:05"), the status
 * "Viewing 10:32:05 (read-only)" and the buttons "Back to live" and "Fork from here"; and, while
 * it shows the past, that the page's writers say so: the editor's Apply is disabled and the
 * terminal's input is read-only (its Enter is swallowed).
 * Keyboard on the slider: ←/↓ and →/↑ move a second (Shift: ten), PageUp/PageDown the previous /
 * next mark (past the last one: live), Home the start, End back to live.
 *
 * The past comes from the server (`GET …/timeline/at?t=`: the live snapshot's shape, rebuilt from
 * the journal); `pastView(snapshot)` makes of it what main.js draws instead of the live Mirror —
 * a Mirror of its own and its halted machines — while the live Mirror keeps taking deltas, so
 * "Back to live" draws the present at once. Requests coalesce: one in flight, then the latest
 * moment asked for. The virtual time shown is UTC, as the clock in the top bar.
 * Hands off: drawing to main.js (`onView(view)`, `onLive()`), forking to the server (`POST
 * …/fork {"at"}`); the new sandbox opens in this tab as share.js's import and copy do (the tab's
 * sandbox is api.js's sessionStorage key, and the page reloads on a clean URL).
 */
import { Mirror } from './store.js';
import { el } from './dom.js';
import { t } from './i18n.js';

/** api.js's sessionStorage key of the tab's sandbox (share.js uses the same) */
const TAB_KEY = 'kubeplay.sandbox';
/** how often, at most, the marks are fetched again while the cluster changes */
const RELOAD_MS = 4000;
/** how far the marks' list is squeezed to the growing span before they are placed again (place) */
const PLACE_SQUEEZE = 0.9;

/** Virtual epoch seconds as the top bar's clock shows them: "10:32:05" (UTC). */
export function clockText(seconds) {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds)) return '--:--:--';
  return new Date(Math.floor(seconds) * 1000).toISOString().slice(11, 19);
}

/** What main.js draws for a moment of the past: its objects in a Mirror, and its halted machines. */
export function pastView(snapshot) {
  const mirror = new Mirror();
  mirror.applySnapshot(snapshot);
  const halted = new Set((snapshot.machines || []).filter((m) => m && m.up === false).map((m) => m.name));
  return { mirror, halted, at: snapshot.at, snapshot };
}

/** The mark before (`dir` -1) or after (+1) `value`, or undefined (pure: marks sorted by time). */
export function neighbourMark(marks, value, dir) {
  if (dir < 0) {
    for (let i = marks.length - 1; i >= 0; i--) if (marks[i].time < value) return marks[i];
    return undefined;
  }
  return marks.find((m) => m.time > value);
}

export class Timeline {
  /**
   * `mount`: the element the bar goes before (the canvas's stage); `writes`: the page's writers
   * disabled while the past shows ({apply, input, form}).
   */
  constructor(mount, { sandbox, onView, onLive, onError, writes = {} }) {
    this.sandbox = sandbox;
    this.onView = onView;
    this.onLive = onLive;
    this.onError = onError || (() => {});
    this.writes = writes;
    this.start = null;
    this.now = null;
    this.marks = [];
    this.value = null; // the moment shown, or null: live
    this.shown = null; // the moment whose view is drawn
    this.inflight = false;
    this.loading = null;
    this.reloadTimer = 0;
    this.marksDirty = true; // the marks' places are to be written (place)
    this.placedSpan = 0; // the span they were placed for
    this.squeeze = ''; // the marks' list's transform

    this.thumb = el('span', { class: 'tl-thumb', 'aria-hidden': 'true' });
    this.fill = el('span', { class: 'tl-fill', 'aria-hidden': 'true' });
    this.slider = el('div', {
      class: 'tl-slider', role: 'slider', tabindex: '0', 'aria-label': t('Timeline'),
      'aria-orientation': 'horizontal', onkeydown: (e) => this.keys(e), onfocus: () => this.load(),
      onpointerdown: (e) => { this.load(); this.pointer(e); },
    }, this.fill, this.thumb);
    this.markList = el('ol', { class: 'tl-marks', 'aria-label': t('Timeline marks') });
    this.track = el('div', { class: 'tl-track' }, this.slider, this.markList);
    this.status = el('p', { class: 'tl-status', role: 'status', 'aria-label': t('Timeline status') }, t('Live'));
    this.liveButton = el('button', { type: 'button', class: 'btn btn-small tl-live', hidden: true,
      onclick: () => this.goLive() }, t('Back to live'));
    this.forkButton = el('button', { type: 'button', class: 'btn btn-small tl-fork', hidden: true,
      title: t('A new sandbox, copied from the cluster as it was at this moment'), onclick: () => this.fork() },
    t('Fork from here'));
    this.root = el('section', { id: 'timeline', class: 'timeline', 'aria-label': t('Timeline'), 'data-mode': 'live' },
      el('span', { class: 'tl-label', 'aria-hidden': 'true' }, t('Timeline')),
      this.track, this.status, this.liveButton, this.forkButton);
    mount.before(this.root);
    // while the past shows, Enter in the terminal runs nothing (before terminal.js's own handler)
    if (writes.form) {
      writes.form.addEventListener('submit', (e) => {
        if (this.value === null) return;
        e.preventDefault();
        e.stopImmediatePropagation();
      }, true);
    }
    this.load();
  }

  get past() { return this.value !== null; }

  /** The marks and the span, fresh from the server (one request at a time). */
  load() {
    if (!this.loading) {
      this.loading = this.sandbox.get('/timeline').then((tl) => {
        if (tl.start !== this.start) this.marksDirty = true;
        this.start = tl.start;
        this.marks = (tl.marks || []).slice().sort((a, b) => a.time - b.time);
        if (this.now === null || tl.now > this.now) this.now = tl.now;
        this.renderMarks();
        this.render();
      }).catch((e) => this.onError(t('timeline: {error}', { error: e.message })))
        .finally(() => { this.loading = null; });
    }
    return this.loading;
  }

  /**
   * The live clock moved (every snapshot and delta): the span grows. After object changes the marks
   * reload within a few seconds (at most one request per RELOAD_MS: another client's operations
   * show up too); focusing or pressing the slider reloads them at once.
   */
  setNow(clock, changed = false) {
    if (clock && typeof clock.time === 'number') this.now = clock.time;
    if (changed && !this.reloadTimer) {
      this.reloadTimer = setTimeout(() => { this.reloadTimer = 0; this.load(); }, RELOAD_MS);
    }
    if (!this.past) this.render();
    else this.place();
  }

  fraction(time) {
    const span = (this.now ?? 0) - (this.start ?? 0);
    if (!(span > 0) || typeof time !== 'number') return 1;
    return Math.min(1, Math.max(0, (time - this.start) / span));
  }

  renderMarks() {
    // the item carries the mark's text, its button only the time: a command's words ("apply …")
    // must not make a button that a search for the page's own buttons (Apply) would find
    this.markList.replaceChildren(...this.marks.map((m) => {
      const time = clockText(m.time);
      const b = el('button', { type: 'button', class: 'tl-mark', title: `${time} ${m.text}`, 'data-op': m.op,
        'aria-label': t('Show {time}', { time }), onclick: () => this.show(m.time) });
      b.dataset.time = String(m.time);
      return el('li', { 'aria-label': `${time} ${m.text}` }, b);
    }));
    this.marksDirty = true;
    this.place();
  }

  /**
   * Where the marks sit on the track (the span grows with the live clock). Every mark moves when the
   * span grows: rather than re-styling hundreds of marks on every tick (10 a second at ×1, each a
   * style recalculation of them all), the list is squeezed to the span with one transform
   * (scaleX(placed span / span)), and the marks are placed again only when that reaches
   * PLACE_SQUEEZE, the marks change or the span shrinks. The thumb and the fill follow every tick.
   */
  place() {
    const span = (this.now ?? 0) - (this.start ?? 0);
    const placed = this.placedSpan;
    if (this.marksDirty || !(placed > 0) || !(span > 0) || span < placed || placed / span < PLACE_SQUEEZE) {
      this.marksDirty = false;
      this.placedSpan = span;
      for (const b of this.markList.children) {
        const mark = b.firstChild;
        const left = `${(this.fraction(Number(mark.dataset.time)) * 100).toFixed(3)}%`;
        if (mark.dataset.left !== left) {
          mark.dataset.left = left;
          mark.style.left = left;
        }
      }
    }
    const k = this.placedSpan > 0 && span > 0 ? this.placedSpan / span : 1;
    const squeeze = k < 1 ? `scaleX(${k.toFixed(6)})` : '';
    if (this.squeeze !== squeeze) {
      this.squeeze = squeeze;
      this.markList.style.transform = squeeze;
    }
    const f = this.fraction(this.past ? this.value : this.now);
    this.thumb.style.left = `${(f * 100).toFixed(3)}%`;
    this.fill.style.width = `${(f * 100).toFixed(3)}%`;
  }

  render() {
    // (every tick of the live clock: only what changed is written)
    const value = this.past ? this.value : this.now;
    const set = (node, name, v) => { if (node.getAttribute(name) !== v) node.setAttribute(name, v); };
    if (this.start !== null) set(this.slider, 'aria-valuemin', String(this.start));
    if (this.now !== null) set(this.slider, 'aria-valuemax', String(this.now));
    if (typeof value === 'number') {
      set(this.slider, 'aria-valuenow', String(value));
      set(this.slider, 'aria-valuetext', clockText(value));
    }
    set(this.root, 'data-mode', this.past ? 'past' : 'live');
    if (this.liveButton.hidden !== !this.past) this.liveButton.hidden = !this.past;
    if (this.forkButton.hidden !== !this.past) this.forkButton.hidden = !this.past;
    this.place();
  }

  setStatus(text, busy = false) {
    this.status.textContent = text;
    this.root.setAttribute('aria-busy', String(busy));
  }

  /** Show the moment `time` (clamped to the span; the end of the span is live). */
  show(time) {
    if (this.start === null || this.now === null) return;
    const at = Math.round(Math.min(this.now, Math.max(this.start, time)) * 1e6) / 1e6;
    if (at >= this.now) {
      this.goLive();
      return;
    }
    this.value = at;
    this.lockWrites(true);
    this.render();
    if (this.shown !== at) this.setStatus(t('Loading {time}…', { time: clockText(at) }), true);
    this.fetchView();
  }

  async fetchView() {
    if (this.inflight || !this.past) return;
    const at = this.value;
    if (this.shown === at) return;
    this.inflight = true;
    try {
      const snap = await this.sandbox.get(`/timeline/at?t=${encodeURIComponent(at)}`);
      if (this.value === at) {
        this.shown = at;
        this.onView(pastView(snap));
        this.setStatus(t('Viewing {time} (read-only)', { time: clockText(at) }));
      }
    } catch (e) {
      if (this.value === at) {
        this.setStatus(t('Cannot show {time}: {error}', { time: clockText(at), error: e.message }));
        this.onError(t('timeline: {error}', { error: e.message }));
      }
    } finally {
      this.inflight = false;
    }
    if (this.past && this.value !== at) this.fetchView();
  }

  goLive() {
    const was = this.past;
    this.value = null;
    this.shown = null;
    this.lockWrites(false);
    this.setStatus(t('Live'));
    this.render();
    if (was) this.onLive();
  }

  /** While the past shows, the editor's Apply and the terminal's input say read-only. */
  lockWrites(on) {
    const { apply, input } = this.writes;
    document.body.dataset.timeline = on ? 'past' : 'live';
    if (apply) {
      if (on && !apply.disabled) { apply.disabled = true; apply.dataset.timelineLocked = 'true'; }
      if (!on && apply.dataset.timelineLocked) { apply.disabled = false; delete apply.dataset.timelineLocked; }
      apply.title = on ? t('Read-only while viewing the past: Back to live to apply') : '';
    }
    if (input) {
      if (on && !input.readOnly) {
        input.readOnly = true;
        input.dataset.timelineLocked = input.placeholder;
        input.placeholder = t('read-only while viewing the past (Back to live to type)');
      }
      if (!on && input.dataset.timelineLocked !== undefined) {
        input.readOnly = false;
        input.placeholder = input.dataset.timelineLocked;
        delete input.dataset.timelineLocked;
      }
    }
  }

  async fork() {
    if (!this.past) return;
    this.forkButton.disabled = true;
    try {
      const res = await fetch(this.sandbox.url('/fork'), {
        method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ at: this.value }),
      });
      const data = await res.json().catch(() => null);
      if (!res.ok) throw new Error((data && data.error) || `HTTP ${res.status}`);
      // the copy becomes this tab's sandbox, on a clean URL (as share.js's ?copy= and import do)
      sessionStorage.setItem(TAB_KEY, data.id);
      location.assign(location.pathname);
    } catch (e) {
      this.forkButton.disabled = false;
      this.onError(t('fork: {error}', { error: e.message }));
    }
  }

  pointer(e) {
    if (e.button !== 0) return;
    const rect = this.slider.getBoundingClientRect();
    const at = (x) => this.start + Math.min(1, Math.max(0, (x - rect.left) / rect.width)) * (this.now - this.start);
    this.slider.setPointerCapture(e.pointerId);
    const move = (ev) => this.show(at(ev.clientX));
    const up = () => {
      this.slider.removeEventListener('pointermove', move);
      this.slider.removeEventListener('pointerup', up);
      this.slider.removeEventListener('pointercancel', up);
    };
    this.slider.addEventListener('pointermove', move);
    this.slider.addEventListener('pointerup', up);
    this.slider.addEventListener('pointercancel', up);
    this.slider.focus();
    move(e);
  }

  async keys(e) {
    const step = e.shiftKey ? 10 : 1;
    const moves = {
      ArrowLeft: -step, ArrowDown: -step, ArrowRight: step, ArrowUp: step,
    };
    if (!(e.key in moves) && !['PageUp', 'PageDown', 'Home', 'End'].includes(e.key)) return;
    e.preventDefault();
    if (e.key === 'End') { this.goLive(); return; }
    if (this.loading) await this.loading;
    if (this.start === null) await this.load();
    const value = this.past ? this.value : this.now;
    if (e.key in moves) this.show(value + moves[e.key]);
    else if (e.key === 'Home') this.show(this.start);
    else {
      const mark = neighbourMark(this.marks, value, e.key === 'PageUp' ? -1 : 1);
      if (mark) this.show(mark.time);
      else if (e.key === 'PageDown') this.goLive();
    }
  }
}
