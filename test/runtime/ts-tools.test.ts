// TypeScript tool implementations without tsx: the packaged extension and `npx agentgraph` carry
// no node_modules, so the bundled CLI, run host and debug adapter must load `.ts` tools through
// their own loader hooks (dist/ts-hooks.mjs). They and the hooks are bundled as scripts/build.mjs
// bundles them into a temporary folder with no node_modules anywhere above it, and run there on a
// copy of the support example, whose fixtures make the billing agent call `list_invoices`.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { fork, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { build } from 'esbuild';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import { TypeScriptSyntaxError, transformTypeScript } from '../../server/src/tsloader/transform.ts';

const ROOT = path.resolve(__dirname, '../..');
let dir = '';

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'agentgraph-ts-tools-'));
  // The options of scripts/build.mjs for these two entries (built here rather than into the
  // shared dist/, which other tests may be reading while this runs).
  const common = { bundle: true, platform: 'node', target: 'node20', logLevel: 'warning' } as const;
  await build({ ...common, entryPoints: [path.join(ROOT, 'server/src/cli/main.ts')], outfile: path.join(dir, 'dist', 'cli.js'), format: 'cjs' });
  await build({ ...common, entryPoints: [path.join(ROOT, 'server/src/tsloader/hooks.ts')], outfile: path.join(dir, 'dist', 'ts-hooks.mjs'), format: 'esm' });
  await build({ ...common, entryPoints: [path.join(ROOT, 'server/src/debug/main.ts')], outfile: path.join(dir, 'dist', 'debug-adapter.js'), format: 'cjs' });
  await build({ ...common, entryPoints: [path.join(ROOT, 'server/src/runhost/main.ts')], outfile: path.join(dir, 'dist', 'run-host.js'), format: 'cjs' });
});

after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A copy of the examples as its own workspace; `files` replace or add files in its tools/ folder. */
function workspace(name: string, files: Record<string, string> = {}): string {
  const ws = path.join(dir, name);
  cpSync(path.join(ROOT, 'examples'), path.join(ws, 'examples'), { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(path.join(ws, 'examples', 'tools', file), text);
  return ws;
}

interface Span {
  kind: string;
  name: string;
  status?: string;
  error?: string;
  attributes: Record<string, unknown>;
}

/** The environment for a bundled program: nothing of the test runner's own TypeScript loading. */
function cleanEnv(): Record<string, string | undefined> {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  delete env.NODE_TEST_CONTEXT;
  return env;
}

/** The tool call spans of every run in a workspace's trace files. */
function toolSpans(ws: string): Span[] {
  const runs = path.join(ws, '.agentgraph', 'runs');
  const tools: Span[] = [];
  for (const run of existsSync(runs) ? readdirSync(runs) : []) {
    for (const line of readFileSync(path.join(runs, run, 'trace.jsonl'), 'utf8').split('\n')) {
      if (!line) continue;
      const e = JSON.parse(line) as { type: string; span?: Span };
      if (e.type === 'span_end' && e.span?.kind === 'tool_call') tools.push(e.span);
    }
  }
  return tools;
}

/** Runs the support example with the bundled CLI and returns its exit code, stderr and tool spans. */
function runSupport(ws: string): { code: number | null; stderr: string; tools: Span[] } {
  const ex = path.join(ws, 'examples');
  const env = cleanEnv();
  const r = spawnSync(
    process.execPath,
    [
      path.join(dir, 'dist', 'cli.js'),
      'run',
      path.join(ex, 'support.agentgraph'),
      '--input',
      `@${path.join(ex, 'inputs', 'support.json')}`,
      '--answers',
      path.join(ex, 'inputs', 'support-answers.json'),
      '--fixtures',
      path.join(ex, 'evals', 'fixtures', 'support', 'T-10231.json'),
      '--no-cache',
    ],
    { cwd: ws, env, encoding: 'utf8', timeout: 60_000 },
  );
  return { code: r.status, stderr: r.stderr, tools: toolSpans(ws) };
}

/** The 1-based line of the first line of `text` containing `marker`. */
function lineOf(text: string, marker: string): number {
  return text.split('\n').findIndex((l) => l.includes(marker)) + 1;
}

test('the temporary folder has no node_modules above it, so tsx cannot be found from there', () => {
  for (let d = dir; ; d = path.dirname(d)) {
    assert.equal(existsSync(path.join(d, 'node_modules')), false, `${d} has a node_modules folder`);
    if (path.dirname(d) === d) break;
  }
});

test('the bundled CLI runs the support example and its TypeScript tools outside the repository', () => {
  const r = runSupport(workspace('ok'));
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /1 tool calls/);
  assert.equal(r.tools.length, 1);
  const span = r.tools[0]!;
  assert.equal(span.status, 'ok', span.error);
  assert.equal(span.attributes['gen_ai.tool.name'], 'list_invoices');
  const result = JSON.parse(String(span.attributes['gen_ai.tool.call.result'])) as { invoice_id: string }[];
  assert.deepEqual(
    result.map((i) => i.invoice_id),
    ['INV-2025-0108', 'INV-2025-0107', 'INV-2025-0042'],
  );
});

test('the bundled debug adapter runs the TypeScript tools too', async () => {
  const ws = workspace('debug');
  const ex = path.join(ws, 'examples');
  const dc = new DebugClient('node', path.join(dir, 'dist', 'debug-adapter.js'), 'agentgraph', { cwd: ws, env: cleanEnv() });
  dc.defaultTimeout = 20000;
  await dc.start();
  try {
    const terminated = dc.waitForEvent('terminated');
    await Promise.all([
      dc.waitForEvent('initialized').then(() => dc.configurationDoneRequest()),
      dc.launch({
        spec: path.join(ex, 'support.agentgraph'),
        root: ws,
        input: JSON.parse(readFileSync(path.join(ex, 'inputs', 'support.json'), 'utf8')) as unknown,
        fixtures: path.join(ex, 'evals', 'fixtures', 'support', 'T-10231.json'),
        noCache: true,
      }),
    ]);
    await terminated;
  } finally {
    await dc.stop();
  }
  const [span] = toolSpans(ws);
  assert.equal(span?.status, 'ok', span?.error);
  assert.match(String(span.attributes['gen_ai.tool.call.result']), /INV-2025-0108/);
});

test('the bundled run host runs the TypeScript tools too', async () => {
  const ws = workspace('runhost');
  const ex = path.join(ws, 'examples');
  const child = fork(path.join(dir, 'dist', 'run-host.js'), [], { cwd: ws, env: cleanEnv(), execArgv: [], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  const done = new Promise<{ type: string; outcome?: string; message?: string }>((resolve, reject) => {
    child.on('message', (m: { type: string }) => {
      if (m.type === 'done' || m.type === 'error') resolve(m);
    });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => reject(new Error(`the run host exited (${code}) before the run ended: ${stderr}`)));
  });
  child.send({
    type: 'start',
    specPath: path.join(ex, 'support.agentgraph'),
    root: ws,
    graph: 'Support',
    input: JSON.parse(readFileSync(path.join(ex, 'inputs', 'support.json'), 'utf8')) as unknown,
    provider: 'simulated',
    fixtures: path.join(ex, 'evals', 'fixtures', 'support', 'T-10231.json'),
    noCache: true,
  });
  const end = await done;
  assert.equal(end.outcome, 'succeeded', end.message);
  const [span] = toolSpans(ws);
  assert.equal(span?.status, 'ok', span?.error);
  assert.match(String(span.attributes['gen_ai.tool.call.result']), /INV-2025-0108/);
});

test('a tool importing local TypeScript modules as ./x.js and ./x works', () => {
  const billing = `import { invoice, type Status } from './invoice-helper.js';
import { idFor } from './ids';
const status: Status = 'due';
export async function listInvoices(args: { customer_id: string; limit: number }) {
  return [invoice(idFor(args.customer_id), status)];
}
`;
  const helper = `export type Status = 'paid' | 'due';
export interface Invoice { invoice_id: string; amount: number; currency: 'USD'; status: Status; issued_on: string; lines: string[] }
export function invoice(id: string, status: Status): Invoice {
  return { invoice_id: id, amount: 10, currency: 'USD', status, issued_on: '2025-01-01', lines: [] };
}
`;
  const r = runSupport(workspace('helper', { 'billing.ts': billing, 'invoice-helper.ts': helper, 'ids.ts': 'export const idFor = (c: string): string => `INV-${c}`;\n' }));
  assert.equal(r.code, 0, r.stderr);
  const span = r.tools[0]!;
  assert.equal(span.status, 'ok', span.error);
  assert.deepEqual(JSON.parse(String(span.attributes['gen_ai.tool.call.result'])), [
    { invoice_id: 'INV-C-1001', amount: 10, currency: 'USD', status: 'due', issued_on: '2025-01-01', lines: [] },
  ]);
});

test('a tool file with a syntax error fails its calls with the file, line and column', () => {
  const billing = `export interface Args { customer_id: string }
export async function listInvoices(args: Args) {
  const limit: = 3;
  return [];
}
`;
  const ws = workspace('broken', { 'billing.ts': billing });
  const r = runSupport(ws);
  const span = r.tools[0]!;
  assert.equal(span.status, 'error');
  const file = path.join(ws, 'examples', 'tools', 'billing.ts');
  assert.ok(span.error?.includes(`${file}:3:16: Unexpected token`), span.error);
});

test("a throwing tool's stack trace names its .ts file and line", () => {
  // The invoice's lines carry the stack frame of an error thrown inside the tool.
  const billing = `interface Row { invoice_id: string }
export async function listInvoices(args: { customer_id: string; limit: number }): Promise<unknown[]> {
  const rows: Row[] = [];
  try {
    throw new Error('boom' as string); // THROW
  } catch (err) {
    const frame = (err as Error).stack!.split('\\n')[1]!.trim();
    return [{ invoice_id: 'INV-1', amount: rows.length, currency: 'USD', status: 'paid', issued_on: '2025-01-01', lines: [frame] }];
  }
}
`;
  const ws = workspace('stack', { 'billing.ts': billing });
  const r = runSupport(ws);
  const span = r.tools[0]!;
  assert.equal(span.status, 'ok', span.error);
  const [inv] = JSON.parse(String(span.attributes['gen_ai.tool.call.result'])) as { lines: string[] }[];
  const url = new URL(`file://${path.join(ws, 'examples', 'tools', 'billing.ts')}`).href;
  assert.ok(inv!.lines[0]!.includes(`${url}:${lineOf(billing, '// THROW')}:`), inv!.lines[0]);
});

test('the transform removes types and keeps ESM, enums and line numbers', () => {
  const src = `import type { A } from './a.js';
import { B, type C } from './b.js';
export interface Box<T> { value: T }
type Pair = [number, string];
enum Color { Red, Green = 'g' }
const enum Size { S = 1, M = 2 }
export abstract class Shape<T extends object> implements Box<T> {
  declare value: T;
  private readonly sides: number = 3;
  constructor(public name: string, protected scale?: number) {}
  abstract area(): number;
}
export function first<T>(xs: readonly T[]): T | undefined {
  const p = [1, 'a'] as Pair satisfies Pair;
  return xs[0]! ?? (p as unknown as T);
}
export { Color, Size, B };
`;
  const { code, format } = transformTypeScript(src, '/w/x.ts');
  assert.equal(format, 'module');
  // Every line of the source is still on its line, so stack traces need no source map.
  assert.equal(lineOf(code, 'export function first'), lineOf(src, 'export function first'));
  assert.match(code, /^\/\/# sourceMappingURL=data:application\/json;charset=utf-8;base64,/m);
  const js = code.replace(/\n\/\/# sourceMappingURL=.*\n$/, '');
  // Type-only imports disappear (B stays: it is re-exported as a value).
  assert.doesNotMatch(js, /'\.\/a\.js'|\bA\b|\bC\b|interface|implements|abstract|declare|readonly|: number|<T/);
  assert.match(js, /import \{ B, \} from '\.\/b\.js';/);
  assert.match(js, /export \{ Color, Size, B \};/);
  // Run it (without the import) to check enums, parameter properties and the rest evaluate.
  const body = js.replace(/^import .*$/m, 'const B = 1;').replace(/^export \{[^}]*\};$/m, 'return { Color, Size, first, Shape };').replace(/\bexport /g, '');
  const m = new Function(body)() as { Color: Record<string, unknown>; Size: Record<string, unknown>; first: (xs: unknown[]) => unknown; Shape: new (n: string) => { name: string; sides: number } };
  assert.equal(m.Color.Red, 0);
  assert.equal(m.Color[0], 'Red');
  assert.equal(m.Color.Green, 'g');
  assert.equal(m.Size.M, 2);
  assert.equal(m.first([7, 8]), 7);
  class Square extends m.Shape {
    area(): number {
      return 1;
    }
  }
  const sq = new Square('sq');
  assert.equal(sq.name, 'sq');
});

test('the transform reports a syntax error with the file and its 1-based line and column', () => {
  assert.throws(
    () => transformTypeScript('const a = 1;\nfunction f(x: number {\n}\n', '/w/bad.ts'),
    (err: unknown) => err instanceof TypeScriptSyntaxError && err.line === 2 && err.column === 22 && err.message.startsWith('/w/bad.ts:2:22: '),
  );
});

test('namespaces with values are reported where they start; type-only and declared ones compile', () => {
  const ok = `declare namespace D { const a: number; namespace E { let b: string } }
declare global { var g: number }
declare module 'm' { export const x: number }
namespace Types { export interface X { a: \`\${string}!\` } export type Y = { z: number } }
export namespace Mixed { declare const c: number; export type T = 1 }
export const v = 1;
`;
  assert.match(transformTypeScript(ok, '/w/ok.ts').code, /export const v = 1;/);
  const bad = `export interface A { a: number }
export namespace Types { export interface X { a: number } }
export namespace Util {
  export interface Y { b: string }
  export function helper(): number { return 1; }
}
`;
  assert.throws(
    () => transformTypeScript(bad, '/w/ns.ts'),
    (err: unknown) => err instanceof TypeScriptSyntaxError && err.line === 3 && err.column === 8 && /namespace 'Util' declares values/.test(err.message),
  );
  assert.throws(() => transformTypeScript('module Legacy.Inner {\n  export enum E { A }\n}\n', '/w/m.ts'), /\/w\/m\.ts:1:1: namespace 'Legacy' declares values/);
});

test('.cts files compile to CommonJS', () => {
  const { code, format } = transformTypeScript("import { join } from 'node:path';\nexport const f = (a: string): string => join(a, 'b');\n", '/w/x.cts');
  assert.equal(format, 'commonjs');
  assert.match(code, /require\('node:path'\)/);
  const mod = { exports: {} as Record<string, unknown> };
  new Function('require', 'module', 'exports', code)(require, mod, mod.exports);
  assert.equal((mod.exports.f as (a: string) => string)('a'), path.join('a', 'b'));
});

test('the packaged extension ships the hooks next to the bundles that register them', () => {
  const allow = readFileSync(path.join(ROOT, '.vscodeignore'), 'utf8').split('\n');
  assert.ok(allow.includes('!dist/ts-hooks.mjs'));
  assert.match(readFileSync(path.join(ROOT, 'scripts/build.mjs'), 'utf8'), /out: 'dist\/ts-hooks\.mjs'.*format: 'esm'/);
});
