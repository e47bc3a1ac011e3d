/**
 * The "Add-ons" menu: the cluster add-ons a learner switches on, as `minikube addons enable` or a lab
 * administrator would (a storage provisioner, metrics-server, the ingress-nginx controller).
 *
 * Owns: the button and its menu of switches (`role=menuitemcheckbox`, one per add-on, named by the
 * add-on with its description as the title), the state they show (from `GET /addons`, then from
 * each switch's answer), and the menu's last item, "Add an image…" (the lab's other missing piece:
 * an image kubeplay's simulated registry lacks), which opens images.js's dialog.
 * Hands off: `POST /addons/<name> {enabled}` goes to the server, which
 * journals it; the objects an add-on creates (its Deployment, StorageClass, IngressClass …) reach
 * the canvas and the terminal as any other change, through the store's deltas.
 */
import { el, openMenu, closeMenu, menuKeys } from './dom.js';
import { openImageDialog } from './images.js';
import { t } from './i18n.js';

const DESCRIPTIONS = {
  'storage-provisioner': t('Dynamic provisioning of hostPath volumes (local-path) and a default StorageClass'),
  'metrics-server': t('Resource usage of nodes and pods for kubectl top and the HorizontalPodAutoscaler'),
  ingress: t('The ingress-nginx controller, its NodePort Service and the nginx IngressClass'),
};

export class AddonsMenu {
  constructor(anchor, { sandbox, onError }) {
    this.sandbox = sandbox;
    this.onError = onError;
    this.states = {};
    this.button = anchor.querySelector('#addons');
    this.menu = anchor.querySelector('#addon-menu');
    this.button.addEventListener('click', () => (this.menu.hidden ? this.open() : this.close()));
    this.menu.addEventListener('keydown', (e) => this.keys(e));
    document.addEventListener('keydown', (e) => { if (e.key === 'Escape' && !this.menu.hidden) this.close(true); });
    document.addEventListener('pointerdown', (e) => {
      if (!this.menu.hidden && !this.menu.contains(e.target) && !this.button.contains(e.target)) this.close();
    }, true);
    this.load();
  }

  async load() {
    try {
      this.set((await this.sandbox.get('/addons')).addons);
    } catch (e) {
      this.onError(`add-ons: ${e.message}`);
    }
  }

  set(states) {
    this.states = states || {};
    const on = Object.values(this.states).filter(Boolean).length;
    this.button.textContent = on ? t('Add-ons ({n} on)', { n: on }) : t('Add-ons');
    this.render();
  }

  render() {
    const items = Object.keys(this.states).sort().map((name) => {
      const enabled = !!this.states[name];
      return el('button', {
        type: 'button', role: 'menuitemcheckbox', class: 'menuitem', 'aria-checked': String(enabled),
        title: DESCRIPTIONS[name] || name, 'data-addon': name,
        onclick: () => this.toggle(name, !enabled),
      }, el('span', { class: 'check', 'aria-hidden': 'true' }, enabled ? '☑' : '☐'), ` ${name}`);
    });
    const addImage = el('button', {
      type: 'button', role: 'menuitem', class: 'menuitem',
      title: t('Publish your own image to the simulated registry (name, tag, port, its answer and logs)'),
      onclick: () => { this.close(); openImageDialog(this.sandbox, { opener: this.button }); },
    }, t('Add an image…'));
    this.menu.replaceChildren(...items, el('div', { role: 'separator', class: 'menu-sep' }), addImage);
  }

  open() {
    this.render();
    openMenu(this.button, this.menu);
  }

  close(restoreFocus = false) {
    closeMenu(this.button, this.menu, restoreFocus);
  }

  keys(e) {
    menuKeys(this.menu, e);
  }

  async toggle(name, enabled) {
    try {
      this.set((await this.sandbox.post(`/addons/${encodeURIComponent(name)}`, { enabled })).addons);
      const item = this.menu.querySelector(`[data-addon="${name}"]`);
      if (item && !this.menu.hidden) item.focus();
    } catch (e) {
      this.onError(`${enabled ? 'enable' : 'disable'} add-on ${name}: ${e.message}`);
    }
  }
}
