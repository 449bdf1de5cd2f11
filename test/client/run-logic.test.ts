// The run commands' logic that needs no VS Code: the recent-inputs store, input checking against a
// graph's real input schema, fault presets built from a real graph (each must parse as a fault
// spec), the progress line and the end-of-run summary.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { buildFaultPresets, combineFaults, customFaultError } from '../../client/src/run/fault-presets.ts';
import { checkInputText, checkInputValue } from '../../client/src/run/input-check.ts';
import { addRecent, canonicalJson, inputPreview, MAX_RECENT, RecentInputs, recentKey, type KeyValueStore } from '../../client/src/run/recent-inputs.ts';
import { formatCost, formatLatency, RunProgress, runSummary } from '../../client/src/run/run-format.ts';
import { describeGraphs } from '../../server/src/runhost/describe.ts';
import { loadSpec } from '../../server/src/runhost/load-spec.ts';
import type { DoneMessage, GraphDescription } from '../../server/src/runhost/protocol.ts';
import { parseFaultSpec } from '../../server/src/runtime/providers/faults.ts';
import type { RunEvent, RunEventBody } from '../../server/src/runtime/trace.ts';
import { zeroTotals } from '../../server/src/runtime/budget.ts';

const ROOT = path.resolve(__dirname, '../..');

function support(): GraphDescription {
  const r = loadSpec(path.join(ROOT, 'examples/support.agentgraph'), { root: path.join(ROOT, 'examples') });
  assert.ok(r.ok, r.ok ? '' : r.errors.join('\n'));
  return describeGraphs(r.ir).find((g) => g.name === 'Support')!;
}

class MapStore implements KeyValueStore {
  readonly data = new Map<string, unknown>();
  get<T>(key: string): T | undefined {
    return this.data.get(key) as T | undefined;
  }
  update(key: string, value: unknown): Promise<void> {
    this.data.set(key, JSON.parse(JSON.stringify(value)));
    return Promise.resolve();
  }
}

describe('recent inputs', () => {
  test('newest first, duplicates (in any key order) moved up, at most MAX_RECENT, per spec and graph', async () => {
    let now = 1000;
    const store = new MapStore();
    const recent = new RecentInputs(store, () => now++);
    await recent.remember('/a.agentgraph', 'G', { x: 1, y: 2 });
    await recent.remember('/a.agentgraph', 'G', { x: 3 });
    await recent.remember('/a.agentgraph', 'G', { y: 2, x: 1 });
    assert.deepEqual(
      recent.list('/a.agentgraph', 'G').map((r) => r.value),
      [{ y: 2, x: 1 }, { x: 3 }],
    );
    assert.equal(recent.list('/a.agentgraph', 'G')[0]!.usedAt, 1002);
    assert.deepEqual(recent.list('/a.agentgraph', 'H'), []);
    assert.deepEqual(recent.list('/b.agentgraph', 'G'), []);
    for (let i = 0; i < 15; i++) await recent.remember('/a.agentgraph', 'G', { i });
    const list = recent.list('/a.agentgraph', 'G');
    assert.equal(list.length, MAX_RECENT);
    assert.deepEqual(list[0]!.value, { i: 14 });
  });

  test('malformed stored data is dropped, not thrown on', () => {
    const store = new MapStore();
    store.data.set(recentKey('/s', 'G'), [{ value: 1, usedAt: 5 }, 'junk', { usedAt: 'x' }, null]);
    assert.deepEqual(new RecentInputs(store).list('/s', 'G'), [{ value: 1, usedAt: 5 }]);
    store.data.set(recentKey('/s', 'G'), { not: 'a list' });
    assert.deepEqual(new RecentInputs(store).list('/s', 'G'), []);
  });

  test('helpers: canonical JSON, addRecent with a limit, previews', () => {
    assert.equal(canonicalJson({ b: [1, { d: 1, c: 2 }], a: null }), '{"a":null,"b":[1,{"c":2,"d":1}]}');
    assert.deepEqual(addRecent([{ value: 1, usedAt: 1 }], 2, 9, 1), [{ value: 2, usedAt: 9 }]);
    assert.equal(inputPreview({ text: 'x'.repeat(200) }, 20).length, 20);
    assert.ok(inputPreview({ text: 'x'.repeat(200) }, 20).endsWith('…'));
    assert.equal(inputPreview({ a: 'b\n\nc' }), '{"a":"b\\n\\nc"}');
  });
});

describe('input check', () => {
  const g = support();

  test('the example input fits the Support graph', () => {
    const r = checkInputText(JSON.stringify({ ticket: { id: 'T', customer_id: 'C', subject: 's', body: 'b', tier: 'pro' } }), g.input);
    assert.ok(r.ok);
  });

  test('bad JSON, a non-object, a missing or unknown parameter and a wrong type are caught', () => {
    const err = (t: string) => {
      const r = checkInputText(t, g.input);
      assert.ok(!r.ok, t);
      return r.error;
    };
    assert.match(err('{"ticket": '), /Not valid JSON/);
    assert.match(err('[1]'), /must be a JSON object/);
    assert.match(err('{}'), /Missing parameter: ticket/);
    assert.match(err('{"ticket": {}, "extra": 1}'), /Unknown parameter: extra \(the graph takes ticket\)/);
    assert.match(err('{"ticket": "T-1"}'), /Parameter ticket has the wrong type \(string\)/);
  });

  test('unions, enums and integers', () => {
    const schema = {
      type: 'object',
      properties: { n: { type: 'number' }, mode: { enum: ['a', 'b'] }, note: { anyOf: [{ type: 'string' }, { type: 'null' }] } },
      required: ['n'],
      additionalProperties: false,
    };
    assert.ok(checkInputValue({ n: 3, mode: 'a', note: null }, schema).ok);
    assert.ok(!checkInputValue({ n: 3, mode: 'c' }, schema).ok);
    assert.ok(!checkInputValue({ n: 3, note: 4 }, schema).ok);
  });
});

describe('fault presets', () => {
  const g = support();
  const presets = buildFaultPresets(g);

  test('three presets per agent and one per tool, each a valid fault', () => {
    assert.equal(presets.length, g.agents.length * 3 + g.tools.length);
    for (const p of presets) {
      assert.ok(p.spec || p.toolFault, p.label);
      if (p.spec) assert.doesNotThrow(() => parseFaultSpec(p.spec!), p.spec);
    }
    const labels = presets.map((p) => p.label);
    assert.ok(labels.includes('triage times out on first attempt'));
    assert.ok(labels.includes('triage: provider returns 429s'));
    assert.ok(labels.includes('billing: server error 5xx'));
    assert.ok(labels.includes('list_invoices throws'));
    assert.match(presets.find((p) => p.label === 'triage times out on first attempt')!.description, /retries 2×, falls back to smart/);
  });

  test('the faults target the right agent, model and attempts', () => {
    const plan = parseFaultSpec(presets.find((p) => p.label === 'billing: server error 5xx')!.spec!);
    assert.deepEqual(plan.faults, [{ agent: 'billing', model: 'smart', kind: 'server', status: 500 }]);
    const timeout = parseFaultSpec(presets.find((p) => p.label === 'triage times out on first attempt')!.spec!);
    assert.deepEqual(timeout.faults, [{ agent: 'triage', kind: 'timeout', attempts: [1] }]);
  });

  test('combining presets with a custom spec; custom spec validation', () => {
    const chosen = presets.filter((p) => p.label === 'triage times out on first attempt' || p.label === 'search_kb throws');
    assert.deepEqual(combineFaults(chosen, ' review:429@1 '), { faults: 'triage:timeout@1,review:429@1', toolFaults: [{ tool: 'search_kb' }] });
    assert.deepEqual(combineFaults([]), { faults: '', toolFaults: [] });
    assert.equal(customFaultError('triage:timeout@1,*:429@0.2'), undefined);
    assert.match(customFaultError('triage:explode') ?? '', /unknown kind "explode"/);
    assert.match(customFaultError('  ') ?? '', /Enter at least one fault/);
  });
});

describe('progress and summary', () => {
  let seq = 0;
  const ev = (body: RunEventBody): RunEvent => ({ ...body, seq: ++seq, runId: 'r', time: 0 }) as RunEvent;

  test('the progress line follows running nodes, retries, people and cost', () => {
    const p = new RunProgress();
    assert.equal(p.text(), '0 nodes done · $0.00');
    p.onEvent(ev({ type: 'node_status', node: 'triage', status: 'running', costUsd: 0 }));
    assert.equal(p.text(), 'triage · 0 nodes done · $0.00');
    p.onEvent(ev({ type: 'node_status', node: 'triage', status: 'retrying', attempt: 2, costUsd: 0.002 }));
    p.onEvent(ev({ type: 'node_status', node: 'triage', status: 'succeeded', costUsd: 0.003 }));
    p.onEvent(ev({ type: 'node_status', node: 'lead', status: 'running', costUsd: 0.003 }));
    p.onEvent(ev({ type: 'node_status', node: 'lead', status: 'waiting_for_human', costUsd: 0.003 }));
    assert.equal(p.text(), 'waiting for lead · 1 node done · 1 retry · $0.0030');
    p.onEvent(ev({ type: 'node_status', node: 'lead', status: 'succeeded', costUsd: 0.003 }));
    p.onEvent(ev({ type: 'run_end', outcome: 'succeeded', totals: { ...zeroTotals(), costUsd: 0.25 } }));
    assert.equal(p.text(), '2 nodes done · 1 retry · $0.25');
  });

  test('the summary names outcome, cost, latency and the error', () => {
    const done: DoneMessage = { type: 'done', runId: 'r', graph: 'Support', outcome: 'succeeded', totals: { ...zeroTotals(), costUsd: 0.0213, latencyMs: 4200, modelCalls: 9 }, escalated: false, nodes: [] };
    assert.equal(runSummary(done, 'simulated'), 'Support succeeded · $0.02 · 4.2 s simulated · 9 model calls');
    assert.equal(
      runSummary({ ...done, outcome: 'failed', error: { kind: 'node_failed', message: 'billing failed' }, escalated: true }, 'openai'),
      'Support failed · $0.02 · 4.2 s · 9 model calls · escalated: billing failed',
    );
    assert.equal(formatCost(0.0042), '$0.0042');
    assert.equal(formatCost(0.000007), '<$0.0001');
    assert.equal(formatCost(0), '$0.00');
    assert.equal(formatLatency(125_000), '2 min 5 s');
    assert.equal(formatLatency(12), '12 ms');
  });
});

describe('run contributions', () => {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    capabilities: { untrustedWorkspaces: { supported: string; description: string; restrictedConfigurations: string[] } };
    contributes: { commands: { command: string; icon?: string }[]; menus: Record<string, { command: string; when?: string }[]>; configuration: { properties: Record<string, { default?: unknown; enum?: string[] }> } };
  };

  test('limited support in untrusted workspaces, with the endpoint settings restricted', () => {
    const u = pkg.capabilities.untrustedWorkspaces;
    assert.equal(u.supported, 'limited');
    assert.match(u.description, /does not run graphs/);
    assert.ok(u.restrictedConfigurations.includes('agentgraph.openai.baseUrl'));
  });

  test('Run Graph has a play button on .agentgraph editors and is a lens command; the provider settings exist', () => {
    const cmd = (id: string) => pkg.contributes.commands.find((c) => c.command === id);
    assert.equal(cmd('agentgraph.runGraph')?.icon, '$(play)');
    for (const id of ['agentgraph.simulateFaults', 'agentgraph.cancelRun', 'agentgraph.setApiKey']) assert.ok(cmd(id), id);
    assert.ok(pkg.contributes.menus['editor/title']!.some((m) => m.command === 'agentgraph.runGraph' && m.when === 'resourceLangId == agentgraph'));
    assert.ok(pkg.contributes.menus.commandPalette!.some((m) => m.command === 'agentgraph.cancelRun' && m.when === 'agentgraph.runActive'));
    const props = pkg.contributes.configuration.properties;
    assert.deepEqual(props['agentgraph.run.provider']?.enum, ['simulated', 'openai']);
    assert.equal(props['agentgraph.run.provider']?.default, 'simulated');
    assert.ok(props['agentgraph.openai.baseUrl'] && props['agentgraph.openai.model']);
    assert.ok(!Object.keys(props).some((k) => /key/i.test(k)), 'no API key setting: keys live in secret storage');
    assert.match(readFileSync(path.join(ROOT, 'client/src/extension.ts'), 'utf8'), /LENS_COMMANDS = \[[^\]]*'agentgraph\.runGraph'/);
  });
});
