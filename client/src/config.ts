// The extension's settings (contributes.configuration in package.json), read in one place.

import * as vscode from 'vscode';

export const LANGUAGE_ID = 'agentgraph';

export interface DiagramSettings {
  direction: 'TD' | 'LR';
  collapseThreshold: number;
  followActiveEditor: boolean;
  updateDelayMs: number;
}

export function diagramSettings(): DiagramSettings {
  const c = vscode.workspace.getConfiguration('agentgraph.diagram');
  const direction = c.get<string>('direction', 'TD');
  return {
    direction: direction === 'LR' ? 'LR' : 'TD',
    collapseThreshold: clampInt(c.get<number>('collapseThreshold', 60), 1, 100_000, 60),
    followActiveEditor: c.get<boolean>('followActiveEditor', true),
    updateDelayMs: clampInt(c.get<number>('updateDelayMs', 250), 0, 10_000, 250),
  };
}

/** initializationOptions for the language server (see server/src/lsp/server.ts). */
export function serverInitializationOptions(commands: string[]): Record<string, unknown> {
  const c = vscode.workspace.getConfiguration('agentgraph.server');
  const out: Record<string, unknown> = {
    diagnosticsDelay: clampInt(c.get<number>('debounceMs', 150), 0, 10_000, 150),
    workspaceDiagnostics: c.get<boolean>('workspaceDiagnostics', false),
    commands,
  };
  const docs = c.get<string>('docsBaseUrl', '');
  if (docs) out.docsBaseUrl = docs;
  return out;
}

export function statusBarEnabled(): boolean {
  return vscode.workspace.getConfiguration('agentgraph.statusBar').get<boolean>('enabled', true);
}

function clampInt(v: unknown, min: number, max: number, fallback: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) return fallback;
  return Math.min(max, Math.max(min, Math.round(v)));
}

export function isAgentGraphDocument(doc: vscode.TextDocument | undefined): doc is vscode.TextDocument {
  return doc !== undefined && doc.languageId === LANGUAGE_ID;
}
