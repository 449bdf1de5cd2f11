// The runtime benchmark: AgentGraph's `runGraph` against LangGraph.js on the same four shapes
// (3-node chain, 10-node chain, 5-way fan-out with join, router with 3 branches), with instant
// models on both sides, so the figures are each runtime's own per-run overhead. Our side runs with
// tracing on (spans and events collected in memory, as runGraph does without a run store) on the
// real clock. Each side runs in its own child process, so peak RSS is measured cleanly. It prints
// both sides and the ratio beside the targets; it never fails on timing, only when a run fails.
//
//   npm run bench:runtime              # full: ≥ 3 s per shape, 10,000-run throughput
//   npm run bench:runtime -- --quick   # CI smoke test: a few hundred runs per shape

import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Program } from '../server/src/semantics/program.ts';
import { analyzeFile } from '../server/src/semantics/analyze.ts';
import { buildIR } from '../server/src/ir/build.ts';
import type { IR } from '../server/src/ir/schema.ts';
import type { ModelRequest, ModelResponse, Provider } from '../server/src/runtime/provider.ts';
import { runGraph } from '../server/src/runtime/run.ts';
import type { RunEvent } from '../server/src/runtime/trace.ts';
import { generateValue, rngFor } from '../server/src/runtime/providers/simulated-values.ts';
import { realClock } from '../server/src/runtime/providers/virtual-clock.ts';

type ShapeName = 'chain3' | 'chain10' | 'fanout5' | 'router3';
const SHAPES: readonly ShapeName[] = ['chain3', 'chain10', 'fanout5', 'router3'];
const LABEL: Record<ShapeName, string> = { chain3: '3-node chain', chain10: '10-node chain', fanout5: '5-way fan-out + join', router3: 'router, 3 branches' };
const TARGET_OVERHEAD_RATIO = 20; // ours ≤ 1/20 of LangGraph.js per run
const TARGET_THROUGHPUT_RATIO = 20; // ours ≥ 20× its runs per second

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, child: { type: 'string' } }, strict: true });
const quick = values.quick === true;
const plan = quick ? { minRuns: 100, maxMs: 500, warmup: 30, throughputRuns: 2_000 } : { minRuns: 300, maxMs: 3_000, warmup: 200, throughputRuns: 10_000 };
const IN_FLIGHT = 100;

interface SideResult {
  side: string;
  usPerRun: Record<ShapeName, number>;
  runsPerSecond: number;
  peakRssMb: number;
}

type Runner = (i: number) => Promise<unknown>;

/** Mean µs per run, sequential, after a warm-up; at least minRuns and about maxMs of runs. */
async function perRun(run: Runner): Promise<number> {
  for (let i = 0; i < plan.warmup; i++) await run(i);
  let n = 0;
  const t0 = performance.now();
  while (n < plan.minRuns || performance.now() - t0 < plan.maxMs) await run(n++);
  return ((performance.now() - t0) / n) * 1000;
}

/** Runs per second for `total` runs with `inFlight` running at once. */
async function throughput(run: Runner, total: number, inFlight: number): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  const worker = async () => {
    while (next < total) await run(next++);
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return total / ((performance.now() - t0) / 1000);
}

async function measure(side: string, runners: Record<ShapeName, Runner>): Promise<SideResult> {
  const usPerRun = {} as Record<ShapeName, number>;
  for (const s of SHAPES) usPerRun[s] = await perRun(runners[s]);
  const runsPerSecond = await throughput(runners.chain10, plan.throughputRuns, IN_FLIGHT);
  return { side, usPerRun, runsPerSecond, peakRssMb: process.resourceUsage().maxRSS / 1024 };
}

// ------------------------------------------------------------------ our side

function chainSpec(graph: string, prefix: string, n: number): string {
  const agents = Array.from({ length: n }, (_, i) => `agent ${prefix}${i + 1}(text: string) -> Msg {\n  model: m\n  prompt: "{{text}}"\n}`);
  const edges = [`  start -> ${prefix}1(text)`];
  for (let i = 1; i < n; i++) edges.push(`  ${prefix}${i} -> ${prefix}${i + 1}(text: ${prefix}${i}.text)`);
  edges.push(`  ${prefix}${n} -> end(${prefix}${n})`);
  return `${agents.join('\n')}\ngraph ${graph}(text: string) -> Msg {\n${edges.join('\n')}\n}\n`;
}

const simpleAgent = (name: string) => `agent ${name}(text: string) -> Msg {\n  model: m\n  prompt: "{{text}}"\n}`;

const SPEC = `
model m = openai("gpt-4o-mini") {
  temperature: 0
  max_tokens: 50
}
type Msg { text: string }
type Route {
  kind: "a" | "b" | "c"
  text: string
}
${chainSpec('Chain3', 'a', 3)}
${chainSpec('Chain10', 'c', 10)}
${['split', 'w1', 'w2', 'w3', 'w4', 'w5'].map(simpleAgent).join('\n')}
agent join(a: string, b: string, c: string, d: string, e: string) -> Msg {
  model: m
  prompt: "{{a}} {{b}} {{c}} {{d}} {{e}}"
}
graph Fanout5(text: string) -> Msg {
  concurrency: 5
  start -> split(text)
  split -> [w1(text: split.text), w2(text: split.text), w3(text: split.text), w4(text: split.text), w5(text: split.text)]
  [w1, w2, w3, w4, w5] -> join(a: w1.text, b: w2.text, c: w3.text, d: w4.text, e: w5.text)
  join -> end(join)
}
agent route(text: string) -> Route {
  model: m
  prompt: "{{text}}"
}
${['b1', 'b2', 'b3'].map(simpleAgent).join('\n')}
graph Router3(text: string) -> Msg {
  start -> route(text)
  route -> b1(text: route.text) when route.kind == "a"
  route -> b2(text: route.text) when route.kind == "b"
  route -> b3(text: route.text) otherwise
  b1 -> end(b1)
  b2 -> end(b2)
  b3 -> end(b3)
}
`;
const GRAPH_OF: Record<ShapeName, string> = { chain3: 'Chain3', chain10: 'Chain10', fanout5: 'Fanout5', router3: 'Router3' };

/** Compiles SPEC; any error diagnostic aborts (the benchmark must measure a valid program). */
function shapesIR(): IR {
  const file = '/bench/shapes.agentgraph';
  const analysis = analyzeFile(new Program({ readFile: (p) => (p === file ? SPEC : undefined) }, '/bench'), file);
  const errors = analysis?.diagnostics.filter((d) => d.severity === 'error') ?? [];
  if (!analysis || errors.length > 0) throw new Error(`benchmark spec has errors:\n${errors.map((d) => `${d.code} ${d.message}`).join('\n')}`);
  return buildIR(analysis);
}

/** The instant model: a valid answer at once (cached per agent); the router's pick follows the ticket number. */
function instantProvider(): Provider {
  const answers = new Map<string, string>();
  return {
    name: 'instant',
    complete(req: ModelRequest): Promise<ModelResponse> {
      let content: string;
      if (req.agent === 'route') {
        const n = Number(/ticket (\d+)/.exec(req.messages[req.messages.length - 1]?.content ?? '')?.[1] ?? 0);
        content = `{"kind":"${'abc'[n % 3]}","text":"ticket ${n}"}`;
      } else {
        content = answers.get(req.agent) ?? JSON.stringify(generateValue(req.responseSchema ?? { type: 'string' }, { rng: rngFor(req.agent) }));
        answers.set(req.agent, content);
      }
      return Promise.resolve({ content, toolCalls: [], usage: { inputTokens: 12, outputTokens: 6 }, latencyMs: 0, finishReason: 'stop', modelId: req.model.modelId });
    },
  };
}

function ourRunners(): Record<ShapeName, Runner> {
  const ir = shapesIR();
  const provider = instantProvider();
  const runner = (shape: ShapeName): Runner => async (i) => {
    const events: RunEvent[] = [];
    const r = await runGraph({ ir, graph: GRAPH_OF[shape], input: { text: `ticket ${i}` }, provider, clock: realClock, seed: i, runId: `bench-${i}`, onEvent: (e) => events.push(e) });
    if (r.outcome !== 'succeeded' || events.length === 0) throw new Error(`${shape} run ${i}: ${r.outcome} ${r.error?.message ?? 'no trace events'}`);
    return r.output;
  };
  return { chain3: runner('chain3'), chain10: runner('chain10'), fanout5: runner('fanout5'), router3: runner('router3') };
}

// ------------------------------------------------------------------ parent: run both, print

function runChild(side: string): SideResult {
  const script = process.argv[1]!;
  const r = spawnSync(process.execPath, ['--import', 'tsx', script, '--child', side, ...(quick ? ['--quick'] : [])], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 16 << 20 });
  const line = r.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (r.status !== 0 || !line) throw new Error(`the ${side} benchmark failed (exit ${r.status})`);
  return JSON.parse(line.slice('RESULT '.length)) as SideResult;
}

function fmt(n: number, digits = 1): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

async function main(): Promise<void> {
  if (values.child === 'ours') return void console.log(`RESULT ${JSON.stringify(await measure('AgentGraph', ourRunners()))}`);
  if (values.child === 'langgraph') {
    const { langgraphRunners } = await import('./langgraph-baseline.ts');
    return void console.log(`RESULT ${JSON.stringify(await measure('LangGraph.js', langgraphRunners()))}`);
  }
  if (values.child !== undefined) throw new Error(`--child takes ours or langgraph, not ${values.child}`);

  console.log(`Runtime benchmark${quick ? ' (--quick)' : ''}: instant models, Node ${process.version}, each side in its own process`);
  const ours = runChild('ours');
  const lg = runChild('langgraph');
  const rows: string[][] = [['shape', 'AgentGraph µs/run', 'LangGraph.js µs/run', 'LangGraph / ours', `target ≥ ${TARGET_OVERHEAD_RATIO}×`]];
  for (const s of SHAPES) {
    const ratio = lg.usPerRun[s] / ours.usPerRun[s];
    rows.push([LABEL[s], fmt(ours.usPerRun[s]), fmt(lg.usPerRun[s]), `${fmt(ratio)}×`, ratio >= TARGET_OVERHEAD_RATIO ? 'met' : 'MISSED']);
  }
  const tRatio = ours.runsPerSecond / lg.runsPerSecond;
  rows.push([`throughput, ${plan.throughputRuns.toLocaleString('en-US')} × 10-node chain, ${IN_FLIGHT} in flight (runs/s)`, fmt(ours.runsPerSecond, 0), fmt(lg.runsPerSecond, 0), `${fmt(tRatio)}×`, tRatio >= TARGET_THROUGHPUT_RATIO ? 'met' : 'MISSED']);
  rows.push(['peak RSS (MB)', fmt(ours.peakRssMb), fmt(lg.peakRssMb), `${fmt(lg.peakRssMb / ours.peakRssMb)}×`, '']);
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const [i, r] of rows.entries()) {
    console.log(r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '));
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
  console.log('\nAgentGraph runs with tracing on (spans and events in memory) and validates every model answer against its schema;\nLangGraph.js runs without a checkpointer. Timings are printed, never asserted.');
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exit(1);
});
