// Run from here (time travel): a new run that starts again at a node of a finished run, with the
// inputs that node had; the steps before it are replayed from the old run's checkpoint (no model
// calls), the node and everything after it run afresh, optionally with an edited prompt.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MODELS, ScriptedProvider, compile, run } from './helpers/harness.ts';
import { MemoryRunStore } from '../../server/src/runtime/checkpoint.ts';

const CHAIN = `${MODELS}
agent outline(topic: string) -> string {
  model: fast
  prompt: "Outline {{topic}}"
}
agent draft(outline: string) -> string {
  model: fast
  prompt: "Draft from {{outline}}"
}
agent polish(text: string) -> string {
  model: fast
  prompt: "Polish {{text}}"
}
graph Chain(topic: string) -> string {
  start -> outline(topic)
  outline -> draft(outline: outline)
  draft -> polish(text: draft)
  polish -> end(polish)
}`;

const echo = () => new ScriptedProvider((req) => `<${req.messages.at(-1)!.content}>`);

test('a run from a node replays the steps before it and runs it again with its recorded inputs', async () => {
  const ir = compile(CHAIN);
  const store = new MemoryRunStore();
  const first = await run(ir, { topic: 'owls' }, { provider: echo(), store, runId: 'first' });
  assert.equal(first.outcome, 'succeeded', first.error?.message);

  const p = echo();
  const again = await run(ir, undefined, { provider: p, store, runId: 'again', replay: { fromRunId: 'first', node: 'draft' } });
  assert.equal(again.outcome, 'succeeded', again.error?.message);
  assert.deepEqual(p.calls.map((c) => c.agent), ['draft', 'polish']);
  assert.equal(p.calls[0]!.messages.at(-1)!.content, 'Draft from <Outline owls>');
  assert.equal(again.output, first.output);
  const replayed = again.trace.filter((s) => s.kind === 'node' && s.attributes['agentgraph.replayed'] === true).map((s) => s.name);
  assert.deepEqual(replayed, ['outline']);
  const runSpan = again.trace.find((s) => s.kind === 'run')!;
  assert.equal(runSpan.attributes['agentgraph.replay.from_run'], 'first');
});

test('the prompt of the chosen node can be replaced for the new run', async () => {
  const ir = compile(CHAIN);
  const store = new MemoryRunStore();
  await run(ir, { topic: 'owls' }, { provider: echo(), store, runId: 'first' });
  const p = echo();
  const r = await run(ir, undefined, { provider: p, store, runId: 'edited', replay: { fromRunId: 'first', node: 'draft', promptOverride: 'Draft a haiku' } });
  assert.equal(r.outcome, 'succeeded', r.error?.message);
  assert.equal(p.calls[0]!.messages.at(-1)!.content, 'Draft a haiku');
  assert.equal(r.output, '<Polish <Draft a haiku>>');
});

test('a run from a node that did not run, or of an unknown run, is refused', async () => {
  const ir = compile(CHAIN);
  const store = new MemoryRunStore();
  await assert.rejects(run(ir, undefined, { provider: echo(), store, replay: { fromRunId: 'nope', node: 'draft' } }), /no checkpoint/);
  await run(ir, { topic: 'owls' }, { provider: echo(), store, runId: 'first' });
  await assert.rejects(run(ir, undefined, { provider: echo(), store, replay: { fromRunId: 'first', node: 'missing' } }), /did not run/);
});
