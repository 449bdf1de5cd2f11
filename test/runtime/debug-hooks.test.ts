// The runtime's debug hooks: a debugger stops before and after nodes and before model calls, sees
// the path that led to a node and the run state, and its edits of arguments, prompts and outputs
// are what the run uses.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { INVOICE_TOOLS, MODELS, ScriptedProvider, compile, run, toolCalls } from './helpers/harness.ts';
import type { CallStop, NodeStop } from '../../server/src/runtime/debug.ts';

const LOOP = `${MODELS}
type Verdict { ok: boolean, note: string }
agent write(topic: string) -> string {
  model: fast
  prompt: "Write about {{topic}}"
}
agent check(text: string) -> Verdict {
  model: fast
  prompt: "Check {{text}}"
}
graph Loop(topic: string) -> string {
  start -> write(topic)
  write -> check(text: write)
  check -> end(inputs(check).text) when check.ok
  check -> write(topic) when !check.ok max 2
  check -> end("gave up") otherwise
}`;

/** write answers "draft N"; check says ok only for the second draft. */
function provider(): ScriptedProvider {
  let drafts = 0;
  return new ScriptedProvider((req) => {
    const prompt = req.messages.at(-1)!.content;
    if (req.agent === 'write') return `draft ${++drafts}: ${prompt}`;
    return { ok: prompt.includes('draft 2'), note: 'n' };
  });
}

test('hooks see every node before and after it runs, with the path of a loop and the live state', async () => {
  const ir = compile(LOOP);
  const seen: string[] = [];
  let lastPath = '';
  let stepsAtSecondCheck = -1;
  const r = await run(ir, { topic: 'owls' }, {
    provider: provider(),
    debug: {
      beforeNode(s: NodeStop) {
        seen.push(`before ${s.label}#${s.activation}`);
        lastPath = s.path.map((p) => `${p.node}#${p.activation}`).join(' > ');
        if (s.node.name === 'check' && s.activation === 2) stepsAtSecondCheck = s.state.budget().used.steps;
        if (s.node.name === 'write') assert.equal(s.prompt, 'Write about owls');
      },
      afterNode(s: NodeStop) {
        seen.push(`after ${s.label}#${s.activation}`);
        if (s.node.name === 'write') assert.equal(s.state.outputs.has('write'), s.activation > 1);
      },
    },
  });
  assert.equal(r.outcome, 'succeeded', r.error?.message);
  assert.deepEqual(seen, ['before write#1', 'after write#1', 'before check#1', 'after check#1', 'before write#2', 'after write#2', 'before check#2', 'after check#2']);
  assert.equal(lastPath, 'write#1 > check#1 > write#2 > check#2');
  assert.equal(stepsAtSecondCheck, 3);
});

test('edited arguments, prompts and outputs are what the run uses', async () => {
  const ir = compile(LOOP);
  const p = provider();
  const r = await run(ir, { topic: 'owls' }, {
    provider: p,
    debug: {
      beforeNode(s) {
        if (s.node.name === 'write') s.prompt = 'Write about bats';
      },
      afterNode(s) {
        // The first verdict says "not ok"; turning it into "ok" ends the run after one round.
        if (s.node.name === 'check') s.output = { ok: true, note: 'edited' };
      },
    },
  });
  assert.equal(r.outcome, 'succeeded', r.error?.message);
  assert.equal(r.output, 'draft 1: Write about bats');
  assert.equal(p.calls.length, 2);

  const edits = await run(ir, { topic: 'owls' }, {
    provider: provider(),
    debug: {
      beforeNode(s) {
        if (s.node.name === 'check' && s.activation === 1) s.args = { text: 'draft 2 (edited)' };
      },
    },
  });
  assert.equal(edits.outcome, 'succeeded', edits.error?.message);
  assert.equal(edits.output, 'draft 2 (edited)');
  assert.deepEqual(edits.outputs.write, 'draft 1: Write about owls');
});

test('beforeCall stops before each model call with its messages, and edits reach the provider', async () => {
  const ir = compile(LOOP);
  const p = provider();
  const calls: string[] = [];
  await run(ir, { topic: 'owls' }, {
    provider: p,
    debug: {
      beforeCall(c: CallStop) {
        if (c.kind !== 'model') return;
        calls.push(`${c.label}:${c.attempt}:${c.call}`);
        if (c.node === 'write') c.messages[c.messages.length - 1]!.content = 'Write about moths';
      },
    },
  });
  assert.deepEqual(calls, ['write:1:1', 'check:1:1', 'write:1:1', 'check:1:1']);
  assert.equal(p.calls[0]!.messages.at(-1)!.content, 'Write about moths');
});

test('beforeCall stops before each tool call with its arguments as a value, and edited arguments are what the tool gets', async () => {
  const ir = compile(INVOICE_TOOLS);
  const seen: unknown[] = [];
  const stops: string[] = [];
  const provider = new ScriptedProvider((req) => {
    if (!req.messages.some((m) => m.role === 'tool')) return toolCalls(['get_invoice', { id: 'A' }]);
    return { total: (JSON.parse(req.messages.at(-1)!.content) as { amount: number }).amount };
  });
  const r = await run(ir, { ids: ['A'] }, {
    provider,
    toolFns: { get_invoice: (a) => (seen.push(a), { id: a.id, amount: a.id === 'A' ? 10 : 7 }) },
    debug: {
      beforeCall(c) {
        stops.push(c.kind === 'tool' ? `tool ${c.tool} ${JSON.stringify(c.args)}` : `model ${c.call}`);
        if (c.kind === 'tool') c.args = { id: 'Z' };
      },
    },
  });
  assert.equal(r.outcome, 'succeeded', r.error?.message);
  assert.deepEqual(stops, ['model 1', 'tool get_invoice {"id":"A"}', 'model 2']);
  assert.deepEqual(seen, [{ id: 'Z' }]);
  assert.deepEqual(r.output, { total: 7 });
});
