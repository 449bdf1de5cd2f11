// The AgentGraph debug adapter: a DAP session that runs one graph in this process (never in the
// editor's extension host) with the runtime's debug hooks. It stops before nodes, after them and
// before model and tool calls (see controller.ts), shows the run state as variables and lets the
// user edit it, evaluates spec expressions in the Debug Console, and streams every run event as
// the custom event `agentgraph.runEvent`. Humans are asked through the custom event
// `agentgraph.humanAsk`, answered by the custom request `agentgraph.humanAnswer`.

import * as path from 'node:path';
import { DebugSession, Event, ExitedEvent, InitializedEvent, OutputEvent, StoppedEvent, TerminatedEvent, ThreadEvent } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { exitCodeOf } from '../cli/run-command.ts';
import { evaluate } from '../runtime/evaluate.ts';
import { Redactor } from '../runtime/redact.ts';
import { runGraph, type RunResult } from '../runtime/run.ts';
import type { RunEvent } from '../runtime/trace.ts';
import { IpcHuman } from '../runhost/ipc-human.ts';
import type { ChildMessage } from '../runhost/protocol.ts';
import { BreakableLines, compileExpression, type BreakpointSpec, type ResolvedBreakpoint } from './breakpoints.ts';
import { StopController, type ResumeMode, type Stopped } from './controller.ts';
import { prepare, type LaunchArgs, type Prepared } from './launch.ts';
import { stackFrames } from './stack.ts';
import { runStateScopes } from './scopes.ts';
import { preview, VariableStore } from './variables.ts';

/** How long a cancelled run may take to wind down on restart or disconnect. */
const STOP_GRACE_MS = 5000;

interface ActiveRun {
  controller: StopController;
  abort: AbortController;
  done: Promise<RunResult | undefined>;
  human: IpcHuman;
  prepared: Prepared;
}

export class AgentGraphDebugSession extends DebugSession {
  private launchArgs?: LaunchArgs;
  private prepared?: Prepared;
  private lines?: BreakableLines;
  /** Breakpoints as the editor last sent them, by file (re-resolved on restart). */
  private readonly requested = new Map<string, BreakpointSpec[]>();
  private run?: ActiveRun;
  private readonly variables = new VariableStore();
  private configured!: Promise<void>;
  private markConfigured!: () => void;
  /** Breakpoints as placed for the current spec, by file (handed to each new run's controller). */
  private readonly pendingBreakpoints = new Map<string, ResolvedBreakpoint[]>();
  /** Attempts per node, counted from the run's attempt spans. */
  private readonly attempts = new Map<string, number>();
  private restarting = false;

  private readonly env: Readonly<Record<string, string | undefined>> = process.env;

  constructor() {
    super();
    this.setDebuggerLinesStartAt1(false);
    this.setDebuggerColumnsStartAt1(false);
    this.configured = new Promise((resolve) => (this.markConfigured = resolve));
  }

  protected override initializeRequest(response: DebugProtocol.InitializeResponse): void {
    response.body = {
      supportsConfigurationDoneRequest: true,
      supportsConditionalBreakpoints: true,
      supportsLogPoints: true,
      supportsSetVariable: true,
      supportsSetExpression: true,
      supportsRestartRequest: true,
      supportsTerminateRequest: true,
      supportsEvaluateForHovers: true,
    };
    this.sendResponse(response);
  }

  protected override async launchRequest(response: DebugProtocol.LaunchResponse, args: DebugProtocol.LaunchRequestArguments): Promise<void> {
    try {
      this.launchArgs = args as LaunchArgs;
      this.load();
    } catch (err) {
      // The error response becomes a one-line notification; the Debug Console gets every
      // diagnostic with its location so the user can go and fix them.
      this.sendEvent(new OutputEvent(`${messageOf(err)}\n`, 'stderr'));
      return this.sendErrorResponse(response, 3001, messageOf(err));
    }
    // Breakpoints come between `initialized` and `configurationDone`; the run starts after them.
    this.sendEvent(new InitializedEvent());
    this.sendResponse(response);
    await this.configured;
    this.startRun();
  }

  private load(): void {
    this.prepared = prepare(this.launchArgs!, this.env);
    this.lines = new BreakableLines(this.prepared.ir, this.prepared.graph);
  }

  protected override configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): void {
    this.markConfigured();
    this.sendResponse(response);
  }

  protected override setBreakPointsRequest(response: DebugProtocol.SetBreakpointsResponse, args: DebugProtocol.SetBreakpointsArguments): void {
    const file = args.source.path;
    const specs: BreakpointSpec[] = (args.breakpoints ?? []).map((b) => ({ line: this.convertClientLineToDebugger(b.line), condition: b.condition, logMessage: b.logMessage }));
    if (file) this.requested.set(file, specs);
    response.body = { breakpoints: file ? this.placeBreakpoints(file, specs) : [] };
    this.sendResponse(response);
  }

  private placeBreakpoints(file: string, specs: BreakpointSpec[]): DebugProtocol.Breakpoint[] {
    const resolved = this.lines ? this.lines.resolve(file, specs) : specs.map((s, i) => ({ id: i + 1, verified: false, line: s.line, message: 'The session has not loaded a spec.' }));
    this.run?.controller.setBreakpoints(file, resolved);
    this.pendingBreakpoints.set(file, resolved);
    return resolved.map((b) => ({ id: b.id, verified: b.verified, line: this.convertDebuggerLineToClient(b.line), message: b.message, source: { path: file } }));
  }

  // ------------------------------------------------------------------ the run

  private startRun(): void {
    const prepared = this.prepared!;
    const args = this.launchArgs!;
    this.attempts.clear();
    const controller = new StopController(
      {
        stopped: (s) => this.onStopped(s),
        log: (text) => this.sendEvent(new OutputEvent(text, 'console')),
        threadStarted: (id) => this.sendEvent(new ThreadEvent('started', id)),
      },
      args.stopOnEntry === true,
    );
    for (const [file, bps] of this.pendingBreakpoints) controller.setBreakpoints(file, bps);
    const redactor = Redactor.forRun(prepared.ir, this.env);
    const human = new IpcHuman((m) => this.onHumanMessage(m), (v) => redactor.value(v));
    const abort = new AbortController();
    const dotDir = path.join(prepared.root, '.agentgraph');
    const done = runGraph({
      ir: prepared.ir,
      graph: prepared.graph,
      input: prepared.input,
      provider: prepared.provider,
      clock: prepared.clock,
      human,
      cacheDir: path.join(dotDir, 'cache'),
      noCache: args.noCache === true,
      runsDir: path.join(dotDir, 'runs'),
      seed: prepared.seed,
      signal: abort.signal,
      onEvent: (e) => this.onRunEvent(e, controller),
      env: this.env,
      debug: controller,
      replay: args.replay,
    }).catch((err: unknown) => {
      this.sendEvent(new OutputEvent(`The run could not start: ${messageOf(err)}\n`, 'stderr'));
      return undefined;
    });
    const run: ActiveRun = { controller, abort, done, human, prepared };
    this.run = run;
    void done.then((r) => this.onRunFinished(run, r));
  }

  private onRunEvent(e: RunEvent, controller: StopController): void {
    if (e.type === 'span_start' && e.span.kind === 'attempt') {
      const node = e.span.attributes['agentgraph.node'];
      if (typeof node === 'string') this.attempts.set(node, (this.attempts.get(node) ?? 0) + 1);
    }
    if (e.type === 'node_status' && (e.status === 'failed' || e.status === 'skipped')) controller.nodeEnded(e.node, e.instance);
    this.sendEvent(new Event('agentgraph.runEvent', e));
  }

  private onHumanMessage(m: ChildMessage): void {
    if (m.type === 'humanAsk') this.sendEvent(new Event('agentgraph.humanAsk', { id: m.id, question: m.question }));
    else if (m.type === 'humanCancel') this.sendEvent(new Event('agentgraph.humanCancel', { id: m.id }));
  }

  private onRunFinished(run: ActiveRun, r: RunResult | undefined): void {
    if (this.run !== run || this.restarting) return;
    this.run = undefined;
    if (r) {
      const where = r.tracePath ? ` Trace: ${r.tracePath}` : '';
      const detail = r.error ? `: ${r.error.message}` : '';
      this.sendEvent(new OutputEvent(`Run ${r.runId} ${r.outcome}${detail}.${where}\n`, r.outcome === 'succeeded' ? 'console' : 'stderr'));
      if (r.output !== undefined) this.sendEvent(new OutputEvent(`${JSON.stringify(r.output, null, 2)}\n`, 'stdout'));
      this.sendEvent(new Event('agentgraph.runFinished', { runId: r.runId, outcome: r.outcome, tracePath: r.tracePath, error: r.error }));
    }
    this.sendEvent(new ExitedEvent(r ? exitCodeOf(r) : 2));
    this.sendEvent(new TerminatedEvent());
  }

  private onStopped(s: Stopped): void {
    this.variables.reset();
    const what = s.phase === 'after' ? `after ${s.node!.label}` : s.call ? `${s.call.kind} call in ${s.call.label}` : `before ${s.node!.label}`;
    const ev = new StoppedEvent(s.reason, s.threadId) as DebugProtocol.StoppedEvent;
    ev.body.description = `Paused ${what}`;
    ev.body.allThreadsStopped = true;
    if (s.breakpoint) ev.body.hitBreakpointIds = [s.breakpoint.id];
    this.sendEvent(ev);
  }

  private resume(response: DebugProtocol.Response, mode: ResumeMode): void {
    this.variables.reset();
    this.run?.controller.resume(mode);
    this.sendResponse(response);
  }

  protected override continueRequest(response: DebugProtocol.ContinueResponse): void {
    response.body = { allThreadsContinued: true };
    this.resume(response, 'continue');
  }
  protected override nextRequest(response: DebugProtocol.NextResponse): void {
    this.resume(response, 'next');
  }
  protected override stepInRequest(response: DebugProtocol.StepInResponse): void {
    this.resume(response, 'stepIn');
  }
  protected override stepOutRequest(response: DebugProtocol.StepOutResponse): void {
    this.resume(response, 'stepOut');
  }
  protected override pauseRequest(response: DebugProtocol.PauseResponse): void {
    this.run?.controller.pause();
    this.sendResponse(response);
  }

  /** Stops the current run (its held stops are let go) and waits for it to wind down. */
  private async stopRun(): Promise<void> {
    const run = this.run;
    if (!run) return;
    run.abort.abort();
    run.controller.dispose();
    // A tool that ignores cancellation must not keep the session from ending.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([run.done, new Promise<void>((resolve) => (timer = setTimeout(resolve, STOP_GRACE_MS)))]);
    clearTimeout(timer);
  }

  protected override async restartRequest(response: DebugProtocol.RestartResponse, args: DebugProtocol.RestartArguments): Promise<void> {
    this.restarting = true;
    try {
      await this.stopRun();
      const updated = (args as { arguments?: LaunchArgs } | undefined)?.arguments;
      if (updated) this.launchArgs = updated;
      this.load();
      for (const [file, specs] of this.requested) this.placeBreakpoints(file, specs);
    } catch (err) {
      this.restarting = false;
      return this.sendErrorResponse(response, 3002, messageOf(err));
    }
    this.restarting = false;
    this.run = undefined;
    this.sendResponse(response);
    this.startRun();
  }

  protected override async terminateRequest(response: DebugProtocol.TerminateResponse): Promise<void> {
    this.sendResponse(response);
    await this.stopRun();
  }

  protected override async disconnectRequest(response: DebugProtocol.DisconnectResponse, args: DebugProtocol.DisconnectArguments): Promise<void> {
    this.restarting = true;
    await this.stopRun();
    // Responds and ends the process (the run is over: nothing may outlive the session).
    super.disconnectRequest(response, args);
  }

  protected override customRequest(command: string, response: DebugProtocol.Response, args: unknown): void {
    if (command === 'agentgraph.humanAnswer') {
      const a = args as { id: number; answer?: { value: unknown } };
      this.run?.human.answer({ type: 'humanAnswer', id: a.id, ...(a.answer ? { answer: a.answer } : {}) } as Parameters<IpcHuman['answer']>[0]);
      return this.sendResponse(response);
    }
    super.customRequest(command, response, args);
  }

  // ------------------------------------------------------------------ inspection

  protected override threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    response.body = { threads: this.run ? this.run.controller.threadList() : [{ id: 1, name: 'graph' }] };
    this.sendResponse(response);
  }

  protected override stackTraceRequest(response: DebugProtocol.StackTraceResponse, args: DebugProtocol.StackTraceArguments): void {
    const s = this.run?.controller.current;
    const frames = s && s.threadId === args.threadId ? stackFrames(s, this.prepared!.ir, (l) => this.convertDebuggerLineToClient(l)) : [];
    response.body = { stackFrames: frames, totalFrames: frames.length };
    this.sendResponse(response);
  }

  protected override scopesRequest(response: DebugProtocol.ScopesResponse, args: DebugProtocol.ScopesArguments): void {
    const s = this.run?.controller.current;
    response.body = { scopes: s ? runStateScopes(s, this.variables, this.attempts, args.frameId) : [] };
    this.sendResponse(response);
  }

  protected override variablesRequest(response: DebugProtocol.VariablesResponse, args: DebugProtocol.VariablesArguments): void {
    response.body = { variables: this.variables.variables(args.variablesReference) };
    this.sendResponse(response);
  }

  protected override setVariableRequest(response: DebugProtocol.SetVariableResponse, args: DebugProtocol.SetVariableArguments): void {
    try {
      const v = this.variables.set(args.variablesReference, args.name, args.value);
      response.body = { value: v.value, type: v.type, variablesReference: v.variablesReference };
      this.sendResponse(response);
    } catch (err) {
      this.sendErrorResponse(response, 3003, messageOf(err));
    }
  }

  protected override setExpressionRequest(response: DebugProtocol.SetExpressionResponse, args: DebugProtocol.SetExpressionArguments): void {
    try {
      const s = this.run?.controller.current;
      if (!s) throw new Error('the run is not paused');
      if (!this.variables.hasRoots) runStateScopes(s, this.variables, this.attempts);
      const v = this.variables.setPath(args.expression, args.value);
      response.body = { value: v.value, type: v.type, variablesReference: v.variablesReference };
      this.sendResponse(response);
    } catch (err) {
      this.sendErrorResponse(response, 3004, messageOf(err));
    }
  }

  protected override evaluateRequest(response: DebugProtocol.EvaluateResponse, args: DebugProtocol.EvaluateArguments): void {
    try {
      const s = this.run?.controller.current;
      const scope = StopController.scopeAt(s);
      if (!scope) throw new Error('the run is not paused: pause it or stop at a breakpoint to evaluate expressions');
      // The console's `name = value` assigns (the same paths the Variables view edits).
      const assign = /^\s*([A-Za-z_][\w.[\]"]*)\s*=(?!=)\s*([\s\S]+)$/.exec(args.expression);
      if (assign && args.context === 'repl') {
        if (!this.variables.hasRoots) runStateScopes(s!, this.variables, this.attempts);
        const v = this.variables.setPath(assign[1]!, assign[2]!);
        response.body = { result: v.value, type: v.type, variablesReference: v.variablesReference };
        return this.sendResponse(response);
      }
      const value = evaluate(compileExpression(args.expression), scope);
      response.body = { result: preview(value), type: typeof value, variablesReference: 0 };
      this.sendResponse(response);
    } catch (err) {
      this.sendErrorResponse(response, 3005, messageOf(err));
    }
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
