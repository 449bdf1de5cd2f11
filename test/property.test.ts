// Property test: mutate real specs (delete, duplicate, swap, truncate, insert) thousands of times
// and prove that parsing and full checking never throw, never hit an internal error, and never
// produce a range outside the document. PROPERTY_RUNS overrides the number of runs (default 10,000).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { parse } from '../server/src/syntax/parser.ts';
import { Program } from '../server/src/semantics/program.ts';
import { analyzeFile } from '../server/src/semantics/analyze.ts';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 10_000);

function corpus(): string[] {
  const out: string[] = [];
  for (const dir of ['examples', 'examples/broken', 'test/fixtures/checks']) {
    if (!existsSync(dir)) continue;
    for (const n of readdirSync(dir)) if (n.endsWith('.agentgraph')) out.push(readFileSync(path.join(dir, n), 'utf8'));
  }
  return out;
}

/** Every object with a `kind` and a range, in the tree, checked to nest inside its parent. */
function checkRanges(node: unknown, parent: { start: number; end: number }, len: number, problems: string[]): void {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const x of node) checkRanges(x, parent, len, problems);
    return;
  }
  const n = node as { kind?: string; start?: number; end?: number };
  let here = parent;
  if (typeof n.start === 'number' && typeof n.end === 'number') {
    if (!(0 <= n.start && n.start <= n.end && n.end <= len)) problems.push(`${n.kind} [${n.start}, ${n.end}) outside [0, ${len}]`);
    if (n.start < parent.start || n.end > parent.end) problems.push(`${n.kind} [${n.start}, ${n.end}) outside its parent [${parent.start}, ${parent.end})`);
    here = { start: n.start, end: n.end };
  }
  for (const [k, v] of Object.entries(n)) {
    if (k === 'start' || k === 'end') continue;
    if (v && typeof v === 'object') checkRanges(v, here, len, problems);
  }
}

const mutation = (texts: string[]) =>
  fc
    .record({
      base: fc.integer({ min: 0, max: texts.length - 1 }),
      op: fc.constantFrom('delete', 'duplicate', 'swap', 'truncate', 'insert'),
      a: fc.nat(),
      b: fc.nat(),
      c: fc.nat(),
      junk: fc.constantFrom('{', '}', '(', ')', '[', ']', '->', '"', '"""', '{{', '}}', '///', '/*', 'max', 'when', 'otherwise', 'agent x(', ':', ',', '$', '5s', '\n', '\u0000', '🙂', 'end(', '|'),
    })
    .map(({ base, op, a, b, c, junk }) => {
      const t = texts[base]!;
      const len = t.length;
      const i = len ? a % len : 0;
      const j = len ? Math.min(len, i + (b % 200)) : 0;
      switch (op) {
        case 'delete':
          return t.slice(0, i) + t.slice(j);
        case 'duplicate':
          return t.slice(0, j) + t.slice(i, j) + t.slice(j);
        case 'swap': {
          const k = len ? c % len : 0;
          const [x, y] = k < i ? [k, i] : [i, k];
          const w = Math.min(b % 80, y - x);
          return t.slice(0, x) + t.slice(y, y + w) + t.slice(x + w, y) + t.slice(x, x + w) + t.slice(y + w);
        }
        case 'truncate':
          return t.slice(0, i);
        default:
          return t.slice(0, i) + junk + t.slice(i);
      }
    });

test(`parse and check never throw on ${RUNS} mutated specs`, () => {
  const texts = corpus();
  assert.ok(texts.length > 0);
  fc.assert(
    fc.property(mutation(texts), (text) => {
      const r = parse(text);
      const problems: string[] = [];
      checkRanges(r.file, { start: 0, end: text.length }, text.length, problems);
      const starts = new Set<number>();
      for (const d of r.diagnostics) {
        if (starts.has(d.start)) problems.push(`two syntax errors at ${d.start}`);
        starts.add(d.start);
      }
      const files = new Map([['/w/main.agentgraph', text]]);
      const program = new Program({ readFile: (p) => files.get(p) }, '/w');
      const a = analyzeFile(program, '/w/main.agentgraph');
      for (const d of a?.diagnostics ?? []) {
        if (d.code === 'AG9001') problems.push(`internal error: ${d.message}`);
        if (d.start < 0 || d.end > text.length || d.start > d.end) problems.push(`diagnostic ${d.code} [${d.start}, ${d.end}) outside the document`);
      }
      if (problems.length) throw new Error(problems.slice(0, 5).join('\n'));
    }),
    { numRuns: RUNS },
  );
});
