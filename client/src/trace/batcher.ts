// Collects items (run events) and hands them on in batches: the first item arms a timer, and
// everything that arrives before it fires goes in one message. A run that emits thousands of
// events in a burst thus costs the webview a few dozen messages, which it draws once per
// animation frame. Host-free: the timer functions are injected.

export interface BatcherTimers {
  set(f: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimers: BatcherTimers = { set: (f, ms) => setTimeout(f, ms), clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>) };

export class Batcher<T> {
  private items: T[] = [];
  private timer: unknown;

  constructor(
    private readonly flushTo: (items: T[]) => void,
    private readonly delayMs = 50,
    /** A batch this large is sent at once, so no message grows without bound. */
    private readonly maxItems = 2000,
    private readonly timers: BatcherTimers = realTimers,
  ) {}

  push(item: T): void {
    this.items.push(item);
    if (this.items.length >= this.maxItems) this.flush();
    else if (this.timer === undefined) this.timer = this.timers.set(() => this.flush(), this.delayMs);
  }

  /** Sends what is pending now (the run ended, or the view is being replaced). */
  flush(): void {
    if (this.timer !== undefined) {
      this.timers.clear(this.timer);
      this.timer = undefined;
    }
    if (!this.items.length) return;
    const batch = this.items;
    this.items = [];
    this.flushTo(batch);
  }

  /** Drops what is pending. */
  clear(): void {
    if (this.timer !== undefined) this.timers.clear(this.timer);
    this.timer = undefined;
    this.items = [];
  }
}
