// The fault matrix: every failure policy of the runtime (retry on timeout, 429 with Retry-After,
// 5xx and invalid output; no retry on 400; fallback models; budget stop; supervisor restart and
// escalation) proved through `runGraph`, twice: with the simulated provider's targeted faults on a
// virtual clock, and with the OpenAI provider against the fake OpenAI server in real time. Then
// every example graph runs to completion on the simulated provider.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { Program } from '../../server/src/semantics/program.ts';
import { analyzeFile } from '../../server/src/semantics/analyze.ts';
import { buildIR } from '../../server/src/ir/build.ts';
import type { IR } from '../../server/src/ir/schema.ts';
import { runGraph, type RunResult } from '../../server/src/runtime/run.ts';
import { programmaticHuman, type HumanRequest } from '../../server/src/runtime/human.ts';
import { ProviderError, type Clock, type Provider } from '../../server/src/runtime/provider.ts';
import { createProvider, generateValue, realClock, rngFor, VirtualClock, type FaultPlan } from '../../server/src/runtime/providers/index.ts';
import { startFakeOpenAI, type Behaviour, type FakeOpenAI, type RecordedRequest } from '../helpers/fake-openai-server.ts';

const SPEC = `
model fast = openai("gpt-4o-mini") {
  temperature: 0
  max_tokens: 100
}
model smart = openai("gpt-4o") {
  temperature: 0
  max_tokens: 100
}
type Verdict {
  label: "yes" | "no"
  confidence: number
}
agent classify(text: string) -> Verdict {
  model: fast
  prompt: "Classify: {{text}}"
  retry: 2 backoff constant(50ms)
  timeout: 2s
}
graph Retry(text: string) -> Verdict {
  start -> classify(text)
  classify -> end(classify)
}
agent picky(text: string) -> Verdict {
  model: fast
  prompt: "Classify carefully: {{text}}"
  retry: 1 backoff constant(50ms)
  fallback: [smart]
  timeout: 2s
}
graph Fallback(text: string) -> Verdict {
  start -> picky(text)
  picky -> end(picky)
}
agent spender(text: string) -> Verdict {
  model: fast
  prompt: """
    Classify this text. It is padded on purpose so that every call costs a noticeable number of
    tokens and a handful of failing attempts runs through the token budget of the graph long
    before the retries are spent. Text: {{text}}
  """
  retry: 8 backoff constant(10ms)
}
graph Budget(text: string) -> Verdict {
  budget { tokens: 700 }
  start -> spender(text)
  spender -> end(spender)
}
agent worker(text: string) -> Verdict {
  model: fast
  prompt: "Work on: {{text}}"
  timeout: 2s
}
human lead(text: string) -> Verdict {
  prompt: "Please classify {{text}}"
}
graph Supervised(text: string) -> Verdict {
  start -> worker(text)
  worker -> end(worker)
  supervise [worker] one_for_one(max_restarts: 1, within: 10m) escalate lead
}
`;

function compile(): IR {
  const file = '/matrix/main.agentgraph';
  const program = new Program({ readFile: (p) => (p === file ? SPEC : undefined) }, '/matrix');
  const a = analyzeFile(program, file)!;
  // AG6004 (worst case over budget) is the point of the Budget graph: the checker warns the author
  // at edit time, and the runtime must still stop such a run when the budget actually runs out.
  const errors = a.diagnostics.filter((d) => d.severity === 'error' && d.code !== 'AG6004');
  assert.deepEqual(errors.map((d) => `${d.code} ${d.message}`), []);
  return buildIR(a);
}
const IR_ = compile();

interface Call {
  agent: string;
  model: string;
  attempt: number;
  call: number;
  outcome: string;
}

/** Wraps a provider to log every call and how it ended. */
function recording(p: Provider, log: Call[]): Provider {
  return {
    name: p.name,
    async complete(req) {
      const entry: Call = { agent: req.agent, model: req.model.name, attempt: req.attempt, call: req.call, outcome: 'pending' };
      log.push(entry);
      try {
        const r = await p.complete(req);
        entry.outcome = 'ok';
        return r;
      } catch (e) {
        entry.outcome = e instanceof ProviderError ? e.kind : 'error';
        throw e;
      }
    },
  };
}

interface Observed {
  result: RunResult;
  calls: Call[];
  humans: HumanRequest[];
  requests: RecordedRequest[];
}

interface Scenario {
  name: string;
  graph: string;
  /** Faults for the simulated provider. */
  faults: string | FaultPlan;
  /** The fake server's answer to the n-th (1-based) request of `agent`; `auto` when undefined. */
  server: (agent: string, n: number, req: RecordedRequest) => Behaviour | undefined;
  check: (o: Observed, provider: 'simulated' | 'openai') => void;
}

const attemptSpans = (r: RunResult, node: string) => r.trace.filter((s) => s.kind === 'attempt' && s.attributes['agentgraph.node'] === node).sort((a, b) => a.startMs - b.startMs);
const summary = (r: RunResult, node: string) => r.nodes.find((n) => n.node === node);

const SCENARIOS: Scenario[] = [
  {
    name: 'retries a timeout',
    graph: 'Retry',
    faults: 'classify:timeout@1',
    server: (_a, n) => (n === 1 ? { kind: 'hang' } : undefined),
    check: ({ result, calls }) => {
      assert.equal(result.outcome, 'succeeded', result.error?.message);
      assert.deepEqual(calls.map((c) => [c.attempt, c.outcome]), [[1, calls[0]!.outcome], [2, 'ok']]);
      assert.equal(attemptSpans(result, 'classify')[0]!.attributes['agentgraph.error_reason'], 'timeout');
    },
  },
  {
    name: 'retries a 429 after its Retry-After, not the shorter backoff',
    graph: 'Retry',
    faults: 'classify:429=400@1',
    server: (_a, n) => (n === 1 ? { kind: 'rate_limit', retryAfterMs: 400 } : undefined),
    check: ({ result, calls }) => {
      assert.equal(result.outcome, 'succeeded', result.error?.message);
      assert.deepEqual(calls.map((c) => c.outcome), ['rate_limit', 'ok']);
      const [a1, a2] = attemptSpans(result, 'classify');
      const gap = a2!.startMs - a1!.endMs!;
      assert.ok(gap >= 395, `waited ${gap} ms; Retry-After was 400 ms, backoff 50 ms`);
    },
  },
  {
    name: 'retries 5xx until an attempt succeeds',
    graph: 'Retry',
    faults: 'classify:500@1|2',
    server: (_a, n) => (n <= 2 ? { kind: 'status', status: 500 } : undefined),
    check: ({ result, calls }) => {
      assert.equal(result.outcome, 'succeeded', result.error?.message);
      assert.deepEqual(calls.map((c) => c.outcome), ['server', 'server', 'ok']);
      assert.equal(summary(result, 'classify')?.attempts, 3);
    },
  },
  {
    name: 'repairs malformed output once within the attempt',
    graph: 'Retry',
    faults: { faults: [{ agent: 'classify', kind: 'malformed_json', attempts: [1], calls: [1] }] },
    server: (_a, n) => (n === 1 ? { kind: 'malformed', content: '{"label": "yes", "confid' } : undefined),
    check: ({ result, calls, requests }) => {
      assert.equal(result.outcome, 'succeeded', result.error?.message);
      assert.deepEqual(calls.map((c) => [c.attempt, c.call]), [[1, 1], [1, 2]]);
      assert.equal(summary(result, 'classify')?.attempts, 1);
      if (requests.length > 0) {
        const last = (requests[1]!.body.messages as { role: string; content: string }[]).at(-1)!;
        assert.ok(last.role === 'user' && /JSON Schema/.test(last.content), 'the repair request quotes the problems');
      }
    },
  },
  {
    name: 'retries invalid output when the repair fails too',
    graph: 'Retry',
    faults: 'classify:invalid@1',
    server: (_a, n) => (n <= 2 ? { kind: 'answer', content: '{"label": "maybe", "confidence": 2}' } : undefined),
    check: ({ result, calls }) => {
      assert.equal(result.outcome, 'succeeded', result.error?.message);
      assert.deepEqual(calls.map((c) => [c.attempt, c.call]), [[1, 1], [1, 2], [2, 1]]);
      assert.equal(attemptSpans(result, 'classify')[0]!.attributes['agentgraph.error_reason'], 'invalid_output');
    },
  },
  {
    name: 'does not retry a 400',
    graph: 'Retry',
    faults: 'classify:400',
    server: () => ({ kind: 'status', status: 400, message: 'Invalid schema for response_format' }),
    check: ({ result, calls }) => {
      assert.equal(result.outcome, 'failed');
      assert.equal(result.error?.kind, 'node_failed');
      assert.deepEqual(calls.map((c) => c.outcome), ['bad_request']);
    },
  },
  {
    name: 'uses the fallback model once the retries are spent',
    graph: 'Fallback',
    faults: 'picky/fast:5xx',
    server: (_a, _n, req) => (req.body.model === 'gpt-4o-mini' ? { kind: 'status', status: 503 } : undefined),
    check: ({ result, calls, requests }) => {
      assert.equal(result.outcome, 'succeeded', result.error?.message);
      assert.deepEqual(calls.map((c) => [c.model, c.attempt, c.outcome]), [['fast', 1, 'server'], ['fast', 2, 'server'], ['smart', 3, 'ok']]);
      assert.deepEqual(attemptSpans(result, 'picky').map((s) => s.attributes['agentgraph.fallback']), [false, false, true]);
      if (requests.length > 0) assert.deepEqual(requests.map((r) => r.body.model), ['gpt-4o-mini', 'gpt-4o-mini', 'gpt-4o']);
    },
  },
  {
    name: 'stops at the token budget while retries remain',
    graph: 'Budget',
    faults: 'spender:invalid',
    server: () => ({ kind: 'answer', content: '{"label": "maybe"}', usage: { prompt_tokens: 150, completion_tokens: 50 } }),
    check: ({ result, calls }) => {
      assert.equal(result.outcome, 'budget_exceeded', result.error?.message);
      assert.equal(result.error?.kind, 'budget_exceeded');
      assert.ok(result.totals.tokens <= 700, `used ${result.totals.tokens} tokens`);
      assert.ok(calls.length < 18, `${calls.length} calls: the budget stopped it before 9 attempts x 2 calls`);
    },
  },
  {
    name: 'restarts a failed child, then escalates to the human',
    graph: 'Supervised',
    faults: 'worker:500',
    server: (agent) => (agent === 'worker' ? { kind: 'status', status: 500 } : undefined),
    check: ({ result, calls, humans }) => {
      assert.equal(result.outcome, 'succeeded', result.error?.message);
      assert.equal(result.escalated, true);
      assert.deepEqual(result.output, { label: 'no', confidence: 1 });
      assert.equal(calls.length, 2, 'the first run and one restart');
      assert.deepEqual(humans.map((h) => [h.kind, h.human]), [['escalation', 'lead']]);
    },
  },
  {
    name: 'a restart that succeeds does not escalate',
    graph: 'Supervised',
    faults: 'worker:500x1',
    server: (agent, n) => (agent === 'worker' && n === 1 ? { kind: 'status', status: 500 } : undefined),
    check: ({ result, calls, humans }) => {
      assert.equal(result.outcome, 'succeeded', result.error?.message);
      assert.equal(result.escalated, false);
      assert.deepEqual(calls.map((c) => c.outcome), ['server', 'ok']);
      assert.equal(summary(result, 'worker')?.executions, 2);
      assert.equal(humans.length, 0);
    },
  },
];

const KEY = 'sk-fault-matrix-key-0123456789';
let fake: FakeOpenAI | undefined;
after(() => fake?.close());

async function run(s: Scenario, kind: 'simulated' | 'openai'): Promise<Observed> {
  const calls: Call[] = [];
  const humans: HumanRequest[] = [];
  const human = programmaticHuman((req) => (humans.push(req), { label: 'no', confidence: 1 }));
  let provider: Provider;
  let clock: Clock;
  let requests: RecordedRequest[] = [];
  if (kind === 'simulated') {
    clock = new VirtualClock();
    provider = createProvider('simulated', { seed: 1, clock, faults: s.faults });
  } else {
    fake ??= await startFakeOpenAI();
    fake.requests.length = 0;
    requests = fake.requests;
    const seen = new Map<string, number>();
    fake.setDefault((req) => {
      const agent = String((req.body.response_format as { json_schema?: { name?: string } } | undefined)?.json_schema?.name ?? '');
      const n = (seen.get(agent) ?? 0) + 1;
      seen.set(agent, n);
      return s.server(agent, n, req) ?? { kind: 'auto' };
    });
    clock = realClock;
    // Generous: a loaded CI machine must not turn a slow but healthy answer into a timeout.
    provider = createProvider('openai', { baseURL: fake.baseURL, env: { OPENAI_API_KEY: KEY }, timeoutMs: 1500 });
  }
  const result = await runGraph({ ir: IR_, graph: s.graph, input: { text: 'ticket 42: the invoice is wrong' }, provider: recording(provider, calls), clock, seed: 1, human, env: { OPENAI_API_KEY: KEY } });
  assert.ok(!JSON.stringify(result).includes(KEY), 'the key never reaches the result or the trace');
  return { result, calls, humans, requests };
}

for (const s of SCENARIOS) {
  for (const kind of ['simulated', 'openai'] as const) {
    test(`${s.name} (${kind})`, { timeout: 20_000 }, async () => {
      s.check(await run(s, kind), kind);
    });
  }
}

// ------------------------------------------------------------------ every example runs

function exampleInput(ir: IR, graph: IR['graphs'][number], seed: number): unknown {
  // A real case from the graph's eval dataset when there is one (tools then find real records).
  const ev = ir.evals.find((e) => e.graph === graph.name && e.dataset?.endsWith('.jsonl'));
  if (ev?.dataset) {
    const lines = readFileSync(path.resolve(path.dirname(ir.source), ev.dataset), 'utf8').split('\n').filter((l) => l.trim());
    const row = JSON.parse(lines[seed % lines.length]!) as Record<string, unknown>;
    return Object.fromEntries(graph.params.map((p) => [p.name, row[p.name] ?? null]));
  }
  return generateValue(graph.input, { rng: rngFor('input', graph.name, seed) });
}

test('every example graph runs to completion on the simulated provider', { timeout: 60_000 }, async () => {
  const root = path.resolve('examples');
  const program = new Program({ readFile: (p) => { try { return readFileSync(p, 'utf8'); } catch { return undefined; } } }, root);
  const failures: string[] = [];
  let runs = 0;
  for (const name of readdirSync(root).filter((n) => n.endsWith('.agentgraph')).sort()) {
    const ir = buildIR(analyzeFile(program, path.join(root, name))!);
    for (const graph of ir.graphs) {
      for (const seed of [1, 2, 3]) {
        const clock = new VirtualClock();
        const human = programmaticHuman((req) => generateValue(req.outputSchema, { rng: rngFor(req.human, req.kind, seed) }));
        const r = await runGraph({ ir, graph: graph.name, input: exampleInput(ir, graph, seed), provider: createProvider('simulated', { seed, clock }), clock, seed, human });
        runs++;
        if (r.outcome !== 'succeeded') failures.push(`${name} ${graph.name} seed ${seed}: ${r.outcome} — ${r.error?.kind}: ${r.error?.message}`);
        else assert.ok(r.totals.latencyMs > 0 && r.totals.modelCalls > 0, `${name}: virtual timings and calls recorded`);
      }
    }
  }
  assert.ok(runs >= 18, `ran ${runs}`);
  assert.deepEqual(failures, []);
});
