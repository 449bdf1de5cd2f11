// Cooking of string literals: escape processing for "…" strings and the raw-plus-dedent rule of
// """…""" strings. Both work on slices of the file text and concatenate whole runs between
// escapes, never single characters, because prompts can be long.

/** The cooked value of the "…" string whose content (without quotes) is text[from, to). */
export function cookPlain(text: string, from: number, to: number, hasEscape: boolean): string {
  if (!hasEscape) return text.slice(from, to);
  let out = '';
  let run = from;
  for (let i = from; i < to; i++) {
    if (text.charCodeAt(i) !== 92) continue;
    if (i + 1 >= to) break; // A trailing backslash (unterminated string) is kept as written.
    let cooked: string;
    switch (text.charCodeAt(i + 1)) {
      case 110:
        cooked = '\n';
        break;
      case 116:
        cooked = '\t';
        break;
      case 114:
        cooked = '\r';
        break;
      case 34:
        cooked = '"';
        break;
      case 92:
        cooked = '\\';
        break;
      case 123:
        cooked = '{';
        break;
      case 125:
        cooked = '}';
        break;
      default:
        // An unknown escape (already reported by the lexer) keeps its backslash.
        continue;
    }
    out += text.slice(run, i) + cooked;
    i++;
    run = i + 1;
  }
  return out + text.slice(run, to);
}

/** True when raw[from, to) holds only spaces and tabs. */
function isBlank(raw: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = raw.charCodeAt(i);
    if (c !== 32 && c !== 9) return false;
  }
  return true;
}

/**
 * The cooked value of the """…""" string whose content is text[from, to): raw except for the
 * escapes `\"""` and `\{{`, line breaks normalised to '\n', a whitespace-only first and last line
 * dropped, and the common leading whitespace of the non-blank lines removed (like Python's
 * textwrap.dedent); whitespace-only lines become empty. Lines are measured as ranges of the
 * raw text rather than split into an array, since prompts are the bulk of a spec.
 */
export function cookTriple(text: string, from: number, to: number, hasEscape: boolean): string {
  let raw = text.slice(from, to);
  if (hasEscape) raw = raw.replaceAll('\\"""', '"""').replaceAll('\\{{', '{{');
  if (raw.includes('\r')) raw = raw.replace(/\r\n?/g, '\n');
  let start = 0;
  let end = raw.length;
  const firstBreak = raw.indexOf('\n');
  if (firstBreak >= 0) {
    if (isBlank(raw, 0, firstBreak)) start = firstBreak + 1;
    const lastBreak = raw.lastIndexOf('\n');
    if (isBlank(raw, lastBreak + 1, end)) end = lastBreak >= start ? lastBreak : start;
  }
  // The common indentation: the longest whitespace prefix shared by every non-blank line.
  let indentFrom = -1;
  let indentLen = 0;
  let blankWithSpace = false;
  for (let ls = start; ls <= end; ) {
    let le = raw.indexOf('\n', ls);
    if (le < 0 || le > end) le = end;
    let n = ls;
    while (n < le && (raw.charCodeAt(n) === 32 || raw.charCodeAt(n) === 9)) n++;
    if (n === le) {
      if (le > ls) blankWithSpace = true;
    } else if (indentFrom < 0) {
      indentFrom = ls;
      indentLen = n - ls;
    } else {
      let k = 0;
      const max = Math.min(n - ls, indentLen);
      while (k < max && raw.charCodeAt(ls + k) === raw.charCodeAt(indentFrom + k)) k++;
      indentLen = k;
    }
    ls = le + 1;
  }
  let content = start === 0 && end === raw.length ? raw : raw.slice(start, end);
  // Two native regular-expression passes build the result as one flat string, instead of a
  // concatenation per line that the tree would keep alive until the string is first read.
  if (indentLen > 0) content = content.replace(indentPattern(raw.slice(indentFrom, indentFrom + indentLen)), '');
  if (blankWithSpace) content = content.replace(/^[ \t]+$/gm, '');
  return content;
}

/** Cached `^<indent>` patterns (multiline); specs use a handful of distinct indentations. */
const indentPatterns = new Map<string, RegExp>();

function indentPattern(indent: string): RegExp {
  let re = indentPatterns.get(indent);
  if (re === undefined) {
    if (indentPatterns.size >= 64) indentPatterns.clear();
    // The indentation holds only spaces and tabs, which need no escaping in a pattern.
    re = new RegExp('^' + indent, 'gm');
    indentPatterns.set(indent, re);
  }
  return re;
}
