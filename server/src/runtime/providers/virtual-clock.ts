// Virtual time for simulated runs: `sleep` never waits for the wall clock, yet concurrent sleepers
// still overlap the way real ones would. Sleepers are kept in a queue ordered by wake time; once
// the current burst of synchronous work and microtasks has settled (a `setImmediate` turn), the
// clock jumps to the earliest wake time and resumes exactly the sleepers due then. Two branches
// that each wait 300 ms therefore finish at t+300, not t+600, and a run with minutes of model
// latency completes in milliseconds while its trace shows realistic timings.
//
// Only pair it with work that waits on this clock (the simulated provider): while real I/O is in
// flight the clock still jumps to the next sleeper, so a real HTTP call raced against a virtual
// timeout would lose at once. Real providers use `realClock`.

import type { Clock } from '../provider.ts';

interface Sleeper {
  at: number;
  seq: number;
  resolve: () => void;
}

export class VirtualClock implements Clock {
  private t: number;
  private seq = 0;
  private readonly queue: Sleeper[] = [];
  private flushScheduled = false;

  /** `start` is the virtual epoch in ms (a fixed date by default, so traces are reproducible). */
  constructor(start = Date.UTC(2025, 0, 1)) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  /** Number of sleepers not yet woken (tests use it to prove nothing is left hanging). */
  get pending(): number {
    return this.queue.length;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    const delay = Number.isFinite(ms) && ms > 0 ? ms : 0;
    return new Promise<void>((resolve, reject) => {
      const sleeper: Sleeper = { at: this.t + delay, seq: this.seq++, resolve: () => undefined };
      const onAbort = () => {
        this.remove(sleeper);
        reject(abortReason(signal!));
      };
      sleeper.resolve = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.insert(sleeper);
      this.scheduleFlush();
    });
  }

  /** Moves time forward by hand, waking every sleeper due by then (for tests). */
  advance(ms: number): void {
    this.t += Math.max(0, ms);
    this.wakeDue();
  }

  private insert(s: Sleeper): void {
    // Keep the queue sorted by (at, seq): equal wake times resume in the order they slept.
    let i = this.queue.length;
    while (i > 0) {
      const prev = this.queue[i - 1]!;
      if (prev.at < s.at || (prev.at === s.at && prev.seq < s.seq)) break;
      i--;
    }
    this.queue.splice(i, 0, s);
  }

  private remove(s: Sleeper): void {
    const i = this.queue.indexOf(s);
    if (i >= 0) this.queue.splice(i, 1);
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // setImmediate runs after all pending microtasks, so every branch that is about to sleep has
    // registered before time jumps.
    setImmediate(() => {
      this.flushScheduled = false;
      const first = this.queue[0];
      if (!first) return;
      if (first.at > this.t) this.t = first.at;
      this.wakeDue();
    });
  }

  private wakeDue(): void {
    while (this.queue.length > 0 && this.queue[0]!.at <= this.t) this.queue.shift()!.resolve();
    if (this.queue.length > 0) this.scheduleFlush();
  }
}

/** Wall-clock time, for real providers and benchmarks. */
export const realClock: Clock = {
  now: () => Date.now(),
  sleep(ms, signal) {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        clearTimeout(timer);
        reject(abortReason(signal!));
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, Math.max(0, ms));
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  },
};

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted', 'AbortError');
}
