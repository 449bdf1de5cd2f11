// The structure of a document through the protocol: outline (document symbols), workspace
// symbols, folding ranges, selection ranges and code lenses.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FoldingRangeKind, SymbolKind, type CodeLens, type DocumentSymbol, type FoldingRange, type SelectionRange, type SymbolInformation } from 'vscode-languageserver-protocol';
import { LspClient, parseMarkers, textOf } from '../helpers/lsp-client.ts';
import { MAIN, MODELS, OTHER } from './spec-fixtures.ts';

async function withClient(fn: (c: LspClient) => Promise<void>, opts: Parameters<typeof LspClient.inProcess>[0] = {}): Promise<void> {
  const c = await LspClient.inProcess({ files: { 'models.agentgraph': MODELS, 'other.agentgraph': OTHER }, initializationOptions: { diagnosticsDelay: 0 }, ...opts });
  try {
    await fn(c);
  } finally {
    await c.dispose();
  }
}

test('document symbols form an outline: graphs with edges and supervisors, types with fields', async () => {
  const spec = MAIN.replace('  lead -> end(lead)\n', '  lead -> end(lead)\n  supervise desk [classify, billing] one_for_one(max_restarts: 1, within: 1m) escalate lead\n');
  await withClient(async (c) => {
    const uri = await c.open('main.agentgraph', spec);
    const syms = await c.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri } });
    assert.deepEqual(
      syms.map((s) => [s.name, s.kind]),
      [
        ['Route', SymbolKind.Struct],
        ['Draft', SymbolKind.Struct],
        ['classify', SymbolKind.Class],
        ['billing', SymbolKind.Class],
        ['lead', SymbolKind.Event],
        ['Support', SymbolKind.Namespace],
        ['triage', SymbolKind.Module],
      ],
    );
    const route = syms[0]!;
    assert.deepEqual(route.children?.map((f) => [f.name, f.kind, f.detail]), [
      ['category', SymbolKind.Field, '"billing" | "other"'],
      ['confidence', SymbolKind.Field, 'number'],
    ]);
    assert.equal(syms[2]!.detail, '(ticket: Ticket) -> Route');
    const graph = syms[5]!;
    assert.deepEqual(graph.children?.map((s) => s.name), [
      'budget',
      'start → classify',
      'classify → billing when classify.category == "billing"',
      'classify → lead otherwise',
      'billing → end',
      'lead → end',
      'supervise desk [classify, billing]',
    ]);
    const sup = graph.children!.at(-1)!;
    assert.equal(sup.detail, 'one_for_one escalate lead');
    assert.equal(textOf(spec, sup.selectionRange), 'desk');
    // Every child lies inside its parent; every selection range inside its range.
    const inside = (a: DocumentSymbol['range'], b: DocumentSymbol['range']) =>
      (a.start.line > b.start.line || (a.start.line === b.start.line && a.start.character >= b.start.character)) &&
      (a.end.line < b.end.line || (a.end.line === b.end.line && a.end.character <= b.end.character));
    const check = (s: DocumentSymbol) => {
      assert.ok(inside(s.selectionRange, s.range), s.name);
      for (const k of s.children ?? []) {
        assert.ok(inside(k.range, s.range), `${k.name} inside ${s.name}`);
        check(k);
      }
    };
    syms.forEach(check);
    assert.equal(textOf(spec, syms[2]!.selectionRange), 'classify');
    const evalSym = syms[6]!;
    assert.equal(evalSym.detail, 'for Support');
    assert.deepEqual(evalSym.children?.map((s) => s.name), ['cases', 'assert run.cost < $1']);
  });
});

test('document symbols are flat SymbolInformation for clients without hierarchy', async () => {
  await withClient(
    async (c) => {
      const uri = await c.open('main.agentgraph', MAIN);
      const syms = await c.request<SymbolInformation[]>('textDocument/documentSymbol', { textDocument: { uri } });
      assert.ok(syms.some((s) => s.name === 'category' && s.containerName === 'Route'));
      assert.ok(syms.every((s) => s.location.uri === uri));
    },
    { capabilities: { textDocument: { documentSymbol: { hierarchicalDocumentSymbolSupport: false } } } },
  );
});

test('workspace symbols match fuzzily across every spec file, open or not', async () => {
  await withClient(async (c) => {
    await c.open('main.agentgraph', MAIN);
    const q = async (query: string) => c.request<SymbolInformation[]>('workspace/symbol', { query });
    const all = await q('');
    const names = all.map((s) => s.name);
    for (const n of ['fast', 'smart', 'Ticket', 'classify', 'Support', 'echo', 'Echo']) assert.ok(names.includes(n), n);
    const sup = await q('sprt');
    assert.equal(sup[0]?.name, 'Support');
    assert.equal(sup[0]?.location.uri, c.uri('main.agentgraph'));
    assert.equal(sup[0]?.containerName, 'main.agentgraph');
    const tk = await q('tick');
    assert.equal(tk[0]?.name, 'Ticket');
    assert.equal(tk[0]?.location.uri, c.uri('models.agentgraph'));
    assert.equal(textOf(MODELS, tk[0]!.location.range), 'Ticket');
    assert.deepEqual(await q('zzzz'), []);
    // Exact and prefix matches rank first.
    assert.equal((await q('echo'))[0]?.name, 'echo');
  });
});

test('folding ranges cover declarations, blocks, triple-quoted strings, comments and imports', async () => {
  const spec = `import "models.agentgraph"
import "other.agentgraph"

/* A block
   comment. */
${MAIN.replace('import "models.agentgraph"\n', '')}
// #region helpers
type A { a: string }
// #endregion
`;
  await withClient(async (c) => {
    const uri = await c.open('fold.agentgraph', spec);
    const ranges = await c.request<FoldingRange[]>('textDocument/foldingRange', { textDocument: { uri } });
    const lines = spec.split('\n');
    const lineOf = (needle: string) => lines.findIndex((l) => l.includes(needle));
    const at = (line: number) => ranges.find((r) => r.startLine === line);
    assert.deepEqual(at(0), { startLine: 0, endLine: 1, kind: FoldingRangeKind.Imports });
    assert.deepEqual(at(lineOf('/* A block')), { startLine: lineOf('/* A block'), endLine: lineOf('comment. */'), kind: FoldingRangeKind.Comment });
    assert.deepEqual(at(lineOf('// Routing')), { startLine: lineOf('// Routing'), endLine: lineOf('// of tickets'), kind: FoldingRangeKind.Comment });
    // A declaration: the closing brace stays visible.
    const graph = at(lineOf('graph Support'))!;
    assert.equal(graph.endLine, lineOf('  lead -> end(lead)'));
    const agent = at(lineOf('agent classify'))!;
    assert.equal(agent.endLine, lines.findIndex((l, i) => i > lineOf('agent classify') && l === '  """'));
    // The triple-quoted prompt folds on its own line.
    const prompt = at(lineOf('prompt: """'))!;
    assert.equal(prompt.endLine, lineOf('{{ticket.body}}'));
    assert.deepEqual(at(lineOf('#region')), { startLine: lineOf('#region'), endLine: lineOf('#endregion'), kind: FoldingRangeKind.Region });
    const eval_ = at(lineOf('eval triage'))!;
    assert.equal(eval_.endLine, lineOf('assert run.cost'));
    // Single-line declarations do not fold; one range per start line.
    assert.equal(at(lineOf('type Route')), undefined);
    assert.equal(new Set(ranges.map((r) => r.startLine)).size, ranges.length);
  });
});

test('selection ranges grow from a name through the template, the string and the declaration', async () => {
  await withClient(async (c) => {
    const m = parseMarkers(MAIN.replace('{{ticket.subject}}', '{{ticket.sub<|>ject}}'));
    const uri = await c.open('main.agentgraph', m.text);
    const [sel] = await c.request<SelectionRange[]>('textDocument/selectionRange', { textDocument: { uri }, positions: [c.position(uri, m.cursor)] });
    const chain: string[] = [];
    for (let s: SelectionRange | undefined = sel; s; s = s.parent) chain.push(textOf(m.text, s.range));
    assert.equal(chain[0], 'subject');
    assert.equal(chain[1], 'ticket.subject');
    assert.equal(chain[2], '{{ticket.subject}}');
    assert.ok(chain[3]!.startsWith('\n    Classify:'), 'the string contents without quotes');
    assert.ok(chain[4]!.startsWith('"""') && chain[4]!.endsWith('"""'));
    assert.ok(chain.some((t) => t.startsWith('prompt: """')), 'the property');
    assert.ok(chain.some((t) => t.startsWith('agent classify(') && t.endsWith('}')), 'the declaration');
    assert.equal(chain.at(-1), m.text, 'the whole file last');
    // Each step strictly grows.
    for (let i = 1; i < chain.length; i++) assert.ok(chain[i]!.length > chain[i - 1]!.length, `step ${i}`);

    // Several positions at once; an edge's condition.
    const a = m.text.indexOf('== "billing"') + 5;
    const b = m.text.indexOf('otherwise') + 1;
    const sels = await c.request<SelectionRange[]>('textDocument/selectionRange', { textDocument: { uri }, positions: [c.position(uri, a), c.position(uri, b)] });
    assert.equal(sels.length, 2);
    const steps = (s: SelectionRange) => {
      const out: string[] = [];
      for (let x: SelectionRange | undefined = s; x; x = x.parent) out.push(textOf(m.text, x.range));
      return out;
    };
    const first = steps(sels[0]!);
    assert.ok(first.includes('"billing"'));
    assert.ok(first.includes('classify.category == "billing"'));
    assert.ok(first.includes('classify -> billing(ticket) when classify.category == "billing"'));
  });
});

test('code lenses appear only for the commands the client advertised', async () => {
  // No commands: no capability and no lenses.
  await withClient(async (c) => {
    assert.equal(c.capabilities.codeLensProvider, undefined);
    const uri = await c.open('main.agentgraph', MAIN);
    await assert.rejects(c.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } }), /Unhandled method/);
  });
  // All three commands.
  await withClient(
    async (c) => {
      assert.ok(c.capabilities.codeLensProvider);
      const uri = await c.open('main.agentgraph', MAIN);
      const lenses = await c.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
      assert.deepEqual(
        lenses.map((l) => [l.command?.title, l.command?.command, l.command?.arguments, textOf(MAIN, l.range)]),
        [
          ['▶ Run', 'agentgraph.runGraph', [{ uri, name: 'Support' }], 'Support'],
          ['⧉ Diagram', 'agentgraph.showDiagram', [{ uri, name: 'Support' }], 'Support'],
          ['✓ Eval', 'agentgraph.runEval', [{ uri, name: 'triage' }], 'triage'],
        ],
      );
    },
    { initializationOptions: { diagnosticsDelay: 0, commands: ['agentgraph.runGraph', 'agentgraph.showDiagram', 'agentgraph.runEval'] } },
  );
  // Only the diagram.
  await withClient(
    async (c) => {
      const uri = await c.open('main.agentgraph', MAIN);
      const lenses = await c.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
      assert.deepEqual(lenses.map((l) => l.command?.command), ['agentgraph.showDiagram']);
    },
    { initializationOptions: { diagnosticsDelay: 0, commands: ['agentgraph.showDiagram', 'something.else'] } },
  );
});
