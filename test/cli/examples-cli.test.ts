// The promise, through the CLI as a user runs it: `agentgraph check examples` exits 0, and
// `agentgraph check examples/broken` reports every code that the broken specs' `// expect:`
// headers announce.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { main } from '../../server/src/cli/main.ts';

function capture() {
  let out = '';
  let err = '';
  return {
    io: { stdout: { write: (s: string) => { out += s; return true; } }, stderr: { write: (s: string) => { err += s; return true; } }, cwd: process.cwd() },
    out: () => out,
    err: () => err,
  };
}

test('agentgraph check examples exits 0 with no problems', async () => {
  const c = capture();
  const code = await main(['check', 'examples'], c.io as never);
  assert.equal(code, 0, c.out() + c.err());
  assert.match(c.out(), /files checked: no problems/);
});

test('agentgraph check examples/broken reports every expected code', async () => {
  const c = capture();
  const code = await main(['check', 'examples/broken', '--format', 'json'], c.io as never);
  assert.equal(code, 1);
  const reported = new Set((JSON.parse(c.out()) as { code: string }[]).map((d) => d.code));
  const expected = new Set<string>();
  for (const n of readdirSync('examples/broken').filter((f) => f.endsWith('.agentgraph'))) {
    const m = /^\/\/ expect: (.+)$/m.exec(readFileSync(path.join('examples/broken', n), 'utf8'));
    assert.ok(m, `${n} has an // expect: header`);
    for (const c of m[1]!.split(/[ ,]+/).filter(Boolean)) expected.add(c);
  }
  assert.ok(expected.size >= 30, `${expected.size} codes announced`);
  assert.deepEqual([...expected].filter((c) => !reported.has(c)), []);
});
