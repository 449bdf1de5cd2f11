// Static worst-case cost, tokens, latency and steps, per agent and per graph run, and the budget
// checks built on them. The numbers are upper bounds under the rules written in
// docs/language.md ("Worst-case economics"); hovers and inlay hints show the same numbers.

import { estimateTokens } from '../catalog/models.ts';
import type { Ctx } from '../semantics/context.ts';
import { DEFAULT_MAX_TOKENS, type AgentInfo, type CallableInfo, type Declarations, type ModelInfo, type PromptInfo, type RetryInfo } from '../semantics/declarations.ts';
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
    case 'object': {
      let s = 0;
      for (const f of t.fields) s = s + 3 + typeTokens(f.type, depth + 1);
      return 5 + s;
    }
    case 'optional':
      return typeTokens(t.inner, depth + 1);
    case 'union': {
      let max = -Infinity;
      for (const m of t.members) max = Math.max(max, typeTokens(m, depth + 1));
      return max;
    }
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
  let n = promptInfoTokens(a.prompt, 0);
  n = promptInfoTokens(a.system, n);
  for (const t of a.tools) n += schemaTokens(t.inputTy) + estimateTokens(t.description ?? '') + 10;
  n += schemaTokens(a.output);
  promptTokenCache.set(a, n);
  return n;
}

/** `n` plus the tokens of one prompt: its literal text and the likely size of its references. */
function promptInfoTokens(p: PromptInfo | undefined, n: number): number {
  if (!p) return n;
  n += Math.ceil(p.literalChars / 4);
  for (const t of p.refTypes) n += typeTokens(t);
  return n;
}

export function outputTokens(a: AgentInfo, m: ModelInfo): number {
  return a.maxTokens ?? m.maxTokens ?? DEFAULT_MAX_TOKENS;
}

/** The worst case of one execution of an agent: every attempt on every model fails but the last. */
export function agentWorstCase(a: AgentInfo): WorstCase {
  const attempts = 1 + a.retry.max;
  const turns = a.tools.length ? a.maxTurns : 1;
  let toolWait = 0;
  if (a.tools.length) {
    toolWait = -Infinity;
    for (const t of a.tools) toolWait = Math.max(toolWait, t.timeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS);
  }
  const prompt = promptTokens(a);
  // Accumulated in plain numbers (same operations in the same order as adding WorstCase records,
  // so the sums are bit for bit the same) instead of a record per model.
  let costUsd = 0;
  let tokens = 0;
  let latencyMs = 0;
  let calls = 0;
  const backoff = backoffDelays(a.retry);
  for (let i = -1; i < a.fallback.length; i++) {
    const m = i < 0 ? a.model : a.fallback[i];
    if (!m) continue;
    const out = outputTokens(a, m);
    const p = m.profile;
    let cost = 0;
    let tok = 0;
    let latency = 0;
    // One call per turn, each carrying the previous tool rounds…
    for (let k = 0; k < turns; k++) {
      const input = prompt + k * (out + TOOL_RESULT_TOKENS);
      cost += (input * p.inputPrice + out * p.outputPrice) / 1e6;
      tok += input + out;
      latency += p.ttftMs + (out / p.tokensPerSecond) * 1000;
    }
    latency += (turns - 1) * toolWait;
    // …and one repair request after invalid structured output.
    const repair = prompt + out + 50;
    cost += (repair * p.inputPrice + out * p.outputPrice) / 1e6;
    tok += repair + out;
    latency += p.ttftMs + (out / p.tokensPerSecond) * 1000;
    if (a.timeoutMs !== undefined) latency = Math.min(latency, a.timeoutMs);
    costUsd += cost * attempts;
    tokens += tok * attempts;
    latencyMs += latency * attempts;
    calls += (turns + 1) * attempts;
    latencyMs += backoff;
  }
  return { costUsd, tokens, latencyMs, steps: 1, calls, humanWaitMs: 0 };
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
        wc = { costUsd: 0, tokens: 0, latencyMs: t.timeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS, steps: 1, calls: 0, humanWaitMs: 0 };
        break;
      }
      case 'human': {
        const h = this.decls.human(info.sym);
        wc = { costUsd: 0, tokens: 0, latencyMs: 0, steps: 1, calls: 0, humanWaitMs: h.timeoutMs ?? DEFAULT_HUMAN_TIMEOUT_MS };
        break;
      }
      case 'graph': {
        const g = this.graphOf(info.sym.name);
        wc = g ? this.graph(g.model, g.topo, false) : { costUsd: 0, tokens: 0, latencyMs: 0, steps: 1, calls: 0, humanWaitMs: 0 };
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

    const restarts = supervised ? restartMultipliers(g) : NO_RESTARTS;
    const perNode = new Map<string, WorstCase>();
    for (const n of g.nodes.values()) {
      const one = this.node(n.info);
      const width = n.mapped ? n.width : 1;
      const waves = Math.ceil(width / Math.max(1, g.concurrency));
      const r = restarts.get(n.name) ?? 1;
      const times = width * r;
      perNode.set(n.name, {
        costUsd: one.costUsd * times,
        tokens: one.tokens * times,
        // Branches of a fan-out run side by side: latency grows by waves, not by width.
        latencyMs: one.latencyMs * waves * r,
        steps: one.steps * times,
        calls: one.calls * times,
        humanWaitMs: one.humanWaitMs * waves * r,
      });
    }

    // Components in the order Tarjan emitted them (successors first). Component ids are dense:
    // members are bucketed by id into one flat list, and each component's total lives in a flat
    // array (scratch, see below); a component not yet totalled counts as zero.
    const { sccOf, out } = topo;
    let comps = 0;
    for (const c of sccOf.values()) if (c >= comps) comps = c + 1;
    const first: number[] = new Array<number>(comps + 1).fill(0);
    for (const c of sccOf.values()) first[c + 1]!++;
    for (let c = 0; c < comps; c++) first[c + 1]! += first[c]!;
    const fill = first.slice(0, comps);
    const members: string[] = new Array<string>(sccOf.size);
    for (const [n, c] of sccOf) members[fill[c]!++] = n;
    const total = scratch.totals(comps);
    const done = scratch.done(comps);
    const { acc, branch, best } = scratch;

    /** Adds `times` × the worst case from vertex `v` on into `into`. */
    const addValue = (into: Float64Array, v: string, times: number): void => {
      if (v === END) return;
      const c = sccOf.get(v);
      if (c === undefined || !done[c]) return;
      const o = c * 6;
      for (let k = 0; k < 6; k++) into[k] = into[k]! + total[o + k]! * times;
    };
    const latencyOf = (v: string): number => {
      if (v === END) return 0;
      const c = sccOf.get(v);
      return c === undefined || !done[c] ? 0 : total[c * 6 + LAT]!;
    };
    const conditional: GEdge[] = [];
    const groupKeys: string[] = [];

    /**
     * The worst case of what follows a component (`comp`, or start when -1) into `acc`; its latency
     * is the slowest way out, not the sum. Same additions in the same order as before the rewrite
     * to flat arrays, so every sum is bit for bit the same.
     */
    const follow = (comp: number, from: number, to: number, iters: number): void => {
      acc.fill(0);
      let latency = 0;
      for (let i = from; i < to; i++) {
        const m = comp < 0 ? START : members[i]!;
        conditional.length = 0;
        groupKeys.length = 0;
        for (const e of out.get(m) ?? NO_EDGES) {
          // A join edge is counted once, from its last member.
          if (e.join && e.from[e.from.length - 1] !== m) continue;
          if (e.when || e.otherwise) {
            conditional.push(e);
            groupKeys.push(groupKey(e));
            continue;
          }
          for (const t of e.targets) {
            if (inComponent(sccOf, comp, t.name)) continue;
            addValue(acc, t.name, iters);
            latency = Math.max(latency, latencyOf(t.name) * iters);
          }
        }
        // Route groups (conditional edges of one source), in the order each source first appears:
        // the most expensive branch of each.
        for (let i = 0; i < conditional.length; i++) {
          const key = groupKeys[i]!;
          if (groupKeys.indexOf(key) !== i) continue; // Not the group's first edge: done already.
          let staysInLoop = false;
          for (let j = i; j < conditional.length && !staysInLoop; j++) {
            if (groupKeys[j] === key) staysInLoop = targetsIn(sccOf, comp, conditional[j]!);
          }
          const mult = staysInLoop ? 1 : iters;
          best.fill(0);
          for (let j = i; j < conditional.length; j++) {
            if (groupKeys[j] !== key) continue;
            const e = conditional[j]!;
            branch.fill(0);
            for (const t of e.targets) if (!inComponent(sccOf, comp, t.name)) addValue(branch, t.name, 1);
            if (branch[COST]! > best[COST]! || (branch[COST] === best[COST] && branch[STEPS]! > best[STEPS]!)) {
              const lat = Math.max(best[LAT]!, branch[LAT]!);
              const tok = Math.max(best[TOK]!, branch[TOK]!);
              best.set(branch);
              best[LAT] = lat;
              best[TOK] = tok;
            } else {
              best[LAT] = Math.max(best[LAT]!, branch[LAT]!);
              best[TOK] = Math.max(best[TOK]!, branch[TOK]!);
              best[STEPS] = Math.max(best[STEPS]!, branch[STEPS]!);
            }
          }
          for (let k = 0; k < 6; k++) acc[k] = acc[k]! + best[k]! * mult;
          latency = Math.max(latency, best[LAT]! * mult);
        }
      }
      acc[LAT] = latency;
    };

    for (let c = 0; c < comps; c++) {
      const from = first[c]!;
      const to = first[c + 1]!;
      let iters = 1;
      for (let i = from; i < to; i++) {
        for (const e of out.get(members[i]!) ?? NO_EDGES) {
          if (e.max !== undefined && targetsIn(sccOf, c, e)) iters += e.max;
        }
      }
      const o = c * 6;
      for (let i = from; i < to; i++) {
        const w = perNode.get(members[i]!);
        if (!w) continue;
        total[o + COST] = total[o + COST]! + w.costUsd * iters;
        total[o + TOK] = total[o + TOK]! + w.tokens * iters;
        total[o + LAT] = total[o + LAT]! + w.latencyMs * iters;
        total[o + STEPS] = total[o + STEPS]! + w.steps * iters;
        total[o + CALLS] = total[o + CALLS]! + w.calls * iters;
        total[o + HUMAN] = total[o + HUMAN]! + w.humanWaitMs * iters;
      }
      follow(c, from, to, iters);
      // Own cost plus what follows; latency is own plus the slowest way out.
      for (let k = 0; k < 6; k++) total[o + k] = total[o + k]! + acc[k]!;
      done[c] = 1;
    }
    follow(-1, 0, 1, 1);
    const result: GraphWorstCase = { costUsd: acc[COST]!, tokens: acc[TOK]!, latencyMs: acc[LAT]!, steps: acc[STEPS]!, calls: acc[CALLS]!, humanWaitMs: acc[HUMAN]!, perNode };
    this.inProgress.delete(g.sym.name);
    this.graphs.set(key, result);
    return result;
  }
}

// Slots of a worst case in the flat arrays of Economics.graph().
const COST = 0;
const TOK = 1;
const LAT = 2;
const STEPS = 3;
const CALLS = 4;
const HUMAN = 5;
const NO_RESTARTS: ReadonlyMap<string, number> = new Map();
const NO_EDGES: readonly GEdge[] = [];

/**
 * Buffers of Economics.graph(), reused by every call instead of allocated per graph. Safe because
 * a call only starts using them after its per-node loop, the one place it can recurse (sub-graph
 * nodes), and never calls out while using them.
 */
const scratch = {
  acc: new Float64Array(6),
  branch: new Float64Array(6),
  best: new Float64Array(6),
  totalBuf: new Float64Array(64 * 6),
  doneBuf: new Uint8Array(64),
  /** Zeroed totals for `comps` components. */
  totals(comps: number): Float64Array {
    if (this.totalBuf.length < comps * 6) this.totalBuf = new Float64Array(comps * 12);
    this.totalBuf.fill(0, 0, comps * 6);
    return this.totalBuf;
  },
  /** Cleared "totalled" flags for `comps` components. */
  done(comps: number): Uint8Array {
    if (this.doneBuf.length < comps) this.doneBuf = new Uint8Array(comps * 2);
    this.doneBuf.fill(0, 0, comps);
    return this.doneBuf;
  },
};

/** Is `name` in component `comp` (-1: the start vertex)? */
function inComponent(sccOf: Map<string, number>, comp: number, name: string): boolean {
  return comp < 0 ? name === START : sccOf.get(name) === comp;
}

/** Does `e` lead into component `comp` (-1: the start vertex)? */
function targetsIn(sccOf: Map<string, number>, comp: number, e: GEdge): boolean {
  for (const t of e.targets) if (inComponent(sccOf, comp, t.name)) return true;
  return false;
}

/** Which route group a conditional edge belongs to: its source (a join's sources as one key). */
function groupKey(e: GEdge): string {
  return e.from.length === 1 ? e.from[0]! : sourceKey(e.from);
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
