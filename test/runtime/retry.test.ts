// Retry policy on a virtual clock: exponential backoff capped at max, full jitter within bounds and
// reproducible from the seed, Retry-After honoured, no retry on a 400, fallback models after the
// primary's retries are spent, and per-attempt timeouts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MODELS, ScriptedProvider, TestClock, compile, run } from './helpers/harness.ts';
import { ProviderError } from '../../server/src/runtime/provider.ts';
import { backoffDelay } from '../../server/src/runtime/policies.ts';
import { seededRandom } from '../../server/src/runtime/random.ts';

const spec = (retry: string, extra = '') => `${MODELS}
type V { ok: boolean }
agent a(x: string) -> V {
  model: fast
  prompt: "a"
  retry: ${retry}
  ${extra}
}
graph G(x: string) -> V {
  start -> a(x)
  a -> end(a)
}`;

function attemptStarts(trace: { kind: string; startMs: number }[]): number[] {
  const starts = trace.filter((s) => s.kind === 'attempt').map((s) => s.startMs);
  return starts.map((t) => t - starts[0]!);
}

test('exponential backoff doubles and is capped at max (no jitter)', () => {
  const p = { max: 6, strategy: 'exponential' as const, baseMs: 250, maxMs: 1000, jitter: false };
  assert.deepEqual([1, 2, 3, 4, 5].map((n) => backoffDelay(p, n, Math.random)), [250, 500, 1000, 1000, 1000]);
  assert.deepEqual([1, 2, 3].map((n) => backoffDelay({ ...p, strategy: 'linear' }, n, Math.random)), [250, 500, 750]);
  assert.deepEqual([1, 2].map((n) => backoffDelay({ ...p, strategy: 'constant' }, n, Math.random)), [250, 250]);
});

test('full jitter stays within [0, capped delay] and is reproducible from the seed', () => {
  const p = { max: 6, strategy: 'exponential' as const, baseMs: 250, maxMs: 4000, jitter: true };
  const r1 = seededRandom(42);
  const r2 = seededRandom(42);
  const a = [1, 2, 3, 4, 5, 6].map((n) => backoffDelay(p, n, r1));
  const b = [1, 2, 3, 4, 5, 6].map((n) => backoffDelay(p, n, r2));
  assert.deepEqual(a, b);
  a.forEach((d, i) => assert.ok(d >= 0 && d <= Math.min(4000, 250 * 2 ** i), `delay ${i + 1} = ${d}`));
  assert.ok(new Set(a).size > 1, 'jitter varies');
});

test('retries on a virtual clock wait the backoff between attempts', async () => {
  const ir = compile(spec('3 backoff exponential(1s, max: 3s)'));
  ir.agents[0]!.retry.jitter = false;
  const clock = new TestClock();
  const provider = new ScriptedProvider((_r, n) => {
    if (n <= 3) throw new ProviderError('server', 'HTTP 503', 503);
    return { ok: true };
  }, clock);
  const r = await run(ir, { x: '' }, { provider, clock });
  assert.equal(r.outcome, 'succeeded', r.error?.message);
  assert.deepEqual(attemptStarts(r.trace), [0, 1000, 3000, 6000]);
  const attempts = r.trace.filter((s) => s.kind === 'attempt');
  assert.deepEqual(attempts.map((s) => s.attributes['agentgraph.retry_reason']), [undefined, 'server', 'server', 'server']);
  assert.ok(r.events.some((e) => e.type === 'node_status' && e.status === 'retrying'));
});

test('jittered run delays are the same for the same seed and differ for another', async () => {
  const ir = compile(spec('3 backoff exponential(1s, max: 8s)'));
  const once = async (seed: number) => {
    const clock = new TestClock();
    const provider = new ScriptedProvider((_r, n) => {
      if (n <= 3) throw new ProviderError('rate_limit', '429', 429);
      return { ok: true };
    }, clock);
    return attemptStarts((await run(ir, { x: '' }, { provider, clock, seed })).trace);
  };
  const a = await once(7);
  assert.deepEqual(await once(7), a);
  assert.notDeepEqual(await once(8), a);
  assert.ok(a[1]! <= 1000 && a[2]! - a[1]! <= 2000 && a[3]! - a[2]! <= 4000, String(a));
});

test('Retry-After is honoured when longer than the backoff', async () => {
  const ir = compile(spec('1 backoff constant(100ms)'));
  const clock = new TestClock();
  const provider = new ScriptedProvider((_r, n) => {
    if (n === 1) throw new ProviderError('rate_limit', 'slow down', 429, 7000);
    return { ok: true };
  }, clock);
  const r = await run(ir, { x: '' }, { provider, clock });
  assert.deepEqual(attemptStarts(r.trace), [0, 7000]);
});

test('a 400 is not retried; the fallback model is tried next', async () => {
  const ir = compile(spec('3 backoff constant(100ms)', 'fallback: [smart]'));
  const clock = new TestClock();
  const provider = new ScriptedProvider((req) => {
    if (req.model.name === 'fast') throw new ProviderError('bad_request', 'HTTP 400: bad schema', 400);
    return { ok: true };
  }, clock);
  const r = await run(ir, { x: '' }, { provider, clock });
  assert.equal(r.outcome, 'succeeded', r.error?.message);
  assert.deepEqual(provider.calls.map((c) => c.model.name), ['fast', 'smart']);
});

test('a 400 without a fallback fails the node after one attempt', async () => {
  const ir = compile(spec('3 backoff constant(100ms)'));
  const provider = new ScriptedProvider(() => {
    throw new ProviderError('bad_request', 'HTTP 400', 400);
  });
  const r = await run(ir, { x: '' }, { provider });
  assert.equal(r.outcome, 'failed');
  assert.equal(provider.calls.length, 1);
  assert.equal(r.error?.node, 'a');
});

test('fallback models are used once retries on the primary are exhausted', async () => {
  const ir = compile(spec('2 backoff constant(100ms)', 'fallback: [smart]'));
  const clock = new TestClock();
  const provider = new ScriptedProvider((req) => {
    if (req.model.name === 'fast') throw new ProviderError('server', '500', 500);
    return { ok: true };
  }, clock);
  const r = await run(ir, { x: '' }, { provider, clock });
  assert.equal(r.outcome, 'succeeded');
  assert.deepEqual(provider.calls.map((c) => `${c.model.name}#${c.attempt}`), ['fast#1', 'fast#2', 'fast#3', 'smart#4']);
  const last = r.trace.filter((s) => s.kind === 'attempt').at(-1)!;
  assert.equal(last.attributes['agentgraph.fallback'], true);
});

test('an attempt that exceeds the agent timeout is abandoned and retried', async () => {
  const ir = compile(spec('1 backoff constant(100ms)', 'timeout: 2s'));
  const clock = new TestClock();
  let aborted = 0;
  const provider = new ScriptedProvider(async (req, n) => {
    if (n === 1) {
      try {
        await clock.sleep(60_000, req.signal);
      } catch (e) {
        aborted++;
        throw e;
      }
    }
    return { ok: true };
  }, clock);
  const r = await run(ir, { x: '' }, { provider, clock });
  assert.equal(r.outcome, 'succeeded', r.error?.message);
  assert.equal(aborted, 1, 'the slow call saw its signal abort');
  const [first, second] = r.trace.filter((s) => s.kind === 'attempt');
  assert.equal(first!.endMs! - first!.startMs, 2000);
  assert.equal(second!.attributes['agentgraph.retry_reason'], 'timeout');
  assert.equal(clock.pending, 0);
});

test('the graph timeout fails the run once it has passed', async () => {
  const ir = compile(`${MODELS}
type T { n: integer }
agent a(n: integer) -> T { model: fast, prompt: "{{n}}" }
graph G(n: integer) -> T {
  timeout: 5s
  start -> a(n)
  a -> a(n: a.n + 1) when a.n < 10 max 10
  a -> end(a) otherwise
}`);
  const clock = new TestClock();
  const provider = new ScriptedProvider((req) => ({ n: Number(req.messages.at(-1)!.content) }), clock, 2000);
  const r = await run(ir, { n: 0 }, { provider, clock });
  assert.equal(r.outcome, 'failed');
  assert.equal(r.error?.kind, 'timeout');
  assert.ok(r.totals.latencyMs <= 6000, String(r.totals.latencyMs));
  assert.equal(clock.pending, 0);
});
