// Runs every checker fixture (test/fixtures/checks) and every broken example (examples/broken)
// through the inline-expectation helper: the checker must report exactly what is annotated.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { checkFixture } from '../helpers/fixtures.ts';

for (const dir of ['test/fixtures/checks', 'examples/broken']) {
  const names = existsSync(dir) ? readdirSync(dir).filter((n) => n.endsWith('.agentgraph')).sort() : [];
  for (const name of names) {
    test(`${dir}/${name} reports exactly its annotated diagnostics`, () => {
      const { problems } = checkFixture(path.join(dir, name));
      if (problems.length) assert.fail(problems.join("\n"));
    });
  }
}
