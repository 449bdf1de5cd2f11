// The graph scheduler. A run starts by firing the `start` edges; every edge that fires activates
// its target with arguments evaluated at that moment (or ends the run with `end(expr)`). Node
// executions ("tasks") wait in a ready queue and run at most `concurrency` at a time; a fan-out
// `for v in list` activates one task per element and counts as finished once all are, with the
// list of outputs (in input order) as its value. Activations of a node that is still running wait
// for it, so a node's output and inputs always belong to one execution. Failures go to the node's
// supervisor; when nothing is left to run and `end` was not reached, the run fails as a dead end.

import type { EdgeIR, GraphIR, NodeIR } from '../ir/schema.ts';
import type { BudgetScope } from './budget.ts';
import type { RunContext } from './context.ts';
import { CancelledError, GraphTimeoutError, NodeFailedError, RuntimeError, isStop, messageOf } from './errors.ts';
import type { DebugHooks, DebugPathStep, DebugRunState, NodeStop } from './debug.ts';
import { EvalError, evaluate, renderTemplate, truthy, withVars, type Scope } from './evaluate.ts';
import { askHuman } from './human-wait.ts';
import { nodeSpanAttributes, performNode, type NodeCall, type SubgraphRunner } from './nodes.ts';
import { StopScope } from './policies.ts';
import { canonicalJson, sha256 } from './random.ts';
import { START, buildRoutes, chooseEdges, explainIdle, explainNoRoute, targetNames, type RouteTable } from './routing.ts';
import { check } from './schemas.ts';
import { Supervision, type SupervisionDecision } from './supervisor.ts';
import { attr, type Attributes, type Span } from './trace.ts';

type TargetIRT = EdgeIR['to'][number];

// Abort reasons for work still running when a graph finishes (made once: errors are costly).
const RUN_ENDED = new CancelledError('the run reached end');
const RUN_FAILED = new CancelledError('the run failed');
type Args = Record<string, unknown>;

interface NodeRun {
  node: NodeIR;
  /** Activation number of this node in this graph execution (for checkpoint keys). */
  k: number;
  restarts: number;
  mapped: boolean;
  items: Args[];
  tasks: Task[];
  results: unknown[];
  remaining: number;
  span?: Span;
  edge?: EdgeIR;
  done: boolean;
  restartReason?: string;
  /** The run that fired the edge activating this one (kept only while a debugger listens). */
  from?: NodeRun;
}

interface Task {
  run: NodeRun;
  index: number;
  restarts: number;
  state: 'ready' | 'running' | 'done' | 'failed' | 'cancelled';
  /** Stops the task alone (a supervisor restart) or with the graph (it follows the graph's scope). */
  scope: StopScope;
  restartReason?: string;
}

/** Nodes by name, built once per graph object. */
const nodeMaps = new WeakMap<GraphIR, Map<string, NodeIR>>();
function nodesOf(graph: GraphIR): Map<string, NodeIR> {
  let m = nodeMaps.get(graph);
  if (!m) nodeMaps.set(graph, (m = new Map(graph.nodes.map((n) => [n.name, n]))));
  return m;
}

export interface GraphRunOptions {
  ctx: RunContext;
  graph: GraphIR;
  input: Args;
  parentSpan: Span;
  budget: BudgetScope;
  /** Prefix of this execution's checkpoint keys ('' for the run's graph). */
  keyPrefix: string;
  signal: StopScope;
}

export interface GraphRunResult {
  output: unknown;
  escalated: boolean;
  outputs: Map<string, unknown>;
  visited: Set<string>;
}

export class GraphExecution {
  private readonly ctx: RunContext;
  private readonly graph: GraphIR;
  private readonly routes: RouteTable;
  private readonly nodes: Map<string, NodeIR>;
  private supervisionState?: Supervision;
  private readonly outputs = new Map<string, unknown>();
  private readonly inputs = new Map<string, unknown>();
  private readonly visited = new Set<string>();
  private readonly vars: Map<string, unknown>;
  private readonly fires = new Map<number, number>();
  private readonly joinDone = new Map<string, Set<string>>();
  private readonly activations = new Map<string, number>();
  private readonly active = new Map<string, NodeRun>();
  private readonly parked = new Map<string, NodeRun[]>();
  private readonly last = new Map<string, NodeRun>();
  private readonly deadEnds: string[] = [];
  private ready: Task[] = [];
  private inFlight = 0;
  private pendingOps = 0;
  private finished = false;
  private escalated = false;
  private outcome?: { ok: true; output: unknown } | { ok: false; error: unknown };
  private settle!: { resolve: (r: GraphRunResult) => void; reject: (e: unknown) => void };
  /** Stops this execution's tasks when it finishes (or fails). */
  private readonly stopScope = new StopScope();
  private readonly deadline?: number;
  /** What names in edge expressions see (the maps change as the run goes; the object does not). */
  private readonly scope: Scope;
  private readonly rootBudget: BudgetScope;
  private readonly holds = (e: EdgeIR): boolean => truthy(evaluate(e.when!, this.scope));
  private readonly subgraphRunner: SubgraphRunner = (graph, input, c, budget) => this.runSubgraph(graph, input, c, budget);

  constructor(private readonly o: GraphRunOptions) {
    this.ctx = o.ctx;
    this.graph = o.graph;
    this.routes = buildRoutes(o.graph);
    this.nodes = nodesOf(o.graph);
    this.vars = new Map(Object.entries(o.input));
    this.scope = { vars: this.vars, outputs: this.outputs, inputs: this.inputs, visited: this.visited };
    this.rootBudget = o.budget.root();
    if (o.graph.timeoutMs !== undefined) this.deadline = this.ctx.clock.now() + o.graph.timeoutMs;
  }

  /** Supervisor state, made at the first failure (most runs never need it). */
  private get supervision(): Supervision {
    return (this.supervisionState ??= new Supervision(this.graph.supervisors));
  }

  /** Node outputs and visited nodes so far (for the result of a run that did not succeed). */
  state(): { outputs: Map<string, unknown>; visited: Set<string> } {
    return { outputs: this.outputs, visited: this.visited };
  }

  private costSoFar(): number {
    return this.rootBudget.totals.costUsd;
  }

  run(): Promise<GraphRunResult> {
    return new Promise<GraphRunResult>((resolve, reject) => {
      this.settle = { resolve, reject };
      const signal = this.o.signal;
      // A stop from outside (a budget, an end elsewhere) passes its reason on; otherwise cancelled.
      const onAbort = () => this.stop(signal.reason instanceof Error && isStop(signal.reason) ? signal.reason : new CancelledError());
      if (signal.aborted) return onAbort();
      signal.onStop(onAbort);
      this.stopScope.onStop(() => signal.off(onAbort));
      this.guard(() => {
        if (!this.routeFrom(START)) this.deadEnds.push(explainNoRoute(START, this.routes.bySource.get(START), this.fires));
      });
      this.pump();
    });
  }

  /** Runs a scheduler step; an unexpected exception (a bad expression) fails the run. */
  private guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.stop(err instanceof EvalError ? new RuntimeError('expression', err.message) : err);
    }
  }

  // ---------------------------------------------------------------- routing

  private routeFrom(key: string): boolean {
    const edges = this.routes.bySource.get(key) ?? [];
    const chosen = chooseEdges(edges, this.fires, this.holds);
    for (const e of chosen) this.fire(e);
    return chosen.length > 0;
  }

  private onNodeFinished(node: string): void {
    const keys = this.routes.sourcesOf.get(node) ?? [];
    let firedOwn = false;
    let inJoin = false;
    for (const key of keys) {
      const edges = this.routes.bySource.get(key)!;
      if (edges[0]!.join) {
        inJoin = true;
        const done = this.joinDone.get(key) ?? new Set<string>();
        done.add(node);
        this.joinDone.set(key, done);
        if (!edges[0]!.from.every((m) => done.has(m))) continue;
        this.joinDone.set(key, new Set());
        this.routeFrom(key);
      } else if (this.routeFrom(key)) firedOwn = true;
    }
    const ownEdges = this.routes.bySource.get(node);
    if (!firedOwn && (ownEdges || !inJoin)) this.deadEnds.push(explainNoRoute(node, ownEdges, this.fires));
  }

  private fire(e: EdgeIR): void {
    if (this.finished) return;
    this.fires.set(e.id, (this.fires.get(e.id) ?? 0) + 1);
    this.ctx.tracer.edgeFired(e.id, e.from, targetNames(e), e.range);
    for (const t of e.to) {
      if (t.node === 'end') {
        this.end(t.result ? evaluate(t.result, this.scope) : null);
        return;
      }
      this.activate(t.node, this.argsOf(t), !!t.forEach, e);
    }
  }

  private evalArgs(t: TargetIRT, scope: Scope): Args {
    const args: Args = {};
    for (const a of t.args) args[a.param] = evaluate(a.value, scope);
    return args;
  }

  private argsOf(t: TargetIRT): Args[] {
    if (!t.forEach) return [this.evalArgs(t, this.scope)];
    const list = evaluate(t.forEach.list, this.scope);
    const items = Array.isArray(list) ? list : [];
    // The checker bounds the width; at run time a longer list is cut to the declared maximum.
    return items.slice(0, t.forEach.max).map((v) => this.evalArgs(t, withVars(this.scope, { [t.forEach!.variable]: v })));
  }

  // ---------------------------------------------------------------- activation and scheduling

  private activate(name: string, items: Args[], mapped: boolean, edge?: EdgeIR): void {
    const node = this.nodes.get(name);
    if (!node) throw new RuntimeError('internal', `graph ${this.graph.name} has no node '${name}'`);
    const k = (this.activations.get(name) ?? 0) + 1;
    this.activations.set(name, k);
    const run: NodeRun = { node, k, restarts: 0, mapped, items, tasks: [], results: [], remaining: items.length, edge, done: false };
    if (this.ctx.debug && edge) run.from = this.last.get(edge.from[0]!);
    if (this.active.has(name)) {
      const q = this.parked.get(name) ?? [];
      q.push(run);
      this.parked.set(name, q);
      this.ctx.tracer.emit({ type: 'node_status', node: name, status: 'queued', costUsd: this.costSoFar() });
      return;
    }
    this.start(run);
  }

  private start(run: NodeRun): void {
    const name = run.node.name;
    this.active.set(name, run);
    if (run.mapped) {
      const attrs = this.nodeAttributes(run);
      attrs['agentgraph.fan_out'] = run.items.length;
      run.span = this.ctx.tracer.open('node', name, this.o.parentSpan, attrs);
    }
    run.tasks = run.items.map((_, index) => this.newTask(run, index, run.restarts, run.restartReason));
    for (const t of run.tasks) this.enqueue(t);
    if (run.items.length === 0) this.complete(run);
  }

  private newTask(run: NodeRun, index: number, restarts: number, restartReason?: string): Task {
    return { run, index, restarts, state: 'ready', scope: new StopScope(), restartReason };
  }

  private enqueue(t: Task): void {
    this.ready.push(t);
    this.ctx.tracer.taskStatus(t.run.node.name, t.run.mapped ? t.index : undefined, 'queued', this.costSoFar());
  }

  private pump(): void {
    while (!this.finished && this.inFlight < this.graph.concurrency && this.ready.length > 0) {
      const t = this.ready.shift()!;
      if (t.state !== 'ready') continue;
      void this.execute(t);
    }
    this.checkIdle();
  }

  /** `prefix/node#activation[.rRestarts][[index]]`; the base key leaves the restart count out. */
  private stepKey(t: Task, withRestarts = true): string {
    const r = t.run;
    const head = `${this.o.keyPrefix}${r.node.name}#${r.k}`;
    const index = r.mapped ? `[${t.index}]` : '';
    return withRestarts && t.restarts ? `${head}.r${t.restarts}${index}` : `${head}${index}`;
  }

  private nodeAttributes(run: NodeRun): Attributes {
    return nodeSpanAttributes(this.ctx.tracer.redactor, this.graph.name, run.node, run.k, run.edge);
  }

  /**
   * Runs one task (a node execution, or one branch of a fan-out) and hands its outcome to the
   * scheduler. One async function per task: every await in flight holds a frame.
   */
  private async execute(t: Task): Promise<void> {
    this.inFlight++;
    t.state = 'running';
    let output: unknown;
    let error: unknown;
    let failed = false;
    try {
      const { ctx } = this;
      const tracer = ctx.tracer;
      const run = t.run;
      const name = run.node.name;
      const label = run.mapped ? `${name}[${t.index}]` : name;
      const debug = ctx.debug;
      let promptOverride: string | undefined;
      if (debug?.beforeNode) promptOverride = await this.debugBefore(debug, t, label);
      const args = run.items[t.index]!;
      const attrs = this.nodeAttributes(run);
      if (run.mapped) attrs['agentgraph.instance'] = t.index;
      if (t.restarts) attrs['agentgraph.restart'] = t.restarts;
      if (t.restartReason !== undefined) attrs['agentgraph.restart_reason'] = tracer.redactor.text(t.restartReason);
      attrs['agentgraph.input'] = tracer.redactor.json(args);
      const span = tracer.open('node', label, run.mapped ? run.span : this.o.parentSpan, attrs);
      // The task's scope also follows the graph's: one subscription, no AbortController.
      const signal = t.scope;
      this.stopScope.onStop(signal);
      tracer.taskStatus(name, run.mapped ? t.index : undefined, 'running', this.costSoFar());
      try {
        const key = this.stepKey(t);
        // Only a checkpoint that is written can be resumed: without a store there is no journal
        // to keep (no base keys, no input hashes, no step records).
        const persistent = ctx.checkpoint.persistent;
        const base = persistent ? this.stepKey(t, false) : '';
        const inputHash = persistent ? sha256(canonicalJson(args)).slice(0, 32) : '';
        const replay = persistent ? ctx.checkpoint.replay(key, base, inputHash) : undefined;
        if (replay) {
          span.set('agentgraph.replayed', true);
          output = replay.output;
        } else {
          if (this.deadline !== undefined && ctx.clock.now() >= this.deadline) throw new GraphTimeoutError(`graph ${this.graph.name} exceeded its timeout of ${this.graph.timeoutMs} ms`);
          this.o.budget.beginStep(run.node.kind !== 'graph');
          const now = ctx.clock.now();
          tracer.budget(this.o.budget.snapshot(now), this.o.budget.limits, now);
          const call: NodeCall = { ctx, node: run.node, label, args, span, budget: this.o.budget, signal, deadline: this.deadline, key, promptOverride };
          output = await performNode(call, this.subgraphRunner);
          if ((t.state as Task['state']) === 'cancelled') throw new CancelledError('restarted');
          if (debug?.afterNode) output = await this.debugAfter(debug, t, label, args, output);
          if (persistent) ctx.checkpoint.recordStep(key, { node: name, inputHash, output, base, session: ctx.checkpoint.state.sessions });
        }
        if (output !== undefined) span.attrs()['agentgraph.output'] = tracer.valueAttr(output);
        span.end();
        tracer.taskStatus(name, run.mapped ? t.index : undefined, 'succeeded', this.costSoFar());
      } catch (err) {
        const cancelled = (t.state as Task['state']) === 'cancelled' || isStop(err) || this.finished;
        span.end(cancelled ? 'cancelled' : 'error', messageOf(err));
        const status = cancelled ? 'skipped' : 'failed';
        tracer.taskStatus(name, run.mapped ? t.index : undefined, status, this.costSoFar(), messageOf(err));
        throw err;
      } finally {
        this.stopScope.off(signal);
      }
    } catch (err) {
      failed = true;
      error = err;
    }
    this.inFlight--;
    // A cancelled task (restarted, or the run already ended) has nothing more to say.
    const state = t.state as Task['state'];
    if (state === 'cancelled' || this.finished) {
      /* ignored */
    } else if (failed) this.guard(() => this.onTaskFailed(t, error));
    else this.guard(() => this.onTaskDone(t, output));
    this.pump();
    this.maybeSettle();
  }

  // ---------------------------------------------------------------- debugging (only with hooks)

  private debugStateOf?: DebugRunState;

  /** The live state a debugger sees, made at its first stop. */
  private get debugState(): DebugRunState {
    return (this.debugStateOf ??= {
      graph: this.graph.name,
      input: this.vars as Map<string, unknown>,
      outputs: this.outputs,
      inputs: this.inputs,
      visited: this.visited,
      activations: this.activations,
      scope: this.scope,
      budget: () => ({ used: this.o.budget.snapshot(), limits: this.o.budget.limits }),
    });
  }

  private debugStop(t: Task, label: string): NodeStop {
    const run = t.run;
    const path: DebugPathStep[] = [];
    for (let r: NodeRun | undefined = run; r; r = r.from) path.unshift({ node: r.node.name, activation: r.k, edge: r.edge });
    return {
      state: this.debugState,
      node: run.node,
      label,
      index: run.mapped ? t.index : undefined,
      activation: run.k,
      restarts: t.restarts,
      keyPrefix: this.o.keyPrefix,
      path,
      args: run.items[t.index]!,
    };
  }

  /** Stops before a node; the debugger's edits of the arguments replace them. Resolves with a prompt override. */
  private async debugBefore(debug: DebugHooks, t: Task, label: string): Promise<string | undefined> {
    const stop = this.debugStop(t, label);
    // A copy: arguments share objects with other nodes' outputs, and an edit must change this node's alone.
    stop.args = structuredClone(stop.args);
    let rendered: string | undefined;
    if (t.run.node.kind === 'agent') {
      const agent = this.ctx.ir.agent(t.run.node.name);
      rendered = stop.prompt = renderTemplate(agent.prompt.template, stop.args);
      if (agent.system) (stop as { system?: string }).system = renderTemplate(agent.system.template, stop.args);
    }
    await debug.beforeNode!(stop);
    this.throwIfStopped(t);
    t.run.items[t.index] = stop.args;
    return stop.prompt !== rendered ? stop.prompt : undefined;
  }

  /** Stops after a node produced its output; resolves with the output (edited or not). */
  private async debugAfter(debug: DebugHooks, t: Task, label: string, args: Args, output: unknown): Promise<unknown> {
    const stop = this.debugStop(t, label);
    stop.args = args;
    stop.output = output;
    await debug.afterNode!(stop);
    this.throwIfStopped(t);
    return stop.output;
  }

  /** A task that was cancelled while a debugger held it must not go on. */
  private throwIfStopped(t: Task): void {
    if ((t.state as Task['state']) === 'cancelled' || this.finished) throw new CancelledError('stopped while the debugger held it');
  }

  private async runSubgraph(graph: GraphIR, input: Args, c: NodeCall, budget: BudgetScope): Promise<unknown> {
    const sub = new GraphExecution({ ctx: this.ctx, graph, input, parentSpan: c.span, budget, keyPrefix: `${c.key}/`, signal: c.signal });
    const r = await sub.run();
    if (r.escalated) c.span.set('agentgraph.escalated', true);
    return r.output;
  }

  private onTaskDone(t: Task, output: unknown): void {
    t.state = 'done';
    const run = t.run;
    run.results[t.index] = output;
    run.remaining--;
    if (run.remaining === 0 && !run.done) this.complete(run);
  }

  private complete(run: NodeRun): void {
    const name = run.node.name;
    run.done = true;
    this.outputs.set(name, run.mapped ? [...run.results] : run.results[0]);
    this.inputs.set(name, run.mapped ? run.items : run.items[0]);
    this.visited.add(name);
    this.last.set(name, run);
    if (this.active.get(name) === run) this.active.delete(name);
    if (run.span) {
      run.span.attrs()['agentgraph.output'] = attr(run.results, this.ctx.tracer.redactor);
      run.span.end();
      this.ctx.tracer.emit({ type: 'node_status', node: name, status: 'succeeded', costUsd: this.costSoFar() });
    }
    this.onNodeFinished(name);
    this.unpark(name);
  }

  private unpark(name: string): void {
    if (this.finished || this.active.has(name)) return;
    const next = this.parked.get(name)?.shift();
    if (next) this.start(next);
  }

  // ---------------------------------------------------------------- failures and supervision

  private onTaskFailed(t: Task, err: unknown): void {
    t.state = 'failed';
    if (isStop(err)) return this.stop(err);
    const name = t.run.node.name;
    const decision = this.supervision.onFailure(name, this.ctx.clock.now());
    this.applyDecision(decision, t, err);
  }

  private applyDecision(d: SupervisionDecision, t: Task, err: unknown): void {
    const name = t.run.node.name;
    if (d.kind === 'fail') {
      const e = new NodeFailedError(name, err);
      if (this.supervision.supervises(name)) e.message += ` (${d.reason})`;
      return this.stop(e);
    }
    if (d.kind === 'escalate') return this.escalate(d, name, err);
    const reason = `${d.strategy} restart ${d.restartCount} by supervisor ${d.supervisor} after '${d.failed}' failed: ${messageOf(err)}`;
    for (const n of d.nodes) this.restartNode(n, t, d.strategy === 'one_for_one', reason);
  }

  private cancelTask(t: Task): void {
    if (t.state === 'done' || t.state === 'failed' || t.state === 'cancelled') return;
    const wasRunning = t.state === 'running';
    t.state = 'cancelled';
    if (wasRunning) t.scope.stop(new CancelledError('stopped by its supervisor'));
    else this.ctx.tracer.taskStatus(t.run.node.name, t.run.mapped ? t.index : undefined, 'skipped', this.costSoFar());
  }

  private restartNode(name: string, failed: Task, onlyFailedInstance: boolean, reason: string): void {
    const run = this.active.get(name);
    if (run && run === failed.run && run.mapped && onlyFailedInstance) {
      // One branch of a fan-out failed: redo that branch alone.
      const t = this.newTask(run, failed.index, failed.restarts + 1, reason);
      run.tasks[failed.index] = t;
      this.enqueue(t);
      return;
    }
    if (run) {
      for (const t of run.tasks) this.cancelTask(t);
      const restarts = Math.max(...run.tasks.map((t) => t.restarts)) + 1;
      run.results = [];
      run.remaining = run.items.length;
      run.tasks = run.items.map((_, i) => this.newTask(run, i, restarts, reason));
      for (const t of run.tasks) this.enqueue(t);
      return;
    }
    const prev = this.last.get(name);
    if (!prev) return; // Never started: nothing to restart; it runs when its edges fire.
    // A finished child restarts too; its earlier completion no longer counts towards joins.
    for (const done of this.joinDone.values()) done.delete(name);
    const restarts = Math.max(0, ...prev.tasks.map((t) => t.restarts)) + 1;
    const again: NodeRun = { ...prev, restarts, restartReason: reason, tasks: [], results: [], remaining: prev.items.length, span: undefined, done: false };
    // It runs again with the arguments of its last execution, before any newer activation.
    this.parked.set(name, [again, ...(this.parked.get(name) ?? [])]);
    this.unpark(name);
  }

  /** Stops the supervised children and hands over to the escalation target. */
  private escalate(d: Extract<SupervisionDecision, { kind: 'escalate' }>, failedNode: string, err: unknown): void {
    for (const child of d.children) {
      const run = this.active.get(child);
      if (run) {
        for (const t of run.tasks) this.cancelTask(t);
        this.active.delete(child);
      }
      this.parked.delete(child);
    }
    this.ready = this.ready.filter((t) => t.state === 'ready');
    this.escalated = true;
    // The target gets the graph's inputs by name; parameters the graph does not have are null.
    const target = d.target;
    const params = this.ctx.ir.paramsOf(target);
    const input: Args = Object.fromEntries(params.map((p) => [p.name, this.vars.has(p.name) ? this.vars.get(p.name) : null]));
    this.o.parentSpan.set('agentgraph.escalated_to', target);
    if (this.nodes.has(target)) {
      // The target is part of this graph: the run continues from its outgoing edges.
      this.activate(target, [input], false);
      return;
    }
    this.pendingOps++;
    const span = this.ctx.tracer.start('escalation', `escalate ${target}`, this.o.parentSpan, {
      'agentgraph.supervisor': d.supervisor,
      'agentgraph.escalation.target': target,
      'agentgraph.escalation.failed_node': failedNode,
      'agentgraph.escalation.reason': messageOf(err),
    });
    const work = this.ctx.ir.hasHuman(target)
      ? askHuman(this.ctx, { kind: 'escalation', human: this.ctx.ir.human(target), node: failedNode, input, parent: span, budget: this.o.budget, signal: this.stopScope })
      : new GraphExecution({ ...this.o, graph: this.ctx.ir.graph(target), input, parentSpan: span, keyPrefix: `${this.o.keyPrefix}escalate:${target}/`, signal: this.stopScope })
          .run()
          .then((r) => r.output);
    work.then(
      (out) => {
        span.set('agentgraph.output', out).end();
        this.pendingOps--;
        this.guard(() => this.end(out));
        this.maybeSettle();
      },
      (e: unknown) => {
        span.end(isStop(e) ? 'cancelled' : 'error', messageOf(e));
        this.pendingOps--;
        this.stop(isStop(e) ? e : new NodeFailedError(target, e));
        this.maybeSettle();
      },
    );
  }

  // ---------------------------------------------------------------- ending

  private end(value: unknown): void {
    if (this.finished) return;
    const c = check(this.graph.output, value);
    if (!c.ok) return this.stop(new RuntimeError('invalid_output', `the result of graph ${this.graph.name} does not match its result type: ${c.issues.join('; ')}`));
    this.finish({ ok: true, output: c.value });
  }

  private stop(err: unknown): void {
    if (this.finished) return;
    this.finish({ ok: false, error: err });
  }

  private finish(outcome: NonNullable<GraphExecution['outcome']>): void {
    this.finished = true;
    this.outcome = outcome;
    for (const t of this.ready) this.cancelTask(t);
    this.ready = [];
    for (const run of this.active.values()) for (const t of run.tasks) this.cancelTask(t);
    const reason = outcome.ok ? RUN_ENDED : outcome.error instanceof Error && isStop(outcome.error) ? outcome.error : RUN_FAILED;
    this.stopScope.stop(reason);
    this.maybeSettle();
  }

  private checkIdle(): void {
    if (this.finished || this.inFlight > 0 || this.ready.length > 0 || this.pendingOps > 0) return;
    const { message, node } = explainIdle(this.graph.name, this.deadEnds, this.joinDone);
    const err = new RuntimeError('dead_end', message);
    err.node = node;
    this.stop(err);
  }

  private maybeSettle(): void {
    if (!this.finished || this.inFlight > 0 || this.pendingOps > 0 || !this.outcome) return;
    const o = this.outcome;
    this.outcome = undefined;
    if (o.ok) this.settle.resolve({ output: o.output, escalated: this.escalated, outputs: this.outputs, visited: this.visited });
    else this.settle.reject(o.error);
  }
}

