// The collector completion items are added to, with the lookups every item builder needs: the
// declarations of some kinds, their detail lines, callable signatures and the expression scope
// of a graph, an eval or a prompt template. It owns the replace range and the space put before
// an item inserted right after `:`, `->` or `==`, so the builders need not think about either.

import type { Analysis } from '../semantics/analyze.ts';
import type { CallableInfo } from '../semantics/declarations.ts';
import { tableScope, type Binding, type Scope } from '../semantics/expr-checker.ts';
import type { Sym, SymbolKind } from '../semantics/program.ts';
import { T, stripOptional } from '../semantics/types.ts';
import type { NodeCall } from '../syntax/ast.ts';
import { nodeAt } from '../syntax/walk.ts';
import { evalScope, paramScope, priceText, signatureOf, typeOfExpr, type OffsetRange } from './common.ts';
import type { CompletionEntry, CompletionEnv } from './completion.ts';
import type { CursorInfo, ScopeRef } from './context.ts';

/** Lists longer than this leave `detail` and `documentation` to completionItem/resolve. */
export const LAZY_DETAILS = 200;

/** Collects the items of one completion request. */
export class CompletionCollector {
  readonly items: CompletionEntry[] = [];
  private readonly range: OffsetRange;
  /** A space to put before inserted text (right after `:`, `->` or `==`). */
  private readonly lead: string;

  constructor(
    readonly analysis: Analysis,
    readonly text: string,
    readonly offset: number,
    readonly info: CursorInfo,
    readonly env: CompletionEnv,
  ) {
    this.range = info.replace;
    const before = text.charAt(info.replace.start - 1);
    this.lead = info.replace.start === info.replace.end && (before === ':' || before === '>' || before === '=') ? ' ' : '';
  }

  add(e: Omit<CompletionEntry, 'range'> & { range?: OffsetRange }): void {
    const entry = e as CompletionEntry;
    if (entry.range === undefined) {
      entry.range = this.range;
      if (this.lead) {
        entry.insertText = this.lead + (entry.insertText ?? entry.label);
        entry.filterText ??= entry.label;
      }
    }
    this.items.push(entry);
  }


  syms(kinds: readonly SymbolKind[]): Sym[] {
    const out: Sym[] = [];
    for (const s of this.analysis.symbols.values()) if (kinds.includes(s.kind)) out.push(s);
    return out;
  }

  callable(sym: Sym): CallableInfo | undefined {
    try {
      return this.analysis.decls.callable(sym);
    } catch {
      return undefined;
    }
  }

  /** Detail line of a declaration: its signature or definition. */
  symDetail(sym: Sym): string {
    switch (sym.kind) {
      case 'agent':
      case 'tool':
      case 'human':
      case 'graph': {
        const info = this.callable(sym);
        return info ? signatureOf(info) : sym.kind;
      }
      case 'model': {
        const m = this.analysis.decls.model(sym);
        return `${m.provider}(${JSON.stringify(m.modelId)}) · ${priceText(m.profile)}`;
      }
      case 'type': {
        const d = sym.decl;
        return d.kind === 'TypeDecl' ? `type ${sym.name}${d.type.kind === 'ObjectType' ? ` { ${d.type.fields.map((f) => f.name.text).slice(0, 4).join(', ')}${d.type.fields.length > 4 ? ', …' : ''} }` : ''}` : 'type';
      }
      case 'eval':
        return 'eval';
    }
  }

  symEntry(sym: Sym, lazy: boolean, extra: Partial<CompletionEntry> = {}): void {
    this.add({
      label: sym.name,
      kind: sym.kind === 'eval' ? 'eval' : sym.kind,
      detail: lazy ? undefined : this.symDetail(sym),
      documentation: lazy ? undefined : sym.decl.doc,
      resolve: { symbol: sym.name },
      ...extra,
    });
  }

  symbols(kinds: ('model' | 'tool' | 'agent' | 'human' | 'graph' | 'type')[], exclude: string[], wrap: boolean): void {
    const syms = this.syms(kinds);
    const lazy = syms.length > LAZY_DETAILS;
    for (const s of syms) {
      if (exclude.includes(s.name)) continue;
      this.symEntry(s, lazy, wrap ? { insertText: `[${s.name}]`, filterText: s.name } : {});
    }
  }

  graphScope(graph: string): Scope | undefined {
    const g = this.analysis.graphs.get(graph)?.model ?? this.analysis.graphOf(graph)?.model;
    if (!g) return undefined;
    // Inside the arguments of `… for x in list`, the loop variable is in scope too.
    const file = this.analysis.unit.text === this.text ? this.analysis.unit.parse.file : undefined;
    if (!file) return g.scope;
    const call = nodeAt(file, this.offset).filter((n): n is NodeCall => n.kind === 'NodeCall').pop();
    const fe = call?.forEach;
    if (!fe || fe.variable.missing || this.offset > fe.start) return g.scope;
    const listT = stripOptional(typeOfExpr(this.analysis, g.scope, fe.list));
    const table = new Map<string, Binding>([[fe.variable.text, { ty: listT.k === 'list' ? listT.element : T.error }]]);
    return tableScope(table, g.scope);
  }

  scopeOf(ref: ScopeRef): Scope | undefined {
    switch (ref.kind) {
      case 'graph':
        return this.graphScope(ref.graph);
      case 'eval':
        return evalScope(this.analysis, ref.eval, ref.graph);
      case 'template': {
        const sym = this.analysis.symbols.get(ref.decl);
        return sym ? paramScope(this.callable(sym)) : undefined;
      }
    }
  }
}
