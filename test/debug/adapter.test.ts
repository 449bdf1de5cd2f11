// The debug adapter through the Debug Adapter Protocol, launched as its own process the way VS
// Code launches it: breakpoints (verified, moved, unverified, conditional, logpoints), stops before
// and after nodes and at model calls, the variables of a stop and edits of them, the Debug
// Console, the call stack of a loop, pause, restart and the end of the run. The graph runs on the
// simulated provider with scripted answers: `check` says "not ok" once, then "ok".

import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after as afterAll, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { Target, after, evaluate, frames, nodeVariables, stopped } from './dap-harness.ts';

let target: Target;
before(() => {
  target = new Target(
    [
      ['test/debug/fixtures/loop.agentgraph', 'loop.agentgraph'],
      ['test/debug/fixtures/loop-fixtures.json', 'fixtures.json'],
    ],
    { input: { topic: 'owls' }, fixtures: 'fixtures.json' },
  );
});
afterAll(() => target.dispose());

const lineOf = (needle: string) => target.lineOf(needle);
const withClient = (fn: (dc: DebugClient) => Promise<void>) => target.withClient(fn);
const launch = (dc: DebugClient, bps: DebugProtocol.SourceBreakpoint[], extra: Record<string, unknown> = {}) => target.launch(dc, bps, extra);
const finish = (dc: DebugClient) => target.finish(dc);
const spec = () => target.spec;

test('breakpoints verify on declaration and edge lines, move to the next one, or stay unverified with a reason', async () => {
  await withClient(async (dc) => {
    const placed = await launch(dc, [{ line: lineOf('agent check') }, { line: lineOf('prompt: "Write about') }, { line: lineOf('write -> check') }, { line: lineOf('otherwise') + 1 }, { line: 1 }]);
    assert.deepEqual(
      placed.map((b) => [b.verified, b.line]),
      [
        [true, lineOf('agent check')],
        [true, lineOf('agent check')],
        [true, lineOf('write -> check')],
        [false, lineOf('otherwise') + 1],
        [true, lineOf('agent write')],
      ],
    );
    assert.match(placed[3]!.message ?? '', /No agent, tool, human or edge/);
    // The first stop is the breakpoint on `agent write` (moved there from line 1).
    const s = await stopped(dc);
    assert.equal(s.body.reason, 'breakpoint');
    assert.equal((await frames(dc))[0]!.name, 'write #1');
  });
});

test('a stop before a node shows its rendered prompt and inputs, the run state and the budget; the console evaluates spec expressions', async () => {
  await withClient(async (dc) => {
    await launch(dc, [{ line: lineOf('agent check') }]);
    const s = await stopped(dc);
    assert.equal(s.body.reason, 'breakpoint');
    const f = await frames(dc);
    assert.deepEqual(f.map((x) => x.name), ['check #1', 'write #1']);
    assert.equal(f[0]!.line, lineOf('agent check'));
    const vars = await nodeVariables(dc);
    assert.equal(vars.get('prompt')!.value, JSON.stringify('Check draft one'));
    const args = (await dc.variablesRequest({ variablesReference: vars.get('args')!.variablesReference })).body.variables;
    assert.deepEqual(args.map((v) => [v.name, v.value]), [['text', '"draft one"']]);

    const scopes = (await dc.scopesRequest({ frameId: f[0]!.id })).body.scopes;
    assert.deepEqual(scopes.map((x) => x.name), ['Node check', 'Run state (Loop)', 'Budget', 'Attempts']);
    const budget = (await dc.variablesRequest({ variablesReference: scopes[2]!.variablesReference })).body.variables;
    assert.match(budget.find((v) => v.name === 'steps')!.value, /^"1 \/ 10"$/);
    const attempts = (await dc.variablesRequest({ variablesReference: scopes[3]!.variablesReference })).body.variables;
    assert.deepEqual(attempts.map((v) => [v.name, v.value]), [['write', '1']]);

    assert.equal(await evaluate(dc, 'len(text) + 1'), '10');
    assert.equal(await evaluate(dc, 'write'), '"draft one"');
    assert.equal(await evaluate(dc, 'visited(write) && !visited(check)'), 'true');
    await assert.rejects(dc.evaluateRequest({ expression: 'text ==', context: 'repl' }));
    // Outputs so far are editable too (here from the console, as `path = JSON`); expressions see the edit.
    assert.equal(await evaluate(dc, 'outputs.write = "edited draft"'), '"edited draft"');
    assert.equal(await evaluate(dc, 'write'), '"edited draft"');
    await assert.rejects(dc.evaluateRequest({ expression: 'visited = []', context: 'repl' }), /cannot be edited/);
    assert.equal((await finish(dc)).exitCode, 0);
  });
});

test('step over runs the node and stops at its output; editing the output changes the route', async () => {
  await withClient(async (dc) => {
    await launch(dc, [{ line: lineOf('agent check') }]);
    await stopped(dc);
    const s = await after(dc, () => dc.nextRequest({ threadId: 1 }));
    assert.equal(s.body.reason, 'step');
    assert.equal((await frames(dc))[0]!.name, 'check #1 (output)');
    assert.equal(await evaluate(dc, 'output.ok'), 'false');
    // Without the edit `check` would send the draft back to `write`; now it ends with draft one.
    const set = (await dc.customRequest('setExpression', { expression: 'output.ok', value: 'true' })) as DebugProtocol.SetExpressionResponse;
    assert.equal(set.body.value, 'true');
    await dc.setBreakpointsRequest({ source: { path: spec() }, breakpoints: [] });
    const outputs: string[] = [];
    dc.on('output', (e: DebugProtocol.OutputEvent) => outputs.push(e.body.output));
    const { exitCode } = await finish(dc);
    assert.equal(exitCode, 0);
    assert.match(outputs.join(''), /"draft one"/);
    assert.doesNotMatch(outputs.join(''), /draft two/);
  });
});

test('editing the prompt before a node sends the edited prompt; step into stops at the model call', async () => {
  await withClient(async (dc) => {
    await launch(dc, [], { stopOnEntry: true });
    assert.equal((await stopped(dc)).body.reason, 'entry');
    const vars = await nodeVariables(dc);
    const f = await frames(dc);
    const scopes = (await dc.scopesRequest({ frameId: f[0]!.id })).body.scopes;
    const edited = await dc.setVariableRequest({ variablesReference: scopes[0]!.variablesReference, name: 'prompt', value: 'Write about bats instead' });
    assert.equal(edited.body.value, JSON.stringify('Write about bats instead'));
    assert.ok(vars.has('args'));
    assert.equal((await after(dc, () => dc.stepInRequest({ threadId: 1 }))).body.reason, 'step');
    const top = (await frames(dc))[0]!;
    assert.match(top.name, /model call 1 \(attempt 1\) in write/);
    assert.equal(await evaluate(dc, 'len(messages)'), '1');
    const callVars = await nodeVariables(dc);
    assert.match(callVars.get('messages')!.value, /Write about bats instead/);
    assert.equal((await finish(dc)).exitCode, 0);
  });
});

test('a conditional breakpoint stops at the second iteration; the call stack shows the loop', async () => {
  await withClient(async (dc) => {
    await launch(dc, [{ line: lineOf('agent check'), condition: 'text == "draft two"' }]);
    await stopped(dc);
    assert.deepEqual((await frames(dc)).map((x) => x.name), ['check #2', 'write #2', 'check #1', 'write #1']);
    assert.equal(await evaluate(dc, 'inputs(check).text'), '"draft one"');
    // A frame further down shows what the run state holds for that node.
    const f = await frames(dc);
    const scopes = (await dc.scopesRequest({ frameId: f[2]!.id })).body.scopes;
    assert.equal(scopes[0]!.name, 'Node check #1 (latest values)');
    const vars = (await dc.variablesRequest({ variablesReference: scopes[0]!.variablesReference })).body.variables;
    assert.equal(vars.find((v) => v.name === 'latestInputs')!.value, JSON.stringify({ text: 'draft one' }));
    assert.equal((await finish(dc)).exitCode, 0);
  });
});

test('logpoints print interpolated expressions to the Debug Console without stopping', async () => {
  await withClient(async (dc) => {
    const outputs: string[] = [];
    dc.on('output', (e: DebugProtocol.OutputEvent) => outputs.push(e.body.output));
    const exited = dc.waitForEvent('exited') as Promise<DebugProtocol.ExitedEvent>;
    await launch(dc, [{ line: lineOf('agent write'), logMessage: 'writing about {topic} ({{literal}})' }]);
    assert.equal((await exited).body.exitCode, 0);
    assert.equal(outputs.filter((o) => o === 'writing about owls ({literal})\n').length, 2);
  });
});

test('pause stops before the next node; restart runs the graph again from the start', async () => {
  await withClient(async (dc) => {
    await launch(dc, [], { stopOnEntry: true });
    await stopped(dc);
    await dc.pauseRequest({ threadId: 1 });
    const s = await after(dc, () => dc.continueRequest({ threadId: 1 }));
    assert.equal(s.body.reason, 'pause');
    assert.equal((await frames(dc))[0]!.name, 'check #1');
    assert.equal((await after(dc, () => dc.customRequest('restart', {}))).body.reason, 'entry');
    assert.deepEqual((await frames(dc)).map((x) => x.name), ['write #1']);
    assert.equal((await finish(dc)).exitCode, 0);
  });
});

test('every run event is streamed as agentgraph.runEvent; a bad input ends the session with exit code 2', async () => {
  await withClient(async (dc) => {
    const types: string[] = [];
    dc.on('agentgraph.runEvent', (e: DebugProtocol.Event) => types.push((e.body as { type: string }).type));
    const exited = dc.waitForEvent('exited') as Promise<DebugProtocol.ExitedEvent>;
    await launch(dc, []);
    assert.equal((await exited).body.exitCode, 0);
    assert.equal(types[0], 'run_start');
    assert.equal(types.at(-1), 'run_end');
  });
  await withClient(async (dc) => {
    const exited = dc.waitForEvent('exited') as Promise<DebugProtocol.ExitedEvent>;
    await launch(dc, [], { input: { topic: 42 } });
    assert.equal((await exited).body.exitCode, 2);
  });
});

test('run from here: a launch with replay re-runs from a node of a finished run, with an edited prompt', async () => {
  let runId = '';
  await withClient(async (dc) => {
    const finished = dc.waitForEvent('agentgraph.runFinished');
    await launch(dc, []);
    runId = ((await finished).body as { runId: string }).runId;
  });
  await withClient(async (dc) => {
    const modelCalls: string[] = [];
    dc.on('agentgraph.runEvent', (e: DebugProtocol.Event) => {
      const ev = e.body as { type: string; span?: { kind: string; attributes: Record<string, unknown> } };
      if (ev.type === 'span_start' && ev.span?.kind === 'model_call') modelCalls.push(String(ev.span.attributes['agentgraph.node']));
    });
    await launch(dc, [{ line: lineOf('agent check') }], { input: undefined, replay: { fromRunId: runId, node: 'check', promptOverride: 'Check it twice' } });
    await stopped(dc);
    assert.deepEqual((await frames(dc)).map((x) => x.name), ['check #1', 'write #1']);
    assert.equal((await nodeVariables(dc)).get('prompt')!.value, '"Check it twice"');
    assert.equal(await evaluate(dc, 'text'), '"draft one"');
    assert.equal((await finish(dc)).exitCode, 0);
    // `write` was replayed from the first run's checkpoint: the first model call is check's.
    assert.equal(modelCalls[0], 'check');
  });
});

test('a spec with errors refuses to launch; the Debug Console lists each error with its location', async () => {
  const broken = path.join(target.dir, 'broken.agentgraph');
  writeFileSync(broken, target.text.replace(/model: \w+/, 'model: no_such_model'));
  await withClient(async (dc) => {
    const outputs: string[] = [];
    dc.on('output', (e: DebugProtocol.OutputEvent) => outputs.push(e.body.output));
    await assert.rejects(dc.launch({ spec: broken, root: target.dir }), /broken\.agentgraph has errors/);
    const printed = outputs.join('');
    assert.match(printed, /broken\.agentgraph:\d+:\d+: AG\d{4} /, printed);
  });
});
