// The run host end to end as a real child process, driven through the editor's RunProcess: event
// order and completeness against trace.jsonl, human questions over IPC, cancellation, tool and
// model faults, spec errors with locations, crashes, the OpenAI-compatible path against a fake
// server, and that the API key never appears in a message, an output line or a file.

import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { RunProcess, type RunProcessOptions, type RunProcessResult } from '../../client/src/run/run-process.ts';
import type { HumanQuestionPayload, StartMessage } from '../../server/src/runhost/protocol.ts';
import type { RunEvent } from '../../server/src/runtime/trace.ts';
import { startFakeOpenAI } from '../helpers/fake-openai-server.ts';
import { build } from 'esbuild';

const ROOT = path.resolve(__dirname, '../..');
// The host is bundled as scripts/build.mjs bundles dist/run-host.js (the editor forks that file),
// into test-output/ inside the repository so tool modules still find tsx in node_modules.
const HOST = path.join(ROOT, 'test-output', 'runhost', 'run-host.js');
const SENTINEL = 'sk-SENTINEL-runhost-4b1d9e77c0a2';

let ws = '';
const ticket = () => JSON.parse(readFileSync(path.join(ROOT, 'examples/inputs/support.json'), 'utf8')) as { ticket: Record<string, unknown> };
const answers = JSON.parse(readFileSync(path.join(ROOT, 'examples/inputs/support-answers.json'), 'utf8')) as Record<string, unknown>;

before(async () => {
  await build({ entryPoints: [path.join(ROOT, 'server/src/runhost/main.ts')], outfile: HOST, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning' });
  // A copy of the examples as the workspace, so runs write .agentgraph/ there, not in the repo.
  ws = mkdtempSync(path.join(tmpdir(), 'agentgraph-runhost-'));
  cpSync(path.join(ROOT, 'examples'), ws, { recursive: true });
  // Triage answers "billing" with high confidence, so the run takes the billing specialist's path.
  writeFileSync(path.join(ws, 'billing-path.json'), JSON.stringify({ agents: { triage: [{ content: { category: 'billing', confidence: 0.95, summary: 'Charged twice' } }] } }));
});
after(() => rmSync(ws, { recursive: true, force: true }));

interface Outcome {
  result: RunProcessResult;
  events: RunEvent[];
  questions: HumanQuestionPayload[];
  withdrawn: number;
  output: string;
}

function start(over: Partial<StartMessage> = {}): StartMessage {
  return { type: 'start', specPath: path.join(ws, 'support.agentgraph'), root: ws, graph: 'Support', input: ticket(), provider: 'simulated', noCache: true, ...over };
}

/** Runs one host process; `answer` replies to human questions (default: from support-answers.json). */
async function runHost(
  msg: StartMessage,
  o: { env?: Record<string, string | undefined>; answer?: (q: HumanQuestionPayload, p: RunProcess) => Promise<{ value: unknown } | undefined>; onEvent?: (e: RunEvent, p: RunProcess) => void } = {},
): Promise<Outcome> {
  const events: RunEvent[] = [];
  const questions: HumanQuestionPayload[] = [];
  let withdrawn = 0;
  let output = '';
  const opts: RunProcessOptions = {
    hostModule: HOST,
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...o.env },
    start: msg,
    onEvent: (e) => {
      events.push(e);
      o.onEvent?.(e, proc);
    },
    onHumanAsk: (q, signal) => {
      questions.push(q);
      signal.addEventListener('abort', () => withdrawn++);
      return o.answer ? o.answer(q, proc) : Promise.resolve({ value: answers[q.human] });
    },
    onOutput: (t) => (output += t),
    cancelGraceMs: 10_000,
  };
  const proc = new RunProcess(opts);
  const result = await proc.result;
  return { result, events, questions, withdrawn, output };
}

function done(r: RunProcessResult) {
  assert.ok(r.ok, `the run did not finish: ${r.ok ? '' : r.message}`);
  return r.done;
}

function readTrace(tracePath: string): RunEvent[] {
  return readFileSync(tracePath, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as RunEvent);
}

describe('run host', () => {
  test('Support on the simulated provider: every event arrives in order, as in trace.jsonl; a human answers over IPC', async () => {
    const { result, events, questions } = await runHost(start());
    const d = done(result);
    assert.equal(d.outcome, 'succeeded');
    assert.equal(events[0]?.type, 'run_start');
    assert.equal(events.at(-1)?.type, 'run_end');
    for (let i = 1; i < events.length; i++) assert.ok(events[i]!.seq > events[i - 1]!.seq, `seq not increasing at ${i}`);
    assert.ok(events.every((e) => e.runId === d.runId));
    assert.ok(d.tracePath && d.tracePath.startsWith(path.join(ws, '.agentgraph', 'runs')), d.tracePath);
    const written = readTrace(d.tracePath);
    assert.equal(written.length, events.length);
    assert.deepEqual(
      written.map((e) => e.seq),
      events.map((e) => e.seq),
    );
    // Seed 1 routes the ticket to the support lead: the question travelled and the answer came back.
    assert.equal(questions.length, 1);
    assert.equal(questions[0]!.human, 'support_lead');
    assert.match(questions[0]!.prompt, /T-10231/);
    assert.deepEqual(d.output, answers.support_lead);
    assert.ok(d.totals.humanWaitMs >= 0 && d.nodes.some((n) => n.node === 'support_lead'));
  });

  test('describe lists the graphs for the pickers, then the same process runs one', async () => {
    const events: RunEvent[] = [];
    const proc = new RunProcess({
      hostModule: HOST,
        cwd: ROOT,
      env: { PATH: process.env.PATH },
      onEvent: (e) => events.push(e),
      onHumanAsk: (q) => Promise.resolve({ value: answers[q.human] }),
    });
    const d = await proc.describe({ specPath: path.join(ws, 'support.agentgraph'), root: ws });
    assert.ok(d.ok, d.ok ? '' : d.message);
    assert.deepEqual(
      d.graphs.map((g) => g.name),
      ['Support'],
    );
    const g = d.graphs[0]!;
    assert.deepEqual(g.params, ['ticket']);
    assert.deepEqual((g.input as { required?: string[] }).required, ['ticket']);
    assert.deepEqual(g.agents.map((a) => a.name).sort(), ['billing', 'review', 'technical', 'triage']);
    assert.deepEqual(g.agents.find((a) => a.name === 'triage'), { name: 'triage', model: 'fast', fallback: ['smart'], retries: 2 });
    assert.deepEqual(g.tools, ['list_invoices', 'lookup_invoice', 'search_kb', 'service_status']);
    assert.deepEqual(g.humans, ['support_lead']);
    proc.start(start());
    const r = await proc.result;
    assert.equal(done(r).outcome, 'succeeded');
    assert.equal(events.at(-1)?.type, 'run_end');
  });

  test('describe reports spec errors; dispose ends an idle process', async () => {
    const spec = path.join(ws, 'support.agentgraph');
    const proc = new RunProcess({ hostModule: HOST, cwd: ROOT, env: { PATH: process.env.PATH }, onEvent: () => undefined, onHumanAsk: () => Promise.resolve(undefined) });
    const d = await proc.describe({ specPath: spec, root: ws, overlays: { [spec]: 'graph G( {' } });
    assert.ok(!d.ok && d.diagnostics?.every((l) => l.startsWith(`${spec}:1:`)), JSON.stringify(d));
    proc.dispose();
    const r = await proc.result;
    assert.ok(!r.ok && r.cancelled);
  });

  test('cancelling while a person is asked ends the run as cancelled and withdraws the question', async () => {
    const { result, questions, withdrawn, events } = await runHost(start(), {
      answer: (_q, p) => {
        p.cancel();
        return new Promise(() => undefined); // The person never answers.
      },
    });
    const d = done(result);
    assert.equal(d.outcome, 'cancelled');
    assert.equal(questions.length, 1);
    assert.equal(withdrawn, 1);
    const end = events.at(-1);
    assert.ok(end?.type === 'run_end' && end.outcome === 'cancelled');
  });

  test('a dismissed question fails the human node with a clear error', async () => {
    const { result } = await runHost(start(), { answer: () => Promise.resolve(undefined) });
    const d = done(result);
    assert.equal(d.outcome, 'failed');
    assert.match(d.error?.message ?? '', /support_lead dismissed the question/);
  });

  test('tool and model faults: the tool call fails and the agent copes, the timeout is retried, the 5xx falls back', async () => {
    const { result, events } = await runHost(
      start({ fixtures: path.join(ws, 'billing-path.json'), faults: 'triage:timeout@1,billing:5xx@1', toolFaults: [{ tool: 'list_invoices' }] }),
    );
    const d = done(result);
    assert.equal(d.outcome, 'succeeded');
    const toolEnds = events.filter((e) => e.type === 'span_end' && e.span.kind === 'tool_call');
    const failed = toolEnds.find((e) => e.type === 'span_end' && e.span.name.includes('list_invoices'));
    assert.ok(failed && failed.type === 'span_end');
    assert.equal(failed.span.status, 'error');
    assert.match(failed.span.error ?? '', /injected fault: list_invoices threw/);
    assert.ok(events.some((e) => e.type === 'node_status' && e.node === 'triage' && e.status === 'retrying' && e.attempt === 2));
    const fallback = events.find((e) => e.type === 'span_start' && e.span.kind === 'attempt' && e.span.attributes['agentgraph.node'] === 'billing' && e.span.attributes['agentgraph.fallback'] === true);
    assert.ok(fallback, 'billing fell back to its fallback model');
  });

  test('a spec with errors reports them with file, line and column, and runs nothing', async () => {
    const spec = path.join(ws, 'support.agentgraph');
    const text = readFileSync(spec, 'utf8').replace('model: fast\n  system: "You route', 'model: fsat\n  system: "You route');
    const { result, events } = await runHost(start({ overlays: { [spec]: text } }));
    assert.ok(!result.ok);
    assert.match(result.message, /has errors/);
    assert.ok(result.diagnostics?.some((l) => l.startsWith(`${spec}:`) && /:\d+:\d+: AG2001 Unknown model 'fsat'/.test(l)), JSON.stringify(result.diagnostics));
    assert.equal(events.length, 0);
  });

  test('an unknown graph and an unknown fault tool are refused', async () => {
    const a = await runHost(start({ graph: 'Nope' }));
    assert.ok(!a.result.ok && /no graph 'Nope'.*Support/.test(a.result.message));
    const b = await runHost(start({ toolFaults: [{ tool: 'no_such_tool' }] }));
    assert.ok(!b.result.ok && /no_such_tool/.test(b.result.message));
  });

  test('a host that crashes is reported, with its last output, and nothing hangs', async () => {
    writeFileSync(path.join(ws, 'tools', 'crash.ts'), 'export function crash(): never {\n  process.stderr.write("tool is about to crash\\n");\n  process.exit(7);\n}\n');
    writeFileSync(
      path.join(ws, 'crash.agentgraph'),
      'model m = openai("gpt-4o-mini")\ntool boom(x: string) -> string {\n  description: "crashes"\n  effect: read\n  impl: "./tools/crash.ts#crash"\n}\nagent a(x: string) -> string {\n  model: m\n  prompt: "use boom on {{x}}"\n  tools: [boom]\n}\ngraph Crash(x: string) -> string {\n  start -> a(x)\n  a -> end(a)\n}\n',
    );
    const { result } = await runHost(start({ specPath: path.join(ws, 'crash.agentgraph'), graph: 'Crash', input: { x: 'hi' } }));
    assert.ok(!result.ok, 'the crash is a failure');
    assert.match(result.message, /exited with code 7 before the run finished/);
    assert.match(result.message, /tool is about to crash/);
  });

  test('a run that cannot stop (a tool spinning forever) is killed after the grace period on cancel', async () => {
    writeFileSync(path.join(ws, 'tools', 'spin.ts'), 'export function spin(): never {\n  for (;;) {\n    // Never yields: the cancel message is never read.\n  }\n}\n');
    const spec = readFileSync(path.join(ws, 'crash.agentgraph'), 'utf8').replace('crash.ts#crash', 'spin.ts#spin').replace('graph Crash', 'graph Spin');
    writeFileSync(path.join(ws, 'spin.agentgraph'), spec);
    const t0 = Date.now();
    const events: RunEvent[] = [];
    const proc = new RunProcess({
      hostModule: HOST,
        cwd: ROOT,
      env: { PATH: process.env.PATH },
      start: start({ specPath: path.join(ws, 'spin.agentgraph'), graph: 'Spin', input: { x: 'hi' } }),
      onEvent: (e) => {
        events.push(e);
        if (e.type === 'span_start' && e.span.kind === 'tool_call') proc.cancel();
      },
      onHumanAsk: () => Promise.resolve(undefined),
      cancelGraceMs: 1500,
    });
    const r = await proc.result;
    assert.ok(!r.ok && r.cancelled, JSON.stringify(r));
    assert.ok(events.some((e) => e.type === 'span_start' && e.span.kind === 'tool_call'));
    assert.ok(Date.now() - t0 < 30_000);
  });

  test('the OpenAI-compatible provider against a fake server, with base URL and model overrides; the key never leaks', async () => {
    const fake = await startFakeOpenAI();
    try {
      const input = ticket();
      // The key also sits in the input, as if pasted by mistake: it must be redacted everywhere.
      input.ticket.body = `${String(input.ticket.body)} my key is ${SENTINEL}`;
      const { result, events, questions, output } = await runHost(
        start({ provider: 'openai', openai: { baseUrl: fake.baseURL, model: 'override-model-1' }, input, fixtures: undefined }),
        { env: { OPENAI_API_KEY: SENTINEL } },
      );
      const d = done(result);
      assert.ok(['succeeded', 'failed'].includes(d.outcome), d.outcome);
      assert.ok(fake.requests.length > 0, 'the fake server was called');
      for (const r of fake.requests) {
        assert.equal(r.body.model, 'override-model-1');
        assert.equal(r.headers.authorization, `Bearer ${SENTINEL}`);
      }
      // Nothing the editor receives or the run writes carries the key.
      const seen = JSON.stringify({ result, events, questions, output });
      assert.ok(!seen.includes(SENTINEL), 'a message carries the key');
      assert.ok(seen.includes('[REDACTED]'), 'the pasted key was redacted');
      for (const f of walk(path.join(ws, '.agentgraph'))) assert.ok(!readFileSync(f, 'utf8').includes(SENTINEL), `${f} carries the key`);
    } finally {
      await fake.close();
    }
  });
});

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}
