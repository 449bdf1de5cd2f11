// The custom requests the extension sends (server/src/lsp/custom): the diagram (with the last good
// one kept while the spec has errors), the status bar's status, and the tool-schema export. Run
// against a Workspace over an in-memory file system, and once through a real connection.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, test } from 'node:test';
import { DiagramService } from '../../server/src/lsp/custom/diagram.ts';
import { registerCustomRequests } from '../../server/src/lsp/custom/index.ts';
import { DIAGRAM_METHOD, STATUS_METHOD, type DiagramResult, type StatusResult } from '../../server/src/lsp/custom/protocol.ts';
import { specStatus } from '../../server/src/lsp/custom/status.ts';
import { exportToolSchemas } from '../../server/src/lsp/custom/tool-schemas.ts';
import { Workspace, type FileSystem } from '../../server/src/lsp/workspace.ts';

const ROOT = path.resolve('/virtual/ws');
const EXAMPLES = path.resolve(__dirname, '../../examples');

function memoryWorkspace(files: Record<string, string>): { ws: Workspace; uri: (rel: string) => string; logs: string[] } {
  const abs = new Map(Object.entries(files).map(([k, v]) => [path.join(ROOT, k), v]));
  const fs: FileSystem = {
    readFile: (p) => abs.get(p),
    findSpecFiles: () => [...abs.keys()].filter((p) => p.endsWith('.agentgraph')),
  };
  const logs: string[] = [];
  const ws = new Workspace({ folders: [ROOT], fs, log: (m) => logs.push(m) });
  return { ws, uri: (rel) => pathToFileURL(path.join(ROOT, rel)).href, logs };
}

const example = (name: string) => readFileSync(path.join(EXAMPLES, name), 'utf8');
/** The real examples folder on disk (prompt files and datasets included). */
const diskWorkspace = () => new Workspace({ folders: [EXAMPLES] });

const SPEC = `
model fast = openai("gpt-4o-mini") { max_tokens: 100 }
type T { x: string, kind: "a" | "b" }
tool look(x: string) -> string { effect: read, description: "Look something up" }
agent first(t: T) -> T { model: fast, prompt: "Do {{t.x}}", tools: [look] }
agent second(t: T) -> T { model: fast, prompt: "Then {{t.x}}" }
graph One(t: T) -> T {
  budget { cost: $1 }
  start -> first(t)
  first -> second(first)
  second -> end(second)
}
graph Two(t: T) -> T {
  start -> second(t)
  second -> end(second)
}
`;

describe('agentgraph/diagram', () => {
  test('draws the graph around the cursor, else the first, with every node and its declaration extent', () => {
    const { ws, uri } = memoryWorkspace({ 'main.agentgraph': SPEC });
    const u = uri('main.agentgraph');
    ws.open(u, 1, SPEC);
    const d = new DiagramService(ws);
    const first = d.diagram({ uri: u });
    assert.equal(first.graph, 'One');
    assert.deepEqual(first.graphs, ['One', 'Two']);
    assert.equal(first.stale, false);
    assert.equal(first.errors, 0);
    assert.match(first.mermaid, /^flowchart TD/);
    for (const n of ['first', 'second']) assert.ok(first.nodes.some((x) => x.name === n && x.kind === 'agent' && x.range), n);
    assert.ok(first.nodes.some((x) => x.name === 'look' && x.kind === 'tool'));
    assert.equal(first.nodeCount, 2);
    // The extent of `first` covers its whole declaration line (line 4, zero-based).
    const ext = first.extents['n_first'];
    assert.ok(ext);
    assert.equal(ext.start.line, 4);
    assert.equal(ext.end.line, 4);
    assert.equal(first.uris[ext.file], u);

    const around = d.diagram({ uri: u, position: { line: 13, character: 4 } });
    assert.equal(around.graph, 'Two');
    const named = d.diagram({ uri: u, graph: 'Two', direction: 'LR' });
    assert.equal(named.graph, 'Two');
    assert.match(named.mermaid, /^flowchart LR/);
    const unknown = d.diagram({ uri: u, graph: 'Nope' });
    assert.equal(unknown.graph, 'One');
  });

  test('keeps the last good diagram while the spec has errors, and says so', () => {
    const { ws, uri } = memoryWorkspace({ 'main.agentgraph': SPEC });
    const u = uri('main.agentgraph');
    ws.open(u, 1, SPEC);
    const d = new DiagramService(ws);
    const good = d.diagram({ uri: u });
    ws.change(u, 2, [{ text: SPEC.replace('first -> second(first)', 'first -> second(first) when first.kind == "c"') }]);
    const broken = d.diagram({ uri: u });
    assert.ok(broken.errors > 0);
    assert.equal(broken.stale, true);
    assert.equal(broken.mermaid, good.mermaid);
    ws.change(u, 3, [{ text: SPEC.replace('second -> end(second)\n}\ngraph Two', 'second -> end(second)\n  first -> end(first)\n}\ngraph Two') }]);
    const fixed = d.diagram({ uri: u });
    assert.equal(fixed.stale, false);
    assert.equal(fixed.errors, 0);
    assert.notEqual(fixed.mermaid, good.mermaid);
  });

  test('a spec that never checked cleanly still gets a best-effort diagram', () => {
    const text = SPEC.replace('start -> first(t)', 'start -> first(t)\n  first -> first(t)');
    const { ws, uri } = memoryWorkspace({ 'main.agentgraph': text });
    const u = uri('main.agentgraph');
    ws.open(u, 1, text);
    const r = new DiagramService(ws).diagram({ uri: u });
    assert.ok(r.errors > 0);
    assert.equal(r.stale, false);
    assert.ok(r.nodes.some((n) => n.name === 'first'));
  });

  test('no graph, unreadable document', () => {
    const text = 'type T { x: string }\n';
    const { ws, uri } = memoryWorkspace({ 'main.agentgraph': text });
    ws.open(uri('main.agentgraph'), 1, text);
    const d = new DiagramService(ws);
    const none = d.diagram({ uri: uri('main.agentgraph') });
    assert.equal(none.graph, undefined);
    assert.equal(none.mermaid, '');
    assert.match(none.message ?? '', /no graph/);
    const missing = d.diagram({ uri: uri('missing.agentgraph') });
    assert.equal(missing.graph, undefined);
    assert.ok(missing.message);
  });

  test('collapses supervisors above the threshold, keeping expanded ones open', () => {
    const ws = diskWorkspace();
    const u = pathToFileURL(path.join(EXAMPLES, 'supervisor-tree.agentgraph')).href;
    const d = new DiagramService(ws);
    const open = d.diagram({ uri: u });
    assert.equal(open.errors, 0, 'the example checks clean');
    assert.equal(open.collapsed, false);
    const closed = d.diagram({ uri: u, collapseThreshold: 1 });
    assert.equal(closed.collapsed, true);
    assert.ok(closed.nodes.length < open.nodes.length);
    const sup = closed.nodes.find((n) => n.kind === 'supervisor');
    assert.ok(sup);
    const expanded = d.diagram({ uri: u, collapseThreshold: 1, expanded: [sup.name] });
    assert.ok(expanded.nodes.length > closed.nodes.length);
  });

  test('every example draws every node of every graph', () => {
    const ws = diskWorkspace();
    const d = new DiagramService(ws);
    for (const f of ['support', 'research', 'rag', 'plan-execute', 'writer-critic', 'supervisor-tree']) {
      const u = pathToFileURL(path.join(EXAMPLES, `${f}.agentgraph`)).href;
      const first = d.diagram({ uri: u, collapseSupervisors: false });
      assert.equal(first.errors, 0, `${f} checks clean`);
      assert.ok(first.graphs.length > 0, f);
      for (const g of first.graphs) {
        const r = d.diagram({ uri: u, graph: g, collapseSupervisors: false });
        const a = ws.getAnalysis(u)!;
        for (const name of a.graphs.get(g)!.model.nodes.keys()) assert.ok(r.nodes.some((n) => n.name === name), `${f} ${g}: ${name}`);
      }
    }
  });
});

describe('agentgraph/status', () => {
  test('health and the worst case of the active graph against its budget', () => {
    const { ws, uri } = memoryWorkspace({ 'main.agentgraph': SPEC });
    const u = uri('main.agentgraph');
    ws.open(u, 1, SPEC);
    const s = specStatus(ws, { uri: u });
    assert.equal(s.errors, 0);
    assert.equal(s.graph, 'One');
    assert.ok(s.worstCostUsd !== undefined && s.worstCostUsd > 0);
    assert.equal(s.budgetCostUsd, 1);
    assert.ok(s.details.some((d) => d.includes('of $1.00 budget')), s.details.join('\n'));
    assert.equal(specStatus(ws, { uri: u, position: { line: 13, character: 2 } }).graph, 'Two');
  });

  test('counts errors and warnings of the file only', () => {
    const text = example('broken/ag4004-unbounded-loop.agentgraph');
    const { ws, uri } = memoryWorkspace({ 'b.agentgraph': text });
    const s = specStatus(ws, { uri: uri('b.agentgraph') });
    assert.ok(s.errors >= 1);
    assert.equal(s.graph, 'Blog');
  });
});

describe('agentgraph/exportToolSchemas', () => {
  test('OpenAI function definitions and JSON Schemas of every tool', () => {
    const { ws, uri } = memoryWorkspace({ 'main.agentgraph': SPEC });
    const u = uri('main.agentgraph');
    const r = exportToolSchemas(ws, { uri: u });
    assert.equal(r.errors, 0);
    assert.equal(r.tools.length, 1);
    const t = r.tools[0]!;
    assert.equal(t.name, 'look');
    assert.deepEqual(t.openai.type, 'function');
    assert.equal(t.openai.function.name, 'look');
    assert.equal(t.openai.function.description, 'Look something up');
    assert.deepEqual((t.openai.function.parameters as { required: string[] }).required, ['x']);
    assert.equal(t.inputSchema.$schema, 'https://json-schema.org/draft/2020-12/schema');
    assert.equal(t.inputSchema.type, 'object');
    assert.equal(t.outputSchema.type, 'string');
  });
});

describe('registerCustomRequests', () => {
  test('registers the requests and answers an exception with null', async () => {
    const handlers = new Map<string, (p: unknown, token: unknown) => Promise<unknown>>();
    const fake = {
      onRequest: (type: { method: string }, h: (p: unknown, token: unknown) => Promise<unknown>) => handlers.set(type.method, h),
    };
    const { ws, uri, logs } = memoryWorkspace({ 'main.agentgraph': SPEC });
    registerCustomRequests(fake as never, ws);
    assert.deepEqual([...handlers.keys()].sort(), ['agentgraph/diagram', 'agentgraph/evals', 'agentgraph/exportToolSchemas', 'agentgraph/status']);
    const token = { isCancellationRequested: false };
    const d = (await handlers.get(DIAGRAM_METHOD)!({ uri: uri('main.agentgraph') }, token)) as DiagramResult;
    assert.equal(d.graph, 'One');
    const s = (await handlers.get(STATUS_METHOD)!({ uri: uri('main.agentgraph') }, token)) as StatusResult;
    assert.equal(s.graph, 'One');
    const bad = await handlers.get(STATUS_METHOD)!(null, token);
    assert.equal(bad, null);
    assert.ok(logs.some((l) => l.includes('agentgraph/status failed')));
  });
});
