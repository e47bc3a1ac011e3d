/**
 * The kubectl terminal panel.
 *
 * Owns: the prompt, the scrollback (a monospace <pre>, so kubectl's space-aligned columns stay
 * aligned), and the command history (↑/↓, kept per tab in sessionStorage). Hands off: every
 * command goes to `POST /run` as `{"command"}`; the output is printed as the server returns it.
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
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const line = input.value.trim();
      input.value = '';
      if (line) this.run(line);
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

  /** Runs one command line; commands run one at a time, in the order typed. */
  run(line, stdin) {
    this.remember(line);
    const job = this.busy.then(async () => {
      this.print(`$ ${line}\n`, 'cmd');
      this.out.setAttribute('aria-busy', 'true');
      try {
        const body = stdin === undefined ? { command: line } : { command: line, stdin };
        const res = await this.sandbox.post('/run', body);
        let text = res.output || '';
        if (text && !text.endsWith('\n')) text += '\n';
        this.print(text, res.exitCode === 0 ? 'ok' : 'err');
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
