// The debugger's side of the runtime's debug hooks: decides at each hook whether the run stops
// (entry, a breakpoint, a step, a pause), holds it there until the user continues, and evaluates
// conditions and logpoints. One stop is considered at a time (hooks of concurrent fan-out branches
// queue), so the user always looks at one consistent state. It knows nothing of DAP: the session
// turns its stops into `stopped` events and its requests into resume modes.

import type { CallStop, DebugHooks, NodeStop } from '../runtime/debug.ts';
import { withVars, type Scope } from '../runtime/evaluate.ts';
import { conditionHolds, normalize, renderLog, type ResolvedBreakpoint } from './breakpoints.ts';

export type StopReason = 'entry' | 'breakpoint' | 'step' | 'pause';

/** Where the run is held. */
export interface Stopped {
  phase: 'before' | 'after' | 'call';
  /** The node stop (before/after), or the node stop of the node whose call this is. */
  node?: NodeStop;
  call?: CallStop;
  reason: StopReason;
  threadId: number;
  /** The breakpoint that stopped it, when one did. */
  breakpoint?: ResolvedBreakpoint;
}

export type ResumeMode = 'continue' | 'next' | 'stepIn' | 'stepOut';

export interface ControllerEvents {
  stopped(s: Stopped): void;
  log(text: string): void;
  threadStarted(id: number): void;
}

/** The identity of one node instance: graph nesting, node, activation and fan-out branch. */
function identity(s: NodeStop): string {
  return `${s.keyPrefix}${s.label}#${s.activation}`;
}

export class StopController implements DebugHooks {
  private breakpoints: ResolvedBreakpoint[] = [];
  private readonly byFile = new Map<string, ResolvedBreakpoint[]>();
  private mode: 'run' | 'any' | 'nextNode' | 'finishNode' = 'run';
  /** For 'finishNode': the instance whose afterNode to stop at. */
  private target?: string;
  private pauseRequested = false;
  private entryPending: boolean;
  private queue: Promise<void> = Promise.resolve();
  private release?: () => void;
  current?: Stopped;
  /** Node instances by identity whose afterNode has not come yet (to know which node a call belongs to). */
  private readonly running = new Map<string, NodeStop>();
  private readonly threads = new Map<string, number>();
  private nextThread = 2;
  private disposed = false;

  constructor(
    private readonly events: ControllerEvents,
    stopOnEntry: boolean,
  ) {
    this.entryPending = stopOnEntry;
  }

  setBreakpoints(file: string, bps: ResolvedBreakpoint[]): void {
    this.byFile.set(normalize(file), bps);
    this.breakpoints = [...this.byFile.values()].flat();
  }

  /** Thread 1 is the graph; each fan-out branch gets a thread of its own. */
  threadOf(s: NodeStop | undefined): number {
    if (!s || s.index === undefined) return 1;
    const key = `${s.keyPrefix}${s.label}`;
    let id = this.threads.get(key);
    if (id === undefined) {
      this.threads.set(key, (id = this.nextThread++));
      this.events.threadStarted(id);
    }
    return id;
  }

  threadList(): { id: number; name: string }[] {
    const list = [{ id: 1, name: 'graph' }];
    for (const [name, id] of this.threads) list.push({ id, name });
    return list;
  }

  /** Resumes a held run. */
  resume(mode: ResumeMode): void {
    const s = this.current;
    if (!s) return;
    const node = s.node;
    if (mode === 'continue') this.mode = 'run';
    else if (mode === 'stepIn') this.mode = 'any';
    else if (s.phase === 'after' || !node) this.mode = 'nextNode';
    else {
      // From before a node (next) or inside one (next, step out): run it to its output.
      this.mode = mode === 'next' && s.phase === 'call' ? 'any' : 'finishNode';
      this.target = identity(node);
    }
    this.current = undefined;
    const r = this.release;
    this.release = undefined;
    r?.();
  }

  pause(): void {
    this.pauseRequested = true;
  }

  /** Lets the run go for good (disconnect, restart): nothing stops any more. */
  dispose(): void {
    this.disposed = true;
    this.mode = 'run';
    this.current = undefined;
    this.release?.();
    this.release = undefined;
  }

  /** The scope spec expressions see at a stop: the run state with the node's arguments as variables. */
  static scopeAt(s: Stopped | undefined, base?: Scope): Scope | undefined {
    const node = s?.node;
    const scope = node?.state.scope ?? base;
    if (!scope) return undefined;
    const extra: Record<string, unknown> = { ...(node?.args ?? {}) };
    if (node?.prompt !== undefined) extra.prompt = node.prompt;
    if (s?.phase === 'after') extra.output = node?.output;
    if (s?.call?.kind === 'tool') extra.args = s.call.args;
    if (s?.call?.kind === 'model') extra.messages = s.call.messages;
    return withVars(scope, extra);
  }

  beforeNode = (stop: NodeStop): Promise<void> => this.serialized(() => this.onBeforeNode(stop));
  afterNode = (stop: NodeStop): Promise<void> => this.serialized(() => this.onAfterNode(stop));
  beforeCall = (stop: CallStop): Promise<void> => this.serialized(() => this.onBeforeCall(stop));

  private serialized(fn: () => Promise<void>): Promise<void> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async onBeforeNode(stop: NodeStop): Promise<void> {
    this.running.set(identity(stop), stop);
    if (this.disposed) return;
    const hit = this.hitBreakpoint(stop, undefined);
    let reason: StopReason | undefined;
    if (this.entryPending) reason = 'entry';
    else if (hit) reason = 'breakpoint';
    else if (this.pauseRequested) reason = 'pause';
    else if (this.mode === 'any' || this.mode === 'nextNode') reason = 'step';
    // The node stepped over failed or was cancelled: stop at whatever runs next.
    else if (this.mode === 'finishNode' && this.target && !this.isRunning(this.target)) reason = 'step';
    if (!reason) return;
    this.entryPending = false;
    await this.hold({ phase: 'before', node: stop, reason, threadId: this.threadOf(stop), breakpoint: hit });
  }

  private async onAfterNode(stop: NodeStop): Promise<void> {
    const id = identity(stop);
    this.running.delete(id);
    if (this.disposed) return;
    const reason: StopReason | undefined = this.mode === 'any' || (this.mode === 'finishNode' && this.target === id) ? 'step' : undefined;
    if (!reason) return;
    await this.hold({ phase: 'after', node: stop, reason, threadId: this.threadOf(stop) });
  }

  private async onBeforeCall(call: CallStop): Promise<void> {
    if (this.disposed) return;
    const node = [...this.running.values()].reverse().find((n) => n.label === call.label && n.node.name === call.node);
    const hit = call.kind === 'tool' && node ? this.hitBreakpoint(node, call) : undefined;
    const reason: StopReason | undefined = hit ? 'breakpoint' : this.mode === 'any' ? 'step' : undefined;
    if (!reason) return;
    await this.hold({ phase: 'call', node, call, reason, threadId: this.threadOf(node), breakpoint: hit });
  }

  private isRunning(id: string): boolean {
    return this.running.has(id);
  }

  /** A node instance failed or was cancelled: no afterNode will come for it. */
  nodeEnded(node: string, instance: number | undefined): void {
    for (const [id, s] of this.running) if (s.node.name === node && s.index === instance) this.running.delete(id);
  }

  private hold(s: Stopped): Promise<void> {
    this.pauseRequested = false;
    this.mode = 'run';
    this.current = s;
    return new Promise<void>((resolve) => {
      this.release = resolve;
      this.events.stopped(s);
    });
  }

  /** The first breakpoint at this stop whose condition holds; logpoints print and never stop. */
  private hitBreakpoint(stop: NodeStop, call: CallStop | undefined): ResolvedBreakpoint | undefined {
    if (this.breakpoints.length === 0) return undefined;
    const edge = stop.path[stop.path.length - 1]?.edge;
    let found: ResolvedBreakpoint | undefined;
    for (const bp of this.breakpoints) {
      if (!bp.verified || !bp.target) continue;
      const matches = bp.target.some((t) =>
        call ? call.kind === 'tool' && t.kind === 'tool' && t.name === call.tool : (t.kind === 'node' && t.name === stop.node.name) || (t.kind === 'edge' && edge !== undefined && t.id === edge.id && t.graph === stop.state.graph),
      );
      if (!matches) continue;
      const scope = StopController.scopeAt({ phase: call ? 'call' : 'before', node: stop, call, reason: 'breakpoint', threadId: 0 })!;
      try {
        if (bp.condition && !conditionHolds(bp.condition, scope)) continue;
        if (bp.log) {
          this.events.log(`${renderLog(bp.log, scope)}\n`);
          continue;
        }
      } catch (err) {
        this.events.log(`Breakpoint ${bp.id}: ${err instanceof Error ? err.message : String(err)}\n`);
        continue;
      }
      found ??= bp;
    }
    return found;
  }
}
