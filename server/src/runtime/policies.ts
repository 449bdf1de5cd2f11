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

/** A signal that aborts when any of `signals` does. */
export function anySignal(signals: (AbortSignal | undefined)[]): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const cleanups: (() => void)[] = [];
  for (const s of signals) {
    if (!s) continue;
    if (s.aborted) {
      controller.abort(s.reason);
      break;
    }
    const on = () => controller.abort(s.reason);
    s.addEventListener('abort', on, { once: true });
    cleanups.push(() => s.removeEventListener('abort', on));
  }
  return { signal: controller.signal, dispose: () => cleanups.forEach((c) => c()) };
}

export class DeadlineExceeded extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeadlineExceeded';
  }
}

/** The reason used to release internal listeners and timers; creating it once is cheaper. */
const SETTLED = new Error('settled');

/**
 * Runs `work` with a signal that aborts after `ms` on `clock` (or when `parent` aborts). A
 * deadline rejects with DeadlineExceeded; a parent abort with the parent's reason (see
 * abortReason), even when the work ignores its signal. The timer is cancelled as soon as the work
 * settles, so no sleeper is left on a virtual clock.
 */
export async function withClockTimeout<T>(
  clock: Clock,
  ms: number | undefined,
  parent: AbortSignal | undefined,
  what: string,
  work: (signal: AbortSignal | undefined) => Promise<T>,
): Promise<T> {
  // Without a deadline the work runs on the parent's signal: no extra controllers per call.
  if (ms === undefined || !Number.isFinite(ms)) {
    if (!parent) return work(undefined);
    const guard = abortPromise<T>(parent);
    try {
      return await Promise.race([work(parent), guard.promise]);
    } finally {
      guard.release();
    }
  }
  const done = new AbortController();
  const local = new AbortController();
  const { signal, dispose } = anySignal([parent, local.signal]);
  let timedOut = false;
  const races: Promise<T>[] = [work(signal)];
  if (parent) races.push(rejectOnAbort<T>(parent, done.signal));
  races.push(
    clock.sleep(Math.max(0, ms), done.signal).then(
      () => {
        timedOut = true;
        local.abort(new DeadlineExceeded(`${what} timed out after ${ms} ms`));
        throw new DeadlineExceeded(`${what} timed out after ${ms} ms`);
      },
      () => new Promise<T>(() => undefined), // The timer was cancelled: never settle this branch.
    ),
  );
  try {
    return await Promise.race(races);
  } catch (err) {
    if (timedOut) throw new DeadlineExceeded(`${what} timed out after ${ms} ms`);
    if (parent?.aborted) throw abortReason(parent);
    throw err;
  } finally {
    done.abort(SETTLED);
    dispose();
  }
}

/** Like withClockTimeout, but on the wall clock, for work that runs in real time (tools). */
export async function withRealTimeout<T>(ms: number | undefined, parent: AbortSignal | undefined, what: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const local = new AbortController();
  const { signal, dispose } = anySignal([parent, local.signal]);
  let timer: NodeJS.Timeout | undefined;
  let timedOut = false;
  const races: Promise<T>[] = [work(signal)];
  if (ms !== undefined && Number.isFinite(ms)) {
    races.push(
      new Promise<T>((_, reject) => {
        timer = setTimeout(() => {
          timedOut = true;
          const err = new DeadlineExceeded(`${what} timed out after ${ms} ms`);
          local.abort(err);
          reject(err);
        }, Math.max(0, ms));
      }),
    );
  }
  const settled = new AbortController();
  if (parent) races.push(rejectOnAbort<T>(parent, settled.signal));
  try {
    return await Promise.race(races);
  } catch (err) {
    if (timedOut) throw new DeadlineExceeded(`${what} timed out after ${ms} ms`);
    throw err;
  } finally {
    if (timer) clearTimeout(timer);
    settled.abort(SETTLED);
    dispose();
  }
}

/** A promise that rejects when `signal` aborts, and a way to stop listening. */
function abortPromise<T>(signal: AbortSignal): { promise: Promise<T>; release: () => void } {
  let release = () => undefined as void;
  const promise = new Promise<T>((_, reject) => {
    if (signal.aborted) return reject(abortReason(signal));
    const on = () => reject(abortReason(signal));
    signal.addEventListener('abort', on, { once: true });
    release = () => signal.removeEventListener('abort', on);
  });
  return { promise, release };
}

/** Rejects with the abort reason when `signal` aborts; stops listening once `done` aborts. */
function rejectOnAbort<T>(signal: AbortSignal, done: AbortSignal): Promise<T> {
  return new Promise<T>((_, reject) => {
    if (signal.aborted) return reject(abortReason(signal));
    const on = () => reject(abortReason(signal));
    signal.addEventListener('abort', on, { once: true });
    done.addEventListener('abort', () => signal.removeEventListener('abort', on), { once: true });
  });
}

/** The reason a signal was aborted with, as an Error (CancelledError when none was given). */
export function abortReason(signal: AbortSignal): Error {
  const r: unknown = signal.reason;
  if (r instanceof Error && r.name !== 'AbortError') return r;
  return new CancelledError();
}

/** Sleeps on the clock; an abort rejects with the signal's reason as an Error. */
export async function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0) {
    if (signal?.aborted) throw abortReason(signal);
    return;
  }
  try {
    await clock.sleep(ms, signal);
  } catch (err) {
    if (signal?.aborted) throw abortReason(signal);
    throw err;
  }
}
