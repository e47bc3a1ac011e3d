/**
 * "Use your own kubectl": a button in the top bar and the small dialog it opens.
 *
 * Owns: the button (`aria-expanded`, `aria-controls`), the non-modal dialog under it named
 * "Use your own kubectl" with the kubeconfig download (`GET /api/sandboxes/<id>/kubeconfig`,
 * saved as kubeplay.kubeconfig; its server is `<origin>/k8s/<id>`), the one-line command to
 * paste with a Copy button (its outcome said in a polite status), and the sentence that the
 * sandbox id is the key to the sandbox. Focus: opening moves it to the download link; Escape
 * closes and returns it to the button; a click outside closes without moving it.
 * Pure: `shellWord`, `kubectlCommand` (no DOM; tested with node:test).
 * Hands off: nothing else; the server writes the kubeconfig.
 */
import { el } from './dom.js';
import { t } from './i18n.js';

/** The file name the server's Content-Disposition gives, and what the download link asks for. */
export const KUBECONFIG_FILE = 'kubeplay.kubeconfig';
/** Where a browser saves downloads by default. */
export const DOWNLOADS = '~/Downloads';

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * One word for a POSIX shell: left as is when it holds only characters the shell does not
 * interpret, else single-quoted (a `'` inside written as `'\''`). A leading `~/` stays outside
 * the quotes so the shell still expands it to the home directory.
 */
export function shellWord(word) {
  const s = String(word);
  if (s.startsWith('~/')) return s.length === 2 ? s : `~/${shellWord(s.slice(2))}`;
  if (s !== '' && SAFE.test(s)) return s;
  return `'${s.replace(/'/g, "'\\''")}'`;
}

/** The one line to paste: `kubectl --kubeconfig <path> <args…>`, each word quoted for the shell. */
export function kubectlCommand(path = `${DOWNLOADS}/${KUBECONFIG_FILE}`, args = ['get', 'pods']) {
  return ['kubectl', '--kubeconfig', path, ...args].map(shellWord).join(' ');
}

export class KubectlAccess {
  /** `mount`: the element to build into; `sandbox`: api.js's Sandbox (its id and url()). */
  constructor(mount, sandbox) {
    this.command = kubectlCommand();
    this.button = el('button', {
      type: 'button', id: 'kubectl-access-button', class: 'btn', 'aria-haspopup': 'dialog',
      'aria-expanded': 'false', 'aria-controls': 'kubectl-access-panel',
      title: t("Reach this sandbox's Kubernetes API with a real kubectl"),
      onclick: () => (this.panel.hidden ? this.open() : this.close(true)),
    }, t('Use your own kubectl'));
    this.link = el('a', {
      class: 'btn btn-primary kubectl-download', href: sandbox.url('/kubeconfig'), download: KUBECONFIG_FILE,
    }, t('Download kubeconfig'));
    this.status = el('span', { class: 'muted copy-status', role: 'status' });
    this.code = el('code', { class: 'mono' }, this.command);
    this.panel = el('div', {
      id: 'kubectl-access-panel', class: 'kubectl-panel dialog', role: 'dialog',
      'aria-labelledby': 'kubectl-access-title', 'aria-describedby': 'kubectl-access-key', hidden: true,
    },
    el('div', { class: 'pop-head' },
      el('strong', { id: 'kubectl-access-title' }, t('Use your own kubectl')),
      el('button', { type: 'button', class: 'pop-close', 'aria-label': t('Close'), onclick: () => this.close(true) }, '×')),
    el('p', { class: 'muted' }, t("Download this sandbox's kubeconfig, then run kubectl with it:")),
    el('div', { class: 'actions' }, this.link),
    el('pre', { class: 'kubectl-command' }, this.code),
    el('div', { class: 'actions' },
      el('button', { type: 'button', class: 'btn btn-small', onclick: () => this.copy() }, t('Copy command')),
      this.status),
    el('p', { id: 'kubectl-access-key', class: 'muted' },
      t('The sandbox id in its server address (…/k8s/{id}) is the key to this sandbox: '
      + 'anyone who has it can change the sandbox, so share it only with people who may.', { id: sandbox.id })));
    mount.replaceChildren(this.button, this.panel);
    document.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && !this.panel.hidden) this.close(true);
    });
    document.addEventListener('pointerdown', (e) => {
      if (!this.panel.hidden && !mount.contains(e.target)) this.close(false);
    }, true);
  }

  open() {
    this.status.textContent = '';
    this.panel.hidden = false;
    // under the button's right edge, unless that runs off the left of a narrow window
    this.panel.classList.remove('align-left');
    if (this.panel.getBoundingClientRect().left < 8) this.panel.classList.add('align-left');
    this.button.setAttribute('aria-expanded', 'true');
    this.link.focus();
  }

  close(restoreFocus) {
    this.panel.hidden = true;
    this.button.setAttribute('aria-expanded', 'false');
    if (restoreFocus) this.button.focus();
  }

  /** The clipboard API needs a secure context (https or localhost): elsewhere the command is selected for Ctrl+C. */
  async copy() {
    try {
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(this.command);
      this.status.textContent = t('Copied.');
    } catch {
      const range = document.createRange();
      range.selectNodeContents(this.code);
      const sel = window.getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
      this.status.textContent = t('Selected: press Ctrl+C to copy.');
    }
  }
}
