// Helpers shared by the custom requests: counting a file's own diagnostics, choosing the active
// graph (the one around the cursor, else the first), and compiling the IR once per analysis.

import type { Analysis } from '../../semantics/analyze.ts';
import { buildIR } from '../../ir/build.ts';
import type { IR } from '../../ir/schema.ts';
import { LineIndex } from '../../util/line-index.ts';
import type { CustomPosition, CustomSourceRef } from './protocol.ts';

/** Error and warning counts of the diagnostics reported for the analysed file itself. */
export function severityCounts(a: Analysis): { errors: number; warnings: number } {
  let errors = 0;
  let warnings = 0;
  for (const d of a.diagnostics) {
    if (d.file !== undefined && d.file !== a.path) continue;
    if (d.severity === 'error') errors++;
    else if (d.severity === 'warning') warnings++;
  }
  return { errors, warnings };
}

/** Graphs declared in the file, in the order written. */
export function localGraphs(a: Analysis): string[] {
  return [...a.graphs.entries()].sort((x, y) => x[1].model.decl.start - y[1].model.decl.start).map(([name]) => name);
}

/** The graph declared around `position`, else the first graph of the file. */
export function activeGraph(a: Analysis, position: CustomPosition | undefined): string | undefined {
  const graphs = localGraphs(a);
  if (position) {
    const offset = new LineIndex(a.unit.text).offsetAt(position);
    for (const name of graphs) {
      const d = a.graphs.get(name)!.model.decl;
      if (d.start <= offset && offset <= d.end) return name;
    }
  }
  return graphs[0];
}

const irCache = new WeakMap<Analysis, IR>();

/** The IR of an analysis, compiled once (analyses are cached per document version). */
export function irOf(a: Analysis): IR {
  let ir = irCache.get(a);
  if (!ir) {
    ir = buildIR(a);
    irCache.set(a, ir);
  }
  return ir;
}

/**
 * Full extents of the node-like declarations the file sees (agents, humans, tools, graphs), by
 * name, as ranges in their own files.
 */
export function declarationExtents(a: Analysis): Map<string, CustomSourceRef> {
  const lines = new Map<string, LineIndex>();
  const linesOf = (file: string): LineIndex | undefined => {
    let idx = lines.get(file);
    if (!idx) {
      const unit = a.units.find((u) => u.path === file);
      if (!unit) return undefined;
      idx = new LineIndex(unit.text);
      lines.set(file, idx);
    }
    return idx;
  };
  const out = new Map<string, CustomSourceRef>();
  for (const sym of a.symbols.values()) {
    if (sym.kind !== 'agent' && sym.kind !== 'human' && sym.kind !== 'tool' && sym.kind !== 'graph') continue;
    const idx = linesOf(sym.file);
    if (!idx) continue;
    out.set(sym.name, { file: sym.file, start: idx.positionAt(sym.decl.start), end: idx.positionAt(sym.decl.end) });
  }
  return out;
}
