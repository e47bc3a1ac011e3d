/**
 * The cluster chooser in the top bar: a labelled <select> "Cluster" with the presets the server
 * builds a sandbox from (server/sim/presets.py: the kubeadm lab, minikube, kind, and a large kubeadm-style cluster).
 *
 * Owns: showing this tab's sandbox preset (GET /api/sandboxes/<id>) and, on a change, creating a
 * fresh sandbox of the chosen preset (POST /api/sandboxes {"preset"}) that the tab then opens —
 * the old sandbox is left as it was. Hands off: the request and the stored id to api.js.
 */
import { Sandbox } from './api.js';
import { t } from './i18n.js';

export const PRESETS = [
  ['kubeadm', t('kubeadm lab (master, node1, node2)')],
  ['minikube', t('minikube (one node)')],
  ['kind', t('kind (control-plane + worker)')],
  ['large', t('large cluster (master + 100 workers)')],
];

export class PresetChooser {
  constructor(anchor, sandbox) {
    this.sandbox = sandbox;
    const label = document.createElement('label');
    label.className = 'preset';
    label.append(`${t('Cluster')} `);
    const select = document.createElement('select');
    select.id = 'preset';
    select.setAttribute('aria-label', t('Cluster'));
    for (const [value, text] of PRESETS) {
      const opt = document.createElement('option');
      opt.value = value;
      opt.textContent = text;
      select.append(opt);
    }
    label.append(select);
    anchor.before(label);
    this.select = select;
    sandbox.info().then((info) => { if (info && info.preset) select.value = info.preset; }).catch(() => {});
    select.addEventListener('change', async () => {
      select.disabled = true;
      try {
        await Sandbox.create(select.value);
        location.reload();
      } catch (e) {
        select.disabled = false;
        select.setCustomValidity(e.message);
      }
    });
  }
}
