// Static worst-case cost, tokens, latency and steps, per agent and per graph run, and the budget
// checks built on them. The numbers are upper bounds under the rules written in
// docs/language.md ("Worst-case economics"); hovers and inlay hints show the same numbers.

import { estimateTokens } from '../catalog/models.ts';
import type { Ctx } from '../semantics/context.ts';
import { DEFAULT_MAX_TOKENS, type AgentInfo, type CallableInfo, type Declarations, type ModelInfo, type RetryInfo } from '../semantics/declarations.ts';
import type { GEdge, GraphModel } from '../semantics/graph-model.ts';
import { sourceKey } from '../semantics/graph-model.ts';
import { toJsonSchema, type Ty } from '../semantics/types.ts';
import { END, START, type Topology } from './graph-topology.ts';

export interface WorstCase {
  costUsd: number;
  tokens: number;
  /** Machine time: model calls, tools, backoff waits. */
  latencyMs: number;
  /** Node executions. */
  steps: number;
  /** Model calls (agents only). */
  calls: number;
  /** Time spent waiting for people, kept apart from machine latency. */
  humanWaitMs: number;
}

const ZERO: WorstCase = { costUsd: 0, tokens: 0, latencyMs: 0, steps: 0, calls: 0, humanWaitMs: 0 };
export const DEFAULT_TOOL_TIMEOUT_MS = 30_000;
export const DEFAULT_HUMAN_TIMEOUT_MS = 24 * 3_600_000;
/** Tokens a tool result adds to the conversation in the worst-case estimate. */
const TOOL_RESULT_TOKENS = 200;

function add(a: WorstCase, b: WorstCase, times = 1): WorstCase {
  return {
    costUsd: a.costUsd + b.costUsd * times,
    tokens: a.tokens + b.tokens * times,
    latencyMs: a.latencyMs + b.latencyMs * times,
    steps: a.steps + b.steps * times,
    calls: a.calls + b.calls * times,
    humanWaitMs: a.humanWaitMs + b.humanWaitMs * times,
  };
}

/** Assumed size of values for the estimate: a string up to this many tokens… */
export const STRING_TOKENS = 100;
/** …and a list or map up to this many entries. */
export const LIST_ENTRIES = 5;

/** Tokens a value of this type is likely to take at most when rendered into a prompt. */
export function typeTokens(t: Ty, depth = 0): number {
  if (depth > 6) return 20;
  switch (t.k) {
    case 'string':
    case 'any':
    case 'error':
      return STRING_TOKENS;
    case 'list':
      return 5 + LIST_ENTRIES * typeTokens(t.element, depth + 1);
    case 'map':
      return 5 + LIST_ENTRIES * (5 + typeTokens(t.value, depth + 1));
    case 'object':
      return 5 + t.fields.reduce((s, f) => s + 3 + typeTokens(f.type, depth + 1), 0);
    case 'optional':
      return typeTokens(t.inner, depth + 1);
    case 'union':
      return Math.max(...t.members.map((m) => typeTokens(m, depth + 1)));
    default:
      return 3;
  }
}

export function backoffDelays(r: RetryInfo): number {
  let total = 0;
  for (let i = 1; i <= r.max; i++) {
    const d = r.strategy === 'exponential' ? r.baseMs * 2 ** (i - 1) : r.strategy === 'linear' ? r.baseMs * i : r.baseMs;
    total += Math.min(d, r.maxMs);
  }
  return total;
}

const promptTokenCache = new WeakMap<AgentInfo, number>();
const schemaTokenCache = new WeakMap<Ty, number>();

/** Tokens of a type's JSON Schema as sent to a model; types are shared objects, so this is cached. */
function schemaTokens(t: Ty): number {
  let n = schemaTokenCache.get(t);
  if (n === undefined) {
    n = estimateTokens(JSON.stringify(toJsonSchema(t)));
    schemaTokenCache.set(t, n);
  }
  return n;
}

/** Estimated prompt tokens of one agent call before any tool round (computed once per agent). */
export function promptTokens(a: AgentInfo): number {
  const cached = promptTokenCache.get(a);
  if (cached !== undefined) return cached;
  let n = 0;
  for (const p of [a.prompt, a.system]) {
    if (!p) continue;
    n += Math.ceil(p.literalChars / 4);
    for (const t of p.refTypes) n += typeTokens(t);
  }
  for (const t of a.tools) n += schemaTokens(t.inputTy) + estimateTokens(t.description ?? '') + 10;
  n += schemaTokens(a.output);
  promptTokenCache.set(a, n);
  return n;
}

export function outputTokens(a: AgentInfo, m: ModelInfo): number {
  return a.maxTokens ?? m.maxTokens ?? DEFAULT_MAX_TOKENS;
}

/** The worst case of one execution of an agent: every attempt on every model fails but the last. */
export function agentWorstCase(a: AgentInfo): WorstCase {
  const chain = [a.model, ...a.fallback].filter((m): m is ModelInfo => !!m);
  const attempts = 1 + a.retry.max;
  const turns = a.tools.length ? a.maxTurns : 1;
  const toolWait = a.tools.length ? Math.max(...a.tools.map((t) => t.timeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS)) : 0;
  const prompt = promptTokens(a);
  let wc: WorstCase = { ...ZERO, steps: 1 };
  for (const m of chain) {
    const out = outputTokens(a, m);
    const p = m.profile;
    let cost = 0;
    let tokens = 0;
    let latency = 0;
    let calls = 0;
    const call = (input: number) => {
      cost += (input * p.inputPrice + out * p.outputPrice) / 1e6;
      tokens += input + out;
      latency += p.ttftMs + (out / p.tokensPerSecond) * 1000;
      calls++;
    };
    for (let k = 0; k < turns; k++) call(prompt + k * (out + TOOL_RESULT_TOKENS));
    latency += (turns - 1) * toolWait;
    call(prompt + out + 50); // One repair request after invalid structured output.
    if (a.timeoutMs !== undefined) latency = Math.min(latency, a.timeoutMs);
    wc = add(wc, { costUsd: cost, tokens, latencyMs: latency, steps: 0, calls, humanWaitMs: 0 }, attempts);
    wc.latencyMs += backoffDelays(a.retry);
  }
  return wc;
}

export interface GraphWorstCase extends WorstCase {
  /** Worst case of one execution of each node (mapped nodes: all their branches). */
  perNode: Map<string, WorstCase>;
}

/** Computes worst cases for nodes, reusing the graph cache for sub-graphs. */
export class Economics {
  private readonly graphs = new Map<string, GraphWorstCase>();
  private readonly agents = new Map<CallableInfo, WorstCase>();
  private readonly inProgress = new Set<string>();

  constructor(
    private readonly decls: Declarations,
    /** Builds (or returns the cached) model and topology of another graph, for sub-graph nodes. */
    private readonly graphOf: (name: string) => { model: GraphModel; topo: Topology } | undefined,
  ) {}

  node(info: CallableInfo): WorstCase {
    const cached = this.agents.get(info);
    if (cached) return cached;
    let wc: WorstCase;
    switch (info.kind) {
      case 'agent':
        wc = agentWorstCase(info as AgentInfo);
        break;
      case 'tool': {
        const t = this.decls.tool(info.sym);
        wc = { ...ZERO, steps: 1, latencyMs: t.timeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS };
        break;
      }
      case 'human': {
        const h = this.decls.human(info.sym);
        wc = { ...ZERO, steps: 1, humanWaitMs: h.timeoutMs ?? DEFAULT_HUMAN_TIMEOUT_MS };
        break;
      }
      case 'graph': {
        const g = this.graphOf(info.sym.name);
        wc = g ? this.graph(g.model, g.topo, false) : { ...ZERO, steps: 1 };
        break;
      }
    }
    this.agents.set(info, wc);
    return wc;
  }

  /**
   * Worst case of one run. Route groups take their most expensive branch, unconditional edges add
   * up, loops multiply their component by (1 + the sum of their bounds), and with `supervised`
   * each node is multiplied by (1 + max_restarts) of every supervisor above it.
   */
  graph(g: GraphModel, topo: Topology, supervised: boolean): GraphWorstCase {
    const key = `${g.sym.name}:${supervised}`;
    const cached = this.graphs.get(key);
    if (cached) return cached;
    if (this.inProgress.has(g.sym.name)) return { ...ZERO, perNode: new Map() };
    this.inProgress.add(g.sym.name);

    const restarts = supervised ? restartMultipliers(g) : new Map<string, number>();
    const perNode = new Map<string, WorstCase>();
    for (const n of g.nodes.values()) {
      const one = this.node(n.info);
      const width = n.mapped ? n.width : 1;
      const waves = Math.ceil(width / Math.max(1, g.concurrency));
      const times = width * (restarts.get(n.name) ?? 1);
      const wc = add(ZERO, one, times);
      // Branches of a fan-out run side by side: latency grows by waves, not by width.
      wc.latencyMs = one.latencyMs * waves * (restarts.get(n.name) ?? 1);
      wc.humanWaitMs = one.humanWaitMs * waves * (restarts.get(n.name) ?? 1);
      perNode.set(n.name, wc);
    }

    // Components in the order Tarjan emitted them: successors come first.
    const comps = new Map<number, string[]>();
    for (const [n, c] of topo.sccOf) {
      const l = comps.get(c);
      if (l) l.push(n);
      else comps.set(c, [n]);
    }
    const order = [...comps.keys()].sort((a, b) => a - b);
    const sccOf = (v: string) => topo.sccOf.get(v);
    const total = new Map<number, WorstCase>();
    const exitEdgesOf = (members: Set<string>): { src: string; edges: GEdge[] }[] => {
      const out: { src: string; edges: GEdge[] }[] = [];
      for (const m of members) {
        // A join edge is counted once, from its last member.
        const edges = (topo.out.get(m) ?? []).filter((e) => !e.join || e.from[e.from.length - 1] === m);
        out.push({ src: m, edges });
      }
      return out;
    };
    const value = (v: string): WorstCase => {
      if (v === END) return ZERO;
      const c = sccOf(v);
      return c === undefined ? ZERO : total.get(c) ?? ZERO;
    };
    const follow = (members: Set<string>, iters: number): WorstCase => {
      let acc: WorstCase = ZERO;
      let latency = 0;
      for (const { edges } of exitEdgesOf(members)) {
        const groups = new Map<string, GEdge[]>();
        for (const e of edges) {
          if (e.when || e.otherwise) {
            const k = sourceKey(e.from);
            const l = groups.get(k);
            if (l) l.push(e);
            else groups.set(k, [e]);
            continue;
          }
          for (const t of e.targets) {
            if (members.has(t.name)) continue;
            const w = value(t.name);
            acc = add(acc, w, iters);
            latency = Math.max(latency, w.latencyMs * iters);
          }
        }
        for (const group of groups.values()) {
          const staysInLoop = group.some((e) => e.targets.some((t) => members.has(t.name)));
          const mult = staysInLoop ? 1 : iters;
          let best: WorstCase = ZERO;
          for (const e of group) {
            let branch: WorstCase = ZERO;
            for (const t of e.targets) if (!members.has(t.name)) branch = add(branch, value(t.name));
            if (branch.costUsd > best.costUsd || (branch.costUsd === best.costUsd && branch.steps > best.steps)) best = { ...branch, latencyMs: Math.max(best.latencyMs, branch.latencyMs), tokens: Math.max(best.tokens, branch.tokens) };
            else best = { ...best, latencyMs: Math.max(best.latencyMs, branch.latencyMs), tokens: Math.max(best.tokens, branch.tokens), steps: Math.max(best.steps, branch.steps) };
          }
          acc = add(acc, best, mult);
          latency = Math.max(latency, best.latencyMs * mult);
        }
      }
      return { ...acc, latencyMs: latency };
    };

    for (const c of order) {
      const members = new Set(comps.get(c)!);
      let iters = 1;
      for (const m of members) {
        for (const e of topo.out.get(m) ?? []) {
          if (e.max !== undefined && e.targets.some((t) => members.has(t.name))) iters += e.max;
        }
      }
      let own: WorstCase = ZERO;
      for (const m of members) own = add(own, perNode.get(m) ?? ZERO, iters);
      const next = follow(members, iters);
      total.set(c, { ...add(own, next), latencyMs: own.latencyMs + next.latencyMs });
    }
    const startExits = follow(new Set([START]), 1);
    const result: GraphWorstCase = { ...startExits, perNode };
    this.inProgress.delete(g.sym.name);
    this.graphs.set(key, result);
    return result;
  }
}

/** (1 + max_restarts) multiplied down the supervisor tree, per node. */
export function restartMultipliers(g: GraphModel): Map<string, number> {
  const byName = new Map(g.supervisors.filter((s) => s.name).map((s) => [s.name!, s]));
  const out = new Map<string, number>();
  const visit = (children: string[], mult: number, seen: Set<string>) => {
    for (const c of children) {
      const sup = byName.get(c);
      if (sup) {
        if (seen.has(c)) continue;
        visit(sup.children, mult * (1 + sup.maxRestarts), new Set([...seen, c]));
      } else out.set(c, Math.max(out.get(c) ?? 1, mult));
    }
  };
  const nested = new Set(g.supervisors.flatMap((s) => s.children));
  for (const s of g.supervisors) {
    if (s.name && nested.has(s.name)) continue; // Reached through its parent.
    visit(s.children, 1 + s.maxRestarts, new Set(s.name ? [s.name] : []));
  }
  return out;
}

export function formatUsd(usd: number): string {
  if (usd === 0) return '$0';
  if (usd < 0.01) return `$${usd.toFixed(4)}`;
  if (usd < 1) return `$${usd.toFixed(3)}`;
  return `$${usd.toFixed(2)}`;
}

export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  if (ms < 3_600_000) return `${(ms / 60_000).toFixed(1)}m`;
  return `${(ms / 3_600_000).toFixed(1)}h`;
}

/** The budget checks: errors when the worst case can exceed a declared limit. */
export function checkBudget(ctx: Ctx, g: GraphModel, plain: GraphWorstCase, supervised: GraphWorstCase): void {
  const b = g.budget;
  const top = (by: (w: WorstCase) => number, fmt: (n: number) => string) =>
    [...plain.perNode.entries()]
      .filter(([, w]) => by(w) > 0)
      .sort((x, y) => by(y[1]) - by(x[1]))
      .slice(0, 3)
      .map(([n, w]) => `${n} ${fmt(by(w))}`)
      .join(', ');
  const checks: { key: 'cost' | 'latency' | 'steps' | 'tokens'; code: 'AG6001' | 'AG6002' | 'AG6003' | 'AG6004'; limit?: number; get: (w: WorstCase) => number; fmt: (n: number) => string; advice: string }[] = [
    { key: 'cost', code: 'AG6001', limit: b.costUsd, get: (w) => w.costUsd, fmt: formatUsd, advice: 'Lower max_tokens, retries, fallbacks or loop bounds, use a cheaper model, or raise the budget.' },
    { key: 'latency', code: 'AG6002', limit: b.latencyMs, get: (w) => w.latencyMs, fmt: formatMs, advice: 'Add timeouts, lower retries or max_tokens, shorten loops, or raise the budget.' },
    { key: 'steps', code: 'AG6003', limit: b.steps, get: (w) => w.steps, fmt: (n) => String(n), advice: 'Lower loop bounds or fan-out widths, or raise the budget.' },
    { key: 'tokens', code: 'AG6004', limit: b.tokens, get: (w) => w.tokens, fmt: (n) => String(Math.round(n)), advice: 'Lower max_tokens, retries or loop bounds, or raise the budget.' },
  ];
  for (const c of checks) {
    if (c.limit === undefined) continue;
    const span = b.spans[c.key] ?? b.span ?? g.decl.name;
    const worst = c.get(plain);
    if (worst > c.limit + 1e-12) {
      ctx.report(c.code, span, `Worst-case ${c.key} per run is ${c.fmt(worst)}, over the ${c.fmt(c.limit)} budget (largest: ${top(c.get, c.fmt)}). ${c.advice}`, { data: { worst, limit: c.limit } });
      continue;
    }
    const sup = c.get(supervised);
    if (sup > c.limit + 1e-12 && g.supervisors.length) {
      for (const s of g.supervisors) {
        ctx.report('AG5008', s.ast, `With restarts, worst-case ${c.key} per run is ${c.fmt(sup)}, over the ${c.fmt(c.limit)} budget (${c.fmt(worst)} without restarts): max_restarts multiplies every retry of its children. Lower max_restarts or the children's retries, or raise the budget.`, { data: { worst: sup, limit: c.limit } });
      }
    }
  }
}
