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
  return { start, end, name: sym.name, kind: sym.kind, target: declSite(sym), sym };
}

/**
 * A symbol as the analysis declares it, carrying its declaration site (the span of its name) as
 * one object that every reference to it shares as its target, instead of each reference
 * allocating a copy. The site is a private field, so to JSON, spreads and comparisons a
 * DeclaredSym is the same { name, kind, decl, file } record as any other Sym.
 */
export class DeclaredSym implements Sym {
  readonly #site: DeclSite;

  constructor(
    public name: string,
    public kind: SymbolKind,
    public decl: Sym['decl'],
    public file: string,
  ) {
    this.#site = { file, start: decl.name.start, end: decl.name.end };
  }

  get site(): DeclSite {
    return this.#site;
  }
}

/** Where `sym` is declared: the shared site of a DeclaredSym, else a new one. */
export function declSite(sym: Sym): DeclSite {
  return sym instanceof DeclaredSym ? sym.site : { file: sym.file, start: sym.decl.name.start, end: sym.decl.name.end };
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

const quietCtxs = new WeakMap<Ctx, Ctx>();

/**
 * The analysis context made silent: it reports nothing and its references are thrown away. Used to
 * type expressions whose mistakes are reported elsewhere (or belong to another file). Made once
 * per analysis rather than per use: typing a template or a route condition is a hot path.
 */
export function quietCtx(ctx: Ctx): Ctx {
  let quiet = quietCtxs.get(ctx);
  if (!quiet) {
    quiet = { ...ctx, report: () => {}, refs: [] };
    quietCtxs.set(ctx, quiet);
  }
  // Nobody reads these references; emptying them on every use keeps them from piling up.
  quiet.refs.length = 0;
  return quiet;
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
