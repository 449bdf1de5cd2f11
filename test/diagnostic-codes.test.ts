// Every code is registered, documented in docs/diagnostics.md, and produced somewhere (or it would
// be documentation for a check that does not exist).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { CODES } from '../server/src/diagnostics/codes.ts';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const source = files('server/src').map((f) => readFileSync(f, 'utf8')).join('\n');
const docs = readFileSync('docs/diagnostics.md', 'utf8');

test('every registered code is documented with an anchor', () => {
  const missing = Object.keys(CODES).filter((c) => !docs.includes(`id="${c.toLowerCase()}"`) || !docs.includes(`### ${c}`));
  assert.deepEqual(missing, []);
});

test('every documented code is registered', () => {
  const documented = [...docs.matchAll(/^### (AG\d{4})/gm)].map((m) => m[1]!);
  assert.deepEqual(documented.filter((c) => !(c in CODES)), []);
});

test('every registered code is produced by some check', () => {
  const unused = Object.keys(CODES).filter((c) => {
    const uses = source.split(`'${c}'`).length - 1;
    // The registry itself mentions each code once as an object key (not quoted).
    return uses === 0;
  });
  assert.deepEqual(unused, []);
});
