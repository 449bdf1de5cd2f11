// The Call Stack of a stop: the path of nodes that led to it, newest first, each with its
// activation number (a loop's iterations read `critique #1`, `revise #1`, `critique #2`), and on
// top the model or tool call when the stop is inside a node. Each frame points at the edge line
// that activated the node (or at its declaration), so clicking a frame shows where in the graph
// the run is.

import type { DebugProtocol } from '@vscode/debugprotocol';
import type { IR, SourceRange } from '../ir/schema.ts';
import type { Stopped } from './controller.ts';

function declaration(ir: IR, name: string): SourceRange | undefined {
  return (ir.agents.find((a) => a.name === name) ?? ir.humans.find((h) => h.name === name) ?? ir.tools.find((t) => t.name === name) ?? ir.graphs.find((g) => g.name === name))?.range;
}

function frame(id: number, name: string, r: SourceRange | undefined, toClient: (line: number) => number, line = r?.start.line): DebugProtocol.StackFrame {
  const f: DebugProtocol.StackFrame = { id, name, line: 0, column: 0 };
  if (r && line !== undefined) {
    f.source = { name: r.file.split(/[\\/]/).pop(), path: r.file };
    f.line = toClient(line);
    f.column = 1;
  }
  return f;
}

export function stackFrames(s: Stopped, ir: IR, toClient: (line: number) => number): DebugProtocol.StackFrame[] {
  const frames: DebugProtocol.StackFrame[] = [];
  const node = s.node;
  if (s.call) {
    const c = s.call;
    const name = c.kind === 'model' ? `${c.model}: model call ${c.call} (attempt ${c.attempt}) in ${c.label}` : `tool ${c.tool} in ${c.label}`;
    const at = c.kind === 'tool' ? declaration(ir, c.tool) : declaration(ir, c.node);
    frames.push(frame(frames.length + 1, name, at, toClient));
  }
  if (!node) return frames;
  const path = node.path;
  for (let i = path.length - 1; i >= 0; i--) {
    const step = path[i]!;
    const top = i === path.length - 1;
    const label = top ? node.label : step.node;
    const phase = top && !s.call ? (s.phase === 'after' ? ' (output)' : '') : '';
    const name = `${label} #${step.activation}${phase}`;
    // A breakpoint on the declaration shows the declaration; otherwise the edge that started the node.
    const hitDecl = top && s.breakpoint?.target?.some((t) => t.kind === 'node');
    const r = hitDecl ? declaration(ir, step.node) : (step.edge?.range ?? declaration(ir, step.node));
    frames.push(frame(frames.length + 1, name, r, toClient));
  }
  return frames;
}
