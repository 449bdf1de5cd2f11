// The trace viewer's host side on a stand-in `vscode` (../helpers/vscode-stub.ts): the live panel follows
// runs on the real RunBus and batches their events, the page has the strict CSP, reveal opens the
// spec beside at the recorded range (relative paths from the trace's workspace root), copy uses
// the clipboard, the custom editor sends the file's text, and the recent-runs list reads real
// run folders newest first, also for traces larger than what it reads of them.

import '../helpers/vscode-register.ts';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, test } from 'node:test';
import * as vscode from 'vscode';
import { RunBus } from '../../client/src/run/bus.ts';
import { LiveTrace } from '../../client/src/trace/live-trace.ts';
import { findRecentRuns } from '../../client/src/trace/recent-runs.ts';
import { TraceEditorProvider } from '../../client/src/trace/trace-editor.ts';
import type { RunEvent } from '../../webview/src/trace/model.ts';
import { recorded, settings, type FakePanel } from '../helpers/vscode-stub.ts';

const FIXTURES = path.join(__dirname, 'fixtures');
const fixture = (name: string) => readFileSync(path.join(FIXTURES, `${name}.jsonl`), 'utf8');
const events = (name: string) =>
  fixture(name)
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as RunEvent);
const extensionUri = vscode.Uri.file('/ext');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const panelOf = () => recorded.panels[recorded.panels.length - 1] as FakePanel;

afterEach(() => {
  recorded.reset();
  settings.delete('agentgraph.run.showDiagram');
});

describe('live trace panel', () => {
  test('with the diagram showing runs, a run does not open the live trace; Show Live Trace does, and it then follows runs in place', async () => {
    const bus = new RunBus();
    const live = new LiveTrace({ extensionUri, runs: bus, log: () => undefined, compareWith: () => undefined });
    try {
      const first = bus.start('run', vscode.Uri.file('/ws/examples/support.agentgraph'), 'Support', 'simulated');
      assert.equal(recorded.panels.length, 0, 'the animated diagram keeps its place in the editor group');
      bus.publish(first, events('support-technical')[0]!);
      live.show();
      assert.equal(recorded.panels.length, 1);
      const panel = panelOf();
      panel.webview.receive({ type: 'ready' });
      await sleep(80);
      assert.ok(panel.webview.sent.some((m) => m.type === 'events'), 'events from before the panel opened are sent');
      const reveals = panel.revealed;
      bus.start('debug', vscode.Uri.file('/ws/examples/support.agentgraph'), 'Support', 'simulated');
      assert.equal(recorded.panels.length, 1);
      assert.match(panel.title, /Support \(debug, live\)/);
      assert.equal(panel.revealed, reveals, 'an open panel follows the new run without coming to the front');
    } finally {
      live.dispose();
    }
  });

  test('follows a run on the bus: opens beside, batches thousands of events, ends; the next run reuses the panel', async () => {
    // With `agentgraph.run.showDiagram` off the live trace is the run's only view, so it opens by itself.
    settings.set('agentgraph.run.showDiagram', false);
    const bus = new RunBus();
    const live = new LiveTrace({ extensionUri, runs: bus, log: () => undefined, compareWith: () => undefined });
    try {
      const session = bus.start('run', vscode.Uri.file('/ws/examples/support.agentgraph'), 'Support', 'simulated');
      assert.equal(recorded.panels.length, 1);
      const panel = panelOf();
      assert.equal(panel.viewType, 'agentgraph.liveTrace');
      const html = panel.webview.html;
      assert.match(html, /script-src 'nonce-[A-Za-z0-9_-]+'/);
      assert.match(html, /<script nonce="[^"]+" src="vscode-src\/ext\/dist\/trace\.js"><\/script>/);
      assert.deepEqual(panel.webview.options, { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist')] });
      // Events published before the page is ready are queued, then sent in order.
      const base = events('support-technical');
      const many: RunEvent[] = [];
      for (let i = 0; i < 25; i++) many.push(...base);
      for (const e of many.slice(0, 100)) bus.publish(session, e);
      await sleep(80);
      assert.equal(panel.webview.sent.length, 0, 'nothing is posted before ready');
      panel.webview.receive({ type: 'ready' });
      for (const e of many.slice(100)) bus.publish(session, e);
      await sleep(80);
      bus.end({ session, runId: 'R', tracePath: '/ws/.agentgraph/runs/R/trace.jsonl' });
      const sent = panel.webview.sent;
      assert.equal(sent[0]!.type, 'live');
      assert.equal(sent[0]!.provider, 'simulated');
      const batches = sent.filter((m) => m.type === 'events') as unknown as { events: RunEvent[] }[];
      assert.deepEqual(
        batches.flatMap((b) => b.events.map((e) => e.seq)),
        many.map((e) => e.seq),
        'every event once, in order',
      );
      assert.ok(batches.length <= 5, `${many.length} events in ${batches.length} messages`);
      assert.equal(sent[sent.length - 1]!.type, 'ended');
      // Another session on the bus: the same panel follows it from the start.
      const before = sent.length;
      const next = bus.start('faults', vscode.Uri.file('/ws/examples/support.agentgraph'), 'Support', 'simulated');
      assert.equal(recorded.panels.length, 1);
      assert.equal(sent[before]!.type, 'live');
      assert.match(panel.title, /Support \(faults, live\)/);
      // Events of other sessions are ignored.
      bus.publish(session, base[0]!);
      bus.publish(next, base[1]!);
      await sleep(80);
      const after = sent.slice(before).filter((m) => m.type === 'events') as unknown as { events: RunEvent[] }[];
      assert.deepEqual(
        after.flatMap((b) => b.events.map((e) => e.seq)),
        [base[1]!.seq],
      );
    } finally {
      live.dispose();
      bus.dispose();
    }
  });
});

describe('trace custom editor', () => {
  test('sends the file, reveals declarations from the workspace root, copies to the clipboard', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'agentgraph-trace-host-'));
    try {
      const dir = path.join(root, '.agentgraph', 'runs', 'Support-1');
      mkdirSync(dir, { recursive: true });
      const file = path.join(dir, 'trace.jsonl');
      writeFileSync(file, fixture('support-human'));
      const compared: string[] = [];
      const provider = new TraceEditorProvider({ extensionUri, log: () => undefined, compareWith: (u) => compared.push(u.fsPath) });
      const panel = new (await import('../helpers/vscode-stub.ts')).FakePanel('agentgraph.trace', 'trace');
      const doc = provider.openCustomDocument(vscode.Uri.file(file));
      await provider.resolveCustomEditor(doc, panel as unknown as vscode.WebviewPanel);
      panel.webview.receive({ type: 'ready' });
      const msg = panel.webview.sent[0] as { type: string; text: string; title: string };
      assert.equal(msg.type, 'trace');
      assert.equal(msg.text, fixture('support-human'));
      assert.match(msg.title, /Support-1/);
      panel.webview.receive({ type: 'reveal', spanId: '1.2', range: { file: 'examples/support.agentgraph', start: { line: 203, character: 11 }, end: { line: 203, character: 17 } } });
      await sleep(10);
      assert.equal(recorded.shown.length, 1);
      assert.equal(recorded.shown[0]!.file, path.join(root, 'examples/support.agentgraph'));
      const o = recorded.shown[0]!.options;
      assert.deepEqual([o.selection.start.line, o.selection.start.character, o.selection.end.line, o.selection.end.character], [203, 11, 203, 17]);
      assert.equal(o.viewColumn, vscode.ViewColumn.Beside);
      assert.equal(o.preserveFocus, true);
      panel.webview.receive({ type: 'copy', text: '{"a": 1}' });
      await sleep(10);
      assert.deepEqual(recorded.clipboard, ['{"a": 1}']);
      panel.webview.receive({ type: 'compareWith' });
      assert.deepEqual(compared, [file]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('recent runs', () => {
  test('newest first, with graph, outcome, cost and provider, also for large traces', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'agentgraph-trace-runs-'));
    try {
      const write = (id: string, text: string, ageS: number) => {
        const dir = path.join(root, '.agentgraph', 'runs', id);
        mkdirSync(dir, { recursive: true });
        const f = path.join(dir, 'trace.jsonl');
        writeFileSync(f, text);
        const t = Date.now() / 1000 - ageS;
        utimesSync(f, t, t);
      };
      write('old', fixture('support-failed'), 300);
      // A trace bigger than the two 64 kB chunks read of it: its middle is repeated.
      const lines = fixture('support-technical').trim().split('\n');
      const big = [lines[0], lines[1], ...Array.from({ length: 20 }, () => lines.slice(2, -2)).flat(), ...lines.slice(-2)].join('\n') + '\n';
      assert.ok(big.length > 3 * 64 * 1024);
      write('big', big, 100);
      write('new', fixture('support-human'), 10);
      mkdirSync(path.join(root, '.agentgraph', 'runs', 'empty'));
      const runs = await findRecentRuns([root, path.join(root, 'missing')]);
      assert.deepEqual(
        runs.map((r) => r.runId),
        ['new', 'big', 'old'],
      );
      assert.deepEqual(
        runs.map((r) => [r.headline.graph, r.headline.outcome, r.headline.provider]),
        [
          ['Support', 'succeeded', 'simulated'],
          ['Support', 'succeeded', 'simulated'],
          ['Support', 'failed', 'simulated'],
        ],
      );
      assert.ok(runs[1]!.headline.costUsd! > 0.004);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
