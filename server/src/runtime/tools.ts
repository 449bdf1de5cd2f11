// Tools: loading implementations and calling them safely. An implementation is the export named
// by `impl: "./module.ts#name"` (TypeScript through the bundled loader hooks or tsx, JavaScript
// through import()); it is called with one object of arguments. Every call validates its arguments and its result against
// the declared types, runs under the tool's timeout, asks the `approve:` human first when there is
// one, and, for `effect: irreversible`, is journalled in the checkpoint under an idempotency key
// (run id + node + tool + arguments) so that it never runs twice, not even after a resume.

import { register } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { ToolIR } from '../ir/schema.ts';
import type { BudgetScope } from './budget.ts';
import type { RunContext } from './context.ts';
import { RuntimeError, isStop, messageOf } from './errors.ts';
import { askHuman, isApproved } from './human-wait.ts';
import { DeadlineExceeded, abortReason, withRealTimeout, type StopScope } from './policies.ts';
import { canonicalJson, sha256 } from './random.ts';
import { check } from './schemas.ts';
import type { Span } from './trace.ts';

export const DEFAULT_TOOL_TIMEOUT_MS = 30_000;

export interface ToolContext {
  signal: AbortSignal;
  runId: string;
  node: string;
  /** Set for irreversible tools: pass it on to the external system when it supports one. */
  idempotencyKey?: string;
}

export type ToolFn = (args: Record<string, unknown>, ctx: ToolContext) => unknown;

export interface ToolLoader {
  load(tool: ToolIR): Promise<ToolFn>;
}

/** Loads `impl` modules from disk, once per module. */
export class ModuleToolLoader implements ToolLoader {
  private readonly modules = new Map<string, Promise<Record<string, unknown>>>();

  async load(tool: ToolIR): Promise<ToolFn> {
    if (!tool.impl) throw new RuntimeError('tool', `tool '${tool.name}' has no implementation (add impl: "./module.ts#export")`);
    const { module: file, export: name } = tool.impl;
    let mod = this.modules.get(file);
    if (!mod) {
      mod = importModule(file);
      this.modules.set(file, mod);
    }
    let m: Record<string, unknown>;
    try {
      m = await mod;
    } catch (err) {
      this.modules.delete(file);
      throw new RuntimeError('tool', `cannot load ${file} for tool '${tool.name}': ${messageOf(err)}`);
    }
    const def = m.default as Record<string, unknown> | undefined;
    const fn = m[name] ?? (def && typeof def === 'object' ? def[name] : undefined);
    if (typeof fn !== 'function') throw new RuntimeError('tool', `${file} has no exported function '${name}' (tool '${tool.name}')`);
    return fn as ToolFn;
  }
}

/**
 * The loader hooks that compile TypeScript (dist/ts-hooks.mjs, see server/src/tsloader/hooks.ts),
 * set by the entry point that owns the process. Without them, TypeScript tools load through tsx.
 */
let typeScriptHooks: string | undefined;
let hooksRegistered = false;

/**
 * Makes TypeScript tools load through these loader hooks (a file URL) instead of tsx. The bundled
 * entry points (CLI, run host, debug adapter) set them, so what ships never depends on a tsx found
 * in some node_modules above it; they are registered with Node once, on the first TypeScript
 * import, because `module.register` is process-wide and starts a thread.
 */
export function setTypeScriptHooks(url: string | URL | undefined): void {
  typeScriptHooks = url === undefined ? undefined : String(url);
}

const TS_MODULE = /\.(?:[cm]?ts|tsx)$/i;

async function importModule(file: string): Promise<Record<string, unknown>> {
  const url = pathToFileURL(file).href;
  if (!TS_MODULE.test(file)) return (await import(url)) as Record<string, unknown>;
  if (typeScriptHooks) {
    if (!hooksRegistered) {
      if (typeof register !== 'function') throw new Error(`TypeScript tools need Node 20.6 or later (this is ${process.version})`);
      register(typeScriptHooks);
      hooksRegistered = true;
    }
    return (await import(url)) as Record<string, unknown>;
  }
  // The specifier is a variable so bundlers leave tsx out of the bundle: it must be loaded from
  // node_modules at run time, where its loader hooks can find their own files.
  const specifier = 'tsx/esm/api';
  let api: typeof import('tsx/esm/api');
  try {
    api = (await import(specifier)) as typeof import('tsx/esm/api');
  } catch {
    throw new Error('no TypeScript loader is available: this program was started without its bundled loader hooks and tsx is not installed');
  }
  return (await api.tsImport(url, url)) as Record<string, unknown>;
}

/** In-memory implementations by tool name, for tests and embedding. */
export class MapToolLoader implements ToolLoader {
  constructor(private readonly fns: Record<string, ToolFn>) {}

  async load(tool: ToolIR): Promise<ToolFn> {
    const fn = this.fns[tool.name];
    if (!fn) throw new RuntimeError('tool', `no implementation registered for tool '${tool.name}'`);
    return fn;
  }
}

export type ToolOutcome = { ok: true; result: unknown } | { ok: false; reason: 'invalid_args' | 'declined' | 'timeout' | 'error' | 'invalid_result' | 'unknown_outcome'; error: string };

export interface ToolCallOptions {
  node: string;
  parent: Span;
  budget: BudgetScope;
  signal: StopScope;
  /** The model's id for this call, when a model made it. */
  callId?: string;
}

export class ToolRunner {
  constructor(private readonly loader: ToolLoader) {}

  /** Calls a tool; failures come back as outcomes (a model reads them), stops are thrown. */
  async call(ctx: RunContext, tool: ToolIR, rawArgs: unknown, o: ToolCallOptions): Promise<ToolOutcome> {
    const span = ctx.tracer.start('tool_call', `execute_tool ${tool.name}`, o.parent, {
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': tool.name,
      'gen_ai.tool.type': 'function',
      'gen_ai.tool.description': tool.description,
      'gen_ai.tool.call.id': o.callId,
      'gen_ai.tool.call.arguments': typeof rawArgs === 'string' ? rawArgs : JSON.stringify(rawArgs),
      'agentgraph.node': o.node,
      'agentgraph.tool.effect': tool.effect,
    });
    const done = (out: ToolOutcome): ToolOutcome => {
      if (out.ok) span.set('gen_ai.tool.call.result', JSON.stringify(out.result)).end();
      else span.set('agentgraph.tool.error_reason', out.reason).end('error', out.error);
      return out;
    };
    try {
      o.budget.countToolCall();
      return done(await this.run(ctx, tool, rawArgs, o, span));
    } catch (err) {
      span.end(isStop(err) ? 'cancelled' : 'error', messageOf(err));
      throw err;
    }
  }

  private async run(ctx: RunContext, tool: ToolIR, rawArgs: unknown, o: ToolCallOptions, span: Span): Promise<ToolOutcome> {
    let args: unknown = rawArgs;
    if (typeof rawArgs === 'string') {
      try {
        args = rawArgs.trim() === '' ? {} : JSON.parse(rawArgs);
      } catch (err) {
        return { ok: false, reason: 'invalid_args', error: `the arguments are not valid JSON: ${messageOf(err)}` };
      }
    }
    const checked = check(tool.input, args);
    if (!checked.ok) return { ok: false, reason: 'invalid_args', error: `invalid arguments for ${tool.name}: ${checked.issues.join('; ')}` };
    const valid = checked.value as Record<string, unknown>;

    let key: string | undefined;
    if (tool.effect === 'irreversible') {
      key = sha256(`${ctx.runId}\u0000${o.node}\u0000${tool.name}\u0000${canonicalJson(valid)}`).slice(0, 32);
      span.set('agentgraph.idempotency_key', key);
      const prior = ctx.checkpoint.toolCall(key);
      if (prior) {
        span.set('agentgraph.idempotent_replay', true);
        if (prior.status === 'done') return { ok: true, result: prior.result };
        if (prior.status === 'failed') return { ok: false, reason: 'error', error: prior.error ?? 'failed earlier' };
        return {
          ok: false,
          reason: 'unknown_outcome',
          error: `${tool.name} is irreversible and an identical call was started before an interruption; its outcome is unknown, so it was not repeated`,
        };
      }
    }

    if (tool.approve) {
      const human = ctx.ir.human(tool.approve);
      const input: Record<string, unknown> = {};
      for (const p of human.params) input[p.name] = p.name in valid ? valid[p.name] : null;
      // A single-parameter approver that shares no name with the tool gets all the arguments.
      if (human.params.length === 1 && !(human.params[0]!.name in valid)) input[human.params[0]!.name] = valid;
      const answer = await askHuman(ctx, { kind: 'approval', human, node: o.node, input, parent: span, budget: o.budget, signal: o.signal, tool: { name: tool.name, args: valid } });
      const verdict = isApproved(answer);
      span.set('agentgraph.approved', verdict.approved).set('agentgraph.approver', human.name);
      if (!verdict.approved) return { ok: false, reason: 'declined', error: `${human.name} declined this call${verdict.note ? `: ${verdict.note}` : ''}` };
    }

    if (key) ctx.checkpoint.recordToolCall(key, { tool: tool.name, node: o.node, status: 'started' });
    const fn = await this.loader.load(tool);
    const timeout = tool.timeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS;
    let result: unknown;
    try {
      result = await withRealTimeout(timeout, o.signal, `tool ${tool.name}`, (signal) =>
        Promise.resolve(fn(valid, { signal, runId: ctx.runId, node: o.node, idempotencyKey: key })),
      );
    } catch (err) {
      if (o.signal.aborted && !(err instanceof DeadlineExceeded)) throw abortReason(o.signal);
      const reason = err instanceof DeadlineExceeded ? 'timeout' : 'error';
      const error = err instanceof DeadlineExceeded ? `${tool.name} timed out after ${timeout} ms` : `${tool.name} failed: ${messageOf(err)}`;
      if (key) ctx.checkpoint.recordToolCall(key, { tool: tool.name, node: o.node, status: 'failed', error });
      return { ok: false, reason, error };
    }
    const out = check(tool.output, result === undefined ? null : result);
    if (key) ctx.checkpoint.recordToolCall(key, { tool: tool.name, node: o.node, status: out.ok ? 'done' : 'failed', result: out.value, error: out.ok ? undefined : out.issues.join('; ') });
    if (!out.ok) return { ok: false, reason: 'invalid_result', error: `${tool.name} returned a value that does not match its result type: ${out.issues.join('; ')}` };
    return { ok: true, result: out.value };
  }
}
