// The classification of the cursor context: given the frames of the bracket replay
// (context-replay.ts), it decides what the cursor is in the middle of writing: a property key or
// value, an edge target, an argument, a member after `.`, a literal after `==`, a path in
// `file("`, an expression in `{{ }}` of a prompt, … Each kind of frame has its own classifier,
// and the innermost call around the cursor is found here too, for signature help.
import { PROPERTY_SPECS } from '../semantics/property-specs.ts';
import { Kw, Tok } from '../syntax/tokens.ts';
import { hasNewline, type OffsetRange } from './common.ts';
import type { CallSite, CursorContext, CursorInfo, ScopeRef } from './context.ts';
import { BracketReplay, type Frame } from './context-replay.ts';
import { DECL_KEYWORDS, endsOperand, inComment, KEYWORD_TEXT, lexRange } from './context-tokens.ts';

const BACKOFF_ARGS = [
  { name: 'max', doc: 'The longest wait between attempts, e.g. `4s`.', snippet: 'max: ${1:4s}' },
  { name: 'jitter', doc: 'Randomise each wait (default `true`).', snippet: 'jitter: ${1|true,false|}' },
];
const STRATEGY_ARGS = [
  { name: 'max_restarts', doc: PROPERTY_SPECS.supervise.max_restarts!.doc, snippet: 'max_restarts: ${1:3}' },
  { name: 'within', doc: PROPERTY_SPECS.supervise.within!.doc, snippet: 'within: ${1:60s}' },
];

/** Describes the cursor at the end of a replayed token range. */
export class CursorScanner extends BracketReplay {
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
        const sub = new CursorScanner(this.text, lexRange(this.text, exprStart, this.offset), this.offset, { kind: 'template', decl: this.declName });
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
