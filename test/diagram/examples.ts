// Shared by the diagram tests, the webview tests and the diagram benchmark: the example specs
// compiled to IR, and the `diagram` message the extension would post to the webview for one.

import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { analyzeFile } from '../../server/src/semantics/analyze.ts';
import { buildIR } from '../../server/src/ir/build.ts';
import type { IR } from '../../server/src/ir/schema.ts';
import { Program } from '../../server/src/semantics/program.ts';
import { generateDiagram, type DiagramOptions } from '../../server/src/diagram/mermaid.ts';
import type { ToWebview } from '../../webview/src/protocol.ts';

export const ROOT = path.resolve(__dirname, '../..');
export const EXAMPLES_DIR = path.join(ROOT, 'examples');
/** The six example architectures the diagram must explain. */
export const EXAMPLES = ['support', 'rag', 'research', 'plan-execute', 'writer-critic', 'supervisor-tree'] as const;

const readFile = (p: string) => {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return undefined;
  }
};

/** Compiles a spec file (absolute path) to IR; throws with the diagnostics when it has errors. */
export function irOfFile(file: string, root = path.dirname(file), overlay?: Map<string, string>): IR {
  const program = new Program({ readFile: (p) => overlay?.get(p) ?? readFile(p) }, root);
  const a = analyzeFile(program, file);
  if (!a) throw new Error(`cannot read ${file}`);
  const errors = a.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(`${file} has errors:\n${errors.map((d) => `${d.code} ${d.message}`).join('\n')}`);
  return buildIR(a);
}

export function exampleIR(name: string): IR {
  return irOfFile(path.join(EXAMPLES_DIR, `${name}.agentgraph`), EXAMPLES_DIR);
}

/** Compiles spec text given in memory (written as `<dir>/<name>.agentgraph`, imports resolved on disk). */
export function irOfText(text: string, dir = EXAMPLES_DIR, name = 'inline-test.agentgraph'): IR {
  const file = path.join(dir, name);
  return irOfFile(file, dir, new Map([[file, text]]));
}

export type DiagramMessage = Extract<ToWebview, { type: 'diagram' }>;

/** The message the extension posts for one graph of an IR. */
export function diagramMessage(ir: IR, uri: string, options: DiagramOptions = {}, extra: Partial<DiagramMessage> = {}): DiagramMessage {
  const d = generateDiagram(ir, options);
  if (!d) throw new Error('no graph');
  const g = ir.graphs.find((x) => x.name === d.graph)!;
  return {
    type: 'diagram',
    uri,
    graph: d.graph,
    graphs: ir.graphs.map((x) => x.name),
    mermaid: d.mermaid,
    nodes: d.nodes.map((n) => ({ id: n.id, name: n.name, kind: n.kind, ...(n.range ? { range: n.range } : {}), hover: n.hover })),
    stale: false,
    errors: 0,
    nodeCount: g.nodes.length,
    ...extra,
  };
}

export function exampleMessage(name: string, options: DiagramOptions = {}, extra: Partial<DiagramMessage> = {}): DiagramMessage {
  return diagramMessage(exampleIR(name), pathToFileURL(path.join(EXAMPLES_DIR, `${name}.agentgraph`)).toString(), options, extra);
}
