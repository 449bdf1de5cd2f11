// The language client: starts dist/server.js over Node IPC and keeps it alive. Bundled on its own
// (dist/client-lsp.js) and loaded by extension.ts right after activation, so activating the
// extension does not pay for parsing vscode-languageclient (~440 KB minified).
//
// Crashes: the error handler restarts a crashed server a bounded number of times (CrashPolicy)
// and reports each crash to the extension, which tells the user (with "Show Output" / "Restart").

import * as vscode from 'vscode';
import {
  CloseAction,
  ErrorAction,
  LanguageClient,
  RevealOutputChannelOn,
  State,
  TransportKind,
  type CloseHandlerResult,
  type ErrorHandlerResult,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { CrashPolicy, type CrashDecision } from './crash-policy.ts';
import { SERVER_EXEC_ARGV } from './server-exec-argv.ts';

export type ServerState = 'starting' | 'running' | 'stopped';

export interface ClientHooks {
  /** Absolute path of dist/server.js. */
  serverModule: string;
  output: vscode.LogOutputChannel;
  initializationOptions: Record<string, unknown>;
  onState(state: ServerState): void;
  /** The server died; `decision.restart` says whether it is being restarted. */
  onCrash(decision: CrashDecision): void;
}

export interface AgentGraphClient {
  /** Resolves once the server answered `initialize` (rejects when it could not start). */
  start(): Promise<void>;
  sendRequest<R>(method: string, params: unknown, token?: vscode.CancellationToken): Promise<R>;
  /** Stops and starts the server again, forgetting past crashes. */
  restart(): Promise<void>;
  stop(): Promise<void>;
  isRunning(): boolean;
}

/** Consecutive connection errors tolerated before the connection is shut down. */
const MAX_CONNECTION_ERRORS = 3;

export function createClient(hooks: ClientHooks): AgentGraphClient {
  const policy = new CrashPolicy();
  const serverOptions: ServerOptions = {
    run: { module: hooks.serverModule, transport: TransportKind.ipc, options: { execArgv: [...SERVER_EXEC_ARGV] } },
    debug: { module: hooks.serverModule, transport: TransportKind.ipc, options: { execArgv: [...SERVER_EXEC_ARGV, '--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'agentgraph' },
      { scheme: 'untitled', language: 'agentgraph' },
    ],
    outputChannel: hooks.output,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    initializationOptions: hooks.initializationOptions,
    errorHandler: {
      error(_error, _message, count): ErrorHandlerResult {
        return { action: (count ?? 1) <= MAX_CONNECTION_ERRORS ? ErrorAction.Continue : ErrorAction.Shutdown, handled: true };
      },
      closed(): CloseHandlerResult {
        const decision = policy.crashed(Date.now());
        hooks.output.appendLine(
          `[client] The language server stopped unexpectedly (${decision.crashes} time${decision.crashes === 1 ? '' : 's'} in the last 3 minutes).` +
            (decision.restart ? ' Restarting it.' : ' Not restarting it again; use "AgentGraph: Restart Language Server".'),
        );
        hooks.onCrash(decision);
        return { action: decision.restart ? CloseAction.Restart : CloseAction.DoNotRestart, handled: true };
      },
    },
  };
  // The id `agentgraph` makes the library honour the `agentgraph.trace.server` setting.
  const client = new LanguageClient('agentgraph', 'AgentGraph Language Server', serverOptions, clientOptions);
  client.onDidChangeState((e) => {
    hooks.onState(e.newState === State.Running ? 'running' : e.newState === State.Starting ? 'starting' : 'stopped');
  });

  return {
    start: () => client.start(),
    sendRequest: <R>(method: string, params: unknown, token?: vscode.CancellationToken) =>
      token ? client.sendRequest<R>(method, params, token) : client.sendRequest<R>(method, params),
    async restart() {
      policy.reset();
      if (client.state === State.Running || client.state === State.Starting) await client.restart();
      else await client.start();
    },
    stop: () => (client.state === State.Running || client.state === State.Starting ? client.stop() : Promise.resolve()),
    isRunning: () => client.state === State.Running,
  };
}
