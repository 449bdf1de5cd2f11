// Typed input and output: the graph's input is validated before anything runs (with every zod
// issue listed), and the value given to `end` is validated against the graph's result type.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MODELS, ScriptedProvider, compile, run } from './helpers/harness.ts';

const SPEC = `${MODELS}
type Ticket { id: string, tier: "free" | "pro", seats: integer, note?: string }
type Out { id: string }
agent a(t: Ticket) -> Out { model: fast, prompt: "{{t.id}} {{t.note}}" }
graph G(t: Ticket, tags: list<string>?) -> Out {
  start -> a(t)
  a -> end(a)
}`;

test('invalid input fails before any step with every issue listed', async () => {
  const ir = compile(SPEC);
  const provider = new ScriptedProvider(() => ({ id: 'x' }));
  const r = await run(ir, { t: { id: 7, tier: 'gold', seats: 1.5, extra: true } }, { provider });
  assert.equal(r.outcome, 'failed');
  assert.equal(r.error?.kind, 'invalid_input');
  const issues = r.error!.issues!.join('\n');
  assert.match(issues, /t\.id: .*expected string/);
  assert.match(issues, /t\.tier: .*"free"\|"pro"/);
  assert.match(issues, /t\.seats: .*int/);
  assert.match(issues, /Unrecognized key: "extra"/);
  assert.equal(provider.calls.length, 0);
  assert.equal(r.events.length, 0);
});

test('optional fields and parameters may be left out and read as null', async () => {
  const ir = compile(SPEC);
  const provider = new ScriptedProvider(() => ({ id: 'x' }));
  const r = await run(ir, { t: { id: 'T1', tier: 'pro', seats: 2 } }, { provider });
  assert.equal(r.outcome, 'succeeded', r.error?.message);
  assert.equal(provider.calls[0]!.messages.at(-1)!.content, 'T1 ');
});

test('a result that does not match the graph output type fails the run', async () => {
  const ir = compile(`${MODELS}
type A { n: integer }
type Out { id: string }
agent a(x: string) -> A { model: fast, prompt: "a" }
graph G(x: string) -> Out {
  start -> a(x)
  a -> end({ id: x })
}`);
  // Corrupt the end expression so it produces a number where a string is expected.
  const end = ir.graphs[0]!.edges[1]!.to[0]!;
  end.result = { op: 'object', entries: [{ key: 'id', value: { op: 'lit', value: 5 } }] };
  const r = await run(ir, { x: 'y' }, { script: () => ({ n: 1 }) });
  assert.equal(r.outcome, 'failed');
  assert.equal(r.error?.kind, 'invalid_output');
  assert.match(r.error!.message, /id: .*expected string/);
});
