// The language server: wires a connection to the workspace (documents over the disk, analyses),
// the diagnostics scheduler, the navigation and outline handlers in this directory, the feature
// handlers (completion, hover, code actions, …) from features.ts and AgentGraph's custom requests
// (custom/). The initialize result advertises exactly what is registered: ours, plus what
// registerLanguageFeatures returns.
//
// initializationOptions (all optional):
//   docsBaseUrl: string            base of the diagnostics reference links (`<base>#ag4001`)
//   diagnosticsDelay: number       debounce after an edit, in ms (default 150; 0 for benchmarks)
//   commands: string[]             client commands the code lenses may invoke
//   workspaceDiagnostics: boolean  also check and report files that are not open

import * as path from 'node:path';
import {
  DidChangeWatchedFilesNotification,
  FileChangeType,
  TextDocumentSyncKind,
  type ClientCapabilities,
  type Connection,
  type DocumentSymbol,
  type InitializeParams,
  type InitializeResult,
  type ServerCapabilities,
  type SymbolInformation,
} from 'vscode-languageserver/node';
import { codeLenses, LENS_COMMANDS } from './code-lens.ts';
import { DEFAULT_DOCS_BASE_URL } from './convert.ts';
import { DEFAULT_DIAGNOSTICS_DELAY, DiagnosticsScheduler } from './diagnostics.ts';
import { registerCustomRequests, type CustomRequests } from './custom/index.ts';
import { registerLanguageFeatures } from './features.ts';
import { foldingRanges } from './folding.ts';
import { definition, documentHighlight, prepareRename, references, rename } from './navigation.ts';
import { describe, guard, guardConnection, guardNotification, type SafetyOptions } from './safety.ts';
import { selectionRanges } from './selection.ts';
import { LEGEND, semanticTokensFull, semanticTokensRange } from './semantic-tokens.ts';
import { documentSymbols, workspaceSymbols } from './symbols.ts';
import { fileUriToPath, Workspace, type FileEvent, type FileSystem } from './workspace.ts';
import type { LanguageWorkspace } from './workspace-api.ts';

export const SERVER_NAME = 'agentgraph-language-server';
export const SERVER_VERSION = '0.1.0';

export interface InitializationOptions {
  docsBaseUrl?: string;
  diagnosticsDelay?: number;
  commands?: string[];
  workspaceDiagnostics?: boolean;
}

export interface ServerOptions {
  /** Disk access (tests may use an in-memory file system). */
  fs?: FileSystem;
  /** Registers the feature handlers; defaults to features.ts. */
  registerFeatures?: (connection: Connection, workspace: LanguageWorkspace) => ServerCapabilities;
  /** Test-only hooks. */
  testHooks?: {
    /** Called before each request handler with its name; throwing simulates a handler bug. */
    beforeRequest?(name: string): void;
  };
}

/** Handlers this file registers; other modules may not replace them (see guardConnection). */
const RESERVED_REGISTRATIONS: ReadonlySet<string> = new Set([
  'onInitialize', 'onInitialized', 'onShutdown', 'onExit',
  'onDidOpenTextDocument', 'onDidChangeTextDocument', 'onDidCloseTextDocument', 'onDidChangeWatchedFiles',
  'onDefinition', 'onReferences', 'onDocumentHighlight', 'onPrepareRename', 'onRenameRequest',
  'onDocumentSymbol', 'onWorkspaceSymbol', 'onFoldingRanges', 'onSelectionRanges', 'onCodeLens',
  'languages.semanticTokens.on', 'languages.semanticTokens.onRange', 'languages.semanticTokens.onDelta',
]);

/** Registers every handler on `connection`. Call `connection.listen()` afterwards. */
export function startServer(connection: Connection, options: ServerOptions = {}): void {
  let ws: Workspace | undefined;
  let diagnostics: DiagnosticsScheduler | undefined;
  let client: ClientCapabilities = {};
  let init: InitializationOptions = {};
  let custom: CustomRequests | undefined;
  let refresh = new Refresher(connection, {}, () => {});

  const log = (message: string) => {
    try {
      if (message.startsWith('[error]')) connection.console.error(message);
      else connection.console.log(message);
    } catch {
      // The connection is gone; nothing left to tell.
    }
  };
  const safety: SafetyOptions = { log, beforeRequest: options.testHooks?.beforeRequest };
  const need = (): Workspace => {
    if (!ws) throw new Error('The server is not initialized yet.');
    return ws;
  };

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    client = params.capabilities;
    init = sanitizeOptions(params.initializationOptions, log);
    const folders = workspaceFolderPaths(params);
    ws = new Workspace({ folders, fs: options.fs, clientCommands: init.commands, log });
    diagnostics = new DiagnosticsScheduler(connection, ws, {
      delay: init.diagnosticsDelay ?? DEFAULT_DIAGNOSTICS_DELAY,
      docsBaseUrl: init.docsBaseUrl ?? DEFAULT_DOCS_BASE_URL,
      onDependentsChanged: () => refresh.schedule(),
    });

    const capabilities = ownCapabilities(client, ws);
    refresh = new Refresher(connection, client, log);
    // Lenses run client commands: registered (and advertised) only when the client has some.
    if (capabilities.codeLensProvider) connection.onCodeLens(guard('textDocument/codeLens', safety, (p) => codeLenses(need(), p.textDocument.uri)));
    const guarded = guardConnection(connection, safety, RESERVED_REGISTRATIONS);
    let features: ServerCapabilities = {};
    try {
      const register = options.registerFeatures ?? registerLanguageFeatures;
      features = register(guarded, ws) ?? {};
    } catch (err) {
      log(`[error] registering language features failed: ${describe(err)}`);
    }
    try {
      // AgentGraph's own requests (agentgraph/diagram, agentgraph/status, …): no capabilities.
      custom = registerCustomRequests(guarded, ws);
    } catch (err) {
      log(`[error] registering custom requests failed: ${describe(err)}`);
    }
    log(`AgentGraph language server ${SERVER_VERSION} (root ${ws.root})`);
    const merged = mergeCapabilities(capabilities, features, log);
    refresh.inlayHints = merged.inlayHintProvider !== undefined;
    return { capabilities: merged, serverInfo: { name: SERVER_NAME, version: SERVER_VERSION } };
  });

  connection.onInitialized(
    guardNotification('initialized', safety, async () => {
      const w = need();
      if (client.workspace?.didChangeWatchedFiles?.dynamicRegistration) {
        await connection.client.register(DidChangeWatchedFilesNotification.type, {
          watchers: [{ globPattern: '**/*.agentgraph' }, { globPattern: '**/*.{md,txt,jsonl,csv,json}' }],
        });
        w.watching = true;
      }
      if (client.workspace?.workspaceFolders) {
        connection.workspace.onDidChangeWorkspaceFolders(
          guardNotification('workspace/didChangeWorkspaceFolders', safety, async () => {
            const folders = (await connection.workspace.getWorkspaceFolders()) ?? [];
            w.setFolders(folders.map((f) => w.uriToPath(f.uri)));
          }),
        );
      }
      if (init.workspaceDiagnostics) {
        const all = w.allSpecPaths();
        for (const p of all) w.pinned.add(p);
        diagnostics?.checkAll(all);
      }
    }),
  );

  connection.onShutdown(() => {
    diagnostics?.dispose();
    refresh.dispose();
  });

  // ------------------------------------------------------------------ documents and files

  connection.onDidOpenTextDocument(
    guardNotification('textDocument/didOpen', safety, (p) => {
      const doc = need().open(p.textDocument.uri, p.textDocument.version, p.textDocument.text);
      diagnostics?.changed(doc.path);
    }),
  );
  connection.onDidChangeTextDocument(
    guardNotification('textDocument/didChange', safety, (p) => {
      const doc = need().change(p.textDocument.uri, p.textDocument.version, p.contentChanges);
      if (doc) diagnostics?.changed(doc.path);
      else log(`[error] change for a document that is not open: ${p.textDocument.uri}`);
    }),
  );
  connection.onDidCloseTextDocument(
    guardNotification('textDocument/didClose', safety, (p) => {
      const w = need();
      const file = w.uriToPath(p.textDocument.uri);
      w.close(p.textDocument.uri);
      custom?.diagrams.forget(p.textDocument.uri);
      diagnostics?.closed(file, p.textDocument.uri);
    }),
  );
  connection.onDidChangeWatchedFiles(
    guardNotification('workspace/didChangeWatchedFiles', safety, (p) => {
      const w = need();
      for (const c of p.changes) {
        const file = w.uriToPath(c.uri);
        const event: FileEvent = c.type === FileChangeType.Created ? 'created' : c.type === FileChangeType.Deleted ? 'deleted' : 'changed';
        w.fileChanged(file, event);
        if (event !== 'changed' && file.endsWith('.agentgraph') && init.workspaceDiagnostics) {
          if (event === 'created') w.pinned.add(file);
          else w.pinned.delete(file);
        }
        if (event === 'deleted') diagnostics?.deleted(file);
        diagnostics?.diskChanged(file);
      }
    }),
  );

  // ------------------------------------------------------------------ navigation

  connection.onDefinition(
    guard('textDocument/definition', safety, (p) => definition(need(), p, { linkSupport: client.textDocument?.definition?.linkSupport === true })),
  );
  connection.onReferences(guard('textDocument/references', safety, (p, token) => references(need(), p, token)));
  connection.onDocumentHighlight(guard('textDocument/documentHighlight', safety, (p) => documentHighlight(need(), p)));
  connection.onPrepareRename(guard('textDocument/prepareRename', safety, (p) => prepareRename(need(), p)));
  connection.onRenameRequest(
    guard('textDocument/rename', safety, (p, token) => rename(need(), p, token, { documentChanges: client.workspace?.workspaceEdit?.documentChanges === true })),
  );

  // ------------------------------------------------------------------ outline and structure

  connection.onDocumentSymbol(
    guard('textDocument/documentSymbol', safety, (p) => {
      const symbols = documentSymbols(need(), p.textDocument.uri);
      if (!symbols || client.textDocument?.documentSymbol?.hierarchicalDocumentSymbolSupport) return symbols;
      return flattenSymbols(symbols, p.textDocument.uri);
    }),
  );
  connection.onWorkspaceSymbol(guard('workspace/symbol', safety, (p, token) => workspaceSymbols(need(), p.query, token)));
  connection.languages.semanticTokens.on(guard('textDocument/semanticTokens/full', safety, (p) => semanticTokensFull(need(), p.textDocument.uri), () => ({ data: [] })));
  connection.languages.semanticTokens.onRange(
    guard('textDocument/semanticTokens/range', safety, (p) => semanticTokensRange(need(), p.textDocument.uri, p.range), () => ({ data: [] })),
  );
  connection.onFoldingRanges(
    guard('textDocument/foldingRange', safety, (p) => foldingRanges(need(), p.textDocument.uri, client.textDocument?.foldingRange?.rangeLimit)),
  );
  connection.onSelectionRanges(guard('textDocument/selectionRange', safety, (p) => selectionRanges(need(), p.textDocument.uri, p.positions)));
}

/**
 * Asks the client to re-request semantic tokens and inlay hints of open documents (after an
 * imported file changed, their meaning may have changed without an edit of their own). Batched:
 * one refresh per burst of re-checks.
 */
class Refresher {
  inlayHints = false;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly connection: Connection,
    private readonly client: ClientCapabilities,
    private readonly log: (m: string) => void,
  ) {}

  schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const ws = this.client.workspace;
      const fail = (what: string) => (err: unknown) => this.log(`[error] ${what} refresh failed: ${describe(err)}`);
      if (ws?.semanticTokens?.refreshSupport) this.connection.languages.semanticTokens.refresh().catch(fail('semantic tokens'));
      if (this.inlayHints && ws?.inlayHint?.refreshSupport) this.connection.languages.inlayHint.refresh().catch(fail('inlay hint'));
    }, 50);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/** The capabilities of the handlers registered above, as far as this client can use them. */
function ownCapabilities(client: ClientCapabilities, ws: Workspace): ServerCapabilities {
  const caps: ServerCapabilities = {
    textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
    definitionProvider: true,
    referencesProvider: true,
    documentHighlightProvider: true,
    renameProvider: client.textDocument?.rename?.prepareSupport ? { prepareProvider: true } : true,
    documentSymbolProvider: { label: 'AgentGraph' },
    workspaceSymbolProvider: true,
    semanticTokensProvider: { legend: LEGEND, full: true, range: true },
    foldingRangeProvider: true,
    selectionRangeProvider: true,
    workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
  };
  // Lenses only run client commands; without any of them there is nothing to show.
  if (LENS_COMMANDS.some((c) => ws.clientCommands.has(c))) caps.codeLensProvider = { resolveProvider: false };
  return caps;
}

/** Deep-merges the feature capabilities into ours; ours win a conflict (it is logged). */
export function mergeCapabilities(mine: ServerCapabilities, theirs: ServerCapabilities, log: (m: string) => void): ServerCapabilities {
  const merge = (a: Record<string, unknown>, b: Record<string, unknown>, at: string): Record<string, unknown> => {
    const out: Record<string, unknown> = { ...a };
    for (const [k, v] of Object.entries(b)) {
      if (v === undefined) continue;
      const cur = out[k];
      if (cur === undefined) out[k] = v;
      else if (isPlainObject(cur) && isPlainObject(v)) out[k] = merge(cur, v, `${at}${k}.`);
      else if (JSON.stringify(cur) !== JSON.stringify(v)) log(`[error] capability ${at}${k} is provided twice; keeping the server's own.`);
    }
    return out;
  };
  return merge(mine as Record<string, unknown>, theirs as Record<string, unknown>, '') as ServerCapabilities;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function sanitizeOptions(raw: unknown, log: (m: string) => void): InitializationOptions {
  const out: InitializationOptions = {};
  if (!isPlainObject(raw)) return out;
  if (typeof raw.docsBaseUrl === 'string' && raw.docsBaseUrl) out.docsBaseUrl = raw.docsBaseUrl;
  if (typeof raw.diagnosticsDelay === 'number' && Number.isFinite(raw.diagnosticsDelay) && raw.diagnosticsDelay >= 0) out.diagnosticsDelay = raw.diagnosticsDelay;
  else if (raw.diagnosticsDelay !== undefined) log(`[error] initializationOptions.diagnosticsDelay must be a number of milliseconds ≥ 0; using ${DEFAULT_DIAGNOSTICS_DELAY}.`);
  if (Array.isArray(raw.commands)) out.commands = raw.commands.filter((c): c is string => typeof c === 'string');
  if (typeof raw.workspaceDiagnostics === 'boolean') out.workspaceDiagnostics = raw.workspaceDiagnostics;
  return out;
}

function workspaceFolderPaths(params: InitializeParams): string[] {
  const toPath = (uri: string) => fileUriToPath(uri);
  const fromFolders = (params.workspaceFolders ?? []).map((f) => toPath(f.uri)).filter((p): p is string => p !== undefined);
  if (fromFolders.length > 0) return fromFolders;
  if (params.rootUri) {
    const p = toPath(params.rootUri);
    if (p) return [p];
  }
  // Deprecated but still sent by some clients.
  const rootPath = (params as { rootPath?: string | null }).rootPath;
  if (rootPath) return [path.resolve(rootPath)];
  return [];
}

/** DocumentSymbols flattened for clients without hierarchical outline support. */
function flattenSymbols(symbols: DocumentSymbol[], uri: string): SymbolInformation[] {
  const out: SymbolInformation[] = [];
  const visit = (s: DocumentSymbol, container?: string) => {
    const info: SymbolInformation = { name: s.name, kind: s.kind, location: { uri, range: s.range } };
    if (container) info.containerName = container;
    out.push(info);
    for (const c of s.children ?? []) visit(c, s.name);
  };
  for (const s of symbols) visit(s);
  return out;
}
