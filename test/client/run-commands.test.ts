// The run commands against a stub `vscode` module and the real run-host bundle: `Run Graph` from
// a lens (`{ uri, name }`) with an input file, the run bus seeing the session, every event and
// its end, the result message opening the trace; the recent input offered next time; `Simulate
// Faults` with presets (retry and tool failure in the events, session kind 'faults'); spec errors
// refused before anything runs; and the refusal in an untrusted workspace.

import '../helpers/vscode-register.ts';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { build } from 'esbuild';
import * as vscode from '../helpers/vscode-stub.ts';
import { RunBus, type RunEndMessage, type RunSessionInfo } from '../../client/src/run/bus.ts';
import { normalizeProviderSettings, resolveProvider } from '../../client/src/run/provider-settings.ts';
import { providerChoiceKey } from '../../client/src/run/provider-pick.ts';
import { registerRunCommands } from '../../client/src/run/run-command.ts';
import type { RunEvent } from '../../server/src/runtime/trace.ts';
import { startFakeOpenAI } from '../helpers/fake-openai-server.ts';

const ROOT = path.resolve(__dirname, '../..');
// A fake extension folder whose dist/ holds the run host, inside the repository so tool modules
// find tsx in node_modules.
const EXT = path.join(ROOT, 'test-output', 'run-commands-ext');
let ws = '';
const SPEC = `model fast = openai("gpt-4o-mini")

type Q {
  text: string
}

tool lookup(q: string) -> string {
  description: "Looks a question up."
  effect: read
  impl: "./tools/lookup.ts#lookup"
}

agent answer(q: Q) -> string {
  model: fast
  prompt: "Answer {{q.text}}"
  tools: [lookup]
  retry: 1 backoff constant(10ms)
}

graph Answer(q: Q) -> string {
  start -> answer(q)
  answer -> end(answer)
}
`;

const bus = new RunBus();
const started: RunSessionInfo[] = [];
const events: { session: string; event: RunEvent }[] = [];
const ended: RunEndMessage[] = [];
bus.onDidStart((s) => started.push(s));
bus.onDidEvent((m) => events.push({ session: m.session.id, event: m.event }));
bus.onDidEnd((m) => ended.push(m));

const specUri = () => vscode.Uri.file(path.join(ws, 'answer.agentgraph'));
const slowUri = () => vscode.Uri.file(path.join(ws, 'slow.agentgraph'));

before(async () => {
  await build({ entryPoints: [path.join(ROOT, 'server/src/runhost/main.ts')], outfile: path.join(EXT, 'dist', 'run-host.js'), bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning' });
  ws = mkdtempSync(path.join(tmpdir(), 'agentgraph-run-commands-'));
  mkdirSync(path.join(ws, 'tools'));
  mkdirSync(path.join(ws, 'inputs'));
  writeFileSync(path.join(ws, 'answer.agentgraph'), SPEC);
  writeFileSync(path.join(ws, 'tools', 'lookup.ts'), 'export function lookup(a: { q: string }): string {\n  return `found ${a.q}`;\n}\n');
  writeFileSync(path.join(ws, 'inputs', 'hello.json'), JSON.stringify({ q: { text: 'hello' } }));
  // The same graph with a tool that takes 20 s (and stops when the run is cancelled).
  writeFileSync(path.join(ws, 'tools', 'slow.ts'), 'export function slow(_a: unknown, ctx: { signal: AbortSignal }): Promise<string> {\n  return new Promise((resolve, reject) => {\n    const t = setTimeout(() => resolve("late"), 20_000);\n    ctx.signal.addEventListener("abort", () => { clearTimeout(t); reject(new Error("stopped")); });\n  });\n}\n');
  writeFileSync(path.join(ws, 'slow.agentgraph'), SPEC.replace('lookup.ts#lookup', 'slow.ts#slow').replace('graph Answer', 'graph Slow'));
  // Not an input of this graph: must not be offered.
  writeFileSync(path.join(ws, 'inputs', 'other.json'), JSON.stringify({ ticket: {} }));
  vscode.workspace.workspaceFolders = [{ uri: vscode.Uri.file(ws), name: 'ws', index: 0 }];
  const secrets = new Map<string, string>();
  const context = {
    extensionPath: EXT,
    extensionUri: vscode.Uri.file(EXT),
    workspaceState: vscode.memento,
    secrets: { get: async (k: string) => secrets.get(k), store: async (k: string, v: string) => void secrets.set(k, v), delete: async (k: string) => void secrets.delete(k) },
    subscriptions: [] as { dispose(): void }[],
  };
  registerRunCommands({ context: context as never, runs: bus as never, log: () => undefined });
});
after(() => rmSync(ws, { recursive: true, force: true }));
beforeEach(() => {
  vscode.workspace.isTrusted = true;
  vscode.workspace.textDocuments = [];
  vscode.messages.length = 0;
  vscode.executed.length = 0;
  started.length = 0;
  events.length = 0;
  ended.length = 0;
});

const pickLabel = (re: RegExp) => (labels: string[]) => {
  const l = labels.find((x) => re.test(x));
  assert.ok(l, `no quick pick item matches ${re}: ${labels.join(' | ')}`);
  return [l];
};

describe('run commands', () => {
  test('Run Graph from a lens: input file, the bus sees the whole run, the message opens the trace', async () => {
    let offered: string[] = [];
    vscode.script.quickPicks.push((labels) => {
      offered = labels;
      return pickLabel(/inputs[\\/]hello\.json/)(labels);
    });
    vscode.script.buttons.push({ match: /Answer succeeded/, button: 'Open Trace' });
    await vscode.commands.executeCommand('agentgraph.runGraph', { uri: specUri().toString(), name: 'Answer' });

    assert.ok(!offered.some((l) => l.includes('other.json')), 'an input of another graph is not offered');
    assert.ok(offered.includes('$(edit) Fill in a form…') && offered.includes('$(code) Type JSON…'));
    assert.equal(started.length, 1);
    assert.equal(started[0]!.kind, 'run');
    assert.equal(started[0]!.graph, 'Answer');
    assert.equal(started[0]!.provider, 'simulated');
    const mine = events.filter((e) => e.session === started[0]!.id).map((e) => e.event);
    assert.equal(mine[0]?.type, 'run_start');
    assert.equal(mine.at(-1)?.type, 'run_end');
    assert.equal(ended.length, 1);
    assert.equal(ended[0]!.runId, mine[0]!.runId);
    assert.ok(ended[0]!.tracePath?.startsWith(path.join(ws, '.agentgraph', 'runs')));
    const msg = vscode.messages.find((m) => /Answer succeeded/.test(m.text));
    assert.ok(msg && msg.level === 'info', JSON.stringify(vscode.messages));
    assert.match(msg.text, /Answer succeeded · <?\$\d\.\d+ · [\d.]+ (ms|s) simulated · \d+ model calls/);
    assert.deepEqual(msg.buttons, ['Open Trace', 'Show Output']);
    const open = vscode.executed.find((c) => c.id === 'agentgraph.openTrace');
    assert.equal((open?.args[0] as vscode.Uri).fsPath, ended[0]!.tracePath);
  });

  test('the input used last time is offered first; typed JSON is checked against the parameters', async () => {
    let offered: string[] = [];
    vscode.script.quickPicks.push((labels) => {
      offered = labels;
      return pickLabel(/Type JSON/)(labels);
    });
    let validate: ((v: string) => string | undefined) | undefined;
    vscode.script.inputBoxes.push((o) => {
      validate = o.validateInput;
      return '{"q": {"text": "typed"}}';
    });
    await vscode.commands.executeCommand('agentgraph.runGraph', specUri());
    assert.match(offered[0]!, /^\$\(history\) \{"q":\{"text":"hello"\}\}/);
    assert.match(validate?.('{"x": 1}') ?? '', /Missing parameter: q/);
    assert.equal(ended.length, 1);
    const start = events.find((e) => e.event.type === 'run_start')?.event;
    assert.ok(start?.type === 'run_start');
    assert.deepEqual(start.input, { q: { text: 'typed' } });
  });

  test('Simulate Faults: presets of the graph, a retried timeout and a failing tool, published as kind faults', async () => {
    let presets: string[] = [];
    vscode.script.quickPicks.push((labels) => {
      presets = labels;
      return labels.filter((l) => l === 'answer times out on first attempt' || l === 'lookup throws');
    });
    vscode.script.quickPicks.push(pickLabel(/history/));
    await vscode.commands.executeCommand('agentgraph.simulateFaults', { uri: specUri().toString(), name: 'Answer' });
    assert.deepEqual(presets, ['answer times out on first attempt', 'answer: provider returns 429s', 'answer: server error 5xx', 'lookup throws', 'Custom…']);
    assert.equal(started[0]?.kind, 'faults');
    const evs = events.map((e) => e.event);
    assert.ok(evs.some((e) => e.type === 'node_status' && e.node === 'answer' && e.status === 'retrying'));
    assert.ok(evs.some((e) => e.type === 'span_end' && e.span.kind === 'tool_call' && e.span.status === 'error' && /injected fault: lookup threw/.test(e.span.error ?? '')));
    assert.equal(ended.length, 1);
  });

  test('Cancel on the progress notification, and agentgraph.cancelRun with a session id, cancel the run', async () => {
    vscode.script.quickPicks.push(pickLabel(/Type JSON/));
    vscode.script.inputBoxes.push(() => '{"q": {"text": "slow"}}');
    vscode.script.onProgress = (cancel) => void setTimeout(cancel, 1500);
    const t0 = Date.now();
    try {
      await vscode.commands.executeCommand('agentgraph.runGraph', { uri: slowUri().toString(), name: 'Slow' });
    } finally {
      vscode.script.onProgress = undefined;
    }
    assert.ok(Date.now() - t0 < 15_000, 'the run stopped long before the tool would have finished');
    assert.match(vscode.messages.at(-1)?.text ?? '', /Slow was cancelled/);
    const end = events.at(-1)?.event;
    assert.ok(end?.type === 'run_end' && end.outcome === 'cancelled');
    assert.equal(ended.length, 1);

    vscode.script.quickPicks.push(pickLabel(/history/));
    const sub = bus.onDidStart((s) => void setTimeout(() => void vscode.commands.executeCommand('agentgraph.cancelRun', s.id), 1500));
    try {
      await vscode.commands.executeCommand('agentgraph.runGraph', { uri: slowUri().toString(), name: 'Slow' });
    } finally {
      sub.dispose();
    }
    assert.match(vscode.messages.at(-1)?.text ?? '', /Slow was cancelled/);
    assert.equal(ended.length, 2);
  });

  test('the openai provider: the key set with Set API Key reaches the endpoint and nothing else', async () => {
    const SENTINEL = 'sk-SENTINEL-client-91c3e0aa7d';
    const fake = await startFakeOpenAI();
    try {
      vscode.script.inputBoxes.push(() => SENTINEL);
      await vscode.commands.executeCommand('agentgraph.setApiKey');
      vscode.settings.set('agentgraph.run.provider', 'openai');
      vscode.settings.set('agentgraph.openai.baseUrl', fake.baseURL);
      vscode.settings.set('agentgraph.openai.model', 'editor-model');
      // With a key stored the Provider step appears, the setting's choice first.
      let providers: string[] = [];
      vscode.script.quickPicks.push((labels) => {
        providers = labels;
        return [labels[0]!];
      });
      vscode.script.quickPicks.push(pickLabel(/inputs[\\/]hello\.json/));
      await vscode.commands.executeCommand('agentgraph.runGraph', { uri: specUri().toString(), name: 'Answer' });
      assert.deepEqual(providers, ['$(cloud) OpenAI-compatible', '$(beaker) Simulated', '$(debug-disconnect) Simulated with faults…']);
      assert.equal(started[0]?.provider, 'openai');
      assert.ok(fake.requests.length > 0);
      for (const r of fake.requests) {
        assert.equal(r.headers.authorization, `Bearer ${SENTINEL}`);
        assert.equal(r.body.model, 'editor-model');
      }
      assert.match(vscode.messages.at(-1)?.text ?? '', /Answer succeeded/);
      assert.ok(!JSON.stringify({ events, ended, messages: vscode.messages }).includes(SENTINEL));
    } finally {
      vscode.settings.clear();
      await fake.close();
    }
  });

  test('the Provider step: endpoint and model shown, the choice remembered per graph, faults lead to the faults flow, off by setting', async () => {
    // The tests above ran with nothing configured and saw no Provider step; a stored key brings it.
    const fake = await startFakeOpenAI();
    const offered: { label: string; description?: string }[][] = [];
    const choose = (re: RegExp) =>
      vscode.script.quickPicks.push((labels) => {
        offered.push(labels.map((label) => ({ label })));
        return pickLabel(re)(labels);
      });
    try {
      vscode.script.inputBoxes.push(() => 'sk-provider-step-0001');
      await vscode.commands.executeCommand('agentgraph.setApiKey');
      vscode.settings.set('agentgraph.openai.baseUrl', fake.baseURL);
      const lens = { uri: specUri().toString(), name: 'Answer' };
      // The test before chose OpenAI for this graph; start from no memory.
      await vscode.memento.update(providerChoiceKey(specUri().fsPath, 'Answer'), undefined);

      // The setting says simulated, so Simulated comes first; OpenAI is picked and remembered.
      choose(/OpenAI-compatible/);
      vscode.script.quickPicks.push(pickLabel(/history/));
      await vscode.commands.executeCommand('agentgraph.runGraph', lens);
      assert.equal(offered[0]![0]!.label, '$(beaker) Simulated');
      assert.equal(started.at(-1)?.provider, 'openai');
      assert.ok(fake.requests.length > 0, 'the endpoint of the settings was called');
      assert.ok(fake.requests.every((r) => r.body.model === 'gpt-4o-mini'), "without a model setting each model's own id");

      // Next time the graph's last choice comes first; Simulated runs without the endpoint.
      const calls = fake.requests.length;
      choose(/Simulated$/);
      vscode.script.quickPicks.push(pickLabel(/history/));
      await vscode.commands.executeCommand('agentgraph.runGraph', lens);
      assert.equal(offered[1]![0]!.label, '$(cloud) OpenAI-compatible');
      assert.equal(started.at(-1)?.provider, 'simulated');
      assert.equal(fake.requests.length, calls);

      // Faults: the presets, then the input; the session is a fault simulation.
      choose(/with faults/);
      vscode.script.quickPicks.push((labels) => labels.filter((l) => l === 'lookup throws'));
      vscode.script.quickPicks.push(pickLabel(/history/));
      await vscode.commands.executeCommand('agentgraph.runGraph', lens);
      assert.equal(offered[2]![0]!.label, '$(beaker) Simulated', 'faults are not remembered; the simulated choice is');
      assert.equal(started.at(-1)?.kind, 'faults');
      assert.ok(events.some((e) => e.session === started.at(-1)!.id && e.event.type === 'span_end' && e.event.span.kind === 'tool_call' && /injected fault/.test(e.event.span.error ?? '')));

      // Dismissing the step runs nothing.
      const before = started.length;
      vscode.script.quickPicks.push(() => undefined);
      await vscode.commands.executeCommand('agentgraph.runGraph', lens);
      assert.equal(started.length, before);

      // askProvider off: the setting decides, the first pick is the input.
      vscode.settings.set('agentgraph.run.askProvider', false);
      let first: string[] = [];
      vscode.script.quickPicks.push((labels) => {
        first = labels;
        return pickLabel(/history/)(labels);
      });
      await vscode.commands.executeCommand('agentgraph.runGraph', lens);
      assert.ok(first.some((l) => l.includes('$(history)')), first.join(' | '));
      assert.equal(started.at(-1)?.provider, 'simulated');
    } finally {
      vscode.settings.clear();
      vscode.script.inputBoxes.push(() => '');
      await vscode.commands.executeCommand('agentgraph.setApiKey');
      await fake.close();
    }
  });

  test('provider settings: normalized values, the secret only in env, simulated when forced', async () => {
    assert.deepEqual(normalizeProviderSettings({ provider: 'gpt', baseUrl: '  ', model: 3 }), { provider: 'simulated' });
    assert.deepEqual(normalizeProviderSettings({ provider: 'openai', baseUrl: ' http://x/v1 ', model: 'm' }), { provider: 'openai', baseUrl: 'http://x/v1', model: 'm' });
    const secrets = new Map([['agentgraph.openai.apiKey', 'sk-test-123456']]);
    const context = { secrets: { get: async (k: string) => secrets.get(k) } } as never;
    try {
      vscode.settings.set('agentgraph.run.provider', 'openai');
      vscode.settings.set('agentgraph.openai.model', 'gpt-x');
      assert.deepEqual(await resolveProvider(context), { kind: 'openai', model: 'gpt-x', env: { OPENAI_API_KEY: 'sk-test-123456' } });
      assert.deepEqual(await resolveProvider(context, 'simulated'), { kind: 'simulated', env: {} });
    } finally {
      vscode.settings.clear();
    }
    assert.deepEqual(await resolveProvider(context), { kind: 'simulated', env: {} });
  });

  test('a spec with errors (an unsaved buffer) is refused with its first error; nothing starts', async () => {
    vscode.workspace.textDocuments = [{ uri: specUri(), isDirty: true, languageId: 'agentgraph', getText: () => SPEC.replace('model: fast', 'model: fsat') }];
    await vscode.commands.executeCommand('agentgraph.runGraph', { uri: specUri().toString(), name: 'Answer' });
    assert.equal(started.length, 0);
    const err = vscode.messages.find((m) => m.level === 'error');
    assert.match(err?.text ?? '', /has errors.*answer\.agentgraph:\d+:\d+: AG2001 Unknown model 'fsat'/);
  });

  test('in an untrusted workspace runs and fault simulations are refused, with a way to trust the folder', async () => {
    vscode.workspace.isTrusted = false;
    vscode.script.buttons.push({ match: /Restricted Mode/, button: 'Manage Workspace Trust' });
    await vscode.commands.executeCommand('agentgraph.runGraph', { uri: specUri().toString(), name: 'Answer' });
    await vscode.commands.executeCommand('agentgraph.simulateFaults', { uri: specUri().toString(), name: 'Answer' });
    assert.equal(started.length, 0);
    const warnings = vscode.messages.filter((m) => m.level === 'warning');
    assert.equal(warnings.length, 2);
    assert.match(warnings[0]!.text, /Running a graph is disabled in Restricted Mode, because it runs this folder's tool code/);
    assert.match(warnings[1]!.text, /Simulating faults is disabled/);
    await new Promise((r) => setImmediate(r));
    assert.ok(vscode.executed.some((c) => c.id === 'workbench.trust.manage'));
  });
});
