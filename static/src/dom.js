/**
 * The DOM helpers the panels share: `el` and the menu button's behaviour (`openMenu`, `closeMenu`,
 * `menuKeys`: the WAI-ARIA menu button pattern the top bar's menus follow).
 *
 * `el`: `el('button', {class, onclick, 'aria-label'}, ...children)`.
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

/** A menu's items (plain and checkbox). */
export const MENU_ITEMS = '[role=menuitemcheckbox], [role=menuitem]';

/** Show `menu` under its `button` and focus its first item. */
export function openMenu(button, menu) {
  menu.hidden = false;
  button.setAttribute('aria-expanded', 'true');
  const first = menu.querySelector(MENU_ITEMS);
  if (first) first.focus();
}

/** Hide `menu`; give the focus back to its button when the keyboard closed it. */
export function closeMenu(button, menu, restoreFocus = false) {
  menu.hidden = true;
  button.setAttribute('aria-expanded', 'false');
  if (restoreFocus) button.focus();
}

/** ArrowDown/ArrowUp move the focus through the menu's items, wrapping around. */
export function menuKeys(menu, e) {
  const items = [...menu.querySelectorAll(MENU_ITEMS)];
  const i = items.indexOf(document.activeElement);
  if (e.key === 'ArrowDown') { items[(i + 1) % items.length].focus(); e.preventDefault(); }
  if (e.key === 'ArrowUp') { items[(i - 1 + items.length) % items.length].focus(); e.preventDefault(); }
}
