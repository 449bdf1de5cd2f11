/// <reference types="mocha" />
// The desktop suite: the extension in a real desktop VS Code, downloaded by @vscode/test-electron
// and driven by @vscode/test-cli (`npm run test:desktop`). It needs a network connection to
// download VS Code, so CI here runs the code-server suite (test/e2e) instead; this one is for
// laptops and hosted CI. Bundled by test/desktop/build.mjs into out/desktop/.

import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AgentGraphApi } from '../../client/src/extension.ts';
import { DIAGRAM_METHOD, STATUS_METHOD, type DiagramResult, type StatusResult } from '../../server/src/lsp/custom/protocol.ts';

const EXAMPLES = path.resolve(__dirname, '../../examples');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(what: string, fn: () => T | undefined | Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

suite('AgentGraph extension', function () {
  this.timeout(60_000);
  let api: AgentGraphApi;

  suiteSetup(async () => {
    const doc = await vscode.workspace.openTextDocument(path.join(EXAMPLES, 'support.agentgraph'));
    await vscode.window.showTextDocument(doc);
    assert.equal(doc.languageId, 'agentgraph');
    const ext = vscode.extensions.getExtension<AgentGraphApi>('agentgraph.agentgraph');
    assert.ok(ext, 'the extension is installed');
    api = await ext.activate();
    await api.ready;
  });

  test('activates quickly', () => {
    assert.ok(api.activationMs < 100, `activate() took ${api.activationMs} ms`);
  });

  test('diagnostics with codes for a broken spec', async () => {
    const doc = await vscode.workspace.openTextDocument(path.join(EXAMPLES, 'broken/ag4004-unbounded-loop.agentgraph'));
    await vscode.window.showTextDocument(doc);
    const diags = await waitFor('AG4004', () => {
      const d = vscode.languages.getDiagnostics(doc.uri);
      return d.some((x) => (typeof x.code === 'object' ? x.code.value : x.code) === 'AG4004') ? d : undefined;
    });
    assert.ok(diags.length >= 1);
  });

  test('the server draws the diagram and reports the status', async () => {
    const uri = vscode.Uri.file(path.join(EXAMPLES, 'support.agentgraph')).toString();
    const d = await api.request<DiagramResult>(DIAGRAM_METHOD, { uri });
    assert.ok(d);
    assert.equal(d.graph, 'Support');
    for (const n of ['triage', 'billing', 'technical', 'review', 'support_lead']) assert.ok(d.nodes.some((x) => x.name === n), n);
    const s = await api.request<StatusResult>(STATUS_METHOD, { uri });
    assert.equal(s?.errors, 0);
    assert.equal(s?.graph, 'Support');
  });

  test('Show Architecture Diagram opens a panel beside the editor', async () => {
    const doc = await vscode.workspace.openTextDocument(path.join(EXAMPLES, 'support.agentgraph'));
    await vscode.window.showTextDocument(doc, vscode.ViewColumn.One);
    await vscode.commands.executeCommand('agentgraph.showDiagram');
    const tab = await waitFor('the diagram tab', () =>
      vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputWebview && t.label.startsWith('Diagram')),
    );
    assert.ok(tab.group.viewColumn !== vscode.ViewColumn.One, 'beside the editor');
  });

  test('commands are registered', async () => {
    const all = await vscode.commands.getCommands(true);
    for (const c of ['agentgraph.showDiagram', 'agentgraph.exportDiagram', 'agentgraph.exportToolSchemas', 'agentgraph.restartServer', 'agentgraph.showOutput']) assert.ok(all.includes(c), c);
  });
});
