// The bundled server (dist/server.js, built by `npm run build`) started as an editor starts it:
// a child process speaking LSP over stdio. Initialize, open a document, receive diagnostics, ask
// for the outline, shut down and exit cleanly.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { build } from 'esbuild';
import type { DocumentSymbol } from 'vscode-languageserver-protocol';
import { LspClient } from '../helpers/lsp-client.ts';
import { MAIN, MODELS } from './spec-fixtures.ts';

const ROOT = path.join(__dirname, '..', '..');
const SERVER = path.join(ROOT, 'dist', 'server.js');

function newestSource(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestSource(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * dist/server.js when it is up to date (as after `npm run build`, which `npm test` runs first);
 * otherwise the same bundle built into a temporary folder, so the test neither runs stale code nor
 * rewrites dist/ while other tests may be using it.
 */
function bundledServer(): Promise<string> {
  bundle ??= (async () => {
    if (existsSync(SERVER) && statSync(SERVER).mtimeMs >= newestSource(path.join(ROOT, 'server', 'src'))) return SERVER;
    tempDir = mkdtempSync(path.join(tmpdir(), 'agentgraph-server-'));
    const script = path.join(tempDir, 'server.js');
    // The options of scripts/build.mjs for the server entry.
    await build({ entryPoints: [path.join(ROOT, 'server', 'src', 'lsp', 'main.ts')], outfile: script, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning' });
    return script;
  })();
  return bundle;
}
let bundle: Promise<string> | undefined;
let tempDir: string | undefined;
after(() => {
  if (tempDir) rmSync(tempDir, { recursive: true, force: true });
});

test('the bundled server works over stdio like in an editor', { timeout: 60_000 }, async () => {
  const server = await bundledServer();
  const c = await LspClient.spawn(server, { files: { 'models.agentgraph': MODELS }, initializationOptions: { diagnosticsDelay: 0 } });
  let exited = false;
  try {
    assert.equal(c.initializeResult?.serverInfo?.name, 'agentgraph-language-server');
    assert.equal(c.capabilities.textDocumentSync && typeof c.capabilities.textDocumentSync === 'object' ? c.capabilities.textDocumentSync.change : undefined, 2);

    const uri = await c.open('main.agentgraph', MAIN.replace('== "billing"', '== "biling"'));
    const pub = await c.waitForDiagnostics(uri, 1);
    assert.deepEqual(pub.diagnostics.map((d) => d.code), ['AG3002']);
    const v = await c.change(uri, MAIN);
    assert.deepEqual((await c.waitForDiagnostics(uri, v)).diagnostics, []);

    const outline = await c.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri } });
    assert.ok(outline.some((s) => s.name === 'Support'));

    const child = c.child!;
    const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await c.dispose();
    exited = true;
    assert.equal(await exit, 0, `the server exits with 0 after shutdown and exit\n${c.stderr()}`);
  } finally {
    if (!exited) await c.dispose();
  }
});

test('the bundled server also speaks over Node IPC (--node-ipc), as the VS Code client starts it', { timeout: 60_000 }, async () => {
  const server = await bundledServer();
  const c = await LspClient.spawn(server, { args: ['--node-ipc'], files: { 'models.agentgraph': MODELS }, initializationOptions: { diagnosticsDelay: 0 } });
  const uri = await c.open('main.agentgraph', MAIN);
  assert.deepEqual((await c.waitForDiagnostics(uri, 1)).diagnostics, []);
  const exit = new Promise<number | null>((resolve) => c.child!.once('exit', (code) => resolve(code)));
  await c.dispose();
  assert.equal(await exit, 0);
});
