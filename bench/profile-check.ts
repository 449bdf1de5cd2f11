// A profiling driver for the checker: generates a spec, then times the parser and the semantic
// analysis separately (analysis reuses the cached parse), printing medians of wall and CPU time.
// Small and free of benchmark scaffolding, so CPU profiles show only checker work:
//
//   node --import tsx bench/profile-check.ts --agents 1000 --runs 30
//   npx esbuild bench/profile-check.ts --bundle --platform=node --format=cjs --outfile=/tmp/pc.js
//   node --cpu-prof --cpu-prof-dir=/tmp/prof /tmp/pc.js --agents 1000 --runs 200 --phase analyze
//
// --phase: 'both' (default) times parse and analyze; 'parse' or 'analyze' runs only that phase, so
// a profile is not diluted by the other one; 'check' times what `npm run bench:check` calls
// "check": analyzeFile with a fresh Program, parse included. With --expose-gc every run starts
// after a full collection (steadier, but slower than the benchmark, which runs without it).
// --alloc prints the bytes one analysis allocates; run it with a young generation large enough
// that no collection happens in between:
//
//   node --expose-gc --min-semi-space-size=512 --max-semi-space-size=512 /tmp/pc.js --alloc

import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { analyzeFile } from '../server/src/semantics/analyze.ts';
import { Program, type Host } from '../server/src/semantics/program.ts';
import { parse } from '../server/src/syntax/parser.ts';
import { generateWorkspace } from './generate.ts';

const { values } = parseArgs({
  options: {
    agents: { type: 'string', default: '1000' },
    runs: { type: 'string', default: '30' },
    warmup: { type: 'string', default: '10' },
    phase: { type: 'string', default: 'both' },
    alloc: { type: 'boolean', default: false },
  },
  strict: true,
});
const agents = Number(values.agents);
const runs = Number(values.runs);
const warmup = Number(values.warmup);
const phase = values.phase;

const ROOT = path.resolve('/tmp', 'agentgraph-profile');
const FILE = path.join(ROOT, 'spec.agentgraph');
const files = new Map([...generateWorkspace(agents)].map(([rel, text]) => [path.join(ROOT, rel), text]));
const spec = files.get(FILE)!;
const host: Host = { readFile: (p) => files.get(p) };

const gc = (globalThis as { gc?: () => void }).gc;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? NaN;
let sink = 0;

/** Wall and CPU milliseconds of each run (CPU time is steadier on a busy machine). */
function time(fn: () => number): { wall: number[]; cpu: number[] } {
  for (let i = 0; i < warmup; i++) sink += fn();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    gc?.();
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    sink += fn();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { wall, cpu };
}

// One Program keeps the parse cached (same text), so analyzeFile then measures analysis alone.
const program = new Program(host, ROOT);
const first = analyzeFile(program, FILE);
const errors = first?.diagnostics.filter((d) => d.severity === 'error').length ?? -1;
if (errors !== 0) {
  console.error(`the generated spec has ${errors} errors`);
  process.exit(1);
}

const none = { wall: [NaN], cpu: [NaN] };
if (phase === 'check') {
  const c = time(() => analyzeFile(new Program(host, ROOT), FILE)?.diagnostics.length ?? 0);
  console.log(`agents ${agents}  bytes ${Buffer.byteLength(spec)}  (medians of ${runs})`);
  console.log(`  check (parse + analyze, fresh Program): wall ${median(c.wall).toFixed(2)} ms  cpu ${median(c.cpu).toFixed(2)} ms`);
  process.exit(0);
}
const p = phase === 'analyze' ? none : time(() => parse(spec).file.decls.length);
const a = phase === 'parse' ? none : time(() => analyzeFile(program, FILE)?.diagnostics.length ?? 0);
const f = (ms: number) => (Number.isNaN(ms) ? '-' : ms.toFixed(2));
const line = (what: string, pm: number, am: number) => `${what}: parse ${f(pm)} ms  analyze ${f(am)} ms  total ${f(pm + am)} ms`;
console.log(`agents ${agents}  bytes ${Buffer.byteLength(spec)}  (medians of ${runs})`);
console.log(`  ${line('wall', median(p.wall), median(a.wall))}`);
console.log(`  ${line('cpu ', median(p.cpu), median(a.cpu))}`);
if (values.alloc && gc) {
  const samples: number[] = [];
  for (let i = 0; i < 5; i++) {
    gc();
    const before = process.memoryUsage().heapUsed;
    sink += analyzeFile(program, FILE)?.diagnostics.length ?? 0;
    samples.push(process.memoryUsage().heapUsed - before);
  }
  console.log(`allocated per analysis: ${(median(samples) / 1e6).toFixed(1)} MB`);
}
if (sink === -1) console.log('');
