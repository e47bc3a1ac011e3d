/**
 * Progress of long operations (issue 10): a clock jump of an hour or an apply of 10,000 pods holds
 * the sandbox for seconds of wall time; while such a request runs, the page says so.
 *
 * Owns: the indicators — one `role=progressbar` per running operation, named by it ("Advancing
 * the clock", "Applying"), in a strip at the top of the page; `aria-valuenow` (0–100) once the
 * server reports how far it is (the Socket.IO `progress` messages of a clock advance, server/web/
 * live.py), indeterminate (no value) until then or when it cannot know (an apply). An operation
 * that ends within `SHOW_AFTER_MS` never shows (a +1 s step is not worth a flash).
 * `beginProgress(name)` → `{ set(fraction), end() }`, for any module that runs a long request.
 * Hands off: the callers (clock.js, editor.js) say when an operation begins, moves and ends.
 */

/** An operation shorter than this shows no indicator. */
export const SHOW_AFTER_MS = 150;

function strip() {
  let el = document.getElementById('progress-strip');
  if (!el) {
    el = document.createElement('div');
    el.id = 'progress-strip';
    el.className = 'progress-strip';
    document.body.append(el);
  }
  return el;
}

/**
 * Starts an indicator named `name`; `set(f)` gives it a fraction done (0..1), `end()` removes it.
 * Calling `end()` twice, or `set` after `end`, does nothing.
 */
export function beginProgress(name) {
  const bar = document.createElement('div');
  bar.className = 'progress';
  bar.setAttribute('role', 'progressbar');
  bar.setAttribute('aria-label', name);
  bar.setAttribute('aria-valuemin', '0');
  bar.setAttribute('aria-valuemax', '100');
  const text = document.createElement('span');
  text.className = 'progress-text';
  text.setAttribute('aria-hidden', 'true'); // the bar's name and value say it
  const track = document.createElement('span');
  track.className = 'progress-track';
  const fill = document.createElement('span');
  fill.className = 'progress-fill indeterminate';
  track.append(fill);
  bar.append(text, track);
  let ended = false;
  let percent = null;
  const render = () => {
    text.textContent = percent === null ? `${name}…` : `${name}… ${percent}%`;
    if (percent === null) {
      bar.removeAttribute('aria-valuenow');
      fill.classList.add('indeterminate');
      fill.style.width = '';
    } else {
      bar.setAttribute('aria-valuenow', String(percent));
      fill.classList.remove('indeterminate');
      fill.style.width = `${percent}%`;
    }
  };
  render();
  const timer = setTimeout(() => { if (!ended) strip().append(bar); }, SHOW_AFTER_MS);
  return {
    set(fraction) {
      if (ended || !Number.isFinite(fraction)) return;
      percent = Math.max(0, Math.min(100, Math.round(fraction * 100)));
      render();
    },
    end() {
      if (ended) return;
      ended = true;
      clearTimeout(timer);
      bar.remove();
    },
  };
}
