// OTLP export: the JSON has the resourceSpans → scopeSpans → spans shape, hex ids that link each
// span to its parent, nanosecond times, typed attribute values, and error statuses.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MODELS, ScriptedProvider, TestClock, compile, run } from './helpers/harness.ts';
import { ProviderError } from '../../server/src/runtime/provider.ts';
import { msToUnixNano, parseTraceJsonl, toOtlp, type OtlpAnyValue } from '../../server/src/runtime/otlp.ts';

const SPEC = `${MODELS}
type T { v: string }
agent a(x: string) -> T { model: fast, prompt: "a", retry: 1 backoff constant(1s) }
graph G(x: string) -> T {
  start -> a(x)
  a -> end(a)
}`;

function isAnyValue(v: OtlpAnyValue): boolean {
  const keys = Object.keys(v);
  if (keys.length !== 1) return false;
  if ('stringValue' in v) return typeof v.stringValue === 'string';
  if ('boolValue' in v) return typeof v.boolValue === 'boolean';
  if ('intValue' in v) return Number.isInteger(Number(v.intValue));
  if ('doubleValue' in v) return typeof v.doubleValue === 'number';
  if ('arrayValue' in v) return v.arrayValue.values.every(isAnyValue);
  return false;
}

test('a run exports to structurally valid OTLP JSON', async () => {
  const ir = compile(SPEC);
  ir.agents[0]!.retry.jitter = false;
  const clock = new TestClock(Date.UTC(2025, 0, 1));
  const provider = new ScriptedProvider((_r, n) => {
    if (n === 1) throw new ProviderError('server', 'boom', 500);
    return { v: 'ok' };
  }, clock, 400);
  const r = await run(ir, { x: '1' }, { provider, clock });
  const text = r.events.map((e) => JSON.stringify(e)).join('\n') + '\n{"truncated';
  const otlp = toOtlp(parseTraceJsonl(text), { version: '1.2.3' });
  const json = JSON.parse(JSON.stringify(otlp)) as typeof otlp;

  assert.equal(json.resourceSpans.length, 1);
  const rs = json.resourceSpans[0]!;
  assert.deepEqual(rs.resource.attributes.find((a) => a.key === 'service.name')?.value, { stringValue: 'agentgraph' });
  const scope = rs.scopeSpans[0]!;
  assert.deepEqual(scope.scope, { name: 'agentgraph', version: '1.2.3' });
  const spans = scope.spans;
  assert.equal(spans.length, r.trace.length);
  const ids = new Set(spans.map((s) => s.spanId));
  assert.equal(ids.size, spans.length, 'unique span ids');
  for (const s of spans) {
    assert.match(s.traceId, /^[0-9a-f]{32}$/);
    assert.equal(s.traceId, spans[0]!.traceId);
    assert.match(s.spanId, /^[0-9a-f]{16}$/);
    if (s.parentSpanId !== undefined) assert.ok(ids.has(s.parentSpanId), 'parent exists');
    assert.match(s.startTimeUnixNano, /^\d+$/);
    assert.ok(BigInt(s.endTimeUnixNano) >= BigInt(s.startTimeUnixNano));
    assert.ok([1, 3].includes(s.kind));
    assert.ok([0, 1, 2].includes(s.status.code));
    for (const a of s.attributes) {
      assert.equal(typeof a.key, 'string');
      assert.ok(isAnyValue(a.value), `${a.key}: ${JSON.stringify(a.value)}`);
    }
  }
  assert.equal(spans.filter((s) => s.parentSpanId === undefined).length, 1, 'one root');
  const chats = spans.filter((s) => s.name.startsWith('chat '));
  assert.equal(chats.length, 2);
  assert.ok(chats.every((s) => s.kind === 3));
  assert.equal(chats[0]!.status.code, 2);
  assert.equal(chats[0]!.status.message, 'boom');
  // OTLP/JSON maps int64 to a number or a decimal string; the SDK's serializer writes a number.
  assert.equal(Number((chats[1]!.attributes.find((a) => a.key === 'gen_ai.usage.input_tokens')?.value as { intValue: unknown }).intValue), 10);
  assert.deepEqual(chats[1]!.attributes.find((a) => a.key === 'gen_ai.response.finish_reasons')?.value, { arrayValue: { values: [{ stringValue: 'stop' }] } });
  const root = spans.find((s) => s.parentSpanId === undefined)!;
  assert.equal(root.startTimeUnixNano, `${Date.UTC(2025, 0, 1)}000000`);
  assert.equal(BigInt(root.endTimeUnixNano) - BigInt(root.startTimeUnixNano), 1_800_000_000n, '400 ms + 1 s backoff + 400 ms');
});

test('spans that never ended (an interrupted run) are exported as errors', () => {
  const start = { seq: 1, runId: 'r', time: 5, type: 'span_start' as const, span: { id: '1.1', kind: 'run' as const, name: 'run G', startMs: 5, attributes: {} } };
  const otlp = toOtlp([start]);
  const span = otlp.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
  assert.equal(span.status.code, 2);
  assert.equal(span.endTimeUnixNano, '5000000');
});

test('milliseconds convert to exact nanosecond strings', () => {
  assert.equal(msToUnixNano(1735689600000), '1735689600000000000');
  assert.equal(msToUnixNano(1.5), '1500000');
});
