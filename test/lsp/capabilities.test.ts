// The initialize result is honest: every advertised provider answers its request, and requests
// for common providers that are not advertised are not answered either.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCodes, TextDocumentSyncKind, type ServerCapabilities } from 'vscode-languageserver-protocol';
import { LspClient } from '../helpers/lsp-client.ts';
import { MAIN, MODELS } from './spec-fixtures.ts';

/** Capability → a request that exercises it. */
const PROBES: { capability: keyof ServerCapabilities; method: string; params: (uri: string) => unknown }[] = [
  { capability: 'definitionProvider', method: 'textDocument/definition', params: (uri) => ({ textDocument: { uri }, position: { line: 7, character: 8 } }) },
  { capability: 'referencesProvider', method: 'textDocument/references', params: (uri) => ({ textDocument: { uri }, position: { line: 7, character: 8 }, context: { includeDeclaration: true } }) },
  { capability: 'documentHighlightProvider', method: 'textDocument/documentHighlight', params: (uri) => ({ textDocument: { uri }, position: { line: 7, character: 8 } }) },
  { capability: 'documentSymbolProvider', method: 'textDocument/documentSymbol', params: (uri) => ({ textDocument: { uri } }) },
  { capability: 'workspaceSymbolProvider', method: 'workspace/symbol', params: () => ({ query: 'cl' }) },
  { capability: 'semanticTokensProvider', method: 'textDocument/semanticTokens/full', params: (uri) => ({ textDocument: { uri } }) },
  { capability: 'foldingRangeProvider', method: 'textDocument/foldingRange', params: (uri) => ({ textDocument: { uri } }) },
  { capability: 'selectionRangeProvider', method: 'textDocument/selectionRange', params: (uri) => ({ textDocument: { uri }, positions: [{ line: 7, character: 8 }] }) },
  { capability: 'codeLensProvider', method: 'textDocument/codeLens', params: (uri) => ({ textDocument: { uri } }) },
  { capability: 'hoverProvider', method: 'textDocument/hover', params: (uri) => ({ textDocument: { uri }, position: { line: 7, character: 8 } }) },
  { capability: 'completionProvider', method: 'textDocument/completion', params: (uri) => ({ textDocument: { uri }, position: { line: 8, character: 9 } }) },
  { capability: 'signatureHelpProvider', method: 'textDocument/signatureHelp', params: (uri) => ({ textDocument: { uri }, position: { line: 19, character: 22 } }) },
  { capability: 'codeActionProvider', method: 'textDocument/codeAction', params: (uri) => ({ textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 1, character: 0 } }, context: { diagnostics: [] } }) },
  { capability: 'documentFormattingProvider', method: 'textDocument/formatting', params: (uri) => ({ textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } }) },
  { capability: 'documentRangeFormattingProvider', method: 'textDocument/rangeFormatting', params: (uri) => ({ textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 2, character: 0 } }, options: { tabSize: 2, insertSpaces: true } }) },
  { capability: 'inlayHintProvider', method: 'textDocument/inlayHint', params: (uri) => ({ textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 40, character: 0 } } }) },
  { capability: 'typeDefinitionProvider', method: 'textDocument/typeDefinition', params: (uri) => ({ textDocument: { uri }, position: { line: 7, character: 8 } }) },
  { capability: 'implementationProvider', method: 'textDocument/implementation', params: (uri) => ({ textDocument: { uri }, position: { line: 7, character: 8 } }) },
  { capability: 'declarationProvider', method: 'textDocument/declaration', params: (uri) => ({ textDocument: { uri }, position: { line: 7, character: 8 } }) },
  { capability: 'documentLinkProvider', method: 'textDocument/documentLink', params: (uri) => ({ textDocument: { uri } }) },
  { capability: 'colorProvider', method: 'textDocument/documentColor', params: (uri) => ({ textDocument: { uri } }) },
  { capability: 'linkedEditingRangeProvider', method: 'textDocument/linkedEditingRange', params: (uri) => ({ textDocument: { uri }, position: { line: 7, character: 8 } }) },
];

async function errorCode(p: Promise<unknown>): Promise<number | undefined> {
  try {
    await p;
    return undefined;
  } catch (err) {
    return (err as { code?: number }).code;
  }
}

for (const commands of [[], ['agentgraph.runGraph', 'agentgraph.showDiagram', 'agentgraph.runEval']]) {
  test(`advertised capabilities answer, others do not (commands: ${commands.length})`, async () => {
    const c = await LspClient.inProcess({ files: { 'models.agentgraph': MODELS }, initializationOptions: { diagnosticsDelay: 0, commands } });
    try {
      const uri = await c.open('main.agentgraph', MAIN);
      for (const probe of PROBES) {
        const advertised = c.capabilities[probe.capability] !== undefined && c.capabilities[probe.capability] !== false;
        const code = await errorCode(c.request(probe.method, probe.params(uri)));
        if (advertised) assert.equal(code, undefined, `${probe.capability} is advertised, but ${probe.method} failed with ${code}`);
        else assert.equal(code, ErrorCodes.MethodNotFound, `${probe.method} answers but ${probe.capability} is not advertised`);
      }
    } finally {
      await c.dispose();
    }
  });
}

test('the server advertises incremental sync, its own providers and workspace folders', async () => {
  const c = await LspClient.inProcess({});
  try {
    const caps = c.capabilities;
    assert.deepEqual(caps.textDocumentSync, { openClose: true, change: TextDocumentSyncKind.Incremental });
    for (const k of ['definitionProvider', 'referencesProvider', 'documentHighlightProvider', 'documentSymbolProvider', 'workspaceSymbolProvider', 'foldingRangeProvider', 'selectionRangeProvider'] as const) {
      assert.ok(caps[k], k);
    }
    assert.deepEqual(caps.renameProvider, { prepareProvider: true });
    assert.deepEqual(caps.workspace?.workspaceFolders, { supported: true, changeNotifications: true });
    assert.equal(caps.codeLensProvider, undefined, 'no lens commands, no lenses');
    assert.equal(c.initializeResult?.serverInfo?.name, 'agentgraph-language-server');
    // Pull diagnostics are not implemented (diagnostics are pushed).
    assert.equal(caps.diagnosticProvider, undefined);
  } finally {
    await c.dispose();
  }
});

test('rename is advertised without prepare when the client cannot prepare', async () => {
  const c = await LspClient.inProcess({ capabilities: { textDocument: { rename: { prepareSupport: false } } } });
  try {
    assert.equal(c.capabilities.renameProvider, true);
  } finally {
    await c.dispose();
  }
});
