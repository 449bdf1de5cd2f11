// The foundation the parser classes build on: token access over the lexer's ring buffer,
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
import { Lexer, RING_MASK as LEXER_RING_MASK } from './lexer.ts';
import { Flag as FlagEnum, Kw as KwEnum, Tok as TokEnum, tokKindText } from './tokens.ts';

// Imported constants are copied into module constants: under per-file transpilation (tsx, the
// test runner) every read of an imported binding is a getter call, and these are read per token.
const Flag = FlagEnum;
const Kw = KwEnum;
type Kw = KwEnum;
const Tok = TokEnum;
type Tok = TokEnum;
const RING_MASK = LEXER_RING_MASK;

// A small cache of word strings, like the key cache of JSON.parse. Specs repeat the same names
// (types, parameters, property keys) thousands of times; sharing one string per word instead of
// slicing a new one per occurrence cuts the parser's allocations and garbage-collection time.
// Entries are overwritten on collision, so the cache never holds more than WORD_CACHE_SIZE words.
// Only short words are cached: V8 copies slices shorter than 13 characters, while longer slices
// point into the whole source text, and a cache that outlives a parse must not keep old texts
// (an editor makes a new one per keystroke) alive.
const WORD_CACHE_SIZE = 4096;
const MAX_CACHED_WORD = 12;
const wordCache: (string | undefined)[] = new Array<string | undefined>(WORD_CACHE_SIZE).fill(undefined);

/** text[start, end) as a string, reused from the cache when the same word was seen before. */
export function internWord(text: string, start: number, end: number): string {
  const len = end - start;
  if (len > MAX_CACHED_WORD) return text.slice(start, end);
  let h = len;
  for (let i = start; i < end; i++) h = (Math.imul(h, 31) + text.charCodeAt(i)) | 0;
  const slot = (h ^ (h >>> 13)) & (WORD_CACHE_SIZE - 1);
  const cached = wordCache[slot];
  if (cached !== undefined && cached.length === len) {
    // A character loop beats a startsWith call for words this short.
    let k = 0;
    while (k < len && cached.charCodeAt(k) === text.charCodeAt(start + k)) k++;
    if (k === len) return cached;
  }
  const word = text.slice(start, end);
  wordCache[slot] = word;
  return word;
}

/** Brackets, types and expressions may nest this deep; deeper input is reported (AG1010). */
export const MAX_DEPTH = 200;

export class ParserBase {
  /** The token source; its ring arrays are aliased below for short access paths. */
  protected readonly lexer: Lexer;
  protected readonly kinds: number[];
  protected readonly starts: number[];
  protected readonly ends: number[];
  protected readonly subs: number[];
  protected readonly flags: number[];
  /** Number of the current token (its ring slot is `pos & RING_MASK`). */
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
  /**
   * A scratch stack the list parsers collect items on (see pushItem/popItems). Growing a fresh
   * array item by item gives it room for 16 or more elements; copying the finished list off this
   * stack gives an array of exactly the right size, which matters for a tree of a million nodes.
   */
  private readonly stack: unknown[] = [];
  private top = 0;

  /** Parses `text[from, to)`; `depth` is the nesting depth already used around that range. */
  constructor(
    protected text: string,
    protected sink: DiagSink,
    from: number,
    to: number,
    depth: number,
  ) {
    const lexer = new Lexer(text, sink, from, to);
    this.lexer = lexer;
    this.kinds = lexer.kinds;
    this.starts = lexer.starts;
    this.ends = lexer.ends;
    this.subs = lexer.subs;
    this.flags = lexer.flags;
    lexer.scanNext();
    this.curKind = this.kinds[0]! as Tok;
    this.prevEnd = from;
    this.depth = depth;
  }

  /**
   * Makes this parser parse `text[from, to)` from scratch (parsers for template expressions are
   * pooled rather than created per template). It keeps a reference to the text and sink until
   * the next restart.
   */
  protected restart(text: string, sink: DiagSink, from: number, to: number, depth: number): void {
    this.text = text;
    this.sink = sink;
    this.lexer.reset(text, sink, from, to);
    this.pos = 0;
    this.lexer.scanNext();
    this.curKind = this.kinds[0]! as Tok;
    this.prevEnd = from;
    this.panic = false;
    this.depth = depth;
    this.silent = false;
    this.top = 0;
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
    return this.starts[this.pos & RING_MASK]!;
  }

  protected tokEnd(): number {
    return this.ends[this.pos & RING_MASK]!;
  }

  /** The kind-specific detail of the current token (keyword id, numeric or string flags). */
  protected sub(): number {
    return this.subs[this.pos & RING_MASK]!;
  }

  /** The Flag bits of the current token. */
  protected curFlags(): number {
    return this.flags[this.pos & RING_MASK]!;
  }

  /** The keyword id of the current token (Kw.None unless it is a keyword-spelled word). */
  protected kw(): Kw {
    return this.curKind === Tok.Ident ? (this.subs[this.pos & RING_MASK]! as Kw) : Kw.None;
  }

  /**
   * Makes sure the token `ahead` positions after the current one has been scanned and returns
   * its ring slot. Lookahead is at most a few tokens, far below RING_SIZE, so the current token
   * is never overwritten.
   */
  private slotAhead(ahead: number): number {
    const p = this.pos + ahead;
    const lexer = this.lexer;
    while (lexer.produced <= p) lexer.scanNext();
    return p & RING_MASK;
  }

  /** Kind of the token `ahead` positions after the current one (EOF past the end). */
  protected peek(ahead: number): Tok {
    return this.kinds[this.slotAhead(ahead)]! as Tok;
  }

  /** The `sub` detail of the token `ahead` positions on. */
  protected subAt(ahead: number): number {
    return this.subs[this.slotAhead(ahead)]!;
  }

  /** The Flag bits of the token `ahead` positions on. */
  protected flagsAt(ahead: number): number {
    return this.flags[this.slotAhead(ahead)]!;
  }

  /** True when a line break separates the current token from the previous one. */
  protected atLineStart(): boolean {
    return (this.flags[this.pos & RING_MASK]! & Flag.Newline) !== 0;
  }

  protected tokText(): string {
    return this.text.slice(this.tokStart(), this.tokEnd());
  }

  /** Doc-comment text attached to the current token, if any. */
  protected docHere(): string | undefined {
    return (this.curFlags() & Flag.Doc) !== 0 ? this.lexer.docOf(this.pos) : undefined;
  }

  /** Describes the current token for "found …" in messages. */
  protected describeTok(): string {
    const k = this.curKind;
    if (k === Tok.Ident || k === Tok.Number || k === Tok.Duration || k === Tok.Money) {
      return `'${this.tokText()}'`;
    }
    return tokKindText(k);
  }

  // ------------------------------------------------------------------ consumption

  /**
   * Consumes the current token as part of a successful parse, ending panic mode, unless the
   * token is one the lexer already reported: what directly follows it is likely fallout.
   */
  protected next(): void {
    this.panic = (this.flags[this.pos & RING_MASK]! & Flag.Bad) !== 0;
    this.advance();
  }

  /** Discards the current token while recovering; panic mode continues. */
  protected skip(): void {
    this.advance();
  }

  private advance(): void {
    this.prevEnd = this.ends[this.pos & RING_MASK]!;
    if (this.curKind === Tok.EOF) return;
    const p = ++this.pos;
    const lexer = this.lexer;
    if (lexer.produced <= p) lexer.scanNext();
    this.curKind = this.kinds[p & RING_MASK]! as Tok;
  }

  // ------------------------------------------------------------------ list building

  /** The current height of the scratch stack; pass it to popItems when the list is complete. */
  protected mark(): number {
    return this.top;
  }

  protected pushItem(item: unknown): void {
    this.stack[this.top++] = item;
  }

  /** The items pushed since `mark`, as a new exact-size array, removed from the stack. */
  protected popItems<T>(mark: number): T[] {
    const items = this.stack.slice(mark, this.top) as T[];
    this.top = mark;
    return items;
  }

  // ------------------------------------------------------------------ diagnostics

  protected report(code: SyntaxCode, message: string, start: number, end: number): void {
    if (this.panic || this.silent) return;
    this.panic = true;
    // The lexer already reported the junk right before this token; this error is its echo.
    if ((this.curFlags() & Flag.Junk) !== 0) return;
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
    const start = this.starts[this.pos & RING_MASK]!;
    const end = this.ends[this.pos & RING_MASK]!;
    this.next();
    return { kind: 'Name', start, end, text: internWord(this.text, start, end) };
  }

  /** The text of the current token when it is a word, shared with earlier copies of that word. */
  protected wordText(): string {
    return internWord(this.text, this.tokStart(), this.tokEnd());
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
    if (this.peek(ahead) !== Tok.Ident) return false;
    const kw = this.subAt(ahead) as Kw;
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
        return k2 === Tok.Ident && this.subAt(ahead + 2) === Kw.For;
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
