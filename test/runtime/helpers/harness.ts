// Test harness for the runtime: compiles spec text to IR in memory, a scripted fake provider whose
// answers are a function of the request, a virtual clock, and a one-call `run` with sensible
// defaults (in-memory run store, in-memory tools, no cache unless given).

import { Program } from '../../../server/src/semantics/program.ts';
import { analyzeFile } from '../../../server/src/semantics/analyze.ts';
import { buildIR } from '../../../server/src/ir/build.ts';
import type { IR } from '../../../server/src/ir/schema.ts';
import type { Clock, ModelRequest, ModelResponse, Provider, ToolCall } from '../../../server/src/runtime/provider.ts';
import { runGraph, type RunOptions, type RunResult } from '../../../server/src/runtime/run.ts';
import { MemoryRunStore } from '../../../server/src/runtime/checkpoint.ts';
import { MapToolLoader, type ToolFn } from '../../../server/src/runtime/tools.ts';
import type { RunEvent } from '../../../server/src/runtime/trace.ts';

export const MODELS = `
model fast = openai("gpt-4o-mini") { temperature: 0, max_tokens: 100 }
model smart = openai("gpt-4o") { temperature: 0, max_tokens: 200 }
`;

/** One agent with one read tool (an invoice lookup) and a bounded tool loop: the tool-call tests' spec. */
export const INVOICE_TOOLS = `${MODELS}
type Inv { id: string, amount: number }
type Out { total: number }
tool get_invoice(id: string) -> Inv { effect: read, timeout: 50ms }
agent sum(ids: list<string>) -> Out {
  model: fast
  prompt: "Sum {{ids}}"
  tools: [get_invoice]
  max_turns: 3
}
graph G(ids: list<string>) -> Out {
  start -> sum(ids)
  sum -> end(sum)
}`;

/** Compiles one spec (plus optional imported files) to IR; fails on any error diagnostic. */
export function compile(main: string, files: Record<string, string> = {}, opts: { root?: string; allow?: string[] } = {}): IR {
  const root = opts.root ?? '/spec';
  const all: Record<string, string> = { [`${root}/main.agentgraph`]: main };
  for (const [k, v] of Object.entries(files)) all[`${root}/${k}`] = v;
  const program = new Program({ readFile: (p) => all[p] }, root);
  const a = analyzeFile(program, `${root}/main.agentgraph`);
  if (!a) throw new Error('no analysis');
  // `allow` lists codes a test provokes on purpose (a dead end the checker would reject).
  const errors = a.diagnostics.filter((d) => d.severity === 'error' && !opts.allow?.includes(d.code));
  if (errors.length) throw new Error(errors.map((d) => `${d.code} ${d.message}`).join('\n'));
  return buildIR(a);
}

/** Virtual time: sleepers wake in order once the current microtasks settle. */
export class TestClock implements Clock {
  t: number;
  private queue: { at: number; seq: number; wake: () => void }[] = [];
  private seq = 0;
  private scheduled = false;
  readonly sleeps: number[] = [];

  constructor(start = 1_000_000) {
    this.t = start;
  }
  now(): number {
    return this.t;
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const entry = { at: this.t + Math.max(0, ms), seq: this.seq++, wake: () => undefined as void };
      const onAbort = () => {
        this.queue = this.queue.filter((q) => q !== entry);
        reject(signal!.reason);
      };
      entry.wake = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(entry);
      this.queue.sort((a, b) => a.at - b.at || a.seq - b.seq);
      this.flush();
    });
  }
  private flush(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const first = this.queue.shift();
      if (!first) return;
      this.t = Math.max(this.t, first.at);
      first.wake();
      if (this.queue.length) this.flush();
    });
  }
  get pending(): number {
    return this.queue.length;
  }
}

export type Script = (req: ModelRequest, n: number) => Partial<ModelResponse> | Promise<Partial<ModelResponse>> | unknown;

/** A provider whose answer is a function of the request; plain values become JSON answers. */
export class ScriptedProvider implements Provider {
  readonly name = 'scripted';
  readonly calls: ModelRequest[] = [];
  inFlight = 0;
  maxInFlight = 0;

  constructor(
    private readonly script: Script,
    private readonly clock?: Clock,
    /** Virtual latency of each call (ms). */
    private readonly latencyMs = 0,
  ) {}

  async complete(req: ModelRequest): Promise<ModelResponse> {
    this.calls.push(req);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.clock && this.latencyMs > 0) await this.clock.sleep(this.latencyMs, req.signal);
      const out = await this.script(req, this.calls.length);
      return toResponse(out, req);
    } finally {
      this.inFlight--;
    }
  }
}

function isResponseLike(v: unknown): v is Partial<ModelResponse> {
  return !!v && typeof v === 'object' && ('content' in v || 'toolCalls' in v) && !Array.isArray(v);
}

function toResponse(out: unknown, req: ModelRequest): ModelResponse {
  const r: Partial<ModelResponse> = isResponseLike(out) ? out : { content: typeof out === 'string' ? out : JSON.stringify(out) };
  return {
    content: r.content ?? '',
    toolCalls: r.toolCalls ?? [],
    usage: r.usage ?? { inputTokens: 10, outputTokens: 5 },
    latencyMs: r.latencyMs ?? 0,
    finishReason: r.finishReason ?? (r.toolCalls?.length ? 'tool_calls' : 'stop'),
    modelId: r.modelId ?? req.model.modelId,
  };
}

let callSeq = 0;
export function toolCalls(...calls: [string, unknown][]): Partial<ModelResponse> {
  const tcs: ToolCall[] = calls.map(([name, args]) => ({ id: `call_${++callSeq}`, name, arguments: typeof args === 'string' ? args : JSON.stringify(args) }));
  return { content: '', toolCalls: tcs };
}

export interface TestRun extends RunResult {
  events: RunEvent[];
  store: MemoryRunStore;
}

export async function run(
  ir: IR,
  input: unknown,
  opts: Partial<RunOptions> & { script?: Script; toolFns?: Record<string, ToolFn> } = {},
): Promise<TestRun> {
  const events: RunEvent[] = [];
  const store = (opts.store as MemoryRunStore | undefined) ?? new MemoryRunStore();
  const clock = opts.clock ?? new TestClock();
  const provider = opts.provider ?? new ScriptedProvider(opts.script ?? (() => ({})), clock);
  const result = await runGraph({
    graph: ir.graphs[0]!.name,
    ...opts,
    ir,
    input,
    clock,
    provider,
    store,
    tools: opts.tools ?? new MapToolLoader(opts.toolFns ?? {}),
    env: opts.env ?? {},
    onEvent: (e) => {
      events.push(e);
      opts.onEvent?.(e);
    },
  });
  return { ...result, events, store };
}

/** The agent name and user prompt of each call, for compact assertions. */
export function agentsCalled(p: ScriptedProvider): string[] {
  return p.calls.map((c) => c.agent);
}
