// `AgentGraph: Run from Here`: re-runs a finished run from one of its nodes with the inputs that
// node had (its recorded steps before it are replayed from the checkpoint), optionally with an
// edited prompt, as an `agentgraph` debug session. Without arguments it offers the recent runs of
// the workspace and the nodes of the chosen run.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

interface RecentRun {
  runId: string;
  graph: string;
  source: string;
  nodes: string[];
  mtime: number;
  folder: vscode.WorkspaceFolder;
}

/** Finished or interrupted runs under each folder's .agentgraph/runs, newest first. */
function recentRuns(): RecentRun[] {
  const out: RecentRun[] = [];
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const dir = path.join(folder.uri.fsPath, '.agentgraph', 'runs');
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const runId of names) {
      const file = path.join(dir, runId, 'checkpoint.json');
      try {
        const cp = JSON.parse(readFileSync(file, 'utf8')) as { graph: string; source: string; steps: Record<string, { node: string }> };
        const nodes = [...new Set(Object.entries(cp.steps).filter(([k]) => !k.includes('/')).map(([, s]) => s.node))];
        out.push({ runId, graph: cp.graph, source: cp.source, nodes, mtime: statSync(file).mtimeMs, folder });
      } catch {
        // Not a run folder (or one being written): skip it.
      }
    }
  }
  return out.sort((a, b) => b.mtime - a.mtime);
}

export function registerRunFromHere(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('agentgraph.runFromHere', async (arg?: string | { name?: string; runId?: string }) => {
      const wanted = typeof arg === 'string' ? arg : arg?.name;
      let runs = recentRuns();
      if (wanted) runs = runs.filter((r) => r.nodes.includes(wanted));
      if (typeof arg === 'object' && arg?.runId) runs = runs.filter((r) => r.runId === arg.runId);
      if (runs.length === 0) {
        void vscode.window.showInformationMessage(wanted ? `No recorded run has a step of '${wanted}' yet. Run or debug the graph first.` : 'No recorded runs yet. Run or debug a graph first.');
        return;
      }
      const run =
        runs.length === 1
          ? runs[0]
          : (await vscode.window.showQuickPick(
              runs.slice(0, 30).map((r) => ({ label: r.runId, description: `${r.graph} · ${new Date(r.mtime).toLocaleString()}`, run: r })),
              { title: 'Run from here: which run?' },
            ))?.run;
      if (!run) return;
      const node = wanted ?? (await vscode.window.showQuickPick(run.nodes, { title: `Run ${run.runId} again from which node?` }));
      if (!node) return;
      const prompt = await vscode.window.showInputBox({ title: `Prompt of ${node}`, prompt: 'A prompt to send instead of the recorded one (leave empty to keep it)' });
      if (prompt === undefined) return;
      await vscode.debug.startDebugging(run.folder, {
        type: 'agentgraph',
        request: 'launch',
        name: `Run ${run.graph} from ${node}`,
        spec: run.source,
        graph: run.graph,
        root: run.folder.uri.fsPath,
        replay: { fromRunId: run.runId, node, ...(prompt ? { promptOverride: prompt } : {}) },
      });
    }),
  );
}
