// A test client for the language server, speaking the real protocol (JSON-RPC over streams).
//
//   const c = await LspClient.inProcess({ files: { 'models.agentgraph': '…' } });
//   const uri = await c.open('main.agentgraph', text);          // version 1
//   const pub = await c.waitForDiagnostics(uri, 1);
//   await c.change(uri, newText);                               // version 2 (an incremental edit)
//   const defs = await c.request('textDocument/definition', { textDocument: { uri }, position });
//   await c.dispose();
//
// `inProcess` runs the server in this process on a pair of PassThrough streams (fast, and test
// hooks can be injected); `spawn` starts a server script (e.g. the bundled dist/server.js) as an
// editor would, over stdio. Files given as `files` are written to a fresh temporary folder that
// becomes the workspace root. `parseMarkers` reads `<|>` cursors and `<|name|>…<|/name|>` ranges
// out of a fixture text.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, IPCMessageReader, IPCMessageWriter, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import type {
  ClientCapabilities,
  InitializeResult,
  Position,
  PublishDiagnosticsParams,
  Range,
  ServerCapabilities,
  TextDocumentContentChangeEvent,
} from 'vscode-languageserver-protocol';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer, type ServerOptions } from '../../server/src/lsp/server.ts';
import { LineIndex } from '../../server/src/util/line-index.ts';

export interface ClientOptions {
  /** Files (relative path → text) written to a fresh temporary workspace folder. */
  files?: Record<string, string>;
  /** Use this folder as the workspace root instead of a temporary one. */
  root?: string;
  initializationOptions?: Record<string, unknown>;
  /** Client capabilities, merged over a VS Code-like default. */
  capabilities?: ClientCapabilities;
  /** Do not send workspace folders (a single loose file). */
  noWorkspace?: boolean;
}

export interface InProcessOptions extends ClientOptions {
  /** Options for the in-process server (test hooks, file system). */
  server?: ServerOptions;
}

export interface SpawnOptions extends ClientOptions {
  /** Arguments after the script; default ['--stdio']. */
  args?: string[];
}

export interface Publish extends PublishDiagnosticsParams {
  /** Order of arrival over the whole session. */
  seq: number;
}

export const DEFAULT_CAPABILITIES: ClientCapabilities = {
  workspace: {
    workspaceFolders: true,
    didChangeWatchedFiles: { dynamicRegistration: true },
    workspaceEdit: { documentChanges: true },
    symbol: {},
    configuration: true,
  },
  textDocument: {
    synchronization: { dynamicRegistration: false, didSave: true },
    publishDiagnostics: { relatedInformation: true, versionSupport: true, tagSupport: { valueSet: [1, 2] }, codeDescriptionSupport: true, dataSupport: true },
    definition: { linkSupport: false },
    references: {},
    documentHighlight: {},
    documentSymbol: { hierarchicalDocumentSymbolSupport: true },
    rename: { prepareSupport: true },
    foldingRange: { lineFoldingOnly: true },
    selectionRange: {},
    codeLens: {},
    semanticTokens: {
      requests: { full: true, range: true },
      tokenTypes: [],
      tokenModifiers: [],
      formats: ['relative'],
    },
    hover: { contentFormat: ['markdown', 'plaintext'] },
    completion: { completionItem: { snippetSupport: true } },
  },
};

function merge<T>(a: T, b: unknown): T {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null || Array.isArray(a) || Array.isArray(b)) return (b ?? a) as T;
  const out: Record<string, unknown> = { ...(a as Record<string, unknown>) };
  for (const [k, v] of Object.entries(b)) out[k] = k in out ? merge(out[k], v) : v;
  return out as T;
}

export class LspClient {
  readonly root: string;
  capabilities: ServerCapabilities = {};
  initializeResult: InitializeResult | undefined;
  /** window/logMessage and window/showMessage texts. */
  readonly logs: string[] = [];
  /** Every publishDiagnostics, in arrival order. */
  readonly publishes: Publish[] = [];
  /** Server → client requests seen (method names), e.g. client/registerCapability. */
  readonly serverRequests: { method: string; params: unknown }[] = [];
  private readonly docs = new Map<string, { text: string; version: number }>();
  private readonly waiters: { uri: string; version?: number; after: number; resolve: (p: Publish) => void }[] = [];
  private seq = 0;
  private readonly ownsRoot: boolean;

  private constructor(
    readonly connection: MessageConnection,
    root: string,
    ownsRoot: boolean,
    private readonly cleanup: () => Promise<void>,
    readonly child?: ChildProcess,
  ) {
    this.root = root;
    this.ownsRoot = ownsRoot;
    connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      const pub: Publish = { ...p, seq: ++this.seq };
      this.publishes.push(pub);
      for (let i = this.waiters.length - 1; i >= 0; i--) {
        const w = this.waiters[i]!;
        if (w.uri !== p.uri || pub.seq <= w.after) continue;
        if (w.version !== undefined && p.version !== w.version) continue;
        this.waiters.splice(i, 1);
        w.resolve(pub);
      }
    });
    connection.onNotification('window/logMessage', (p: { message: string }) => {
      this.logs.push(p.message);
    });
    connection.onNotification('window/showMessage', (p: { message: string }) => {
      this.logs.push(p.message);
    });
    connection.onRequest((method: string, params: unknown) => {
      this.serverRequests.push({ method, params });
      if (method === 'workspace/workspaceFolders') return [{ uri: this.uri(''), name: 'root' }];
      if (method === 'workspace/configuration') return ((params as { items?: unknown[] }).items ?? []).map(() => null);
      if (method === 'workspace/applyEdit') return { applied: false };
      return null;
    });
  }

  /** Writes the files to a temporary folder (or uses `root`). */
  private static prepareRoot(opts: ClientOptions): { root: string; owns: boolean } {
    const owns = opts.root === undefined;
    const root = opts.root ?? mkdtempSync(path.join(tmpdir(), 'agentgraph-lsp-'));
    for (const [rel, text] of Object.entries(opts.files ?? {})) {
      const p = path.join(root, rel);
      mkdirSync(path.dirname(p), { recursive: true });
      writeFileSync(p, text);
    }
    return { root, owns };
  }

  /** A server in this process, connected over in-memory streams. */
  static async inProcess(opts: InProcessOptions = {}): Promise<LspClient> {
    const { root, owns } = LspClient.prepareRoot(opts);
    const toServer = new PassThrough();
    const toClient = new PassThrough();
    const serverConnection = createConnection(ProposedFeatures.all, new StreamMessageReader(toServer), new StreamMessageWriter(toClient));
    startServer(serverConnection, opts.server);
    serverConnection.listen();
    const connection = createMessageConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer));
    const client = new LspClient(connection, root, owns, async () => {
      serverConnection.dispose();
      toServer.end();
      toClient.end();
    });
    connection.listen();
    await client.initialize(opts);
    return client;
  }

  /** A server script started as a child process, over stdio by default (`--node-ipc` for IPC). */
  static async spawn(script: string, opts: SpawnOptions = {}): Promise<LspClient> {
    const { root, owns } = LspClient.prepareRoot(opts);
    const args = opts.args ?? ['--stdio'];
    const ipc = args.includes('--node-ipc');
    const child = spawn(process.execPath, [script, ...args], { stdio: ['pipe', 'pipe', 'pipe', ...(ipc ? (['ipc'] as const) : [])], cwd: root });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const connection = ipc
      ? createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child))
      : createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const client = new LspClient(
      connection,
      root,
      owns,
      async () => {
        const timer = setTimeout(() => child.kill(), 3000);
        await exited;
        clearTimeout(timer);
      },
      child,
    );
    client.stderr = () => stderr;
    connection.listen();
    await client.initialize(opts);
    return client;
  }

  /** Standard error of a spawned server. */
  stderr: () => string = () => '';

  private async initialize(opts: ClientOptions): Promise<void> {
    const rootUri = this.uri('');
    const result = await this.connection.sendRequest<InitializeResult>('initialize', {
      processId: null,
      clientInfo: { name: 'agentgraph-test-client' },
      rootUri: opts.noWorkspace ? null : rootUri,
      workspaceFolders: opts.noWorkspace ? null : [{ uri: rootUri, name: path.basename(this.root) }],
      capabilities: merge(DEFAULT_CAPABILITIES, opts.capabilities ?? {}),
      initializationOptions: opts.initializationOptions ?? {},
    });
    this.initializeResult = result;
    this.capabilities = result.capabilities;
    await this.connection.sendNotification('initialized', {});
  }

  /** The file URI of a path relative to the root (or an absolute path, or a URI as is). */
  uri(rel: string): string {
    if (/^[a-z][a-z0-9+.-]*:/i.test(rel)) return rel;
    const p = path.isAbsolute(rel) ? rel : path.join(this.root, rel);
    return pathToFileURL(rel === '' ? this.root : p).href;
  }

  /** Absolute path of a file in the workspace. */
  path(rel: string): string {
    return path.join(this.root, rel);
  }

  /** Writes a file to disk (and tells the server, as a file watcher would, unless `silent`). */
  async writeFile(rel: string, text: string, opts: { created?: boolean; silent?: boolean } = {}): Promise<void> {
    const p = this.path(rel);
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, text);
    if (!opts.silent) await this.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: this.uri(rel), type: opts.created ? 1 : 2 }] });
  }

  /** Deletes a file from disk and tells the server, as a file watcher would. */
  async deleteFile(rel: string): Promise<void> {
    rmSync(this.path(rel), { force: true });
    await this.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: this.uri(rel), type: 3 }] });
  }

  /** Opens a document (version 1 unless given); returns its URI. */
  async open(relOrUri: string, text: string, version = 1, languageId = 'agentgraph'): Promise<string> {
    const uri = this.uri(relOrUri);
    this.docs.set(uri, { text, version });
    await this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version, text } });
    return uri;
  }

  /** Current text of an open document, as the client holds it. */
  text(uri: string): string {
    const d = this.docs.get(uri);
    if (!d) throw new Error(`not open: ${uri}`);
    return d.text;
  }

  version(uri: string): number {
    return this.docs.get(uri)?.version ?? 0;
  }

  /**
   * Edits an open document and returns the new version. A string replaces the whole text (sent
   * as one incremental edit over the full range); otherwise the edits are offset-based and applied
   * in order, each against the text left by the previous one.
   */
  async change(uri: string, edit: string | { start: number; end: number; text: string }[]): Promise<number> {
    const d = this.docs.get(uri);
    if (!d) throw new Error(`not open: ${uri}`);
    const edits = typeof edit === 'string' ? [{ start: 0, end: d.text.length, text: edit }] : edit;
    const changes: TextDocumentContentChangeEvent[] = [];
    let text = d.text;
    for (const e of edits) {
      const lines = new LineIndex(text);
      changes.push({ range: { start: lines.positionAt(e.start), end: lines.positionAt(e.end) }, text: e.text });
      text = text.slice(0, e.start) + e.text + text.slice(e.end);
    }
    d.text = text;
    d.version++;
    await this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: d.version }, contentChanges: changes });
    return d.version;
  }

  async insert(uri: string, offset: number, text: string): Promise<number> {
    return this.change(uri, [{ start: offset, end: offset, text }]);
  }

  async close(uri: string): Promise<void> {
    this.docs.delete(uri);
    await this.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  request<R = unknown>(method: string, params: unknown): Promise<R> {
    return this.connection.sendRequest<R>(method, params);
  }

  async notify(method: string, params: unknown): Promise<void> {
    await this.connection.sendNotification(method, params);
  }

  /** The protocol position of an offset in an open document. */
  position(uri: string, offset: number): Position {
    return new LineIndex(this.text(uri)).positionAt(offset);
  }

  /** `{ textDocument, position }` for an offset in an open document. */
  at(uri: string, offset: number): { textDocument: { uri: string }; position: Position } {
    return { textDocument: { uri }, position: this.position(uri, offset) };
  }

  /** The latest published diagnostics of a document, if any. */
  latest(uri: string): Publish | undefined {
    for (let i = this.publishes.length - 1; i >= 0; i--) if (this.publishes[i]!.uri === uri) return this.publishes[i];
    return undefined;
  }

  /**
   * Resolves with a publishDiagnostics for `uri`: with `version`, the first one for that version
   * (possibly already received); without, the next one to arrive after this call (or after
   * publish number `after`).
   */
  waitForDiagnostics(uri: string, version?: number, opts: { timeout?: number; after?: number } = {}): Promise<Publish> {
    const after = opts.after ?? (version === undefined ? this.seq : 0);
    const existing = this.publishes.find((p) => p.uri === uri && p.seq > after && (version === undefined || p.version === version));
    if (existing) return Promise.resolve(existing);
    return new Promise<Publish>((resolve, reject) => {
      const timeout = opts.timeout ?? 10_000;
      const waiter = {
        uri,
        version,
        after,
        resolve: (p: Publish) => {
          clearTimeout(timer);
          resolve(p);
        },
      };
      const timer = setTimeout(() => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new Error(`no diagnostics for ${uri}${version === undefined ? '' : ` version ${version}`} within ${timeout} ms`));
      }, timeout);
      this.waiters.push(waiter);
    });
  }

  /** Resolves once no diagnostics have arrived for `quietMs` (the server has settled). */
  async idle(quietMs = 60, timeout = 10_000): Promise<void> {
    const deadline = Date.now() + timeout;
    let seen = this.seq;
    for (;;) {
      await new Promise((r) => setTimeout(r, quietMs));
      if (this.seq === seen) return;
      seen = this.seq;
      if (Date.now() > deadline) throw new Error('the server did not settle');
    }
  }

  /** Number of publishes received so far (for `waitForDiagnostics(uri, undefined, { after })`). */
  get publishCount(): number {
    return this.seq;
  }

  /** Shuts the server down politely and releases everything (temporary root included). */
  async dispose(): Promise<void> {
    try {
      await withTimeout(this.connection.sendRequest('shutdown'), 3000);
      if (this.child) await this.connection.sendNotification('exit');
    } catch {
      // Already gone.
    }
    await this.cleanup();
    this.connection.dispose();
    if (this.ownsRoot) rmSync(this.root, { recursive: true, force: true });
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('timeout')), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

// ------------------------------------------------------------------ fixtures with markers

export interface Marked {
  /** The text without markers. */
  text: string;
  /** Offsets of `<|>` markers, in order. */
  cursors: number[];
  /** The first cursor (throws when there is none). */
  cursor: number;
  /** `<|name|>…<|/name|>` ranges by name, in order. */
  ranges: Record<string, { start: number; end: number }[]>;
}

/**
 * Removes `<|>` (a cursor) and `<|name|>…<|/name|>` (a named range; names may repeat and nest)
 * from a fixture text and reports their offsets in the clean text.
 */
export function parseMarkers(src: string): Marked {
  const re = /<\|(\/?)([A-Za-z0-9_-]*)\|>|<\|>/g;
  let text = '';
  let last = 0;
  const cursors: number[] = [];
  const ranges: Record<string, { start: number; end: number }[]> = {};
  const open: Record<string, number[]> = {};
  for (const m of src.matchAll(re)) {
    text += src.slice(last, m.index);
    last = m.index + m[0].length;
    if (m[0] === '<|>' || m[0] === '<||>') {
      cursors.push(text.length);
      continue;
    }
    const name = m[2]!;
    if (m[1] === '/') {
      const start = open[name]?.pop();
      if (start === undefined) throw new Error(`closing <|/${name}|> without an opening`);
      (ranges[name] ??= []).push({ start, end: text.length });
    } else (open[name] ??= []).push(text.length);
  }
  text += src.slice(last);
  for (const [name, starts] of Object.entries(open)) if (starts.length) throw new Error(`<|${name}|> is not closed`);
  for (const list of Object.values(ranges)) list.sort((a, b) => a.start - b.start);
  return {
    text,
    cursors,
    get cursor(): number {
      const c = cursors[0];
      if (c === undefined) throw new Error('the fixture has no <|> cursor');
      return c;
    },
    ranges,
  };
}

/** A diagnostic's message as plain text (the protocol also allows markup). */
export function messageOf(d: { message: string | { value: string } }): string {
  return typeof d.message === 'string' ? d.message : d.message.value;
}

/** The protocol range of offsets in a text. */
export function rangeOf(text: string, start: number, end: number): Range {
  const lines = new LineIndex(text);
  return { start: lines.positionAt(start), end: lines.positionAt(end) };
}

/** The text a protocol range covers. */
export function textOf(text: string, range: Range): string {
  const lines = new LineIndex(text);
  const off = (p: Position) => lines.lineStart(p.line) + p.character;
  return text.slice(off(range.start), off(range.end));
}
