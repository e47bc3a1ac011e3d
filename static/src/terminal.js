/**
 * The kubectl terminal panel.
 *
 * Owns: the prompt, the scrollback (a monospace <pre>, so kubectl's space-aligned columns stay
 * aligned), the command history (↑/↓: the workstation shell's own `history`, `GET /history`, with
 * bash's HISTCONTROL=ignoreboth while typing), and the interactive
 * session a `kubectl run -it … sh` / `kubectl exec -it POD -- sh` opens: while one is open the
 * prompt is the pod shell's (`/ # `) and lines go to it, until `exit` (or its pod going away)
 * brings back the workstation's `$`. Hands off: every line goes to `POST /run` as
 * `{"command", "session"?, "follow"?}`; the output is printed as the server returns it.
 * A command that keeps printing (`kubectl get pods -w`, `logs -f`, `rollout status`) is followed:
 * `follow` names the page's socket, the answer names a `stream`, and its `stream` messages print
 * as the clock runs until it ends, or Ctrl-C / the Stop button (`POST /streams/<id>/stop`) ends it.
 * Lines typed meanwhile wait their turn, as in a shell. `kubectl edit` waits the same way while its
 * file is open in the editor (`onEdit`), then sends what was saved (`POST /edits/<id>`).
 * Other panels (pod Delete) run their kubectl commands through `run` so the user sees and can
 * learn the command line that did it. A command that would open a browser (`minikube service NAME`,
 * `minikube dashboard`) answers with `open`: the terminal prints an "Open <url>" link under its
 * output (browser.js) that hands it to `onOpen`. (`minikube stop`/`start` halt or start machines:
 * the page learns that from the `machines` of the Socket.IO snapshots and deltas, not from here.)
 * A line that is not a whole command yet (a here-document before its terminator, an open quote or
 * `do … done`, a trailing `|`) waits for more with bash's `> ` continuation prompt; the lines go
 * to `/run` as one command once it is whole (continuation.js decides), and Ctrl-C drops them.
 * A paste of several lines is typed line by line, each newline an Enter, as a terminal delivers it.
 * The socket's `stream` messages of streams this terminal does not follow (the Inspector's followed
 * logs) are ignored: only while its own `/run` answer is on its way does it keep messages of a
 * stream it cannot name yet, and it keeps those of the stream the answer names.
 * A reload of the same sandbox keeps the scrollback's last `KEEP_LINES` lines (localStorage, keyed
 * by the sandbox id) and the history (the server's, so ↑ and `history` agree).
 */
import { openLink } from './browser.js';
import { incomplete } from './continuation.js';
import { t } from './i18n.js';

const MAX_SCROLLBACK = 200000; // characters
/** the lines of scrollback a reload brings back */
export const KEEP_LINES = 500;

/** The last `max` lines of the scrollback's spans ([[class, text], …]; a span cut keeps its tail). */
export function tailLines(spans, max = KEEP_LINES) {
  const out = [];
  let budget = max; // newlines still to keep (the scrollback's lines end with one)
  for (let i = spans.length - 1; i >= 0; i--) {
    const [cls, text] = spans[i];
    const n = (text.match(/\n/g) || []).length;
    if (n <= budget) {
      out.push([cls, text]);
      budget -= n;
      continue;
    }
    let at = -1; // the (n - budget)th newline: what follows it holds `budget` of them
    for (let k = 0; k < n - budget; k++) at = text.indexOf('\n', at + 1);
    if (at + 1 < text.length) out.push([cls, text.slice(at + 1)]);
    break;
  }
  return out.reverse();
}

export class Terminal {
  constructor({ out, form, input, stop }, sandbox) {
    this.out = out;
    this.stopButton = stop || null;
    /** the socket whose `stream` messages this terminal follows (see follow()) */
    this.socket = null;
    /** the followed command: {id, done: resolve} while one runs */
    this.streaming = null;
    /** stream messages that arrived while a followed `/run` answer was on its way, by stream id */
    this.early = new Map();
    /** a `/run` with `follow` is awaiting its answer (only then may a stream be ours yet unnamed) */
    this.awaiting = false;
    /** opens a `kubectl edit` file ({id, file, text}) in the editor; resolves with the saved text */
    this.onEdit = null;
    /** shows what a command opened ({kind: service|dashboard, url, …}, the link activated) */
    this.onOpen = null;
    this.form = form;
    this.input = input;
    this.sandbox = sandbox;
    this.scrollKey = `kubeplay.scrollback.${sandbox.id}`;
    this.history = [];
    this.pos = 0;
    this.draft = '';
    this.busy = Promise.resolve();
    /** the open pod-shell session ({id, prompt, pod, …}) or null: the workstation's shell */
    this.session = null;
    this.promptLabel = form.querySelector('.prompt');
    /** the lines of a command that is not whole yet (bash's `> ` continuation), and their echo */
    this.pending = [];
    this.pendingEcho = null;
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      // a recalled multi-line command shows without its newlines (an input has one line): run it whole
      const whole = this.recalled;
      const line = whole && input.value === whole.replace(/[\r\n]/g, '') ? whole : input.value;
      this.recalled = null;
      input.value = '';
      this.enter(line);
    });
    input.addEventListener('keydown', (e) => this.onKey(e));
    input.addEventListener('paste', (e) => this.onPaste(e));
    if (this.stopButton) this.stopButton.addEventListener('click', () => this.interrupt());
    if (!this.restore()) this.print(`${t('kubeplay: try `kubectl get nodes`, `kubectl get pods -A`, ↑/↓ for history.')}\n`, 'muted');
    globalThis.addEventListener?.('pagehide', () => this.save());
    Promise.resolve().then(() => sandbox.get('/history')).then((res) => {
      if (!res || !Array.isArray(res.history)) return;
      this.history = [...res.history, ...this.history]; // and the lines typed before the answer came
      this.pos = this.history.length;
    }).catch(() => {});
  }

  /** The saved scrollback of this sandbox, printed back; whether there was one. */
  restore() {
    let spans = null;
    try { spans = JSON.parse(localStorage.getItem(this.scrollKey) || 'null'); } catch { spans = null; }
    if (!Array.isArray(spans) || !spans.length) return false;
    for (const s of spans) if (Array.isArray(s) && typeof s[1] === 'string') this.print(s[1], s[0] || undefined);
    return true;
  }

  /** Keep the scrollback's last lines for a reload (soon after printing, and when the page goes). */
  save() {
    clearTimeout(this.saveTimer);
    this.saveTimer = null;
    try {
      const spans = [...this.out.childNodes].map((n) => [n.className || '', n.textContent]);
      localStorage.setItem(this.scrollKey, JSON.stringify(tailLines(spans)));
    } catch { /* no storage, or full: the page goes on without it */ }
  }

  saveSoon() {
    if (!this.saveTimer) this.saveTimer = setTimeout(() => this.save(), 250);
  }

  /** Follow `stream` messages of the page's socket (the server sends them only to it). */
  follow(socket) {
    this.socket = socket;
    socket.on('stream', (msg) => this.onStream(msg));
  }

  onStream(msg) {
    if (!msg || typeof msg.id !== 'string') return;
    if (!this.streaming || this.streaming.id !== msg.id) {
      // not ours, unless it is the stream of the answer still on its way
      if (!this.awaiting) return;
      const got = this.early.get(msg.id) || [];
      got.push(msg);
      this.early.set(msg.id, got.slice(-100));
      return;
    }
    let text = msg.output || '';
    if (text.includes('\x1b[H\x1b[J')) { // a full-screen frame (`watch`): it replaces the screen
      this.out.textContent = '';
      text = text.split('\x1b[H\x1b[J').pop();
    }
    if (text) this.print(text, msg.exitCode === 0 || !msg.done ? 'ok' : 'err');
    if (msg.done) this.endStream(msg.exitCode);
  }

  endStream(exitCode) {
    const s = this.streaming;
    if (!s) return;
    this.streaming = null;
    if (this.stopButton) this.stopButton.hidden = true;
    this.out.setAttribute('aria-busy', 'false');
    s.done(exitCode);
  }

  /** Ctrl-C: ends the followed command (kubectl stops where it is). */
  async interrupt() {
    const s = this.streaming;
    if (!s) return;
    this.print('^C\n', 'muted');
    try {
      const res = await this.sandbox.post(`/streams/${encodeURIComponent(s.id)}/stop`, {});
      if (res.output) this.print(res.output, 'ok');
      this.endStream(res.exitCode);
    } catch (e) {
      this.endStream(130); // it had already ended
    }
  }

  /** One line typed (Enter): runs the command it completes, or waits at `> ` for more. */
  enter(line) {
    if (!this.pending.length) line = line.trim();
    if (!line && !this.pending.length) return;
    this.pending.push(line);
    const command = this.pending.join('\n');
    if (!incomplete(command)) {
      this.pending = [];
      this.run(command, undefined, { typed: true });
    }
    this.showPending();
  }

  /** A paste with newlines: each newline is an Enter; what follows the last one stays on the prompt. */
  onPaste(e) {
    const text = e.clipboardData ? e.clipboardData.getData('text/plain') : '';
    if (!/[\r\n]/.test(text)) return; // one line: the input takes it as usual
    e.preventDefault();
    const { value } = this.input;
    const start = this.input.selectionStart ?? value.length;
    const end = this.input.selectionEnd ?? value.length;
    const lines = (value.slice(0, start) + text + value.slice(end)).split(/\r\n|\r|\n/);
    this.input.value = lines.pop();
    for (const line of lines) this.enter(line);
  }

  /** ↑/↓: a history entry on the prompt (a multi-line one is kept whole for Enter). */
  recall(text) {
    this.recalled = text.includes('\n') ? text : null;
    this.input.value = text;
  }

  /** The `> ` prompt and the echo of the lines so far while a command waits for more. */
  showPending() {
    if (this.pendingEcho) this.pendingEcho.remove();
    this.pendingEcho = null;
    if (this.pending.length) {
      this.pendingEcho = document.createElement('span');
      this.pendingEcho.className = 'cmd';
      this.pendingEcho.textContent = this.echo(this.pending.join('\n'), this.session ? this.prompt() : '$ ');
      this.out.appendChild(this.pendingEcho);
      this.out.scrollTop = this.out.scrollHeight;
    }
    if (this.promptLabel) this.promptLabel.textContent = this.pending.length ? '>' : this.prompt().trimEnd();
  }

  /** A command as bash echoes it: the prompt before its first line, `> ` before the others. */
  echo(command, prompt) {
    return `${command.split('\n').map((l, i) => (i ? '> ' : prompt) + l).join('\n')}\n`;
  }

  onKey(e) {
    if (e.key === 'c' && e.ctrlKey && this.streaming) {
      this.interrupt();
      e.preventDefault();
    } else if (e.key === 'c' && e.ctrlKey && this.pending.length) { // bash drops the unfinished command
      if (this.pendingEcho) this.pendingEcho.remove();
      this.pendingEcho = null;
      this.print(`${this.echo(this.pending.join('\n'), this.session ? this.prompt() : '$ ').slice(0, -1)}`
        + `\n> ${this.input.value}^C\n`, 'cmd');
      this.pending = [];
      this.input.value = '';
      this.showPending();
      e.preventDefault();
    } else if (e.key === 'ArrowUp') {
      if (this.pos === this.history.length) this.draft = this.input.value;
      if (this.pos > 0) this.pos--;
      this.recall(this.history[this.pos] ?? this.draft);
      e.preventDefault();
    } else if (e.key === 'ArrowDown') {
      if (this.pos < this.history.length) this.pos++;
      this.recall(this.pos === this.history.length ? this.draft : this.history[this.pos]);
      e.preventDefault();
    } else if (e.key === 'l' && e.ctrlKey) {
      this.out.textContent = '';
      this.saveSoon();
      e.preventDefault();
    }
  }

  remember(line) {
    // as the workstation's bash keeps it (HISTCONTROL=ignoreboth): no blank lines, none typed after
    // a space, no repeat of the line before
    if (line.trim() && !/^[ \t]/.test(line) && this.history[this.history.length - 1] !== line) this.history.push(line);
    if (line.trim() === 'history -c') this.history = [];
    this.pos = this.history.length;
    this.draft = '';
  }

  print(text, cls) {
    const span = document.createElement('span');
    if (cls) span.className = cls;
    span.textContent = text;
    this.out.appendChild(span);
    while (this.out.textContent.length > MAX_SCROLLBACK && this.out.firstChild) this.out.firstChild.remove();
    this.out.scrollTop = this.out.scrollHeight;
    this.saveSoon();
  }

  /** A command's `open`: the link to what it opened (a service's or the dashboard's URL). */
  offer(open) {
    if (!this.onOpen) return;
    const link = openLink(open, (o, l) => this.onOpen(o, l));
    if (!link) return;
    const line = document.createElement('span');
    line.className = 'ok';
    line.append(link, '\n');
    this.out.appendChild(line);
    this.out.scrollTop = this.out.scrollHeight;
  }

  prompt() { return this.session ? this.session.prompt : '$ '; }

  /** Enter (or leave, with null) a pod shell: its prompt replaces `$`. */
  setSession(session) {
    this.session = session || null;
    if (this.promptLabel) this.promptLabel.textContent = this.prompt().trimEnd();
    this.input.setAttribute('aria-label', this.session
      ? t('shell in pod {pod}', { pod: this.session.pod }) : t('kubectl command'));
  }

  /**
   * Runs one line; lines run one at a time, in the order typed. A line typed while a session is
   * open goes to the pod's shell; other panels' kubectl commands always run on the workstation.
   */
  run(line, stdin, options = {}) {
    this.remember(line);
    const job = this.busy.then(async () => {
      const inSession = Boolean(this.session && options.typed);
      this.print(this.echo(line, inSession ? this.prompt() : '$ '), 'cmd');
      this.out.setAttribute('aria-busy', 'true');
      try {
        const body = stdin === undefined ? { command: line } : { command: line, stdin };
        if (inSession) body.session = this.session.id;
        else if (this.socket && this.socket.connected) body.follow = this.socket.id;
        this.awaiting = 'follow' in body;
        let res;
        try {
          res = await this.sandbox.post('/run', body);
        } finally {
          this.awaiting = false;
        }
        const early = res.stream && res.stream.id ? this.early.get(res.stream.id) || [] : [];
        this.early.clear();
        let text = res.output || '';
        if (text.includes('\x1b[H\x1b[J')) { // clear
          this.out.textContent = '';
          this.saveSoon();
          text = text.split('\x1b[H\x1b[J').pop();
        }
        if (text && !text.endsWith('\n')) text += '\n';
        this.print(text, res.exitCode === 0 ? 'ok' : 'err');
        if ('session' in res && (inSession || res.session)) this.setSession(res.session);
        if (res.open) this.offer(res.open);
        let edit = res.edit;
        while (edit && this.onEdit) { // kubectl waits for the editor, then reports (or re-opens)
          const saved = await this.onEdit(edit);
          const done = await this.sandbox.post(`/edits/${encodeURIComponent(edit.id)}`, { text: saved });
          if (done.output) this.print(done.output, done.exitCode === 0 ? 'ok' : 'err');
          res.exitCode = done.exitCode;
          edit = done.edit;
        }
        if (res.stream && res.stream.id) {
          res.exitCode = await new Promise((done) => {
            this.streaming = { id: res.stream.id, done };
            if (this.stopButton) this.stopButton.hidden = false;
            this.out.setAttribute('aria-busy', 'true');
            for (const msg of early) this.onStream(msg);
          });
        }
        return res;
      } catch (e) {
        this.print(`${e.message}\n`, 'err');
        return { output: e.message, exitCode: 1 };
      } finally {
        this.out.setAttribute('aria-busy', 'false');
      }
    });
    this.busy = job.catch(() => {});
    return job;
  }
}
