// The extension-side benchmark (`npm run bench:client`): what the editor pays for the extension.
//
// 1. Bundle sizes of dist/client.js (loaded on activation), dist/client-lsp.js (the language
//    client library, loaded right after activation returns), dist/server.js and dist/webview.js,
//    after a production build (minified, as packaged).
// 2. Activation time: dist/client.js loaded in a fresh Node process with a stub `vscode` module
//    and `activate()` called with a fake context; the time until it returns (target ≤ 30 ms),
//    the time to require the bundle, and the time to load the deferred client-lsp.js. Median of
//    several fresh processes.
// 3. In the e2e environment (code-server and Chromium installed; see test/e2e), the real thing:
//    time from opening an .agentgraph file in code-server to its first diagnostics squiggle, and
//    the activation time VS Code measured, from the extension's own log.
// 4. The diagram timings (bench/diagram.bench.ts, written with the webview), when present.
//
// It prints; it never fails on timing.
//   npm run bench:client                 # everything available
//   npm run bench:client -- --quick      # fewer runs, no e2e (what CI runs)
//   npm run bench:client -- --no-build   # measure dist/ as it is

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';

const ROOT = path.resolve(__dirname, '..');
const TARGET_CLIENT_KB = 150;
const TARGET_ACTIVATE_MS = 30;

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: false },
    'no-e2e': { type: 'boolean', default: false },
    runs: { type: 'string' },
  },
  strict: true,
});
const quick = values.quick === true;
const runs = values.runs ? Number(values.runs) : quick ? 5 : 15;

function section(title: string): void {
  console.log(`\n${title}\n${'-'.repeat(title.length)}`);
}

// ------------------------------------------------------------------ 1. sizes

if (!values['no-build']) {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs'), '--production'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error('bench:client: the production build failed');
    process.exit(1);
  }
}

section('Bundle sizes (production build)');
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
const rows: [string, string, string, string][] = [];
for (const [file, note] of [
  ['dist/client.js', `loaded on activation; target ≤ ${TARGET_CLIENT_KB} KB`],
  ['dist/client-lsp.js', 'vscode-languageclient, loaded after activate() returns'],
  ['dist/server.js', 'language server, own process'],
  ['dist/webview.js', 'diagram view (mermaid + ELK), loaded by the webview'],
  ['dist/webview.css', 'diagram view styles'],
] as const) {
  const full = path.join(ROOT, file);
  if (!existsSync(full)) {
    rows.push([file, 'missing', '', note]);
    continue;
  }
  const buf = readFileSync(full);
  rows.push([file, kb(buf.length), kb(gzipSync(buf).length), note]);
}
const w = [20, 10, 10];
console.log(`${'file'.padEnd(w[0]!)}${'size'.padStart(w[1]!)}${'gzip'.padStart(w[2]!)}   note`);
for (const r of rows) console.log(`${r[0].padEnd(w[0]!)}${r[1].padStart(w[1]!)}${r[2].padStart(w[2]!)}   ${r[3]}`);
const clientSize = existsSync(path.join(ROOT, 'dist/client.js')) ? statSync(path.join(ROOT, 'dist/client.js')).size : NaN;
console.log(`client.js: ${kb(clientSize)} vs target ${TARGET_CLIENT_KB} KB → ${clientSize <= TARGET_CLIENT_KB * 1024 ? 'within target' : 'OVER TARGET'}`);

// ------------------------------------------------------------------ 2. activation in Node

// Runs in a fresh Node process: a stub `vscode`, then require + activate, timed.
const CHILD = String.raw`
const Module = require('module');
const path = require('path');
const root = process.argv[1];
function stub(name) {
  const fn = function () {};
  return new Proxy(fn, {
    get(_t, prop) {
      if (prop === 'then') return undefined;
      if (prop === Symbol.toPrimitive || prop === 'toString') return () => name;
      if (prop === 'get') return (_key, fallback) => fallback;
      return stub(name + '.' + String(prop));
    },
    set() { return true; },
    apply() { return stub(name + '()'); },
    construct() { return stub('new ' + name); },
  });
}
// A plain object (the bundle copies the module's own keys), each namespace a catch-all stub.
// Anything else (classes the language client extends, enums) is created on first access.
const base = {};
for (const k of JSON.parse(process.argv[2])) base[k] = stub('vscode.' + k);
const vscode = new Proxy(base, {
  get(t, p) {
    if (p === 'then' || p === '__esModule') return undefined;
    if (!(p in t)) t[p] = stub('vscode.' + String(p));
    return t[p];
  },
});
const load = Module._load;
Module._load = function (request, ...rest) { return request === 'vscode' ? vscode : load.call(this, request, ...rest); };
// The extension context: the fields activation reads for real, the rest (secrets, workspaceState,
// globalState, …) catch-all stubs like the API itself.
const context = new Proxy(
  { subscriptions: [], extensionPath: root, extensionUri: stub('extensionUri'), extension: { packageJSON: { version: 'bench' } } },
  { get: (t, p) => (p in t ? t[p] : p === 'then' ? undefined : (t[p] = stub('context.' + String(p)))) },
);
const t0 = performance.now();
const ext = require(path.join(root, 'dist/client.js'));
const t1 = performance.now();
ext.activate(context);
const t2 = performance.now();
require(path.join(root, 'dist/client-lsp.js'));
const t3 = performance.now();
process.stdout.write(JSON.stringify({ require: t1 - t0, activate: t2 - t1, lsp: t3 - t2 }));
process.exit(0);
`;

/** Every top-level name of the `vscode` API (classes, enums, namespaces), from @types/vscode, for the stub. */
const apiNames = [
  ...new Set(
    [...readFileSync(path.join(ROOT, 'node_modules/@types/vscode/index.d.ts'), 'utf8').matchAll(/^\t(?:export )?(?:class|enum|namespace|const|let|function) ([A-Za-z_]\w*)/gm)].map((m) => m[1]!),
  ),
];

section(`Activation in Node with a stub vscode (median of ${runs} fresh processes)`);
if (!existsSync(path.join(ROOT, 'dist/client.js'))) console.log('dist/client.js is missing; build first.');
else {
  const samples: { require: number; activate: number; lsp: number }[] = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync(process.execPath, ['-e', CHILD, ROOT, JSON.stringify(apiNames)], { encoding: 'utf8' });
    if (r.status !== 0) {
      console.error(`activation run failed:\n${r.stderr}`);
      process.exit(1);
    }
    samples.push(JSON.parse(r.stdout) as { require: number; activate: number; lsp: number });
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
  const req = median(samples.map((s) => s.require));
  const act = median(samples.map((s) => s.activate));
  const lsp = median(samples.map((s) => s.lsp));
  console.log(`require(dist/client.js)          ${req.toFixed(2).padStart(8)} ms`);
  console.log(`activate() until it returns      ${act.toFixed(2).padStart(8)} ms   target ≤ ${TARGET_ACTIVATE_MS} ms → ${act <= TARGET_ACTIVATE_MS ? 'within target' : 'OVER TARGET'}`);
  console.log(`require + activate               ${(req + act).toFixed(2).padStart(8)} ms   (what VS Code waits for)`);
  console.log(`require(dist/client-lsp.js)      ${lsp.toFixed(2).padStart(8)} ms   (deferred: after activate() has returned)`);
}

// ------------------------------------------------------------------ 3. the real VS Code

section('In a real VS Code (code-server + Chromium)');
const csDir = process.env.AGENTGRAPH_CODE_SERVER_DIR ?? path.join(os.homedir(), '.cache/agentgraph/code-server');
const csReady = existsSync(path.join(csDir, 'node_modules/.bin/code-server')) && existsSync(process.env.CHROMIUM ?? '/usr/bin/chromium');
if (quick || values['no-e2e']) console.log('skipped (--quick / --no-e2e); `npm run test:e2e` prints the same timings.');
else if (!csReady) console.log(`skipped: code-server (${csDir}) or Chromium is not installed; see test/e2e/harness.ts.`);
else {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test/e2e/run.ts'), '--steps=language'], { cwd: ROOT, encoding: 'utf8', timeout: 600_000 });
  const resultsFile = path.join(ROOT, 'test-output/e2e/results.json');
  if (r.status !== 0 || !existsSync(resultsFile)) console.log(`the e2e run failed (exit ${r.status}):\n${(r.stdout ?? '').slice(-2000)}${(r.stderr ?? '').slice(-2000)}`);
  else {
    const { timings } = JSON.parse(readFileSync(resultsFile, 'utf8')) as { timings: Record<string, number> };
    for (const [k, v] of Object.entries(timings)) console.log(`${k.padEnd(72)} ${v.toFixed(0).padStart(7)} ms`);
  }
}

// ------------------------------------------------------------------ 4. the diagram

section('Diagram (bench/diagram.bench.ts)');
const diagramBench = path.join(ROOT, 'bench/diagram.bench.ts');
if (!existsSync(diagramBench)) console.log('not present yet (written with the diagram webview).');
else {
  const r = spawnSync(process.execPath, ['--import', 'tsx', diagramBench, ...(quick ? ['--quick'] : [])], { cwd: ROOT, stdio: 'inherit', timeout: 900_000 });
  if (r.status !== 0) console.log(`bench/diagram.bench.ts exited with ${r.status}`);
}
