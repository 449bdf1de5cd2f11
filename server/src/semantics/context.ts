// The state one analysis carries: the file being checked, the symbols it sees, where diagnostics and
// resolved references go. Every checker function takes a Ctx.

import type { Code } from '../diagnostics/codes.ts';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import type { Span } from '../syntax/ast.ts';
import type { Program, SourceUnit, Sym, SymbolKind } from './program.ts';
import { makeDiagnostic } from './report.ts';
import type { TypeResolver } from './type-resolver.ts';

/** Where something is declared: the span of its name. */
export interface DeclSite {
  file: string;
  start: number;
  end: number;
}

/**
 * A name in the source resolved to its declaration, for navigation, highlights and rename. Fields
 * and parameters have declaration sites too, so `classify.category` can jump to `category: …`.
 */
export interface Reference {
  start: number;
  end: number;
  name: string;
  kind: SymbolKind | 'field' | 'param';
  target: DeclSite;
  sym?: Sym;
  /** The declaring occurrence itself rather than a use. */
  isDecl?: boolean;
}

export function refToSym(start: number, end: number, sym: Sym): Reference {
  return { start, end, name: sym.name, kind: sym.kind, target: { file: sym.file, start: sym.decl.name.start, end: sym.decl.name.end }, sym };
}

export interface Ctx {
  program: Program;
  file: string;
  unit: SourceUnit;
  symbols: Map<string, Sym>;
  diagnostics: Diagnostic[];
  refs: Reference[];
  types: TypeResolver;
  report(code: Code, span: Span, message: string, extra?: Partial<Diagnostic>): void;
}

export function createCtx(program: Program, unit: SourceUnit, symbols: Map<string, Sym>, types: TypeResolver): Ctx {
  const diagnostics: Diagnostic[] = [];
  const seen = new Set<string>();
  return {
    program,
    file: unit.path,
    unit,
    symbols,
    diagnostics,
    refs: [],
    types,
    report(code, span, message, extra) {
      // One diagnostic per code and position: several phases may reach the same mistake.
      const key = `${code}:${span.start}:${span.end}`;
      if (seen.has(key)) return;
      seen.add(key);
      diagnostics.push(makeDiagnostic(code, span, message, unit.path, extra));
    },
  };
}

export const KIND_LABEL: Record<SymbolKind, string> = {
  type: 'type',
  model: 'model',
  tool: 'tool',
  agent: 'agent',
  human: 'human',
  graph: 'graph',
  eval: 'eval',
};

/** Names of symbols of the given kinds, for suggestions. */
export function namesOfKind(ctx: Ctx, kinds: readonly SymbolKind[]): string[] {
  const out: string[] = [];
  for (const s of ctx.symbols.values()) if (kinds.includes(s.kind)) out.push(s.name);
  return out;
}
