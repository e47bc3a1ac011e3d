/**
 * The YAML editor: CodeMirror 6 with YAML highlighting, the examples menu, Apply, per-document
 * results and inline errors.
 *
 * Owns: the editor state, the examples <select> (from `GET /examples`: [{path, text}], grouped by
 * the learning path's catalogue once lessons.js hands it over — `setGroups` — with the chosen
 * example's line on what it teaches under the head), and the rendering of an apply's answer. `POST /apply {"manifest"}` answers per document; a refused
 * document (or a YAML syntax error) comes with the line of the editor text where it is, and we
 * mark that line with a lint diagnostic (red squiggle + gutter marker + message on hover) and
 * list the message under the editor. Nothing is applied client-side: the server decides.
 * Hands off: the cluster's reaction arrives as deltas; the results list is the only output here.
 *
 * `kubectl edit` (from the terminal) opens here too, as kubectl hands its temp file to `$EDITOR`:
 * `openEdit(edit)` shows the file in place of the manifest, Apply becomes "Save edit" and a
 * "Cancel edit" button shows; it resolves with the saved text (the text as opened when cancelled,
 * which kubectl answers with "Edit cancelled, no changes made."), and the manifest comes back.
 *
 * The manifest's text and the chosen example survive a reload of the same sandbox: kept in
 * localStorage under `kubeplay.editor.<sandbox id>` as `{text, example}` on every change (an open
 * `kubectl edit` file is not the manifest: the manifest it replaced is what is kept).
 */
import { EditorView, basicSetup } from 'codemirror';
import { EditorState } from '@codemirror/state';
import { yaml } from '@codemirror/lang-yaml';
import { lintGutter, setDiagnostics } from '@codemirror/lint';
import { oneDark } from '@codemirror/theme-one-dark';
import { ApiError } from './api.js';
import { t } from './i18n.js';
import { beginProgress } from './progress.js';

const STARTER = `# Pick an example above, or write a manifest, then press Apply.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web-deploy
spec:
  replicas: 3
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: nginx:1.16
`;

/**
 * Normalises the apply answer into [{ok, text, line}] whatever its exact spelling: a list under
 * `results` (or `documents`), each with `ok`/`error`/`output`/`message` and a 1-based `line`.
 */
export function normaliseResults(body) {
  if (!body || typeof body !== 'object') return [];
  const list = body.results || body.documents || body.items;
  const out = [];
  if (Array.isArray(list)) {
    for (const r of list) {
      const err = r.error || (r.ok === false ? (r.message || r.output) : null) || (r.status === 'error' ? r.message : null);
      const text = err
        ? (typeof err === 'string' ? err : err.message || JSON.stringify(err))
        : (r.output || r.message || (r.result && r.kind ? `${r.kind.toLowerCase()}/${r.name} ${r.result}` : r.result) || 'ok');
      out.push({ ok: !err, text, line: Number(r.line || r.lineNumber || (err && err.line) || 0) || 0,
        endLine: Number(r.endLine || 0) || 0 });
    }
  } else if (body.error) {
    out.push({ ok: false, text: typeof body.error === 'string' ? body.error : body.error.message, line: Number(body.line || 0) || 0 });
  } else if (typeof body.output === 'string') {
    out.push({ ok: body.exitCode === 0, text: body.output.trim(), line: 0 });
  }
  return out;
}

/**
 * The line of the field an error names, searched within its document (lines start..end, 1-based):
 * `unknown field "spec.containres"` or `... is invalid: spec.template.spec.containers[0].image: ...`
 * mark the `containres:` / `image:` line rather than the document's first line. Follows the
 * path by indentation; falls back to the deepest key found, or to `start`.
 */
export function fieldLine(text, start, end, message) {
  const m = /unknown field "([^"]+)"/.exec(message) || /is invalid: ([A-Za-z0-9_.[\]-]+):/.exec(message)
    || /Invalid value: [^:]*?\b(spec\.[A-Za-z0-9_.[\]-]+)/.exec(message);
  if (!m || !start) return start;
  const segs = m[1].split('.').map((s) => s.replace(/\[\d+\]$/, '')).filter(Boolean);
  const lines = text.split('\n');
  const last = Math.min(end || lines.length, lines.length);
  let parentCol = -1;
  let found = 0;
  let from = start;
  for (const seg of segs) {
    let hit = 0;
    for (let i = from; i <= last; i++) {
      const k = /^(\s*(?:-\s+)?)([^\s:#'"][^:#]*?)\s*:(?:\s|$)/.exec(lines[i - 1]);
      if (!k) continue;
      const col = k[1].length;
      if (col <= parentCol) break; // left the parent's block
      if (k[2] === seg) { hit = i; parentCol = col; break; }
    }
    if (!hit) break;
    found = hit;
    from = hit + 1;
  }
  return found || start;
}

function loadSaved(key) {
  try {
    const saved = JSON.parse(localStorage.getItem(key) || '{}');
    return saved && typeof saved === 'object' ? saved : {};
  } catch {
    return {};
  }
}

export class YamlEditor {
  constructor({ mount, select, applyButton, results, cancelButton, note }, sandbox, { onApplied } = {}) {
    this.sandbox = sandbox;
    this.cancelButton = cancelButton || null;
    this.note = note || null;
    /** the open `kubectl edit`: {text, done, manifest} while one is open */
    this.editing = null;
    this.select = select;
    this.applyButton = applyButton;
    this.results = results;
    this.onApplied = onApplied || (() => {});
    this.examples = [];
    this.storeKey = `kubeplay.editor.${sandbox.id}`;
    this.saved = loadSaved(this.storeKey);
    this.view = new EditorView({
      parent: mount,
      state: EditorState.create({
        doc: typeof this.saved.text === 'string' ? this.saved.text : STARTER,
        extensions: [
          basicSetup,
          yaml(),
          lintGutter(),
          oneDark,
          EditorState.tabSize.of(2),
          EditorView.contentAttributes.of({ 'aria-label': 'YAML manifest' }),
          EditorView.theme({ '&': { height: '100%' }, '.cm-scroller': { fontFamily: 'var(--mono)' } }),
          EditorView.updateListener.of((u) => { if (u.docChanged) this.save(); }),
        ],
      }),
    });
    select.addEventListener('change', () => {
      const ex = this.examples.find((e) => e.path === select.value);
      if (ex) this.setText(ex.text);
      this.save();
      this.showAbout();
    });
    applyButton.addEventListener('click', () => (this.editing ? this.closeEdit(this.text()) : this.apply()));
    if (this.cancelButton) {
      this.cancelButton.addEventListener('click', () => this.editing && this.closeEdit(this.editing.text));
    }
  }

  /** Open `kubectl edit`'s file ({id, file, text}); resolves with the text saved. */
  openEdit(edit) {
    return new Promise((done) => {
      const manifest = this.editing ? this.editing.manifest : this.text();
      this.editing = { text: edit.text, done, manifest };
      this.setText(edit.text);
      this.applyButton.textContent = 'Save edit';
      if (this.cancelButton) this.cancelButton.hidden = false;
      if (this.note) {
        this.note.textContent = edit.editor // `vi FILE` on the workstation: saving writes the file
          ? `${edit.editor} ${edit.file} — Save edit writes the file, Cancel edit leaves it unchanged.`
          : `kubectl edit: ${edit.file} — Save edit applies it, Cancel edit leaves it unchanged.`;
        this.note.hidden = false;
      }
      this.select.disabled = true;
      this.view.focus();
    });
  }

  closeEdit(text) {
    const { done, manifest } = this.editing;
    this.editing = null;
    this.applyButton.textContent = 'Apply';
    if (this.cancelButton) this.cancelButton.hidden = true;
    if (this.note) this.note.hidden = true;
    this.select.disabled = false;
    this.setText(manifest);
    done(text);
  }

  setExamples(examples) {
    this.examples = (Array.isArray(examples) ? examples : (examples && examples.examples) || [])
      .filter((e) => e && e.path)
      .sort((a, b) => (a.path < b.path ? -1 : 1));
    this.renderExamples();
  }

  /**
   * The learning path's groups (`GET /api/lessons` `groups`: [{title, examples: [{path, teaches}]}]):
   * the menu is grouped by them, and the chosen example's line on what it teaches shows under the
   * editor's head. Examples no group names (none, when the catalogue is valid) go under "Other".
   */
  setGroups(groups) {
    this.groups = Array.isArray(groups) ? groups : null;
    this.teaches = new Map();
    for (const g of this.groups || []) for (const e of g.examples || []) this.teaches.set(e.path, e.teaches);
    this.renderExamples();
  }

  /** The menu: by the catalogue's groups when known, else by directory. */
  renderExamples() {
    const chosen = this.select.value || this.saved.example;
    const byPath = new Map(this.examples.map((e) => [e.path, e]));
    const groups = [];
    if (this.groups) {
      const left = new Set(byPath.keys());
      for (const g of this.groups) {
        const list = (g.examples || []).filter((e) => byPath.has(e.path));
        for (const e of list) left.delete(e.path);
        if (list.length) groups.push({ label: t(g.title), items: list.map((e) => ({ path: e.path, text: e.path.split('/').pop() })) });
      }
      if (left.size) groups.push({ label: t('Other'), items: [...left].map((p) => ({ path: p, text: p })) });
    } else {
      const dirs = new Map();
      for (const ex of this.examples) {
        const dir = ex.path.includes('/') ? ex.path.slice(0, ex.path.lastIndexOf('/')) : '';
        if (!dirs.has(dir)) dirs.set(dir, []);
        dirs.get(dir).push({ path: ex.path, text: ex.path.slice(dir ? dir.length + 1 : 0) });
      }
      for (const [dir, items] of dirs) groups.push({ label: dir, items });
    }
    this.select.length = 1;
    for (const { label, items } of groups) {
      const parent = label ? document.createElement('optgroup') : this.select;
      if (label) parent.label = label;
      for (const it of items) {
        const opt = document.createElement('option');
        opt.value = it.path;
        opt.textContent = it.text;
        const about = this.teaches && this.teaches.get(it.path);
        if (about) opt.title = `${it.path} — ${t(about)}`;
        parent.appendChild(opt);
      }
      if (label) this.select.appendChild(parent);
    }
    if (chosen && byPath.has(chosen)) this.select.value = chosen;
    this.showAbout();
  }

  /** The chosen example's line on what it teaches (under the editor's head; empty without one). */
  showAbout() {
    if (!this.about) {
      this.about = document.createElement('p');
      this.about.id = 'example-about';
      this.about.className = 'example-about';
      this.about.setAttribute('aria-live', 'polite');
      this.about.setAttribute('aria-label', t('What this example teaches'));
      const head = this.select.closest('.pane-head');
      if (head) head.after(this.about);
      else this.select.after(this.about);
      this.select.setAttribute('aria-describedby', this.about.id);
    }
    const path = this.select.value;
    const about = path && this.teaches ? this.teaches.get(path) : '';
    this.about.textContent = about ? t(about) : '';
    this.about.hidden = !about;
  }

  text() { return this.view.state.doc.toString(); }

  /** Keep the manifest and the chosen example for a reload. */
  save() {
    const text = this.editing ? this.editing.manifest : this.text();
    const example = this.select.value || '';
    try { localStorage.setItem(this.storeKey, JSON.stringify({ text, example })); } catch { /* full */ }
  }

  setText(text) {
    this.view.dispatch({ changes: { from: 0, to: this.view.state.doc.length, insert: text } });
    this.view.dispatch(setDiagnostics(this.view.state, []));
    this.results.replaceChildren();
  }

  async apply() {
    this.applyButton.disabled = true;
    this.results.setAttribute('aria-busy', 'true');
    const progress = beginProgress(t('Applying')); // a big apply takes seconds: say so
    let items;
    try {
      const body = await this.sandbox.post('/apply', { manifest: this.text() });
      items = normaliseResults(body).map((it) => ({ ...it, text: it.text.trim() }));
    } catch (e) {
      items = e instanceof ApiError && e.body ? normaliseResults(e.body) : [];
      if (!items.length) items = [{ ok: false, text: e.message, line: 0 }];
    } finally {
      progress.end();
      this.applyButton.disabled = false;
    }
    this.show(items);
    this.results.setAttribute('aria-busy', 'false');
    this.onApplied(items);
  }

  show(items) {
    const doc = this.view.state.doc;
    const diagnostics = [];
    this.results.replaceChildren();
    for (const it of items) {
      const li = document.createElement('li');
      li.className = it.ok ? 'ok' : 'err';
      let line = it.line >= 1 && it.line <= doc.lines ? it.line : 0;
      if (!it.ok && line) line = fieldLine(doc.toString(), line, it.endLine || doc.lines, it.text);
      if (!it.ok && line) {
        const l = doc.line(line);
        diagnostics.push({ from: l.from, to: Math.max(l.to, l.from), severity: 'error', message: it.text, source: 'apply' });
        const jump = document.createElement('button');
        jump.type = 'button';
        jump.className = 'linkish';
        jump.textContent = `line ${line}`;
        jump.addEventListener('click', () => {
          this.view.dispatch({ selection: { anchor: l.from }, scrollIntoView: true });
          this.view.focus();
        });
        li.append(jump, ': ');
      }
      li.append(it.text);
      this.results.appendChild(li);
    }
    this.view.dispatch(setDiagnostics(this.view.state, diagnostics));
  }
}
