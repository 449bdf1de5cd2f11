// The entry point of the language core: analyse one file in the context of everything it imports.
// Pipeline: text → tokens → tree (parser) → symbols (this file) → types (TypeResolver) →
// declarations (Declarations) → graph models → checks (flow, reliability, economics) → IR (ir/).

import { checkBudget, Economics, type GraphWorstCase, type WorstCase } from '../checks/economics.ts';
import { checkFlow } from '../checks/flow.ts';
import { buildTopology, type Topology } from '../checks/graph-topology.ts';
import { checkAgent, checkGraphReliability } from '../checks/reliability.ts';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import type { Decl } from '../syntax/ast.ts';
import { createCtx, DeclaredSym, refToSym, type Ctx, type Reference } from './context.ts';
import { Declarations, type AgentInfo } from './declarations.ts';
import { checkEval, type EvalModel } from './evals.ts';
import { buildGraphModel, type GraphModel } from './graph-model.ts';
import { symbolKindOf, type Program, type SourceUnit, type Sym } from './program.ts';
import { makeDiagnostic } from './report.ts';
import { TypeResolver } from './type-resolver.ts';

export interface GraphAnalysis {
  model: GraphModel;
  topo: Topology;
  /** Worst case of one run without supervisor restarts. */
  worst: GraphWorstCase;
  /** Worst case of one run counting every allowed restart. */
  worstSupervised: GraphWorstCase;
}

export interface Analysis {
  path: string;
  unit: SourceUnit;
  /** This file first, then everything it imports. */
  units: SourceUnit[];
  symbols: Map<string, Sym>;
  /** Diagnostics of this file, sorted by position. */
  diagnostics: Diagnostic[];
  /** Resolved names in this file, including declaration sites. */
  refs: Reference[];
  decls: Declarations;
  economics: Economics;
  /** Graphs declared in this file. */
  graphs: Map<string, GraphAnalysis>;
  evals: Map<string, EvalModel>;
  /** Worst case of one execution of any node-like declaration visible here. */
  worstCaseOf(sym: Sym): WorstCase | undefined;
  /** Model and topology of any graph visible here (built on demand, silently for imports). */
  graphOf(name: string): { model: GraphModel; topo: Topology } | undefined;
  ctx: Ctx;
}

/** Declarations that introduce a name. */
type NamedDecl = Exclude<Decl, { kind: 'ImportDecl' }>;

/**
 * References are collected in chunks of about this many, joined once at the end. One array grown
 * by push to tens of thousands of entries is copied into ever larger backing stores, and past
 * 16k entries each of those is a fresh large-object allocation from the OS.
 */
const REF_CHUNK = 4096;

export function analyzeFile(program: Program, absPath: string): Analysis | undefined {
  const { units, diagnostics: importDiags } = program.closure(absPath);
  const unit = units[0];
  if (!unit || unit.path !== absPath) return undefined;

  // Symbols: the file's own declarations and those of its imports; clashes reported here when
  // one side of the clash is in this file.
  const symbols = new Map<string, Sym>();
  const clashes: Diagnostic[] = [];
  // The symbol each of this file's declarations defines, by position; undefined for duplicates
  // (the first declaration of a name wins), so the checking loop below needs no second lookup.
  const own: (Sym | undefined)[] = new Array<Sym | undefined>(unit.parse.file.decls.length).fill(undefined);
  for (const u of units) {
    const decls = u.parse.file.decls;
    for (let i = 0; i < decls.length; i++) {
      const d = decls[i]!;
      const kind = symbolKindOf(d);
      if (!kind) continue;
      const nd = d as NamedDecl;
      if (nd.name.missing) continue;
      const sym: Sym = new DeclaredSym(nd.name.text, kind, nd, u.path);
      const prev = symbols.get(sym.name);
      if (!prev) {
        symbols.set(sym.name, sym);
        if (u === unit) own[i] = sym;
        continue;
      }
      const mine = sym.file === absPath ? sym : prev.file === absPath ? prev : undefined;
      if (!mine) continue;
      const other = mine === sym ? prev : sym;
      const where = other.file === absPath ? 'above' : `in ${other.file.split(/[\\/]/).pop()}`;
      clashes.push(makeDiagnostic('AG2002', mine.decl.name, `'${sym.name}' is already declared ${where} as ${other.kind === 'agent' ? 'an' : 'a'} ${other.kind}. Names are shared across a file and its imports; rename one.`, absPath, {
        related: [{ file: other.file, start: other.decl.name.start, end: other.decl.name.end, message: `'${sym.name}' is first declared here` }],
      }));
    }
  }

  const types = new TypeResolver(symbols);
  const ctx = createCtx(program, unit, symbols, types);
  types.ctx = ctx;
  for (const d of unit.parse.diagnostics) ctx.diagnostics.push({ ...d, file: absPath });
  ctx.diagnostics.push(...importDiags, ...clashes);

  const decls = new Declarations(ctx);
  const foreignGraphs = new Map<string, { model: GraphModel; topo: Topology }>();
  const graphs = new Map<string, GraphAnalysis>();
  const graphOf = (name: string) => {
    const local = graphs.get(name);
    if (local) return local;
    const cached = foreignGraphs.get(name);
    if (cached) return cached;
    const sym = symbols.get(name);
    if (!sym || sym.kind !== 'graph') return undefined;
    const model = buildGraphModel(ctx, decls, sym);
    const entry = { model, topo: buildTopology(model) };
    if (sym.file !== absPath) foreignGraphs.set(name, entry);
    return entry;
  };
  const economics = new Economics(decls, graphOf);
  const evals = new Map<string, EvalModel>();

  const refChunks: Reference[][] = [];
  const unitDecls = unit.parse.file.decls;
  for (let i = 0; i < unitDecls.length; i++) {
    const d = unitDecls[i]!;
    const kind = symbolKindOf(d);
    if (!kind) continue;
    const nd = d as NamedDecl;
    if (nd.name.missing) continue;
    if (ctx.refs.length >= REF_CHUNK) {
      refChunks.push(ctx.refs);
      ctx.refs = [];
    }
    const sym = own[i];
    if (!sym) continue; // A duplicate: already reported, not checked twice.
    const declRef = refToSym(nd.name.start, nd.name.end, sym);
    declRef.isDecl = true;
    ctx.refs.push(declRef);
    try {
      switch (kind) {
        case 'type':
          types.ofDecl(sym);
          break;
        case 'model':
          decls.model(sym);
          break;
        case 'tool':
        case 'human':
          decls.callable(sym);
          break;
        case 'agent': {
          const a = decls.callable(sym) as AgentInfo;
          checkAgent(ctx, a);
          break;
        }
        case 'graph': {
          const model = buildGraphModel(ctx, decls, sym);
          const topo = checkFlow(ctx, model);
          checkGraphReliability(ctx, model, topo);
          const entry: GraphAnalysis = { model, topo, worst: undefined as unknown as GraphWorstCase, worstSupervised: undefined as unknown as GraphWorstCase };
          graphs.set(sym.name, entry);
          entry.worst = economics.graph(model, topo, false);
          entry.worstSupervised = model.supervisors.length ? economics.graph(model, topo, true) : entry.worst;
          checkBudget(ctx, model, entry.worst, entry.worstSupervised);
          break;
        }
        case 'eval':
          evals.set(sym.name, checkEval(ctx, decls, sym, (g) => graphOf(g.name)?.model));
          break;
      }
    } catch (err) {
      // A checker bug must never take the editor down: report it where it happened and go on.
      ctx.report('AG9001', nd.name, `Internal error while checking '${sym.name}': ${(err as Error).message}. Please report this with the spec.`, {
        data: { stack: (err as Error).stack },
      });
    }
  }

  if (refChunks.length) ctx.refs = refChunks[0]!.concat(...refChunks.slice(1), ctx.refs);
  ctx.diagnostics.sort((a, b) => a.start - b.start || a.end - b.end);
  return {
    path: absPath,
    unit,
    units,
    symbols,
    diagnostics: ctx.diagnostics,
    refs: ctx.refs,
    decls,
    economics,
    graphs,
    evals,
    worstCaseOf: (sym) => {
      const info = decls.callable(sym);
      return info ? economics.node(info) : undefined;
    },
    graphOf,
    ctx,
  };
}
