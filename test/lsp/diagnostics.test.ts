// Diagnostics through the protocol: pushed on open and change, with codes, documentation links,
// related information, tags and data; debounced; re-checked when an imported file changes (open
// or on disk); cleared on close.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DiagnosticSeverity, DiagnosticTag, type Diagnostic } from 'vscode-languageserver-protocol';
import { LspClient, messageOf } from '../helpers/lsp-client.ts';
import { MAIN, MODELS, OTHER } from './spec-fixtures.ts';

const BROKEN = `${MAIN.replace('== "billing"', '== "biling"')
  .replace('type Draft', 'type Ticket { x: string }\ntype Draft')
  .replace('  lead -> end(lead)\n', '  lead -> end(lead)\n  extra -> end(extra)\n')}
agent extra(ticket: Ticket) -> Draft { model: fast, prompt: "x" }
`;

const TOP = `import "main.agentgraph"

agent second(ticket: Ticket) -> Draft { model: fast, prompt: "Again {{ticket.id}}" }

graph Top(ticket: Ticket) -> Draft {
  start -> second(ticket)
  second -> end(second)
}
`;

const codes = (ds: Diagnostic[]) => ds.map((d) => d.code).sort();

test('diagnostics are pushed on open with code, docs link, related information, tags and data', async () => {
  const c = await LspClient.inProcess({ files: { 'models.agentgraph': MODELS }, initializationOptions: { diagnosticsDelay: 0 } });
  try {
    const uri = await c.open('main.agentgraph', BROKEN);
    const pub = await c.waitForDiagnostics(uri, 1);
    assert.equal(pub.version, 1);
    const byCode = new Map(pub.diagnostics.map((d) => [d.code, d]));
    for (const code of ['AG2002', 'AG3002', 'AG4002']) assert.ok(byCode.has(code), `expected ${code} in ${codes(pub.diagnostics).join(', ')}`);

    const ag3002 = byCode.get('AG3002')!;
    assert.equal(ag3002.severity, DiagnosticSeverity.Error);
    assert.equal(ag3002.source, 'agentgraph');
    assert.equal(ag3002.codeDescription?.href, 'https://agentgraph.dev/docs/diagnostics#ag3002');
    assert.match(messageOf(ag3002), /biling/);
    // The range covers the mistaken literal.
    const line = BROKEN.split('\n')[ag3002.range.start.line]!;
    assert.equal(line.slice(ag3002.range.start.character, ag3002.range.end.character), '"biling"');
    // Quick-fix data passes through untouched.
    assert.deepEqual((ag3002.data as { allowed: string[] }).allowed, ['billing', 'other']);

    const dup = byCode.get('AG2002')!;
    assert.equal(dup.relatedInformation?.length, 1);
    const rel = dup.relatedInformation![0]!;
    assert.equal(rel.location.uri, c.uri('models.agentgraph'));
    const modelsLine = MODELS.split('\n')[rel.location.range.start.line]!;
    assert.equal(modelsLine.slice(rel.location.range.start.character, rel.location.range.end.character), 'Ticket');

    const unreachable = byCode.get('AG4002')!;
    assert.equal(unreachable.severity, DiagnosticSeverity.Warning);
    assert.deepEqual(unreachable.tags, [DiagnosticTag.Unnecessary]);
  } finally {
    await c.dispose();
  }
});

test('docsBaseUrl from initializationOptions sets the documentation links', async () => {
  const c = await LspClient.inProcess({
    files: { 'models.agentgraph': MODELS },
    initializationOptions: { diagnosticsDelay: 0, docsBaseUrl: 'file:///ext/docs/diagnostics.md' },
  });
  try {
    const uri = await c.open('main.agentgraph', BROKEN);
    const pub = await c.waitForDiagnostics(uri, 1);
    const d = pub.diagnostics.find((x) => x.code === 'AG3002')!;
    assert.equal(d.codeDescription?.href, 'file:///ext/docs/diagnostics.md#ag3002');
  } finally {
    await c.dispose();
  }
});

test('editing re-publishes for the new version; a fix clears the diagnostics', async () => {
  const c = await LspClient.inProcess({ files: { 'models.agentgraph': MODELS }, initializationOptions: { diagnosticsDelay: 0 } });
  try {
    const uri = await c.open('main.agentgraph', MAIN);
    assert.deepEqual((await c.waitForDiagnostics(uri, 1)).diagnostics, []);
    const at = MAIN.indexOf('"billing"') + 1;
    const v2 = await c.change(uri, [{ start: at, end: at, text: 'x' }]);
    const pub2 = await c.waitForDiagnostics(uri, v2);
    assert.deepEqual(codes(pub2.diagnostics), ['AG3002']);
    const v3 = await c.change(uri, [{ start: at, end: at + 1, text: '' }]);
    assert.deepEqual((await c.waitForDiagnostics(uri, v3)).diagnostics, []);
  } finally {
    await c.dispose();
  }
});

test('rapid edits are debounced into one publish for the final version', async () => {
  const c = await LspClient.inProcess({ files: { 'models.agentgraph': MODELS }, initializationOptions: { diagnosticsDelay: 250 } });
  try {
    const uri = await c.open('main.agentgraph', MAIN);
    await c.waitForDiagnostics(uri, 1);
    const before = c.publishCount;
    const at = MAIN.indexOf('"billing"') + 1;
    let v = 1;
    for (let i = 0; i < 12; i++) v = await c.insert(uri, at, 'z');
    const pub = await c.waitForDiagnostics(uri, v);
    await new Promise((r) => setTimeout(r, 500));
    const after = c.publishes.filter((p) => p.seq > before && p.uri === uri);
    assert.equal(after.length, 1, `expected one publish, got versions ${after.map((p) => p.version).join(', ')}`);
    assert.equal(pub.version, v);
    assert.deepEqual(codes(pub.diagnostics), ['AG3002']);
  } finally {
    await c.dispose();
  }
});

test('editing an imported file re-checks the open files that import it, directly or not', async () => {
  const c = await LspClient.inProcess({
    files: { 'models.agentgraph': MODELS, 'main.agentgraph': MAIN, 'top.agentgraph': TOP },
    initializationOptions: { diagnosticsDelay: 0 },
  });
  try {
    const main = await c.open('main.agentgraph', MAIN);
    const top = await c.open('top.agentgraph', TOP);
    const models = await c.open('models.agentgraph', MODELS);
    await Promise.all([c.waitForDiagnostics(main, 1), c.waitForDiagnostics(top, 1), c.waitForDiagnostics(models, 1)]);
    await c.idle();
    assert.deepEqual(c.latest(main)!.diagnostics, []);
    assert.deepEqual(c.latest(top)!.diagnostics, []);

    const mark = c.publishCount;
    const at = MODELS.indexOf('fast');
    await c.change(models, [{ start: at, end: at + 4, text: 'quick' }]);
    const [pubMain, pubTop] = await Promise.all([c.waitForDiagnostics(main, undefined, { after: mark }), c.waitForDiagnostics(top, undefined, { after: mark })]);
    assert.equal(pubMain.version, 1, 'the importer keeps its own version');
    assert.deepEqual(codes(pubMain.diagnostics), ['AG2001']);
    assert.match(messageOf(pubMain.diagnostics[0]!), /fast/);
    assert.deepEqual(codes(pubTop.diagnostics), ['AG2001'], 'a transitive importer is re-checked too');

    const mark2 = c.publishCount;
    await c.change(models, MODELS);
    assert.deepEqual((await c.waitForDiagnostics(main, undefined, { after: mark2 })).diagnostics, []);
    assert.deepEqual((await c.waitForDiagnostics(top, undefined, { after: mark2 })).diagnostics, []);
  } finally {
    await c.dispose();
  }
});

test('a change on disk (file watcher) re-checks the open importers', async () => {
  const c = await LspClient.inProcess({ files: { 'models.agentgraph': MODELS }, initializationOptions: { diagnosticsDelay: 0 } });
  try {
    const main = await c.open('main.agentgraph', MAIN);
    await c.waitForDiagnostics(main, 1);
    assert.ok(c.serverRequests.some((r) => r.method === 'client/registerCapability'), 'the server registers file watchers');
    const mark = c.publishCount;
    await c.writeFile('models.agentgraph', MODELS.replace('model smart', 'model clever'));
    const pub = await c.waitForDiagnostics(main, undefined, { after: mark });
    assert.deepEqual(codes(pub.diagnostics), ['AG2001']);
    // A file the spec imports appears: the missing import resolves.
    const mark2 = c.publishCount;
    const other = await c.open('x.agentgraph', 'import "later.agentgraph"\n');
    assert.deepEqual(codes((await c.waitForDiagnostics(other, 1, { after: mark2 })).diagnostics), ['AG2003']);
    await c.writeFile('later.agentgraph', 'type Later { a: string }\n', { created: true });
    assert.deepEqual((await c.waitForDiagnostics(other, undefined, { after: c.publishCount })).diagnostics, []);
  } finally {
    await c.dispose();
  }
});

test('workspace diagnostics check files that are not open and re-check them on import edits', async () => {
  const c = await LspClient.inProcess({
    files: { 'models.agentgraph': MODELS, 'other.agentgraph': OTHER, 'broken.agentgraph': 'agent x(' },
    initializationOptions: { diagnosticsDelay: 0, workspaceDiagnostics: true },
  });
  try {
    const otherUri = c.uri('other.agentgraph');
    const first = await c.waitForDiagnostics(otherUri, undefined, { after: 0 });
    assert.equal(first.version, undefined, 'a file that is not open has no version');
    assert.deepEqual(first.diagnostics, []);
    const brokenUri = c.uri('broken.agentgraph');
    assert.ok((await c.waitForDiagnostics(brokenUri, undefined, { after: 0 })).diagnostics.length > 0);
    const del = c.publishCount;
    await c.deleteFile('broken.agentgraph');
    assert.deepEqual((await c.waitForDiagnostics(brokenUri, undefined, { after: del })).diagnostics, [], 'a deleted file is cleared');
    const models = await c.open('models.agentgraph', MODELS);
    await c.waitForDiagnostics(models, 1);
    await c.idle();
    const mark = c.publishCount;
    await c.change(models, MODELS.replace('model fast', 'model quick'));
    const pub = await c.waitForDiagnostics(otherUri, undefined, { after: mark });
    assert.deepEqual(codes(pub.diagnostics), ['AG2001']);
  } finally {
    await c.dispose();
  }
});

test('closing a document clears its diagnostics', async () => {
  const c = await LspClient.inProcess({ files: { 'models.agentgraph': MODELS }, initializationOptions: { diagnosticsDelay: 0 } });
  try {
    const uri = await c.open('main.agentgraph', BROKEN);
    assert.ok((await c.waitForDiagnostics(uri, 1)).diagnostics.length > 0);
    const mark = c.publishCount;
    await c.close(uri);
    const pub = await c.waitForDiagnostics(uri, undefined, { after: mark });
    assert.deepEqual(pub.diagnostics, []);
  } finally {
    await c.dispose();
  }
});

test('after an imported file changes, the client is asked to refresh semantic tokens and inlay hints', async () => {
  const c = await LspClient.inProcess({
    files: { 'models.agentgraph': MODELS },
    initializationOptions: { diagnosticsDelay: 0 },
    capabilities: { workspace: { semanticTokens: { refreshSupport: true }, inlayHint: { refreshSupport: true } } },
  });
  try {
    const main = await c.open('main.agentgraph', MAIN);
    const models = await c.open('models.agentgraph', MODELS);
    await c.waitForDiagnostics(main, 1);
    await c.waitForDiagnostics(models, 1);
    await c.idle();
    const before = c.serverRequests.length;
    const mark = c.publishCount;
    await c.change(models, MODELS.replace('model fast', 'model quick'));
    await c.waitForDiagnostics(main, undefined, { after: mark });
    await c.idle(120);
    const methods = c.serverRequests.slice(before).map((r) => r.method);
    assert.equal(methods.filter((m) => m === 'workspace/semanticTokens/refresh').length, 1);
    if (c.capabilities.inlayHintProvider) assert.equal(methods.filter((m) => m === 'workspace/inlayHint/refresh').length, 1);
  } finally {
    await c.dispose();
  }
});
