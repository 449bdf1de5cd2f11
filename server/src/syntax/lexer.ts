// The `.agentgraph` lexer. It scans with charCodeAt and an integer character-class table and
// streams tokens into a small ring of arrays as the parser asks for them (see Lexer).
// Trivia (whitespace and comments) produce no tokens: a line break is recorded as a flag on the
// next token, and `///` doc-comment lines are attached to the next token, which is all the parser
// needs of them.
//
// The lexer never throws. Characters it cannot use are reported (AG1001) and skipped; malformed
// literals (unterminated strings, invalid numbers) still become tokens, flagged, so the parser can
// build a literal node and carry on without a second error.
import type { DiagSink } from './diag-sink.ts';
import { Flag as FlagEnum, Kw as KwEnum, Num as NumEnum, Str as StrEnum, Tok as TokEnum, type TokenStream, Unit as UnitEnum } from './tokens.ts';

// Imported constants are copied into module constants: under per-file transpilation (tsx, the
// test runner) every read of an imported binding is a getter call, and these are read per token.
const Flag = FlagEnum;
const Kw = KwEnum;
type Kw = KwEnum;
const Num = NumEnum;
const Str = StrEnum;
const Tok = TokEnum;
type Tok = TokEnum;
const Unit = UnitEnum;
type Unit = UnitEnum;

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

/**
 * Tokens the lexer keeps: the current one plus lookahead. A power of two (see RING_MASK); the
 * ring arrays of Lexer are written out with this many elements.
 */
export const RING_SIZE = 8;
/** `index & RING_MASK` is a token's slot in the ring buffers. */
export const RING_MASK = RING_SIZE - 1;

/**
 * A streaming lexer: `scanNext()` scans one more token into a small ring of arrays, so the
 * parser reads tokens as it goes with a few tokens of lookahead, and lexing a large file
 * allocates nothing proportional to its size. Token `n` (counting from 0) lives in slot
 * `n & RING_MASK` until token `n + RING_SIZE` replaces it.
 */
export class Lexer {
  // Small-integer arrays rather than typed arrays: for eight slots they are just as fast to
  // read and write, and far cheaper to create (a lexer is created per parse).
  readonly kinds: number[] = [0, 0, 0, 0, 0, 0, 0, 0];
  readonly starts: number[] = [0, 0, 0, 0, 0, 0, 0, 0];
  readonly ends: number[] = [0, 0, 0, 0, 0, 0, 0, 0];
  readonly subs: number[] = [0, 0, 0, 0, 0, 0, 0, 0];
  readonly flags: number[] = [0, 0, 0, 0, 0, 0, 0, 0];
  /** Number of tokens scanned so far; once at the end, every further scan yields another EOF. */
  produced = 0;
  /** Doc-comment text of the tokens in the ring flagged Flag.Doc, by slot (see docOf). */
  private readonly docRing: (string | undefined)[] = new Array<string | undefined>(RING_SIZE).fill(undefined);
  /** Flag bits collected from the trivia before the next token. */
  private pending = 0;
  /** `///` lines seen since the last token (joined with '\n'), waiting for the next token. */
  private docText: string | undefined = undefined;
  /** Scan position and end of the range being lexed. */
  private i: number;
  private to: number;

  constructor(
    private text: string,
    private sink: DiagSink,
    from: number,
    to: number,
  ) {
    this.i = from;
    this.to = to;
  }

  /**
   * Starts over on a range of a (possibly different) text; lexers for template expressions are
   * pooled. A pooled lexer keeps a reference to the last text and sink until its next reset.
   */
  reset(text: string, sink: DiagSink, from: number, to: number): void {
    this.text = text;
    this.sink = sink;
    this.i = from;
    this.to = to;
    this.produced = 0;
    this.pending = 0;
    this.docText = undefined;
  }

  private push(kind: Tok, start: number, end: number, sub: number): void {
    const n = this.produced;
    const slot = n & RING_MASK;
    this.kinds[slot] = kind;
    this.starts[slot] = start;
    this.ends[slot] = end;
    this.subs[slot] = sub;
    let flags = this.pending;
    if (this.docText !== undefined) {
      flags |= Flag.Doc;
      this.docRing[slot] = this.docText;
      this.docText = undefined;
    }
    this.flags[slot] = flags;
    this.pending = 0;
    this.produced = n + 1;
  }

  /** The doc comment of token number `n`, which must still be in the ring and flagged Flag.Doc. */
  docOf(n: number): string | undefined {
    return this.docRing[n & RING_MASK];
  }

  private error(code: 'AG1001' | 'AG1002' | 'AG1003' | 'AG1008', message: string, start: number, end: number): void {
    this.sink.add(code, message, start, end);
  }

  /** Scans the next token (skipping trivia and reporting junk on the way). */
  scanNext(): void {
    const text = this.text;
    const to = this.to;
    const target = this.produced + 1;
    let i = this.i;
    while (i < to) {
      const c = text.charCodeAt(i);
      const cls = c < 128 ? CLASS[c]! : C_OTHER;
      switch (cls) {
        case C_SPACE:
          i++;
          continue;
        case C_NEWLINE:
          this.pending |= Flag.Newline;
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
          this.i = j;
          return;
        }
        case C_DIGIT:
          this.i = this.number(i, i, to);
          return;
        case C_PUNCT:
          // Comments and a stray '&' come through here without producing a token.
          i = this.punct(c, i, to);
          if (this.produced === target) {
            this.i = i;
            return;
          }
          continue;
        default:
          i = this.other(c, i, to);
      }
    }
    this.i = i;
    this.push(Tok.EOF, to, to, 0);
  }

  /** Scans a number, duration or money amount whose digits start at `i` (`s` is the token start). */
  private number(s: number, i: number, to: number): number {
    const text = this.text;
    const money = s !== i;
    let j = scanNumberEnd(text, i, to);
    let sub = scannedInteger ? Num.Integer : 0;
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
      sub |= Num.Invalid;
      this.pending |= Flag.Bad;
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
        sub |= Num.Invalid;
        this.pending |= Flag.Bad;
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
        this.pending |= Flag.Junk;
        return i + 1;
      case 34: // "
        if (n === 34 && i + 2 < to && text.charCodeAt(i + 2) === 34) return this.tripleString(i, to);
        return this.string(i, to);
      default: // $
        if (isDigit(n)) return this.number(i, i + 1, to);
        this.error('AG1008', "Expected a number after '$', e.g. $0.10.", i, i + 1);
        this.pending |= Flag.Bad;
        this.push(Tok.Money, i, i + 1, Num.Invalid);
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
      this.docText = this.docText === undefined ? line : this.docText + '\n' + line;
    }
    return j;
  }

  private blockComment(i: number, to: number): number {
    const text = this.text;
    // A bounded scan rather than indexOf: in a template expression the range ends long before
    // the text does, and an unclosed comment there must not search the rest of the file.
    let newline = false;
    for (let j = i + 2; j + 1 < to; j++) {
      const c = text.charCodeAt(j);
      if (c === 42 && text.charCodeAt(j + 1) === 47) {
        if (newline) this.pending |= Flag.Newline;
        return j + 2;
      }
      if (c === 10 || c === 13) newline = true;
    }
    this.error('AG1003', "Unterminated block comment: add '*/' to close it.", i, i + 2);
    this.pending |= Flag.Junk | (newline ? Flag.Newline : 0);
    return to;
  }

  private string(i: number, to: number): number {
    const text = this.text;
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
      this.error(
        'AG1002',
        'Unterminated string: add a closing \'"\' on the same line (use """…""" for text that spans lines).',
        i,
        j,
      );
      this.pending |= Flag.Bad;
    }
    this.push(Tok.String, i, j, sub);
    return j;
  }

  private tripleString(i: number, to: number): number {
    const text = this.text;
    // Prompts are long, so find the closing quotes with native searches when the body holds no
    // backslash (which could escape them); otherwise fall back to the character loop below.
    const close = text.indexOf('"""', i + 3);
    if (close >= 0 && close + 3 <= to) {
      const body = text.slice(i + 3, close);
      if (!body.includes('\\')) {
        this.push(Tok.TripleString, i, close + 3, body.includes('{{') ? Str.Template : 0);
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
      this.error('AG1002', 'Unterminated triple-quoted string: add a closing """.', i, i + 3);
      this.pending |= Flag.Bad;
    }
    this.push(Tok.TripleString, i, j, sub);
    return j;
  }

  /** Handles a character outside the ASCII token set: invisible spaces or a run of junk. */
  private other(c: number, i: number, to: number): number {
    // A byte-order mark and no-break spaces are harmless whitespace for the reader.
    if (c === 0xfeff || c === 0xa0) return i + 1;
    if (c === 0x2028 || c === 0x2029) {
      this.pending |= Flag.Newline;
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
    this.pending |= Flag.Junk;
    return j;
  }
}

/**
 * Lexes all of `text[from, to)` into a TokenStream whose offsets are offsets in `text`. The
 * parser streams tokens instead; this is for tests and tools that want the whole list. Never
 * throws; errors go to `sink`.
 */
export function lex(text: string, sink: DiagSink, from = 0, to = text.length): TokenStream {
  const lexer = new Lexer(text, sink, from, to);
  let cap = ((to - from) >> 2) + 16;
  let kinds = new Uint8Array(cap);
  let starts = new Int32Array(cap);
  let ends = new Int32Array(cap);
  let subs = new Uint8Array(cap);
  let flags = new Uint8Array(cap);
  let n = 0;
  let docs: Map<number, string> | undefined;
  for (;;) {
    lexer.scanNext();
    if (n === cap) {
      cap *= 2;
      const k = new Uint8Array(cap);
      k.set(kinds);
      kinds = k;
      const s = new Int32Array(cap);
      s.set(starts);
      starts = s;
      const e = new Int32Array(cap);
      e.set(ends);
      ends = e;
      const u = new Uint8Array(cap);
      u.set(subs);
      subs = u;
      const f = new Uint8Array(cap);
      f.set(flags);
      flags = f;
    }
    const slot = n & RING_MASK;
    kinds[n] = lexer.kinds[slot]!;
    starts[n] = lexer.starts[slot]!;
    ends[n] = lexer.ends[slot]!;
    subs[n] = lexer.subs[slot]!;
    flags[n] = lexer.flags[slot]!;
    if ((flags[n]! & Flag.Doc) !== 0) (docs ??= new Map()).set(n, lexer.docOf(n) ?? '');
    n++;
    if (kinds[n - 1] === Tok.EOF) break;
  }
  return { kinds, starts, ends, subs, flags, count: n, docs };
}
