/**
 * The one DOM helper the panels share: `el('button', {class, onclick, 'aria-label'}, ...children)`.
 * Attributes: `class` sets className, `on…` adds a listener, false/null/undefined are left out,
 * `true` becomes an empty attribute; null/undefined children are skipped.
 */
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null && v !== false) e.setAttribute(k, v === true ? '' : v);
  }
  e.append(...children.filter((c) => c !== null && c !== undefined));
  return e;
}
