// The Variables view: live values of the stopped run (the node's arguments and prompt, node
// outputs so far, the graph input, the budget) shown as DAP variables, and edits of them. Every
// container refers to the run's own objects and maps, so an edit made here is what the run uses
// when it continues. Edited text is read as JSON; a string value also accepts plain text, which is
// how a prompt is edited.

import { Handles } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';

/** Something with named entries that the view lists and may edit. */
export interface Container {
  entries(): [string, unknown][];
  /** Replaces one entry; absent when the container is read-only. */
  assign?(name: string, value: unknown): void;
  /** The expression that names this container (for evaluateName and setExpression). */
  path: string;
  /** Whether the values inside an entry may be edited (default: when the container may be). */
  editableChild?(name: string): boolean;
}

/** A plain object or array, listed by its own keys (edits go into it). */
export function objectContainer(value: object, path: string, editable: boolean): Container {
  return {
    path,
    entries: () => (Array.isArray(value) ? value.map((v, i) => [String(i), v] as [string, unknown]) : Object.entries(value)),
    assign: editable ? (name, v) => ((value as Record<string, unknown>)[name] = v) : undefined,
  };
}

/** A map (node outputs, graph input), listed by key. */
export function mapContainer(map: Map<string, unknown> | ReadonlyMap<string, unknown>, path: string, editable: boolean): Container {
  return { path, entries: () => [...map.entries()], assign: editable ? (name, v) => void (map as Map<string, unknown>).set(name, v) : undefined };
}

/** The container of an object, a list or a map value. */
export function containerOf(v: object, path: string, editable: boolean): Container {
  return v instanceof Map ? mapContainer(v as Map<string, unknown>, path, editable) : objectContainer(v, path, editable);
}

/** One line of text for a value (strings quoted, objects as compact JSON cut at 200 characters). */
export function preview(v: unknown): string {
  if (v === undefined) return 'undefined';
  const text = JSON.stringify(v instanceof Map ? Object.fromEntries(v) : v) ?? String(v);
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `list (${v.length})`;
  if (v instanceof Map) return 'map';
  return typeof v;
}

function childPath(parent: string, name: string): string {
  if (/^\d+$/.test(name)) return `${parent}[${name}]`;
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return parent ? `${parent}.${name}` : name;
  return `${parent}[${JSON.stringify(name)}]`;
}

/** Reads edited text: JSON, or (where a string is expected) the text itself. */
export function parseEdited(text: string, current: unknown): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    if (typeof current === 'string' || current === undefined) return text;
    throw new Error(`'${text}' is not a JSON value`);
  }
}

export class VariableStore {
  private readonly handles = new Handles<Container>();
  private readonly roots = new Map<string, Container>();

  /** Forgets every handle (the run moved on: old references are stale). */
  reset(): void {
    this.handles.reset();
    this.roots.clear();
  }

  /** Whether the scopes of the current stop are registered (setExpression needs their roots). */
  get hasRoots(): boolean {
    return this.roots.size > 0;
  }

  /** Registers a scope's container; its entries are also the roots of setExpression paths. */
  scope(c: Container): number {
    for (const [name] of c.entries()) this.roots.set(name, c);
    return this.handles.create(c);
  }

  private refOf(v: unknown, path: string, editable: boolean): number {
    if (v === null || typeof v !== 'object') return 0;
    if (v instanceof Map ? v.size === 0 : Array.isArray(v) ? v.length === 0 : Object.keys(v).length === 0) return 0;
    return this.handles.create(containerOf(v, path, editable));
  }

  private variable(name: string, v: unknown, parent: Container): DebugProtocol.Variable {
    const evaluateName = childPath(parent.path, name);
    const editable = parent.editableChild ? parent.editableChild(name) : !!parent.assign;
    return { name, value: preview(v), type: typeOf(v), variablesReference: this.refOf(v, evaluateName, editable), evaluateName };
  }

  variables(ref: number): DebugProtocol.Variable[] {
    const c = this.handles.get(ref);
    if (!c) return [];
    return c.entries().map(([name, v]) => this.variable(name, v, c));
  }

  /** setVariable: replaces one entry of a container. */
  set(ref: number, name: string, text: string): DebugProtocol.Variable {
    const c = this.handles.get(ref);
    if (!c) throw new Error('that variable is no longer available (the run moved on)');
    if (!c.assign) throw new Error(`${name} cannot be edited`);
    const current = c.entries().find(([n]) => n === name)?.[1];
    const value = parseEdited(text, current);
    c.assign(name, value);
    return this.variable(name, value, c);
  }

  /** setExpression: assigns to a path such as `args.notes.title`, `outputs.critique.verdict` or `prompt`. */
  setPath(expression: string, text: string): DebugProtocol.Variable {
    const segments = parsePath(expression);
    const root = this.roots.get(segments[0]!);
    if (!root) throw new Error(`'${segments[0]}' is not something the debugger can edit here`);
    let container = root;
    for (let i = 0; i < segments.length - 1; i++) {
      const v = container.entries().find(([n]) => n === segments[i])?.[1];
      if (v === null || typeof v !== 'object') throw new Error(`${segments.slice(0, i + 1).join('.')} is not an object or a list`);
      const editable = container.editableChild ? container.editableChild(segments[i]!) : !!container.assign;
      container = containerOf(v, childPath(container.path, segments[i]!), editable);
    }
    const last = segments[segments.length - 1]!;
    if (!container.assign) throw new Error(`${expression} cannot be edited`);
    const value = parseEdited(text, container.entries().find(([n]) => n === last)?.[1]);
    container.assign(last, value);
    return this.variable(last, value, container);
  }
}

/** `a.b[0]["c d"]` → ['a', 'b', '0', 'c d']. */
export function parsePath(expression: string): string[] {
  const out: string[] = [];
  const re = /\s*(?:\.?([A-Za-z_][A-Za-z0-9_]*)|\[\s*(\d+)\s*\]|\[\s*("(?:[^"\\]|\\.)*")\s*\])/y;
  let at = 0;
  const text = expression.trim();
  while (at < text.length) {
    re.lastIndex = at;
    const m = re.exec(text);
    if (!m) throw new Error(`cannot assign to '${expression}': use a path such as args.notes.title or outputs.critique.verdict`);
    out.push(m[1] ?? m[2] ?? (JSON.parse(m[3]!) as string));
    at = re.lastIndex;
  }
  if (out.length === 0) throw new Error('empty expression');
  return out;
}
