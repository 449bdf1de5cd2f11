// The language-server benchmark: drives the BUNDLED server (dist/server.js, built first when it is
// missing or older than the sources) over stdio with a JSON-RPC client, as an editor would, on a
// generated workspace of 1,000 agents in 10 files (one file of shared types, models, tools and a
// human, imported by 9 files of agents and graphs). It measures:
//
//   - edit → diagnostics: time from a single-character didChange to the publishDiagnostics of that
//     version (the server's debounce is set to 0 through initializationOptions);
//   - the same after editing the shared file, until all 9 importers are re-published;
//   - completion and hover latency (skipped with a note when the server does not provide them);
//   - the server's resident memory (VmRSS and its peak VmHWM from /proc/<pid>/status).
//
// It prints figures beside the targets and never fails on timing (machines differ), only when the
// generated workspace does not check cleanly.
//
//   npm run bench:lsp                  # 200 edits, 300 completions and hovers
//   npm run bench:lsp -- --quick       # 100 edits, fewer requests (CI smoke test)
//   npm run bench:lsp -- --write       # keep the workspace in bench/.generated/lsp
//   npm run bench:lsp -- --no-build    # use dist/server.js as it is, even if older than the sources
//   npm run bench:lsp -- --node-flags="--cpu-prof --cpu-prof-dir=prof"   # flags for the server's node

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { spawn } from 'node:child_process';
import type { InitializeResult, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { analyzeFile } from '../server/src/semantics/analyze.ts';
import { Program } from '../server/src/semantics/program.ts';
import { parse } from '../server/src/syntax/parser.ts';
import { LineIndex } from '../server/src/util/line-index.ts';
import { DATASET_PATH, generateDataset, planSpec, renderSpec } from './generate.ts';
import { SERVER_EXEC_ARGV } from '../client/src/server-exec-argv.ts';

const TARGET_EDIT_P95_MS = 30;
const TARGET_COMPLETION_P95_MS = 10;
const TARGET_RSS_MB = 150;
const AGENTS = 1_000;
const GRAPH_FILES = 9;

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    write: { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: false },
    'node-flags': { type: 'string' },
  },
  strict: true,
});
const quick = values.quick === true;
const EDITS = quick ? 100 : 200;
const SHARED_EDITS = quick ? 10 : 30;
const REQUESTS = quick ? 60 : 300;

const REPO = path.join(__dirname, '..');
const SERVER = path.join(REPO, 'dist', 'server.js');

// ------------------------------------------------------------------ the workspace

/**
 * Renders the generated 1,000-agent spec and splits it: the shared declarations before the first
 * agent go to common.agentgraph; each pipeline (its agents, finding type, graph and eval) goes
 * whole to one of the graph files, which import the common file.
 */
function generateFiles(): Map<string, string> {
  const text = renderSpec(planSpec(AGENTS));
  const decls = parse(text).file.decls;
  const firstAgent = decls.findIndex((d) => d.kind === 'AgentDecl');
  if (firstAgent <= 0) throw new Error('unexpected generated spec: no shared header');
  const headerEnd = decls[firstAgent - 1]!.end;
  const groups: string[] = [];
  let from = headerEnd;
  for (let i = firstAgent; i < decls.length; i++) {
    const d = decls[i]!;
    if (d.kind !== 'GraphDecl') continue;
    const next = decls[i + 1];
    const end = next?.kind === 'EvalDecl' ? next.end : d.end;
    if (next?.kind === 'EvalDecl') i++;
    groups.push(text.slice(from, end));
    from = end;
  }
  const files = new Map<string, string>([['common.agentgraph', `${text.slice(0, headerEnd)}\n`]]);
  const per = Math.ceil(groups.length / GRAPH_FILES);
  for (let f = 0; f < GRAPH_FILES; f++) {
    const chunk = groups.slice(f * per, (f + 1) * per);
    files.set(`graphs${f + 1}.agentgraph`, `import "common.agentgraph"\n${chunk.join('')}\n`);
  }
  files.set(DATASET_PATH, generateDataset());
  return files;
}

function writeWorkspace(files: Map<string, string>): string {
  const root = values.write ? path.join(__dirname, '.generated', 'lsp') : mkdtempSync(path.join(os.tmpdir(), 'agentgraph-lsp-bench-'));
  for (const [rel, text] of files) {
    const p = path.join(root, rel);
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, text);
  }
  return root;
}

/** The workspace must check cleanly, or the timings would measure error paths. */
function verify(root: string, files: Map<string, string>): { warnings: number } {
  const program = new Program({ readFile: (p) => files.get(path.relative(root, p)) }, root);
  let warnings = 0;
  for (const rel of files.keys()) {
    if (!rel.endsWith('.agentgraph')) continue;
    const a = analyzeFile(program, path.join(root, rel));
    const errors = a?.diagnostics.filter((d) => d.severity === 'error') ?? [];
    if (!a || errors.length) {
      const idx = new LineIndex(files.get(rel)!);
      console.error(`The generated ${rel} does not check cleanly (${errors.length} errors); fix bench/generate.ts or the split in bench/lsp.bench.ts:`);
      for (const d of errors.slice(0, 10)) console.error(`  ${rel}:${idx.positionAt(d.start).line + 1}: ${d.code}: ${d.message}`);
      throw new Error('the generated workspace does not check cleanly');
    }
    warnings += a.diagnostics.length;
  }
  return { warnings };
}

/** analyzeFile of graphs1.agentgraph after alternating 1-char edits, with a warm Program. */
function coreBaseline(root: string, files: Map<string, string>): Stats {
  const rel = 'graphs1.agentgraph';
  const file = path.join(root, rel);
  let text = files.get(rel)!;
  const at = /prompt: "(?!")/.exec(text)!.index + 'prompt: "'.length;
  const program = new Program({ readFile: (p) => (p === file ? text : files.get(path.relative(root, p))) }, root);
  const times: number[] = [];
  const runs = quick ? 30 : 60;
  for (let i = 0; i < runs + 5; i++) {
    text = i % 2 === 0 ? `${text.slice(0, at)}x${text.slice(at)}` : text.slice(0, at) + text.slice(at + 1);
    const start = performance.now();
    analyzeFile(program, file);
    if (i >= 5) times.push(performance.now() - start);
  }
  return stats(times);
}

// ------------------------------------------------------------------ the server

function newestSource(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestSource(p) : statSync(p).mtimeMs);
  }
  return newest;
}

function ensureBuilt(): void {
  if (existsSync(SERVER) && (values['no-build'] === true || statSync(SERVER).mtimeMs >= newestSource(path.join(REPO, 'server', 'src')))) return;
  console.log('Building dist/server.js (npm run build)…');
  const r = spawnSync(process.execPath, [path.join(REPO, 'scripts', 'build.mjs')], { cwd: REPO, stdio: 'inherit' });
  if (r.status !== 0 || !existsSync(SERVER)) {
    console.error('The build failed; run `npm run build` and fix it first.');
    process.exit(1);
  }
}

class Session {
  private readonly waiters = new Map<string, (p: PublishDiagnosticsParams) => void>();
  readonly published = new Map<string, PublishDiagnosticsParams>();
  onPublish?: (p: PublishDiagnosticsParams) => void;

  constructor(
    readonly connection: MessageConnection,
    readonly pid: number,
  ) {
    connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      this.published.set(p.uri, p);
      this.onPublish?.(p);
      const key = `${p.uri}#${p.version}`;
      const w = this.waiters.get(key);
      if (w) {
        this.waiters.delete(key);
        w(p);
      }
    });
    connection.onRequest(() => null);
    connection.onNotification('window/logMessage', () => {});
  }

  diagnosticsFor(uri: string, version: number): Promise<PublishDiagnosticsParams> {
    return new Promise((resolve) => this.waiters.set(`${uri}#${version}`, resolve));
  }
}

function rssOf(pid: number): { rssMb: number; peakMb: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
    return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
  } catch {
    return { rssMb: NaN, peakMb: NaN };
  }
}

// ------------------------------------------------------------------ statistics and report

interface Stats {
  n: number;
  p50: number;
  p95: number;
  max: number;
}

function stats(samples: number[]): Stats {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? NaN;
  return { n: s.length, p50: at(0.5), p95: at(0.95), max: s[s.length - 1] ?? NaN };
}

const fmt = (ms: number) => (Number.isNaN(ms) ? 'n/a' : ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : ms.toFixed(0));
const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');

function row(name: string, s: Stats | undefined, target?: number, note?: string): string[] {
  if (!s) return [name, '-', '-', '-', '-', target === undefined ? '' : `p95 ≤ ${target} ms`, note ?? 'skipped'];
  return [name, String(s.n), fmt(s.p50), fmt(s.p95), fmt(s.max), target === undefined ? '' : `p95 ≤ ${target} ms`, target === undefined ? (note ?? '') : verdict(s.p95 <= target)];
}

function table(rows: string[][]): string {
  const head = ['measure', 'n', 'p50 ms', 'p95 ms', 'max ms', 'target', ''];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 || i >= 5 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  return [line(head), `|${widths.map((w, i) => (i === 0 || i >= 5 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`, ...rows.map(line)].join('\n');
}

// ------------------------------------------------------------------ run

async function main(): Promise<void> {
  ensureBuilt();
  const files = generateFiles();
  const root = writeWorkspace(files);
  try {
    await run(root, files);
  } finally {
    if (!values.write) rmSync(root, { recursive: true, force: true });
  }
}

async function run(root: string, files: Map<string, string>): Promise<void> {
  const { warnings } = verify(root, files);
  const specs = [...files.keys()].filter((f) => f.endsWith('.agentgraph'));
  const bytes = specs.reduce((n, f) => n + Buffer.byteLength(files.get(f)!, 'utf8'), 0);
  console.log(`Workspace: ${AGENTS.toLocaleString('en-US')} agents in ${specs.length} files, ${(bytes / 1e6).toFixed(2)} MB (${warnings} warnings), ${root}`);

  const nodeFlags = values['node-flags'] !== undefined ? values['node-flags'].split(/\s+/).filter(Boolean) : [...SERVER_EXEC_ARGV];
  // Baseline in this process: the core alone re-analysing the edited file after a 1-char edit
  // (imports cached), so the protocol and scheduling overhead can be read off the difference.
  const core = coreBaseline(root, files);

  const child = spawn(process.execPath, [...nodeFlags, SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'], cwd: root });
  const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const session = new Session(connection, child.pid!);
  process.once('exit', () => child.kill());
  connection.listen();
  const uriOf = (rel: string) => pathToFileURL(path.join(root, rel)).href;

  const init = await connection.sendRequest<InitializeResult>('initialize', {
    processId: process.pid,
    rootUri: uriOf(''),
    workspaceFolders: [{ uri: uriOf(''), name: 'bench' }],
    capabilities: {
      textDocument: { publishDiagnostics: { versionSupport: true }, completion: { completionItem: { snippetSupport: true } }, hover: { contentFormat: ['markdown'] } },
      workspace: { workspaceFolders: true },
    },
    initializationOptions: { diagnosticsDelay: 0 },
  });
  await connection.sendNotification('initialized', {});
  const caps = init.capabilities;

  // Open every file and wait for the first diagnostics of each.
  const t0 = performance.now();
  await Promise.all(
    specs.map(async (rel) => {
      const wait = session.diagnosticsFor(uriOf(rel), 1);
      await connection.sendNotification('textDocument/didOpen', { textDocument: { uri: uriOf(rel), languageId: 'agentgraph', version: 1, text: files.get(rel)! } });
      await wait;
    }),
  );
  const openMs = performance.now() - t0;

  // Edit → diagnostics: type a character into a prompt of graphs1.agentgraph, then delete it.
  const target = 'graphs1.agentgraph';
  const uri = uriOf(target);
  let text = files.get(target)!;
  let version = 1;
  const promptAt = /prompt: "(?!")/.exec(text)!.index + 'prompt: "'.length;
  const editTimes: number[] = [];
  for (let i = 0; i < EDITS; i++) {
    const insert = i % 2 === 0;
    const lines = new LineIndex(text);
    const pos = lines.positionAt(promptAt);
    const range = insert ? { start: pos, end: pos } : { start: pos, end: { line: pos.line, character: pos.character + 1 } };
    text = insert ? text.slice(0, promptAt) + 'x' + text.slice(promptAt) : text.slice(0, promptAt) + text.slice(promptAt + 1);
    version++;
    const wait = session.diagnosticsFor(uri, version);
    const start = performance.now();
    await connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ range, text: insert ? 'x' : '' }] });
    const pub = await wait;
    editTimes.push(performance.now() - start);
    if (pub.diagnostics.some((d) => d.severity === 1)) throw new Error(`the edit produced errors: ${pub.diagnostics[0]?.message}`);
  }

  // Edit the shared file: until all 9 importers are re-published.
  const shared = 'common.agentgraph';
  const sharedUri = uriOf(shared);
  let sharedText = files.get(shared)!;
  let sharedVersion = 1;
  const docAt = sharedText.indexOf('/// ') + 4;
  const sharedTimes: number[] = [];
  const importers = new Set(specs.filter((f) => f !== shared).map(uriOf));
  for (let i = 0; i < SHARED_EDITS; i++) {
    const insert = i % 2 === 0;
    const pos = new LineIndex(sharedText).positionAt(docAt);
    const range = insert ? { start: pos, end: pos } : { start: pos, end: { line: pos.line, character: pos.character + 1 } };
    sharedText = insert ? sharedText.slice(0, docAt) + 'x' + sharedText.slice(docAt) : sharedText.slice(0, docAt) + sharedText.slice(docAt + 1);
    sharedVersion++;
    const pending = new Set(importers);
    const done = new Promise<void>((resolve) => {
      session.onPublish = (p) => {
        pending.delete(p.uri);
        if (pending.size === 0) resolve();
      };
    });
    const start = performance.now();
    await connection.sendNotification('textDocument/didChange', { textDocument: { uri: sharedUri, version: sharedVersion }, contentChanges: [{ range, text: insert ? 'x' : '' }] });
    await done;
    sharedTimes.push(performance.now() - start);
    session.onPublish = undefined;
  }

  // Completion and hover (provided by the feature handlers, when registered).
  const timeRequests = async (method: string, params: () => unknown): Promise<number[]> => {
    const times: number[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      const start = performance.now();
      await connection.sendRequest(method, params());
      times.push(performance.now() - start);
    }
    return times;
  };
  const lines = new LineIndex(text);
  const modelAt = text.indexOf('  model: ') + '  model: '.length;
  const hoverAt = text.indexOf('-> ', text.indexOf('graph ')) + 4;
  let completion: Stats | undefined;
  let hover: Stats | undefined;
  if (caps.completionProvider) completion = stats(await timeRequests('textDocument/completion', () => ({ textDocument: { uri }, position: lines.positionAt(modelAt) })));
  else console.log('Note: the server does not provide completion yet (no completionProvider); skipped.');
  if (caps.hoverProvider) hover = stats(await timeRequests('textDocument/hover', () => ({ textDocument: { uri }, position: lines.positionAt(hoverAt) })));
  else console.log('Note: the server does not provide hover yet (no hoverProvider); skipped.');
  // Navigation for comparison (always provided).
  const definition = stats(await timeRequests('textDocument/definition', () => ({ textDocument: { uri }, position: lines.positionAt(hoverAt) })));
  const symbols = stats(await timeRequests('textDocument/documentSymbol', () => ({ textDocument: { uri } })));

  const mem = rssOf(session.pid);

  await connection.sendRequest('shutdown');
  await connection.sendNotification('exit');
  await new Promise<void>((resolve) => {
    if (child.exitCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  connection.dispose();

  const edit = stats(editTimes);
  console.log('');
  console.log(
    table([
      row('edit → diagnostics (1 char, 1 file)', edit, TARGET_EDIT_P95_MS),
      row('  baseline: analyzeFile in-process', core, undefined, 'the core alone, same edits'),
      row('edit shared file → 9 importers', stats(sharedTimes), undefined, 're-checks 9 files'),
      row('completion', completion, TARGET_COMPLETION_P95_MS, 'skipped: not provided'),
      row('hover', hover, undefined, hover ? '' : 'skipped: not provided'),
      row('definition', definition),
      row('document symbols', symbols),
    ]),
  );
  console.log('');
  console.log(`Open ${specs.length} files → first diagnostics of all: ${fmt(openMs)} ms`);
  console.log(`Server memory: RSS ${mem.rssMb.toFixed(0)} MB (peak ${mem.peakMb.toFixed(0)} MB); target RSS ≤ ${TARGET_RSS_MB} MB: ${verdict(mem.rssMb <= TARGET_RSS_MB)}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
