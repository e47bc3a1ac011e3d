/**
 * The page's stand-in for the browser `minikube service NAME` and `minikube dashboard` would open.
 *
 * Owns: the "Open …" link the terminal prints under such a command (a real link to the URL, so it
 * is focusable and announced as a link; activating it opens the panel rather than leaving the page)
 * and the panel: a native modal <dialog> titled with the service and its URL, showing what the
 * simulated service answered there (the HTTP status and body the server measured with curl, as
 * the command ran). The dashboard's "browser" is the page's own canvas: its link brings the
 * cluster view into sight and focus. Hands off: the answer's `open` field comes from the server
 * (server/minikube: `{"kind": "service", "url", "title", "status", "body"}` or
 * `{"kind": "dashboard", "url", "title"}`); nothing here talks to the server.
 */
import { el } from './dom.js';
import { t } from './i18n.js';

let seq = 0;

/** The link the terminal prints for `open` (null for a kind it does not offer). */
export function openLink(open, onActivate) {
  if (!open || (open.kind !== 'service' && open.kind !== 'dashboard') || typeof open.url !== 'string') return null;
  const what = open.kind === 'dashboard' ? t('the cluster view (dashboard)') : t('service {name} in a panel', { name: open.title });
  const link = el('a', {
    href: open.url, class: 'open-link', 'data-open': open.kind,
    'aria-label': t('Open {url}: shows {what}', { url: open.url, what }),
  }, t('Open {url}', { url: open.url }));
  link.addEventListener('click', (e) => {
    e.preventDefault(); // the URL is the simulated cluster's: the page shows it instead
    onActivate(open, link);
  });
  return link;
}

/** The panel for a service: what `curl` of its URL answers. `opener` gets the focus back. */
export function openServicePanel(open, opener) {
  const n = ++seq;
  const titleId = `browser-title-${n}`;
  const status = Number(open.status) || 0;
  const close = el('button', { type: 'button', class: 'btn' }, t('Close'));
  const body = el('pre', { class: 'browser-body', tabindex: '0', 'aria-label': t('What {url} answers', { url: open.url }) });
  body.textContent = open.body || '';
  body.style.cssText = 'max-height: 50vh; overflow: auto; white-space: pre-wrap; margin: 8px 0;';
  const dialog = el('dialog', { class: 'image-dialog browser-dialog', 'aria-labelledby': titleId },
    el('h2', { id: titleId }, `minikube service ${open.title}`),
    el('p', { class: 'muted browser-url' }, open.url),
    el('p', { class: 'browser-status' }, status ? `HTTP ${status}` : t('No answer')),
    body,
    el('div', { class: 'actions' }, close));
  dialog.addEventListener('keydown', (e) => { if (e.key === 'Escape') e.stopPropagation(); });
  close.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => {
    dialog.remove();
    if (opener && opener.isConnected) opener.focus();
  });
  document.body.append(dialog);
  dialog.showModal();
  close.focus();
  return dialog;
}
