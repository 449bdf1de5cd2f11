// Runs `agentgraph eval` in a child process for the Test Explorer: the bundled CLI (dist/cli.js)
// under the editor's own Node (Electron as Node in VS Code), in the spec's workspace folder, with
// the JSON report on stdout. The child is killed when the run is cancelled. No `vscode` here.

import { spawn } from 'node:child_process';

export interface EvalCliRequest {
  /** dist/cli.js of the extension. */
  cliPath: string;
  /** The spec file. */
  spec: string;
  /** The workspace folder: the CLI's working directory and `--root` (datasets must stay inside). */
  root: string;
  evalName?: string;
  /** Case ids (`--case`): the row's id field, else its 1-based number. Empty or absent: every case. */
  caseIds?: readonly string[];
  provider: 'simulated' | 'openai';
  /** openai only: the endpoint and model id for every model (settings agentgraph.openai.*). */
  baseUrl?: string;
  model?: string;
  /** Where the CLI writes report.md, report.html, results.json and junit.xml. */
  outDir?: string;
}

/** The command line of one eval run (after the Node executable). */
export function evalCliArgs(r: EvalCliRequest): string[] {
  const args = [r.cliPath, 'eval', r.spec];
  if (r.evalName) args.push('--eval', r.evalName);
  if (r.caseIds?.length) args.push('--case', r.caseIds.join(','));
  args.push('--format', 'json', '--provider', r.provider, '--root', r.root);
  if (r.provider === 'openai') {
    if (r.baseUrl) args.push('--base-url', r.baseUrl);
    if (r.model) args.push('--model', r.model);
  }
  if (r.outDir) args.push('--out', r.outDir);
  return args;
}

export interface CliOutcome {
  /** Exit code (null when killed by a signal). */
  code: number | null;
  stdout: string;
  stderr: string;
  /** True when the run was cancelled and the child killed. */
  cancelled: boolean;
}

export interface RunCliOptions {
  cwd: string;
  /** Added to the editor's environment (the API key for the OpenAI profile). */
  env?: Record<string, string>;
  /** Aborting kills the child. */
  signal?: AbortSignal;
  /** Each chunk of standard error as it arrives (progress lines). */
  onStderr?: (text: string) => void;
  /** Called with the child's pid once it runs (tests check the process is gone after a cancel). */
  onSpawn?: (pid: number | undefined) => void;
}

/** The exit code `agentgraph` uses for usage errors (an unknown option among them). */
export const EXIT_USAGE = 2;

export function runCli(args: readonly string[], o: RunCliOptions): Promise<CliOutcome> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, {
      cwd: o.cwd,
      // In VS Code process.execPath is the editor's Electron binary; this makes it a plain Node.
      env: { ...process.env, ...o.env, ELECTRON_RUN_AS_NODE: '1', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    });
    o.onSpawn?.(child.pid);
    let stdout = '';
    let stderr = '';
    let cancelled = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      o.onStderr?.(d);
    });
    const kill = () => {
      cancelled = true;
      child.kill('SIGKILL');
    };
    if (o.signal?.aborted) kill();
    else o.signal?.addEventListener('abort', kill, { once: true });
    child.on('error', (err) => {
      o.signal?.removeEventListener('abort', kill);
      resolve({ code: null, stdout, stderr: `${stderr}${err.message}\n`, cancelled });
    });
    child.on('close', (code) => {
      o.signal?.removeEventListener('abort', kill);
      resolve({ code, stdout, stderr, cancelled });
    });
  });
}

/** Whether the CLI rejected `--case` (an older CLI without it): the caller then runs the whole eval. */
export function caseOptionUnsupported(outcome: CliOutcome): boolean {
  return outcome.code === EXIT_USAGE && /Unknown option '--case'|unknown option.*--case/i.test(outcome.stderr);
}
