// One run in the run host, independent of how messages travel (main.ts wires it to IPC): compile
// the spec with the editor's unsaved buffers, build the provider the way `agentgraph run` does
// (simulated on virtual time with seed, faults and fixtures; or OpenAI-compatible on real time
// with the editor's base URL and model overrides), wrap the tools when some are to fail, and run
// the graph with the response cache and run folders under the workspace's `.agentgraph/`.
// Every message that leaves is redacted with the run's secrets (the API key in particular).

import * as path from 'node:path';
import type { Clock, Provider } from '../runtime/provider.ts';
import { createProvider, realClock, VirtualClock } from '../runtime/providers/index.ts';
import { withOpenAIOverrides } from '../runtime/providers/overrides.ts';
import { Redactor } from '../runtime/redact.ts';
import { runGraph } from '../runtime/run.ts';
import { ModuleToolLoader, type ToolLoader } from '../runtime/tools.ts';
import { IpcHuman } from './ipc-human.ts';
import { loadSpec } from './load-spec.ts';
import { describeGraphs } from './describe.ts';
import type { ChildMessage, DescribeMessage, HumanAnswerMessage, StartMessage } from './protocol.ts';
import { FaultyToolLoader, unknownFaultTools } from './tool-faults.ts';

export interface SessionIO {
  send(m: ChildMessage): void;
  env: Readonly<Record<string, string | undefined>>;
}

export class RunSession {
  private readonly controller = new AbortController();
  private human: IpcHuman | undefined;
  private redactor: Redactor;

  constructor(private readonly io: SessionIO) {
    this.redactor = Redactor.forRun(undefined, io.env);
  }

  /**
   * Sends a message with every string in it redacted. Trace events are already redacted by the
   * runtime's tracer (with the same secrets), so they are not scanned twice.
   */
  private send(m: ChildMessage): void {
    this.io.send(m.type === 'event' ? m : this.redactor.value(m));
  }

  cancel(): void {
    this.controller.abort();
  }

  answer(m: HumanAnswerMessage): void {
    this.human?.answer(m);
  }

  /** Compiles the spec and answers with its graphs (or its errors); runs nothing. */
  describe(m: DescribeMessage): void {
    let loaded: ReturnType<typeof loadSpec>;
    try {
      loaded = loadSpec(m.specPath, { root: m.root, overlays: m.overlays });
    } catch (err) {
      this.send({ type: 'described', id: m.id, message: `cannot compile ${path.basename(m.specPath)}: ${err instanceof Error ? err.message : String(err)}` });
      return;
    }
    if (loaded.ok) this.send({ type: 'described', id: m.id, graphs: describeGraphs(loaded.ir) });
    else this.send({ type: 'described', id: m.id, message: `${path.basename(m.specPath)} has errors; fix them first.`, diagnostics: loaded.errors });
  }

  /** Runs to the end and sends `done` or `error`; returns the process exit code. */
  async run(start: StartMessage): Promise<number> {
    const loaded = loadSpec(start.specPath, { root: start.root, overlays: start.overlays });
    if (!loaded.ok) {
      this.send({ type: 'error', message: `${path.basename(start.specPath)} has errors; fix them first.`, diagnostics: loaded.errors });
      return 2;
    }
    let ir = loaded.ir;
    const names = ir.graphs.map((g) => g.name);
    if (!names.includes(start.graph)) {
      this.send({ type: 'error', message: `no graph '${start.graph}' in ${path.basename(start.specPath)}; graphs: ${names.join(', ') || 'none'}` });
      return 2;
    }
    const unknown = unknownFaultTools(start.toolFaults ?? [], ir.tools);
    if (unknown.length) {
      this.send({ type: 'error', message: `the faults name tools the spec does not declare: ${unknown.join(', ')}` });
      return 2;
    }

    const seed = start.seed ?? 1;
    const clock: Clock = start.provider === 'simulated' ? new VirtualClock() : realClock;
    let provider: Provider;
    try {
      if (start.provider === 'simulated') {
        provider = createProvider('simulated', { seed, clock, fixtures: start.fixtures, faults: start.faults || undefined });
      } else {
        if (start.faults || start.fixtures) throw new Error('faults and fixtures only apply to the simulated provider');
        ir = withOpenAIOverrides(ir, start.openai);
        provider = createProvider('openai', { env: this.io.env });
      }
    } catch (err) {
      this.send({ type: 'error', message: err instanceof Error ? err.message : String(err) });
      return 2;
    }

    this.redactor = Redactor.forRun(ir, this.io.env);
    let tools: ToolLoader = new ModuleToolLoader();
    if (start.toolFaults?.length) tools = new FaultyToolLoader(tools, start.toolFaults);
    this.human = new IpcHuman((m) => this.send(m), (v) => this.redactor.value(v));
    const dotDir = path.join(loaded.root, '.agentgraph');
    const result = await runGraph({
      ir,
      graph: start.graph,
      input: start.input,
      provider,
      clock,
      human: this.human,
      tools,
      cacheDir: path.join(dotDir, 'cache'),
      noCache: start.noCache === true,
      runsDir: path.join(dotDir, 'runs'),
      seed,
      signal: this.controller.signal,
      onEvent: (event) => this.send({ type: 'event', event }),
      env: this.io.env,
    });
    this.send({
      type: 'done',
      runId: result.runId,
      graph: result.graph,
      outcome: result.outcome,
      ...(result.output !== undefined ? { output: result.output } : {}),
      ...(result.error ? { error: result.error } : {}),
      totals: result.totals,
      escalated: result.escalated,
      nodes: result.nodes,
      ...(result.tracePath ? { tracePath: result.tracePath } : {}),
    });
    return result.outcome === 'succeeded' ? 0 : 1;
  }
}
