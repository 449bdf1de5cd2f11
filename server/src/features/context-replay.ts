// The bracket replay of the cursor context: it walks the tokens of the current declaration up to
// the cursor and keeps a stack of frames (declaration block, graph body, argument list, list, type
// object, …), each with the tokens of its current item and what was written before in it (keys,
// argument names, listed names). The innermost frame is what the classification
// (context-classify.ts, which extends this class) reads to tell where the cursor is.
//
// A base class rather than a separate object so the classification reads the replay's state as
// its own, as it did when both were one class.
import type { PropertySpec, BlockKind } from '../semantics/property-specs.ts';
import { PROPERTY_SPECS } from '../semantics/property-specs.ts';
import { Kw, STR_UNTERMINATED, Tok } from '../syntax/tokens.ts';
import type { CallKind, ScopeRef } from './context.ts';
import { DECL_KEYWORDS, isBinaryOp, type Toks } from './context-tokens.ts';

export type Role = 'top' | 'declBlock' | 'graphBody' | 'object' | 'typeObject' | 'params' | 'args' | 'list' | 'generic' | 'group';

export interface Frame {
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

/** Replays the brackets of a token range into a stack of frames. */
export abstract class BracketReplay {
  protected readonly frames: Frame[] = [];
  protected declKw: Kw = Kw.None;
  protected declName = '';
  /** Number of tokens taking part in the scan (the word or string being typed excluded). */
  protected n: number;
  protected partial = -1;
  protected stringTok = -1;

  constructor(
    protected readonly text: string,
    protected readonly t: Toks,
    protected readonly offset: number,
    /** For template expressions: the scope is given, there is no declaration header. */
    protected readonly fixedScope?: ScopeRef,
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

  protected newFrame(role: Role, close: Tok, openIdx: number): Frame {
    return { role, close, openIdx, items: [], itemRaw: openIdx + 1, argNames: [], keys: [], listed: [] };
  }

  protected top(): Frame {
    return this.frames[this.frames.length - 1]!;
  }
  // ------------------------------------------------------------------ the replay

  protected continuationEnd(i: number): boolean {
    const k = this.t.kind(i);
    if (k === Tok.Colon || k === Tok.Comma || k === Tok.Arrow || k === Tok.Dot || k === Tok.Bang || k === Tok.Eq || isBinaryOp(k)) return true;
    const kw = this.t.kw(i);
    return kw === Kw.When || kw === Kw.In || kw === Kw.For || kw === Kw.Max || kw === Kw.Backoff || kw === Kw.Escalate || kw === Kw.Assert || kw === Kw.Supervise;
  }

  protected continuationStart(i: number): boolean {
    const k = this.t.kind(i);
    if (k === Tok.Arrow || k === Tok.Dot || (isBinaryOp(k) && k !== Tok.Minus)) return true;
    const kw = this.t.kw(i);
    return kw === Kw.When || kw === Kw.Otherwise || kw === Kw.Max || kw === Kw.For || kw === Kw.In || kw === Kw.Backoff || kw === Kw.Escalate;
  }

  protected blockLike(f: Frame): boolean {
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

  protected step(i: number): void {
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
}
