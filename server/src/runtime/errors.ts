// Errors the runtime raises. Two families matter for control flow: failures of one piece of work
// (`RuntimeError`, which retries, fallbacks and supervisors may handle) and stops that end the
// whole run at once (`BudgetExceededError`, `CancelledError`), which nothing retries.

import { ProviderError } from './provider.ts';

export type FailureKind =
  | 'provider'
  | 'invalid_output'
  | 'max_turns'
  | 'timeout'
  | 'tool'
  | 'human'
  | 'invalid_args'
  | 'dead_end'
  | 'expression'
  | 'subgraph'
  | 'internal';

export class RuntimeError extends Error {
  /** The node the error is about, when one is to blame (a dead end names it). */
  node?: string;

  constructor(
    readonly kind: FailureKind,
    message: string,
    /** Whether another attempt may succeed (timeouts and invalid model output may). */
    readonly retryable = false,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'RuntimeError';
  }
}

export type BudgetLimit = 'cost' | 'tokens' | 'steps' | 'latency';

export class BudgetExceededError extends Error {
  constructor(
    readonly limit: BudgetLimit,
    message: string,
    /** The budget scope that refused: a sub-graph's own budget, or the run's. */
    readonly scope: object,
  ) {
    super(message);
    this.name = 'BudgetExceededError';
  }
}

export class CancelledError extends Error {
  constructor(message = 'the run was cancelled') {
    super(message);
    this.name = 'CancelledError';
  }
}

/** The graph's own `timeout` passed: the run fails without further retries. */
export class GraphTimeoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GraphTimeoutError';
  }
}

/** A node failed for good (after its retries, fallbacks and any supervisor restarts). */
export class NodeFailedError extends Error {
  constructor(
    readonly node: string,
    override readonly cause: unknown,
  ) {
    super(`node '${node}' failed: ${messageOf(cause)}`);
    this.name = 'NodeFailedError';
  }
}

/** Stops end the run; they are never retried or supervised. */
export function isStop(err: unknown): boolean {
  return err instanceof BudgetExceededError || err instanceof CancelledError || err instanceof GraphTimeoutError;
}

export function isRetryable(err: unknown): boolean {
  if (err instanceof ProviderError) return err.retryable;
  if (err instanceof RuntimeError) return err.retryable;
  return false;
}

export function retryAfterOf(err: unknown): number | undefined {
  if (err instanceof ProviderError || err instanceof RuntimeError) return err.retryAfterMs;
  return undefined;
}

export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

/** A short machine-readable reason for traces (`rate_limit`, `invalid_output`, `timeout`, …). */
export function reasonOf(err: unknown): string {
  if (err instanceof ProviderError) return err.kind;
  if (err instanceof RuntimeError) return err.kind;
  if (err instanceof BudgetExceededError) return 'budget_exceeded';
  if (err instanceof CancelledError) return 'cancelled';
  if (err instanceof GraphTimeoutError) return 'graph_timeout';
  if (err instanceof NodeFailedError) return reasonOf(err.cause);
  return 'error';
}

export function isAbortError(err: unknown): boolean {
  return (err instanceof Error && err.name === 'AbortError') || (err instanceof ProviderError && err.kind === 'aborted');
}
