// The checker benchmark: how fast the parser and the full checker are on specs of 100, 1,000 and
// 10,000 agents, compared with JSON.parse on a JSON document of the same size. It prints numbers
// and the targets beside them; it never fails on timing (machines differ), only when a generated
// spec does not check cleanly, because then the numbers would measure error recovery instead.
//
//   npm run bench:check                 # 100, 1,000 and 10,000 agents
//   npm run bench:check -- --quick      # 100 and 1,000 agents, few iterations (CI smoke test)
//   npm run bench:check -- --sizes 500,2000 --write   # custom sizes; keep the specs in bench/.generated

import { mkdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { analyzeFile } from '../server/src/semantics/analyze.ts';
import { Program, type Host } from '../server/src/semantics/program.ts';
import { parse } from '../server/src/syntax/parser.ts';
import { LineIndex } from '../server/src/util/line-index.ts';
import { generateJsonDocument, generateWorkspace } from './generate.ts';

const TARGET_PARSE_VS_JSON = 0.25;
const TARGET_CHECK_1000_MS = 30;
const TARGET_GROWTH_10X = 12;

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    sizes: { type: 'string' },
    write: { type: 'boolean', default: false },
  },
  strict: true,
});
const quick = values.quick === true;
const sizes = values.sizes
  ? values.sizes.split(',').map((s) => Number(s.replace(/_/g, '').trim()))
  : quick
    ? [100, 1_000]
    : [100, 1_000, 10_000];
if (sizes.some((n) => !Number.isInteger(n) || n < 20)) {
  console.error('--sizes takes a comma-separated list of agent counts, each at least 20.');
  process.exit(2);
}

/** Warm-up runs and measured runs per size; big specs get fewer so the whole run stays short. */
function iterations(agents: number): { warmup: number; runs: number } {
  if (quick) return { warmup: 1, runs: 3 };
  if (agents >= 10_000) return { warmup: 2, runs: 7 };
  if (agents >= 1_000) return { warmup: 5, runs: 15 };
  return { warmup: 10, runs: 31 };
}

const gc = (globalThis as { gc?: () => void }).gc;
let sink = 0; // Results feed this so no measured work can be optimised away.

/** Median wall time of `fn` in milliseconds. */
function measure(fn: () => number, agents: number): number {
  const { warmup, runs } = iterations(agents);
  for (let i = 0; i < warmup; i++) sink += fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    gc?.();
    const t0 = performance.now();
    sink += fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1]!;
}

interface Row {
  agents: number;
  bytes: number;
  parseMs: number;
  jsonMs: number;
  checkMs: number;
  warnings: number;
}

const ROOT = path.resolve(os.tmpdir(), 'agentgraph-bench');
const FILE = path.join(ROOT, 'spec.agentgraph');

function run(agents: number): Row {
  const files = new Map([...generateWorkspace(agents)].map(([rel, text]) => [path.join(ROOT, rel), text]));
  const spec = files.get(FILE)!;
  const bytes = Buffer.byteLength(spec, 'utf8');
  const host: Host = { readFile: (p) => files.get(p) };
  if (values.write) {
    const dir = path.join(__dirname, '.generated', `agents-${agents}`);
    for (const [abs, text] of files) {
      const out = path.join(dir, path.relative(ROOT, abs));
      mkdirSync(path.dirname(out), { recursive: true });
      writeFileSync(out, text);
    }
    console.log(`wrote ${path.relative(process.cwd(), dir)}/ (check it with: agentgraph check ${path.relative(process.cwd(), dir)} --root ${path.relative(process.cwd(), dir)})`);
  }

  // The spec must check cleanly, or the timings would measure error paths.
  const analysis = analyzeFile(new Program(host, ROOT), FILE);
  const errors = analysis?.diagnostics.filter((d) => d.severity === 'error') ?? [];
  if (!analysis || errors.length) {
    const idx = new LineIndex(spec);
    console.error(`The generated ${agents}-agent spec does not check cleanly (${errors.length} errors); fix bench/generate.ts or the checker:`);
    for (const d of errors.slice(0, 20)) {
      const p = idx.positionAt(d.start);
      console.error(`  spec-${agents}.agentgraph:${p.line + 1}:${p.character + 1}: ${d.code}: ${d.message}`);
    }
    process.exit(1);
  }
  const warnings = analysis.diagnostics.length;

  const json = generateJsonDocument(agents, bytes);
  const parseMs = measure(() => parse(spec).file.decls.length, agents);
  const jsonMs = measure(() => (JSON.parse(json) as { agents: unknown[] }).agents.length, agents);
  const checkMs = measure(() => analyzeFile(new Program(host, ROOT), FILE)?.diagnostics.length ?? 0, agents);
  return { agents, bytes, parseMs, jsonMs, checkMs, warnings };
}

// ------------------------------------------------------------------ report

const fmtInt = (n: number) => n.toLocaleString('en-US');
const fmtMs = (ms: number) => (ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : ms.toFixed(0));
const mbps = (bytes: number, ms: number) => bytes / 1e6 / (ms / 1000);
const fmtSize = (b: number) => (b >= 1e6 ? `${(b / 1e6).toFixed(2)} MB` : `${(b / 1e3).toFixed(1)} kB`);
const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');

function table(rows: Row[]): string {
  const head = ['agents', 'size', 'parse ms', 'parse MB/s', 'JSON.parse ms', 'JSON MB/s', 'parse/JSON', 'check ms', 'warnings'];
  const body = rows.map((r) => [
    fmtInt(r.agents),
    fmtSize(r.bytes),
    fmtMs(r.parseMs),
    mbps(r.bytes, r.parseMs).toFixed(1),
    fmtMs(r.jsonMs),
    mbps(r.bytes, r.jsonMs).toFixed(1),
    `${((r.jsonMs / r.parseMs) * 100).toFixed(0)}%`,
    fmtMs(r.checkMs),
    String(r.warnings),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  return [line(head), `|${widths.map((w, i) => (i === 0 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`, ...body.map(line)].join('\n');
}

console.log(`AgentGraph checker benchmark${quick ? ' (--quick)' : ''}: Node ${process.version}, ${os.platform()} ${os.arch()}, ${os.cpus()[0]?.model ?? 'unknown CPU'}`);
console.log('Times are medians after warm-up; MB = 10^6 bytes; "check" is analyzeFile (parse included) with a fresh Program.\n');
const rows: Row[] = [];
for (const n of sizes) {
  rows.push(run(n));
}
console.log(table(rows));

console.log('\nTargets (printed, never asserted):');
for (const r of rows) {
  const ratio = r.jsonMs / r.parseMs;
  console.log(`  parse >= ${TARGET_PARSE_VS_JSON * 100}% of JSON.parse throughput, ${fmtInt(r.agents)} agents: ${(ratio * 100).toFixed(0)}%  ${verdict(ratio >= TARGET_PARSE_VS_JSON)}`);
}
const r1k = rows.find((r) => r.agents === 1_000);
const r10k = rows.find((r) => r.agents === 10_000);
if (r1k) console.log(`  1,000-agent spec fully checked <= ${TARGET_CHECK_1000_MS} ms: ${fmtMs(r1k.checkMs)} ms  ${verdict(r1k.checkMs <= TARGET_CHECK_1000_MS)}`);
if (r1k && r10k) {
  const growth = r10k.checkMs / r1k.checkMs;
  console.log(`  10x agents <= ${TARGET_GROWTH_10X}x check time: check(10,000)/check(1,000) = ${growth.toFixed(1)}  ${verdict(growth <= TARGET_GROWTH_10X)}`);
} else {
  console.log(`  10x agents <= ${TARGET_GROWTH_10X}x check time: needs the 1,000 and 10,000 sizes (run without --quick)`);
}
if (sink === -1) console.log(''); // Keeps `sink` observable.
