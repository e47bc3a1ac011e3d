/**
 * The page's own words in English and Japanese (issue 10). Kubernetes' outputs — kubectl's tables,
 * describe, logs, the apiserver's errors — are never translated: they stay as the real tools print.
 *
 * The English text is the key (gettext's way): `t('Add node')` is 'Add node' in English and the
 * dictionary's entry in Japanese, so a string without an entry still reads in English. Variables
 * are `{name}` placeholders filled from `vars`: `t('{n} pods', { n: 3 })`. A count's words go through
 * `tn(one, other, n, vars)`: English picks `one` for 1 and `other` otherwise; a dictionary keys the
 * pair by `other` (Japanese has no plural, so one entry covers both), `{n}` being the count.
 * The language: the user's choice (localStorage `kubeplay.lang`), else the browser's first
 * language that we have (`navigator.languages`), else English. Changing it reloads the page's words
 * by reloading the page (every module builds its text once), keeping the terminal and the editor
 * (they survive reloads already).
 * Markup in templates/index.html is translated by `translateDocument`: an element with
 * `data-i18n` gets its text replaced, and `data-i18n-attrs="aria-label title placeholder"` lists the
 * attributes whose English values are translated.
 *
 * The switch: `installLanguageSwitch(select)` fills the top bar's <select> named "Language" with
 * LANGUAGES (each in its own words) and, on a change, remembers the choice and reloads the page.
 *
 * Owns: the language choice, the lookup and the switch. Hands off: the dictionaries (i18n/ja.js).
 */
import { JA } from './i18n/ja.js';

const DICTIONARIES = { ja: JA };
export const LANGUAGES = [
  { code: 'en', name: 'English' },
  { code: 'ja', name: '日本語' },
];
const KEY = 'kubeplay.lang';

function chosen() {
  try {
    const saved = localStorage.getItem(KEY);
    if (saved && LANGUAGES.some((l) => l.code === saved)) return saved;
  } catch { /* storage may be refused */ }
  const asked = (typeof navigator !== 'undefined' && (navigator.languages || [navigator.language])) || [];
  for (const tag of asked) {
    const code = String(tag || '').toLowerCase().split('-')[0];
    if (LANGUAGES.some((l) => l.code === code)) return code;
  }
  return 'en';
}

let lang = chosen();

/** The page's language code ('en' or 'ja'). */
export function language() {
  return lang;
}

/** Sets (and remembers) the language; the caller reloads or re-renders. */
export function setLanguage(code) {
  if (!LANGUAGES.some((l) => l.code === code)) throw new Error(`unknown language ${code}`);
  lang = code;
  try { localStorage.setItem(KEY, code); } catch { /* storage may be refused */ }
}

/** `english` in the page's language, with `{name}` placeholders filled from `vars`. */
export function t(english, vars) {
  const dict = DICTIONARIES[lang];
  let text = (dict && dict[english]) || english;
  if (vars) text = text.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
  return text;
}

/**
 * A count's words: `one` when `n` is 1 and `other` otherwise in English; in another language the
 * dictionary's entry for `other` whatever `n` (`{n}` and `vars` filled in both).
 */
export function tn(one, other, n, vars) {
  const dict = DICTIONARIES[lang];
  const all = { n, ...(vars || {}) };
  if (dict && dict[other]) return t(other, all);
  return t(n === 1 ? one : other, all);
}

/** The top bar's language <select>: its options, the current choice, and a reload on a change. */
export function installLanguageSwitch(select) {
  if (!select) return;
  select.replaceChildren(...LANGUAGES.map(({ code, name }) => {
    const opt = select.ownerDocument.createElement('option');
    opt.value = code;
    opt.lang = code;
    opt.textContent = name;
    return opt;
  }));
  select.value = lang;
  select.addEventListener('change', () => {
    setLanguage(select.value);
    location.reload();
  });
}

/** Translates the markup's marked elements and attributes (see the module docstring). */
export function translateDocument(root = document) {
  if (root.documentElement) root.documentElement.lang = lang;
  if (lang === 'en') return;
  for (const el of root.querySelectorAll('[data-i18n]')) {
    const english = el.dataset.i18n || el.textContent.trim();
    el.dataset.i18n = english;
    el.textContent = t(english);
  }
  for (const el of root.querySelectorAll('[data-i18n-attrs]')) {
    for (const attr of el.dataset.i18nAttrs.split(/\s+/).filter(Boolean)) {
      const english = el.getAttribute(attr);
      if (english) el.setAttribute(attr, t(english));
    }
  }
}
