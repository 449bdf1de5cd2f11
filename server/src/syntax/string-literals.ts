// Scanning of string literals: `"…"` strings with their escapes and `{{ … }}` template holes, and
// raw `"""…"""` strings. They live apart from the Lexer because their rules (which escapes are
// valid, where a template hole ends, when a string is unterminated) are a topic of their own and
// the longest part of lexing; the Lexer calls them once per string token and turns the result
// into a token.
//
// Like scanNumberEnd, the scanners return the end of the literal and leave its Str flags in a
// module variable, so scanning a string allocates nothing. Errors go straight to the sink; the
// Lexer marks an unterminated literal's token as Bad.
import type { DiagSink } from './diag-sink.ts';
import { Str as StrEnum } from './tokens.ts';

// Copied into a module constant: under per-file transpilation every read of an imported binding
// is a getter call, and these are read per character of a string.
const Str = StrEnum;

/** The Str flags of the literal the last scanString or scanTripleString call scanned. */
export let scannedStringSub = 0;

/**
 * Scans the `"…"` string starting at the quote at `i`, reporting unknown escapes (AG1001) and a
 * missing closing quote (AG1002). Returns its end; its Str flags are in scannedStringSub.
 */
export function scanString(text: string, i: number, to: number, sink: DiagSink): number {
  let sub = 0;
  let j = i + 1;
  // Inside `{{ … }}` a quote starts a string literal of the template expression (as in
  // `{{ matches(text, "re") }}`) rather than ending the outer string.
  let inTemplate = false;
  for (;;) {
    if (j >= to) {
      sub |= Str.Unterminated;
      break;
    }
    const c = text.charCodeAt(j);
    if (c === 34) {
      if (!inTemplate) {
        j++;
        break;
      }
      let k = j + 1;
      while (k < to) {
        const d = text.charCodeAt(k);
        if (d === 34 || d === 10 || d === 13) break;
        k += d === 92 ? 2 : 1;
      }
      j = k < to && text.charCodeAt(k) === 34 ? k + 1 : Math.min(k, to);
      continue;
    }
    if (c === 125 && inTemplate && j + 1 < to && text.charCodeAt(j + 1) === 125) {
      inTemplate = false;
      j += 2;
      continue;
    }
    if (c === 92) {
      sub |= Str.Escape;
      const e = j + 1 < to ? text.charCodeAt(j + 1) : -1;
      if (e === 10 || e === 13 || e === -1) {
        j++;
        continue;
      }
      // Valid escapes: \" \\ \n \t \r \{ \}
      if (e !== 34 && e !== 92 && e !== 110 && e !== 116 && e !== 114 && e !== 123 && e !== 125) {
        const len = e >= 0xd800 && e <= 0xdbff ? 3 : 2;
        sink.add(
          'AG1001',
          `Unknown escape '${text.slice(j, j + len)}' in a string. Use \\" \\\\ \\n \\t \\r \\{ or \\}; write \\\\ for a backslash.`,
          j,
          j + len,
        );
      }
      j += 2;
      continue;
    }
    if (c === 10 || c === 13) {
      sub |= Str.Unterminated;
      break;
    }
    if (c === 123 && j + 1 < to && text.charCodeAt(j + 1) === 123) {
      sub |= Str.Template;
      inTemplate = true;
      j += 2;
      continue;
    }
    j++;
  }
  if (sub & Str.Unterminated) {
    sink.add(
      'AG1002',
      'Unterminated string: add a closing \'"\' on the same line (use """…""" for text that spans lines).',
      i,
      j,
    );
  }
  scannedStringSub = sub;
  return j;
}

/**
 * Scans the raw `"""…"""` string starting at `i` (the first of its quotes), reporting a missing
 * close (AG1002). Returns its end; its Str flags are in scannedStringSub.
 */
export function scanTripleString(text: string, i: number, to: number, sink: DiagSink): number {
  // Prompts are long, so find the closing quotes with native searches when the body holds no
  // backslash (which could escape them); otherwise fall back to the character loop below.
  const close = text.indexOf('"""', i + 3);
  if (close >= 0 && close + 3 <= to) {
    const body = text.slice(i + 3, close);
    if (!body.includes('\\')) {
      scannedStringSub = body.includes('{{') ? Str.Template : 0;
      return close + 3;
    }
  }
  let sub = 0;
  let j = i + 3;
  for (;;) {
    if (j >= to) {
      sub |= Str.Unterminated;
      j = to;
      break;
    }
    const c = text.charCodeAt(j);
    if (c === 34) {
      if (j + 2 < to && text.charCodeAt(j + 1) === 34 && text.charCodeAt(j + 2) === 34) {
        j += 3;
        break;
      }
      j++;
      continue;
    }
    if (c === 92) {
      // Triple-quoted strings are raw; only `\"""` and `\{{` are escapes.
      if (text.startsWith('"""', j + 1) && j + 4 <= to) {
        sub |= Str.Escape;
        j += 4;
        continue;
      }
      if (text.startsWith('{{', j + 1) && j + 3 <= to) {
        sub |= Str.Escape;
        j += 3;
        continue;
      }
      j++;
      continue;
    }
    if (c === 123 && j + 1 < to && text.charCodeAt(j + 1) === 123) {
      sub |= Str.Template;
      j += 2;
      continue;
    }
    j++;
  }
  if (sub & Str.Unterminated) {
    sink.add('AG1002', 'Unterminated triple-quoted string: add a closing """.', i, i + 3);
  }
  scannedStringSub = sub;
  return j;
}

