// The `run` and `export-trace` commands end to end: output JSON and summary, exit codes (0, 2 for
// bad input, 130 after Ctrl-C), a checkpoint to resume from after Ctrl-C, and OTLP export. These
// use the simulated provider, as a user running the CLI without a key would.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { main, type CliIO } from '../../server/src/cli/main.ts';
import { exitCodeOf } from '../../server/src/cli/run-command.ts';
import type { RunResult } from '../../server/src/runtime/run.ts';

const SPEC = `
model fast = openai("gpt-4o-mini") { temperature: 0, max_tokens: 100 }
type T { v: string }
type L { label: string }
tool slow(ms: integer, label: string) -> L { effect: read, timeout: 60s, impl: "./tools.ts#slow" }
agent a(x: string) -> T { model: fast, prompt: "say {{x}}" }
graph G(x: string, ms: integer) -> T {
  budget { cost: $0.05, steps: 5 }
  start -> slow(ms, label: x)
  slow -> a(x: slow.label)
  a -> end(a)
}
`;

function workspace(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ag-cli-'));
  writeFileSync(path.join(dir, 'g.agentgraph'), SPEC);
  copyFileSync(path.resolve('test/fixtures/runtime/tools.ts'), path.join(dir, 'tools.ts'));
  return dir;
}

function io(cwd: string) {
  let stdout = '';
  let stderr = '';
  const value: CliIO = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    cwd,
    env: {},
  };
  return { io: value, out: () => stdout, err: () => stderr };
}

test('run prints the output JSON and a summary, and export-trace writes OTLP', async () => {
  const dir = workspace();
  try {
    const c = io(dir);
    const code = await main(['run', 'g.agentgraph', '--input', '{"x":"hello","ms":1}', '--seed', '4'], c.io);
    assert.equal(code, 0, c.err());
    const output = JSON.parse(c.out()) as { v: string };
    assert.equal(typeof output.v, 'string');
    assert.match(c.err(), /slow\s+running/);
    assert.match(c.err(), /node\s+kind\s+runs\s+attempts\s+tokens\s+cost\s+latency\s+status/);
    assert.match(c.err(), /total\s+2\s+2\s+\d+\s+\$/);
    const [runId] = readdirSync(path.join(dir, '.agentgraph', 'runs'));
    const trace = path.join('.agentgraph', 'runs', runId!, 'trace.jsonl');
    assert.ok(existsSync(path.join(dir, trace)));

    const e = io(dir);
    assert.equal(await main(['export-trace', trace, '--otlp', '--out', 'otlp.json'], e.io), 0, e.err());
    const otlp = JSON.parse(readFileSync(path.join(dir, 'otlp.json'), 'utf8')) as { resourceSpans: { scopeSpans: { spans: { name: string }[] }[] }[] };
    assert.ok(otlp.resourceSpans[0]!.scopeSpans[0]!.spans.some((s) => s.name === 'chat gpt-4o-mini'));
    const u = io(dir);
    assert.equal(await main(['export-trace', trace], u.io), 2, 'the format must be chosen');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bad input exits with 2 and lists the problems', async () => {
  const dir = workspace();
  try {
    const c = io(dir);
    assert.equal(await main(['run', 'g.agentgraph', '--input', '{"x":1}'], c.io), 2);
    assert.match(c.err(), /x: Invalid input: expected string, received number/);
    assert.match(c.err(), /ms: Invalid input: expected number, received undefined/);
    const j = io(dir);
    assert.equal(await main(['run', 'g.agentgraph', '--input', '{x'], j.io), 2);
    assert.match(j.err(), /--input is not valid JSON/);
    const m = io(dir);
    assert.equal(await main(['run', 'g.agentgraph'], m.io), 2);
    const p = io(dir);
    assert.equal(await main(['run', 'g.agentgraph', '--input', '{}', '--provider', 'nope'], p.io), 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('exit codes follow the outcome', () => {
  const r = (outcome: RunResult['outcome'], kind?: string) => ({ outcome, error: kind ? { kind, message: '' } : undefined }) as RunResult;
  assert.equal(exitCodeOf(r('succeeded')), 0);
  assert.equal(exitCodeOf(r('failed', 'node_failed')), 1);
  assert.equal(exitCodeOf(r('failed', 'invalid_input')), 2);
  assert.equal(exitCodeOf(r('budget_exceeded')), 3);
  assert.equal(exitCodeOf(r('cancelled')), 130);
});

test('Ctrl-C cancels the run with exit 130 and --resume finishes it', { timeout: 60_000 }, async () => {
  const dir = workspace();
  const counter = path.join(dir, 'counter.log');
  const cli = path.resolve('server/src/cli/main.ts');
  const loader = path.resolve('node_modules/tsx/dist/loader.mjs');
  const start = (args: string[]) =>
    spawn(process.execPath, ['--import', loader, cli, 'run', 'g.agentgraph', ...args], { cwd: dir, env: { ...process.env, AGENTGRAPH_TEST_COUNTER: counter }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = () => (existsSync(counter) ? readFileSync(counter, 'utf8').trim().split('\n') : []);
  const finished = (p: ReturnType<typeof start>) => {
    let out = '';
    let err = '';
    p.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    return new Promise<{ code: number | null; out: string; err: string }>((resolve) => p.on('exit', (code) => resolve({ code, out, err })));
  };
  try {
    const p1 = start(['--input', '{"x":"q","ms":1500}']);
    const done1 = finished(p1);
    const deadline = Date.now() + 30_000;
    while (!lines().includes('slow q start')) {
      if (Date.now() > deadline) throw new Error('the run never reached the slow tool');
      await new Promise((r) => setTimeout(r, 25));
    }
    p1.kill('SIGINT');
    const r1 = await done1;
    assert.equal(r1.code, 130, r1.err);
    const runId = /--resume (\S+)/.exec(r1.err)?.[1];
    assert.ok(runId, r1.err);
    const checkpoint = JSON.parse(readFileSync(path.join(dir, '.agentgraph', 'runs', runId, 'checkpoint.json'), 'utf8')) as { status: string };
    assert.equal(checkpoint.status, 'cancelled');

    const r2 = await finished(start(['--resume', runId]));
    assert.equal(r2.code, 0, r2.err);
    assert.equal(typeof (JSON.parse(r2.out) as { v: string }).v, 'string');
    // The cancelled tool step did not complete, so the resumed run ran it again, and only it.
    assert.equal(lines().filter((l) => l === 'slow q start').length, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
