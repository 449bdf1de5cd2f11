// The live state of one run, reduced from its trace events: what each node is doing, how many
// attempts it took, what it cost, which edges fired, how much of the budget is used. The diagram's
// run overlay and the last-run lenses read it. Pure and host-free (no `vscode`): every function
// takes a state and returns a new one, so a sequence of events can be replayed in tests.
//
// Where a figure comes from:
// - status: `node_status` events (fan-out branches carry an `instance`; their node shows the
//   aggregate, e.g. 3 of 5 done);
// - attempts: `attempt` span starts; executions and latency: `node` spans;
// - cost: `agentgraph.cost_usd` of each ended `model_call` span (node_status carries the run's
//   total so far, not the node's);
// - budget: `budget` events of the run's scope (a sub-graph's scope reports less than the run's:
//   its usage is a part of the run's), then the totals of `run_end`.

import type { RunEvent, SpanRecord } from '../../../server/src/runtime/trace.ts';
import type { RunBudgetState, RunFiredEdge, RunNodeState, RunNodeStatus, RunSnapshot, RunStatus, RunToolState } from '../../../webview/src/protocol.ts';

/** What the reducer needs to know about the session (a plain-data view of RunSessionInfo). */
export interface RunSessionData {
  id: string;
  kind: string;
  specUri: string;
  graph: string;
  provider: string;
  /** Epoch milliseconds (the host's clock). */
  startedAt: number;
}

interface NodeAcc extends RunNodeState {
  /** Status of each branch of the current fan-out, by instance. */
  instances?: Readonly<Record<number, RunNodeStatus>>;
}

interface OpenSpan {
  kind: 'node' | 'group' | 'tool';
  name: string;
  start: number;
  /** A branch of a fan-out: its time is counted once, on the group span. */
  inGroup: boolean;
}

export interface RunState {
  readonly session: RunSessionData;
  readonly runId?: string;
  readonly status: RunStatus;
  readonly ended: boolean;
  /** Epoch milliseconds when the session ended. */
  readonly endedAt?: number;
  readonly nodes: Readonly<Record<string, NodeAcc>>;
  /** Node names in the order they first appeared. */
  readonly order: readonly string[];
  readonly tools: Readonly<Record<string, RunToolState>>;
  readonly edges: readonly RunFiredEdge[];
  readonly budget?: RunBudgetState;
  readonly error?: string;
  readonly errorNode?: string;
  readonly tracePath?: string;
  readonly spans: Readonly<Record<string, OpenSpan>>;
  /** Sequence number of the last event applied (events at or below it are repeats). */
  readonly seq: number;
}

const ACTIVE: ReadonlySet<RunNodeStatus> = new Set(['queued', 'running', 'retrying', 'waiting_for_human']);
const BUSY: ReadonlySet<RunNodeStatus> = new Set(['running', 'retrying', 'waiting_for_human']);

export function initialRunState(session: RunSessionData): RunState {
  return { session, status: 'running', ended: false, nodes: {}, order: [], tools: {}, edges: [], spans: {}, seq: 0 };
}

function blankNode(name: string): NodeAcc {
  return { name, status: 'queued', attempt: 0, attempts: 0, executions: 0, costUsd: 0, latencyMs: 0 };
}

/** The state with node `name` replaced by `change(current)`. */
function withNode(s: RunState, name: string, change: (n: NodeAcc) => NodeAcc): RunState {
  const current = s.nodes[name];
  const next = change(current ?? blankNode(name));
  return { ...s, nodes: { ...s.nodes, [name]: next }, order: current ? s.order : [...s.order, name] };
}

function withTool(s: RunState, name: string, change: (t: RunToolState) => RunToolState): RunState {
  const current = s.tools[name] ?? { name, calls: 0, failed: 0, running: 0 };
  return { ...s, tools: { ...s.tools, [name]: change(current) } };
}

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** The branches' statuses folded into the node's: people first, then retries, then work under way. */
function aggregate(n: NodeAcc, instances: Readonly<Record<number, RunNodeStatus>>): NodeAcc {
  const all = Object.values(instances);
  const count = (p: (st: RunNodeStatus) => boolean) => all.filter(p).length;
  const total = Math.max(n.fanOut?.total ?? 0, all.length);
  const fanOut = { total, done: count((x) => x === 'succeeded'), failed: count((x) => x === 'failed'), running: count((x) => BUSY.has(x)) };
  let status: RunNodeStatus;
  if (all.includes('waiting_for_human')) status = 'waiting_for_human';
  else if (all.includes('retrying')) status = 'retrying';
  else if (fanOut.running > 0) status = 'running';
  else if (fanOut.failed > 0) status = 'failed';
  else if (all.length > 0 && all.every((x) => x === 'skipped')) status = 'skipped';
  // Every branch done: the node itself succeeds when the runtime says so (a `node_status` without instance).
  else status = fanOut.done === total && n.status === 'succeeded' ? 'succeeded' : fanOut.done > 0 ? 'running' : 'queued';
  return { ...n, instances, fanOut, status };
}

function onNodeStatus(s: RunState, e: Extract<RunEvent, { type: 'node_status' }>): RunState {
  return withNode(s, e.node, (n) => {
    const error = e.error !== undefined ? e.error : n.error;
    if (e.instance !== undefined) {
      const instances = { ...(n.instances ?? {}), [e.instance]: e.status };
      return aggregate({ ...n, ...(error !== undefined ? { error } : {}) }, instances);
    }
    switch (e.status) {
      case 'queued':
        // A further activation waits while the node still runs: the node is still running.
        return ACTIVE.has(n.status) && n.status !== 'queued' ? n : { ...n, status: 'queued' };
      case 'running':
        return { ...n, status: 'running', attempt: Math.max(1, n.attempt) };
      case 'retrying':
        return { ...n, status: 'retrying', attempt: Math.max(n.attempt, e.attempt ?? n.attempt + 1), ...(error !== undefined ? { error } : {}) };
      case 'succeeded':
        // A fan-out with a failed branch that a supervisor did not restart stays failed.
        if (n.fanOut && n.fanOut.failed > 0 && n.fanOut.done < n.fanOut.total) return n;
        return { ...n, status: 'succeeded' };
      default:
        return { ...n, status: e.status, ...(error !== undefined ? { error } : {}) };
    }
  });
}

function onSpanStart(s: RunState, span: SpanRecord): RunState {
  const a = span.attributes;
  const node = str(a['agentgraph.node']);
  switch (span.kind) {
    case 'node': {
      if (!node) return s;
      const parent = span.parentId !== undefined ? s.spans[span.parentId] : undefined;
      const inGroup = parent?.kind === 'group';
      if (a['agentgraph.fan_out'] !== undefined) {
        // A new fan-out round: its branches are counted afresh.
        const total = num(a['agentgraph.fan_out']);
        const next = withNode(s, node, (n) => ({ ...n, instances: {}, fanOut: { total, done: 0, failed: 0, running: 0 }, status: total === 0 ? n.status : 'queued' }));
        return { ...next, spans: { ...s.spans, [span.id]: { kind: 'group', name: node, start: span.startMs, inGroup: false } } };
      }
      const next = withNode(s, node, (n) => ({ ...n, executions: n.executions + 1, attempt: inGroup ? n.attempt : 0 }));
      return { ...next, spans: { ...s.spans, [span.id]: { kind: 'node', name: node, start: span.startMs, inGroup } } };
    }
    case 'attempt': {
      if (!node) return s;
      const attempt = num(a['agentgraph.attempt']);
      return withNode(s, node, (n) => ({ ...n, attempts: n.attempts + 1, attempt: Math.max(attempt, n.attempt) }));
    }
    case 'tool_call': {
      const tool = str(a['gen_ai.tool.name']);
      if (!tool) return s;
      const next = withTool(s, tool, (t) => ({ ...t, calls: t.calls + 1, running: t.running + 1 }));
      return { ...next, spans: { ...s.spans, [span.id]: { kind: 'tool', name: tool, start: span.startMs, inGroup: false } } };
    }
    default:
      return s;
  }
}

function onSpanEnd(s: RunState, span: SpanRecord): RunState {
  if (span.kind === 'model_call') {
    const node = str(span.attributes['agentgraph.node']);
    const cost = num(span.attributes['agentgraph.cost_usd']);
    return node && cost ? withNode(s, node, (n) => ({ ...n, costUsd: n.costUsd + cost })) : s;
  }
  const open = s.spans[span.id];
  if (!open) return s;
  const spans = { ...s.spans };
  delete spans[span.id];
  let next: RunState = { ...s, spans };
  const took = Math.max(0, (span.endMs ?? span.startMs) - open.start);
  if (open.kind === 'tool') {
    next = withTool(next, open.name, (t) => ({ ...t, running: Math.max(0, t.running - 1), failed: t.failed + (span.status === 'error' ? 1 : 0) }));
  } else if (!open.inGroup) {
    next = withNode(next, open.name, (n) => ({ ...n, latencyMs: n.latencyMs + took }));
  }
  return next;
}

function onEdge(s: RunState, e: Extract<RunEvent, { type: 'edge_fired' }>): RunState {
  const key = (x: { edge: number; from: string[]; to: string[] }) => `${x.edge}|${x.from.join(',')}|${x.to.join(',')}`;
  const k = key(e);
  const i = s.edges.findIndex((x) => key(x) === k);
  if (i < 0) return { ...s, edges: [...s.edges, { edge: e.edge, from: [...e.from], to: [...e.to], count: 1 }] };
  const edges = s.edges.slice();
  edges[i] = { ...edges[i]!, count: edges[i]!.count + 1 };
  return { ...s, edges };
}

function onBudget(s: RunState, e: Extract<RunEvent, { type: 'budget' }>): RunState {
  const t = e.totals;
  const cur = s.budget;
  // Only the run's own scope: a sub-graph's totals are a part of the run's, so never larger.
  if (cur && (t.costUsd < cur.costUsd || t.steps < cur.steps || t.tokens < cur.tokens)) return s;
  const limits: RunBudgetState['limits'] = {};
  for (const k of ['costUsd', 'tokens', 'steps', 'latencyMs'] as const) if (typeof e.limits[k] === 'number') limits[k] = e.limits[k];
  return { ...s, budget: { costUsd: t.costUsd, tokens: t.tokens, steps: t.steps, latencyMs: t.latencyMs, limits } };
}

/** Nodes that were still waiting or working when the run stopped will not finish: skipped. */
function settleNodes(s: RunState): RunState {
  let nodes: Record<string, NodeAcc> | undefined;
  for (const name of s.order) {
    const n = s.nodes[name]!;
    if (!ACTIVE.has(n.status)) continue;
    nodes ??= { ...s.nodes };
    nodes[name] = { ...n, status: 'skipped' };
  }
  const tools = Object.values(s.tools).some((t) => t.running > 0) ? Object.fromEntries(Object.entries(s.tools).map(([k, t]) => [k, { ...t, running: 0 }])) : s.tools;
  return nodes || tools !== s.tools ? { ...s, nodes: nodes ?? s.nodes, tools } : s;
}

/** Applies one trace event. Events already applied (same or lower `seq` of the same run) are ignored. */
export function reduceRunEvent(s: RunState, e: RunEvent): RunState {
  if (s.ended) return s;
  if (e.type === 'run_start') {
    // A resumed run starts a new session of events, numbered afresh.
    return { ...s, runId: e.runId, status: 'running', seq: e.seq };
  }
  if (e.seq <= s.seq && e.runId === s.runId) return s;
  const next: RunState = { ...s, seq: e.seq, runId: s.runId ?? e.runId };
  switch (e.type) {
    case 'node_status':
      return onNodeStatus(next, e);
    case 'span_start':
      return onSpanStart(next, e.span);
    case 'span_end':
      return onSpanEnd(next, e.span);
    case 'edge_fired':
      return onEdge(next, e);
    case 'budget':
      return onBudget(next, e);
    case 'run_end': {
      const t = e.totals;
      const budget: RunBudgetState = { costUsd: t.costUsd, tokens: t.tokens, steps: t.steps, latencyMs: t.latencyMs, limits: next.budget?.limits ?? {} };
      const ended: RunState = { ...next, status: e.outcome, budget, ...(e.error ? { error: e.error.message, ...(e.error.node ? { errorNode: e.error.node } : {}) } : {}) };
      return settleNodes(ended);
    }
    default:
      return next;
  }
}

export interface RunEndData {
  runId?: string;
  tracePath?: string;
  /** A failure before or outside the runtime. */
  error?: string;
  /** Epoch milliseconds. */
  at: number;
}

/** The session ended (RunBus `onDidEnd`): a run that never reported its end was cut short. */
export function endRunState(s: RunState, end: RunEndData): RunState {
  if (s.ended) return s;
  let next: RunState = { ...s, ended: true, endedAt: end.at, runId: s.runId ?? end.runId, ...(end.tracePath ? { tracePath: end.tracePath } : {}) };
  if (next.status === 'running') next = { ...next, status: end.error ? 'failed' : 'cancelled', ...(end.error ? { error: end.error } : {}) };
  else if (end.error && !next.error) next = { ...next, error: end.error };
  return settleNodes(next);
}

/** The compact, JSON-ready view of the state that the diagram webview draws. */
export function runSnapshot(s: RunState, now: number): RunSnapshot {
  const nodes: RunNodeState[] = s.order.map((name) => {
    const n = s.nodes[name]!;
    const out: RunNodeState = {
      name: n.name,
      status: n.status,
      attempt: n.attempt,
      // Nodes that are not agents make one attempt per execution (as the CLI summary counts them).
      attempts: n.attempts || n.executions,
      executions: n.executions,
      costUsd: n.costUsd,
      latencyMs: n.latencyMs,
    };
    if (n.error !== undefined) out.error = n.error;
    if (n.fanOut) out.fanOut = { ...n.fanOut };
    return out;
  });
  const snap: RunSnapshot = {
    session: s.session.id,
    kind: s.session.kind,
    specUri: s.session.specUri,
    graph: s.session.graph,
    provider: s.session.provider,
    status: s.status,
    wallMs: Math.max(0, (s.endedAt ?? now) - s.session.startedAt),
    ended: s.ended,
    nodes,
    tools: Object.values(s.tools).map((t) => ({ ...t })),
    edges: s.edges.map((e) => ({ ...e, from: [...e.from], to: [...e.to] })),
  };
  if (s.runId !== undefined) snap.runId = s.runId;
  if (s.budget) snap.budget = { ...s.budget, limits: { ...s.budget.limits } };
  if (s.error !== undefined) snap.error = s.error;
  if (s.errorNode !== undefined) snap.errorNode = s.errorNode;
  if (s.tracePath !== undefined) snap.tracePath = s.tracePath;
  return snap;
}

export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimers: Timers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/**
 * Limits how often a changing state is sent: the first change goes at once, later ones at most
 * once per interval (the last state wins), and `flushNow` sends immediately (a run's end).
 */
export class SnapshotThrottle {
  private timer: unknown;
  private dirty = false;

  constructor(
    private readonly send: () => void,
    private readonly intervalMs = 100,
    private readonly timers: Timers = realTimers,
  ) {}

  changed(): void {
    if (this.timer !== undefined) {
      this.dirty = true;
      return;
    }
    this.send();
    this.arm();
  }

  flushNow(): void {
    this.cancel();
    this.send();
  }

  cancel(): void {
    if (this.timer !== undefined) this.timers.clear(this.timer);
    this.timer = undefined;
    this.dirty = false;
  }

  private arm(): void {
    this.timer = this.timers.set(() => {
      this.timer = undefined;
      if (!this.dirty) return;
      this.dirty = false;
      this.send();
      this.arm();
    }, this.intervalMs);
  }
}
