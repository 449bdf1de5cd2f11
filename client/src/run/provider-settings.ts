// The model provider the editor runs graphs on, read in one place so runs, debug sessions and eval
// runs agree: the settings `agentgraph.run.provider`, `agentgraph.openai.baseUrl` and
// `agentgraph.openai.model`, and the API key kept in SecretStorage (never in a settings file).
// The key reaches a child process only as the environment variable OPENAI_API_KEY.

import * as vscode from 'vscode';

export const API_KEY_SECRET = 'agentgraph.openai.apiKey';
export const API_KEY_ENV = 'OPENAI_API_KEY';

export type ProviderKind = 'simulated' | 'openai';

export interface ResolvedProvider {
  kind: string;
  baseUrl?: string;
  model?: string;
  /** Environment variables to add to the child process (the API key, when there is one). */
  env: Record<string, string>;
}

export interface ProviderSettingsValues {
  provider: ProviderKind;
  baseUrl?: string;
  model?: string;
}

/** Normalizes raw setting values (anything a user may have typed into settings.json). */
export function normalizeProviderSettings(raw: { provider?: unknown; baseUrl?: unknown; model?: unknown }): ProviderSettingsValues {
  const provider: ProviderKind = raw.provider === 'openai' ? 'openai' : 'simulated';
  const trimmed = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
  const out: ProviderSettingsValues = { provider };
  const baseUrl = trimmed(raw.baseUrl);
  const model = trimmed(raw.model);
  if (baseUrl) out.baseUrl = baseUrl;
  if (model) out.model = model;
  return out;
}

export function providerSettings(): ProviderSettingsValues {
  const run = vscode.workspace.getConfiguration('agentgraph.run');
  const openai = vscode.workspace.getConfiguration('agentgraph.openai');
  return normalizeProviderSettings({ provider: run.get('provider'), baseUrl: openai.get('baseUrl'), model: openai.get('model') });
}

/**
 * The provider to use, with the environment a child process needs for it. `kind` overrides the
 * setting (a command that always simulates, like fault simulation, passes 'simulated').
 */
export async function resolveProvider(context: vscode.ExtensionContext, kind?: ProviderKind): Promise<ResolvedProvider> {
  const s = providerSettings();
  const chosen = kind ?? s.provider;
  if (chosen !== 'openai') return { kind: 'simulated', env: {} };
  const key = await context.secrets.get(API_KEY_SECRET);
  const out: ResolvedProvider = { kind: 'openai', env: key ? { [API_KEY_ENV]: key } : {} };
  if (s.baseUrl) out.baseUrl = s.baseUrl;
  if (s.model) out.model = s.model;
  return out;
}

/** `AgentGraph: Set API Key`: stores (or, with an empty value, removes) the key in SecretStorage. */
export async function setApiKey(context: vscode.ExtensionContext): Promise<void> {
  const had = (await context.secrets.get(API_KEY_SECRET)) !== undefined;
  const value = await vscode.window.showInputBox({
    title: 'AgentGraph: Set API Key',
    prompt: had
      ? 'Enter a new key for OpenAI-compatible providers, or leave empty to remove the stored one. It is kept in the editor\'s secret storage, never in settings.'
      : 'Enter the API key for OpenAI-compatible providers. It is kept in the editor\'s secret storage, never in settings.',
    password: true,
    ignoreFocusOut: true,
    placeHolder: 'sk-…',
  });
  if (value === undefined) return;
  if (!value.trim()) {
    if (had) {
      await context.secrets.delete(API_KEY_SECRET);
      void vscode.window.showInformationMessage('AgentGraph: the stored API key was removed.');
    }
    return;
  }
  await context.secrets.store(API_KEY_SECRET, value.trim());
  void vscode.window.showInformationMessage('AgentGraph: API key stored in secret storage.');
}
