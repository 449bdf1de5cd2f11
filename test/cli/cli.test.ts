// The `agentgraph` CLI as a user meets it: specs in a temporary workspace, the command run
// in-process through `main(argv, io)` with captured streams, plus a few real processes to prove
// the entry point, exit codes and stream handling work end to end.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { main, type CliIO } from '../../server/src/cli/main.ts';

const REPO = path.resolve(__dirname, '../..');
const MAIN = path.join(REPO, 'server/src/cli/main.ts');

const CLEAN = `/// A customer ticket.
type Ticket { id: string, subject: string, body: string, tier: "free" | "pro" | "enterprise" }
type Route { category: "billing" | "technical" | "other", confidence: number }
type Draft { reply: string, cites: list<string> }

model fast = openai("gpt-4o-mini") { temperature: 0, max_tokens: 300 }

agent classify(ticket: Ticket) -> Route {
  model: fast
  prompt: """
    Classify this support ticket.
    Subject: {{ticket.subject}}
    {{ticket.body}}
  """
  retry: 2 backoff exponential(250ms, max: 4s)
}
agent answer(ticket: Ticket) -> Draft { model: fast, prompt: "Answer {{ticket.body}}" }
human lead(ticket: Ticket) -> Draft { timeout: 4h }

graph Support(ticket: Ticket) -> Draft {
  budget { cost: $1, latency: 60s, steps: 12 }
  start -> classify(ticket)
  classify -> answer(ticket) when classify.category == "billing"
  classify -> lead(ticket) otherwise
  answer -> end(answer)
  lead -> end(lead)
}
`;

/** CLEAN with a misspelt field in a prompt template: one AG3006 error. */
const BROKEN = CLEAN.replace('{{ticket.subject}}', '{{ticket.subjct}}');

/** A model id outside the catalog and without price: a warning (AG5010), no error. */
const WARNING_ONLY = `type Q { text: string }
model custom = openai("my-finetune") { max_tokens: 100, capabilities: { json_schema: true } }
agent echo(q: Q) -> Q { model: custom, prompt: "Repeat {{q.text}}" }
graph Echo(q: Q) -> Q {
  start -> echo(q)
  echo -> end(echo)
}
`;

/** 1-based line and column of the first occurrence of `needle` in `text`. */
function lineCol(text: string, needle: string): { line: number; col: number } {
  const at = text.indexOf(needle);
  assert.ok(at >= 0, `${needle} not in text`);
  const before = text.slice(0, at).split('\n');
  return { line: before.length, col: before[before.length - 1]!.length + 1 };
}

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(argv: string[], opts: { cwd: string; env?: Record<string, string | undefined>; tty?: boolean }): Promise<Result> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdout: { write: (s: string) => (stdout += s), isTTY: opts.tty ?? false },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
    cwd: opts.cwd,
    env: opts.env ?? {},
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

let tmp: string;
function write(rel: string, text: string): string {
  const abs = path.join(tmp, rel);
  mkdirSync(path.dirname(abs), { recursive: true });
  writeFileSync(abs, text);
  return abs;
}

before(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'agentgraph-cli-'));
  write('single/clean.agentgraph', CLEAN);
  write('single/broken.agentgraph', BROKEN);
  write('single/warn.agentgraph', WARNING_ONLY);
  // A workspace tree: nested folders, plus folders and files that must be skipped.
  write('tree/b.agentgraph', CLEAN);
  write('tree/a.agentgraph', BROKEN);
  write('tree/sub/deeper/c.agentgraph', BROKEN);
  write('tree/node_modules/pkg/x.agentgraph', BROKEN);
  write('tree/.cache/y.agentgraph', BROKEN);
  write('tree/notes.md', '# not a spec');
  write('empty/readme.txt', 'nothing here');
  // Imports: a shared types file and a spec that uses it.
  write('imports/shared/types.agentgraph', 'type Q { text: string }\n');
  write('imports/main.agentgraph', `import "shared/types.agentgraph"\nimport "missing.agentgraph"\n${WARNING_ONLY.split('\n').slice(1).join('\n')}`);
});

after(() => {
  rmSync(tmp, { recursive: true, force: true });
});

describe('agentgraph check', () => {
  test('a clean spec: exit 0 and a summary', async () => {
    const r = await run(['check', 'clean.agentgraph'], { cwd: path.join(tmp, 'single') });
    assert.equal(r.code, 0);
    assert.equal(r.stdout, '1 file checked: no problems\n');
    assert.equal(r.stderr, '');
  });

  test('a spec with an error: exit 1 and a path:line:col line', async () => {
    const r = await run(['check', 'broken.agentgraph'], { cwd: path.join(tmp, 'single') });
    assert.equal(r.code, 1);
    const { line, col } = lineCol(BROKEN, 'subjct');
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 2, r.stdout);
    assert.match(lines[0]!, new RegExp(`^broken\\.agentgraph:${line}:${col}: error AG3006: .*subjct.*`));
    assert.equal(lines[1], '1 file checked: 1 error');
  });

  test('warnings alone do not fail the check', async () => {
    const r = await run(['check', 'warn.agentgraph'], { cwd: path.join(tmp, 'single') });
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /^warn\.agentgraph:2:\d+: warning AG5010: /m);
    assert.match(r.stdout, /1 file checked: 1 warning\n$/);
  });

  test('--format json: an array of LSP-style diagnostics and nothing else', async () => {
    const r = await run(['check', '--format', 'json', 'broken.agentgraph', 'clean.agentgraph'], { cwd: path.join(tmp, 'single') });
    assert.equal(r.code, 1);
    const list = JSON.parse(r.stdout) as unknown[];
    assert.equal(list.length, 1);
    const { line, col } = lineCol(BROKEN, 'subjct');
    assert.deepEqual(list[0], {
      file: 'broken.agentgraph',
      range: { start: { line: line - 1, character: col - 1 }, end: { line: line - 1, character: col - 1 + 'subjct'.length } },
      severity: 'error',
      code: 'AG3006',
      message: (list[0] as { message: string }).message,
    });
    assert.match((list[0] as { message: string }).message, /subjct/);
  });

  test('--format=json on a clean spec prints []', async () => {
    const r = await run(['check', '--format=json', 'clean.agentgraph'], { cwd: path.join(tmp, 'single') });
    assert.equal(r.code, 0);
    assert.deepEqual(JSON.parse(r.stdout), []);
  });

  test('folders are searched recursively, sorted, skipping node_modules and dot-folders', async () => {
    const r = await run(['check', 'tree'], { cwd: tmp });
    assert.equal(r.code, 1);
    const lines = r.stdout.trimEnd().split('\n');
    const files = lines.slice(0, -1).map((l) => l.split(':')[0]);
    assert.deepEqual(files, [path.join('tree', 'a.agentgraph'), path.join('tree', 'sub', 'deeper', 'c.agentgraph')]);
    assert.equal(lines[lines.length - 1], '3 files checked: 2 errors');
  });

  test('with no paths, the workspace root is checked', async () => {
    const r = await run(['check', '--format', 'json'], { cwd: path.join(tmp, 'tree') });
    assert.equal(r.code, 1);
    const files = (JSON.parse(r.stdout) as { file: string }[]).map((d) => d.file);
    assert.deepEqual(files, ['a.agentgraph', path.join('sub', 'deeper', 'c.agentgraph')]);
  });

  test('--root: paths print relative to the current directory, imports resolve inside the root', async () => {
    const r = await run(['check', '--root', 'imports', 'imports'], { cwd: tmp });
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stdout, new RegExp(`^${escape(path.join('imports', 'main.agentgraph'))}:2:8: error AG2003: .*missing\\.agentgraph`, 'm'));
    assert.match(r.stdout, /2 files checked: 1 error, 1 warning\n$/);
  });

  test('a folder without specs: a note on stderr, exit 0', async () => {
    const r = await run(['check', 'empty'], { cwd: tmp });
    assert.equal(r.code, 0);
    assert.equal(r.stdout, '0 files checked: no problems\n');
    assert.match(r.stderr, /no \.agentgraph files in empty/);
  });

  test('a missing path is a usage error (exit 2)', async () => {
    const r = await run(['check', 'nope.agentgraph'], { cwd: tmp });
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /nope\.agentgraph: no such file or directory/);
    assert.match(r.stderr, /agentgraph check --help/);
  });

  test('an unknown flag is a usage error (exit 2)', async () => {
    const r = await run(['check', '--bogus', 'single'], { cwd: tmp });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown option '--bogus'/);
    assert.doesNotMatch(r.stderr, /\n\s+at /); // No stack trace.
  });

  test('a bad --format value or a missing --root folder is a usage error', async () => {
    assert.equal((await run(['check', '--format', 'xml', 'single'], { cwd: tmp })).code, 2);
    assert.equal((await run(['check', '--format'], { cwd: tmp })).code, 2);
    const r = await run(['check', '--root', 'no-such-dir', 'single'], { cwd: tmp });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--root no-such-dir: no such directory/);
  });

  test('a file that is not a spec, or outside the root, is a usage error', async () => {
    const notSpec = await run(['check', 'tree/notes.md'], { cwd: tmp });
    assert.equal(notSpec.code, 2);
    assert.match(notSpec.stderr, /not an \.agentgraph file/);
    const outside = await run(['check', '--root', 'tree', 'single/clean.agentgraph'], { cwd: tmp });
    assert.equal(outside.code, 2);
    assert.match(outside.stderr, /outside the workspace root/);
  });

  test('colour only on a terminal, and never with NO_COLOR', async () => {
    const cwd = path.join(tmp, 'single');
    const esc = '\u001b[';
    assert.ok((await run(['check', 'broken.agentgraph'], { cwd, tty: true })).stdout.includes(esc));
    assert.ok(!(await run(['check', 'broken.agentgraph'], { cwd, tty: true, env: { NO_COLOR: '1' } })).stdout.includes(esc));
    assert.ok(!(await run(['check', 'broken.agentgraph'], { cwd, tty: false })).stdout.includes(esc));
    assert.ok(!(await run(['check', '--format', 'json', 'broken.agentgraph'], { cwd, tty: true })).stdout.includes(esc));
  });
});

describe('agentgraph ir', () => {
  test('prints the IR of a clean spec as JSON', async () => {
    const r = await run(['ir', 'clean.agentgraph'], { cwd: path.join(tmp, 'single') });
    assert.equal(r.code, 0, r.stderr);
    const ir = JSON.parse(r.stdout) as { graphs: { name: string }[]; agents: { name: string }[] };
    assert.deepEqual(ir.graphs.map((g) => g.name), ['Support']);
    assert.deepEqual(ir.agents.map((a) => a.name).sort(), ['answer', 'classify']);
  });

  test('--graph keeps one graph; an unknown graph is a usage error', async () => {
    const cwd = path.join(tmp, 'single');
    const ok = await run(['ir', 'clean.agentgraph', '--graph', 'Support'], { cwd });
    assert.equal(ok.code, 0);
    assert.equal((JSON.parse(ok.stdout) as { graphs: unknown[] }).graphs.length, 1);
    const bad = await run(['ir', 'clean.agentgraph', '--graph', 'Nope'], { cwd });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /no graph 'Nope'.*Support/);
  });

  test('a spec with errors: diagnostics on stderr, nothing on stdout, exit 1', async () => {
    const r = await run(['ir', 'broken.agentgraph'], { cwd: path.join(tmp, 'single') });
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^broken\.agentgraph:\d+:\d+: error AG3006: /m);
  });

  test('needs exactly one spec file', async () => {
    assert.equal((await run(['ir'], { cwd: tmp })).code, 2);
    assert.equal((await run(['ir', 'single'], { cwd: tmp })).code, 2);
    assert.equal((await run(['ir', 'single/clean.agentgraph', 'single/warn.agentgraph'], { cwd: tmp })).code, 2);
  });
});

describe('agentgraph (global)', () => {
  const version = (JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string }).version;

  test('--version prints the package version', async () => {
    for (const flag of ['--version', '-v']) {
      const r = await run([flag], { cwd: tmp });
      assert.equal(r.code, 0);
      assert.equal(r.stdout, `${version}\n`);
    }
  });

  test('--help lists the commands; <cmd> --help shows its options', async () => {
    const r = await run(['--help'], { cwd: tmp });
    assert.equal(r.code, 0);
    assert.match(r.stdout, /Usage: agentgraph <command>/);
    assert.match(r.stdout, /^\s+check\s/m);
    assert.match(r.stdout, /^\s+ir\s/m);
    const c = await run(['check', '--help'], { cwd: tmp });
    assert.equal(c.code, 0);
    assert.match(c.stdout, /--format text\|json/);
    const i = await run(['ir', '-h'], { cwd: tmp });
    assert.match(i.stdout, /--graph NAME/);
  });

  test('no command, an unknown command or an unknown global flag: exit 2', async () => {
    const none = await run([], { cwd: tmp });
    assert.equal(none.code, 2);
    assert.match(none.stderr, /Usage: agentgraph/);
    const unknown = await run(['frobnicate'], { cwd: tmp });
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown command 'frobnicate'/);
    const planned = await run(['export'], { cwd: tmp });
    assert.equal(planned.code, 2);
    assert.match(planned.stderr, /not available in this version yet/);
    const flag = await run(['--frob', 'check'], { cwd: tmp });
    assert.equal(flag.code, 2);
    assert.match(flag.stderr, /unknown option '--frob'/);
  });

  test('an unexpected exception: "internal error", exit 70, no stack trace', async () => {
    let stderr = '';
    const io: CliIO = {
      stdout: {
        write: () => {
          throw new Error('disk on fire');
        },
      },
      stderr: { write: (s: string) => (stderr += s) },
      cwd: path.join(tmp, 'single'),
      env: {},
    };
    const code = await main(['check', 'clean.agentgraph'], io);
    assert.equal(code, 70);
    assert.match(stderr, /^internal error: disk on fire\n/);
    assert.doesNotMatch(stderr, /\n\s+at /);
  });
});

describe('the agentgraph process', () => {
  const node = (args: string[], cwd = REPO) => spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

  test('check: exit code and output of a real process', () => {
    const dir = path.join(tmp, 'single');
    const r = node(['check', '--root', dir, path.join(dir, 'broken.agentgraph'), path.join(dir, 'clean.agentgraph')]);
    assert.equal(r.status, 1, r.stderr);
    const rel = path.relative(REPO, path.join(dir, 'broken.agentgraph'));
    assert.match(r.stdout, new RegExp(`^${escape(rel)}:\\d+:\\d+: error AG3006: `, 'm'));
    assert.match(r.stdout, /2 files checked: 1 error\n$/);
  });

  test('usage errors exit 2 with a message and no stack trace', () => {
    const r = node(['check', '--nope']);
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /unknown option '--nope'/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });

  test('--version', () => {
    const r = node(['--version']);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /^\d+\.\d+\.\d+/);
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
