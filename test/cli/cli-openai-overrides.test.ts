// `agentgraph run` and `agentgraph eval` against an OpenAI-compatible server chosen on the command
// line (`--base-url`, `--model`), the way the editor's agentgraph.openai.* settings choose it for the
// run host; and the spec loading the CLI shares with the run host, which refuses a spec whose
// imported files have errors.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { main, type CliIO } from '../../server/src/cli/main.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../helpers/fake-openai-server.ts';

const SPEC = `type Q { text: string }
model fast = openai("gpt-4o-mini") { temperature: 0, max_tokens: 100 }
model strong = openai("gpt-4o") { temperature: 0, max_tokens: 100 }
agent first(q: Q) -> Q { model: fast, prompt: "Repeat {{q.text}}" }
agent second(q: Q) -> Q { model: strong, prompt: "Repeat {{q.text}}" }
graph Echo(q: Q) -> Q {
  start -> first(q)
  first -> second(first)
  second -> end(second)
}
eval echoes for Echo {
  cases: [ { q: { text: "hi" } }, { q: { text: "ho" } } ]
  repeat: 1
  pass_rate: 0.0
  assert output.text == output.text
}
`;

let tmp: string;
let fake: FakeOpenAI;

async function cli(argv: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, cwd: tmp, env };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

function write(rel: string, text: string): void {
  mkdirSync(path.dirname(path.join(tmp, rel)), { recursive: true });
  writeFileSync(path.join(tmp, rel), text);
}

before(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'agentgraph-cli-openai-'));
  write('echo.agentgraph', SPEC);
  write('lib.agentgraph', 'type Q { text: string }\nagent bad(q: Q) -> Q { model: nosuch, prompt: "x" }\n');
  write('uses-lib.agentgraph', `import "lib.agentgraph"\nmodel m = openai("gpt-4o-mini")\nagent a(q: Q) -> Q { model: m, prompt: "{{q.text}}" }\ngraph G(q: Q) -> Q {\n  start -> a(q)\n  a -> end(a)\n}\n`);
  fake = await startFakeOpenAI();
});

after(async () => {
  await fake.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('--base-url and --model', () => {
  test('run: every model goes to the given endpoint with the given model id', async () => {
    fake.requests.length = 0;
    const r = await cli(['run', 'echo.agentgraph', '--input', '{"q":{"text":"hi"}}', '--provider', 'openai', '--base-url', fake.baseURL, '--model', 'override-1', '--no-cache']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(typeof (JSON.parse(r.stdout) as { text?: unknown }).text === 'string');
    assert.equal(fake.requests.length, 2, 'one request per agent');
    assert.deepEqual(
      fake.requests.map((q) => q.body.model),
      ['override-1', 'override-1'],
    );
  });

  test('run: --base-url alone keeps each model its own id', async () => {
    fake.requests.length = 0;
    const r = await cli(['run', 'echo.agentgraph', '--input', '{"q":{"text":"hi"}}', '--provider', 'openai', '--base-url', fake.baseURL, '--no-cache']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      fake.requests.map((q) => q.body.model),
      ['gpt-4o-mini', 'gpt-4o'],
    );
  });

  test('eval: every sample goes to the given endpoint with the given model id', async () => {
    fake.requests.length = 0;
    const r = await cli(['eval', 'echo.agentgraph', '--provider', 'openai', '--base-url', fake.baseURL, '--model', 'override-2', '--format', 'json', '--no-cache']);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as { evals: { name: string; cases: unknown[] }[] } | { name: string; cases: unknown[] }[];
    const evals = Array.isArray(report) ? report : report.evals;
    assert.equal(evals[0]?.name, 'echoes');
    assert.equal(fake.requests.length, 4, 'two cases × two agents');
    assert.ok(fake.requests.every((q) => q.body.model === 'override-2'));
  });

  test('usage errors: only with the openai provider, and only an http(s) URL', async () => {
    const sim = await cli(['run', 'echo.agentgraph', '--input', '{"q":{"text":"hi"}}', '--model', 'x']);
    assert.equal(sim.code, 2);
    assert.match(sim.stderr, /--base-url and --model only apply to the openai provider; add --provider openai/);
    const evalSim = await cli(['eval', 'echo.agentgraph', '--base-url', fake.baseURL]);
    assert.equal(evalSim.code, 2);
    assert.match(evalSim.stderr, /only apply to the openai provider/);
    const bad = await cli(['run', 'echo.agentgraph', '--input', '{"q":{"text":"hi"}}', '--provider', 'openai', '--base-url', 'localhost:8080']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--base-url must be an http\(s\) URL, got 'localhost:8080'/);
    const empty = await cli(['eval', 'echo.agentgraph', '--provider', 'openai', '--model', ' ']);
    assert.equal(empty.code, 2);
    assert.match(empty.stderr, /--model needs a model id/);
  });

  test('the help of run and eval lists both flags', async () => {
    for (const cmd of ['run', 'eval']) {
      const r = await cli([cmd, '--help']);
      assert.match(r.stdout, /--base-url URL {6}openai only/);
      assert.match(r.stdout, /--model ID {10}openai only/);
    }
  });
});

describe('a spec whose imported file has errors', () => {
  test('is refused by run, ir, diagram and eval, with the imported file’s errors', async () => {
    for (const [argv, code, refusal] of [
      [['run', 'uses-lib.agentgraph', '--input', '{"q":{"text":"hi"}}'], 2, 'agentgraph run: uses-lib.agentgraph has errors; fix them first'],
      [['ir', 'uses-lib.agentgraph'], 1, 'agentgraph ir: uses-lib.agentgraph has errors, so no IR was produced'],
      [['diagram', 'uses-lib.agentgraph'], 1, 'agentgraph diagram: uses-lib.agentgraph has errors, so it cannot be drawn'],
      [['eval', 'uses-lib.agentgraph'], 1, 'agentgraph eval: uses-lib.agentgraph has errors; its evals were not run'],
    ] as const) {
      const r = await cli([...argv]);
      assert.equal(r.code, code, `${argv[0]}: ${r.stderr}`);
      assert.equal(r.stdout, '', argv[0]);
      assert.match(r.stderr, /^lib\.agentgraph:2:31: error AG2001: Unknown model 'nosuch'/m, argv[0]);
      assert.ok(r.stderr.includes(refusal), `${argv[0]}: ${r.stderr}`);
    }
  });

  test('check of the importing file alone still reports only that file', async () => {
    const r = await cli(['check', 'uses-lib.agentgraph']);
    assert.equal(r.code, 0, r.stdout);
  });
});
