// Durable run state. After every completed step the journal of step results is written atomically
// (a temporary file renamed over the old one), so a crash at any moment leaves either the old or
// the new checkpoint, never half of one. Resuming replays the graph from the start: scheduling is
// deterministic given node outputs, so every step already in the journal (same key, same input)
// returns its recorded output instead of running again, and the run continues where it stopped.
// Irreversible tool calls are journalled before and after they run, so they never run twice.
//
// Trace events are appended to trace.jsonl in batches: a file store keeps the lines of a run in
// memory and writes them in one append just before each checkpoint write, when the run ends
// (before the run's promise resolves) and whenever a batch grows large. So every event emitted
// is in the file once runGraph resolves, the file never reorders, and a crash loses at most the
// events emitted since the last checkpoint write (the checkpoint, not the trace, is what a resume
// needs).

import { appendFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Totals } from './budget.ts';
import type { RunEvent, RunOutcome } from './trace.ts';

export const CHECKPOINT_VERSION = 1;

export interface StepRecord {
  node: string;
  inputHash: string;
  output: unknown;
  /** The key without its restart suffix: the same execution of the node, however often restarted. */
  base: string;
  /** The session (1 for the first start, +1 per resume) that recorded it. */
  session: number;
}

export interface ToolCallRecord {
  tool: string;
  node: string;
  status: 'started' | 'done' | 'failed';
  result?: unknown;
  error?: string;
}

export interface CheckpointState {
  version: typeof CHECKPOINT_VERSION;
  runId: string;
  graph: string;
  /** The spec the run's IR came from (to rebuild the IR on resume). */
  source: string;
  input: unknown;
  seed: number;
  status: 'running' | RunOutcome;
  /** How many times the run was started (1 + resumes). */
  sessions: number;
  totals: Totals;
  steps: Record<string, StepRecord>;
  tools: Record<string, ToolCallRecord>;
}

/** Where checkpoints and trace events live: on disk for the CLI, in memory for tests. */
export interface RunStore {
  load(runId: string): CheckpointState | undefined;
  save(state: CheckpointState): void;
  appendEvent(runId: string, event: RunEvent): void;
  /** Makes every event appended so far durable (a store that buffers events must implement it). */
  flushEvents?(runId: string): void;
}

/** A file store writes a run's buffered trace lines once they reach this many characters. */
const TRACE_BATCH_CHARS = 1 << 20;

/** `<runsDir>/<run-id>/checkpoint.json` and `<runsDir>/<run-id>/trace.jsonl`. */
export class FileRunStore implements RunStore {
  /** Trace lines not yet written, by run id. */
  private readonly pending = new Map<string, { lines: string[]; chars: number }>();
  /** Run folders known to exist. */
  private readonly made = new Set<string>();

  constructor(readonly runsDir: string) {}

  dir(runId: string): string {
    if (!/^[A-Za-z0-9._-]+$/.test(runId)) throw new Error(`invalid run id '${runId}'`);
    return path.join(this.runsDir, runId);
  }

  checkpointPath(runId: string): string {
    return path.join(this.dir(runId), 'checkpoint.json');
  }

  tracePath(runId: string): string {
    return path.join(this.dir(runId), 'trace.jsonl');
  }

  load(runId: string): CheckpointState | undefined {
    try {
      const state = JSON.parse(readFileSync(this.checkpointPath(runId), 'utf8')) as CheckpointState;
      return state.version === CHECKPOINT_VERSION ? state : undefined;
    } catch {
      return undefined;
    }
  }

  private makeDir(runId: string): string {
    const dir = this.dir(runId);
    if (!this.made.has(dir)) {
      mkdirSync(dir, { recursive: true });
      this.made.add(dir);
    }
    return dir;
  }

  save(state: CheckpointState): void {
    // The trace first: a checkpoint never gets ahead of the events that led to it.
    this.flushEvents(state.runId);
    this.makeDir(state.runId);
    const final = this.checkpointPath(state.runId);
    const tmp = `${final}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(state));
    renameSync(tmp, final);
  }

  appendEvent(runId: string, event: RunEvent): void {
    // Serialized now (a later change to the event by another subscriber cannot reach the file),
    // written in batches (see the top of this file).
    const line = `${JSON.stringify(event)}\n`;
    let p = this.pending.get(runId);
    if (!p) this.pending.set(runId, (p = { lines: [], chars: 0 }));
    p.lines.push(line);
    p.chars += line.length;
    if (p.chars >= TRACE_BATCH_CHARS) this.flushEvents(runId);
  }

  flushEvents(runId: string): void {
    const p = this.pending.get(runId);
    if (!p) return;
    this.pending.delete(runId);
    const text = p.lines.join('');
    const file = this.tracePath(runId);
    try {
      appendFileSync(file, text);
    } catch {
      this.made.delete(path.dirname(file));
      this.makeDir(runId);
      appendFileSync(file, text);
    }
  }
}

export class MemoryRunStore implements RunStore {
  readonly states = new Map<string, CheckpointState>();
  readonly events = new Map<string, RunEvent[]>();
  saves = 0;

  load(runId: string): CheckpointState | undefined {
    const s = this.states.get(runId);
    return s ? (JSON.parse(JSON.stringify(s)) as CheckpointState) : undefined;
  }

  save(state: CheckpointState): void {
    this.saves++;
    this.states.set(state.runId, JSON.parse(JSON.stringify(state)) as CheckpointState);
  }

  appendEvent(runId: string, event: RunEvent): void {
    const list = this.events.get(runId) ?? [];
    list.push(event);
    this.events.set(runId, list);
  }
}

/** The live checkpoint of one run: journal lookups for replay, and writes after each change. */
export class Checkpointer {
  constructor(
    private readonly store: RunStore | undefined,
    readonly state: CheckpointState,
    private readonly totals: () => Totals,
    /** Applied to what is written: checkpoints sit on disk next to traces and are as shareable. */
    private readonly redact: <T>(v: T) => T = (v) => v,
  ) {}

  private readonly consumed = new Set<string>();
  /** A resumed run, or a run-from-here seeded with another run's steps, has records to replay (decided at the first lookup). */
  private replayable?: boolean;

  /** Whether checkpoints are written anywhere (without a store nothing is, and nothing resumes). */
  get persistent(): boolean {
    return this.store !== undefined;
  }

  /**
   * A recorded output for this step from an earlier session, when it ran with the same input.
   * Restarts may differ between sessions (a failure that happened before the crash need not
   * happen again), so a step also matches a record of the same execution under another restart
   * count. Each record is used once per session, so a supervisor restart of a replayed step in
   * this session really runs it again.
   */
  replay(key: string, base: string, inputHash: string): StepRecord | undefined {
    // Only records of earlier sessions replay; a first session has none.
    this.replayable ??= this.state.sessions > 1 || Object.keys(this.state.steps).length > 0;
    if (!this.replayable) return undefined;
    const usable = (k: string, r: StepRecord | undefined) => r && r.inputHash === inputHash && r.session < this.state.sessions && !this.consumed.has(k);
    let hitKey: string | undefined = usable(key, this.state.steps[key]) ? key : undefined;
    if (!hitKey) {
      for (const [k, r] of Object.entries(this.state.steps)) if (r.base === base && usable(k, r)) hitKey = k;
    }
    if (!hitKey) return undefined;
    this.consumed.add(hitKey);
    return this.state.steps[hitKey];
  }

  recordStep(key: string, rec: StepRecord): void {
    this.state.steps[key] = rec;
    this.flush();
  }

  toolCall(key: string): ToolCallRecord | undefined {
    return this.state.tools[key];
  }

  recordToolCall(key: string, rec: ToolCallRecord): void {
    this.state.tools[key] = rec;
    this.flush();
  }

  finish(status: RunOutcome): void {
    this.state.status = status;
    this.flush();
  }

  /** Writes the checkpoint (without a store there is nothing to write, nor to compute). */
  flush(): void {
    if (!this.store) return;
    this.state.totals = this.totals();
    this.store.save(this.redact(this.state));
  }
}
