// Budgets enforced while the run goes. Every model call reserves its worst case (estimated input
// tokens × input price + max_tokens × output price) before it starts and is refused when that
// would overrun what remains, so concurrent branches can never overshoot together; the actual
// usage replaces the reservation when the call returns. Steps are checked before each node
// execution, latency before each step and call. A sub-graph has its own scope whose usage also
// counts against every enclosing scope.

/* eslint-disable @typescript-eslint/no-this-alias -- the budget checks walk the chain of enclosing scopes, starting from this one. */
import type { ModelIR } from '../ir/schema.ts';
import type { Clock } from './provider.ts';
import { BudgetExceededError, type BudgetLimit } from './errors.ts';

export interface BudgetLimits {
  costUsd?: number;
  tokens?: number;
  steps?: number;
  latencyMs?: number;
}

export interface Totals {
  costUsd: number;
  tokens: number;
  inputTokens: number;
  outputTokens: number;
  steps: number;
  modelCalls: number;
  toolCalls: number;
  /** Wall (or virtual) time since the run started, human waits included. */
  latencyMs: number;
  /** Time spent waiting for people; not counted against the latency budget. */
  humanWaitMs: number;
}

export function zeroTotals(): Totals {
  return { costUsd: 0, tokens: 0, inputTokens: 0, outputTokens: 0, steps: 0, modelCalls: 0, toolCalls: 0, latencyMs: 0, humanWaitMs: 0 };
}

export interface CallEstimate {
  costUsd: number;
  tokens: number;
  latencyMs: number;
}

export interface Reservation {
  readonly estimate: CallEstimate;
  released: boolean;
}

/** Price per 1M tokens → dollars. */
export function costOf(model: ModelIR, inputTokens: number, outputTokens: number): number {
  return (inputTokens * model.profile.inputPrice + outputTokens * model.profile.outputPrice) / 1e6;
}

/** The worst case of one call: the prompt (chars / 4) and a full `maxTokens` answer. */
export function estimateCall(model: ModelIR, promptChars: number, maxTokens: number): CallEstimate {
  const input = Math.ceil(promptChars / 4);
  const p = model.profile;
  return {
    costUsd: costOf(model, input, maxTokens),
    tokens: input + maxTokens,
    latencyMs: p.ttftMs + (p.tokensPerSecond > 0 ? (maxTokens / p.tokensPerSecond) * 1000 : 0),
  };
}

const money = (n: number) => `$${n.toFixed(n < 0.01 ? 6 : 4)}`;

export class BudgetScope {
  readonly totals: Totals;
  private reservedCost = 0;
  private reservedTokens = 0;
  private readonly startedAt: number;

  constructor(
    readonly name: string,
    readonly limits: BudgetLimits,
    private readonly clock: Clock,
    readonly parent?: BudgetScope,
    /** Usage carried over from before a resume (the root scope only). */
    restored?: Totals,
  ) {
    this.totals = restored ? { ...restored } : zeroTotals();
    // Latency continues from where the interrupted run stopped.
    this.startedAt = clock.now() - (restored?.latencyMs ?? 0);
  }

  /** The run's scope (the top of a chain of sub-graph scopes). */
  root(): BudgetScope {
    return this.parent ? this.parent.root() : this;
  }


  /** Elapsed time minus human waits: people are not the system's latency. */
  elapsed(): number {
    return this.clock.now() - this.startedAt - this.totals.humanWaitMs;
  }

  private refuse(limit: BudgetLimit, message: string): never {
    throw new BudgetExceededError(limit, `${this.name}: ${message}`, this);
  }

  /**
   * Before a node execution: refuses the step that would exceed `steps` or a spent latency. A
   * sub-graph node is not a step of its own (`count` false): its inner nodes are, as the checker
   * counts them.
   */
  beginStep(count = true): void {
    // Each loop walks this scope and its enclosing ones (a chain of parent links).
    for (let s: BudgetScope | undefined = this; s; s = s.parent) {
      if (count && s.limits.steps !== undefined && s.totals.steps + 1 > s.limits.steps) s.refuse('steps', `step budget exceeded: ${s.totals.steps} of ${s.limits.steps} steps used, the next step would exceed it`);
      if (s.limits.latencyMs !== undefined && s.elapsed() >= s.limits.latencyMs) s.refuse('latency', `latency budget exceeded: ${Math.round(s.elapsed())} ms of ${s.limits.latencyMs} ms used`);
    }
    if (count) for (let s: BudgetScope | undefined = this; s; s = s.parent) s.totals.steps++;
  }

  /** Before a model call: reserves its worst case or refuses it. */
  reserve(est: CallEstimate): Reservation {
    for (let s: BudgetScope | undefined = this; s; s = s.parent) {
      const l = s.limits;
      if (l.costUsd !== undefined && s.totals.costUsd + s.reservedCost + est.costUsd > l.costUsd) {
        s.refuse('cost', `cost budget exceeded: ${money(s.totals.costUsd + s.reservedCost)} spent or reserved, the next call may cost up to ${money(est.costUsd)}, the budget is ${money(l.costUsd)}`);
      }
      if (l.tokens !== undefined && s.totals.tokens + s.reservedTokens + est.tokens > l.tokens) {
        s.refuse('tokens', `token budget exceeded: ${s.totals.tokens + s.reservedTokens} tokens used or reserved, the next call may use up to ${est.tokens}, the budget is ${l.tokens}`);
      }
      if (l.latencyMs !== undefined && s.elapsed() + est.latencyMs > l.latencyMs) {
        s.refuse('latency', `latency budget exceeded: ${Math.round(s.elapsed())} ms elapsed, the next call may take up to ${Math.round(est.latencyMs)} ms, the budget is ${l.latencyMs} ms`);
      }
    }
    for (let s: BudgetScope | undefined = this; s; s = s.parent) {
      s.reservedCost += est.costUsd;
      s.reservedTokens += est.tokens;
    }
    return { estimate: est, released: false };
  }

  /** After the call (or its failure): drops the reservation and books what was really used. */
  settle(r: Reservation, used?: { costUsd: number; inputTokens: number; outputTokens: number }): void {
    for (let s: BudgetScope | undefined = this; s; s = s.parent) {
      if (!r.released) {
        s.reservedCost -= r.estimate.costUsd;
        s.reservedTokens -= r.estimate.tokens;
      }
      if (used) s.addUsage(used);
    }
    r.released = true;
  }

  private addUsage(used: { costUsd: number; inputTokens: number; outputTokens: number }): void {
    this.totals.costUsd += used.costUsd;
    this.totals.inputTokens += used.inputTokens;
    this.totals.outputTokens += used.outputTokens;
    this.totals.tokens += used.inputTokens + used.outputTokens;
    this.totals.modelCalls++;
  }

  countToolCall(): void {
    for (let s: BudgetScope | undefined = this; s; s = s.parent) s.totals.toolCalls++;
  }

  addHumanWait(ms: number): void {
    for (let s: BudgetScope | undefined = this; s; s = s.parent) s.totals.humanWaitMs += ms;
  }

  /** Totals with the latency filled in as of now (or as of `now`, a reading of the run's clock). */
  snapshot(now = this.clock.now()): Totals {
    const t = this.totals;
    return {
      costUsd: t.costUsd,
      tokens: t.tokens,
      inputTokens: t.inputTokens,
      outputTokens: t.outputTokens,
      steps: t.steps,
      modelCalls: t.modelCalls,
      toolCalls: t.toolCalls,
      latencyMs: now - this.startedAt,
      humanWaitMs: t.humanWaitMs,
    };
  }
}
