// The "Provider" step of `AgentGraph: Run Graph`: simulated (offline), the OpenAI-compatible endpoint
// of the settings, or a simulation with faults. Someone who has not set OpenAI up never sees it (the
// run stays simulated, one click less); once a key or an endpoint is configured the step appears,
// with this graph's last choice (else the agentgraph.run.provider setting) first, so Enter repeats
// it. `agentgraph.run.askProvider: false` turns the step off and the setting decides alone.

import * as vscode from 'vscode';
import { API_KEY_ENV, API_KEY_SECRET, providerSettings, type ProviderKind, type ProviderSettingsValues } from './provider-settings.ts';
import type { KeyValueStore } from './recent-inputs.ts';

export type RunProviderChoice = ProviderKind | 'faults';

/** One key per spec and graph, like the recent inputs. */
export function providerChoiceKey(specPath: string, graph: string): string {
  return `agentgraph.runProvider:${specPath}#${graph}`;
}

/** Whether to ask: the step is on and an OpenAI-compatible endpoint is set up (or asked for). */
export async function shouldAskProvider(context: Pick<vscode.ExtensionContext, 'secrets'>): Promise<boolean> {
  if (vscode.workspace.getConfiguration('agentgraph.run').get<boolean>('askProvider', true) === false) return false;
  const s = providerSettings();
  if (s.provider === 'openai' || s.baseUrl || process.env[API_KEY_ENV]) return true;
  return (await context.secrets.get(API_KEY_SECRET)) !== undefined;
}

export interface ProviderItem extends vscode.QuickPickItem {
  choice: RunProviderChoice;
}

/** The items, the preferred one (this graph's last choice, else the setting's provider) first. */
export function providerItems(s: ProviderSettingsValues, remembered: ProviderKind | undefined): ProviderItem[] {
  const preferred = remembered ?? s.provider;
  const items: ProviderItem[] = [
    { choice: 'simulated', label: '$(beaker) Simulated', description: 'default, offline: no key, no network, virtual time' },
    {
      choice: 'openai',
      label: '$(cloud) OpenAI-compatible',
      description: `${s.baseUrl ?? 'api.openai.com'} · ${s.model ?? "each model's own id"}`,
    },
    { choice: 'faults', label: '$(debug-disconnect) Simulated with faults…', description: 'timeouts, 429s, server errors, failing tools' },
  ];
  const first = items.findIndex((i) => i.choice === preferred);
  const [top] = items.splice(first, 1);
  top!.detail = remembered ? 'Used last time for this graph' : 'From the agentgraph.run.provider setting';
  return [top!, ...items];
}

/** Asks for the provider of a run of `graph`; remembers a simulated or OpenAI choice for next time. */
export async function pickRunProvider(state: KeyValueStore, specPath: string, graph: string): Promise<RunProviderChoice | undefined> {
  const key = providerChoiceKey(specPath, graph);
  const stored = state.get<string>(key);
  const remembered = stored === 'simulated' || stored === 'openai' ? stored : undefined;
  const pick = await vscode.window.showQuickPick(providerItems(providerSettings(), remembered), {
    title: `AgentGraph: run ${graph} on`,
    placeHolder: 'Provider (agentgraph.run.askProvider: false skips this step)',
    ignoreFocusOut: true,
    matchOnDescription: true,
  });
  if (!pick) return undefined;
  // Faults are an experiment of the moment, not the graph's usual provider: they are not remembered.
  if (pick.choice !== 'faults') await state.update(key, pick.choice);
  return pick.choice;
}
