// The `.agentgraph` lexer. It scans with charCodeAt and an integer character-class table and
// streams tokens into a small ring of arrays as the parser asks for them (see Lexer).
// Trivia (whitespace and comments) produce no tokens: a line break is recorded as a flag on the
// next token, and `///` doc-comment lines are attached to the next token, which is all the parser
// needs of them.
//
// The lexer never throws. Characters it cannot use are reported (AG1001) and skipped; malformed
// literals (unterminated strings, invalid numbers) still become tokens, flagged, so the parser can
// build a literal node and carry on without a second error.
//
// The rules of the literals live in their own modules (number-literals.ts, string-literals.ts,
// keywords.ts), and lexing a whole range into a list is token-list.ts; this file holds the
// character classes and the streaming Lexer itself.
import type { DiagSink } from './diag-sink.ts';
import { keywordOf as keywordOfImported, unitOf as unitOfImported } from './keywords.ts';
import { isDigit as isDigitImported, scanNumberEnd as scanNumberEndImported, scannedInteger } from './number-literals.ts';
import { scanString as scanStringImported, scannedStringSub, scanTripleString as scanTripleStringImported } from './string-literals.ts';
import { Flag as FlagEnum, Num as NumEnum, Str as StrEnum, Tok as TokEnum, Unit as UnitEnum } from './tokens.ts';

// Imported constants and functions are copied into module constants: under per-file
// transpilation (tsx, the test runner) every read of an imported binding is a getter call, and
// these are read per token. (scannedInteger and scannedStringSub are live bindings and must be
// read through the import.)
const Flag = FlagEnum;
const Num = NumEnum;
const Str = StrEnum;
const Tok = TokEnum;
type Tok = TokEnum;
const Unit = UnitEnum;
type Unit = UnitEnum;
const keywordOf = keywordOfImported;
const unitOf = unitOfImported;
const isDigit = isDigitImported;
const scanNumberEnd = scanNumberEndImported;
const scanString = scanStringImported;
const scanTripleString = scanTripleStringImported;

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
    const j = scanString(this.text, i, to, this.sink);
    const sub = scannedStringSub;
    if (sub & Str.Unterminated) this.pending |= Flag.Bad;
    this.push(Tok.String, i, j, sub);
    return j;
  }

  private tripleString(i: number, to: number): number {
    const j = scanTripleString(this.text, i, to, this.sink);
    const sub = scannedStringSub;
    if (sub & Str.Unterminated) this.pending |= Flag.Bad;
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
