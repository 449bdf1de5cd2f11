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

function isBlank(line: string): boolean {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c !== 32 && c !== 9) return false;
  }
  return true;
}

/**
 * The cooked value of the """…""" string whose content is text[from, to): raw except for the
 * escapes `\"""` and `\{{`, line breaks normalised to '\n', a whitespace-only first and last line
 * dropped, and the common leading whitespace of the non-blank lines removed (like Python's
 * textwrap.dedent); whitespace-only lines become empty.
 */
export function cookTriple(text: string, from: number, to: number, hasEscape: boolean): string {
  let raw = text.slice(from, to);
  if (hasEscape) raw = raw.replaceAll('\\"""', '"""').replaceAll('\\{{', '{{');
  if (raw.includes('\r')) raw = raw.replace(/\r\n?/g, '\n');
  const lines = raw.split('\n');
  if (lines.length > 1) {
    if (isBlank(lines[0]!)) lines.shift();
    if (lines.length > 0 && isBlank(lines[lines.length - 1]!)) lines.pop();
  }
  // The common indentation is the longest whitespace prefix shared by every non-blank line.
  let indent: string | undefined;
  for (const line of lines) {
    if (isBlank(line)) continue;
    let n = 0;
    while (n < line.length && (line.charCodeAt(n) === 32 || line.charCodeAt(n) === 9)) n++;
    if (indent === undefined) indent = line.slice(0, n);
    else {
      let k = 0;
      const max = Math.min(n, indent.length);
      while (k < max && line.charCodeAt(k) === indent.charCodeAt(k)) k++;
      if (k < indent.length) indent = indent.slice(0, k);
    }
    if (indent.length === 0) break;
  }
  const cut = indent === undefined ? 0 : indent.length;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    lines[i] = isBlank(line) ? '' : line.slice(cut);
  }
  return lines.join('\n');
}
