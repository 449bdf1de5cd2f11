// Where a breakpoint can stop in a spec, taken from the IR's source ranges: the declaration line of
// every agent, tool, human and sub-graph the debugged graph uses as a node or calls, and the line
// of every edge that activates a node. A breakpoint on any other line moves to the next such line
// in its file; one after the last is unverified with a message saying why. Conditions are spec
// expressions and log messages interpolate `{expr}`; both are evaluated against the run state
// with the node's arguments as variables.

import * as path from 'node:path';
import { exprToIR } from '../ir/build.ts';
import type { ExprIR, GraphIR, IR } from '../ir/schema.ts';
import { evaluate, stringify, truthy, type Scope } from '../runtime/evaluate.ts';
import { parseExpression } from '../syntax/parser.ts';

/** What a breakable line stands for. */
export type Target = { kind: 'node'; name: string } | { kind: 'tool'; name: string } | { kind: 'edge'; graph: string; id: number };

export interface BreakpointSpec {
  /** 0-based line, as requested. */
  line: number;
  condition?: string;
  logMessage?: string;
}

export interface ResolvedBreakpoint {
  id: number;
  verified: boolean;
  /** 0-based line it was placed on (the requested one when unverified). */
  line: number;
  message?: string;
  target?: Target[];
  condition?: ExprIR;
  /** Literal text and expressions of a logpoint. */
  log?: (string | ExprIR)[];
}

/** Parses a spec expression for the debugger; throws with the parser's message when it is invalid. */
export function compileExpression(text: string): ExprIR {
  const { expr, diagnostics } = parseExpression(text);
  const err = diagnostics.find((d) => d.severity === 'error');
  if (err) throw new Error(err.message);
  return exprToIR(expr);
}

/** `text {expr} text`: the pieces of a log message (`{{` and `}}` print a brace). */
export function compileLogMessage(text: string): (string | ExprIR)[] {
  const parts: (string | ExprIR)[] = [];
  let literal = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if ((c === '{' || c === '}') && text[i + 1] === c) {
      literal += c;
      i++;
    } else if (c === '{') {
      const close = text.indexOf('}', i + 1);
      if (close < 0) throw new Error(`unclosed '{' in the log message at column ${i + 1}`);
      if (literal) parts.push(literal);
      literal = '';
      parts.push(compileExpression(text.slice(i + 1, close)));
      i = close;
    } else literal += c;
  }
  if (literal) parts.push(literal);
  return parts;
}

export function renderLog(parts: (string | ExprIR)[], scope: Scope): string {
  return parts.map((p) => (typeof p === 'string' ? p : stringify(evaluate(p, scope)))).join('');
}

export function conditionHolds(e: ExprIR, scope: Scope): boolean {
  return truthy(evaluate(e, scope));
}

/** The breakable lines of each file for one graph (and the sub-graphs it uses). */
export class BreakableLines {
  /** Normalized file → 0-based line → targets. */
  private readonly byFile = new Map<string, Map<number, Target[]>>();
  private nextId = 1;

  constructor(ir: IR, graphName: string) {
    const graphs = new Map(ir.graphs.map((g) => [g.name, g]));
    const seen = new Set<string>();
    const visit = (g: GraphIR) => {
      if (seen.has(g.name)) return;
      seen.add(g.name);
      for (const e of g.edges) {
        // An edge that only ends the run activates no node: there is nothing to stop before.
        if (e.to.some((t) => t.node !== 'end')) this.add(e.range.file, e.range.start.line, { kind: 'edge', graph: g.name, id: e.id });
      }
      for (const n of g.nodes) {
        const decl =
          n.kind === 'agent' ? ir.agents.find((a) => a.name === n.name) : n.kind === 'human' ? ir.humans.find((h) => h.name === n.name) : n.kind === 'tool' ? ir.tools.find((t) => t.name === n.name) : graphs.get(n.name);
        if (decl) this.add(decl.range.file, decl.range.start.line, { kind: 'node', name: n.name });
        if (n.kind === 'agent') {
          for (const t of ir.agents.find((a) => a.name === n.name)?.tools ?? []) {
            const tool = ir.tools.find((x) => x.name === t);
            if (tool) this.add(tool.range.file, tool.range.start.line, { kind: 'tool', name: tool.name });
          }
        }
        if (n.kind === 'graph') {
          const sub = graphs.get(n.name);
          if (sub) visit(sub);
        }
      }
    };
    const root = graphs.get(graphName);
    if (root) visit(root);
  }

  private add(file: string, line: number, t: Target): void {
    const key = normalize(file);
    let lines = this.byFile.get(key);
    if (!lines) this.byFile.set(key, (lines = new Map()));
    const list = lines.get(line) ?? [];
    if (!list.some((x) => JSON.stringify(x) === JSON.stringify(t))) list.push(t);
    lines.set(line, list);
  }

  /** Places the breakpoints requested for one file. */
  resolve(file: string, specs: BreakpointSpec[]): ResolvedBreakpoint[] {
    const lines = this.byFile.get(normalize(file));
    const sorted = lines ? [...lines.keys()].sort((a, b) => a - b) : [];
    return specs.map((s) => {
      const id = this.nextId++;
      const line = sorted.find((l) => l >= s.line);
      if (line === undefined || !lines) {
        const message = lines
          ? 'No agent, tool, human or edge of the debugged graph is declared on or after this line.'
          : 'This file declares no agent, tool, human or edge of the debugged graph.';
        return { id, verified: false, line: s.line, message };
      }
      const bp: ResolvedBreakpoint = { id, verified: true, line, target: lines.get(line)! };
      try {
        if (s.condition?.trim()) bp.condition = compileExpression(s.condition);
        if (s.logMessage) bp.log = compileLogMessage(s.logMessage);
      } catch (err) {
        return { id, verified: false, line, message: `Invalid ${bp.condition || !s.condition?.trim() ? 'log message' : 'condition'}: ${err instanceof Error ? err.message : String(err)}` };
      }
      return bp;
    });
  }
}

/** The key of a file: its absolute path (lower-cased on Windows, where paths ignore case). */
export function normalize(file: string): string {
  const p = path.resolve(file);
  return process.platform === 'win32' ? p.toLowerCase() : p;
}
