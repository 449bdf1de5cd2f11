// The `.agentgraph` lexer. It scans a range of the text once, with charCodeAt and an integer
// character-class table, into the parallel typed arrays of a TokenStream. Trivia (whitespace and
// comments) produce no tokens: a line break is recorded as a flag on the next token, and `///`
// doc-comment lines are attached to the next token, which is all the parser needs of them.
//
// The lexer never throws. Characters it cannot use are reported (AG1001) and skipped; malformed
// literals (unterminated strings, invalid numbers) still become tokens, flagged, so the parser can
// build a literal node and carry on without a second error.
import type { DiagSink } from './diag-sink.ts';
import {
  FLAG_DOC,
  FLAG_JUNK,
  FLAG_NEWLINE,
  Kw,
  NUM_INTEGER,
  NUM_INVALID,
  STR_ESCAPE,
  STR_TEMPLATE,
  STR_UNTERMINATED,
  Tok,
  Unit,
  type TokenStream,
} from './tokens.ts';

// Character classes of ASCII characters; everything at or above 128 is C_OTHER except the few
// invisible spaces handled explicitly.
const C_OTHER = 0;
const C_SPACE = 1;
const C_NEWLINE = 2;
const C_IDENT = 3;
const C_DIGIT = 4;
const C_PUNCT = 5;

const CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95) CLASS[c] = C_IDENT;
  else if (c >= 48 && c <= 57) CLASS[c] = C_DIGIT;
}
CLASS[32] = C_SPACE;
CLASS[9] = C_SPACE;
CLASS[11] = C_SPACE;
CLASS[12] = C_SPACE;
CLASS[10] = C_NEWLINE;
CLASS[13] = C_NEWLINE;
for (const ch of '{}()[],:.?|=!<>+-*/&"$') CLASS[ch.charCodeAt(0)] = C_PUNCT;

/** True for `[A-Za-z0-9_]`. */
export function isIdentPart(c: number): boolean {
  return c < 128 && (CLASS[c] === C_IDENT || CLASS[c] === C_DIGIT);
}

/** True for `[A-Za-z_]`. */
export function isIdentStart(c: number): boolean {
  return c < 128 && CLASS[c] === C_IDENT;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Whether the last scanNumberEnd call saw neither a fraction nor an exponent. */
let scannedInteger = true;

/**
 * Returns the end of the longest valid number (`12`, `0.5`, `1e6`, `1.5E-3`) starting at `i`,
 * which must be a digit. A module variable reports whether it was an integer, so this hot helper
 * allocates nothing.
 */
export function scanNumberEnd(text: string, i: number, end: number): number {
  let j = i;
  while (j < end && isDigit(text.charCodeAt(j))) j++;
  scannedInteger = true;
  if (j + 1 < end && text.charCodeAt(j) === 46 && isDigit(text.charCodeAt(j + 1))) {
    scannedInteger = false;
    j += 2;
    while (j < end && isDigit(text.charCodeAt(j))) j++;
  }
  const e = text.charCodeAt(j);
  if (j < end && (e === 101 || e === 69)) {
    let k = j + 1;
    const sign = text.charCodeAt(k);
    if (sign === 43 || sign === 45) k++;
    if (k < end && isDigit(text.charCodeAt(k))) {
      scannedInteger = false;
      j = k + 1;
      while (j < end && isDigit(text.charCodeAt(j))) j++;
    }
  }
  return j;
}

/** The value of the valid number starting at `i` (see scanNumberEnd); 0 when there is none. */
export function numberValue(text: string, i: number, end: number): number {
  // Small integers are the common case; accumulating digits avoids slicing a string.
  let v = 0;
  let j = i;
  while (j < end) {
    const c = text.charCodeAt(j);
    if (c < 48 || c > 57) break;
    v = v * 10 + (c - 48);
    j++;
  }
  if (j === i) return 0;
  const numEnd = scanNumberEnd(text, i, end);
  if (numEnd === j && j - i <= 15) return v;
  return Number(text.slice(i, numEnd));
}

function keywordOf(text: string, s: number, len: number): Kw {
  switch (text.charCodeAt(s)) {
    case 97: // a
      if (len === 5 && text.startsWith('agent', s)) return Kw.Agent;
      if (len === 6 && text.startsWith('assert', s)) return Kw.Assert;
      break;
    case 98: // b
      if (len === 6 && text.startsWith('budget', s)) return Kw.Budget;
      if (len === 7) {
        if (text.startsWith('backoff', s)) return Kw.Backoff;
        if (text.startsWith('boolean', s)) return Kw.Boolean;
      }
      break;
    case 101: // e
      if (len === 3 && text.startsWith('end', s)) return Kw.End;
      if (len === 4 && text.startsWith('eval', s)) return Kw.Eval;
      if (len === 8 && text.startsWith('escalate', s)) return Kw.Escalate;
      break;
    case 102: // f
      if (len === 3 && text.startsWith('for', s)) return Kw.For;
      if (len === 5 && text.startsWith('false', s)) return Kw.False;
      break;
    case 103: // g
      if (len === 5 && text.startsWith('graph', s)) return Kw.Graph;
      break;
    case 104: // h
      if (len === 5 && text.startsWith('human', s)) return Kw.Human;
      break;
    case 105: // i
      if (len === 2 && text.charCodeAt(s + 1) === 110) return Kw.In;
      if (len === 6 && text.startsWith('import', s)) return Kw.Import;
      if (len === 7 && text.startsWith('integer', s)) return Kw.Integer;
      break;
    case 108: // l
      if (len === 4 && text.startsWith('list', s)) return Kw.List;
      break;
    case 109: // m
      if (len === 3) {
        if (text.startsWith('max', s)) return Kw.Max;
        if (text.startsWith('map', s)) return Kw.Map;
      } else if (len === 5 && text.startsWith('model', s)) return Kw.Model;
      break;
    case 110: // n
      if (len === 4 && text.startsWith('null', s)) return Kw.Null;
      if (len === 6 && text.startsWith('number', s)) return Kw.Number;
      break;
    case 111: // o
      if (len === 9 && text.startsWith('otherwise', s)) return Kw.Otherwise;
      break;
    case 115: // s
      if (len === 5 && text.startsWith('start', s)) return Kw.Start;
      if (len === 6 && text.startsWith('string', s)) return Kw.String;
      if (len === 9 && text.startsWith('supervise', s)) return Kw.Supervise;
      break;
    case 116: // t
      if (len === 4) {
        if (text.startsWith('type', s)) return Kw.Type;
        if (text.startsWith('tool', s)) return Kw.Tool;
        if (text.startsWith('true', s)) return Kw.True;
      }
      break;
    case 119: // w
      if (len === 4 && text.startsWith('when', s)) return Kw.When;
      break;
  }
  return Kw.None;
}

function unitOf(text: string, s: number, len: number): Unit {
  const c = text.charCodeAt(s);
  if (len === 1) {
    if (c === 115) return Unit.S;
    if (c === 109) return Unit.M;
    if (c === 104) return Unit.H;
    if (c === 100) return Unit.D;
  } else if (len === 2 && c === 109 && text.charCodeAt(s + 1) === 115) return Unit.Ms;
  return Unit.None;
}

/** Shows a run of unexpected characters readably, even when it is binary junk. */
function describeChars(text: string, s: number, e: number): string {
  const shown = e - s > 16 ? text.slice(s, s + 16) + '…' : text.slice(s, e);
  let visible = true;
  for (let i = 0; i < shown.length; i++) {
    const c = shown.charCodeAt(i);
    if (c < 32 || (c >= 127 && c < 160)) visible = false;
  }
  if (visible) return `'${shown}'`;
  return 'U+' + text.charCodeAt(s).toString(16).toUpperCase().padStart(4, '0');
}

class Lexer {
  kinds: Uint8Array;
  starts: Int32Array;
  ends: Int32Array;
  subs: Uint8Array;
  flags: Uint8Array;
  count = 0;
  docs: Map<number, string> | undefined = undefined;
  /** FLAG_* bits collected from the trivia before the next token. */
  pending = 0;
  /** `///` lines seen since the last token, waiting to be attached to the next one. */
  docLines: string[] | undefined = undefined;

  constructor(
    private readonly text: string,
    private readonly sink: DiagSink,
    capacity: number,
    reuse: TokenStream | undefined,
  ) {
    if (reuse !== undefined) {
      this.kinds = reuse.kinds;
      this.starts = reuse.starts;
      this.ends = reuse.ends;
      this.subs = reuse.subs;
      this.flags = reuse.flags;
    } else {
      this.kinds = new Uint8Array(capacity);
      this.starts = new Int32Array(capacity);
      this.ends = new Int32Array(capacity);
      this.subs = new Uint8Array(capacity);
      this.flags = new Uint8Array(capacity);
    }
  }

  private grow(): void {
    const cap = this.kinds.length * 2;
    const kinds = new Uint8Array(cap);
    kinds.set(this.kinds);
    this.kinds = kinds;
    const starts = new Int32Array(cap);
    starts.set(this.starts);
    this.starts = starts;
    const ends = new Int32Array(cap);
    ends.set(this.ends);
    this.ends = ends;
    const subs = new Uint8Array(cap);
    subs.set(this.subs);
    this.subs = subs;
    const flags = new Uint8Array(cap);
    flags.set(this.flags);
    this.flags = flags;
  }

  push(kind: Tok, start: number, end: number, sub: number): void {
    const n = this.count;
    if (n === this.kinds.length) this.grow();
    this.kinds[n] = kind;
    this.starts[n] = start;
    this.ends[n] = end;
    this.subs[n] = sub;
    let flags = this.pending;
    if (this.docLines !== undefined) {
      flags |= FLAG_DOC;
      (this.docs ??= new Map()).set(n, this.docLines.join('\n'));
      this.docLines = undefined;
    }
    this.flags[n] = flags;
    this.pending = 0;
    this.count = n + 1;
  }

  error(code: 'AG1001' | 'AG1002' | 'AG1003' | 'AG1008', message: string, start: number, end: number): void {
    this.sink.add(code, message, start, end);
  }

  run(from: number, to: number): void {
    const text = this.text;
    let i = from;
    while (i < to) {
      const c = text.charCodeAt(i);
      const cls = c < 128 ? CLASS[c]! : C_OTHER;
      switch (cls) {
        case C_SPACE:
          i++;
          continue;
        case C_NEWLINE:
          this.pending |= FLAG_NEWLINE;
          i++;
          continue;
        case C_IDENT: {
          let j = i + 1;
          while (j < to) {
            const d = text.charCodeAt(j);
            if (d >= 128) break;
            const k = CLASS[d];
            if (k !== C_IDENT && k !== C_DIGIT) break;
            j++;
          }
          this.push(Tok.Ident, i, j, keywordOf(text, i, j - i));
          i = j;
          continue;
        }
        case C_DIGIT:
          i = this.number(i, i, to);
          continue;
        case C_PUNCT:
          i = this.punct(c, i, to);
          continue;
        default:
          i = this.other(c, i, to);
      }
    }
    this.push(Tok.EOF, to, to, 0);
  }

  /** Scans a number, duration or money amount whose digits start at `i` (`s` is the token start). */
  private number(s: number, i: number, to: number): number {
    const text = this.text;
    const money = s !== i;
    let j = scanNumberEnd(text, i, to);
    let sub = scannedInteger ? NUM_INTEGER : 0;
    let kind = money ? Tok.Money : Tok.Number;
    const c = j < to ? text.charCodeAt(j) : -1;
    if (c === 46 && isDigit(text.charCodeAt(j + 1))) {
      // `1.2.3`: swallow the whole dotted run so the error covers it and nothing is left behind.
      while (j < to) {
        const d = text.charCodeAt(j);
        if (d !== 46 && !isIdentPart(d)) break;
        j++;
      }
      this.error('AG1008', `Invalid number '${text.slice(s, j)}'. Write a number such as 12, 0.5 or 1e6.`, s, j);
      sub |= NUM_INVALID;
    } else if (isIdentPart(c)) {
      let k = j + 1;
      while (k < to && isIdentPart(text.charCodeAt(k))) k++;
      const unit = money ? Unit.None : unitOf(text, j, k - j);
      if (unit !== Unit.None) {
        kind = Tok.Duration;
        sub = (sub & ~7) | unit;
      } else {
        const word = text.slice(j, k);
        const message = money
          ? `Invalid money amount '${text.slice(s, k)}'. Write dollars as a plain number, e.g. $0.10.`
          : `Unknown duration unit '${word}' in '${text.slice(s, k)}'. Use ms, s, m, h or d (e.g. 250ms, 5s, 2m, 4h, 1d).`;
        this.error('AG1008', message, s, k);
        sub |= NUM_INVALID;
      }
      j = k;
    }
    this.push(kind, s, j, sub);
    return j;
  }

  private punct(c: number, i: number, to: number): number {
    const text = this.text;
    const n = i + 1 < to ? text.charCodeAt(i + 1) : -1;
    switch (c) {
      case 123: // {
        this.push(Tok.LBrace, i, i + 1, 0);
        return i + 1;
      case 125: // }
        this.push(Tok.RBrace, i, i + 1, 0);
        return i + 1;
      case 40: // (
        this.push(Tok.LParen, i, i + 1, 0);
        return i + 1;
      case 41: // )
        this.push(Tok.RParen, i, i + 1, 0);
        return i + 1;
      case 91: // [
        this.push(Tok.LBracket, i, i + 1, 0);
        return i + 1;
      case 93: // ]
        this.push(Tok.RBracket, i, i + 1, 0);
        return i + 1;
      case 44: // ,
        this.push(Tok.Comma, i, i + 1, 0);
        return i + 1;
      case 58: // :
        this.push(Tok.Colon, i, i + 1, 0);
        return i + 1;
      case 46: // .
        this.push(Tok.Dot, i, i + 1, 0);
        return i + 1;
      case 63: // ?
        this.push(Tok.Question, i, i + 1, 0);
        return i + 1;
      case 124: // |
        if (n === 124) {
          this.push(Tok.OrOr, i, i + 2, 0);
          return i + 2;
        }
        this.push(Tok.Pipe, i, i + 1, 0);
        return i + 1;
      case 61: // =
        if (n === 61) {
          this.push(Tok.EqEq, i, i + 2, 0);
          return i + 2;
        }
        this.push(Tok.Eq, i, i + 1, 0);
        return i + 1;
      case 33: // !
        if (n === 61) {
          this.push(Tok.BangEq, i, i + 2, 0);
          return i + 2;
        }
        this.push(Tok.Bang, i, i + 1, 0);
        return i + 1;
      case 60: // <
        if (n === 61) {
          this.push(Tok.LtEq, i, i + 2, 0);
          return i + 2;
        }
        this.push(Tok.Lt, i, i + 1, 0);
        return i + 1;
      case 62: // >
        if (n === 61) {
          this.push(Tok.GtEq, i, i + 2, 0);
          return i + 2;
        }
        this.push(Tok.Gt, i, i + 1, 0);
        return i + 1;
      case 43: // +
        this.push(Tok.Plus, i, i + 1, 0);
        return i + 1;
      case 45: // -
        if (n === 62) {
          this.push(Tok.Arrow, i, i + 2, 0);
          return i + 2;
        }
        this.push(Tok.Minus, i, i + 1, 0);
        return i + 1;
      case 42: // *
        this.push(Tok.Star, i, i + 1, 0);
        return i + 1;
      case 47: // /
        if (n === 47) return this.lineComment(i, to);
        if (n === 42) return this.blockComment(i, to);
        this.push(Tok.Slash, i, i + 1, 0);
        return i + 1;
      case 38: // &
        if (n === 38) {
          this.push(Tok.AndAnd, i, i + 2, 0);
          return i + 2;
        }
        this.error('AG1001', "Unexpected character '&'. Write '&&' for a logical and.", i, i + 1);
        this.pending |= FLAG_JUNK;
        return i + 1;
      case 34: // "
        if (n === 34 && i + 2 < to && text.charCodeAt(i + 2) === 34) return this.tripleString(i, to);
        return this.string(i, to);
      default: // $
        if (isDigit(n)) return this.number(i, i + 1, to);
        this.error('AG1008', "Expected a number after '$', e.g. $0.10.", i, i + 1);
        this.push(Tok.Money, i, i + 1, NUM_INVALID);
        return i + 1;
    }
  }

  private lineComment(i: number, to: number): number {
    const text = this.text;
    let j = i + 2;
    while (j < to) {
      const c = text.charCodeAt(j);
      if (c === 10 || c === 13) break;
      j++;
    }
    // `///` starts a doc comment, but `////…` (a ruler line) is an ordinary comment.
    if (i + 2 < to && text.charCodeAt(i + 2) === 47 && text.charCodeAt(i + 3) !== 47) {
      const from = text.charCodeAt(i + 3) === 32 ? i + 4 : i + 3;
      const line = from < j ? text.slice(from, j) : '';
      if (this.docLines === undefined) this.docLines = [line];
      else this.docLines.push(line);
    }
    return j;
  }

  private blockComment(i: number, to: number): number {
    const text = this.text;
    const close = text.indexOf('*/', i + 2);
    const unterminated = close < 0 || close + 2 > to;
    const end = unterminated ? to : close + 2;
    if (unterminated) {
      this.error('AG1003', "Unterminated block comment: add '*/' to close it.", i, i + 2);
      this.pending |= FLAG_JUNK;
    }
    for (let j = i + 2; j < end; j++) {
      const c = text.charCodeAt(j);
      if (c === 10 || c === 13) {
        this.pending |= FLAG_NEWLINE;
        break;
      }
    }
    return end;
  }

  private string(i: number, to: number): number {
    const text = this.text;
    let sub = 0;
    let j = i + 1;
    for (;;) {
      if (j >= to) {
        sub |= STR_UNTERMINATED;
        break;
      }
      const c = text.charCodeAt(j);
      if (c === 34) {
        j++;
        break;
      }
      if (c === 92) {
        sub |= STR_ESCAPE;
        const e = j + 1 < to ? text.charCodeAt(j + 1) : -1;
        if (e === 10 || e === 13 || e === -1) {
          j++;
          continue;
        }
        // Valid escapes: \" \\ \n \t \r \{ \}
        if (e !== 34 && e !== 92 && e !== 110 && e !== 116 && e !== 114 && e !== 123 && e !== 125) {
          const len = e >= 0xd800 && e <= 0xdbff ? 3 : 2;
          this.error(
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
        sub |= STR_UNTERMINATED;
        break;
      }
      if (c === 123 && j + 1 < to && text.charCodeAt(j + 1) === 123) {
        sub |= STR_TEMPLATE;
        j += 2;
        continue;
      }
      j++;
    }
    if (sub & STR_UNTERMINATED) {
      this.error(
        'AG1002',
        'Unterminated string: add a closing \'"\' on the same line (use """…""" for text that spans lines).',
        i,
        j,
      );
    }
    this.push(Tok.String, i, j, sub);
    return j;
  }

  private tripleString(i: number, to: number): number {
    const text = this.text;
    let sub = 0;
    let j = i + 3;
    for (;;) {
      if (j >= to) {
        sub |= STR_UNTERMINATED;
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
          sub |= STR_ESCAPE;
          j += 4;
          continue;
        }
        if (text.startsWith('{{', j + 1) && j + 3 <= to) {
          sub |= STR_ESCAPE;
          j += 3;
          continue;
        }
        j++;
        continue;
      }
      if (c === 123 && j + 1 < to && text.charCodeAt(j + 1) === 123) {
        sub |= STR_TEMPLATE;
        j += 2;
        continue;
      }
      j++;
    }
    if (sub & STR_UNTERMINATED) {
      this.error('AG1002', 'Unterminated triple-quoted string: add a closing """.', i, i + 3);
    }
    this.push(Tok.TripleString, i, j, sub);
    return j;
  }

  /** Handles a character outside the ASCII token set: invisible spaces or a run of junk. */
  private other(c: number, i: number, to: number): number {
    // A byte-order mark and no-break spaces are harmless whitespace for the reader.
    if (c === 0xfeff || c === 0xa0) return i + 1;
    if (c === 0x2028 || c === 0x2029) {
      this.pending |= FLAG_NEWLINE;
      return i + 1;
    }
    const text = this.text;
    let j = i + 1;
    while (j < to) {
      const d = text.charCodeAt(j);
      if (d < 128 ? CLASS[d] !== C_OTHER : d === 0xfeff || d === 0xa0 || d === 0x2028 || d === 0x2029) break;
      j++;
    }
    const what = describeChars(text, i, j);
    const message =
      j - i === 1 || (j - i === 2 && c >= 0xd800 && c <= 0xdbff)
        ? `Unexpected character ${what}. Remove it.`
        : `Unexpected characters ${what}. Remove them.`;
    this.error('AG1001', message, i, j);
    this.pending |= FLAG_JUNK;
    return j;
  }
}

/**
 * Lexes `text[from, to)` into a TokenStream whose offsets are offsets in `text` (so template
 * expressions inside strings can be lexed in place). Never throws; errors go to `sink`.
 *
 * When `reuse` is given, its buffers are overwritten (and grown if needed) and it is returned
 * updated: template expressions are lexed thousands of times per file, and allocating fresh typed
 * arrays for each would dominate the parse.
 */
export function lex(text: string, sink: DiagSink, from = 0, to = text.length, reuse?: TokenStream): TokenStream {
  // Real specs average well over four characters per token; the arrays grow if needed.
  const lexer = new Lexer(text, sink, ((to - from) >> 2) + 16, reuse);
  lexer.run(from, to);
  if (reuse !== undefined) {
    reuse.kinds = lexer.kinds;
    reuse.starts = lexer.starts;
    reuse.ends = lexer.ends;
    reuse.subs = lexer.subs;
    reuse.flags = lexer.flags;
    reuse.count = lexer.count;
    reuse.docs = lexer.docs;
    return reuse;
  }
  return {
    kinds: lexer.kinds,
    starts: lexer.starts,
    ends: lexer.ends,
    subs: lexer.subs,
    flags: lexer.flags,
    count: lexer.count,
    docs: lexer.docs,
  };
}
