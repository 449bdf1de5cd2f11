// Fault injection in the simulated provider: background rates come out roughly as configured and
// reproducibly for a seed; targeted faults hit exactly the agent, model and attempts named; the
// `--faults` spec parser accepts the documented forms and rejects the rest with a clear message.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createProvider, parseFaultSpec, VirtualClock, type FaultPlan, type SimulatedProvider } from '../../server/src/runtime/providers/index.ts';
import { ProviderError } from '../../server/src/runtime/provider.ts';
import { checkSchema } from './json-schema-check.ts';
import { TRIAGE_SCHEMA, testModel, testRequest } from './models.ts';

type Outcome = 'ok' | 'malformed_json' | 'invalid_output' | ProviderError['kind'];

async function outcome(p: SimulatedProvider, req = testRequest({ responseSchema: TRIAGE_SCHEMA })): Promise<Outcome> {
  try {
    const res = await p.complete(req);
    let value: unknown;
    try {
      value = JSON.parse(res.content);
    } catch {
      return 'malformed_json';
    }
    return checkSchema(TRIAGE_SCHEMA, value).length > 0 ? 'invalid_output' : 'ok';
  } catch (e) {
    assert.ok(e instanceof ProviderError);
    return e.kind;
  }
}

async function tally(plan: FaultPlan, n: number, seed = 1): Promise<Map<Outcome, number>> {
  const p = createProvider('simulated', { seed, faults: plan });
  const counts = new Map<Outcome, number>();
  for (let i = 0; i < n; i++) {
    const o = await outcome(p, testRequest({ responseSchema: TRIAGE_SCHEMA, agent: `agent${i % 7}`, attempt: 1 + (i % 3), messages: [{ role: 'user', content: `ticket ${i}` }] }));
    counts.set(o, (counts.get(o) ?? 0) + 1);
  }
  return counts;
}

function near(count: number, n: number, p: number, label: string): void {
  const sigma = Math.sqrt(n * p * (1 - p));
  assert.ok(Math.abs(count - n * p) <= 4 * sigma + 2, `${label}: ${count} of ${n}, expected about ${n * p}`);
}

test('background rates come out roughly as configured', async () => {
  const n = 4000;
  const plan = { rateLimitRate: 0.1, timeoutRate: 0.05, serverErrorRate: 0.1, malformedJsonRate: 0.05, invalidOutputRate: 0.05 };
  const c = await tally(plan, n);
  near(c.get('rate_limit') ?? 0, n, 0.1, 'rate_limit');
  near(c.get('timeout') ?? 0, n, 0.05, 'timeout');
  near(c.get('server') ?? 0, n, 0.1, 'server');
  near(c.get('malformed_json') ?? 0, n, 0.05, 'malformed_json');
  near(c.get('invalid_output') ?? 0, n, 0.05, 'invalid_output');
  near(c.get('ok') ?? 0, n, 0.65, 'ok');
});

test('errorRate draws retryable failures of every kind', async () => {
  const n = 2000;
  const c = await tally({ errorRate: 0.2 }, n);
  near(n - (c.get('ok') ?? 0), n, 0.2, 'errors');
  for (const kind of ['rate_limit', 'server', 'timeout', 'network'] as const) assert.ok((c.get(kind) ?? 0) > 40, `${kind}: ${c.get(kind)}`);
});

test('fault positions are reproducible for a seed and move with it', async () => {
  const plan = { rateLimitRate: 0.3 };
  const run = async (seed: number) => {
    const p = createProvider('simulated', { seed, faults: plan });
    const out: Outcome[] = [];
    for (let i = 0; i < 40; i++) out.push(await outcome(p));
    return out.join();
  };
  assert.equal(await run(11), await run(11));
  assert.notEqual(await run(11), await run(12));
});

test('targeted: classify times out on attempt 1 only, after hanging in virtual time; other agents are untouched', async () => {
  const clock = new VirtualClock(0);
  const p = createProvider('simulated', { clock, faults: 'classify:timeout=5s@1' });
  const err = await p.complete(testRequest({ attempt: 1 })).catch((e: unknown) => e);
  assert.ok(err instanceof ProviderError && err.kind === 'timeout' && err.retryable);
  assert.ok(err.message.includes('classify') && err.message.includes('targeted'), err.message);
  assert.equal(clock.now(), 5000);
  assert.equal(await outcome(p, testRequest({ attempt: 2, responseSchema: TRIAGE_SCHEMA })), 'ok');
  assert.equal(await outcome(p, testRequest({ agent: 'review', attempt: 1, responseSchema: TRIAGE_SCHEMA })), 'ok');
});

test("a simulated hang is cut short by the runtime's own timeout (abort on the shared clock)", async () => {
  const clock = new VirtualClock(0);
  const p = createProvider('simulated', { clock, faults: { faults: [{ agent: '*', kind: 'timeout' }] } });
  const ctl = new AbortController();
  void clock.sleep(2000).then(() => ctl.abort(new ProviderError('timeout', 'agent timeout 2s')));
  const err = await p.complete(testRequest({ signal: ctl.signal })).catch((e: unknown) => e);
  assert.ok(err instanceof ProviderError && err.kind === 'timeout' && err.message === 'agent timeout 2s');
  assert.equal(clock.now(), 2000);
  assert.equal(clock.pending, 0);
});

test('targeted: times, model, status and Retry-After', async () => {
  const p = createProvider('simulated', { faults: 'triage:500x2,*/gpt-4o:503,write:429=250@1,bad:400,key:401' });
  assert.equal(await outcome(p, testRequest({ agent: 'triage', responseSchema: TRIAGE_SCHEMA })), 'server');
  assert.equal(await outcome(p, testRequest({ agent: 'triage', attempt: 2, responseSchema: TRIAGE_SCHEMA })), 'server');
  assert.equal(await outcome(p, testRequest({ agent: 'triage', attempt: 3, responseSchema: TRIAGE_SCHEMA })), 'ok', 'x2: only twice');
  const smart = testModel({ name: 'smart', modelId: 'gpt-4o' });
  const e = await p.complete(testRequest({ agent: 'any', model: smart })).catch((x: unknown) => x);
  assert.ok(e instanceof ProviderError && e.kind === 'server' && e.status === 503);
  assert.equal(await outcome(p, testRequest({ agent: 'any', responseSchema: TRIAGE_SCHEMA })), 'ok', 'the mini model is fine');
  const r = await p.complete(testRequest({ agent: 'write' })).catch((x: unknown) => x);
  assert.ok(r instanceof ProviderError && r.kind === 'rate_limit' && r.status === 429 && r.retryAfterMs === 250);
  const b = await p.complete(testRequest({ agent: 'bad' })).catch((x: unknown) => x);
  assert.ok(b instanceof ProviderError && b.kind === 'bad_request' && !b.retryable);
  const k = await p.complete(testRequest({ agent: 'key' })).catch((x: unknown) => x);
  assert.ok(k instanceof ProviderError && k.kind === 'auth' && !k.retryable);
});

test('targeted output faults: malformed JSON and schema-invalid JSON', async () => {
  const p = createProvider('simulated', { faults: 'a:malformed,b:invalid' });
  for (let i = 1; i <= 20; i++) {
    assert.equal(await outcome(p, testRequest({ agent: 'a', attempt: i, responseSchema: TRIAGE_SCHEMA })), 'malformed_json');
    assert.equal(await outcome(p, testRequest({ agent: 'b', attempt: i, responseSchema: TRIAGE_SCHEMA })), 'invalid_output');
  }
});

test('parseFaultSpec: the documented forms', () => {
  assert.deepEqual(parseFaultSpec('classify:timeout@1,*:429@0.2'), {
    faults: [
      { agent: 'classify', kind: 'timeout', attempts: [1] },
      { agent: '*', kind: 'rate_limit', status: 429, rate: 0.2 },
    ],
  });
  assert.deepEqual(parseFaultSpec('w/smart:5xx@1-3|5x4 ; a:429=2s@25% b:hang=1500'), {
    faults: [
      { agent: 'w', model: 'smart', kind: 'server', status: 500, attempts: [1, 2, 3, 5], times: 4 },
      { agent: 'a', kind: 'rate_limit', status: 429, retryAfterMs: 2000, rate: 0.25 },
      { agent: 'b', kind: 'timeout', hangMs: 1500 },
    ],
  });
  assert.deepEqual(parseFaultSpec('x:malformed,y:invalid,z:network,q:403'), {
    faults: [
      { agent: 'x', kind: 'malformed_json' },
      { agent: 'y', kind: 'invalid_output' },
      { agent: 'z', kind: 'network' },
      { agent: 'q', kind: 'auth', status: 403 },
    ],
  });
  assert.deepEqual(parseFaultSpec(''), { faults: [] });
  // Background rates: items without a target.
  assert.deepEqual(parseFaultSpec('rate_limit=0.2,invalid_output=0.1,error=5%,network=0.01,classify:timeout@1'), {
    rateLimitRate: 0.2,
    invalidOutputRate: 0.1,
    errorRate: 0.05,
    faults: [
      { agent: '*', kind: 'network', rate: 0.01 },
      { agent: 'classify', kind: 'timeout', attempts: [1] },
    ],
  });
});

test('parseFaultSpec: mistakes are named', () => {
  assert.throws(() => parseFaultSpec('classify'), /bad fault "classify": expected TARGET:KIND/);
  assert.throws(() => parseFaultSpec('a:explode'), /unknown kind "explode"/);
  assert.throws(() => parseFaultSpec('a:500=3'), /only 429 and timeout take/);
  assert.throws(() => parseFaultSpec('a:500@1.5'), /probability must be within 0\.\.1/);
  assert.throws(() => parseFaultSpec('a:500@3-1'), /bad attempt range/);
  assert.throws(() => parseFaultSpec('rate_limit=2'), /a rate must be within 0\.\.1/);
  assert.throws(() => parseFaultSpec('gremlins=0.1'), /unknown kind "gremlins"/);
});
