// Retry policy and time limits. Backoff follows the agent's `retry:` clause (exponential, linear or
// constant, capped at `max`) with "full jitter" (a uniform draw between 0 and the capped delay,
// which spreads retries of many clients best) and never waits less than a provider's Retry-After.
//
// Timeouts are raced only against work that itself waits on the injected clock (model calls):
// with a virtual clock, racing a virtual timer against real work such as a tool's file I/O would
// let virtual time jump past the deadline while the real work is still running. Tools therefore
// get wall-clock timers, and human channels enforce their own timeouts.

import type { RetryIRSchema } from '../ir/schema.ts';
import type { Clock } from './provider.ts';
import { CancelledError } from './errors.ts';
import type { z } from 'zod';

export type RetryPolicy = z.infer<typeof RetryIRSchema>;

/**
 * The delay before retry number `retry` (1 for the first retry). `random` gives [0, 1); with
 * jitter the result is uniform in [0, capped delay].
 */
export function backoffDelay(policy: RetryPolicy, retry: number, random: () => number, retryAfterMs?: number): number {
  const n = Math.max(1, retry);
  let delay: number;
  switch (policy.strategy) {
    case 'exponential':
      delay = policy.baseMs * 2 ** (n - 1);
      break;
    case 'linear':
      delay = policy.baseMs * n;
      break;
    case 'constant':
      delay = policy.baseMs;
      break;
  }
  if (policy.maxMs > 0) delay = Math.min(delay, policy.maxMs);
  if (policy.jitter) delay = random() * delay;
  // A server that says when to come back knows better than our schedule.
  if (retryAfterMs !== undefined && retryAfterMs > delay) delay = retryAfterMs;
  return Math.max(0, Math.round(delay));
}

/**
 * A cancellation scope. It stops at most once, with a reason, and then calls its subscribers (in
 * the order they subscribed, child scopes included) at once. It is a plain object: a real
 * AbortSignal, which providers, tools, clocks and human channels take, is made only when someone
 * reads `signal`. A run has one scope per graph execution, task and timed call, and in the common
 * case (nobody cancels, the provider ignores its signal) none of them makes an AbortController or
 * registers an EventTarget listener.
 */
/** Something a StopScope stops along with itself: a child scope, a race (see withClockTimeout). */
export interface Stoppable {
  stop(reason: unknown): void;
}

export class StopScope implements Stoppable {
  aborted = false;
  reason: unknown = undefined;
  private subscribers: (((reason: unknown) => void) | Stoppable)[] | undefined;
  private controller: AbortController | undefined;
  /** The scope this one follows (see childOf). */
  private parent: StopScope | undefined;
  /** Stops listening to the external signal this scope follows (see following). */
  private unlisten: (() => void) | undefined;

  /** A scope that stops when `parent` does (with its reason) or on its own; dispose() detaches it. */
  static childOf(parent: StopScope): StopScope {
    const child = new StopScope();
    if (parent.aborted) child.stop(parent.reason);
    else {
      parent.onStop(child);
      child.parent = parent;
    }
    return child;
  }

  /** A scope that follows an external AbortSignal (once, with one listener). */
  static following(signal: AbortSignal | undefined): StopScope {
    const scope = new StopScope();
    if (!signal) return scope;
    if (signal.aborted) {
      scope.stop(signal.reason);
      return scope;
    }
    const on = () => scope.stop(signal.reason);
    signal.addEventListener('abort', on, { once: true });
    scope.unlisten = () => signal.removeEventListener('abort', on);
    return scope;
  }

  /** An AbortSignal that aborts with this scope (made on first use). */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }

  /**
   * Calls `s` (or `s.stop`) once when the scope stops, at once when it already has; off(s)
   * unsubscribes. Scopes and races subscribe themselves, so following costs no closure.
   */
  onStop(s: ((reason: unknown) => void) | Stoppable): void {
    if (this.aborted) notify(s, this.reason);
    else (this.subscribers ??= []).push(s);
  }

  off(s: ((reason: unknown) => void) | Stoppable): void {
    const list = this.subscribers;
    if (!list) return;
    // The latest subscriber is the usual one to leave first.
    const i = list.lastIndexOf(s);
    if (i >= 0) list.splice(i, 1);
  }

  stop(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const list = this.subscribers;
    this.subscribers = undefined;
    if (list) for (const s of list) notify(s, reason);
    this.controller?.abort(reason);
    this.dispose();
  }

  /** Stops following the parent (or the external signal); the scope itself stays usable. */
  dispose(): void {
    if (this.parent) {
      this.parent.off(this);
      this.parent = undefined;
    }
    if (this.unlisten) {
      this.unlisten();
      this.unlisten = undefined;
    }
  }
}

function notify(s: ((reason: unknown) => void) | Stoppable, reason: unknown): void {
  if (typeof s === 'function') s(reason);
  else s.stop(reason);
}

/** Rejects a call's promise as soon as its scope stops, whether or not the work listens. */
class StopRace<T> implements Stoppable {
  resolve!: (v: T) => void;
  reject!: (e: unknown) => void;
  constructor(private readonly scope: StopScope) {}
  stop(): void {
    this.reject(abortReason(this.scope));
  }
}

const noop = (): void => undefined;

export class DeadlineExceeded extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeadlineExceeded';
  }
}

/** The reason used to release internal timers; creating it once is cheaper. */
const SETTLED = new Error('settled');

/**
 * Runs `work` under a scope that stops after `ms` on `clock` (or when `parent` stops). A deadline
 * rejects with DeadlineExceeded; a parent stop with the parent's reason (see abortReason), even
 * when the work ignores its signal. The timer is cancelled as soon as the work settles, so no
 * sleeper is left on a virtual clock. Without a deadline the work runs on the parent's scope: no
 * timer, no controller, one subscription.
 */
export function withClockTimeout<T>(clock: Clock, ms: number | undefined, parent: StopScope, what: string, work: (scope: StopScope) => Promise<T>): Promise<T> {
  if (ms === undefined || !Number.isFinite(ms)) {
    const race = new StopRace<T>(parent);
    const promise = new Promise<T>((resolve, reject) => {
      race.resolve = resolve;
      race.reject = reject;
    });
    parent.onStop(race);
    let p: Promise<T>;
    try {
      p = work(parent);
    } catch (err) {
      parent.off(race);
      race.reject(err);
      return promise;
    }
    p.then(
      (v) => {
        parent.off(race);
        race.resolve(v);
      },
      (e: unknown) => {
        parent.off(race);
        race.reject(e);
      },
    );
    return promise;
  }
  return new Promise<T>((resolve, reject) => {
    const local = StopScope.childOf(parent);
    const timer = new AbortController();
    let timedOut = false;
    const release = () => {
      timer.abort(SETTLED);
      local.dispose();
    };
    local.onStop(() => {
      release();
      reject(timedOut ? new DeadlineExceeded(`${what} timed out after ${ms} ms`) : abortReason(parent));
    });
    clock.sleep(Math.max(0, ms), timer.signal).then(
      () => {
        timedOut = true;
        local.stop(new DeadlineExceeded(`${what} timed out after ${ms} ms`));
      },
      () => undefined, // The timer was cancelled.
    );
    settleWith(local, work, release, resolve, (err) => reject(timedOut ? new DeadlineExceeded(`${what} timed out after ${ms} ms`) : parent.aborted ? abortReason(parent) : err));
  });
}

/** Runs `work(scope)` and settles with it (a synchronous throw rejects), then calls `done`. */
function settleWith<T>(scope: StopScope, work: (scope: StopScope) => Promise<T>, done: () => void, resolve: (v: T) => void, reject: (e: unknown) => void): void {
  let p: Promise<T>;
  try {
    p = work(scope);
  } catch (err) {
    done();
    reject(err);
    return;
  }
  p.then(
    (v) => {
      done();
      resolve(v);
    },
    (e: unknown) => {
      done();
      reject(e);
    },
  );
}

/** Like withClockTimeout, but on the wall clock, for work that runs in real time (tools). */
export async function withRealTimeout<T>(ms: number | undefined, parent: StopScope, what: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const local = StopScope.childOf(parent);
  let timer: NodeJS.Timeout | undefined;
  let timedOut = false;
  const races: Promise<T>[] = [work(local.signal)];
  if (ms !== undefined && Number.isFinite(ms)) {
    races.push(
      new Promise<T>((_, reject) => {
        timer = setTimeout(() => {
          timedOut = true;
          const err = new DeadlineExceeded(`${what} timed out after ${ms} ms`);
          local.stop(err);
          reject(err);
        }, Math.max(0, ms));
      }),
    );
  }
  let onStop = noop;
  races.push(
    new Promise<T>((_, reject) => {
      onStop = () => reject(abortReason(parent));
      parent.onStop(onStop);
    }),
  );
  try {
    return await Promise.race(races);
  } catch (err) {
    if (timedOut) throw new DeadlineExceeded(`${what} timed out after ${ms} ms`);
    throw err;
  } finally {
    if (timer) clearTimeout(timer);
    parent.off(onStop);
    local.dispose();
  }
}

/** The reason a signal or scope was aborted with, as an Error (CancelledError when none was given). */
export function abortReason(signal: { readonly reason: unknown }): Error {
  const r: unknown = signal.reason;
  if (r instanceof Error && r.name !== 'AbortError') return r;
  return new CancelledError();
}

/** Sleeps on the clock; a stop rejects with the scope's reason as an Error. */
export async function sleep(clock: Clock, ms: number, scope?: StopScope): Promise<void> {
  if (ms <= 0) {
    if (scope?.aborted) throw abortReason(scope);
    return;
  }
  try {
    await clock.sleep(ms, scope?.signal);
  } catch (err) {
    if (scope?.aborted) throw abortReason(scope);
    throw err;
  }
}
