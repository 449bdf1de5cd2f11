// The response cache: a second identical run is served from disk, `noCache` bypasses it, and
// errors and invalid answers are never stored.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { MODELS, ScriptedProvider, compile, run } from './helpers/harness.ts';
import { ProviderError } from '../../server/src/runtime/provider.ts';
import { MemoryResponseCache } from '../../server/src/runtime/cache.ts';

const SPEC = `${MODELS}
type T { v: string }
agent a(x: string) -> T { model: fast, prompt: "a {{x}}", cache: 1h, retry: 2 backoff constant(10ms) }
graph G(x: string) -> T {
  start -> a(x)
  a -> end(a)
}`;

function files(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith('.json'));
  } catch {
    return [];
  }
}

test('an identical second run is a cache hit; noCache bypasses the cache', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ag-cache-'));
  try {
    const ir = compile(SPEC);
    const provider = new ScriptedProvider(() => ({ v: 'hello' }));
    const first = await run(ir, { x: '1' }, { provider, cacheDir: dir });
    assert.equal(provider.calls.length, 1);
    assert.equal(files(dir).length, 1);
    const second = await run(ir, { x: '1' }, { provider, cacheDir: dir });
    assert.equal(provider.calls.length, 1, 'served from the cache');
    assert.deepEqual(second.output, first.output);
    const call = second.trace.find((s) => s.kind === 'model_call')!;
    assert.equal(call.attributes['agentgraph.cache_hit'], true);
    assert.equal(second.totals.costUsd, 0);
    assert.equal(second.nodes[0]!.cacheHits, 1);
    await run(ir, { x: '1' }, { provider, cacheDir: dir, noCache: true });
    assert.equal(provider.calls.length, 2, 'noCache calls the model');
    await run(ir, { x: '2' }, { provider, cacheDir: dir });
    assert.equal(provider.calls.length, 3, 'a different prompt misses');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('errors and invalid answers are never cached', async () => {
  const ir = compile(SPEC);
  const cache = new MemoryResponseCache();
  let n = 0;
  const provider = new ScriptedProvider(() => {
    n++;
    if (n === 1) throw new ProviderError('server', '500', 500);
    if (n === 2 || n === 3) return 'garbage';
    return { v: 'ok' };
  });
  const r = await run(ir, { x: '1' }, { provider, cache });
  assert.equal(r.outcome, 'succeeded', r.error?.message);
  assert.equal(n, 4);
  assert.equal(cache.entries.size, 1);
  assert.deepEqual(JSON.parse([...cache.entries.values()][0]!.response.content), { v: 'ok' });
});

test('entries expire after the agent cache TTL', async () => {
  const ir = compile(SPEC);
  let now = 0;
  const cache = new MemoryResponseCache(() => now);
  const provider = new ScriptedProvider(() => ({ v: 'x' }));
  await run(ir, { x: '1' }, { provider, cache });
  now += 30 * 60_000;
  await run(ir, { x: '1' }, { provider, cache });
  assert.equal(provider.calls.length, 1);
  now += 31 * 60_000;
  await run(ir, { x: '1' }, { provider, cache });
  assert.equal(provider.calls.length, 2);
});
