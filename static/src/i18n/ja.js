/**
 * Japanese for the page's own words, keyed by the English text (i18n.js). Kubernetes' own words
 * (kinds, statuses such as Running or CrashLoopBackOff, field names, kubectl's output) stay in
 * English, as a Japanese-speaking user sees them in the real tools.
 */
export const JA = {
  'Add node': 'ノードを追加',
};
