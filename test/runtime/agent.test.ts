// One agent execution: structured output with one repair request, the tool-call loop bounded by
// max_turns, tool argument and result validation, tool timeouts, approvals, and idempotency of
// irreversible tools.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { INVOICE_TOOLS, MODELS, ScriptedProvider, TestClock, compile, run, toolCalls } from './helpers/harness.ts';
import { programmaticHuman } from '../../server/src/runtime/human.ts';

const SIMPLE = `${MODELS}
type V { score: integer, label: "good" | "bad" }
agent judge(text: string) -> V {
  model: fast
  prompt: "Judge {{text}}"
  retry: 1 backoff constant(100ms)
}
graph G(text: string) -> V {
  start -> judge(text)
  judge -> end(judge)
}`;

test('invalid output gets one repair request quoting the validation error', async () => {
  const ir = compile(SIMPLE);
  const provider = new ScriptedProvider((_req, n) => (n === 1 ? { score: 'high', label: 'good' } : { score: 3, label: 'good' }));
  const r = await run(ir, { text: 't' }, { provider });
  assert.equal(r.outcome, 'succeeded', r.error?.message);
  assert.deepEqual(r.output, { score: 3, label: 'good' });
  assert.equal(provider.calls.length, 2);
  const repair = provider.calls[1]!.messages;
  assert.equal(repair.at(-2)!.role, 'assistant');
  assert.match(repair.at(-1)!.content, /score: Invalid input: expected number/);
  assert.equal(r.nodes[0]!.attempts, 1);
});

test('when the repair is invalid too, the attempt fails and is retried', async () => {
  const ir = compile(SIMPLE);
  const provider = new ScriptedProvider((_req, n) => (n <= 2 ? 'not json' : { score: 1, label: 'bad' }));
  const r = await run(ir, { text: 't' }, { provider });
  assert.equal(r.outcome, 'succeeded', r.error?.message);
  assert.equal(provider.calls.length, 3);
  const attempts = r.trace.filter((s) => s.kind === 'attempt');
  assert.equal(attempts.length, 2);
  assert.equal(attempts[0]!.status, 'error');
  assert.equal(attempts[1]!.attributes['agentgraph.retry_reason'], 'invalid_output');
});

test('tool calls run and their results go back to the model until it answers', async () => {
  const ir = compile(INVOICE_TOOLS);
  const seen: unknown[] = [];
  const provider = new ScriptedProvider((req) => {
    const turn = req.messages.filter((m) => m.role === 'assistant').length;
    if (turn === 0) return toolCalls(['get_invoice', { id: 'A' }], ['get_invoice', { id: 'B' }]);
    const results = req.messages.filter((m) => m.role === 'tool').map((m) => JSON.parse(m.content) as { amount: number });
    return { total: results.reduce((s, x) => s + x.amount, 0) };
  });
  const r = await run(ir, { ids: ['A', 'B'] }, { provider, toolFns: { get_invoice: (a) => (seen.push(a), { id: a.id, amount: a.id === 'A' ? 10 : 5 }) } });
  assert.equal(r.outcome, 'succeeded', r.error?.message);
  assert.deepEqual(r.output, { total: 15 });
  assert.deepEqual(seen, [{ id: 'A' }, { id: 'B' }]);
  assert.equal(provider.calls[1]!.messages.filter((m) => m.role === 'tool').length, 2);
  assert.equal(provider.calls[1]!.messages.find((m) => m.role === 'tool')!.toolCallId, provider.calls[0] && r.trace.find((s) => s.kind === 'tool_call')!.attributes['gen_ai.tool.call.id']);
});

test('a model that keeps calling tools fails the attempt at max_turns', async () => {
  const ir = compile(INVOICE_TOOLS);
  const provider = new ScriptedProvider(() => toolCalls(['get_invoice', { id: 'A' }]));
  let calls = 0;
  const r = await run(ir, { ids: ['A'] }, { provider, toolFns: { get_invoice: (a) => (calls++, { id: String(a.id), amount: 1 }) } });
  assert.equal(r.outcome, 'failed');
  assert.match(r.error!.message, /max_turns/);
  assert.equal(provider.calls.length, 3, 'three turns');
  assert.equal(calls, 2, 'the last turn\'s tool calls are not executed');
});

test('invalid tool arguments are reported back to the model, not executed', async () => {
  const ir = compile(INVOICE_TOOLS);
  let executed = 0;
  const provider = new ScriptedProvider((req) => {
    const tool = req.messages.find((m) => m.role === 'tool');
    if (!tool) return toolCalls(['get_invoice', { id: 42 }]);
    if (req.messages.filter((m) => m.role === 'tool').length === 1) {
      assert.match(tool.content, /invalid arguments for get_invoice: id: Invalid input: expected string/);
      return toolCalls(['get_invoice', '{not json']);
    }
    assert.match(req.messages.at(-1)!.content, /not valid JSON/);
    return { total: 0 };
  });
  const r = await run(ir, { ids: ['A'] }, { provider, toolFns: { get_invoice: () => (executed++, { id: 'x', amount: 1 }) } });
  assert.equal(r.outcome, 'succeeded', r.error?.message);
  assert.equal(executed, 0);
});

test('a tool that exceeds its timeout returns a timeout error to the model', async () => {
  const ir = compile(INVOICE_TOOLS);
  const provider = new ScriptedProvider((req) => {
    const tool = req.messages.find((m) => m.role === 'tool');
    if (!tool) return toolCalls(['get_invoice', { id: 'A' }]);
    return { total: tool.content.includes('timed out after 50 ms') ? -1 : 1 };
  });
  let aborted = false;
  const slow = (_a: unknown, ctx: { signal: AbortSignal }) =>
    new Promise((resolve) => {
      const t = setTimeout(() => resolve({ id: 'A', amount: 1 }), 1000);
      ctx.signal.addEventListener('abort', () => {
        aborted = true;
        clearTimeout(t);
      });
    });
  const r = await run(ir, { ids: ['A'] }, { provider, toolFns: { get_invoice: slow } });
  assert.deepEqual(r.output, { total: -1 });
  assert.ok(aborted, 'the tool saw its signal abort');
  const span = r.trace.find((s) => s.kind === 'tool_call')!;
  assert.equal(span.status, 'error');
  assert.equal(span.attributes['agentgraph.tool.error_reason'], 'timeout');
});

test('a tool result that does not match the declared type is an error for the model', async () => {
  const ir = compile(INVOICE_TOOLS);
  const provider = new ScriptedProvider((req) => {
    const tool = req.messages.find((m) => m.role === 'tool');
    if (!tool) return toolCalls(['get_invoice', { id: 'A' }]);
    return { total: tool.content.includes('does not match its result type') ? -1 : 1 };
  });
  const r = await run(ir, { ids: ['A'] }, { provider, toolFns: { get_invoice: () => ({ id: 'A', amount: 'ten' }) } });
  assert.deepEqual(r.output, { total: -1 });
});

const PAY = `${MODELS}
type Receipt { id: string }
type Approval { approved: boolean, note: string? }
type Out { paid: list<string> }
human manager(invoice: string, amount: number) -> Approval { prompt: "Pay {{amount}} for {{invoice}}?" }
tool pay(invoice: string, amount: number) -> Receipt { effect: irreversible, approve: manager }
agent payer(invoices: list<string>) -> Out {
  model: fast
  prompt: "Pay {{invoices}}"
  tools: [pay]
  max_turns: 4
}
human ops(invoices: list<string>) -> Out { prompt: "help" }
graph G(invoices: list<string>) -> Out {
  start -> payer(invoices)
  payer -> end(payer)
}`;

test('an irreversible tool called twice with the same arguments runs once; approvals are asked each time', async () => {
  const ir = compile(PAY);
  const paid: unknown[] = [];
  const asked: string[] = [];
  const provider = new ScriptedProvider((req) => {
    const tools = req.messages.filter((m) => m.role === 'tool');
    if (tools.length === 0) return toolCalls(['pay', { invoice: 'I1', amount: 5 }], ['pay', { invoice: 'I1', amount: 5 }]);
    if (tools.length === 2) return toolCalls(['pay', { invoice: 'I2', amount: 7 }]);
    return { paid: tools.map((t) => t.content) };
  });
  const human = programmaticHuman((req) => {
    asked.push(req.prompt);
    return { approved: req.input.invoice === 'I1', note: req.input.invoice === 'I1' ? null : 'not this one' };
  });
  const r = await run(ir, { invoices: ['I1', 'I2'] }, { provider, human, toolFns: { pay: (a) => (paid.push(a), { id: `R-${String(a.invoice)}` }) } });
  assert.equal(r.outcome, 'succeeded', r.error?.message);
  assert.deepEqual(paid, [{ invoice: 'I1', amount: 5 }]);
  assert.deepEqual(asked, ['Pay 5 for I1?', 'Pay 7 for I2?']);
  const out = (r.output as { paid: string[] }).paid;
  assert.deepEqual(out.slice(0, 2), ['{"id":"R-I1"}', '{"id":"R-I1"}']);
  assert.match(out[2]!, /manager declined this call: not this one/);
  const keys = Object.values(r.store.states.get(r.runId)!.tools);
  assert.equal(keys.length, 1);
  assert.equal(keys[0]!.status, 'done');
  const humanSpans = r.trace.filter((s) => s.kind === 'human_wait');
  assert.equal(humanSpans.length, 2);
  assert.ok(r.events.some((e) => e.type === 'node_status' && e.status === 'waiting_for_human'));
});

test('streamed tokens are forwarded as token events', async () => {
  const ir = compile(SIMPLE);
  const provider = new ScriptedProvider((req) => {
    req.onToken?.('{"score":1,');
    req.onToken?.('"label":"good"}');
    return { score: 1, label: 'good' };
  });
  const clock = new TestClock();
  const r = await run(ir, { text: 't' }, { provider, clock });
  const tokens = r.events.filter((e) => e.type === 'token');
  assert.equal(tokens.length, 2);
  const call = r.trace.find((s) => s.kind === 'model_call')!;
  assert.ok(tokens.every((e) => e.type === 'token' && e.spanId === call.id && e.node === 'judge'));
});
