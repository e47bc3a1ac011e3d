/**
 * The "Lessons" panel (issue 10, learning path): the seeds' scenarios as guided lessons.
 *
 * Owns: the region named "Lessons" (templates/index.html's `#lessons`, in the side column where the
 * manifest editor is: opening it hides the editor, "Back to the manifest" shows it again, so the
 * canvas keeps its room and the terminal stays in view), the list of lessons and a lesson's steps
 * as an ordered list. A step shows its title, what to do on the page, its commands — each with a
 * "Run" button that types the line into the terminal (`Terminal.enter`, as Enter does: into a pod
 * shell when one is open) —, what to watch for on the canvas, and its check, whose status is text
 * ("done" / "not yet", role=status) and green when done. Checks are evaluated from the live mirror
 * (lessoncheck.js) each time it changes (once a frame at most, and only for a change of a kind the
 * lesson reads), so a check turns green when the cluster reaches the state and back when it is
 * lost; a step counts only once the steps before it were done. Progress — which steps were done,
 * the open lesson, whether the panel is open — is kept in localStorage under
 * `kubeplay.lessons.<sandbox id>`, so a reload keeps it.
 * The catalogue comes from `GET /api/lessons`; its groups go to the editor's examples menu
 * (`YamlEditor.setGroups`). A `kubectl edit` (or `vi FILE`) opening in the editor brings the
 * editor back.
 * Hands off: evaluating (lessoncheck.js), running lines (terminal.js), the menu (editor.js).
 */
import { t } from './i18n.js';
import { evaluateCheck, kindsOf, stepStates } from './lessoncheck.js';

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'className') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : v);
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

function loadProgress(key) {
  try {
    const saved = JSON.parse(localStorage.getItem(key) || '{}');
    return saved && typeof saved === 'object' ? saved : {};
  } catch {
    return {};
  }
}

export class LessonsPanel {
  constructor(root, { editorPane, toggleAnchor, mirror, terminal, sandbox }) {
    this.root = root;
    this.editorPane = editorPane;
    this.mirror = mirror;
    this.terminal = terminal;
    this.key = `kubeplay.lessons.${sandbox.id}`;
    const saved = loadProgress(this.key);
    this.reached = new Map(Object.entries(saved.reached || {}).map(([id, steps]) => [id, new Set(steps)]));
    this.openId = saved.open || null;
    this.lessons = [];
    this.pending = false;
    this.stepViews = [];

    this.toggle = el('button', {
      type: 'button', className: 'btn btn-small lessons-toggle', 'aria-controls': root.id, 'aria-expanded': 'false',
      title: t('Guided lessons: the commands to run, what to watch for, and a check for each step'),
      text: t('Lessons'), onclick: () => this.show(true),
    });
    if (toggleAnchor) toggleAnchor.after(this.toggle);
    this.body = el('div', { className: 'lessons-body' });
    root.replaceChildren(
      el('div', { className: 'pane-head' },
        el('h2', { text: t('Lessons') }),
        el('button', { type: 'button', className: 'btn btn-small lessons-back', text: t('Back to the manifest'),
          onclick: () => this.show(false) })),
      this.body,
    );
    this.shown = false;
    if (saved.shown) this.show(true, { save: false });
    mirror.subscribe(({ changed, full }) => this.onChange(changed, full));
  }

  setCatalogue(catalogue) {
    this.lessons = (catalogue && catalogue.lessons) || [];
    if (this.openId && !this.lessons.some((l) => l.id === this.openId)) this.openId = null;
    this.render();
  }

  save() {
    const reached = {};
    for (const [id, steps] of this.reached) reached[id] = [...steps];
    try {
      localStorage.setItem(this.key, JSON.stringify({ reached, open: this.openId, shown: this.shown }));
    } catch { /* storage refused: progress lasts this page */ }
  }

  /** Opens (or closes) the panel in the editor's place. */
  show(on, { save = true } = {}) {
    this.shown = on;
    this.root.hidden = !on;
    if (this.editorPane) this.editorPane.hidden = on;
    this.toggle.setAttribute('aria-expanded', String(on));
    if (save) this.save();
    if (on) this.evaluate();
  }

  lesson() { return this.lessons.find((l) => l.id === this.openId) || null; }

  openLesson(id) {
    this.openId = id;
    this.save();
    this.render();
    const heading = this.body.querySelector('h3');
    if (heading) heading.focus();
  }

  render() {
    this.stepViews = [];
    const lesson = this.lesson();
    if (!lesson) {
      const list = el('ul', { className: 'lesson-list', 'aria-label': t('Lesson list') });
      this.lessons.forEach((l) => {
        const done = (this.reached.get(l.id) || new Set()).size;
        list.append(el('li', {},
          el('button', { type: 'button', className: 'linkish lesson-open', text: t(l.title), onclick: () => this.openLesson(l.id) }),
          el('p', { className: 'lesson-summary', text: t(l.summary) }),
          el('p', { className: 'lesson-progress muted', text: t('{done} of {total} steps done', { done, total: l.steps.length }) })));
      });
      this.body.replaceChildren(list);
      return;
    }
    const steps = el('ol', { className: 'lesson-steps', 'aria-label': t('Steps') });
    lesson.steps.forEach((step, i) => {
      const titleId = `lesson-step-${lesson.id}-${step.id}`;
      const state = el('span', { className: 'lesson-check-state', role: 'status', text: t('not yet') });
      const earlier = el('span', { className: 'lesson-earlier muted', text: t('(done before)'), hidden: true });
      const commands = el('ul', { className: 'lesson-commands', 'aria-label': t('Commands') });
      for (const command of step.commands || []) {
        commands.append(el('li', {},
          el('code', { className: 'mono', text: command }),
          el('button', { type: 'button', className: 'btn btn-small lesson-run', text: t('Run'),
            'aria-label': t('Run: {command}', { command }), onclick: () => this.terminal.enter(command) })));
      }
      const li = el('li', { className: 'lesson-step', 'aria-labelledby': titleId },
        el('h4', { id: titleId, text: `${i + 1}. ${t(step.title)}` }),
        step.do ? el('p', { className: 'lesson-do', text: t(step.do) }) : null,
        step.commands && step.commands.length ? commands : null,
        el('p', { className: 'lesson-watch' }, el('strong', { text: t('Watch for:') }), ' ', t(step.watch)),
        el('p', { className: 'lesson-check' }, state, ' ', el('span', { text: t(step.check.text) }), ' ', earlier));
      steps.append(li);
      this.stepViews.push({ li, state, earlier });
    });
    this.body.replaceChildren(
      el('button', { type: 'button', className: 'btn btn-small lessons-all', text: t('All lessons'),
        onclick: () => this.openLesson(null) }),
      el('h3', { tabindex: '-1', text: t(lesson.title) }),
      el('p', { className: 'lesson-summary', text: t(lesson.summary) }),
      steps,
    );
    this.kinds = kindsOf(lesson);
    this.evaluate();
  }

  onChange(changed, full) {
    if (!this.stepViews.length || this.pending) return;
    if (!full && this.kinds) {
      let relevant = false;
      for (const k of changed) {
        if (this.kinds.has(k.slice(0, k.indexOf('/')))) { relevant = true; break; }
      }
      if (!relevant) return;
    }
    this.pending = true;
    requestAnimationFrame(() => { this.pending = false; this.evaluate(); });
  }

  /** The open lesson's checks against the mirror now; newly done steps are kept as reached. */
  evaluate() {
    const lesson = this.lesson();
    if (!lesson || !this.stepViews.length) return;
    const reached = this.reached.get(lesson.id) || new Set();
    const oks = lesson.steps.map((s) => evaluateCheck(s.check, this.mirror).ok);
    const states = stepStates(lesson.steps, oks, reached);
    let grew = false;
    let current = -1;
    states.forEach((st, i) => {
      const { li, state, earlier } = this.stepViews[i];
      const done = st === 'done';
      const id = lesson.steps[i].id;
      if (done && !reached.has(id)) { reached.add(id); grew = true; }
      const text = done ? t('done') : t('not yet');
      if (state.textContent !== text) state.textContent = text;
      li.classList.toggle('done', done);
      earlier.hidden = done || !reached.has(id);
      if (current < 0 && !done && !reached.has(id)) current = i;
    });
    this.stepViews.forEach(({ li }, i) => li.classList.toggle('current', i === current));
    if (grew) {
      this.reached.set(lesson.id, reached);
      this.save();
    }
  }
}

/**
 * Wires the panel into the page: `#lessons` (the container), the editor's pane and menu, the
 * terminal and the mirror; fetches the catalogue.
 */
export function installLessons({ sandbox, terminal, mirror, editor }) {
  const root = document.getElementById('lessons');
  if (!root) return null;
  const editorPane = document.getElementById('editor-pane');
  const panel = new LessonsPanel(root, {
    editorPane, toggleAnchor: editorPane && editorPane.querySelector('.pane-head h2'), mirror, terminal, sandbox,
  });
  const opened = terminal.onEdit;
  if (opened) terminal.onEdit = (edit) => { if (panel.shown) panel.show(false); return opened(edit); };
  fetch('/api/lessons', { headers: { Accept: 'application/json' } })
    .then((res) => (res.ok ? res.json() : Promise.reject(new Error(`HTTP ${res.status}`))))
    .then((catalogue) => {
      if (editor) editor.setGroups(catalogue.groups);
      panel.setCatalogue(catalogue);
    })
    .catch((e) => {
      root.querySelector('.lessons-body').replaceChildren(
        el('p', { className: 'err', text: t('Could not load the lessons: {error}', { error: e.message }) }));
    });
  return panel;
}
