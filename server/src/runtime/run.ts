// The runtime's public entry point: `runGraph` executes one graph of an IR from typed input to
// typed output and resolves with the outcome, the output, usage totals, a per-node summary and
// the trace. Every kind of I/O is injected (provider, clock, human channel, tool loader, cache,
// run store), so the same code runs a simulated graph in memory in a test and a real one from the
// CLI. It never throws for a failing run; it throws only for misuse (an unknown graph, a resume of
// a run that has no checkpoint).

import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import type { IR } from '../ir/schema.ts';
import { BudgetScope, type Totals } from './budget.ts';
import { FileResponseCache, type ResponseCache } from './cache.ts';
import { CHECKPOINT_VERSION, Checkpointer, FileRunStore, type CheckpointState, type RunStore } from './checkpoint.ts';
import { IRIndex, type RunContext } from './context.ts';
import { BudgetExceededError, CancelledError, GraphTimeoutError, NodeFailedError, RuntimeError, messageOf, reasonOf } from './errors.ts';
import { GraphExecution } from './executor.ts';
import { noHuman, type HumanChannel } from './human.ts';
import type { Clock, Provider } from './provider.ts';
import { StopScope } from './policies.ts';
import type { DebugHooks } from './debug.ts';
import { Redactor } from './redact.ts';
import { promptOverrideHooks, replaySeed, type ReplayOptions, type ReplaySeed } from './replay.ts';
import { check } from './schemas.ts';
import { summarizeNodes, type NodeSummary } from './summary.ts';
import { ModuleToolLoader, ToolRunner, type ToolLoader } from './tools.ts';
import { Tracer, attr, attrAndValue, formatRange, type Attributes, type EventSink, type RunErrorInfo, type RunEvent, type RunOutcome, type SpanRecord } from './trace.ts';

export interface RunOptions {
  ir: IR;
  /** The graph to run (its name). */
  graph: string;
  /** The graph's parameters by name. May be omitted when resuming. */
  input?: unknown;
  provider: Provider;
  clock: Clock;
  human?: HumanChannel;
  /** Tool implementations; by default loaded from each tool's `impl` module. */
  tools?: ToolLoader;
  /** Response cache directory (e.g. `.agentgraph/cache`); or inject `cache`. */
  cacheDir?: string;
  cache?: ResponseCache;
  /** Bypass the response cache (neither read nor written). */
  noCache?: boolean;
  /** Where run folders go (e.g. `.agentgraph/runs`); or inject `store`. Without either, nothing is written. */
  runsDir?: string;
  store?: RunStore;
  runId?: string;
  seed?: number;
  signal?: AbortSignal;
  onEvent?: (e: RunEvent) => void;
  /** Resume this run id from its checkpoint instead of starting afresh. */
  resumeFrom?: string;
  /** Environment whose API-key variables are redacted from traces (default: process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  /** More strings to redact. */
  secrets?: string[];
  /** A debugger's hooks: stops before and after nodes and before model and tool calls (see debug.ts). */
  debug?: DebugHooks;
  /** Run again from a node of an earlier run, with that run's recorded inputs (see replay.ts). */
  replay?: ReplayOptions;
}

export interface RunResult {
  runId: string;
  graph: string;
  outcome: RunOutcome;
  output?: unknown;
  error?: RunErrorInfo;
  totals: Totals;
  /** True when a supervisor escalated. */
  escalated: boolean;
  nodes: NodeSummary[];
  /** The last output of every node, by name (eval assertions read them). */
  outputs: Record<string, unknown>;
  visited: string[];
  trace: SpanRecord[];
  /** Files written, when a run store on disk was used. */
  tracePath?: string;
  checkpointPath?: string;
}

/** Tool modules are imported once per process, like any other import, not once per run. */
const defaultToolLoader = new ModuleToolLoader();

/** Aborts whatever still listens once a run is over (one instance: errors are costly to make). */
const RUN_OVER = new CancelledError('the run is over');

export function newRunId(graph: string): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
  return `${graph.replace(/[^A-Za-z0-9_-]/g, '_')}-${stamp}-${randomBytes(3).toString('hex')}`;
}

function errorInfo(err: unknown): RunErrorInfo {
  if (err instanceof NodeFailedError) return { kind: 'node_failed', message: messageOf(err), node: err.node };
  if (err instanceof BudgetExceededError) return { kind: 'budget_exceeded', message: err.message };
  if (err instanceof CancelledError) return { kind: 'cancelled', message: err.message };
  if (err instanceof GraphTimeoutError) return { kind: 'timeout', message: err.message };
  if (err instanceof RuntimeError) return { kind: err.kind, message: err.message, node: err.node };
  return { kind: reasonOf(err), message: messageOf(err) };
}

export async function runGraph(o: RunOptions): Promise<RunResult> {
  const graph = o.ir.graphs.find((g) => g.name === o.graph);
  if (!graph) throw new Error(`no graph '${o.graph}' in the IR (graphs: ${o.ir.graphs.map((g) => g.name).join(', ') || 'none'})`);
  const store = o.store ?? (o.runsDir ? new FileRunStore(o.runsDir) : undefined);

  let prior: CheckpointState | undefined;
  if (o.resumeFrom) {
    prior = store?.load(o.resumeFrom);
    if (!prior) throw new Error(`cannot resume '${o.resumeFrom}': no checkpoint found${o.runsDir ? ` under ${o.runsDir}` : ''}`);
    if (prior.graph !== graph.name) throw new Error(`cannot resume '${o.resumeFrom}': it ran graph ${prior.graph}, not ${graph.name}`);
  }
  let from: ReplaySeed | undefined;
  if (o.replay && !prior) from = replaySeed(store, o.replay, graph.name);
  const runId = prior?.runId ?? o.runId ?? newRunId(graph.name);
  const seed = prior?.seed ?? o.seed ?? from?.seed ?? 1;
  const rawInput = o.input ?? prior?.input ?? from?.input;
  const redactor = Redactor.forRun(o.ir, o.env ?? process.env, o.secrets);
  const paths = store instanceof FileRunStore ? { tracePath: store.tracePath(runId), checkpointPath: store.checkpointPath(runId) } : {};

  const input = check(graph.input, rawInput ?? {});
  if (!input.ok) {
    const message = `the input does not match the parameters of graph ${graph.name}:\n${input.issues.map((i) => `  - ${i}`).join('\n')}`;
    return {
      runId,
      graph: graph.name,
      outcome: 'failed',
      error: { kind: 'invalid_input', message: redactor.text(message), issues: input.issues.map((i) => redactor.text(i)) },
      totals: new BudgetScope('run', {}, o.clock).snapshot(),
      escalated: false,
      nodes: [],
      outputs: {},
      visited: [],
      trace: [],
    };
  }

  const sinks: EventSink[] = [];
  // A store may buffer trace lines (see checkpoint.ts); once the run is over, each late event
  // (a provider still streaming after a cancel) is flushed at once.
  let over = false;
  if (store)
    sinks.push((e) => {
      store.appendEvent(runId, e);
      if (over) store.flushEvents?.(runId);
    });
  if (o.onEvent) sinks.push(o.onEvent);
  const sessions = (prior?.sessions ?? 0) + 1;
  const tracer = new Tracer(runId, o.clock, sinks, redactor, sessions);
  const budget = new BudgetScope(`graph ${graph.name}`, graph.budget, o.clock, undefined, prior?.totals);
  const state: CheckpointState = prior
    ? { ...prior, sessions, status: 'running' }
    : { version: CHECKPOINT_VERSION, runId, graph: graph.name, source: o.ir.source, input: input.value, seed, status: 'running', sessions, totals: budget.snapshot(), steps: from?.steps ?? {}, tools: {} };
  const checkpoint = new Checkpointer(store, state, () => budget.snapshot(), (v) => redactor.value(v));
  // One scope for the run, following the caller's signal; everything below derives from it.
  const signal = StopScope.following(o.signal);
  const cache = o.cache ?? (o.cacheDir ? new FileResponseCache(path.resolve(o.cacheDir)) : undefined);
  const ctx: RunContext = {
    ir: IRIndex.of(o.ir),
    runId,
    provider: o.provider,
    clock: o.clock,
    human: o.human ?? noHuman,
    tracer,
    cache,
    noCache: o.noCache ?? false,
    tools: new ToolRunner(o.tools ?? defaultToolLoader),
    checkpoint,
    seed,
    signal,
  };
  const replayPrompt = from && o.replay!.promptOverride;
  const debug = typeof replayPrompt === 'string' ? promptOverrideHooks(o.debug, o.replay!.node, replayPrompt) : o.debug;
  if (debug) ctx.debug = debug;

  checkpoint.flush();
  // The input enters the trace twice (run_start and the run span): serialized and scanned once.
  const traceInput = attrAndValue(input.value, redactor);
  tracer.emit({ type: 'run_start', graph: redactor.text(graph.name), input: traceInput.value, resumed: !!prior });
  const runAttrs: Attributes = {};
  runAttrs['agentgraph.run_id'] = redactor.text(runId);
  runAttrs['agentgraph.graph'] = redactor.text(graph.name);
  runAttrs['agentgraph.seed'] = seed;
  runAttrs['agentgraph.resumed'] = !!prior;
  runAttrs['agentgraph.session'] = sessions;
  if (from) {
    runAttrs['agentgraph.replay.from_run'] = redactor.text(o.replay!.fromRunId);
    runAttrs['agentgraph.replay.node'] = redactor.text(o.replay!.node);
  }
  if (input.value !== undefined) runAttrs['agentgraph.input'] = traceInput.attr;
  if (o.provider.name !== undefined) runAttrs['agentgraph.provider'] = attr(o.provider.name, redactor);
  const r = graph.range;
  runAttrs['agentgraph.source.file'] = redactor.text(r.file);
  runAttrs['agentgraph.source.start_line'] = r.start.line;
  runAttrs['agentgraph.source.start_character'] = r.start.character;
  runAttrs['agentgraph.source.end_line'] = r.end.line;
  runAttrs['agentgraph.source.end_character'] = r.end.character;
  runAttrs['agentgraph.source.range'] = redactor.text(formatRange(r));
  const runSpan = tracer.open('run', `run ${graph.name}`, undefined, runAttrs);

  let outcome: RunOutcome;
  let output: unknown;
  let error: RunErrorInfo | undefined;
  let escalated = false;
  const exec = new GraphExecution({ ctx, graph, input: input.value as Record<string, unknown>, parentSpan: runSpan, budget, keyPrefix: '', signal });
  let outputs: Map<string, unknown>;
  let visited: Set<string>;
  try {
    const r = await exec.run();
    ({ output, escalated, outputs, visited } = r);
    outcome = 'succeeded';
  } catch (err) {
    const cancelled = o.signal?.aborted === true && !(err instanceof BudgetExceededError);
    outcome = err instanceof BudgetExceededError ? 'budget_exceeded' : cancelled ? 'cancelled' : 'failed';
    error = cancelled ? { kind: 'cancelled', message: 'the run was cancelled' } : errorInfo(err);
    ({ outputs, visited } = exec.state());
  } finally {
    signal.stop(RUN_OVER);
  }
  // The output enters the trace (the run span, run_end) and the result: serialized and scanned once.
  const traceOutput = attrAndValue(output, redactor);
  const safeError = error ? redactor.value(error) : undefined;
  const endAttrs = runSpan.attrs();
  endAttrs['agentgraph.outcome'] = outcome;
  if (output !== undefined) endAttrs['agentgraph.output'] = traceOutput.attr;
  endAttrs['agentgraph.cost_usd'] = budget.totals.costUsd;
  endAttrs['agentgraph.escalated'] = escalated;
  runSpan.end(outcome === 'succeeded' ? 'ok' : outcome === 'cancelled' ? 'cancelled' : 'error', error?.message);
  const totals = budget.snapshot();
  tracer.budget(totals, budget.limits);
  tracer.emit({ type: 'run_end', outcome: redactor.text(outcome) as RunOutcome, output: traceOutput.value, error: safeError, totals });
  checkpoint.finish(outcome);
  store?.flushEvents?.(runId);
  over = true;

  const trace = tracer.snapshot();
  return {
    runId,
    graph: graph.name,
    outcome,
    output: traceOutput.value,
    error: safeError,
    totals,
    escalated,
    nodes: summarizeNodes(trace),
    outputs: redactor.value(Object.fromEntries(outputs)),
    visited: [...visited],
    trace,
    ...paths,
  };
}

/** Continues an interrupted run from its checkpoint (the same as `runGraph` with `resumeFrom`). */
export function resumeRun(o: Omit<RunOptions, 'resumeFrom' | 'input'> & { runId: string }): Promise<RunResult> {
  return runGraph({ ...o, resumeFrom: o.runId });
}
