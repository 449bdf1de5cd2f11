// Checkpoint and resume. In memory: a cancelled run resumes without repeating finished steps. Across
// processes: a child process is killed (SIGKILL) while an agent waits on a slow tool after having
// made an irreversible call; resuming finishes the run, repeats no finished step and never makes
// the irreversible call twice.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { MODELS, ScriptedProvider, TestClock, compile, run } from './helpers/harness.ts';
import { MemoryRunStore } from '../../server/src/runtime/checkpoint.ts';
import { ProviderError } from '../../server/src/runtime/provider.ts';

const CHAIN = `${MODELS}
type T { v: string }
agent a(x: string) -> T { model: fast, prompt: "a {{x}}" }
agent b(t: T) -> T { model: fast, prompt: "b {{t.v}}" }
agent c(t: T) -> T { model: fast, prompt: "c {{t.v}}" }
graph G(x: string) -> T {
  start -> a(x)
  a -> b(t: a)
  b -> c(t: b)
  c -> end(c)
}`;

test('a cancelled run resumes from its checkpoint without repeating finished steps', async () => {
  const ir = compile(CHAIN);
  const store = new MemoryRunStore();
  const clock = new TestClock();
  const controller = new AbortController();
  const first = new ScriptedProvider(async (req) => {
    if (req.agent === 'b') {
      setImmediate(() => controller.abort());
      await clock.sleep(10_000, req.signal);
    }
    return { v: `${req.agent}(${req.messages.at(-1)!.content})` };
  }, clock);
  const r1 = await run(ir, { x: '1' }, { provider: first, clock, store, signal: controller.signal, runId: 'run-1' });
  assert.equal(r1.outcome, 'cancelled');
  assert.deepEqual(Object.keys(store.states.get('run-1')!.steps), ['a#1']);

  const second = new ScriptedProvider((req) => ({ v: `${req.agent}(${req.messages.at(-1)!.content})` }), clock);
  const r2 = await run(ir, undefined, { provider: second, clock, store, resumeFrom: 'run-1' });
  assert.equal(r2.outcome, 'succeeded', r2.error?.message);
  assert.equal(r2.runId, 'run-1');
  assert.deepEqual(second.calls.map((c) => c.agent), ['b', 'c']);
  assert.deepEqual(r2.output, { v: 'c(c b(b a(a 1)))' });
  const replayed = r2.trace.find((s) => s.kind === 'node' && s.name === 'a')!;
  assert.equal(replayed.attributes['agentgraph.replayed'], true);
  assert.equal(store.states.get('run-1')!.sessions, 2);
  assert.equal(r2.totals.modelCalls, 3, 'usage carries over from the first session');
});

test('a step that needed a supervisor restart before the interruption is replayed, not re-run', async () => {
  const ir = compile(CHAIN.replace('c -> end(c)', 'c -> end(c)\n  supervise [a, b, c] one_for_one(max_restarts: 3, within: 1m)'));
  const store = new MemoryRunStore();
  const clock = new TestClock();
  const controller = new AbortController();
  let aCalls = 0;
  const first = new ScriptedProvider(async (req) => {
    if (req.agent === 'a' && ++aCalls === 1) throw new ProviderError('bad_request', 'flaky', 400);
    if (req.agent === 'b') {
      setImmediate(() => controller.abort());
      await clock.sleep(10_000, req.signal);
    }
    return { v: req.agent };
  }, clock);
  await run(ir, { x: '1' }, { provider: first, clock, store, signal: controller.signal, runId: 'run-2' });
  assert.deepEqual(Object.keys(store.states.get('run-2')!.steps), ['a#1.r1']);
  const second = new ScriptedProvider((req) => ({ v: req.agent }), clock);
  const r2 = await run(ir, undefined, { provider: second, clock, store, resumeFrom: 'run-2' });
  assert.equal(r2.outcome, 'succeeded', r2.error?.message);
  assert.deepEqual(second.calls.map((c) => c.agent), ['b', 'c']);
});

test('a run killed mid-step resumes in a new process; no step or irreversible call repeats', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ag-resume-'));
  const counter = path.join(dir, 'counter.log');
  const runsDir = path.join(dir, 'runs');
  const child = path.resolve('test/fixtures/runtime/resume-child.ts');
  const start = (resume: boolean) =>
    spawn(process.execPath, ['--import', 'tsx', child, runsDir, 'killed-run', ...(resume ? ['--resume'] : [])], {
      env: { ...process.env, AGENTGRAPH_TEST_COUNTER: counter },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  const lines = () => (existsSync(counter) ? readFileSync(counter, 'utf8').trim().split('\n') : []);
  try {
    const p1 = start(false);
    let stderr = '';
    p1.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited1 = new Promise<number | null>((resolve) => p1.on('exit', (code) => resolve(code)));
    // Wait until the slow tool started (the charge is done by then), then kill without warning.
    const deadline = Date.now() + 30_000;
    while (!lines().includes('slow L1 start')) {
      if (Date.now() > deadline) throw new Error(`the child never reached the slow tool: ${stderr}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    p1.kill('SIGKILL');
    await exited1;
    assert.ok(!lines().includes('slow L1 end'), 'killed before the slow tool finished');
    const checkpoint = JSON.parse(readFileSync(path.join(runsDir, 'killed-run', 'checkpoint.json'), 'utf8')) as { steps: Record<string, unknown>; tools: Record<string, { status: string }> };
    assert.deepEqual(Object.keys(checkpoint.steps), ['first#1']);
    assert.deepEqual(Object.values(checkpoint.tools).map((t) => t.status), ['done']);

    const p2 = start(true);
    let out = '';
    p2.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p2.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => p2.on('exit', (c) => resolve(c)));
    assert.equal(code, 0, stderr);
    const result = JSON.parse(out) as { outcome: string; output: unknown };
    assert.equal(result.outcome, 'succeeded', out);
    assert.deepEqual(result.output, { receipt: 'R-acct-9-5', label: 'L1' });

    const log = lines();
    assert.equal(log.filter((l) => l.startsWith('model first')).length, 1, 'the finished step was not repeated');
    assert.equal(log.filter((l) => l.startsWith('charge')).length, 1, 'the irreversible call ran once');
    assert.equal(log.filter((l) => l === 'slow L1 end').length, 1);
    const trace = readFileSync(path.join(runsDir, 'killed-run', 'trace.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; resumed?: boolean });
    assert.deepEqual(trace.filter((e) => e.type === 'run_start').map((e) => e.resumed), [false, true]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
