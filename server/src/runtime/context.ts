// What every part of one run shares: the IR (indexed by name), the injected I/O (provider, clock,
// human channel, cache, checkpoint store) and the run's tracer and cancellation signal.

import type { AgentIR, GraphIR, HumanIR, IR, ModelIR, ToolIR } from '../ir/schema.ts';
import type { Clock, Provider } from './provider.ts';
import type { HumanChannel } from './human.ts';
import type { ResponseCache } from './cache.ts';
import type { Checkpointer } from './checkpoint.ts';
import type { Tracer } from './trace.ts';
import type { ToolRunner } from './tools.ts';
import type { StopScope } from './policies.ts';
import type { DebugHooks } from './debug.ts';
import { RuntimeError } from './errors.ts';

export class IRIndex {
  private readonly models: Map<string, ModelIR>;
  private readonly tools: Map<string, ToolIR>;
  private readonly agents: Map<string, AgentIR>;
  private readonly humans: Map<string, HumanIR>;
  private readonly graphs: Map<string, GraphIR>;

  private static readonly cache = new WeakMap<IR, IRIndex>();

  /** The index of an IR, built once per IR object (runs of the same IR share it). */
  static of(ir: IR): IRIndex {
    let idx = IRIndex.cache.get(ir);
    if (!idx) IRIndex.cache.set(ir, (idx = new IRIndex(ir)));
    return idx;
  }

  constructor(readonly ir: IR) {
    this.models = new Map(ir.models.map((m) => [m.name, m]));
    this.tools = new Map(ir.tools.map((t) => [t.name, t]));
    this.agents = new Map(ir.agents.map((a) => [a.name, a]));
    this.humans = new Map(ir.humans.map((h) => [h.name, h]));
    this.graphs = new Map(ir.graphs.map((g) => [g.name, g]));
  }

  private get<T>(map: Map<string, T>, what: string, name: string): T {
    const v = map.get(name);
    if (!v) throw new RuntimeError('internal', `the IR has no ${what} named '${name}'`);
    return v;
  }

  model(name: string): ModelIR {
    return this.get(this.models, 'model', name);
  }
  tool(name: string): ToolIR {
    return this.get(this.tools, 'tool', name);
  }
  agent(name: string): AgentIR {
    return this.get(this.agents, 'agent', name);
  }
  human(name: string): HumanIR {
    return this.get(this.humans, 'human', name);
  }
  graph(name: string): GraphIR {
    return this.get(this.graphs, 'graph', name);
  }
  hasGraph(name: string): boolean {
    return this.graphs.has(name);
  }
  hasHuman(name: string): boolean {
    return this.humans.has(name);
  }
  /** The parameters of whatever callable has this name (names are unique across kinds). */
  paramsOf(name: string): { name: string; schema: Record<string, unknown> }[] {
    const c = this.agents.get(name) ?? this.tools.get(name) ?? this.graphs.get(name) ?? this.humans.get(name);
    if (!c) throw new RuntimeError('internal', `the IR has nothing named '${name}'`);
    return c.params;
  }
}

export interface RunContext {
  ir: IRIndex;
  runId: string;
  provider: Provider;
  clock: Clock;
  human: HumanChannel;
  tracer: Tracer;
  cache?: ResponseCache;
  noCache: boolean;
  tools: ToolRunner;
  checkpoint: Checkpointer;
  seed: number;
  /** Stops when the run is cancelled or over. */
  signal: StopScope;
  /** A debugger's hooks (absent in ordinary runs: every call site checks this one property). */
  debug?: DebugHooks;
}
