/**
 * Whether the lines typed (or pasted) so far make a whole command, as bash's parser decides
 * before it shows its `> ` continuation prompt and waits for another line.
 *
 * Owns: `incomplete(text)`, a small scan of the text (lines joined by `\n`, no trailing newline)
 * that reports why more input is needed — `'quote'` (an open `'…'`, `"…"` or backquote),
 * `'heredoc'` (a `<<WORD` / `<<-WORD` / `<<'WORD'` whose terminator line has not arrived),
 * `'line'` (a trailing backslash, or a line ending in `|`, `&&`, `||`), `'compound'` (an `if`
 * without `fi`, a loop without `done`, `case` without `esac`, `{` without `}`, an open `(` or
 * `$(`) — or `''` when bash would run it. Pure: no DOM, tested against `bash -n`.
 * Hands off: the terminal (terminal.js) keeps the lines and sends the whole command to `/run`.
 */

/** compound commands opened at command position, and the word that closes each */
const OPENERS = { if: 'fi', case: 'esac', for: 'done', while: 'done', until: 'done', select: 'done', '{': '}' };
const CLOSERS = new Set(['fi', 'esac', 'done', '}']);
/** reserved words after which the next word is a command again */
const KEEP_COMMAND = new Set(['if', 'then', 'else', 'elif', 'do', 'while', 'until', '{', '!', 'time']);
const SPECIAL = ' \t\n;&|()<>\'"`\\$';

/** The here-document word after `<<`: its quotes removed (bash compares the unquoted text). */
function hereWord(text, i) {
  let word = '';
  let quote = null;
  for (; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = null;
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
    } else if (c === '\\' && i + 1 < text.length) {
      word += text[++i];
    } else if (' \t\n;&|()<>'.includes(c)) {
      break;
    } else {
      word += c;
    }
  }
  return { word, end: i };
}

/** Consumes the bodies of the pending here-documents from `i`; returns where they end, or -1. */
function hereBodies(text, i, docs) {
  for (const { word, strip } of docs) {
    for (;;) {
      if (i > text.length) return -1;
      let nl = text.indexOf('\n', i);
      if (nl < 0) nl = text.length;
      let line = text.slice(i, nl);
      if (strip) line = line.replace(/^\t+/, '');
      i = nl + 1;
      if (line === word) break;
      if (nl === text.length) return -1;
    }
  }
  return i;
}

export function incomplete(text) {
  const n = text.length;
  const stack = [];
  let docs = [];
  let quote = null;
  let command = true; // the next word is at command position (where reserved words count)
  let op = ''; // the operator the text last ended with
  let i = 0;
  while (i < n) {
    const c = text[i];
    if (quote === "'") {
      if (c === "'") quote = null;
      i++;
      continue;
    }
    if (quote) { // "…" or `…`
      if (c === '\\') i++;
      else if (c === quote) quote = null;
      i++;
      continue;
    }
    if (c === '\\') {
      if (i + 1 >= n) return 'line';
      i += 2;
      op = '';
      command = false;
      continue;
    }
    if (c === "'" || c === '"' || c === '`') {
      quote = c;
      op = '';
      command = false;
      i++;
      continue;
    }
    if (c === '\n') {
      i++;
      if (docs.length) {
        i = hereBodies(text, i, docs);
        if (i < 0) return 'heredoc';
        docs = [];
      }
      if (!op || op === ';' || op === '&' || op === '(') command = true;
      continue;
    }
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    if (c === '#' && (i === 0 || ' \t\n;&|()'.includes(text[i - 1]))) {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    if (text.startsWith('<<<', i)) { // a here-string: its word is on this line
      i += 3;
      continue;
    }
    if (text.startsWith('<<', i)) {
      i += 2;
      let strip = false;
      if (text[i] === '-') {
        strip = true;
        i++;
      }
      while (text[i] === ' ' || text[i] === '\t') i++;
      const { word, end } = hereWord(text, i);
      if (word) docs.push({ word, strip });
      i = end;
      op = '';
      command = false;
      continue;
    }
    if (c === ';' || c === '&' || c === '|') {
      const two = text.slice(i, i + 2);
      op = ['&&', '||', ';;', '|&', ';&'].includes(two) ? two : c;
      i += op.length;
      command = true;
      continue;
    }
    if (c === '(' || (c === '$' && text[i + 1] === '(')) {
      stack.push(c === '$' ? '$)' : ')'); // `$(…)` is inside a word; `( … )` a subshell or `f()`
      op = '(';
      command = true;
      i += c === '$' ? 2 : 1;
      continue;
    }
    if (c === ')') {
      const top = stack[stack.length - 1];
      if (top === ')' || top === '$)') stack.pop();
      op = '';
      command = top === ')'; // `f()` and `( … )` may be followed by a compound command's word
      i++;
      continue;
    }
    if (c === '$' && text[i + 1] === '{') {
      const close = text.indexOf('}', i + 2);
      if (close < 0) return 'compound';
      op = '';
      command = false;
      i = close + 1;
      continue;
    }
    let j = i;
    while (j < n && !SPECIAL.includes(text[j])) j++;
    if (j === i) j = i + 1; // a lone `$`, `<`, `>`
    const word = text.slice(i, j);
    const ends = j >= n || ' \t\n;&|()<>'.includes(text[j]);
    if (command && ends && word in OPENERS) {
      stack.push(OPENERS[word]);
      command = KEEP_COMMAND.has(word);
    } else if (command && ends && CLOSERS.has(word) && stack[stack.length - 1] === word) {
      stack.pop();
      command = false;
    } else {
      command = command && ends && KEEP_COMMAND.has(word);
    }
    op = '';
    i = j;
  }
  if (quote) return 'quote';
  if (docs.length) return 'heredoc';
  if (op === '|' || op === '&&' || op === '||' || op === '|&') return 'line';
  if (stack.length) return 'compound';
  return '';
}
