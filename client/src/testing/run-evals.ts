// Runs what a Test Explorer request asks for: the chosen files, evals and cases become one
// `agentgraph eval` child process per eval (with `--case` when only some of its cases are chosen),
// and the JSON report becomes passed / failed / errored / skipped states with messages at the
// failing assertion's line, durations and links to each sample's trace. Cancelling kills the child.

import * as path from 'node:path';
import * as vscode from 'vscode';
import type { EvalInfo } from '../../../server/src/lsp/custom/protocol.ts';
import { caseOptionUnsupported, evalCliArgs, runCli, type CliOutcome, type EvalCliRequest } from './cli-run.ts';
import { toRange, uriOf, type ItemDataMap } from './items.ts';
import { evalVerdict, parseReport, type CaseVerdict, type VerdictMessage } from './report.ts';

export const OPEN_CASE_TRACE = 'agentgraph.openCaseTrace';

/** One CLI invocation: an eval, and the case items to report on. */
interface Job {
  spec: vscode.Uri;
  evalItem: vscode.TestItem;
  info: EvalInfo;
  cases: Map<number, vscode.TestItem>;
  /** Every case of the eval was chosen: run it whole and report its thresholds on the eval item. */
  whole: boolean;
}

export interface RunContext {
  controller: vscode.TestController;
  data: ItemDataMap;
  /** dist/cli.js of the extension. */
  cliPath: string;
  /** Asks the server for a file's evals and refills its item. */
  resolveFile(item: vscode.TestItem): Promise<void>;
  /** Trace files per item id from the latest run (failing samples first). */
  traces: Map<string, string[]>;
  /** Trace file per message, for the message context menu. */
  messageTraces: WeakMap<vscode.TestMessage, string>;
  log(message: string): void;
  /** Told the pid of every eval process started (tests watch it die on cancel). */
  onSpawn?: (pid: number | undefined) => void;
}

export interface RunSettings {
  provider: 'simulated' | 'openai';
  /** Extra environment for the child (the API key). */
  env: Record<string, string>;
  /** openai only: endpoint and model overrides (settings agentgraph.openai.*). */
  baseUrl?: string;
  model?: string;
}

/** Expands a request into one job per eval. Unresolved files are asked for their evals first. */
export async function planJobs(ctx: RunContext, request: vscode.TestRunRequest): Promise<Job[]> {
  const excluded = new Set((request.exclude ?? []).map((i) => i.id));
  const jobs = new Map<string, Job>();
  const jobOf = (evalItem: vscode.TestItem): Job | undefined => {
    const d = ctx.data.get(evalItem);
    if (d?.kind !== 'eval') return undefined;
    let job = jobs.get(evalItem.id);
    if (!job) {
      job = { spec: d.uri, evalItem, info: d.info, cases: new Map(), whole: false };
      jobs.set(evalItem.id, job);
    }
    return job;
  };
  const visit = async (item: vscode.TestItem): Promise<void> => {
    if (excluded.has(item.id)) return;
    const d = ctx.data.get(item);
    if (d?.kind === 'file') {
      if (!d.resolved) await ctx.resolveFile(item);
      for (const [, child] of item.children) await visit(child);
    } else if (d?.kind === 'eval') {
      const job = jobOf(item)!;
      let all = true;
      for (const [, child] of item.children) {
        const cd = ctx.data.get(child);
        if (excluded.has(child.id) || cd?.kind !== 'case') all = false;
        else job.cases.set(cd.info.index, child);
      }
      job.whole = job.whole || all;
    } else if (d?.kind === 'case' && item.parent) {
      jobOf(item.parent)?.cases.set(d.info.index, item);
    }
  };
  const roots = request.include ?? [...ctx.controller.items].map(([, item]) => item);
  for (const item of roots) await visit(item);
  return [...jobs.values()];
}

/** Runs the jobs one after another into `run`; stops starting new ones once cancelled. */
export async function runJobs(ctx: RunContext, run: vscode.TestRun, jobs: Job[], settings: RunSettings, token: vscode.CancellationToken): Promise<void> {
  for (const job of jobs) for (const item of itemsOf(job)) run.enqueued(item);
  for (const job of jobs) {
    if (token.isCancellationRequested) {
      for (const item of itemsOf(job)) run.skipped(item);
      continue;
    }
    await runJob(ctx, run, job, settings, token);
  }
}

function itemsOf(job: Job): vscode.TestItem[] {
  return job.whole ? [job.evalItem, ...job.cases.values()] : [...job.cases.values()];
}

async function runJob(ctx: RunContext, run: vscode.TestRun, job: Job, settings: RunSettings, token: vscode.CancellationToken): Promise<void> {
  const items = itemsOf(job);
  for (const item of items) run.started(item);
  const spec = job.spec.fsPath;
  const root = vscode.workspace.getWorkspaceFolder(job.spec)?.uri.fsPath ?? path.dirname(spec);
  const caseIds = job.whole ? [] : [...new Set([...job.cases.keys()].map((i) => job.info.cases.find((c) => c.index === i)?.id ?? String(i + 1)))];
  const req: EvalCliRequest = {
    cliPath: ctx.cliPath,
    spec,
    root,
    evalName: job.info.name,
    caseIds,
    provider: settings.provider,
    ...(settings.baseUrl ? { baseUrl: settings.baseUrl } : {}),
    ...(settings.model ? { model: settings.model } : {}),
    outDir: path.join(root, '.agentgraph', 'evals', `${path.basename(spec, '.agentgraph')}.${job.info.name}`.replace(/[^A-Za-z0-9._-]+/g, '_')),
  };
  const abort = new AbortController();
  const sub = token.onCancellationRequested(() => abort.abort());
  const exec = (r: EvalCliRequest): Promise<CliOutcome> => {
    const args = evalCliArgs(r);
    run.appendOutput(`$ agentgraph ${args.slice(1).join(' ')}\r\n`);
    ctx.log(`[evals] ${args.slice(1).join(' ')} (cwd ${root})`);
    return runCli(args, { cwd: root, env: settings.env, signal: abort.signal, onSpawn: ctx.onSpawn, onStderr: (t) => run.appendOutput(t.replace(/\r?\n/g, '\r\n')) });
  };
  let outcome: CliOutcome;
  try {
    outcome = await exec(req);
    // An older CLI without `--case`: run the whole eval and report only the chosen cases.
    if (caseIds.length && caseOptionUnsupported(outcome)) outcome = await exec({ ...req, caseIds: [] });
  } finally {
    sub.dispose();
  }
  if (outcome.cancelled) {
    run.appendOutput(`Eval '${job.info.name}' cancelled: the eval process was stopped.\r\n`);
    for (const item of items) run.skipped(item);
    return;
  }
  let result: Record<string, unknown> | undefined;
  let failure: string | undefined;
  try {
    const results = parseReport(outcome.stdout);
    result = results.find((r) => r.name === job.info.name) ?? (results.length === 1 ? results[0] : undefined);
    if (!result) failure = `the report has no result for eval '${job.info.name}'`;
  } catch (err) {
    failure = err instanceof Error ? err.message : String(err);
  }
  if (!result) {
    // The CLI could not run the eval (the spec has errors, a bad option, a crash): say what it said.
    const said = outcome.stderr.trim();
    const text = `Eval '${job.info.name}' did not run (exit code ${outcome.code ?? 'none'}): ${said || failure}`;
    const message = new vscode.TestMessage(text);
    message.location = new vscode.Location(job.spec, toRange(job.info.nameRange));
    for (const item of items) run.errored(item, message);
    return;
  }
  const verdict = evalVerdict(result, job.info, new Set(job.cases.keys()));
  for (const cv of verdict.cases) {
    const item = job.cases.get(cv.info.index);
    if (item) applyCase(ctx, run, item, cv, job.spec);
  }
  for (const [index, item] of job.cases) {
    if (verdict.cases.some((c) => c.info.index === index)) continue;
    run.errored(item, new vscode.TestMessage(`The report has no result for this case (#${index + 1}); the spec or the dataset may have changed since the tree was built. Refresh and run again.`));
  }
  if (job.whole) {
    const messages = verdict.messages.map((m) => toMessage(ctx, m, job.spec));
    run.appendOutput(`eval ${job.info.name}: ${verdict.summary}\r\n`, new vscode.Location(job.spec, toRange(job.info.nameRange)), job.evalItem);
    if (verdict.state === 'passed') run.passed(job.evalItem, verdict.durationMs);
    else if (verdict.state === 'failed') run.failed(job.evalItem, messages, verdict.durationMs);
    else run.errored(job.evalItem, messages, verdict.durationMs);
  }
}

function applyCase(ctx: RunContext, run: vscode.TestRun, item: vscode.TestItem, v: CaseVerdict, spec: vscode.Uri): void {
  const messages = v.messages.map((m) => toMessage(ctx, m, spec));
  const traces = [...v.traces.filter((t) => !t.passed), ...v.traces.filter((t) => t.passed)].map((t) => t.path);
  ctx.traces.set(item.id, traces);
  const where = new vscode.Location(uriOf(v.info.range.file, spec), toRange(v.info.range));
  run.appendOutput(`${item.label}: ${v.summary}\r\n`, where, item);
  for (const t of v.traces) run.appendOutput(`  trace (repeat ${t.repeat}, ${t.passed ? 'passed' : 'failed'}): ${t.path}\r\n`, undefined, item);
  if (v.state === 'passed') run.passed(item, v.durationMs);
  else if (v.state === 'failed') run.failed(item, messages, v.durationMs);
  else if (v.state === 'errored') run.errored(item, messages, v.durationMs);
  else run.skipped(item);
}

/** A TestMessage: a diff when expected and actual are known, placed at its range, with a trace link. */
function toMessage(ctx: RunContext, m: VerdictMessage, spec: vscode.Uri): vscode.TestMessage {
  let text: string | vscode.MarkdownString = m.text;
  if (m.tracePath) {
    const md = new vscode.MarkdownString();
    md.appendText(m.text);
    md.appendMarkdown(`\n\n[Open the trace](command:${OPEN_CASE_TRACE}?${encodeURIComponent(JSON.stringify([m.tracePath]))})`);
    md.isTrusted = { enabledCommands: [OPEN_CASE_TRACE] };
    text = md;
  }
  const message = m.expected !== undefined && m.actual !== undefined ? vscode.TestMessage.diff(text, m.expected, m.actual) : new vscode.TestMessage(text);
  if (m.range) message.location = new vscode.Location(uriOf(m.range.file, spec), toRange(m.range));
  if (m.tracePath) {
    message.contextValue = 'agentgraph.trace';
    ctx.messageTraces.set(message, m.tracePath);
  }
  return message;
}
