// Where breakpoints can go in a spec (from the IR's source ranges) and how conditions and log
// messages are compiled, on the writer-critic example; and the graph F5 picks under the cursor.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { BreakableLines, compileExpression, compileLogMessage, renderLog } from '../../server/src/debug/breakpoints.ts';
import { loadSpec } from '../../server/src/runhost/load-spec.ts';
import { scopeOf } from '../../server/src/runtime/evaluate.ts';
import { evaluate } from '../../server/src/runtime/evaluate.ts';
import { graphAt } from '../../client/src/debug/graph-at.ts';

const SPEC = path.resolve('examples/writer-critic.agentgraph');
const TEXT = readFileSync(SPEC, 'utf8');
const line0 = (needle: string) => TEXT.split('\n').findIndex((l) => l.includes(needle));

function lines(): BreakableLines {
  const loaded = loadSpec(SPEC, { root: path.resolve('examples') });
  assert.ok(loaded.ok);
  return new BreakableLines(loaded.ir, 'ReleaseNotes');
}

test('agent, human and edge lines are breakable; other lines move to the next one; edges that only end the run do not stop', () => {
  const placed = lines().resolve(SPEC, [
    { line: line0('agent draft(') },
    { line: line0('human editor(') },
    { line: line0('draft -> critique(') },
    { line: line0('max_tokens: 900') },
    { line: line0('critique -> end(') },
    { line: line0('eval past_releases') },
  ]);
  assert.deepEqual(
    placed.map((b) => [b.verified, b.line]),
    [
      [true, line0('agent draft(')],
      [true, line0('human editor(')],
      [true, line0('draft -> critique(')],
      [true, line0('agent critique(')],
      [true, line0('critique -> revise(')],
      [false, line0('eval past_releases')],
    ],
  );
  assert.deepEqual(placed[0]!.target, [{ kind: 'node', name: 'draft' }]);
  assert.deepEqual(placed[2]!.target, [{ kind: 'edge', graph: 'ReleaseNotes', id: 1 }]);
  assert.match(placed[5]!.message!, /No agent, tool, human or edge/);
  const other = lines().resolve(path.resolve('examples/rag.agentgraph'), [{ line: 3 }]);
  assert.equal(other[0]!.verified, false);
  assert.match(other[0]!.message!, /declares no agent/);
});

test('an invalid condition leaves the breakpoint unverified with the parser message', () => {
  const [bp] = lines().resolve(SPEC, [{ line: line0('agent draft('), condition: 'release.version ==' }]);
  assert.equal(bp!.verified, false);
  assert.match(bp!.message!, /^Invalid condition: /);
});

test('conditions and log messages are spec expressions', () => {
  const scope = scopeOf({ release: { version: '4.12.0', changes: [1, 2, 3] } });
  assert.equal(evaluate(compileExpression('release.version == "4.12.0" && len(release.changes) > 2'), scope), true);
  assert.equal(renderLog(compileLogMessage('v{release.version}: {len(release.changes)} changes {{x}}'), scope), 'v4.12.0: 3 changes {x}');
  assert.throws(() => compileLogMessage('oops {release'), /unclosed/);
});

test('F5 debugs the graph declared at or above the cursor, else the first one', () => {
  const text = 'type T {}\ngraph A(x: string) -> string {\n}\n\ngraph B(x: string) -> string {\n}\n';
  assert.equal(graphAt(text, 0), 'A');
  assert.equal(graphAt(text, 2), 'A');
  assert.equal(graphAt(text, 5), 'B');
  assert.equal(graphAt('type T {}', 0), undefined);
});
