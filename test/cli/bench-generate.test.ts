// The benchmark's spec generator: its specs must check cleanly (the benchmark refuses to time a
// broken spec), use every agent in exactly one graph, and stay deterministic.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { generateJsonDocument, generateSpec, generateWorkspace, graphSizes, MAX_GRAPH, MIN_GRAPH } from '../../bench/generate.ts';
import { main } from '../../server/src/cli/main.ts';
import { analyzeFile } from '../../server/src/semantics/analyze.ts';
import { Program } from '../../server/src/semantics/program.ts';

const ROOT = path.resolve(os.tmpdir(), 'agentgraph-gen-test');

function analyse(agents: number) {
  const files = new Map([...generateWorkspace(agents)].map(([rel, text]) => [path.join(ROOT, rel), text]));
  const analysis = analyzeFile(new Program({ readFile: (p) => files.get(p) }, ROOT), path.join(ROOT, 'spec.agentgraph'));
  assert.ok(analysis);
  return analysis;
}

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('bench/generate.ts', () => {
  test('graph sizes stay within bounds and add up', () => {
    for (const total of [20, 35, 49, 71, 100, 1_000, 10_000]) {
      const sizes = graphSizes(total);
      assert.equal(sizes.reduce((a, b) => a + b, 0), total, `total ${total}`);
      for (const s of sizes) assert.ok(s >= MIN_GRAPH && s <= MAX_GRAPH, `size ${s} for total ${total}`);
    }
    assert.throws(() => graphSizes(5), RangeError);
  });

  test('specs are deterministic', () => {
    assert.equal(generateSpec(100), generateSpec(100));
  });

  for (const agents of [20, 71, 100]) {
    test(`a ${agents}-agent spec checks with no diagnostics at all`, () => {
      const a = analyse(agents);
      assert.deepEqual(a.diagnostics.map((d) => `${d.code} ${d.message}`), []);
    });
  }

  test('every agent is a node of exactly one graph', () => {
    const a = analyse(100);
    const agents = [...a.symbols.values()].filter((s) => s.kind === 'agent').map((s) => s.name);
    assert.equal(agents.length, 100);
    const used = new Map<string, string>();
    for (const [graph, g] of a.graphs) {
      for (const n of g.model.nodes.values()) {
        if (n.info.kind !== 'agent') continue;
        assert.ok(!used.has(n.name), `${n.name} is in ${used.get(n.name)} and ${graph}`);
        used.set(n.name, graph);
      }
    }
    assert.deepEqual([...used.keys()].sort(), agents.sort());
    for (const g of a.graphs.values()) {
      const size = [...g.model.nodes.values()].filter((n) => n.info.kind === 'agent').length;
      assert.ok(size >= MIN_GRAPH && size <= MAX_GRAPH);
    }
  });

  test('the generated workspace checks clean through the CLI', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'agentgraph-gen-'));
    dirs.push(dir);
    for (const [rel, text] of generateWorkspace(60)) {
      mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      writeFileSync(path.join(dir, rel), text);
    }
    let stdout = '';
    const code = await main(['check', '.'], { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: () => true }, cwd: dir, env: {} });
    assert.equal(stdout, '1 file checked: no problems\n');
    assert.equal(code, 0);
  });

  test('the JSON twin has exactly the requested size and parses', () => {
    const bytes = Buffer.byteLength(generateSpec(100));
    const json = generateJsonDocument(100, bytes);
    assert.equal(Buffer.byteLength(json), bytes);
    const doc = JSON.parse(json) as { agents: unknown[]; graphs: unknown[] };
    assert.ok(doc.agents.length > 0 && doc.graphs.length > 0);
  });
});
