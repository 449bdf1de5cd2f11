// The recent runs of the workspace (`.agentgraph/runs/*/trace.jsonl` in every folder), newest
// first, for the Open Trace and Compare Runs quick picks. Only the start and the end of each file
// are read: the graph and provider come from the first events, the outcome and cost from run_end.

import { open, readdir, stat } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { traceHeadline, type TraceHeadline } from '../../../webview/src/trace/model.ts';
import { formatCost } from '../../../webview/src/trace/format.ts';

export interface RecentRun {
  tracePath: string;
  runId: string;
  mtimeMs: number;
  size: number;
  headline: TraceHeadline;
}

const CHUNK = 64 * 1024;
const MAX_RUNS = 50;

/** The first and last 64 kB of a file, without the cut line at the tail's start. */
async function headAndTail(file: string, size: number): Promise<string> {
  const fh = await open(file, 'r');
  try {
    if (size <= 2 * CHUNK) {
      const buf = Buffer.alloc(size);
      await fh.read(buf, 0, size, 0);
      return buf.toString('utf8');
    }
    const head = Buffer.alloc(CHUNK);
    await fh.read(head, 0, CHUNK, 0);
    const tail = Buffer.alloc(CHUNK);
    await fh.read(tail, 0, CHUNK, size - CHUNK);
    const t = tail.toString('utf8');
    return `${head.toString('utf8')}\n${t.slice(t.indexOf('\n') + 1)}`;
  } finally {
    await fh.close();
  }
}

export async function findRecentRuns(roots: string[]): Promise<RecentRun[]> {
  const found: RecentRun[] = [];
  for (const root of roots) {
    const runsDir = path.join(root, '.agentgraph', 'runs');
    let ids: string[];
    try {
      ids = await readdir(runsDir);
    } catch {
      continue;
    }
    for (const id of ids) {
      const tracePath = path.join(runsDir, id, 'trace.jsonl');
      try {
        const s = await stat(tracePath);
        found.push({ tracePath, runId: id, mtimeMs: s.mtimeMs, size: s.size, headline: {} });
      } catch {
        // A run folder without a trace (cancelled before the first event): nothing to show.
      }
    }
  }
  found.sort((a, b) => b.mtimeMs - a.mtimeMs);
  const recent = found.slice(0, MAX_RUNS);
  await Promise.all(
    recent.map(async (r) => {
      try {
        r.headline = traceHeadline(await headAndTail(r.tracePath, r.size));
      } catch {
        r.headline = {};
      }
    }),
  );
  return recent;
}

export function workspaceRoots(): string[] {
  return (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
}

interface RunPick extends vscode.QuickPickItem {
  run: RecentRun;
}

/** A quick pick of the recent runs; undefined when cancelled or when there are none. */
export async function pickRun(placeHolder: string, exclude?: string): Promise<vscode.Uri | undefined> {
  const runs = (await findRecentRuns(workspaceRoots())).filter((r) => r.tracePath !== exclude);
  if (!runs.length) {
    void vscode.window.showInformationMessage('AgentGraph: no runs found under .agentgraph/runs in this workspace. Run a graph first.');
    return undefined;
  }
  const items: RunPick[] = runs.map((run) => {
    const h = run.headline;
    return {
      label: `${h.graph ?? 'unknown graph'} · ${h.outcome ?? 'incomplete'}`,
      description: [h.costUsd !== undefined ? formatCost(h.costUsd) : undefined, h.provider, new Date(run.mtimeMs).toLocaleString()].filter(Boolean).join(' · '),
      detail: run.runId,
      run,
    };
  });
  const choice = await vscode.window.showQuickPick(items, { placeHolder, matchOnDescription: true, matchOnDetail: true });
  return choice ? vscode.Uri.file(choice.run.tracePath) : undefined;
}
