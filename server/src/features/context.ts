// What is at the cursor, for completion and signature help. The syntax tree of a half-typed file
// is complete but may not say what the user is in the middle of writing, so this works on the
// TOKEN STREAM: it lexes the current declaration from its first token up to the cursor and
// replays the brackets with a small stack of frames (declaration block, graph body, argument list,
// tool list, type object, …). The innermost frame and the tokens of the current item inside it
// (`key: value`, an edge, an argument) tell where the cursor is: at a property key, after
// `model:`, after `->`, after a `.`, after `==`, inside `{{ }}` of a prompt, inside `openai("`,
// inside `file("` or `import "`, in the arguments of `billing(`, …
//
// Lexing stops at the cursor, so a word being typed is the last token (the prefix to complete),
// and a string the cursor is inside of is an unterminated last token.

import type { PropertySpec, BlockKind } from '../semantics/property-specs.ts';
import { PROPERTY_SPECS } from '../semantics/property-specs.ts';
import type { SourceFile } from '../syntax/ast.ts';
import { DiagSink } from '../syntax/diag-sink.ts';
import { lex } from '../syntax/lexer.ts';
import { FLAG_NEWLINE, Kw, STR_UNTERMINATED, Tok, type TokenStream } from '../syntax/tokens.ts';
import { declBefore, hasNewline, type OffsetRange } from './common.ts';

/** The names an expression can see, named by what declares them (resolved by the features). */
export type ScopeRef =
  | { kind: 'graph'; graph: string }
  | { kind: 'eval'; eval: string; graph?: string }
  | { kind: 'template'; decl: string };

export type CallKind = 'node' | 'end' | 'backoff' | 'strategy' | 'provider' | 'file' | 'builtin';

/** The innermost call around the cursor: what signature help shows. */
export interface CallSite {
  kind: CallKind;
  callee: string;
  calleeStart: number;
  /** Offset of the '('. */
  open: number;
  /** Arguments before the current one: the name of each named one, undefined for positional. */
  before: (string | undefined)[];
  /** The current argument's name when written `name: …`. */
  currentName?: string;
  /** The enclosing graph, for node calls and `end(…)`. */
  graph?: string;
  scope?: ScopeRef;
}

export type CursorContext =
  | { kind: 'none' }
  /** Where a declaration may start. */
  | { kind: 'topLevel' }
  /** A property key inside a block; `present` keys are already written. */
  | { kind: 'propertyKey'; block: BlockKind | 'nested'; keys: Record<string, PropertySpec>; present: string[]; allowAssert?: boolean }
  /** The value of `key:` (nothing typed after the colon yet, or a word being typed). */
  | { kind: 'propertyValue'; block: BlockKind | 'nested'; key: string; spec?: PropertySpec }
  /** After `retry: 2 ` (offer `backoff`). */
  | { kind: 'retryTail' }
  | { kind: 'backoffStrategy' }
  | { kind: 'supervisionStrategy' }
  /** After a supervise clause's arguments (offer `escalate`). */
  | { kind: 'escalateKeyword' }
  | { kind: 'evalFor' }
  | { kind: 'provider' }
  /** A type position. */
  | { kind: 'type' }
  /** Names of declarations of these kinds (model:, tools: [, approve:, escalate, eval … for). */
  | { kind: 'symbols'; kinds: ('model' | 'tool' | 'agent' | 'human' | 'graph' | 'type')[]; exclude: string[]; wrapInList?: boolean }
  /** A model id inside `provider("…")`; `quoted` when the cursor is inside the quotes. */
  | { kind: 'modelId'; quoted: boolean }
  /** A path inside `file("…")`, `import "…"` or `dataset: "…"`; `typed` is the text before the cursor. */
  | { kind: 'filePath'; mode: 'prompt' | 'import' | 'dataset'; typed: string }
  /** The start of a graph item: an edge source, `start`, `budget`, `supervise`, a property. */
  | { kind: 'graphItem'; graph: string; present: string[] }
  /** After `->`: agents, humans, tools, graphs and `end`. */
  | { kind: 'edgeTarget'; graph: string; sources: string[]; inFanOut: boolean }
  /** After an edge's target: `when`, `otherwise`, `max`, `for`. */
  | { kind: 'edgeModifier'; graph: string; has: { when: boolean; otherwise: boolean; max: boolean; forEach: boolean; call: boolean } }
  /** Node names of a graph (join sources, supervised children, `inputs(`). */
  | { kind: 'graphNodes'; graph: string; exclude: string[]; supervisors: boolean }
  /** Named arguments of a backoff or a supervision strategy. */
  | { kind: 'namedArgs'; names: { name: string; doc: string; snippet: string }[]; present: string[] }
  /** The start of an argument of a node call: parameter names, then expression names. */
  | { kind: 'nodeArg'; call: CallSite; scope: ScopeRef }
  /** An expression: names in scope, built-in functions, literals. `afterOperand` when a complete operand precedes. */
  | { kind: 'expression'; scope: ScopeRef; afterOperand: boolean; inEdgeCondition: boolean }
  /** After `object.`: the fields of the object's type. `object` is the expression text. */
  | { kind: 'member'; scope: ScopeRef; object: string }
  /** After `subject ==` (or inside the quotes that follow): the values of a literal union. */
  | { kind: 'literal'; scope: ScopeRef; subject: string; quoted: boolean };

export interface CursorInfo {
  context: CursorContext;
  /** Range a completion replaces: the word or string being typed (empty at the cursor otherwise). */
  replace: OffsetRange;
  /** The text of the replace range before the cursor. */
  prefix: string;
  /** The innermost call around the cursor, for signature help. */
  call?: CallSite;
  /** The declaration the cursor is in: its keyword and name. */
  decl?: { keyword: string; name: string };
}

type Role = 'top' | 'declBlock' | 'graphBody' | 'object' | 'typeObject' | 'params' | 'args' | 'list' | 'generic' | 'group';

interface Frame {
  role: Role;
  /** The token kind that closes this frame. */
  close: Tok;
  /** Token index of the opening bracket (-1 for the top frame). */
  openIdx: number;
  /** Token indices of the current item at this depth (nested brackets appear as opener and closer). */
  items: number[];
  /** First raw token index of the current item. */
  itemRaw: number;
  /** Names of completed arguments (args frames). */
  argNames: (string | undefined)[];
  /** Keys written in this block so far. */
  keys: string[];
  /** Items listed so far (lists of names). */
  listed: string[];
  block?: BlockKind | 'nested';
  table?: Record<string, PropertySpec>;
  listKey?: string;
  listPurpose?: 'join' | 'fanout' | 'children' | 'prop' | 'plain';
  call?: { kind: CallKind; callee: string; calleeStart: number };
}

const DECL_KEYWORDS = new Set([Kw.Import, Kw.Type, Kw.Model, Kw.Tool, Kw.Agent, Kw.Human, Kw.Graph, Kw.Eval]);
const KEYWORD_TEXT: Partial<Record<Kw, string>> = {
  [Kw.Import]: 'import',
  [Kw.Type]: 'type',
  [Kw.Model]: 'model',
  [Kw.Tool]: 'tool',
  [Kw.Agent]: 'agent',
  [Kw.Human]: 'human',
  [Kw.Graph]: 'graph',
  [Kw.Eval]: 'eval',
};

function isBinaryOp(k: Tok): boolean {
  switch (k) {
    case Tok.EqEq:
    case Tok.BangEq:
    case Tok.Lt:
    case Tok.LtEq:
    case Tok.Gt:
    case Tok.GtEq:
    case Tok.Plus:
    case Tok.Minus:
    case Tok.Star:
    case Tok.Slash:
    case Tok.AndAnd:
    case Tok.OrOr:
    case Tok.Pipe:
      return true;
    default:
      return false;
  }
}

/** Tokens that end an operand (so what follows is an operator or a modifier, not a name). */
function endsOperand(k: Tok): boolean {
  switch (k) {
    case Tok.Ident:
    case Tok.Number:
    case Tok.Duration:
    case Tok.Money:
    case Tok.String:
    case Tok.TripleString:
    case Tok.RParen:
    case Tok.RBracket:
    case Tok.RBrace:
      return true;
    default:
      return false;
  }
}

const BACKOFF_ARGS = [
  { name: 'max', doc: 'The longest wait between attempts, e.g. `4s`.', snippet: 'max: ${1:4s}' },
  { name: 'jitter', doc: 'Randomise each wait (default `true`).', snippet: 'jitter: ${1|true,false|}' },
];
const STRATEGY_ARGS = [
  { name: 'max_restarts', doc: PROPERTY_SPECS.supervise.max_restarts!.doc, snippet: 'max_restarts: ${1:3}' },
  { name: 'within', doc: PROPERTY_SPECS.supervise.within!.doc, snippet: 'within: ${1:60s}' },
];

/** A token array view with helpers. */
class Toks {
  constructor(
    readonly text: string,
    readonly s: TokenStream,
    /** Number of real tokens (the EOF excluded). */
    readonly n: number,
    /** Where lexing started. */
    readonly from: number,
  ) {}
  kind(i: number): Tok {
    return i >= 0 && i < this.n ? (this.s.kinds[i]! as Tok) : Tok.EOF;
  }
  kw(i: number): Kw {
    return this.kind(i) === Tok.Ident ? (this.s.subs[i]! as Kw) : Kw.None;
  }
  start(i: number): number {
    return this.s.starts[i]!;
  }
  end(i: number): number {
    return this.s.ends[i]!;
  }
  textOf(i: number): string {
    return this.text.slice(this.s.starts[i]!, this.s.ends[i]!);
  }
  newlineBefore(i: number): boolean {
    return (this.s.flags[i]! & FLAG_NEWLINE) !== 0;
  }
  /** Index of the bracket opening the one closed at `i` (scanning backwards), or -1. */
  matchBack(i: number): number {
    const close = this.kind(i);
    const open = close === Tok.RParen ? Tok.LParen : close === Tok.RBracket ? Tok.LBracket : Tok.LBrace;
    let depth = 0;
    for (let j = i; j >= 0; j--) {
      const k = this.kind(j);
      if (k === close) depth++;
      else if (k === open && --depth === 0) return j;
    }
    return -1;
  }
  /** First token of the postfix chain (`a.b`, `inputs(x).y`, `a[0].b`) ending at `j`, or -1. */
  chainStart(j: number, min: number): number {
    let i = j;
    for (;;) {
      if (i < min) return -1;
      const k = this.kind(i);
      let first: number;
      if (k === Tok.Ident) first = i;
      else if (k === Tok.RParen) {
        const p = this.matchBack(i);
        if (p < min) return -1;
        if (this.kind(p - 1) === Tok.Ident && p - 1 >= min) first = p - 1;
        else first = p;
      } else if (k === Tok.RBracket) {
        const p = this.matchBack(i);
        if (p - 1 < min) return -1;
        i = p - 1;
        continue;
      } else return -1;
      if (this.kind(first - 1) === Tok.Dot && first - 2 >= min) {
        i = first - 2;
        continue;
      }
      return first;
    }
  }
}

function lexRange(text: string, from: number, to: number): Toks {
  const s = lex(text, new DiagSink(), from, to);
  return new Toks(text, s, s.count - 1, from);
}

/** True when `offset` lies inside a comment that starts in text[from, offset). */
function inComment(text: string, from: number, offset: number): boolean {
  let i = from;
  while (i < offset) {
    const c = text.charCodeAt(i);
    if (c === 47 && text.charCodeAt(i + 1) === 47) {
      let e = i;
      while (e < text.length && text.charCodeAt(e) !== 10 && text.charCodeAt(e) !== 13) e++;
      if (e >= offset) return true;
      i = e;
      continue;
    }
    if (c === 47 && text.charCodeAt(i + 1) === 42) {
      const close = text.indexOf('*/', i + 2);
      if (close < 0 || close + 2 > offset) return true;
      i = close + 2;
      continue;
    }
    i++;
  }
  return false;
}

/**
 * Describes the cursor at `offset` of `text`. `file` is the parsed tree of the same text; only its
 * declaration boundaries are used (where to start lexing).
 */
export function cursorContext(text: string, file: SourceFile, offset: number): CursorInfo {
  // Lex from the start of the declaration the cursor is in or follows: after its end the replay
  // itself tells a new declaration (a new line after a complete one) from a continuation (a block
  // the parser closed early because its '}' is still missing).
  return cursorContextFrom(text, declBefore(file, offset)?.start ?? 0, offset);
}

/**
 * Like cursorContext, lexing from `from`, which must be the start of a token at the top level
 * (a declaration's start, or any earlier one: a declaration keyword starting a line resets).
 */
export function cursorContextFrom(text: string, from: number, offset: number): CursorInfo {
  return new Scanner(text, lexRange(text, from, offset), offset).run();
}

/**
 * Where the declaration around `offset` of `text` starts, using the tree of an OLDER version of
 * the text (`oldText`): offsets before the edited region are unchanged, those after it shift by
 * the change in length. Undefined when the cursor's declaration starts inside the edited region.
 */
export function declStartInEditedText(oldText: string, oldFile: SourceFile, text: string, offset: number): number | undefined {
  const max = Math.min(oldText.length, text.length);
  // Compare in blocks first: comparing slices is native and much faster than char by char.
  const B = 512;
  let p = 0;
  while (p + B <= max && oldText.slice(p, p + B) === text.slice(p, p + B)) p += B;
  while (p < max && oldText.charCodeAt(p) === text.charCodeAt(p)) p++;
  let s = 0;
  const ol = oldText.length;
  const nl = text.length;
  while (s + B <= max - p && oldText.slice(ol - s - B, ol - s) === text.slice(nl - s - B, nl - s)) s += B;
  while (s < max - p && oldText.charCodeAt(ol - 1 - s) === text.charCodeAt(nl - 1 - s)) s++;
  const delta = text.length - oldText.length;
  const oldOffset = offset <= p ? offset : offset >= text.length - s ? offset - delta : p;
  const start = declBefore(oldFile, oldOffset)?.start ?? 0;
  if (start <= p) return start;
  if (start >= oldText.length - s) return start + delta;
  return undefined;
}

class Scanner {
  private readonly frames: Frame[] = [];
  private declKw: Kw = Kw.None;
  private declName = '';
  /** Number of tokens taking part in the scan (the word or string being typed excluded). */
  private n: number;
  private partial = -1;
  private stringTok = -1;

  constructor(
    private readonly text: string,
    private readonly t: Toks,
    private readonly offset: number,
    /** For template expressions: the scope is given, there is no declaration header. */
    private readonly fixedScope?: ScopeRef,
  ) {
    this.n = t.n;
    const last = t.n - 1;
    if (last >= 0 && t.end(last) === offset) {
      const k = t.kind(last);
      if (k === Tok.Ident) {
        this.partial = last;
        this.n = last;
      } else if ((k === Tok.String || k === Tok.TripleString) && (t.s.subs[last]! & STR_UNTERMINATED) !== 0) {
        this.stringTok = last;
        this.n = last;
      }
    }
  }

  private newFrame(role: Role, close: Tok, openIdx: number): Frame {
    return { role, close, openIdx, items: [], itemRaw: openIdx + 1, argNames: [], keys: [], listed: [] };
  }

  private top(): Frame {
    return this.frames[this.frames.length - 1]!;
  }

  run(): CursorInfo {
    const t = this.t;
    const top = this.newFrame('top', Tok.EOF, -1);
    top.itemRaw = 0;
    this.frames.push(top);
    if (!this.fixedScope && t.n > 0 && DECL_KEYWORDS.has(t.kw(0))) {
      this.declKw = t.kw(0);
      if (t.kind(1) === Tok.Ident) this.declName = t.textOf(1);
    }
    for (let i = 0; i < this.n; i++) this.step(i);
    const info = this.classify();
    if (this.declKw !== Kw.None) info.decl = { keyword: KEYWORD_TEXT[this.declKw] ?? '', name: this.declName };
    info.call ??= this.callSite();
    return info;
  }

  // ------------------------------------------------------------------ the replay

  private continuationEnd(i: number): boolean {
    const k = this.t.kind(i);
    if (k === Tok.Colon || k === Tok.Comma || k === Tok.Arrow || k === Tok.Dot || k === Tok.Bang || k === Tok.Eq || isBinaryOp(k)) return true;
    const kw = this.t.kw(i);
    return kw === Kw.When || kw === Kw.In || kw === Kw.For || kw === Kw.Max || kw === Kw.Backoff || kw === Kw.Escalate || kw === Kw.Assert || kw === Kw.Supervise;
  }

  private continuationStart(i: number): boolean {
    const k = this.t.kind(i);
    if (k === Tok.Arrow || k === Tok.Dot || (isBinaryOp(k) && k !== Tok.Minus)) return true;
    const kw = this.t.kw(i);
    return kw === Kw.When || kw === Kw.Otherwise || kw === Kw.Max || kw === Kw.For || kw === Kw.In || kw === Kw.Backoff || kw === Kw.Escalate;
  }

  private blockLike(f: Frame): boolean {
    return f.role === 'declBlock' || f.role === 'graphBody' || f.role === 'object' || f.role === 'typeObject';
  }

  /** Ends the current item of `f` (a comma or a new line), remembering keys and listed names. */
  private endItem(f: Frame, nextRaw: number): void {
    const t = this.t;
    const it = f.items;
    if (it.length >= 2 && t.kind(it[0]!) === Tok.Ident && t.kind(it[1]!) === Tok.Colon) f.keys.push(t.textOf(it[0]!));
    if (f.role === 'args') f.argNames.push(it.length >= 2 && t.kind(it[0]!) === Tok.Ident && t.kind(it[1]!) === Tok.Colon ? t.textOf(it[0]!) : undefined);
    if (it.length >= 1 && t.kind(it[0]!) === Tok.Ident) f.listed.push(t.textOf(it[0]!));
    f.items = [];
    f.itemRaw = nextRaw;
  }

  private step(i: number): void {
    const t = this.t;
    const k = t.kind(i);
    let f = this.top();
    if (this.frames.length === 1 && !this.fixedScope && i > 0 && t.newlineBefore(i) && this.startsDecl(i)) {
      // A new declaration: forget the one before it.
      this.declKw = t.kw(i);
      this.declName = t.kind(i + 1) === Tok.Ident && i + 1 < this.n ? t.textOf(i + 1) : '';
      f.items = [];
      f.itemRaw = i;
    }
    if (this.blockLike(f) && f.items.length > 0 && t.newlineBefore(i) && !this.continuationEnd(f.items[f.items.length - 1]!) && !this.continuationStart(i)) {
      this.endItem(f, i);
    }
    switch (k) {
      case Tok.LBrace: {
        const nf = this.braceFrame(f, i);
        f.items.push(i);
        this.frames.push(nf);
        return;
      }
      case Tok.LParen: {
        const nf = this.parenFrame(f, i);
        f.items.push(i);
        this.frames.push(nf);
        return;
      }
      case Tok.LBracket: {
        const nf = this.bracketFrame(f, i);
        f.items.push(i);
        this.frames.push(nf);
        return;
      }
      case Tok.Lt:
        if (this.isGenericOpen(f)) {
          f.items.push(i);
          this.frames.push(this.newFrame('generic', Tok.Gt, i));
          return;
        }
        f.items.push(i);
        return;
      case Tok.Gt:
        if (f.role === 'generic') {
          this.frames.pop();
          this.top().items.push(i);
          return;
        }
        f.items.push(i);
        return;
      case Tok.RBrace:
      case Tok.RParen:
      case Tok.RBracket: {
        let j = this.frames.length - 1;
        while (j > 0 && this.frames[j]!.close !== k) j--;
        if (j === 0) {
          f.items.push(i);
          return;
        }
        const closing = this.frames[j]!;
        if (closing.items.length) this.endItem(closing, i);
        this.frames.length = j;
        f = this.top();
        f.items.push(i);
        return;
      }
      case Tok.Comma:
        this.endItem(f, i + 1);
        return;
      default:
        f.items.push(i);
    }
  }

  /** A declaration keyword followed by what only a declaration has there. */
  private startsDecl(i: number): boolean {
    const t = this.t;
    const kw = t.kw(i);
    if (!DECL_KEYWORDS.has(kw)) return false;
    if (kw === Kw.Import) return t.kind(i + 1) === Tok.String || i + 1 >= this.n;
    return t.kind(i + 1) === Tok.Ident || i + 1 >= this.n;
  }

  private prevAtDepth(f: Frame, back = 1): number {
    return f.items[f.items.length - back] ?? -1;
  }

  private braceFrame(f: Frame, i: number): Frame {
    const t = this.t;
    const prev = this.prevAtDepth(f);
    const pk = t.kind(prev);
    const nf = (role: Role) => this.newFrame(role, Tok.RBrace, i);
    switch (f.role) {
      case 'top': {
        if (this.declKw === Kw.Type || pk === Tok.Arrow || pk === Tok.Pipe || pk === Tok.Eq || pk === Tok.Colon || pk === Tok.Lt) return nf('typeObject');
        const block = ({ [Kw.Agent]: 'agent', [Kw.Tool]: 'tool', [Kw.Human]: 'human', [Kw.Model]: 'model', [Kw.Eval]: 'eval' } as Partial<Record<Kw, BlockKind>>)[this.declKw];
        if (this.declKw === Kw.Graph) return { ...nf('graphBody'), block: 'graph', table: PROPERTY_SPECS.graph };
        if (block) return { ...nf('declBlock'), block, table: PROPERTY_SPECS[block] };
        return nf('object');
      }
      case 'declBlock':
      case 'object': {
        const it = f.items;
        if (it.length === 2 && t.kind(it[0]!) === Tok.Ident && t.kind(it[1]!) === Tok.Colon) {
          const spec = f.table?.[t.textOf(it[0]!)];
          if (spec?.keys) return { ...nf('object'), block: 'nested', table: spec.keys };
        }
        return nf('object');
      }
      case 'graphBody':
        if (f.items.length === 1 && t.kw(f.items[0]!) === Kw.Budget) return { ...nf('declBlock'), block: 'budget', table: PROPERTY_SPECS.budget };
        return nf('object');
      case 'params':
      case 'typeObject':
      case 'generic':
        return nf('typeObject');
      default:
        return nf('object');
    }
  }

  private parenFrame(f: Frame, i: number): Frame {
    const t = this.t;
    const prev = this.prevAtDepth(f);
    const nf = this.newFrame('group', Tok.RParen, i);
    if (t.kind(prev) !== Tok.Ident) return nf;
    const callee = t.textOf(prev);
    const before = this.prevAtDepth(f, 2);
    const args = (kind: CallKind): Frame => ({ ...nf, role: 'args', call: { kind, callee, calleeStart: t.start(prev) } });
    if (f.role === 'top') {
      if ((this.declKw === Kw.Agent || this.declKw === Kw.Tool || this.declKw === Kw.Human || this.declKw === Kw.Graph) && f.items.length === 2) {
        return { ...nf, role: 'params' };
      }
      if (this.declKw === Kw.Model && t.kind(before) === Tok.Eq) return args('provider');
    }
    if (f.role === 'graphBody' && t.kind(before) === Tok.Arrow) return args(callee === 'end' ? 'end' : 'node');
    if (f.role === 'list' && f.listPurpose === 'fanout' && before === -1) return args('node');
    if (t.kw(before) === Kw.Backoff) return args('backoff');
    if (f.role === 'graphBody' && t.kw(f.items[0] ?? -1) === Kw.Supervise && t.kind(before) === Tok.RBracket) return args('strategy');
    if (callee === 'file') return args('file');
    return args('builtin');
  }

  private bracketFrame(f: Frame, i: number): Frame {
    const t = this.t;
    const nf = this.newFrame('list', Tok.RBracket, i);
    const it = f.items;
    if (f.role === 'graphBody') {
      if (it.length === 0) return { ...nf, listPurpose: 'join' };
      if (t.kind(this.prevAtDepth(f)) === Tok.Arrow) return { ...nf, listPurpose: 'fanout' };
      if (t.kw(it[0]!) === Kw.Supervise) return { ...nf, listPurpose: 'children' };
    }
    if ((f.role === 'declBlock' || f.role === 'object') && it.length === 2 && t.kind(it[0]!) === Tok.Ident && t.kind(it[1]!) === Tok.Colon) {
      return { ...nf, listPurpose: 'prop', listKey: t.textOf(it[0]!), block: f.block, table: f.table };
    }
    return { ...nf, listPurpose: 'plain' };
  }

  private isGenericOpen(f: Frame): boolean {
    const prev = this.prevAtDepth(f);
    const kw = this.t.kw(prev);
    if (kw !== Kw.List && kw !== Kw.Map) return false;
    return f.role === 'top' || f.role === 'params' || f.role === 'typeObject' || f.role === 'generic';
  }

  // ------------------------------------------------------------------ classification

  private scopeRef(): ScopeRef | undefined {
    if (this.fixedScope) return this.fixedScope;
    if (this.declKw === Kw.Graph && this.declName) return { kind: 'graph', graph: this.declName };
    if (this.declKw === Kw.Eval && this.declName) {
      const t = this.t;
      const g = t.kw(2) === Kw.For && t.kind(3) === Tok.Ident ? t.textOf(3) : undefined;
      return { kind: 'eval', eval: this.declName, graph: g };
    }
    return undefined;
  }

  private wordRange(): { replace: OffsetRange; prefix: string } {
    if (this.partial >= 0) {
      const s = this.t.start(this.partial);
      return { replace: { start: s, end: this.offset }, prefix: this.text.slice(s, this.offset) };
    }
    return { replace: { start: this.offset, end: this.offset }, prefix: '' };
  }

  private result(context: CursorContext, range?: { replace: OffsetRange; prefix: string }): CursorInfo {
    const r = range ?? this.wordRange();
    return { context, replace: r.replace, prefix: r.prefix };
  }

  /** The items of the innermost frame, treating a word typed at the start of a line as a new item. */
  private currentItems(f: Frame): number[] {
    const t = this.t;
    if (!this.blockLike(f) || f.items.length === 0) return f.items;
    const lastItem = f.items[f.items.length - 1]!;
    if (this.continuationEnd(lastItem)) return f.items;
    const onNewLine = this.partial >= 0 ? t.newlineBefore(this.partial) : hasNewline(this.text, t.end(this.n - 1), this.offset);
    if (onNewLine && !(this.partial >= 0 && this.continuationStart(this.partial))) return [];
    return f.items;
  }

  private classify(): CursorInfo {
    const t = this.t;
    const none = this.result({ kind: 'none' });
    if (this.stringTok >= 0) return this.classifyString();
    const lastEnd = this.n > 0 ? t.end(this.n - 1) : t.from;
    if (this.partial < 0 && inComment(this.text, lastEnd, this.offset)) return none;
    const f = this.top();
    const items = this.currentItems(f);
    const scope = this.scopeRef();

    switch (f.role) {
      case 'top':
        return this.classifyTop(items);
      case 'params':
        return items.some((i) => t.kind(i) === Tok.Colon) && this.typeSlot(items) ? this.result({ kind: 'type' }) : none;
      case 'typeObject':
        return items.some((i) => t.kind(i) === Tok.Colon) && this.typeSlot(items) ? this.result({ kind: 'type' }) : none;
      case 'generic':
        return this.typeSlot(items) || items.length === 0 ? this.result({ kind: 'type' }) : none;
      case 'declBlock':
      case 'object':
        return this.classifyBlock(f, items, scope);
      case 'graphBody':
        return this.classifyGraph(f, items);
      case 'args':
        return this.classifyArgs(f, items, scope);
      case 'list':
        return this.classifyList(f, items, scope);
      case 'group':
        return scope ? this.classifyExpr(f.itemRaw, scope, false) : none;
    }
  }

  /** Whether the cursor sits where a type is expected: right after `:`, `->`, `|`, `=`, `<`. */
  private typeSlot(items: number[]): boolean {
    const last = items[items.length - 1];
    if (last === undefined) return false;
    const k = this.t.kind(last);
    return k === Tok.Colon || k === Tok.Arrow || k === Tok.Pipe || k === Tok.Eq || k === Tok.Lt;
  }

  private classifyTop(items: number[]): CursorInfo {
    const t = this.t;
    const none = this.result({ kind: 'none' });
    if (this.fixedScope) return this.classifyExpr(0, this.fixedScope, false);
    if (items.length === 0) return this.result({ kind: 'topLevel' });
    const last = items[items.length - 1]!;
    const lk = t.kind(last);
    // A complete declaration followed by a new line: a new declaration starts here.
    const onNewLine = hasNewline(this.text, t.end(last), this.partial >= 0 ? t.start(this.partial) : this.offset);
    if (onNewLine && !this.continuationEnd(last) && lk !== Tok.Lt && lk !== Tok.Pipe && !(this.declKw === Kw.Import && items.length === 1)) {
      return this.result({ kind: 'topLevel' });
    }
    switch (this.declKw) {
      case Kw.Type:
        return lk === Tok.Eq || lk === Tok.Pipe || lk === Tok.Lt ? this.result({ kind: 'type' }) : none;
      case Kw.Model:
        return items.length === 3 && lk === Tok.Eq ? this.result({ kind: 'provider' }) : none;
      case Kw.Eval:
        if (items.length === 2) return this.result({ kind: 'evalFor' });
        if (items.length === 3 && t.kw(last) === Kw.For) return this.result({ kind: 'symbols', kinds: ['graph'], exclude: [] });
        return none;
      case Kw.Agent:
      case Kw.Tool:
      case Kw.Human:
      case Kw.Graph:
        return lk === Tok.Arrow || lk === Tok.Pipe || lk === Tok.Lt ? this.result({ kind: 'type' }) : none;
      default:
        return none;
    }
  }

  private classifyBlock(f: Frame, items: number[], scope: ScopeRef | undefined): CursorInfo {
    const t = this.t;
    const none = this.result({ kind: 'none' });
    const block = f.block;
    if (block === 'eval' && items.length > 0 && t.kw(items[0]!) === Kw.Assert && scope) {
      return this.classifyExpr(f.itemRaw + 1, scope, false);
    }
    if (items.length === 0) {
      if (!f.table || !block) return none;
      return this.result({ kind: 'propertyKey', block, keys: f.table, present: this.presentKeys(f), allowAssert: block === 'eval' });
    }
    if (items.length >= 2 && t.kind(items[0]!) === Tok.Ident && t.kind(items[1]!) === Tok.Colon && block) {
      const key = t.textOf(items[0]!);
      const rest = items.slice(2);
      const spec = f.table?.[key];
      if (rest.length === 0) return this.result({ kind: 'propertyValue', block, key, spec });
      if (key === 'retry') {
        if (rest.length === 1 && t.kind(rest[0]!) === Tok.Number) return this.result({ kind: 'retryTail' });
        if (rest.length === 2 && t.kw(rest[1]!) === Kw.Backoff) return this.result({ kind: 'backoffStrategy' });
      }
      return none;
    }
    return none;
  }

  /** Keys already written in the block: before the cursor (scanned) and after it (re-lexed). */
  private presentKeys(f: Frame): string[] {
    const keys = new Set(f.keys);
    const t = this.t;
    const it = f.items;
    if (it.length >= 2 && t.kind(it[0]!) === Tok.Ident && t.kind(it[1]!) === Tok.Colon) keys.add(t.textOf(it[0]!));
    // Keys after the cursor, up to the block's closing brace on this or a later line.
    const after = lexRange(this.text, this.offset, Math.min(this.text.length, this.offset + 4000));
    let depth = 0;
    for (let i = 0; i < after.n; i++) {
      const k = after.kind(i);
      if (k === Tok.LBrace || k === Tok.LParen || k === Tok.LBracket) depth++;
      else if (k === Tok.RBrace || k === Tok.RParen || k === Tok.RBracket) {
        if (depth === 0) break;
        depth--;
      } else if (depth === 0 && k === Tok.Ident && after.kind(i + 1) === Tok.Colon && (i === 0 || after.newlineBefore(i) || after.kind(i - 1) === Tok.Comma)) {
        if (DECL_KEYWORDS.has(after.kw(i)) && after.kind(i + 2) === Tok.Ident) break;
        keys.add(after.textOf(i));
      }
    }
    return [...keys];
  }

  private classifyGraph(f: Frame, items: number[]): CursorInfo {
    const t = this.t;
    const none = this.result({ kind: 'none' });
    const graph = this.declName;
    if (items.length === 0) return this.result({ kind: 'graphItem', graph, present: this.presentKeys(f) });
    const first = items[0]!;
    if (t.kw(first) === Kw.Supervise) {
      const last = items[items.length - 1]!;
      if (t.kind(last) === Tok.RBracket) return this.result({ kind: 'supervisionStrategy' });
      if (t.kind(last) === Tok.RParen) return this.result({ kind: 'escalateKeyword' });
      if (t.kw(last) === Kw.Escalate) return this.result({ kind: 'symbols', kinds: ['human', 'graph'], exclude: [graph] });
      return none;
    }
    const arrow = items.findIndex((i) => t.kind(i) === Tok.Arrow);
    if (arrow < 0) return none;
    const sources = items.slice(0, arrow).filter((i) => t.kind(i) === Tok.Ident).map((i) => t.textOf(i));
    if (t.kind(items[0]!) === Tok.LBracket) {
      // `[a, b] -> …`: the joined names are inside the closed list.
      const close = items[1];
      if (close !== undefined) for (let j = items[0]! + 1; j < close; j++) if (t.kind(j) === Tok.Ident) sources.push(t.textOf(j));
    }
    const after = items.slice(arrow + 1);
    if (after.length === 0) return this.result({ kind: 'edgeTarget', graph, sources, inFanOut: false });
    const scope: ScopeRef = { kind: 'graph', graph };
    const whenAt = after.findIndex((i) => t.kw(i) === Kw.When);
    const inAt = after.findIndex((i) => t.kw(i) === Kw.In);
    const maxAt = after.findIndex((i) => t.kw(i) === Kw.Max);
    const last = after[after.length - 1]!;
    const has = {
      when: whenAt >= 0,
      otherwise: after.some((i) => t.kw(i) === Kw.Otherwise),
      max: maxAt >= 0,
      forEach: after.some((i) => t.kw(i) === Kw.For),
      call: t.kind(after[0]!) === Tok.Ident && t.kind(after[1] ?? -1) === Tok.LParen && t.textOf(after[0]!) !== 'end',
    };
    if (t.kw(last) === Kw.Max || t.kw(last) === Kw.For) return none;
    const exprFrom = Math.max(whenAt, inAt);
    if (exprFrom >= 0 && exprFrom > maxAt) {
      // Inside a `when` condition or a `for … in` list, unless a complete operand is followed by a space.
      const info = this.classifyExpr(after[exprFrom]! + 1, scope, whenAt >= 0 && whenAt === exprFrom);
      if (info.context.kind === 'expression' && info.context.afterOperand) return this.result({ kind: 'edgeModifier', graph, has });
      return info;
    }
    const lk = t.kind(last);
    if (lk === Tok.RParen || lk === Tok.RBracket || t.kw(last) === Kw.Otherwise || lk === Tok.Number) {
      return this.result({ kind: 'edgeModifier', graph, has });
    }
    return none;
  }

  private classifyArgs(f: Frame, items: number[], scope: ScopeRef | undefined): CursorInfo {
    const t = this.t;
    const none = this.result({ kind: 'none' });
    const call = f.call!;
    const named = items.length >= 2 && t.kind(items[0]!) === Tok.Ident && t.kind(items[1]!) === Tok.Colon;
    switch (call.kind) {
      case 'node': {
        if (!scope) return none;
        if (items.length === 0) return this.result({ kind: 'nodeArg', call: this.callSite(f)!, scope });
        return this.classifyExpr(named ? items[1]! + 1 : f.itemRaw, scope, false);
      }
      case 'end':
        return scope ? this.classifyExpr(f.itemRaw, scope, false) : none;
      case 'backoff':
        if (items.length === 0) return this.result({ kind: 'namedArgs', names: BACKOFF_ARGS, present: f.argNames.filter((x): x is string => !!x) });
        return none;
      case 'strategy':
        if (items.length === 0) return this.result({ kind: 'namedArgs', names: STRATEGY_ARGS, present: f.argNames.filter((x): x is string => !!x) });
        return none;
      case 'provider':
        return items.length === 0 ? this.result({ kind: 'modelId', quoted: false }) : none;
      case 'file':
        return none;
      case 'builtin':
        if (!scope) return none;
        if ((call.callee === 'inputs' || call.callee === 'visited') && items.length === 0 && scope.kind === 'graph') {
          return this.result({ kind: 'graphNodes', graph: scope.graph, exclude: [], supervisors: false });
        }
        return this.classifyExpr(named ? items[1]! + 1 : f.itemRaw, scope, false);
    }
  }

  private classifyList(f: Frame, items: number[], scope: ScopeRef | undefined): CursorInfo {
    const none = this.result({ kind: 'none' });
    const graph = this.declName;
    switch (f.listPurpose) {
      case 'prop': {
        const spec = f.table?.[f.listKey ?? ''];
        if (items.length > 0) return none;
        if (spec?.kind === 'tools') return this.result({ kind: 'symbols', kinds: ['tool'], exclude: f.listed });
        if (spec?.kind === 'models') return this.result({ kind: 'symbols', kinds: ['model'], exclude: f.listed });
        return none;
      }
      case 'join':
        return items.length === 0 ? this.result({ kind: 'graphNodes', graph, exclude: f.listed, supervisors: false }) : none;
      case 'children':
        return items.length === 0 ? this.result({ kind: 'graphNodes', graph, exclude: f.listed, supervisors: true }) : none;
      case 'fanout':
        return items.length === 0 ? this.result({ kind: 'edgeTarget', graph, sources: [], inFanOut: true }) : none;
      default:
        return scope ? this.classifyExpr(f.itemRaw, scope, false) : none;
    }
  }

  /** An expression from raw token `from` to the cursor: member access, literal comparison or names. */
  private classifyExpr(from: number, scope: ScopeRef, inEdgeCondition: boolean): CursorInfo {
    const t = this.t;
    const last = this.n - 1;
    if (last < from) return this.result({ kind: 'expression', scope, afterOperand: false, inEdgeCondition });
    const lk = t.kind(last);
    if (lk === Tok.Dot) {
      const s = t.chainStart(last - 1, from);
      if (s < 0) return this.result({ kind: 'none' });
      return this.result({ kind: 'member', scope, object: this.text.slice(t.start(s), t.start(last)) });
    }
    if (lk === Tok.EqEq || lk === Tok.BangEq) {
      const s = t.chainStart(last - 1, from);
      if (s >= 0) return this.result({ kind: 'literal', scope, subject: this.text.slice(t.start(s), t.end(last - 1)), quoted: false });
    }
    const afterOperand = endsOperand(lk) && !(lk === Tok.Ident && (t.kw(last) === Kw.When || t.kw(last) === Kw.In));
    return this.result({ kind: 'expression', scope, afterOperand, inEdgeCondition });
  }

  private classifyString(): CursorInfo {
    const t = this.t;
    const s = this.stringTok;
    const sStart = t.start(s);
    const quote = t.kind(s) === Tok.TripleString ? 3 : 1;
    const contentStart = sStart + quote;
    const none = this.result({ kind: 'none' });
    const f = this.top();
    const items = f.items;
    const scope = this.scopeRef();

    // Inside `{{ … }}` of a prompt: complete the expression against the declaration's parameters.
    const content = this.text.slice(contentStart, this.offset);
    const open = content.lastIndexOf('{{');
    if (open >= 0 && content.indexOf('}}', open) < 0 && content.charCodeAt(open - 1) !== 92) {
      if ((this.declKw === Kw.Agent || this.declKw === Kw.Human) && this.declName) {
        const exprStart = contentStart + open + 2;
        const sub = new Scanner(this.text, lexRange(this.text, exprStart, this.offset), this.offset, { kind: 'template', decl: this.declName });
        return sub.run();
      }
      return none;
    }
    // The string's closing quote, when it is there, belongs to the replaced range.
    let closeEnd = this.offset;
    while (closeEnd < this.text.length) {
      const c = this.text.charCodeAt(closeEnd);
      if (c === 34 || c === 10 || c === 13) break;
      closeEnd++;
    }
    const innerEnd = closeEnd;
    if (this.text.charCodeAt(closeEnd) === 34) closeEnd++;
    const inner = { replace: { start: contentStart, end: innerEnd }, prefix: this.text.slice(contentStart, this.offset) };

    if (f.role === 'args' && f.call?.kind === 'provider') return this.result({ kind: 'modelId', quoted: true }, inner);
    if (f.role === 'args' && f.call?.kind === 'file' && quote === 1) return this.pathResult('prompt', contentStart, innerEnd);
    if (f.role === 'top' && this.declKw === Kw.Import && quote === 1) return this.pathResult('import', contentStart, innerEnd);
    if (f.role === 'declBlock' && f.block === 'eval' && items.length === 2 && t.textOf(items[0]!) === 'dataset' && quote === 1) {
      return this.pathResult('dataset', contentStart, innerEnd);
    }
    const prev = s - 1;
    if (scope && (t.kind(prev) === Tok.EqEq || t.kind(prev) === Tok.BangEq)) {
      const from = f.itemRaw;
      const cs = t.chainStart(prev - 1, from);
      if (cs >= 0) {
        return this.result(
          { kind: 'literal', scope, subject: this.text.slice(t.start(cs), t.end(prev - 1)), quoted: true },
          { replace: { start: sStart, end: closeEnd }, prefix: this.text.slice(sStart, this.offset) },
        );
      }
    }
    return none;
  }

  private pathResult(mode: 'prompt' | 'import' | 'dataset', contentStart: number, innerEnd: number): CursorInfo {
    const typed = this.text.slice(contentStart, this.offset);
    const slash = typed.lastIndexOf('/');
    const segStart = contentStart + slash + 1;
    // Replace the last path segment only, up to the next '/' or the closing quote.
    let segEnd = this.offset;
    while (segEnd < innerEnd && this.text.charCodeAt(segEnd) !== 47) segEnd++;
    return this.result({ kind: 'filePath', mode, typed }, { replace: { start: segStart, end: segEnd }, prefix: this.text.slice(segStart, this.offset) });
  }

  /** The innermost argument list around the cursor. */
  private callSite(frame?: Frame): CallSite | undefined {
    const t = this.t;
    let f = frame;
    if (!f) {
      for (let j = this.frames.length - 1; j >= 0; j--) {
        const c = this.frames[j]!;
        if (c.role === 'args') {
          f = c;
          break;
        }
      }
    }
    if (!f?.call) return undefined;
    const it = f.items;
    const currentName = it.length >= 2 && t.kind(it[0]!) === Tok.Ident && t.kind(it[1]!) === Tok.Colon ? t.textOf(it[0]!) : undefined;
    const scope = this.scopeRef();
    const site: CallSite = {
      kind: f.call.kind,
      callee: f.call.callee,
      calleeStart: f.call.calleeStart,
      open: t.start(f.openIdx),
      before: f.argNames.slice(),
      currentName,
      scope,
    };
    if (scope?.kind === 'graph') site.graph = scope.graph;
    return site;
  }
}
