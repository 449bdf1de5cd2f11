// Every example under examples/ checks clean (no errors, no warnings) and compiles to IR that
// validates against the IR schema.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Program } from '../server/src/semantics/program.ts';
import { analyzeFile } from '../server/src/semantics/analyze.ts';
import { buildIR } from '../server/src/ir/build.ts';
import { parseIR } from '../server/src/ir/schema.ts';

const root = path.resolve('examples');
const program = new Program({ readFile: (p) => { try { return readFileSync(p, 'utf8'); } catch { return undefined; } } }, root);
const examples = readdirSync(root).filter((n) => n.endsWith('.agentgraph')).sort();

test('there are at least six example architectures', () => {
  assert.ok(examples.filter((n) => n !== 'models.agentgraph').length >= 6, examples.join(', '));
});

for (const name of examples) {
  test(`examples/${name} checks clean and compiles to valid IR`, () => {
    const a = analyzeFile(program, path.join(root, name));
    assert.ok(a, 'analysis');
    const shown = a.diagnostics.map((d) => `${d.severity} ${d.code} @${d.start}: ${d.message}`);
    assert.deepEqual(shown, []);
    const ir = parseIR(JSON.parse(JSON.stringify(buildIR(a))));
    assert.equal(ir.version, 1);
    for (const g of ir.graphs) {
      assert.ok(g.nodes.length > 0, `graph ${g.name} has nodes`);
      assert.ok(g.worstCase.costUsd >= 0);
      if (g.budget.costUsd !== undefined) assert.ok(g.worstCase.costUsd <= g.budget.costUsd, `${g.name} fits its budget`);
    }
  });
}
