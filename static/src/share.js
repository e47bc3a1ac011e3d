/**
 * The "Share" menu and the links it makes: a sandbox seen read-only, copied (forked), exported and
 * imported as its journal.
 *
 * Owns: the menu (Copy link (read-only), Copy link (a copy), Export file, Import file…), the line
 * under it that shows the link made (so it can be copied by hand when the clipboard is refused),
 * and how the page reads its own URL: `?view=<token>` opens the sandbox read-only (every write the
 * server refuses with 403; `readOnly` disables the controls and says so), `?copy=<token>` forks that
 * sandbox (`POST /api/sandboxes/<token>/fork`) and the copy becomes this tab's sandbox: both links
 * carry the read-only token, never the id (which can change the sandbox).
 * Hands off: tokens, forks, the journal file and its import are the server's (README's routes);
 * the tab's sandbox is api.js's (`Sandbox`, its sessionStorage key).
 */
import { Sandbox, ApiError } from './api.js';
import { el, openMenu, closeMenu, menuKeys } from './dom.js';
import { t } from './i18n.js';

/** api.js's sessionStorage key of the tab's sandbox */
const TAB_KEY = 'kubeplay.sandbox';

/** The page's address for a link: `?view=<token>` or `?copy=<id>` (pure: `base` is the page's URL). */
export function shareLink(base, kind, value) {
  const url = new URL(base);
  url.search = '';
  url.hash = '';
  url.searchParams.set(kind, value);
  return url.toString();
}

async function post(url, body, contentType = 'application/json') {
  const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': contentType, Accept: 'application/json' }, body });
  let data = null;
  try { data = await res.json(); } catch { data = null; }
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

/**
 * What the URL asks for before the page opens its sandbox: `{view: token}` for a read-only view,
 * or null after a `?copy=` fork (the copy is now the tab's sandbox, the URL cleaned) or for none.
 */
export async function fromUrl() {
  const params = new URLSearchParams(location.search);
  const view = params.get('view');
  if (view) return { view };
  const copy = params.get('copy');
  if (copy) {
    const forked = await post(`/api/sandboxes/${encodeURIComponent(copy)}/fork`, '{}');
    sessionStorage.setItem(TAB_KEY, forked.id);
    history.replaceState(null, '', location.pathname);
  }
  return null;
}

/** A read-only view: the sandbox named by its token, and what `examples` the editor lists. */
export async function openReadOnly(token) {
  const sandbox = new Sandbox(token);
  sandbox.readOnly = true;
  return { sandbox, examples: await sandbox.get('/examples') };
}

/** Disable every control that writes, and say why under the top bar (the server refuses them anyway). */
export function markReadOnly(root = document) {
  document.body.dataset.readonly = 'true';
  for (const c of root.querySelectorAll('main button, main input, main select, main textarea, header button')) {
    if (!c.closest('#share-anchor')) c.disabled = true;
  }
  for (const c of root.querySelectorAll('[contenteditable=true]')) c.setAttribute('contenteditable', 'false');
  const note = el('p', { id: 'readonly-note', class: 'readonly-note', role: 'note' },
    t('Read-only view: the sandbox is shown live, but nothing can be changed from this link.'));
  root.querySelector('header').after(note);
  return note;
}

export class ShareMenu {
  constructor(anchor, { sandbox, onError }) {
    this.sandbox = sandbox;
    this.onError = onError;
    this.button = anchor.querySelector('#share');
    this.menu = anchor.querySelector('#share-menu');
    this.status = anchor.querySelector('#share-status');
    this.file = el('input', { type: 'file', accept: 'application/json,.json', hidden: true,
      'aria-label': t('Sandbox file to import'), onchange: () => this.importFile() });
    anchor.append(this.file);
    const item = (label, title, onclick) => el('button', { type: 'button', role: 'menuitem', class: 'menuitem', title,
      onclick: () => { this.close(); onclick(); } }, label);
    this.menu.replaceChildren(
      item(t('Copy link (read-only)'), t('A link that shows this sandbox live; nothing can be changed through it'),
        () => this.copyView()),
      item(t('Copy link (a copy)'), t('A link that opens a new sandbox copied from this one as it is then'),
        () => this.copyFork()),
      el('div', { role: 'separator', class: 'menu-sep' }),
      item(t('Export file'), t('Download the sandbox\u2019s journal (seed, start, operations) as a JSON file'),
        () => this.exportFile()),
      item(t('Import file…'), t('Open a new sandbox replayed from an exported file'), () => this.file.click()),
    );
    this.button.addEventListener('click', () => (this.menu.hidden ? this.open() : this.close()));
    this.menu.addEventListener('keydown', (e) => this.keys(e));
    document.addEventListener('keydown', (e) => { if (e.key === 'Escape' && !this.menu.hidden) this.close(true); });
    document.addEventListener('pointerdown', (e) => {
      if (!this.menu.hidden && !this.menu.contains(e.target) && !this.button.contains(e.target)) this.close();
    }, true);
  }

  open() {
    openMenu(this.button, this.menu);
  }

  close(restoreFocus = false) {
    closeMenu(this.button, this.menu, restoreFocus);
  }

  keys(e) {
    menuKeys(this.menu, e);
  }

  async show(what, link) {
    let copied = false;
    try {
      await navigator.clipboard.writeText(link);
      copied = true;
    } catch { /* no clipboard (permissions, http): the link shows to copy by hand */ }
    this.status.hidden = false;
    this.status.replaceChildren(`${copied ? t('{what} (copied)', { what }) : what}: `, el('a', { href: link, class: 'share-link' }, link));
  }

  async copyView() {
    try {
      const { token } = await this.sandbox.post('/share', {});
      await this.show(t('Read-only link'), shareLink(location.href, 'view', token));
    } catch (e) {
      this.onError(`share: ${e.message}`);
    }
  }

  async copyFork() {
    try {
      const { token } = await this.sandbox.post('/share', {});
      await this.show(t('Copy link'), shareLink(location.href, 'copy', token));
    } catch (e) {
      this.onError(`share: ${e.message}`);
    }
  }

  exportFile() {
    const a = el('a', { href: this.sandbox.url('/export'), download: 'kubeplay-sandbox.json', hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
  }

  async importFile() {
    const file = this.file.files && this.file.files[0];
    this.file.value = '';
    if (!file) return;
    try {
      const made = await post('/api/sandboxes/import', await file.text());
      sessionStorage.setItem(TAB_KEY, made.id);
      location.reload();
    } catch (e) {
      this.onError(`import ${file.name}: ${e.message}`);
    }
  }
}
