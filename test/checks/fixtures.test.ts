// Runs every checker fixture (test/fixtures/checks) and every broken example (examples/broken)
// through the inline-expectation helper: the checker must report exactly what is annotated.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { checkFixture } from '../helpers/fixtures.ts';

for (const dir of ['test/fixtures/checks', 'examples/broken']) {
  const names = existsSync(dir) ? readdirSync(dir).filter((n) => n.endsWith('.agentgraph')).sort() : [];
  // Sibling files (specs a fixture imports, prompt files, tool modules) are readable by every fixture.
  const siblings = new Map<string, string>();
  const collect = (sub: string) => {
    for (const n of readdirSync(path.join(dir, sub))) {
      const rel = path.join(sub, n);
      if (statSync(path.join(dir, rel)).isDirectory()) collect(rel);
      else siblings.set(rel, readFileSync(path.join(dir, rel), 'utf8'));
    }
  };
  if (existsSync(dir)) collect('');
  for (const name of names) {
    test(`${dir}/${name} reports exactly its annotated diagnostics`, () => {
      const others = new Map([...siblings].filter(([rel]) => rel !== name));
      const { problems } = checkFixture(path.join(dir, name), others);
      if (problems.length) assert.fail(problems.join("\n"));
    });
  }
}
