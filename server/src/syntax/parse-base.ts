// The foundation the parser classes build on: token access over the lexer's typed arrays,
// consumption, diagnostics with panic-mode suppression, the nesting-depth guard, and the
// lookahead predicates that recovery uses to find a safe place to resume.
//
// Conventions every parse method follows:
// - A node's `start` is the start of its first token and its `end` is `prevEnd` (the end of the
//   last token consumed) when it is finished, so parents always contain their children.
// - A node the parser invents because something is missing is zero-width at `prevEnd`, right
//   after the last real token. It never points into text the parser has not consumed yet, which
//   keeps the containment rule true even for invented nodes.
// - `next()` consumes a token successfully and ends panic mode; `skip()` discards a token during
//   recovery and does not, so one mistake produces one diagnostic.
import type { ErrorExpr, Name } from './ast.ts';
import type { SyntaxCode } from './codes.ts';
import type { DiagSink } from './diag-sink.ts';
import { lex } from './lexer.ts';
import { FLAG_DOC, FLAG_JUNK, FLAG_NEWLINE, Kw, Tok, tokKindText, type TokenStream } from './tokens.ts';

// A small cache of word strings, like the key cache of JSON.parse. Specs repeat the same names
// (types, parameters, property keys) thousands of times; sharing one string per word instead of
// slicing a new one per occurrence cuts the parser's allocations and garbage-collection time.
// Entries are overwritten on collision, so the cache never holds more than WORD_CACHE_SIZE words.
const WORD_CACHE_SIZE = 4096;
const wordCache: (string | undefined)[] = new Array<string | undefined>(WORD_CACHE_SIZE).fill(undefined);

/** text[start, end) as a string, reused from the cache when the same word was seen before. */
export function internWord(text: string, start: number, end: number): string {
  const len = end - start;
  if (len > 32) return text.slice(start, end);
  let h = len;
  for (let i = start; i < end; i++) h = (Math.imul(h, 31) + text.charCodeAt(i)) | 0;
  const slot = (h ^ (h >>> 13)) & (WORD_CACHE_SIZE - 1);
  const cached = wordCache[slot];
  if (cached !== undefined && cached.length === len && text.startsWith(cached, start)) return cached;
  const word = text.slice(start, end);
  wordCache[slot] = word;
  return word;
}

/** Brackets, types and expressions may nest this deep; deeper input is reported (AG1010). */
export const MAX_DEPTH = 200;

export class ParserBase {
  protected readonly kinds: Uint8Array;
  protected readonly starts: Int32Array;
  protected readonly ends: Int32Array;
  protected readonly subs: Uint8Array;
  protected readonly flags: Uint8Array;
  protected readonly docs: Map<number, string> | undefined;
  /** Index of the EOF token; `pos` never moves past it. */
  protected readonly last: number;
  /** Index of the current token. */
  protected pos = 0;
  /** Kind of the current token (cached because nearly every decision looks at it). */
  protected curKind: Tok;
  /** End offset of the last consumed token (the start of the range before any). */
  protected prevEnd: number;
  /** Set by an error; cleared by the next successful consumption. Errors are dropped while set. */
  protected panic = false;
  /** Current nesting depth of expressions and types (see MAX_DEPTH). */
  protected depth: number;
  /** When true no diagnostics are reported (used inside an unterminated template). */
  protected silent = false;

  constructor(
    protected readonly text: string,
    protected readonly sink: DiagSink,
    from: number,
    to: number,
    depth: number,
    reuse?: TokenStream,
  ) {
    const tokens = lex(text, sink, from, to, reuse);
    this.kinds = tokens.kinds;
    this.starts = tokens.starts;
    this.ends = tokens.ends;
    this.subs = tokens.subs;
    this.flags = tokens.flags;
    this.docs = tokens.docs;
    this.last = tokens.count - 1;
    this.curKind = this.kinds[0]! as Tok;
    this.prevEnd = from;
    this.depth = depth;
  }

  // ------------------------------------------------------------------ token access

  /**
   * Kind of the current token. A method rather than a field read so TypeScript does not narrow
   * it across calls that advance the parser.
   */
  protected tok(): Tok {
    return this.curKind;
  }

  protected tokStart(): number {
    return this.starts[this.pos]!;
  }

  protected tokEnd(): number {
    return this.ends[this.pos]!;
  }

  /** The keyword id of the current token (Kw.None unless it is a keyword-spelled word). */
  protected kw(): Kw {
    return this.tok() === Tok.Ident ? (this.subs[this.pos]! as Kw) : Kw.None;
  }

  /** Kind of the token `ahead` positions after the current one (EOF past the end). */
  protected peek(ahead: number): Tok {
    const p = this.pos + ahead;
    return p <= this.last ? (this.kinds[p]! as Tok) : Tok.EOF;
  }

  /** True when a line break separates the current token from the previous one. */
  protected atLineStart(): boolean {
    return (this.flags[this.pos]! & FLAG_NEWLINE) !== 0;
  }

  protected tokText(): string {
    return this.text.slice(this.starts[this.pos]!, this.ends[this.pos]!);
  }

  /** Doc-comment text attached to the current token, if any. */
  protected docHere(): string | undefined {
    return (this.flags[this.pos]! & FLAG_DOC) !== 0 ? this.docs?.get(this.pos) : undefined;
  }

  /** Describes the current token for "found …" in messages. */
  protected describeTok(): string {
    const k = this.tok();
    if (k === Tok.Ident || k === Tok.Number || k === Tok.Duration || k === Tok.Money) {
      return `'${this.tokText()}'`;
    }
    return tokKindText(k);
  }

  // ------------------------------------------------------------------ consumption

  /** Consumes the current token as part of a successful parse, ending panic mode. */
  protected next(): void {
    this.panic = false;
    this.prevEnd = this.ends[this.pos]!;
    if (this.pos < this.last) {
      this.pos++;
      this.curKind = this.kinds[this.pos]! as Tok;
    }
  }

  /** Discards the current token while recovering; panic mode continues. */
  protected skip(): void {
    this.prevEnd = this.ends[this.pos]!;
    if (this.pos < this.last) {
      this.pos++;
      this.curKind = this.kinds[this.pos]! as Tok;
    }
  }

  // ------------------------------------------------------------------ diagnostics

  protected report(code: SyntaxCode, message: string, start: number, end: number): void {
    if (this.panic || this.silent) return;
    this.panic = true;
    // The lexer already reported the junk right before this token; this error is its echo.
    if ((this.flags[this.pos]! & FLAG_JUNK) !== 0) return;
    this.sink.add(code, message, start, end);
  }

  /** Reports an error on the current token itself (something unexpected is here). */
  protected errorHere(code: SyntaxCode, message: string): void {
    this.report(code, message, this.tokStart(), this.tokEnd());
  }

  /**
   * Reports that something is missing: on the current token when it is on the same line, or
   * right after the previous token when the current one starts a new line (or is the end of
   * file), which is where the user has to type the missing text.
   */
  protected errorMissing(code: SyntaxCode, message: string): void {
    if (this.tok() === Tok.EOF || this.atLineStart()) this.report(code, message, this.prevEnd, this.prevEnd);
    else this.report(code, message, this.tokStart(), this.tokEnd());
  }

  // ------------------------------------------------------------------ invented nodes

  protected missingName(): Name {
    return { kind: 'Name', start: this.prevEnd, end: this.prevEnd, text: '', missing: true };
  }

  protected errorExpr(): ErrorExpr {
    return { kind: 'ErrorExpr', start: this.prevEnd, end: this.prevEnd };
  }

  /** The current Ident token as a Name, consumed. The caller has checked the token is a word. */
  protected takeName(): Name {
    const start = this.starts[this.pos]!;
    const end = this.ends[this.pos]!;
    this.next();
    return { kind: 'Name', start, end, text: internWord(this.text, start, end) };
  }

  /** The text of the current token when it is a word, shared with earlier copies of that word. */
  protected wordText(): string {
    return internWord(this.text, this.starts[this.pos]!, this.ends[this.pos]!);
  }

  /** A name if the current token is a word (and not the start of a declaration), else missing. */
  protected nameOr(code: SyntaxCode, message: string): Name {
    if (this.tok() === Tok.Ident && !this.isDeclStart(0)) return this.takeName();
    this.errorMissing(code, message);
    return this.missingName();
  }

  // ------------------------------------------------------------------ depth guard

  /**
   * Called where nesting would exceed MAX_DEPTH: reports AG1010 and skips the current token and,
   * if it opens a bracket, everything up to the matching closer, without recursing.
   */
  protected skipTooDeep(inType: boolean): void {
    this.errorHere('AG1010', `Nesting is too deep (more than ${MAX_DEPTH} levels). Split this into simpler parts.`);
    this.skipBalanced(inType);
  }

  /**
   * Skips the current token and, if it opens a bracket, everything up to its matching closer.
   * In types `<` and `>` are brackets too (`list<…>`); in expressions they are comparisons.
   */
  protected skipBalanced(inType = false): void {
    let balance = 0;
    do {
      const k = this.tok();
      if (k === Tok.EOF) break;
      if (k === Tok.LParen || k === Tok.LBracket || k === Tok.LBrace || (inType && k === Tok.Lt)) balance++;
      else if (k === Tok.RParen || k === Tok.RBracket || k === Tok.RBrace || (inType && k === Tok.Gt)) balance--;
      this.skip();
    } while (balance > 0);
  }

  // ------------------------------------------------------------------ lookahead predicates

  /** True for tokens that can begin an expression. */
  protected canStartExpr(k: Tok): boolean {
    switch (k) {
      case Tok.Ident:
      case Tok.Number:
      case Tok.Duration:
      case Tok.Money:
      case Tok.String:
      case Tok.TripleString:
      case Tok.LBracket:
      case Tok.LBrace:
      case Tok.LParen:
      case Tok.Bang:
      case Tok.Minus:
        return true;
      default:
        return false;
    }
  }

  /** True when the token `ahead` positions on is a word followed by ':' (a property or field). */
  protected isKeyColon(ahead: number): boolean {
    return this.peek(ahead) === Tok.Ident && this.peek(ahead + 1) === Tok.Colon;
  }

  /**
   * True when the token `ahead` positions on clearly starts a declaration: a declaration keyword
   * followed by the shape only a declaration has (`agent x(`, `model x =`, `type X {`, …). Blocks
   * use this to notice a missing '}' without mistaking a property such as `model: fast` for one.
   */
  protected isDeclStart(ahead: number): boolean {
    const p = this.pos + ahead;
    if (p > this.last || this.kinds[p] !== Tok.Ident) return false;
    const kw = this.subs[p]! as Kw;
    if (kw < Kw.Import || kw > Kw.Eval) return false;
    const k1 = this.peek(ahead + 1);
    if (kw === Kw.Import) return k1 === Tok.String || k1 === Tok.TripleString;
    if (k1 !== Tok.Ident) return false;
    const k2 = this.peek(ahead + 2);
    switch (kw) {
      case Kw.Type:
        return k2 === Tok.LBrace || k2 === Tok.Eq;
      case Kw.Model:
        return k2 === Tok.Eq;
      case Kw.Eval:
        return k2 === Tok.Ident && this.subs[p + 2] === Kw.For;
      default:
        return k2 === Tok.LParen;
    }
  }

  /** True when the current token is a declaration keyword (used by top-level recovery). */
  protected atDeclKeyword(): boolean {
    const kw = this.kw();
    return kw >= Kw.Import && kw <= Kw.Eval;
  }
}
