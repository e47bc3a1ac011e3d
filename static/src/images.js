/**
 * The learner's own images: the "Add an image" dialog and what the page knows of the simulated
 * registry.
 *
 * Owns: the dialog (a native modal `<dialog>` named "Add an image to the registry": name, tag,
 * port, what it answers on `/`, what it logs at start, one line each), its submit
 * (`POST /images {"kind": "Image", name, tag, ports, answer, logs}`, the server's field error shown
 * at its field), and `ImageInfo`, a per-sandbox cache of `GET /images?ref=` answers (whether the
 * registry has an image, and kubeplay's note when it has not), dropped when an image is added.
 * Hands off: the server journals the image and the kubelet pulls it at its next try; the pod panel
 * (panels.js) asks `ImageInfo` about pods stuck pulling and opens this dialog prefilled.
 */
import { el } from './dom.js';
import { t } from './i18n.js';

/** `acme/shop:v2` → {name: 'acme/shop', tag: 'v2'} (a digest or no tag: latest). */
export function splitRef(ref) {
  const at = ref.indexOf('@');
  const bare = at >= 0 ? ref.slice(0, at) : ref;
  const colon = bare.lastIndexOf(':');
  if (colon > bare.lastIndexOf('/')) return { name: bare.slice(0, colon), tag: bare.slice(colon + 1) };
  return { name: bare, tag: 'latest' };
}

/** What the registry says about image references, asked once per reference until an image is added. */
export class ImageInfo {
  constructor(sandbox) {
    this.sandbox = sandbox;
    this.asked = new Map(); // ref -> Promise<{ref, known, note}>
    this.answers = new Map(); // ref -> {ref, known, note}, once it came
    this.listeners = new Set();
  }

  about(ref) {
    if (!this.asked.has(ref)) {
      const p = this.sandbox.get(`/images?ref=${encodeURIComponent(ref)}`);
      this.asked.set(ref, p);
      // a failed question is asked again next time rather than remembered
      p.then((a) => { if (this.asked.get(ref) === p) this.answers.set(ref, a); }, () => this.asked.delete(ref));
    }
    return this.asked.get(ref);
  }

  /** The answer if it has come (else undefined: it is asked for, and `onAnswer` called with it). */
  peek(ref, onAnswer) {
    if (this.answers.has(ref)) return this.answers.get(ref);
    this.about(ref).then((a) => onAnswer && onAnswer(a), () => {});
    return undefined;
  }

  added(image) {
    this.asked.clear();
    this.answers.clear();
    for (const fn of this.listeners) fn(image);
  }

  onAdded(fn) { this.listeners.add(fn); }
}

const infos = new WeakMap();
/** One ImageInfo per sandbox, shared by the pod panel and the Add-ons menu. */
export function imageInfo(sandbox) {
  if (!infos.has(sandbox)) infos.set(sandbox, new ImageInfo(sandbox));
  return infos.get(sandbox);
}

let seq = 0;

/**
 * Open the dialog; resolves with the added image (the server's `image`) or null when cancelled.
 * `prefill`: {name, tag} of the image a pod is waiting for; `opener`: where the focus goes back (an
 * element, or a function finding it then: the control that opened it may have been re-rendered).
 */
export function openImageDialog(sandbox, { prefill = {}, opener = null } = {}) {
  const n = ++seq;
  const id = (f) => `img-${f}-${n}`;
  const field = (name, label, control, hint) => {
    control.setAttribute('aria-describedby', [hint ? id(`${name}-hint`) : null, id(`${name}-error`)].filter(Boolean).join(' '));
    return el('div', { class: 'field' },
      el('label', { for: id(name) }, label),
      control,
      hint ? el('span', { class: 'hint muted', id: id(`${name}-hint`) }, hint) : null,
      el('span', { class: 'field-error', id: id(`${name}-error`), role: 'alert' }));
  };
  const input = (name, attrs) => el('input', { id: id(name), name, spellcheck: 'false', autocomplete: 'off', ...attrs });
  const nameIn = input('name', { required: true, value: prefill.name || '', placeholder: 'acme/shop' });
  const tagIn = input('tag', { value: prefill.tag || 'latest', placeholder: 'latest' });
  const portIn = input('ports', { type: 'number', min: '1', max: '65535', value: '80' });
  const answerIn = el('textarea', { id: id('answer'), name: 'answer', rows: '2', spellcheck: 'false' });
  answerIn.value = prefill.name ? `Hello from ${prefill.name}:${prefill.tag || 'latest'}\n` : 'Hello!\n';
  const logsIn = el('textarea', { id: id('logs'), name: 'logs', rows: '2', spellcheck: 'false' });
  logsIn.value = 'listening on :80';
  portIn.addEventListener('input', () => {
    if (/^listening on :\d*$/.test(logsIn.value)) logsIn.value = `listening on :${portIn.value}`;
  });
  const status = el('p', { class: 'form-error', role: 'alert', id: id('status') });
  const submit = el('button', { type: 'submit', class: 'btn btn-primary' }, t('Add image'));
  const cancel = el('button', { type: 'button', class: 'btn', value: 'cancel' }, t('Cancel'));
  const form = el('form', { method: 'dialog', class: 'image-form', novalidate: true },
    field('name', t('Name'), nameIn, t('As a pod\'s image: names it, e.g. acme/shop (Docker Hub unless a registry host leads)')),
    field('tag', t('Tag'), tagIn),
    field('ports', t('Port'), portIn, t('The port its server listens on')),
    field('answer', t('Answers on /'), answerIn, t('The body of its HTTP 200 answer to GET /')),
    field('logs', t('Logs at start'), logsIn, t('One log line per line, written when the container starts')),
    status,
    el('div', { class: 'actions' }, submit, cancel));
  const dialog = el('dialog', { class: 'image-dialog', 'aria-labelledby': id('title') },
    el('h2', { id: id('title') }, t('Add an image to the registry')),
    el('p', { class: 'muted' }, t('kubeplay\'s registry is simulated: an image you add here runs a small web server '
      + 'that logs these lines when it starts and answers these words on /.')),
    form);
  // Escape belongs to the dialog: the pod panel and the menus behind it stay as they were
  dialog.addEventListener('keydown', (e) => { if (e.key === 'Escape') e.stopPropagation(); });
  document.body.append(dialog);

  return new Promise((resolve) => {
    let result = null;
    const clearErrors = () => {
      status.textContent = '';
      for (const e of dialog.querySelectorAll('.field-error')) e.textContent = '';
      for (const e of dialog.querySelectorAll('[aria-invalid]')) e.removeAttribute('aria-invalid');
    };
    cancel.addEventListener('click', () => dialog.close());
    dialog.addEventListener('close', () => {
      dialog.remove();
      const back = typeof opener === 'function' ? opener() : opener;
      if (back && back.isConnected) back.focus();
      resolve(result);
    });
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors();
      const port = Number(portIn.value);
      const body = {
        kind: 'Image', name: nameIn.value.trim(), tag: tagIn.value.trim(),
        ports: portIn.value.trim() === '' ? [] : [Number.isInteger(port) ? port : portIn.value],
        answer: answerIn.value,
        logs: logsIn.value.split('\n').filter((l) => l !== ''),
      };
      submit.disabled = true;
      dialog.setAttribute('aria-busy', 'true');
      try {
        const answer = await sandbox.post('/images', body);
        result = answer.image;
        imageInfo(sandbox).added(result);
        dialog.close();
      } catch (err) {
        const f = err.body && err.body.field;
        const target = f && dialog.querySelector(`#${id(f)}`);
        if (target) {
          target.setAttribute('aria-invalid', 'true');
          dialog.querySelector(`#${id(`${f}-error`)}`).textContent = err.message;
          target.focus();
        } else {
          status.textContent = err.message;
        }
      } finally {
        submit.disabled = false;
        dialog.setAttribute('aria-busy', 'false');
      }
    });
    dialog.showModal();
    (prefill.name ? portIn : nameIn).focus();
  });
}
