// The editor's side of the run host (server/src/runhost/): forks dist/run-host.js with an IPC
// channel, sends `start`, hands every trace event and human question to the caller, and resolves
// once with how the run ended. Whatever the child does, the result settles: a crash, a fork
// failure or a run that ignores cancellation (it is killed after a grace period) all become a
// failure result, and pending human questions are withdrawn. No `vscode` import here, so tests
// drive the real process through this class.

import { fork, type ChildProcess } from 'node:child_process';
import type { ChildMessage, DescribedMessage, DescribeMessage, DoneMessage, GraphDescription, HumanQuestionPayload, ParentMessage, StartMessage } from '../../../server/src/runhost/protocol.ts';
import type { RunEvent } from '../../../server/src/runtime/trace.ts';

export interface RunProcessOptions {
  /** The run host module: dist/run-host.js (or the TS entry with `execArgv: ['--import', 'tsx']`). */
  hostModule: string;
  execArgv?: string[];
  cwd?: string;
  /** The child's whole environment (the API key, when there is one, travels only here). */
  env: Record<string, string | undefined>;
  /** Starts the run at once; without it, call `start()` later (after `describe()`, say). */
  start?: StartMessage;
  onEvent(event: RunEvent): void;
  /** Asks a person; `signal` aborts when the run no longer needs the answer. */
  onHumanAsk(question: HumanQuestionPayload, signal: AbortSignal): Promise<{ value: unknown } | undefined>;
  /** The child's stdout/stderr, secrets removed (for the output channel). */
  onOutput?(text: string): void;
  /** How long a cancelled run may take to stop before it is killed (default 8 s). */
  cancelGraceMs?: number;
}

export type DescribeResult = { ok: true; graphs: GraphDescription[] } | { ok: false; message: string; diagnostics?: string[] };

export type RunProcessResult =
  | { ok: true; done: DoneMessage }
  | { ok: false; message: string; diagnostics?: string[]; cancelled?: boolean };

const REDACTED = '[REDACTED]';

/** Values of key-like environment variables: never shown, whatever the child prints. */
export function secretsOf(env: Readonly<Record<string, string | undefined>>): string[] {
  return Object.entries(env)
    .filter(([k, v]) => /(_API_KEY|_TOKEN|_SECRET)$/.test(k) && typeof v === 'string' && v.length >= 6)
    .map(([, v]) => v!);
}

export function redactText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join(REDACTED);
  return out;
}

export class RunProcess {
  readonly result: Promise<RunProcessResult>;
  private readonly child: ChildProcess;
  private settle!: (r: RunProcessResult) => void;
  private settled = false;
  private cancelled = false;
  private killTimer: NodeJS.Timeout | undefined;
  private readonly questions = new Map<number, AbortController>();
  private readonly describing = new Map<number, (r: DescribeResult) => void>();
  private describeSeq = 0;
  private started = false;
  private readonly secrets: string[];
  /** The last lines the child printed, for the report when it crashes. */
  private tail = '';

  constructor(private readonly o: RunProcessOptions) {
    this.secrets = secretsOf(o.env);
    this.result = new Promise<RunProcessResult>((resolve) => (this.settle = resolve));
    this.child = fork(o.hostModule, [], {
      cwd: o.cwd,
      env: { ...o.env, ELECTRON_RUN_AS_NODE: '1' },
      execArgv: o.execArgv ?? [],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
    });
    const onData = (d: Buffer) => {
      const text = redactText(d.toString('utf8'), this.secrets);
      this.tail = (this.tail + text).slice(-2000);
      o.onOutput?.(text);
    };
    this.child.stdout?.on('data', onData);
    this.child.stderr?.on('data', onData);
    this.child.on('message', (m: unknown) => this.onMessage(m as ChildMessage));
    this.child.on('error', (err) => this.finish({ ok: false, message: `the run process could not start: ${redactText(err.message, this.secrets)}` }));
    // 'close', not 'exit': it comes after the last IPC message and output have been read.
    this.child.on('close', (code, signal) => {
      if (this.cancelled) return this.finish({ ok: false, cancelled: true, message: 'the run was cancelled' });
      const how = signal ? `was killed (${signal})` : `exited with code ${code ?? '?'}`;
      const tail = this.tail.trim().split('\n').slice(-5).join('\n');
      this.finish({ ok: false, message: `the run process ${how} before the run finished${tail ? `:\n${tail}` : ''}` });
    });
    if (o.start) this.start(o.start);
  }

  /** Compiles the spec in the child and lists its graphs; the process stays ready for `start`. */
  describe(m: Omit<DescribeMessage, 'type' | 'id'>): Promise<DescribeResult> {
    if (this.settled) return Promise.resolve({ ok: false, message: 'the run process has ended' });
    const id = ++this.describeSeq;
    return new Promise<DescribeResult>((resolve) => {
      this.describing.set(id, resolve);
      this.post({ type: 'describe', id, ...m });
    });
  }

  /** Starts the run (once). */
  start(m: StartMessage): void {
    if (this.started || this.settled) return;
    this.started = true;
    this.post(m);
  }

  /** Ends the process without a run (the user dismissed a picker after `describe`). */
  dispose(): void {
    if (this.settled) return;
    this.cancelled = true;
    this.child.kill();
  }

  /** The child's process id (undefined when it could not start). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Asks the run to stop; it ends as cancelled, or is killed when it does not stop in time. */
  cancel(): void {
    if (this.settled || this.cancelled) return;
    this.cancelled = true;
    this.post({ type: 'cancel' });
    this.killTimer = setTimeout(() => this.child.kill('SIGKILL'), this.o.cancelGraceMs ?? 8000);
  }

  private post(m: ParentMessage): void {
    if (this.child.connected) this.child.send(m, (err) => err && undefined);
  }

  private onMessage(m: ChildMessage): void {
    if (!m || typeof m !== 'object') return;
    switch (m.type) {
      case 'described':
        this.onDescribed(m);
        return;
      case 'event':
        this.o.onEvent(m.event);
        return;
      case 'humanAsk':
        void this.ask(m.id, m.question);
        return;
      case 'humanCancel':
        this.questions.get(m.id)?.abort();
        this.questions.delete(m.id);
        return;
      case 'done':
        this.finish({ ok: true, done: m });
        return;
      case 'error':
        this.finish({ ok: false, message: m.message, ...(m.diagnostics ? { diagnostics: m.diagnostics } : {}) });
        return;
    }
  }

  private onDescribed(m: DescribedMessage): void {
    const resolve = this.describing.get(m.id);
    this.describing.delete(m.id);
    if (!resolve) return;
    if (m.graphs) resolve({ ok: true, graphs: m.graphs });
    else resolve({ ok: false, message: m.message ?? 'the spec could not be compiled', ...(m.diagnostics ? { diagnostics: m.diagnostics } : {}) });
  }

  private async ask(id: number, question: HumanQuestionPayload): Promise<void> {
    const controller = new AbortController();
    this.questions.set(id, controller);
    let answer: { value: unknown } | undefined;
    try {
      answer = await this.o.onHumanAsk(question, controller.signal);
    } catch {
      answer = undefined;
    }
    // A withdrawn question's late answer is not sent: the run has moved on.
    if (!this.questions.delete(id)) return;
    this.post({ type: 'humanAnswer', id, ...(answer ? { answer } : {}) });
  }

  private finish(r: RunProcessResult): void {
    if (this.settled) return;
    this.settled = true;
    if (this.killTimer) clearTimeout(this.killTimer);
    for (const q of this.questions.values()) q.abort();
    this.questions.clear();
    const message = r.ok ? 'the run process has ended' : r.message;
    for (const resolve of this.describing.values()) resolve({ ok: false, message });
    this.describing.clear();
    this.settle(r);
  }
}
