// A handler that throws answers with an empty result and a log line, and the server keeps working;
// an analysis that throws becomes an AG9001 diagnostic; requests on unknown documents are empty.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CancellationTokenSource } from 'vscode-jsonrpc/node';
import { LSPErrorCodes, type DocumentSymbol, type Hover, type Location } from 'vscode-languageserver-protocol';
import { LspClient, messageOf } from '../helpers/lsp-client.ts';
import { nodeFileSystem } from '../../server/src/lsp/workspace.ts';
import { MAIN, MODELS, OTHER } from './spec-fixtures.ts';

test('a throwing handler returns an empty result, is logged, and the server keeps working', async () => {
  let throwNext = true;
  const c = await LspClient.inProcess({
    files: { 'models.agentgraph': MODELS },
    initializationOptions: { diagnosticsDelay: 0 },
    server: {
      testHooks: {
        beforeRequest(name) {
          if (name === 'textDocument/documentSymbol' && throwNext) {
            throwNext = false;
            throw new Error('injected failure');
          }
        },
      },
    },
  });
  try {
    const uri = await c.open('main.agentgraph', MAIN);
    const first = await c.request<DocumentSymbol[] | null>('textDocument/documentSymbol', { textDocument: { uri } });
    assert.equal(first, null);
    assert.ok(c.logs.some((l) => l.includes('textDocument/documentSymbol failed') && l.includes('injected failure')), c.logs.join('\n'));
    const second = await c.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri } });
    assert.ok(second.length > 0);
    // Diagnostics still flow.
    const v = await c.change(uri, `${MAIN}\nbroken here`);
    assert.ok((await c.waitForDiagnostics(uri, v)).diagnostics.length > 0);
  } finally {
    await c.dispose();
  }
});

test('feature handlers registered on the connection are guarded too', async () => {
  let calls = 0;
  const c = await LspClient.inProcess({
    initializationOptions: { diagnosticsDelay: 0 },
    server: {
      registerFeatures(connection) {
        connection.onHover(() => {
          calls++;
          if (calls === 1) throw new Error('hover bug');
          return { contents: 'ok' };
        });
        connection.onCompletionResolve((item) => {
          throw new Error(`resolve bug for ${item.label}`);
        });
        // Would replace the server's own document sync: refused.
        connection.onDidChangeTextDocument(() => {
          throw new Error('must never run');
        });
        return { hoverProvider: true, completionProvider: { resolveProvider: true } };
      },
    },
  });
  try {
    assert.equal(c.capabilities.hoverProvider, true, 'feature capabilities are merged');
    assert.deepEqual(c.capabilities.completionProvider, { resolveProvider: true });
    const uri = await c.open('a.agentgraph', 'type A { a: string }\n');
    const pos = { textDocument: { uri }, position: { line: 0, character: 5 } };
    assert.equal(await c.request<Hover | null>('textDocument/hover', pos), null);
    assert.ok(c.logs.some((l) => l.includes('hover bug')));
    assert.deepEqual(await c.request<Hover>('textDocument/hover', pos), { contents: 'ok' });
    // A resolve request that fails answers with the item it was given.
    assert.deepEqual(await c.request('completionItem/resolve', { label: 'x' }), { label: 'x' });
    // The server's document sync survived the attempt to replace it.
    assert.ok(c.logs.some((l) => l.includes('onDidChangeTextDocument is handled by the server itself')));
    const v = await c.change(uri, 'type A { a: strin }\n');
    assert.ok((await c.waitForDiagnostics(uri, v)).diagnostics.length > 0);
    assert.ok(!c.logs.some((l) => l.includes('must never run')));
  } finally {
    await c.dispose();
  }
});

test('an analysis that throws is reported as AG9001 and later edits recover', async () => {
  let explode = true;
  const c = await LspClient.inProcess({
    files: { 'models.agentgraph': MODELS },
    initializationOptions: { diagnosticsDelay: 0 },
    server: {
      fs: {
        readFile(p) {
          if (p.endsWith('models.agentgraph') && explode) throw new Error('disk on fire');
          return nodeFileSystem.readFile(p);
        },
        findSpecFiles: (dir) => nodeFileSystem.findSpecFiles(dir),
      },
    },
  });
  try {
    const uri = await c.open('main.agentgraph', MAIN);
    const pub = await c.waitForDiagnostics(uri, 1);
    assert.deepEqual(pub.diagnostics.map((d) => d.code), ['AG9001']);
    assert.match(messageOf(pub.diagnostics[0]!), /disk on fire/);
    assert.ok(c.logs.some((l) => l.includes('disk on fire')));
    // Navigation on the broken file answers emptily rather than failing.
    assert.equal(await c.request('textDocument/definition', { textDocument: { uri }, position: { line: 8, character: 10 } }), null);
    explode = false;
    await c.writeFile('models.agentgraph', readFileSync(c.path('models.agentgraph'), 'utf8'));
    const v = await c.change(uri, MAIN);
    assert.deepEqual((await c.waitForDiagnostics(uri, v)).diagnostics, []);
  } finally {
    await c.dispose();
  }
});

test('requests about documents the server does not know answer emptily', async () => {
  const c = await LspClient.inProcess({});
  try {
    const uri = c.uri('nowhere.agentgraph');
    const at = { textDocument: { uri }, position: { line: 0, character: 0 } };
    assert.equal(await c.request('textDocument/definition', at), null);
    assert.equal(await c.request('textDocument/documentSymbol', { textDocument: { uri } }), null);
    assert.equal(await c.request('textDocument/foldingRange', { textDocument: { uri } }), null);
    assert.deepEqual(await c.request('textDocument/semanticTokens/full', { textDocument: { uri } }), { data: [] });
    // A change to a document that was never opened is logged, not fatal.
    await c.notify('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: 'x' }] });
    assert.deepEqual(await c.request('workspace/symbol', { query: '' }), []);
  } finally {
    await c.dispose();
  }
});

test('an untitled buffer is checked like a file in the workspace root', async () => {
  const c = await LspClient.inProcess({ files: { 'models.agentgraph': MODELS }, initializationOptions: { diagnosticsDelay: 0 } });
  try {
    const uri = await c.open('untitled:Untitled-1', MAIN);
    const pub = await c.waitForDiagnostics(uri, 1);
    assert.deepEqual(pub.diagnostics, []);
    const defs = await c.request<{ uri: string }[]>('textDocument/definition', { textDocument: { uri }, position: { line: 8, character: 10 } });
    assert.equal(defs[0]?.uri, c.uri('models.agentgraph'));
  } finally {
    await c.dispose();
  }
});

test('a cancelled cross-file request answers RequestCancelled and the server carries on', async () => {
  const c = await LspClient.inProcess({ files: { 'models.agentgraph': MODELS, 'main.agentgraph': MAIN, 'other.agentgraph': OTHER } });
  try {
    const main = await c.open('main.agentgraph', MAIN);
    const params = { ...c.at(main, MAIN.indexOf('Ticket')), context: { includeDeclaration: true } };
    const source = new CancellationTokenSource();
    const pending = c.connection.sendRequest<Location[]>('textDocument/references', params, source.token);
    source.cancel();
    await assert.rejects(pending, (err: { code?: number }) => err.code === LSPErrorCodes.RequestCancelled);
    const refs = await c.request<Location[]>('textDocument/references', params);
    assert.ok(refs.length > 5);
  } finally {
    await c.dispose();
  }
});
