// A Program is the set of `.agentgraph` files the tool knows about, read through an injected Host so
// the same code serves the CLI (disk), the language server (open buffers over disk) and tests
// (in-memory maps). It caches parses by text, resolves imports, and builds the symbol table that a
// file sees: its own declarations plus those of every file it imports, directly or not.

import * as path from 'node:path';
import { parse, type ParseResult } from '../syntax/parser.ts';
import type { Decl, ImportDecl } from '../syntax/ast.ts';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import { makeDiagnostic } from './report.ts';

/** File access, injected. Paths are absolute. */
export interface Host {
  readFile(absPath: string): string | undefined;
}

export type SymbolKind = 'type' | 'model' | 'tool' | 'agent' | 'human' | 'graph' | 'eval';

export interface Sym {
  name: string;
  kind: SymbolKind;
  decl: Exclude<Decl, ImportDecl>;
  file: string;
}

export interface SourceUnit {
  path: string;
  text: string;
  parse: ParseResult;
  /** Absolute paths of the files this one imports (resolved, existing or not). */
  imports: { decl: ImportDecl; target: string }[];
}

const KIND_OF: Record<string, SymbolKind> = {
  TypeDecl: 'type',
  ModelDecl: 'model',
  ToolDecl: 'tool',
  AgentDecl: 'agent',
  HumanDecl: 'human',
  GraphDecl: 'graph',
  EvalDecl: 'eval',
};

export class Program {
  private readonly units = new Map<string, SourceUnit>();

  constructor(
    readonly host: Host,
    /** The workspace root: imports and file references may not leave it. */
    readonly root: string,
  ) {
    this.root = path.resolve(root);
  }

  /** The parsed file, re-parsed only when its text changed. */
  getUnit(absPath: string): SourceUnit | undefined {
    const text = this.host.readFile(absPath);
    if (text === undefined) {
      this.units.delete(absPath);
      return undefined;
    }
    const cached = this.units.get(absPath);
    if (cached && cached.text === text) return cached;
    const result = parse(text);
    const dir = path.dirname(absPath);
    const imports: SourceUnit['imports'] = [];
    for (const d of result.file.decls) {
      if (d.kind === 'ImportDecl' && d.path.value) imports.push({ decl: d, target: path.resolve(dir, d.path.value) });
    }
    const unit: SourceUnit = { path: absPath, text, parse: result, imports };
    this.units.set(absPath, unit);
    return unit;
  }

  isInsideRoot(absPath: string): boolean {
    const rel = path.relative(this.root, absPath);
    return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
  }

  /**
   * The files `entry` sees (itself first, then its imports depth-first), with diagnostics for
   * the entry's own imports: missing files, paths outside the workspace, and cycles through it.
   */
  closure(entry: string): { units: SourceUnit[]; diagnostics: Diagnostic[] } {
    const diagnostics: Diagnostic[] = [];
    const units: SourceUnit[] = [];
    const seen = new Set<string>();
    const visit = (p: string) => {
      if (seen.has(p)) return;
      seen.add(p);
      const u = this.getUnit(p);
      if (!u) return;
      units.push(u);
      for (const imp of u.imports) {
        if (!imp.target.endsWith('.agentgraph')) continue;
        if (!this.isInsideRoot(imp.target)) continue;
        visit(imp.target);
      }
    };
    visit(entry);

    const me = units[0];
    if (me) {
      for (const imp of me.imports) {
        const where = imp.decl.path;
        if (!this.isInsideRoot(imp.target)) {
          diagnostics.push(makeDiagnostic('AG2005', where, `Import "${where.value}" points outside the workspace root; keep specs inside the workspace and import them relatively.`, entry));
          continue;
        }
        if (!imp.target.endsWith('.agentgraph')) {
          diagnostics.push(makeDiagnostic('AG2003', where, `Import "${where.value}" is not an .agentgraph file; only specs can be imported.`, entry));
          continue;
        }
        if (!this.getUnit(imp.target)) {
          diagnostics.push(makeDiagnostic('AG2003', where, `Cannot find "${where.value}" (looked at ${path.relative(this.root, imp.target) || imp.target}). Check the path; it is relative to this file.`, entry));
          continue;
        }
        const cycle = this.findPath(imp.target, entry);
        if (cycle) {
          const names = [entry, ...cycle].map((p) => path.basename(p)).join(' → ');
          diagnostics.push(makeDiagnostic('AG2004', where, `Import cycle: ${names}. Move the shared declarations into a file that both import.`, entry));
        }
      }
    }
    return { units, diagnostics };
  }

  /** A chain of imports from `from` to `to`, if there is one. */
  private findPath(from: string, to: string): string[] | undefined {
    const seen = new Set<string>();
    const stack: string[] = [];
    const dfs = (p: string): boolean => {
      if (seen.has(p)) return false;
      seen.add(p);
      stack.push(p);
      if (p === to) return true;
      const u = this.getUnit(p);
      if (u) {
        for (const imp of u.imports) {
          if (imp.target.endsWith('.agentgraph') && this.isInsideRoot(imp.target) && dfs(imp.target)) return true;
        }
      }
      stack.pop();
      return false;
    };
    return dfs(from) ? stack : undefined;
  }
}

export function symbolKindOf(d: Decl): SymbolKind | undefined {
  return KIND_OF[d.kind];
}
