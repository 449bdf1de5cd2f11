// Drives the debug adapter as VS Code does: a separate process (the TypeScript entry under tsx)
// spoken to over DAP with @vscode/debugadapter-testsupport's DebugClient. A target is one spec
// copied into a temporary folder (runs write .agentgraph/ there) with its launch arguments.

import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';

// The suites run from the repository root (scripts/test.mjs).
export const REPO = process.cwd();

export class Target {
  readonly dir: string;
  readonly spec: string;
  readonly text: string;

  /** Copies `files` (repository paths → names in the folder); the first one is the spec. */
  constructor(
    files: [string, string][],
    private readonly launchArgs: Record<string, unknown>,
  ) {
    this.dir = mkdtempSync(path.join(os.tmpdir(), 'agentgraph-debug-'));
    for (const [from, to] of files) cpSync(path.join(REPO, from), path.join(this.dir, to), { recursive: true });
    this.spec = path.join(this.dir, files[0]![1]);
    this.text = readFileSync(this.spec, 'utf8');
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** The 1-based line of the first line that contains `needle`. */
  lineOf(needle: string): number {
    const i = this.text.split('\n').findIndex((l) => l.includes(needle));
    assert.ok(i >= 0, needle);
    return i + 1;
  }

  async withClient(fn: (dc: DebugClient) => Promise<void>): Promise<void> {
    const dc = new DebugClient('node', path.join(REPO, 'server/src/debug/main.ts'), 'agentgraph', { cwd: REPO, env: { ...process.env, NODE_OPTIONS: '--import tsx' } });
    dc.defaultTimeout = 20000;
    await dc.start();
    try {
      await fn(dc);
    } finally {
      await dc.stop();
    }
  }

  /** Launches with these breakpoints (1-based lines, with optional condition or log message) set before the run starts. */
  async launch(dc: DebugClient, bps: DebugProtocol.SourceBreakpoint[], extra: Record<string, unknown> = {}): Promise<DebugProtocol.Breakpoint[]> {
    let placed: DebugProtocol.Breakpoint[] = [];
    await Promise.all([
      dc.waitForEvent('initialized').then(async () => {
        placed = (await dc.setBreakpointsRequest({ source: { path: this.spec }, breakpoints: bps })).body.breakpoints;
        await dc.configurationDoneRequest();
      }),
      dc.launch({ spec: this.spec, root: this.dir, ...this.launchArgs, ...extra }),
    ]);
    return placed;
  }

  /** Clears the breakpoints, continues and waits for the end: the exit code and everything printed. */
  async finish(dc: DebugClient): Promise<{ exitCode: number; output: string }> {
    const outputs: string[] = [];
    dc.on('output', (e: DebugProtocol.OutputEvent) => outputs.push(e.body.output));
    const exited = dc.waitForEvent('exited') as Promise<DebugProtocol.ExitedEvent>;
    const terminated = dc.waitForEvent('terminated');
    await dc.setBreakpointsRequest({ source: { path: this.spec }, breakpoints: [] });
    await dc.continueRequest({ threadId: 1 });
    const [e] = await Promise.all([exited, terminated]);
    return { exitCode: e.body.exitCode, output: outputs.join('') };
  }
}

export async function stopped(dc: DebugClient): Promise<DebugProtocol.StoppedEvent> {
  return (await dc.waitForEvent('stopped')) as DebugProtocol.StoppedEvent;
}

/** Sends a request that resumes the run and waits for the next stop (listening before it is sent). */
export async function after(dc: DebugClient, request: () => Promise<unknown>): Promise<DebugProtocol.StoppedEvent> {
  const next = stopped(dc);
  await request();
  return next;
}

export async function frames(dc: DebugClient, threadId = 1): Promise<DebugProtocol.StackFrame[]> {
  return (await dc.stackTraceRequest({ threadId })).body.stackFrames;
}

/** The variables of the first scope (the node) of the top frame of a thread, by name. */
export async function nodeVariables(dc: DebugClient, threadId = 1): Promise<Map<string, DebugProtocol.Variable>> {
  const f = await frames(dc, threadId);
  const scopes = (await dc.scopesRequest({ frameId: f[0]!.id })).body.scopes;
  const vars = (await dc.variablesRequest({ variablesReference: scopes[0]!.variablesReference })).body.variables;
  return new Map(vars.map((v) => [v.name, v]));
}

export async function evaluate(dc: DebugClient, expression: string): Promise<string> {
  return (await dc.evaluateRequest({ expression, context: 'repl' })).body.result;
}
