// When the language server dies unexpectedly, restart it, but only a bounded number of times in a
// sliding window: a server that crashes on start-up (or on every keystroke of one spec) must not
// restart forever. Pure, so the policy is unit-tested without a VS Code.

export interface CrashDecision {
  /** Restart the server now. */
  restart: boolean;
  /** Crashes counted in the current window, this one included. */
  crashes: number;
  /** Restarts allowed in one window. */
  maxRestarts: number;
}

export class CrashPolicy {
  private times: number[] = [];

  constructor(
    /** Restarts allowed within `windowMs`. */
    readonly maxRestarts = 4,
    readonly windowMs = 3 * 60_000,
  ) {}

  /** Records a crash at `now` (ms) and decides whether to restart. */
  crashed(now: number): CrashDecision {
    this.times = this.times.filter((t) => now - t < this.windowMs);
    this.times.push(now);
    return { restart: this.times.length <= this.maxRestarts, crashes: this.times.length, maxRestarts: this.maxRestarts };
  }

  /** Forgets past crashes (after a manual restart). */
  reset(): void {
    this.times = [];
  }
}
