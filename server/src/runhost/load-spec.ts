// Compiles a spec (and everything it imports) to IR for execution outside the language server: the
// run host, the debug adapter and other editor-side runners. It works like `agentgraph run`'s
// compile step (one Program over a disk Host), with two differences that matter in the editor:
// open editor buffers that are not saved yet are read instead of the disk ("overlays"), so a run
// executes what the user sees; and errors in imported files also stop the run, because the
// language server reports those only when the imported file itself is open.

import { readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { Locator, sortDiagnostics, type LocatedDiagnostic } from '../cli/format.ts';
import { analyzeFile } from '../semantics/analyze.ts';
import { Program, type Host } from '../semantics/program.ts';
import { buildIR } from '../ir/build.ts';
import type { IR } from '../ir/schema.ts';

export interface LoadSpecOptions {
  /** The workspace root (imports, prompt files and tools may not leave it). Default: the spec's folder. */
  root?: string;
  /** Unsaved editor buffers: absolute path → text, read instead of the file on disk. */
  overlays?: Record<string, string>;
}

export type LoadSpecResult = { ok: true; ir: IR; root: string } | { ok: false; errors: string[] };

/** Reads overlays first, then the disk; caches disk reads (a load is a snapshot). */
class OverlayHost implements Host {
  private readonly cache = new Map<string, string | undefined>();
  private readonly overlays: Map<string, string>;

  constructor(overlays: Record<string, string>) {
    this.overlays = new Map(Object.entries(overlays).map(([p, t]) => [path.resolve(p), t]));
  }

  readFile(absPath: string): string | undefined {
    const overlay = this.overlays.get(absPath);
    if (overlay !== undefined) return overlay;
    if (this.cache.has(absPath)) return this.cache.get(absPath);
    let text: string | undefined;
    try {
      text = readFileSync(absPath, 'utf8');
      // Editors drop a byte-order mark; do the same so positions agree with the editor's.
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    } catch {
      text = undefined;
    }
    this.cache.set(absPath, text);
    return text;
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
  if (!isDirectory(root)) return { ok: false, errors: [`${root}: the workspace root is not a folder`] };
  const rel = path.relative(root, file);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return { ok: false, errors: [`${file}: the spec is outside the workspace root ${root}`] };

  const host = new OverlayHost(opts.overlays ?? {});
  const program = new Program(host, root);
  const analysis = analyzeFile(program, file);
  if (!analysis) return { ok: false, errors: [`${file}: cannot read the spec`] };

  const locator = new Locator(root, (p) => host.readFile(p));
  const located: LocatedDiagnostic[] = analysis.diagnostics.map((d) => locator.locate(d, file));
  // Imported files' own mistakes are not in the entry's analysis; compile them too.
  for (const unit of analysis.units.slice(1)) {
    const imported = analyzeFile(program, unit.path);
    if (imported) for (const d of imported.diagnostics) located.push(locator.locate(d, unit.path));
  }
  const errors = sortDiagnostics(located).filter((d) => d.severity === 'error');
  if (errors.length) return { ok: false, errors: errors.map(formatLoadError) };
  return { ok: true, ir: buildIR(analysis), root };
}
