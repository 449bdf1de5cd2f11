// Traces: the span tree run → node → attempt → model_call / tool_call / human_wait with GenAI
// attribute names, every event in trace.jsonl in order, and secrets never written anywhere.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { MODELS, ScriptedProvider, TestClock, compile, run, toolCalls } from './helpers/harness.ts';
import { ProviderError } from '../../server/src/runtime/provider.ts';
import { FileRunStore } from '../../server/src/runtime/checkpoint.ts';
import { programmaticHuman } from '../../server/src/runtime/human.ts';
import type { RunEvent, SpanRecord } from '../../server/src/runtime/trace.ts';

const SPEC = `${MODELS}
model keyed = openai("gpt-4o-mini") { max_tokens: 50, api_key_env: "SENTINEL_API_KEY" }
type Q { q: string }
type A { answer: string }
tool lookup(q: string) -> Q { effect: read }
agent ask(q: string) -> A {
  model: keyed
  prompt: "Answer {{q}}"
  tools: [lookup]
  retry: 1 backoff constant(10ms)
}
human check(a: A) -> A { prompt: "Check {{a.answer}}" }
graph G(q: string) -> A {
  start -> ask(q)
  ask -> check(a: ask)
  check -> end(check)
}`;

const SENTINEL = 'sk-SENTINEL0123456789abcdefXYZ';

function script(clock: TestClock) {
  return new ScriptedProvider(async (req, n) => {
    await clock.sleep(250);
    // The first call fails with an error that echoes the key, as a careless proxy might.
    if (n === 1) throw new ProviderError('server', `upstream rejected Authorization: Bearer ${SENTINEL}`, 502);
    if (!req.messages.some((m) => m.role === 'tool')) return { ...toolCalls(['lookup', { q: 'x' }]), usage: { inputTokens: 100, outputTokens: 20 } };
    return { content: JSON.stringify({ answer: 'forty-two' }), usage: { inputTokens: 150, outputTokens: 10 }, modelId: 'gpt-4o-mini-2024-07-18' };
  }, clock);
}

function children(trace: SpanRecord[], parent: SpanRecord | undefined): SpanRecord[] {
  return trace.filter((s) => s.parentId === parent?.id);
}

test('the span tree and GenAI attribute names', async () => {
  const ir = compile(SPEC);
  const clock = new TestClock();
  const human = programmaticHuman((req) => ({ answer: `${String((req.input.a as { answer: string }).answer)} (checked)` }));
  const r = await run(ir, { q: 'life' }, { provider: script(clock), clock, human, toolFns: { lookup: (a) => ({ q: String(a.q) }) } });
  assert.equal(r.outcome, 'succeeded', r.error?.message);
  const [root, ...others] = children(r.trace, undefined);
  assert.equal(others.length, 0);
  assert.equal(root!.kind, 'run');
  const nodes = children(r.trace, root);
  assert.deepEqual(nodes.map((n) => `${n.kind}:${n.name}`), ['node:ask', 'node:check']);
  const attempts = children(r.trace, nodes[0]);
  assert.deepEqual(attempts.map((a) => a.kind), ['attempt', 'attempt']);
  assert.equal(attempts[1]!.attributes['agentgraph.retry_reason'], 'server');
  const second = children(r.trace, attempts[1]);
  assert.deepEqual(second.map((s) => s.kind), ['model_call', 'tool_call', 'model_call']);
  assert.deepEqual(children(r.trace, nodes[1]).map((s) => s.kind), ['human_wait']);

  const agent = nodes[0]!.attributes;
  assert.equal(agent['gen_ai.operation.name'], 'invoke_agent');
  assert.equal(agent['gen_ai.agent.name'], 'ask');
  assert.equal(agent['agentgraph.node'], 'ask');
  assert.match(String(agent['agentgraph.source.range']), /main\.agentgraph:\d+:\d+-\d+:\d+/);
  assert.equal(typeof agent['agentgraph.edge.start_line'], 'number');

  const chat = second[2]!;
  assert.equal(chat.name, 'chat gpt-4o-mini');
  assert.equal(chat.attributes['gen_ai.operation.name'], 'chat');
  assert.equal(chat.attributes['gen_ai.request.model'], 'gpt-4o-mini');
  assert.equal(chat.attributes['gen_ai.response.model'], 'gpt-4o-mini-2024-07-18');
  assert.equal(chat.attributes['gen_ai.usage.input_tokens'], 150);
  assert.equal(chat.attributes['gen_ai.usage.output_tokens'], 10);
  assert.deepEqual(chat.attributes['gen_ai.response.finish_reasons'], ['stop']);
  assert.equal(chat.attributes['gen_ai.request.max_tokens'], 50);
  const price = ir.models.find((m) => m.name === 'keyed')!.profile;
  assert.equal(chat.attributes['agentgraph.cost_usd'], (150 * price.inputPrice + 10 * price.outputPrice) / 1e6);
  assert.match(String(chat.attributes['gen_ai.input.messages']), /Answer life/);
  assert.match(String(chat.attributes['gen_ai.output.messages']), /forty-two/);
  assert.equal(chat.endMs! - chat.startMs, 250, 'virtual timings');

  const tool = second[1]!.attributes;
  assert.equal(tool['gen_ai.operation.name'], 'execute_tool');
  assert.equal(tool['gen_ai.tool.name'], 'lookup');
  assert.equal(typeof tool['gen_ai.tool.call.id'], 'string');
  assert.equal(tool['gen_ai.tool.call.arguments'], '{"q":"x"}');

  assert.equal(r.totals.inputTokens, 250);
  assert.equal(r.totals.modelCalls, 2);
  assert.deepEqual(r.output, { answer: 'forty-two (checked)' });
  const summary = r.nodes.find((n) => n.node === 'ask')!;
  assert.equal(summary.attempts, 2);
  assert.equal(summary.tokens, 280);
});

test('trace.jsonl holds every event in order and no secret appears anywhere', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ag-trace-'));
  try {
    const ir = compile(SPEC);
    const clock = new TestClock();
    const store = new FileRunStore(dir);
    const seen: RunEvent[] = [];
    const human = programmaticHuman(() => ({ answer: `my key is ${SENTINEL}` }));
    const r = await run(ir, { q: `use ${SENTINEL}` }, {
      provider: script(clock),
      clock,
      human,
      store,
      env: { SENTINEL_API_KEY: SENTINEL },
      onEvent: (e) => seen.push(e),
      toolFns: { lookup: (a) => ({ q: String(a.q) }) },
    });
    assert.equal(r.outcome, 'succeeded', r.error?.message);
    const lines = readFileSync(store.tracePath(r.runId), 'utf8').trim().split('\n');
    const fromFile = lines.map((l) => JSON.parse(l) as RunEvent);
    assert.equal(fromFile.length, seen.length);
    assert.deepEqual(fromFile.map((e) => e.seq), seen.map((_, i) => i + 1));
    assert.deepEqual(fromFile, JSON.parse(JSON.stringify(seen)));
    for (const type of ['run_start', 'span_start', 'span_end', 'node_status', 'edge_fired', 'budget', 'run_end']) {
      assert.ok(fromFile.some((e) => e.type === type), `has ${type}`);
    }
    assert.equal(fromFile.at(-1)!.type, 'run_end');
    // Every span that started also ended.
    const started = new Set(fromFile.filter((e) => e.type === 'span_start').map((e) => (e.type === 'span_start' ? e.span.id : '')));
    const ended = new Set(fromFile.filter((e) => e.type === 'span_end').map((e) => (e.type === 'span_end' ? e.span.id : '')));
    assert.deepEqual([...started].sort(), [...ended].sort());

    const everything = [
      ...readdirSync(path.join(dir, r.runId)).map((f) => readFileSync(path.join(dir, r.runId, f), 'utf8')),
      JSON.stringify(r),
      JSON.stringify(seen),
    ].join('\n');
    const at = everything.indexOf(SENTINEL);
    assert.ok(at < 0, `the sentinel key leaked: ${everything.slice(Math.max(0, at - 300), at + 50)}`);
    assert.ok(!everything.includes('SENTINEL0123456789'), 'part of the sentinel key leaked');
    assert.match(everything, /\[REDACTED\]/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
