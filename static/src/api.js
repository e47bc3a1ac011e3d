/**
 * The page's HTTP client for one sandbox (the contract in README / issue 2 §4).
 *
 * Owns: the sandbox id (kept in sessionStorage so a reload keeps the same sandbox; a tab gets
 * its own), JSON requests and their errors. Hands off: everything else calls `sandbox.post`.
 */

const KEY = 'kubeplay.sandbox';

export class ApiError extends Error {
  constructor(status, body) {
    super((body && (body.error || body.message)) || `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

async function request(method, url, body) {
  const init = { method, headers: { Accept: 'application/json' } };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(url, init);
  let data = null;
  try { data = await res.json(); } catch { data = null; }
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

export class Sandbox {
  constructor(id) {
    this.id = id;
  }

  url(path) {
    return `/api/sandboxes/${encodeURIComponent(this.id)}${path}`;
  }

  get(path) { return request('GET', this.url(path)); }

  post(path, body = {}) { return request('POST', this.url(path), body); }

  delete(path) { return request('DELETE', this.url(path)); }

  /** GET /api/sandboxes/<id> ({id, preset, readOnly, maxNodes, pageNodes}), asked once: it does not
   * change while the tab shows this sandbox (a new preset is a new sandbox). */
  info() {
    if (!this._info) this._info = this.get('');
    return this._info;
  }

  /** The sandbox of this tab: the stored one if the server still knows it, else a fresh one. */
  static async open() {
    const stored = sessionStorage.getItem(KEY);
    if (stored) {
      const sb = new Sandbox(stored);
      try {
        const examples = await sb.get('/examples');
        return { sandbox: sb, examples };
      } catch (e) {
        if (!(e instanceof ApiError) || e.status !== 404) throw e;
      }
    }
    const created = await request('POST', '/api/sandboxes', {});
    sessionStorage.setItem(KEY, created.id);
    const sb = new Sandbox(created.id);
    return { sandbox: sb, examples: await sb.get('/examples').catch(() => []) };
  }

  /** A fresh sandbox of ``preset`` (kubeadm, minikube, kind) becomes this tab's sandbox. */
  static async create(preset) {
    const created = await request('POST', '/api/sandboxes', { preset });
    sessionStorage.setItem(KEY, created.id);
    return new Sandbox(created.id);
  }

  static forget() {
    sessionStorage.removeItem(KEY);
  }
}
