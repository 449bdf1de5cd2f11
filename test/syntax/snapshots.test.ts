// Snapshot tests: each fixture in test/fixtures/syntax is parsed and its tree and diagnostics are
// compared with test/snapshots/syntax/<name>.json. Run with UPDATE_SNAPSHOTS=1 to (re)write them,
// then review the diff. A missing snapshot fails unless UPDATE_SNAPSHOTS=1 is set.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from '../../server/src/syntax/parser.ts';
import { validateParse } from '../../server/src/syntax/validate.ts';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'syntax');
const SNAPSHOTS = path.join(__dirname, '..', 'snapshots', 'syntax');
const update = process.env.UPDATE_SNAPSHOTS === '1';

for (const name of readdirSync(FIXTURES).filter((f) => f.endsWith('.agentgraph')).sort()) {
  test(`snapshot: ${name}`, () => {
    const text = readFileSync(path.join(FIXTURES, name), 'utf8');
    const result = parse(text);
    assert.deepEqual(validateParse(text, result.file, result.diagnostics), []);
    const actual = JSON.stringify({ diagnostics: result.diagnostics, file: result.file }, null, 2) + '\n';
    const file = path.join(SNAPSHOTS, name.replace(/\.agentgraph$/, '.json'));
    if (update) {
      mkdirSync(SNAPSHOTS, { recursive: true });
      writeFileSync(file, actual);
      return;
    }
    assert.ok(existsSync(file), `No snapshot for ${name}: run the tests with UPDATE_SNAPSHOTS=1 and review it.`);
    assert.equal(actual, readFileSync(file, 'utf8'), `The parse of ${name} changed; if intended, rerun with UPDATE_SNAPSHOTS=1.`);
  });
}
