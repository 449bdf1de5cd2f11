// The Test Explorer integration (client/src/testing) against a stub `vscode` module: discovery that
// skips what `.agentgraphignore` skips, the item tree built from real `agentgraph/evals` answers,
// the JSON report mapped to passed / failed / errored / skipped with messages at the assertion's
// line, and real runs of the bundled CLI on the simulated provider (one case, a whole file, the
// `✓ Eval` lens command), cancellation that kills the child, and refusal in an untrusted workspace.

import '../helpers/vscode-register.ts';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { build } from 'esbuild';
import * as vscode from '../helpers/vscode-stub.ts';
import { EvalTestController } from '../../client/src/testing/controller.ts';
import { declaresEval, isIgnored } from '../../client/src/testing/ignore.ts';
import { runCli } from '../../client/src/testing/cli-run.ts';
import { evalVerdict } from '../../client/src/testing/report.ts';
import { specEvals } from '../../server/src/lsp/custom/evals.ts';
import type { EvalInfo } from '../../server/src/lsp/custom/protocol.ts';
import { Workspace } from '../../server/src/lsp/workspace.ts';
import { startFakeOpenAI } from '../helpers/fake-openai-server.ts';

const SPEC = `type Q { id: string, text: string }
type A { text: string, size: integer }
model fast = openai("gpt-4o-mini") { max_tokens: 100 }
agent answer(q: Q) -> A { model: fast, prompt: "Answer {{q.text}}" }
graph Answer(q: Q) -> A {
  start -> answer(q)
  answer -> end(answer)
}
eval checks for Answer {
  cases: [
    { q: { id: "a", text: "one" }, limit: 100 },
    { id: "tight", q: { id: "b", text: "two" }, limit: 0 }
  ]
  dataset: "data/rows.jsonl"
  pass_rate: 0.5
  assert run.steps >= 1
  assert run.steps < case.limit
}
eval strict for Answer {
  dataset: "data/rows.jsonl"
  cases: [ { q: { id: "s", text: "s" }, limit: 0 } ]
  pass_rate: 0.9
  assert run.steps < case.limit
}
`;
const ROWS = '{"id": "r1", "q": {"id": "c", "text": "three"}, "limit": 50}\n';

let tmp: string;
let root: string;
let ext: string;

function writeTree(): void {
  const files: Record<string, string> = {
    'spec.agentgraph': SPEC,
    'data/rows.jsonl': ROWS,
    'plain.agentgraph': 'type X { a: string }\n',
    '.agentgraphignore': '# deliberately broken\nbroken/\n',
    'broken/b.agentgraph': 'eval nope for Nothing { assert true }\n',
    'node_modules/dep/d.agentgraph': 'eval dep for Nothing { assert true }\n',
  };
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  }
}

before(async () => {
  tmp = mkdtempSync(path.join(tmpdir(), 'agentgraph-testing-'));
  root = path.join(tmp, 'ws');
  ext = path.join(tmp, 'ext');
  // The CLI as the extension ships it (dist/cli.js), bundled from the current sources.
  await build({ entryPoints: [path.resolve(__dirname, '../../server/src/cli/main.ts')], outfile: path.join(ext, 'dist', 'cli.js'), bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning' });
});
after(() => rmSync(tmp, { recursive: true, force: true }));

beforeEach(() => {
  rmSync(root, { recursive: true, force: true });
  writeTree();
  vscode.workspace.workspaceFolders = [{ uri: vscode.Uri.file(root), name: 'ws', index: 0 }];
  vscode.workspace.isTrusted = true;
  vscode.settings.clear();
  vscode.messages.length = 0;
  vscode.executed.length = 0;
});

/** A controller whose server requests are answered by a real Workspace over the temporary folder. */
function explorer(): { x: EvalTestController; c: vscode.TestController; dispose: () => void } {
  const secrets = new vscode.EventEmitter<{ key: string }>();
  const context = { extensionPath: ext, subscriptions: [], secrets: { get: async () => undefined, onDidChange: secrets.event } };
  const x = new EvalTestController({
    context: context as never,
    request: async <R,>(method: string, params: unknown) => {
      assert.equal(method, 'agentgraph/evals');
      // A fresh workspace per request reads the disk as it is now (the server forgets on file events).
      return specEvals(new Workspace({ folders: [root] }), params as { uri: string }) as R;
    },
    log: () => {},
    debounceMs: 5,
  });
  return { x, c: vscode.controllers.at(-1)!, dispose: () => x.dispose() };
}

const specUri = () => vscode.Uri.file(path.join(root, 'spec.agentgraph')).toString();
const item = (c: vscode.TestController, ...ids: string[]) => {
  let cur = c.items.get(specUri());
  let id = specUri();
  for (const part of ids) {
    id = `${id}/${part}`;
    cur = cur?.children.get(id);
  }
  assert.ok(cur, ids.join('/'));
  return cur;
};
/** Runs items through the controller's run handler (the stub's types stand in for VS Code's). */
const runItems = (x: EvalTestController, items: vscode.TestItem[], provider: 'simulated' | 'openai', token = new vscode.CancellationTokenSource().token) =>
  x.run(new vscode.TestRunRequest(items) as never, token as never, provider);
/** A message's text, with Markdown escapes undone. */
const texts = (m: vscode.TestMessage) => (typeof m.message === 'string' ? m.message : m.message.value.replace(/\\(.)/g, '$1'));

describe('discovery', () => {
  test('ignore rules are the CLI’s: listed names, dot-folders and node_modules are skipped', () => {
    const read = (dir: string) => (dir === '/w' ? 'broken/\n# c\n./old.agentgraph\n' : dir === '/w/a' ? 'x.agentgraph' : undefined);
    assert.equal(isIgnored('/w/broken/b.agentgraph', '/w', read), true);
    assert.equal(isIgnored('/w/old.agentgraph', '/w', read), true);
    assert.equal(isIgnored('/w/a/x.agentgraph', '/w', read), true);
    assert.equal(isIgnored('/w/a/y.agentgraph', '/w', read), false);
    assert.equal(isIgnored('/w/.hidden/y.agentgraph', '/w', read), true);
    assert.equal(isIgnored('/w/node_modules/p/y.agentgraph', '/w', read), true);
    assert.equal(isIgnored('/elsewhere/y.agentgraph', '/w', read), true);
    assert.equal(declaresEval('graph G() -> string {}\n  eval e for G { }'), true);
    assert.equal(declaresEval('// an evaluation for later\ntype X { a: string }'), false);
  });

  test('the workspace is searched lazily; a file item resolves to evals and cases from the server', async () => {
    const { c, dispose } = explorer();
    try {
      assert.equal(c.items.size, 0);
      await c.resolveHandler!(undefined);
      assert.deepEqual([...c.items].map(([id]) => id), [specUri()], 'only the spec with evals, not ignored ones');
      const file = c.items.get(specUri())!;
      assert.equal(file.canResolveChildren, true);
      assert.equal(file.children.size, 0);
      await c.resolveHandler!(file);
      assert.deepEqual([...file.children].map(([, i]) => i.label), ['checks', 'strict']);
      const checks = item(c, 'checks');
      assert.equal(checks.description, 'for Answer · pass rate ≥ 50%');
      assert.deepEqual([checks.range!.start.line, checks.range!.end.line], [8, 17]);
      const cases = [...checks.children].map(([, i]) => i);
      assert.deepEqual(
        cases.map((i) => [i.id.slice(specUri().length), i.label, i.uri!.fsPath, i.range!.start.line, i.description]),
        [
          ['/checks/1', '#1 a, limit: 100', path.join(root, 'spec.agentgraph'), 10, 'inline'],
          ['/checks/tight', 'tight', path.join(root, 'spec.agentgraph'), 11, 'inline'],
          ['/checks/r1', 'r1', path.join(root, 'data/rows.jsonl'), 0, 'rows.jsonl:1'],
        ],
      );
    } finally {
      dispose();
    }
  });

  test('a dataset change refreshes the specs that read it', async () => {
    const { c, dispose } = explorer();
    try {
      await c.resolveHandler!(undefined);
      await c.resolveHandler!(c.items.get(specUri()));
      writeFileSync(path.join(root, 'data/rows.jsonl'), `${ROWS}{"id": "r2", "q": {"id": "d", "text": "four"}, "limit": 9}\n`);
      vscode.watchers.filter((w) => w.pattern.includes('jsonl')).at(-1)!.change.fire(vscode.Uri.file(path.join(root, 'data/rows.jsonl')));
      for (let i = 0; i < 100 && item(c, 'checks').children.size < 4; i++) await new Promise((r) => setTimeout(r, 10));
      assert.deepEqual([...item(c, 'checks').children].map(([, i]) => i.label), ['#1 a, limit: 100', 'tight', 'r1', 'r2']);
    } finally {
      dispose();
    }
  });
});

describe('report → states', () => {
  const ref = (line: number) => ({ file: '/w/s.agentgraph', start: { line, character: 2 }, end: { line, character: 30 } });
  const info: EvalInfo = {
    name: 'e',
    graph: 'G',
    range: ref(1),
    nameRange: ref(1),
    repeat: 2,
    passRate: 0.9,
    asserts: [
      { text: 'output.kind == case.kind', range: ref(5) },
      { text: 'run.cost < $0.01', range: ref(6) },
    ],
    cases: [0, 1, 2, 3].map((index) => ({ id: String(index + 1), index, label: `c${index}`, kind: 'dataset' as const, range: { file: '/w/d.jsonl', start: { line: index, character: 0 }, end: { line: index, character: 9 } } })),
  };
  const sample = (k: number, extra: Record<string, unknown>) => ({ k, seed: k + 1, passed: true, outcome: 'succeeded', latencyMs: 100, tracePath: `/w/.agentgraph/runs/r${k}/trace.jsonl`, asserts: [{ passed: true }, { passed: true }], ...extra });
  const report = {
    name: 'e',
    passed: false,
    passRate: 0.5,
    threshold: 0.9,
    ci: { low: 0.2, high: 0.8 },
    samples: { total: 8, run: 6, passed: 3, skipped: 2 },
    cost: { total: 0.0123, mean: 0.002 },
    durationMs: 1234,
    budgetExhausted: true,
    repeat: 2,
    cases: [
      { index: 0, samples: [sample(0, {}), sample(1, {})] },
      // An older report: no ranges in the assertion results; the discovered ones are used.
      { index: 1, samples: [sample(0, {}), sample(1, { passed: false, asserts: [{ passed: false, reason: 'expected "billing", got "other"', expected: '"billing"', actual: '"other"' }, { passed: true }] })] },
      { index: 2, samples: [sample(0, { passed: false, outcome: 'failed', error: 'run failed: tool lookup threw' })] },
      { index: 3, samples: [] },
    ],
  };

  test('cases: passed, failed with expected/actual at the assertion, errored when the run failed, skipped', () => {
    const v = evalVerdict(report, info);
    assert.deepEqual(v.cases.map((c) => [c.info.index, c.state, c.durationMs]), [
      [0, 'passed', 200],
      [1, 'failed', 200],
      [2, 'errored', 100],
      [3, 'skipped', 0],
    ]);
    const [m] = v.cases[1]!.messages;
    assert.equal(m!.text, 'assert output.kind == case.kind (repeat 2 of 2, seed 2): expected "billing", got "other"');
    assert.deepEqual([m!.expected, m!.actual, m!.range?.start.line, m!.tracePath], ['"billing"', '"other"', 5, '/w/.agentgraph/runs/r1/trace.jsonl']);
    assert.deepEqual(v.cases[1]!.traces.map((t) => [t.repeat, t.passed]), [[1, true], [2, false]]);
    assert.match(v.cases[2]!.messages[0]!.text, /The run failed \(repeat 1 of 2, seed 1\): run failed: tool lookup threw/);
    assert.equal(v.cases[2]!.messages[0]!.range?.file, '/w/d.jsonl', 'a run failure is shown at the case');
  });

  test('a range in the report wins; only the wanted cases are reported', () => {
    const withRange = { ...report, cases: [{ index: 1, samples: [sample(0, { passed: false, asserts: [{ passed: true }, { passed: false, reason: 'r', range: ref(42) }] })] }] };
    const v = evalVerdict(withRange, info, new Set([1]));
    assert.equal(v.cases[0]!.messages[0]!.range?.start.line, 42);
    assert.equal(v.cases[0]!.messages[0]!.expected, undefined);
    assert.equal(evalVerdict(report, info, new Set([0])).cases.length, 1);
  });

  test('the eval fails its thresholds with the pass rate, its interval and the cost; an eval error errs every case', () => {
    const v = evalVerdict(report, info);
    assert.equal(v.state, 'failed');
    assert.equal(v.durationMs, 1234);
    const text = v.messages[0]!.text;
    assert.match(text, /The pass rate 50\.0% is below the threshold 90\.0%\./);
    assert.match(text, /The cost budget was spent: 2 of 8 samples were not run\./);
    assert.match(text, /95% CI 20\.0%–80\.0%/);
    assert.match(text, /cost \$0\.0123/);
    assert.equal(v.messages[0]!.range?.start.line, 1);
    assert.equal(evalVerdict({ ...report, passed: true, passRate: 0.95, budgetExhausted: false }, info).state, 'passed');
    const broken = evalVerdict({ name: 'e', error: 'the dataset is outside the workspace', cases: [] }, info);
    assert.equal(broken.state, 'errored');
    assert.deepEqual(broken.cases.map((c) => c.state), ['errored', 'errored', 'errored', 'errored']);
  });
});

describe('running evals with the CLI', () => {
  test('one case: `--case ID` on the CLI, failed with a diff at the assertion, a trace to open', async () => {
    const { x, c, dispose } = explorer();
    try {
      await c.resolveHandler!(undefined);
      await c.resolveHandler!(c.items.get(specUri()));
      const tight = item(c, 'checks', 'tight');
      await runItems(x, [tight], 'simulated');
      const run = c.runs.at(-1)!;
      assert.ok(run.ended);
      const command = run.output.find((o) => o.text.startsWith('$ agentgraph'))!.text;
      assert.match(command, new RegExp(`^\\$ agentgraph eval ${path.join(root, 'spec.agentgraph').replace(/[/\\.]/g, '\\$&')} --eval checks --case tight --format json --provider simulated --root `));
      assert.deepEqual([...new Set(run.events.map((e) => e.id))], [tight.id], 'only the chosen case is reported');
      const final = run.final(tight.id)!;
      assert.equal(final.kind, 'failed');
      assert.ok((final.duration ?? 0) > 0);
      const m = final.messages![0]!;
      assert.match(texts(m), /assert run\.steps < case\.limit: expected < 0, got 1/);
      assert.equal(m.expectedOutput, '< 0');
      assert.equal(m.actualOutput, '1');
      assert.equal(m.location!.uri.fsPath, path.join(root, 'spec.agentgraph'));
      assert.equal(m.location!.range.start.line, 16, 'the second assert of `checks`');
      assert.equal(m.contextValue, 'agentgraph.trace');
      const trace = run.output.find((o) => o.test === tight.id && o.text.includes('trace (repeat 1, failed)'))!.text.split(': ').at(-1)!.trim();
      assert.ok(existsSync(trace), trace);
      await vscode.commands.executeCommand('agentgraph.openCaseTrace', { test: tight, message: m });
      const open = vscode.executed.find((e) => e.id === 'agentgraph.openTrace')!;
      assert.equal((open.args[0] as vscode.Uri).fsPath, trace);
    } finally {
      dispose();
    }
  });

  test('the `✓ Eval` lens command runs a whole eval: every case and the eval’s thresholds', async () => {
    const { c, dispose } = explorer();
    try {
      await vscode.commands.executeCommand('agentgraph.runEval', { uri: specUri(), name: 'checks' });
      const run = c.runs.at(-1)!;
      assert.ok(run.ended);
      assert.doesNotMatch(run.output.find((o) => o.text.startsWith('$ agentgraph'))!.text, /--case/);
      const state = (...ids: string[]) => run.final(item(c, ...ids).id)?.kind;
      assert.deepEqual([state('checks', '1'), state('checks', 'tight'), state('checks', 'r1'), state('checks')], ['passed', 'failed', 'passed', 'passed']);
      assert.equal(run.final(item(c, 'strict').id), undefined, 'the other eval did not run');
    } finally {
      dispose();
    }
  });

  test('a whole file runs each eval; one below its threshold fails with the numbers at its name', async () => {
    const { x, c, dispose } = explorer();
    try {
      await c.resolveHandler!(undefined);
      await runItems(x, [c.items.get(specUri())!], 'simulated');
      const run = c.runs.at(-1)!;
      assert.equal(run.output.filter((o) => o.text.startsWith('$ agentgraph')).length, 2);
      const strict = run.final(item(c, 'strict').id)!;
      assert.equal(strict.kind, 'failed');
      assert.match(texts(strict.messages![0]!), /pass rate 50\.0% is below the threshold 90\.0%[\s\S]*95% CI/);
      assert.equal(strict.messages![0]!.location!.range.start.line, 18);
      assert.equal(run.final(item(c, 'checks').id)!.kind, 'passed');
    } finally {
      dispose();
    }
  });

  test('cancelling kills the eval process and skips its cases', async () => {
    const { x, c, dispose } = explorer();
    try {
      await c.resolveHandler!(undefined);
      await c.resolveHandler!(c.items.get(specUri()));
      const pids: number[] = [];
      x.ctx.onSpawn = (pid) => pid && pids.push(pid);
      const cts = new vscode.CancellationTokenSource();
      const running = runItems(x, [item(c, 'checks')], 'simulated', cts.token);
      for (let i = 0; i < 200 && pids.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
      assert.equal(pids.length, 1);
      c.runs.at(-1)!.cancelFromUi();
      await running;
      const run = c.runs.at(-1)!;
      assert.ok(run.ended);
      assert.throws(() => process.kill(pids[0]!, 0), /ESRCH/, 'the child is gone');
      assert.equal(run.final(item(c, 'checks', 'tight').id)?.kind, 'skipped');
      assert.ok(run.output.some((o) => /cancelled/.test(o.text)));
    } finally {
      dispose();
    }
  });

  test('runCli: an abort kills a running child', async () => {
    const ac = new AbortController();
    let pid: number | undefined;
    const done = runCli(['-e', 'setTimeout(() => {}, 30000)'], { cwd: tmp, signal: ac.signal, onSpawn: (p) => (pid = p) });
    setTimeout(() => ac.abort(), 50);
    const outcome = await done;
    assert.equal(outcome.cancelled, true);
    assert.throws(() => process.kill(pid!, 0), /ESRCH/);
  });

  test('an untrusted workspace refuses to run, says why, and spawns nothing', async () => {
    const { x, c, dispose } = explorer();
    try {
      await c.resolveHandler!(undefined);
      vscode.workspace.isTrusted = false;
      await runItems(x, [c.items.get(specUri())!], 'simulated');
      const run = c.runs.at(-1)!;
      assert.equal(run.output.length, 0);
      const tight = run.final(item(c, 'checks', 'tight').id)!;
      assert.equal(tight.kind, 'errored');
      assert.match(texts(tight.messages![0]!), /untrusted workspace.*Trust this folder/);
      assert.ok(vscode.messages.some((m) => /untrusted workspace/.test(m.text)));
      assert.ok(c.items.get(specUri())!.children.size > 0, 'the items still show');
    } finally {
      dispose();
    }
  });

  test('"Run with OpenAI" passes the endpoint and model settings as --base-url and --model', async () => {
    const saved = process.env.OPENAI_API_KEY;
    delete process.env.OPENAI_API_KEY;
    const fake = await startFakeOpenAI();
    const { x, c, dispose } = explorer();
    try {
      vscode.settings.set('agentgraph.run.provider', 'openai');
      vscode.settings.set('agentgraph.openai.baseUrl', fake.baseURL);
      vscode.settings.set('agentgraph.openai.model', 'override-3');
      await c.resolveHandler!(undefined);
      await c.resolveHandler!(c.items.get(specUri()));
      const tight = item(c, 'checks', 'tight');
      // No key anywhere: an endpoint of one's own (here a local server) may not need one.
      await runItems(x, [tight], 'openai');
      const run = c.runs.at(-1)!;
      const command = run.output.find((o) => o.text.startsWith('$ agentgraph'))!.text;
      assert.match(command, new RegExp(`--provider openai --root \\S+ --base-url ${fake.baseURL.replace(/[/.]/g, '\\$&')} --model override-3 `));
      assert.equal(run.final(tight.id)?.kind, 'failed', 'the case ran (and failed its `run.steps < 0` assertion)');
      assert.ok(fake.requests.length > 0, 'the configured endpoint was called');
      assert.ok(fake.requests.every((r) => r.body.model === 'override-3'));
    } finally {
      dispose();
      await fake.close();
      if (saved !== undefined) process.env.OPENAI_API_KEY = saved;
    }
  });

  test('"Run with OpenAI" appears once the provider is set, and refuses without a key', async () => {
    const saved = process.env.OPENAI_API_KEY;
    delete process.env.OPENAI_API_KEY;
    const { x, c, dispose } = explorer();
    try {
      await new Promise((r) => setTimeout(r, 10));
      assert.deepEqual(c.profiles.map((p) => p.label), ['Run (simulated provider)']);
      vscode.settings.set('agentgraph.run.provider', 'openai');
      vscode.fire.configuration('agentgraph.run.provider');
      await new Promise((r) => setTimeout(r, 10));
      assert.deepEqual(c.profiles.map((p) => p.label), ['Run (simulated provider)', 'Run with OpenAI']);
      await c.resolveHandler!(undefined);
      await runItems(x, [c.items.get(specUri())!], 'openai');
      const run = c.runs.at(-1)!;
      assert.equal(run.output.length, 0);
      assert.match(texts(run.final(item(c, 'checks').id)!.messages![0]!), /No OpenAI API key/);
    } finally {
      dispose();
      if (saved !== undefined) process.env.OPENAI_API_KEY = saved;
    }
  });
});
