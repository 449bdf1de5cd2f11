// Applies quick-fix edits to an in-memory workspace and re-analyses, for the quick-fix tests.

import { analyzeFile, type Analysis } from '../../server/src/semantics/analyze.ts';
import { Program } from '../../server/src/semantics/program.ts';
import type { QuickFix } from '../../server/src/features/quick-fixes.ts';
import { applyEdits } from '../../server/src/features/format.ts';

/** The files after a fix: created files start empty, then every edit applies to its file. */
export function applyFix(files: ReadonlyMap<string, string>, fix: QuickFix): Map<string, string> {
  const out = new Map(files);
  for (const p of fix.createFiles ?? []) if (!out.has(p)) out.set(p, '');
  const byFile = new Map<string, { start: number; end: number; newText: string }[]>();
  for (const e of fix.edits) {
    const list = byFile.get(e.path) ?? [];
    list.push(e);
    byFile.set(e.path, list);
  }
  for (const [p, edits] of byFile) {
    const text = out.get(p);
    if (text === undefined) throw new Error(`edit of a file that does not exist: ${p}`);
    out.set(p, applyEdits(text, edits));
  }
  return out;
}

export function analyseFiles(files: ReadonlyMap<string, string>, main: string, root: string): Analysis {
  const program = new Program({ readFile: (p) => files.get(p) }, root);
  return analyzeFile(program, main)!;
}

export function countCode(a: Analysis, code: string): number {
  return a.diagnostics.filter((d) => d.code === code).length;
}

/** Error diagnostics as `CODE message`, for comparing before and after. */
export function errors(a: Analysis): string[] {
  return a.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.message}`);
}
