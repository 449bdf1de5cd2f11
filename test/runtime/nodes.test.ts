// Node kinds other than agents (humans, tools used directly, sub-graphs) and cancellation.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { MODELS, ScriptedProvider, TestClock, compile, run } from './helpers/harness.ts';
import { answersHuman, loadAnswersFile, programmaticHuman } from '../../server/src/runtime/human.ts';
import { ModuleToolLoader } from '../../server/src/runtime/tools.ts';

test('a tool used as a node is called with the edge arguments', async () => {
  const ir = compile(`${MODELS}
type P { doc: string, score: number }
type Out { best: string }
tool search(query: string, k: integer) -> list<P> { effect: read }
agent pick(ps: list<P>) -> Out { model: fast, prompt: "{{ps}}" }
graph G(q: string) -> Out {
  start -> search(query: q, k: 2)
  search -> pick(ps: search)
  pick -> end(pick)
}`);
  const calls: unknown[] = [];
  const provider = new ScriptedProvider((req) => ({ best: (JSON.parse(req.messages.at(-1)!.content) as { doc: string }[])[0]!.doc }));
  const r = await run(ir, { q: 'hello' }, { provider, toolFns: { search: (a) => (calls.push(a), [{ doc: `d-${String(a.query)}`, score: 1 }]) } });
  assert.equal(r.outcome, 'succeeded', r.error?.message);
  assert.deepEqual(calls, [{ query: 'hello', k: 2 }]);
  assert.deepEqual(r.output, { best: 'd-hello' });
  const node = r.trace.find((s) => s.kind === 'node' && s.name === 'search')!;
  assert.equal(node.attributes['gen_ai.operation.name'], 'execute_tool');
});

test('tool implementations load from TypeScript modules', async () => {
  const ir = compile(`${MODELS}
type R { echoed: string, n: integer }
tool echo(text: string) -> R { effect: read, impl: "./tools.ts#echo" }
graph G(text: string) -> R {
  start -> echo(text)
  echo -> end(echo)
}`, {}, { root: path.resolve('test/fixtures/runtime') });
  const r = await run(ir, { text: 'hi' }, { tools: new ModuleToolLoader() });
  assert.equal(r.outcome, 'succeeded', r.error?.message);
  assert.deepEqual(r.output, { echoed: 'hi', n: 2 });
});

const HUMAN = `${MODELS}
type Draft { text: string }
human editor(d: Draft) -> Draft { prompt: "Edit: {{d.text}}", timeout: 1s }
agent write(t: string) -> Draft { model: fast, prompt: "{{t}}" }
graph G(t: string) -> Draft {
  start -> write(t)
  write -> editor(d: write)
  editor -> end(editor)
}`;

test('a human node asks the human channel and validates the answer', async () => {
  const ir = compile(HUMAN);
  const dir = mkdtempSync(path.join(tmpdir(), 'ag-ans-'));
  try {
    const file = path.join(dir, 'answers.json');
    writeFileSync(file, JSON.stringify({ editor: [{ text: 'edited' }] }));
    const r = await run(ir, { t: 'x' }, { script: () => ({ text: 'draft' }), human: loadAnswersFile(file) });
    assert.equal(r.outcome, 'succeeded', r.error?.message);
    assert.deepEqual(r.output, { text: 'edited' });
    const wait = r.trace.find((s) => s.kind === 'human_wait')!;
    assert.equal(wait.attributes['agentgraph.prompt'], 'Edit: draft');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an answer of the wrong type, a missing answer and a timeout fail the human node', async () => {
  const ir = compile(HUMAN);
  const bad = await run(ir, { t: 'x' }, { script: () => ({ text: 'draft' }), human: answersHuman({ editor: { txt: 1 } }) });
  assert.equal(bad.outcome, 'failed');
  assert.match(bad.error!.message, /does not match its result type/);
  const missing = await run(ir, { t: 'x' }, { script: () => ({ text: 'draft' }), human: answersHuman({}) });
  assert.match(missing.error!.message, /no answer for 'editor'/);
  const slow = await run(ir, { t: 'x' }, { script: () => ({ text: 'draft' }), human: programmaticHuman(() => new Promise(() => undefined)) });
  assert.equal(slow.outcome, 'failed');
  assert.match(slow.error!.message, /did not answer within 1000 ms/);
});

test('a sub-graph node runs the graph with its budget counted in the caller', async () => {
  const ir = compile(`${MODELS}
type T { v: string }
agent inner_a(x: string) -> T { model: fast, prompt: "in {{x}}" }
agent outer_a(t: T) -> T { model: fast, prompt: "out {{t.v}}" }
graph Inner(x: string) -> T {
  budget { steps: 5 }
  start -> inner_a(x)
  inner_a -> end(inner_a)
}
graph Outer(x: string) -> T {
  budget { steps: 10 }
  start -> Inner(x)
  Inner -> outer_a(t: Inner)
  outer_a -> end(outer_a)
}`);
  const provider = new ScriptedProvider((req) => ({ v: req.messages.at(-1)!.content }));
  const r = await run(ir, { x: 'q' }, { provider, graph: 'Outer' });
  assert.equal(r.outcome, 'succeeded', r.error?.message);
  assert.deepEqual(r.output, { v: 'out in q' });
  assert.equal(r.totals.modelCalls, 2);
  assert.equal(r.totals.steps, 2, 'the sub-graph counts its inner steps, as the checker does');
  const sub = r.trace.find((s) => s.kind === 'node' && s.name === 'Inner')!;
  assert.ok(r.trace.some((s) => s.parentId === sub.id && s.name === 'inner_a'));
});

test('cancelling the signal aborts model calls and ends the run as cancelled', async () => {
  const ir = compile(HUMAN);
  const clock = new TestClock();
  const controller = new AbortController();
  let aborted = false;
  const provider = new ScriptedProvider(async (req) => {
    setImmediate(() => controller.abort());
    try {
      await clock.sleep(60_000, req.signal);
    } catch (e) {
      aborted = true;
      throw e;
    }
    return { text: 'late' };
  }, clock);
  const r = await run(ir, { t: 'x' }, { provider, clock, signal: controller.signal });
  assert.equal(r.outcome, 'cancelled');
  assert.ok(aborted);
  assert.equal(clock.pending, 0);
  assert.equal(r.events.at(-1)!.type, 'run_end');
  assert.equal(r.store.states.get(r.runId)!.status, 'cancelled');
});

test('cancelling while a human is asked stops the wait', async () => {
  const ir = compile(HUMAN.replace('timeout: 1s', 'timeout: 1h'));
  const controller = new AbortController();
  const human = programmaticHuman(() => {
    setImmediate(() => controller.abort());
    return new Promise(() => undefined);
  });
  const r = await run(ir, { t: 'x' }, { script: () => ({ text: 'd' }), human, signal: controller.signal });
  assert.equal(r.outcome, 'cancelled');
});

test('a provider that ignores its abort signal does not hold up cancellation or end', async () => {
  const ir = compile(`${MODELS}
type T { v: string }
agent quick(x: string) -> T { model: fast, prompt: "q" }
agent stuck(x: string) -> T { model: fast, prompt: "s" }
graph G(x: string) -> T {
  start -> [quick(x), stuck(x)]
  quick -> end(quick)
  stuck -> end(stuck)
}`);
  const provider = new ScriptedProvider((req) => (req.agent === 'stuck' ? new Promise(() => undefined) : { v: 'q' }));
  const r = await run(ir, { x: '' }, { provider });
  assert.equal(r.outcome, 'succeeded');
  const controller = new AbortController();
  const hung = new ScriptedProvider(() => {
    setImmediate(() => controller.abort());
    return new Promise(() => undefined);
  });
  const c = await run(ir, { x: '' }, { provider: hung, signal: controller.signal });
  assert.equal(c.outcome, 'cancelled');
});
