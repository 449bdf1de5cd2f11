// Compiles a spec (and everything it imports) to IR for execution outside the language server: the
// run host, the debug adapter and other editor-side runners. It works like `agentgraph run`'s
// compile step (one Program over a disk Host), with two differences that matter in the editor:
// open editor buffers that are not saved yet are read instead of the disk ("overlays"), so a run
// executes what the user sees; and errors in imported files also stop the run, because the
// language server reports those only when the imported file itself is open.

import { statSync } from 'node:fs';
import * as path from 'node:path';
import { Locator, sortDiagnostics, type LocatedDiagnostic } from '../cli/format.ts';
import { NodeHost } from '../cli/node-host.ts';
import { analyzeFile } from '../semantics/analyze.ts';
import { Program } from '../semantics/program.ts';
import { buildIR } from '../ir/build.ts';
import type { IR } from '../ir/schema.ts';

export interface LoadSpecOptions {
  /** The workspace root (imports, prompt files and tools may not leave it). Default: the spec's folder. */
  root?: string;
  /** Unsaved editor buffers: absolute path → text, read instead of the file on disk. */
  overlays?: Record<string, string>;
  /** The folder `diagnostics[].file` is relative to (the CLI's current directory). Default: the root. */
  cwd?: string;
}

/**
 * `diagnostics` holds the entry file's diagnostics of every severity plus the errors of the files it
 * imports, sorted; the command line prints them its own way. `unreadable` marks a spec that
 * could not be read at all.
 */
export type LoadSpecResult =
  | { ok: true; ir: IR; root: string; diagnostics: LocatedDiagnostic[] }
  | { ok: false; errors: string[]; diagnostics: LocatedDiagnostic[]; unreadable?: true };

/** Reads overlays first, then the disk (cached: a load is a snapshot). */
class OverlayHost extends NodeHost {
  private readonly overlays: Map<string, string>;

  constructor(overlays: Record<string, string>) {
    super();
    this.overlays = new Map(Object.entries(overlays).map(([p, t]) => [path.resolve(p), t]));
  }

  override readFile(absPath: string): string | undefined {
    return this.overlays.get(absPath) ?? super.readFile(absPath);
  }
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** `file:line:col: CODE message`, one-based, with the absolute path (editors turn it into a link). */
export function formatLoadError(d: LocatedDiagnostic): string {
  return `${d.absFile}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.code} ${d.message.replace(/\r?\n/g, ' ')}`;
}

/** Compiles `specPath` to IR, or lists its errors (and those of its imports) with their locations. */
export function loadSpec(specPath: string, opts: LoadSpecOptions = {}): LoadSpecResult {
  const file = path.resolve(specPath);
  const root = path.resolve(opts.root ?? path.dirname(file));
  if (!isDirectory(root)) return { ok: false, errors: [`${root}: the workspace root is not a folder`], diagnostics: [] };
  const rel = path.relative(root, file);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return { ok: false, errors: [`${file}: the spec is outside the workspace root ${root}`], diagnostics: [] };

  const host = new OverlayHost(opts.overlays ?? {});
  const program = new Program(host, root);
  const analysis = analyzeFile(program, file);
  if (!analysis) return { ok: false, errors: [`${file}: cannot read the spec`], diagnostics: [], unreadable: true };

  const locator = new Locator(opts.cwd ?? root, (p) => host.readFile(p));
  const located: LocatedDiagnostic[] = analysis.diagnostics.map((d) => locator.locate(d, file));
  // Imported files' own mistakes are not in the entry's analysis; compile them too.
  for (const unit of analysis.units.slice(1)) {
    const imported = analyzeFile(program, unit.path);
    if (imported) for (const d of imported.diagnostics) if (d.severity === 'error') located.push(locator.locate(d, unit.path));
  }
  const diagnostics = sortDiagnostics(located);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) return { ok: false, errors: errors.map(formatLoadError), diagnostics };
  return { ok: true, ir: buildIR(analysis), root, diagnostics };
}
