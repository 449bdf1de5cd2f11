// Asks for the input of a graph run: a recent input of this graph, an input JSON file of the
// workspace (e.g. examples/inputs/*.json) that fits the graph's parameters, a form generated from
// the graph's input schema, or JSON typed into an input box. Recent inputs live in workspaceState.

import * as vscode from 'vscode';
import type { GraphDescription } from '../../../server/src/runhost/protocol.ts';
import { showForm } from '../forms/form-panel.ts';
import { checkInputText, checkInputValue } from './input-check.ts';
import { inputPreview, type RecentInputs } from './recent-inputs.ts';

const INPUT_FILES = '{**/inputs/**/*.json,**/*.input.json}';
const EXCLUDE = '{**/node_modules/**,**/.agentgraph/**}';
const MAX_FILES = 40;
const MAX_FILE_BYTES = 1_000_000;

interface InputItem extends vscode.QuickPickItem {
  pick: () => Promise<{ value: unknown } | undefined>;
}

/** Workspace JSON files whose content is a valid input for the graph. */
async function inputFiles(graph: GraphDescription): Promise<{ uri: vscode.Uri; value: unknown }[]> {
  const uris = await vscode.workspace.findFiles(INPUT_FILES, EXCLUDE, MAX_FILES);
  const out: { uri: vscode.Uri; value: unknown }[] = [];
  for (const uri of uris.sort((a, b) => a.fsPath.localeCompare(b.fsPath))) {
    try {
      const bytes = await vscode.workspace.fs.readFile(uri);
      if (bytes.byteLength > MAX_FILE_BYTES) continue;
      const value: unknown = JSON.parse(new TextDecoder().decode(bytes));
      if (checkInputValue(value, graph.input).ok) out.push({ uri, value });
    } catch {
      // Not JSON, or unreadable: not an input file for this graph.
    }
  }
  return out;
}

/** A skeleton with one field per parameter, for the JSON input box. */
function skeleton(graph: GraphDescription): string {
  return JSON.stringify(Object.fromEntries(graph.params.map((p) => [p, null])));
}

export async function pickInput(extensionUri: vscode.Uri, specPath: string, graph: GraphDescription, recent: RecentInputs): Promise<{ value: unknown } | undefined> {
  const recentItems: InputItem[] = recent.list(specPath, graph.name).map((r) => ({
    label: `$(history) ${inputPreview(r.value, 70)}`,
    description: new Date(r.usedAt).toLocaleString(),
    pick: () => Promise.resolve({ value: r.value }),
  }));
  const fileItems: InputItem[] = (await inputFiles(graph)).map((f) => ({
    label: `$(json) ${vscode.workspace.asRelativePath(f.uri)}`,
    description: inputPreview(f.value, 60),
    pick: () => Promise.resolve({ value: f.value }),
  }));
  const last = recentItems.length ? recent.list(specPath, graph.name)[0]!.value : undefined;
  const entryItems: InputItem[] = [
    {
      label: '$(edit) Fill in a form…',
      description: `fields of ${graph.params.join(', ') || 'the graph'}`,
      pick: () => showForm(extensionUri, { title: `Input for ${graph.name}`, description: graph.doc, schema: graph.input, initial: last, submitLabel: 'Run' }),
    },
    {
      label: '$(code) Type JSON…',
      pick: async () => {
        const text = await vscode.window.showInputBox({
          title: `Input for ${graph.name} (JSON)`,
          prompt: `A JSON object with ${graph.params.join(', ') || 'no parameters'}`,
          value: last !== undefined ? JSON.stringify(last) : skeleton(graph),
          ignoreFocusOut: true,
          validateInput: (t) => {
            const r = checkInputText(t, graph.input);
            return r.ok ? undefined : r.error;
          },
        });
        if (text === undefined) return undefined;
        const r = checkInputText(text, graph.input);
        return r.ok ? { value: r.value } : undefined;
      },
    },
  ];
  const sep = (label: string): InputItem => ({ label, kind: vscode.QuickPickItemKind.Separator, pick: () => Promise.resolve(undefined) });
  const items: InputItem[] = [
    ...(recentItems.length ? [sep('Recent'), ...recentItems] : []),
    ...(fileItems.length ? [sep('Input files'), ...fileItems] : []),
    sep('New input'),
    ...entryItems,
  ];
  const choice = await vscode.window.showQuickPick(items, { title: `Run ${graph.name}: choose the input`, placeHolder: 'A recent input, an input file, a form or JSON', matchOnDescription: true, ignoreFocusOut: true });
  return choice ? choice.pick() : undefined;
}
