// Helpers for producing diagnostics with the registry's severity, and "did you mean" suggestions.

import { CODES, type Code } from '../diagnostics/codes.ts';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import type { Span } from '../syntax/ast.ts';

export function makeDiagnostic(code: Code, span: Span, message: string, file: string, extra?: Partial<Diagnostic>): Diagnostic {
  return { code, severity: CODES[code].severity, message, start: span.start, end: span.end, file, ...extra };
}

/** Edit distance, capped: names further apart than `max` are not worth suggesting. */
export function editDistance(a: string, b: string, max = 3): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = new Array<number>(b.length + 1);
  let cur = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      const v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    [prev, cur] = [cur, prev];
  }
  return prev[b.length]!;
}

/** The closest candidate to `name`, if one is close enough to be a likely typo. */
export function nearest(name: string, candidates: Iterable<string>): string | undefined {
  const limit = name.length <= 3 ? 1 : name.length <= 6 ? 2 : 3;
  let best: string | undefined;
  let bestD = limit + 1;
  const lower = name.toLowerCase();
  for (const c of candidates) {
    if (c === name) continue;
    const d = c.toLowerCase() === lower ? 0 : editDistance(name, c, limit);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best;
}

export function didYouMean(name: string, candidates: Iterable<string>): { text: string; suggestion?: string } {
  const s = nearest(name, candidates);
  return s ? { text: ` Did you mean '${s}'?`, suggestion: s } : { text: '' };
}

export function quoteList(values: readonly (string | number | boolean)[]): string {
  return values.map((v) => (typeof v === 'string' ? JSON.stringify(v) : String(v))).join(' | ');
}
