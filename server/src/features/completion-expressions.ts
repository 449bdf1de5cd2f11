// Completion items in expressions: node-call parameter names, the names in scope (parameters,
// node outputs, `case`, `output`, `run`), built-in functions and literals, the fields after `.`,
// and the values of a literal union after `==`. Each function serves one cursor context (see
// completion.ts) and adds its items to the collector.

import { T, literalValues, stripOptional, type Ty } from '../semantics/types.ts';
import { displayShort, fieldsOf, typeOfText } from './common.ts';
import { LAZY_DETAILS, type CompletionCollector } from './completion-collector.ts';
import type { EntryKind } from './completion.ts';
import type { CallSite, ScopeRef } from './context.ts';
import { BUILTIN_FUNCTIONS } from './hover.ts';

export function nodeArgs(c: CompletionCollector, call: CallSite, _scope: ScopeRef): void {
  const sym = c.analysis.symbols.get(call.callee);
  const info = sym ? c.callable(sym) : undefined;
  if (!info) return;
  const filled = new Set<string>();
  let positional = 0;
  for (const name of call.before) {
    if (name) filled.add(name);
    else {
      while (positional < info.params.length && filled.has(info.params[positional]!.name)) positional++;
      const p = info.params[positional++];
      if (p) filled.add(p.name);
    }
  }
  info.params.forEach((p, i) => {
    if (filled.has(p.name)) return;
    c.add({ label: `${p.name}:`, kind: 'field', detail: `${p.name}: ${displayShort(p.type)}`, documentation: `Parameter of ${info.kind} \`${info.sym.name}\`.`, insertText: `${p.name}: `, filterText: p.name, retrigger: true, sortText: `0${i}` });
  });
}

export function expression(c: CompletionCollector, ref: ScopeRef, inEdgeCondition: boolean): void {
  const scope = c.scopeOf(ref);
  if (!scope) return;
  const seen = new Set<string>();
  const names = [...scope.names()];
  const lazy = names.length > LAZY_DETAILS;
  for (const name of names) {
    if (seen.has(name)) continue;
    seen.add(name);
    const b = scope.lookup(name);
    if (!b) continue;
    const nodeSym = b.node?.sym;
    c.add({
      label: name,
      kind: nodeSym ? (nodeSym.kind as EntryKind) : 'variable',
      detail: lazy && nodeSym ? undefined : nodeSym ? `${name}: ${displayShort(b.ty)} (output of ${nodeSym.kind} ${nodeSym.name})` : `${name}: ${displayShort(b.ty)}`,
      documentation: name === 'run' ? 'The run being checked: cost, latency, steps, tokens, retries, escalated.' : name === 'case' ? 'The current case row.' : name === 'output' ? "The graph's result." : undefined,
      sortText: `${nodeSym ? 1 : 0}${name}`,
      resolve: nodeSym ? { symbol: nodeSym.name } : undefined,
    });
  }
  for (const [name, f] of Object.entries(BUILTIN_FUNCTIONS)) {
    if (ref.kind === 'template' && (name === 'inputs' || name === 'visited')) continue;
    // These two exist only in eval assertions.
    if (ref.kind !== 'eval' && (name === 'is_type' || name === 'judge')) continue;
    c.add({
      label: name,
      kind: 'function',
      detail: `${name}(${f.params.map((p) => `${p.name}: ${p.type}`).join(', ')}) -> ${f.result}`,
      documentation: f.doc,
      insertText: `${name}($1)`,
      snippet: true,
      sortText: `3${name}`,
    });
  }
  if (ref.kind !== 'template') {
    for (const lit of ['true', 'false', 'null']) c.add({ label: lit, kind: 'keyword', sortText: `4${lit}` });
  }
  void inEdgeCondition;
}

export function members(c: CompletionCollector, ref: ScopeRef, object: string): void {
  const scope = c.scopeOf(ref);
  if (!scope) return;
  const t = typeOfText(c.analysis, scope, object);
  const fields = fieldsOf(t);
  if (!fields) return;
  fields.forEach((f, i) => {
    const ft = f.optional ? T.optional(f.type) : f.type;
    c.add({
      label: f.name,
      kind: 'field',
      detail: `${f.name}${f.optional ? '?' : ''}: ${displayShort(f.type)}`,
      documentation: [f.doc, literalHint(ft)].filter(Boolean).join('\n\n') || undefined,
      sortText: String(i).padStart(3, '0'),
    });
  });
}

export function literals(c: CompletionCollector, ref: ScopeRef, subject: string, quoted: boolean): void {
  const scope = c.scopeOf(ref);
  if (!scope) return;
  const t = typeOfText(c.analysis, scope, subject);
  const values = literalValues(t);
  if (!values) {
    if (!quoted) expression(c, ref, true);
    return;
  }
  values.forEach((v, i) => {
    const text = typeof v === 'string' ? JSON.stringify(v) : String(v);
    if (quoted && typeof v !== 'string') return;
    c.add({ label: text, kind: 'value', detail: `${subject}: ${displayShort(t)}`, sortText: String(i).padStart(3, '0'), filterText: text });
  });
}

function literalHint(t: Ty): string | undefined {
  const values = literalValues(t);
  if (!values || stripOptional(t).k === 'boolean') return undefined;
  return `One of ${values.map((v) => `\`${JSON.stringify(v)}\``).join(', ')}.`;
}
