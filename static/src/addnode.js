/**
 * The cluster pane's "Add node" button: a worker joins (POST /api/sandboxes/<id>/nodes; the server
 * picks the first free nodeN) and shows up as a delta.
 *
 * Owns: the button and the page's node cap. The sandbox says how many nodes the page adds
 * (GET /api/sandboxes/<id> `pageNodes`: a dozen for the small presets, which is all their sandbox
 * runs, 1,000 for `large`) and how many it runs (`maxNodes`: 5,000 for `large`, joined through the
 * API). At the cap the button is disabled and its title, which is its accessible description, says
 * why and where more nodes come from. `setNodes(n)` is told the count of Node objects.
 * Hands off: the count comes from the page's mirror (main.js), errors go to `onError`.
 */
import { t } from './i18n.js';

export class AddNodeButton {
  constructor(anchor, sandbox, { onError }) {
    this.sandbox = sandbox;
    this.cap = Infinity;
    this.max = Infinity;
    this.nodes = 0;
    this.busy = false;
    const b = this.button = document.createElement('button');
    b.type = 'button';
    b.id = 'add-node';
    b.className = 'btn btn-small';
    b.textContent = t('Add node');
    b.addEventListener('click', async () => {
      this.busy = true;
      this.update();
      try {
        await sandbox.post('/nodes', {});
      } catch (e) {
        onError(`add node: ${e.message}`);
      } finally {
        this.busy = false;
        this.update();
      }
    });
    anchor.after(b);
    this.update();
    sandbox.info().then((info) => {
      if (info && Number.isFinite(info.pageNodes)) this.cap = info.pageNodes;
      if (info && Number.isFinite(info.maxNodes)) this.max = info.maxNodes;
      this.update();
    }).catch(() => {});
  }

  setNodes(count) {
    if (count === this.nodes) return;
    this.nodes = count;
    this.update();
  }

  update() {
    const full = this.nodes >= this.cap;
    this.button.disabled = this.busy || full;
    if (!full) this.button.title = t('A new worker joins the cluster (kubeadm join)');
    else if (this.max > this.cap) {
      this.button.title = t('The page adds at most {cap} nodes; up to {max} join through the API (POST /api/sandboxes/<id>/nodes)',
        { cap: this.cap.toLocaleString('en-US'), max: this.max.toLocaleString('en-US') });
    } else this.button.title = t('This cluster runs at most {cap} nodes: remove one first', { cap: this.cap });
  }
}
