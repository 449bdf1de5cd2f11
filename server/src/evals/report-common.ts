// Pieces every eval report format shares: number formats, a case's name, failure lines.

import type { EvalIR } from '../ir/schema.ts';
import { firstFailure, show, type CaseResult, type EvalResult, type SampleResult } from './runner.ts';

export const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
export const usd = (x: number) => `$${x < 0.01 && x > 0 ? x.toFixed(5) : x.toFixed(4)}`;
export const ms = (x: number) => (x >= 1000 ? `${(x / 1000).toFixed(2)}s` : `${Math.round(x)}ms`);

export function short(s: string, n: number): string {
  const one = s.replace(/\s+/g, ' ');
  return one.length > n ? `${one.slice(0, n - 1)}…` : one;
}

/** A one-line label of a case: its first string-ish field, shortened. */
export function caseLabel(c: CaseResult): string {
  for (const [k, v] of Object.entries(c.input)) {
    if (k === 'id' || k === 'fixtures' || k === 'answers') continue;
    if (typeof v === 'string' && v) return short(v, 60);
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      const id = o.id ?? o.subject ?? o.version ?? o.title;
      if (typeof id === 'string' || typeof id === 'number') return short(String(id), 60);
    }
  }
  return short(show(c.input), 60);
}

/** How reports name a case: `#n` (its position) or its `id`, then its label. */
export function caseName(c: CaseResult): string {
  const n = `#${c.index + 1}`;
  return c.id === String(c.index + 1) ? `${n} ${caseLabel(c)}` : `${n} [${c.id}] ${caseLabel(c)}`;
}

/** The graph parameters and expectations of a case, without its offline script (fixtures, answers). */
export function caseInputs(c: CaseResult): Record<string, unknown> {
  const { fixtures: _f, answers: _a, ...rest } = c.input;
  return rest;
}

export function failedSamples(c: CaseResult): SampleResult[] {
  return c.samples.filter((s) => !s.passed);
}

export function verdict(r: Pick<EvalResult, 'error' | 'passed'>): string {
  if (r.error) return 'ERROR';
  return r.passed ? 'PASS' : 'FAIL';
}

/** `assert X (line N): expected A, actual B` or the run's error, for one failed sample. */
export function failureLine(s: SampleResult, ev: Pick<EvalIR, 'asserts'>): string {
  const f = firstFailure(s, ev);
  if (!f) return '';
  if (!f.assertion) return f.reason;
  return `assert ${f.assertion} (line ${f.line}): ${f.expected !== undefined ? `expected ${f.expected}, actual ${f.actual}` : f.reason}`;
}

/** The judge's reasoning for the failing judge assertions of a sample. */
export function judgeNotes(s: SampleResult): string[] {
  return s.asserts.flatMap((a) => (a.judge ?? []).filter((v) => !v.passed).map((v) => `judge ${v.model}: score ${v.score?.toFixed(2) ?? 'none'} < ${v.minScore}: ${v.reasoning}`));
}
