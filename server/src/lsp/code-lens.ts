// Code lenses: `▶ Run` and `⧉ Diagram` above each graph, `✓ Eval` above each eval. A lens runs a
// client command, so one is shown only when the client said (initializationOptions.commands) that
// it implements that command; a client without them sees no lenses at all.

import type { CodeLens } from 'vscode-languageserver/node';
import { toRange } from './convert.ts';
import type { Workspace } from './workspace.ts';

export const RUN_GRAPH = 'agentgraph.runGraph';
export const SHOW_DIAGRAM = 'agentgraph.showDiagram';
export const RUN_EVAL = 'agentgraph.runEval';
export const LENS_COMMANDS = [RUN_GRAPH, SHOW_DIAGRAM, RUN_EVAL] as const;

export interface LensArgs {
  uri: string;
  name: string;
}

export function codeLenses(ws: Workspace, uri: string): CodeLens[] {
  const commands = ws.clientCommands;
  if (!LENS_COMMANDS.some((c) => commands.has(c))) return [];
  const doc = ws.getDocument(uri);
  if (!doc) return [];
  const unit = ws.program.getUnit(doc.path);
  if (!unit || unit.text !== doc.text) return [];
  const out: CodeLens[] = [];
  const lens = (start: number, end: number, title: string, command: string, name: string) => {
    if (!commands.has(command)) return;
    const args: LensArgs = { uri: doc.uri, name };
    out.push({ range: toRange(doc.lines, start, end), command: { title, command, arguments: [args] } });
  };
  for (const d of unit.parse.file.decls) {
    if (d.kind === 'GraphDecl' && !d.name.missing) {
      lens(d.name.start, d.name.end, '▶ Run', RUN_GRAPH, d.name.text);
      lens(d.name.start, d.name.end, '⧉ Diagram', SHOW_DIAGRAM, d.name.text);
    } else if (d.kind === 'EvalDecl' && !d.name.missing) {
      lens(d.name.start, d.name.end, '✓ Eval', RUN_EVAL, d.name.text);
    }
  }
  return out;
}
