// The debug adapter on fan-out and humans: each branch of a fan-out is a thread of its own (the
// research example maps one researcher per sub-question), and a human node's question leaves the
// adapter as the `agentgraph.humanAsk` event and is answered with `agentgraph.humanAnswer`.

import { after as afterAll, test } from 'node:test';
import assert from 'node:assert/strict';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { Target, evaluate, frames, nodeVariables, stopped } from './dap-harness.ts';

const research = new Target(
  [
    ['examples/research.agentgraph', 'research.agentgraph'],
    ['examples/models.agentgraph', 'models.agentgraph'],
    ['examples/prompts', 'prompts'],
    ['examples/tools', 'tools'],
    ['examples/evals', 'evals'],
  ],
  // With seed 1 the simulated `scope` splits this question into two sub-questions.
  { input: { question: 'Why?', audience: 'engineer' } },
);
const review = new Target([['test/debug/fixtures/review.agentgraph', 'review.agentgraph']], { input: { topic: 'owls' } });
afterAll(() => {
  research.dispose();
  review.dispose();
});

test('fan-out branches are threads; each stops with its own arguments and the path through the map', async () => {
  await research.withClient(async (dc) => {
    const [bp] = await research.launch(dc, [{ line: research.lineOf('agent researcher') }]);
    assert.equal(bp!.verified, true);
    const s = await stopped(dc);
    assert.equal(s.body.reason, 'breakpoint');
    const thread = s.body.threadId!;
    assert.notEqual(thread, 1, 'a branch of the fan-out stops on a thread of its own');
    const threads = (await dc.threadsRequest()).body.threads;
    assert.ok(threads.some((t) => t.id === 1 && t.name === 'graph'));
    assert.ok(threads.some((t) => t.id === thread && t.name === 'researcher[0]'), JSON.stringify(threads));
    assert.deepEqual((await frames(dc, thread)).map((f) => f.name), ['researcher[0] #1', 'scope #1']);
    const vars = await nodeVariables(dc, thread);
    assert.equal(vars.get('node')!.value, '"researcher[0]"');
    assert.equal(await evaluate(dc, 'len(scope.sub_questions)'), '2');
    assert.match(vars.get('prompt')!.value, /.+/);
    // The next branch stops on another thread.
    const next = stopped(dc);
    await dc.continueRequest({ threadId: thread });
    const s2 = await next;
    assert.notEqual(s2.body.threadId, thread);
    assert.match((await frames(dc, s2.body.threadId!))[0]!.name, /^researcher\[1\] #1$/);
    assert.equal((await research.finish(dc)).exitCode, 0);
  });
});

test('a human node is asked through agentgraph.humanAsk and answered with agentgraph.humanAnswer', async () => {
  await review.withClient(async (dc) => {
    dc.on('agentgraph.humanAsk', (e: DebugProtocol.Event) => {
      const { id, question } = e.body as { id: number; question: { human: string; prompt: string; outputSchema: object } };
      assert.equal(question.human, 'reviewer');
      assert.match(question.prompt, /^Review /);
      void dc.customRequest('agentgraph.humanAnswer', { id, answer: { value: { ok: true, note: 'looks good' } } });
    });
    const [bp] = await review.launch(dc, [{ line: review.lineOf('human reviewer') }]);
    assert.equal(bp!.verified, true);
    assert.equal((await stopped(dc)).body.reason, 'breakpoint');
    assert.deepEqual((await frames(dc)).map((f) => f.name), ['reviewer #1', 'write #1']);
    const { exitCode, output } = await review.finish(dc);
    assert.equal(exitCode, 0);
    assert.match(output, /looks good/);
  });
});
