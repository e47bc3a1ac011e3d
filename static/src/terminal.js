/**
 * The kubectl terminal panel.
 *
 * Owns: the prompt, the scrollback (a monospace <pre>, so kubectl's space-aligned columns stay
 * aligned), the command history (↑/↓, kept per tab in sessionStorage), and the interactive
 * session a `kubectl run -it … sh` / `kubectl exec -it POD -- sh` opens: while one is open the
 * prompt is the pod shell's (`/ # `) and lines go to it, until `exit` (or its pod going away)
 * brings back the workstation's `$`. Hands off: every line goes to `POST /run` as
 * `{"command", "session"?}`; the output is printed as the server returns it.
 * Other panels (pod Delete) run their kubectl commands through `run` so the user sees and can
 * learn the command line that did it.
 */

const HISTORY_KEY = 'kubeplay.history';
const MAX_SCROLLBACK = 200000; // characters

export class Terminal {
  constructor({ out, form, input }, sandbox) {
    this.out = out;
    this.form = form;
    this.input = input;
    this.sandbox = sandbox;
    this.history = JSON.parse(sessionStorage.getItem(HISTORY_KEY) || '[]');
    this.pos = this.history.length;
    this.draft = '';
    this.busy = Promise.resolve();
    /** the open pod-shell session ({id, prompt, pod, …}) or null: the workstation's shell */
    this.session = null;
    this.promptLabel = form.querySelector('.prompt');
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const line = input.value.trim();
      input.value = '';
      if (line) this.run(line, undefined, { typed: true });
    });
    input.addEventListener('keydown', (e) => this.onKey(e));
    this.print('kubeplay: try `kubectl get nodes`, `kubectl get pods -A`, ↑/↓ for history.\n', 'muted');
  }

  onKey(e) {
    if (e.key === 'ArrowUp') {
      if (this.pos === this.history.length) this.draft = this.input.value;
      if (this.pos > 0) this.pos--;
      this.input.value = this.history[this.pos] ?? this.draft;
      e.preventDefault();
    } else if (e.key === 'ArrowDown') {
      if (this.pos < this.history.length) this.pos++;
      this.input.value = this.pos === this.history.length ? this.draft : this.history[this.pos];
      e.preventDefault();
    } else if (e.key === 'l' && e.ctrlKey) {
      this.out.textContent = '';
      e.preventDefault();
    }
  }

  remember(line) {
    if (this.history[this.history.length - 1] !== line) this.history.push(line);
    if (this.history.length > 500) this.history.splice(0, this.history.length - 500);
    sessionStorage.setItem(HISTORY_KEY, JSON.stringify(this.history));
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
  }

  prompt() { return this.session ? this.session.prompt : '$ '; }

  /** Enter (or leave, with null) a pod shell: its prompt replaces `$`. */
  setSession(session) {
    this.session = session || null;
    if (this.promptLabel) this.promptLabel.textContent = this.prompt().trimEnd();
    this.input.setAttribute('aria-label', this.session
      ? `shell in pod ${this.session.pod}` : 'kubectl command');
  }

  /**
   * Runs one line; lines run one at a time, in the order typed. A line typed while a session is
   * open goes to the pod's shell; other panels' kubectl commands always run on the workstation.
   */
  run(line, stdin, options = {}) {
    this.remember(line);
    const job = this.busy.then(async () => {
      const inSession = Boolean(this.session && options.typed);
      this.print(`${inSession ? this.prompt() : '$ '}${line}\n`, 'cmd');
      this.out.setAttribute('aria-busy', 'true');
      try {
        const body = stdin === undefined ? { command: line } : { command: line, stdin };
        if (inSession) body.session = this.session.id;
        const res = await this.sandbox.post('/run', body);
        let text = res.output || '';
        if (text.includes('\x1b[H\x1b[J')) { // clear
          this.out.textContent = '';
          text = text.split('\x1b[H\x1b[J').pop();
        }
        if (text && !text.endsWith('\n')) text += '\n';
        this.print(text, res.exitCode === 0 ? 'ok' : 'err');
        if ('session' in res && (inSession || res.session)) this.setSession(res.session);
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
