// Quick fixes: code actions that repair a diagnostic mechanically, as text edits (and files to
// create). Each reads the diagnostic's `data` (the hints the checker leaves: `suggestion`, `create`,
// `missing`, `insertAt`, `insertAfter`, `tools`, `path`, …) and the analysis, and produces a spec
// that checks cleaner: fewer diagnostics of that code and no new errors.

import * as path from 'node:path';
import { outputTokens, promptTokens } from '../checks/economics.ts';
import { MODEL_CATALOG } from '../catalog/models.ts';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import type { Analysis, GraphAnalysis } from '../semantics/analyze.ts';
import type { AgentInfo, CallableInfo } from '../semantics/declarations.ts';
import { tableScope, type Binding, type Scope } from '../semantics/expr-checker.ts';
import type { GEdge } from '../semantics/graph-model.ts';
import { sourceKey } from '../semantics/graph-model.ts';
import type { SourceUnit } from '../semantics/program.ts';
import { T, assignable, displayShort, isLoose, stripOptional, widen, type Ty } from '../semantics/types.ts';
import type { AgentDecl, Decl, Expr, GraphDecl, HumanDecl, ModelDecl, Node, NodeCall, ToolDecl } from '../syntax/ast.ts';
import { walk } from '../syntax/walk.ts';
import {
  declAt,
  eolOf,
  hasNewline,
  indentOf,
  isIdentifier,
  lineEndOf,
  startOfLeadingComments,
  typeOfExpr,
} from './common.ts';

export interface FileEdit {
  /** Absolute path of the file the offsets refer to. */
  path: string;
  start: number;
  end: number;
  newText: string;
}

export interface QuickFix {
  title: string;
  kind: 'quickfix';
  /** The diagnostic this action fixes. */
  diagnostic: Diagnostic;
  isPreferred?: boolean;
  /** Files to create (empty) before the edits are applied. */
  createFiles?: string[];
  edits: FileEdit[];
}

const RENAME_CODES = new Set(['AG2001', 'AG2007', 'AG2010', 'AG3003', 'AG3004', 'AG3006', 'AG5009']);
const LOOP_BOUND = 3;
const FANOUT_BOUND = 5;

/** Quick fixes for the given diagnostics of the analysed file. */
export function quickFixes(analysis: Analysis, diagnostics: readonly Diagnostic[]): QuickFix[] {
  const q = new QuickFixer(analysis);
  const out: QuickFix[] = [];
  for (const d of diagnostics) {
    try {
      out.push(...q.fixesFor(d));
    } catch {
      // A fix that cannot be computed is simply not offered.
    }
  }
  return out;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function literalText(v: string | number | boolean): string {
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

class QuickFixer {
  private readonly text: string;
  private readonly file: string;

  constructor(private readonly analysis: Analysis) {
    this.text = analysis.unit.text;
    this.file = analysis.path;
  }

  private edit(start: number, end: number, newText: string, file = this.file): FileEdit {
    return { path: file, start, end, newText };
  }

  private fix(d: Diagnostic, title: string, edits: FileEdit[], extra: Partial<QuickFix> = {}): QuickFix {
    return { title, kind: 'quickfix', diagnostic: d, edits, ...extra };
  }

  private get eol(): string {
    return eolOf(this.text);
  }

  fixesFor(d: Diagnostic): QuickFix[] {
    const data = d.data ?? {};
    const out: QuickFix[] = [];
    const suggestion = str(data.suggestion);
    if (suggestion && RENAME_CODES.has(d.code)) {
      const written = this.text.slice(d.start, d.end);
      if (isIdentifier(written) && isIdentifier(suggestion)) out.push(this.rename(d, written, suggestion));
    }
    switch (d.code) {
      case 'AG2001':
        if (str(data.create) && str(data.name)) out.push(...this.create(d, str(data.create)!, str(data.name)!));
        break;
      case 'AG2006':
        out.push(...this.createPromptFile(d));
        break;
      case 'AG2008':
        out.push(...this.addRequired(d, str(data.property)));
        break;
      case 'AG3002':
        out.push(...this.literalFix(d, suggestion, data.allowed));
        break;
      case 'AG3004':
        if (Array.isArray(data.missing)) out.push(...this.missingArgs(d, data.missing.filter((x): x is string => typeof x === 'string')));
        break;
      case 'AG4001':
        out.push(...this.routing(d));
        break;
      case 'AG4004':
        out.push(...this.boundLoop(d));
        break;
      case 'AG4007':
        if (typeof data.insertAt === 'number') out.push(this.fix(d, `Add \`max ${FANOUT_BOUND}\` to bound this fan-out`, [this.edit(data.insertAt, data.insertAt, ` max ${FANOUT_BOUND}`)], { isPreferred: true }));
        break;
      case 'AG5001':
      case 'AG5002':
        out.push(...this.approval(d));
        break;
      case 'AG5003':
        out.push(...this.capableModel(d));
        break;
    }
    return out;
  }

  // ------------------------------------------------------------------ locating things

  private graphAt(offset: number): { decl: GraphDecl; g: GraphAnalysis } | undefined {
    const decl = declAt(this.analysis.unit.parse.file, offset);
    if (decl?.kind !== 'GraphDecl') return undefined;
    const g = this.analysis.graphs.get(decl.name.text);
    return g && g.model.decl === decl ? { decl, g } : undefined;
  }

  private unitOf(file: string): SourceUnit | undefined {
    return this.analysis.units.find((u) => u.path === file);
  }

  private freeName(base: string): string {
    if (!this.analysis.symbols.has(base)) return base;
    for (let i = 2; ; i++) if (!this.analysis.symbols.has(`${base}_${i}`)) return `${base}_${i}`;
  }

  /** Inserts a declaration right above `decl` (above its comments), followed by a blank line. */
  private declAbove(decl: Decl, declText: string): FileEdit {
    const at = startOfLeadingComments(this.text, decl.start);
    return this.edit(at, at, declText.replace(/\n/g, this.eol) + this.eol + this.eol);
  }

  /** Adds `key: value` to the block of a declaration in `unit`. */
  private addProperty(unit: SourceUnit, decl: ToolDecl | AgentDecl | HumanDecl | ModelDecl, key: string, value: string): FileEdit {
    const text = unit.text;
    const eol = eolOf(text);
    const headerEnd = decl.kind === 'ModelDecl' ? (decl.modelId?.end ?? decl.provider.end) : decl.result.end;
    const open = text.indexOf('{', headerEnd);
    const hasBlock = open >= 0 && open < decl.end && text.charCodeAt(decl.end - 1) === 125;
    const declIndent = indentOf(text, decl.start);
    if (!hasBlock) return this.edit(decl.end, decl.end, ` {${eol}${declIndent}  ${key}: ${value}${eol}${declIndent}}`, unit.path);
    const close = decl.end - 1;
    const last = decl.props[decl.props.length - 1];
    if (hasNewline(text, open, close)) {
      const after = last ? last.end : open + 1;
      const indent = last ? indentOf(text, last.start) : `${declIndent}  `;
      return this.edit(after, after, `${eol}${indent}${key}: ${value}`, unit.path);
    }
    if (last) return this.edit(last.end, last.end, `, ${key}: ${value}`, unit.path);
    return this.edit(open, close + 1, `{ ${key}: ${value} }`, unit.path);
  }

  // ------------------------------------------------------------------ names and values

  /**
   * Replaces a misspelt name by the suggestion. A misspelt node of a graph is usually written
   * several times (its call, edges from it, conditions on its output): all of them change.
   */
  private rename(d: Diagnostic, written: string, suggestion: string): QuickFix {
    const found = d.code === 'AG2001' ? this.graphAt(d.start) : undefined;
    const isNode = found && !found.g.model.nodes.has(written) && !found.g.model.info.params.some((p) => p.name === written);
    if (found && isNode) {
      const spans: { start: number; end: number }[] = [];
      walk(found.decl, (n) => {
        if ((n.kind === 'Name' && n.text === written) || (n.kind === 'Ident' && n.name === written)) spans.push(n);
        return true;
      });
      const names = found.decl.name;
      const edits = spans.filter((s) => s.start !== names.start).map((s) => this.edit(s.start, s.end, suggestion));
      if (edits.length > 1) return this.fix(d, `Change '${written}' to '${suggestion}' (${edits.length} places in ${names.text})`, edits, { isPreferred: true });
    }
    return this.fix(d, `Change '${written}' to '${suggestion}'`, [this.edit(d.start, d.end, suggestion)], { isPreferred: true });
  }

  private literalFix(d: Diagnostic, suggestion: string | undefined, allowed: unknown): QuickFix[] {
    if (suggestion) return [this.fix(d, `Change to ${suggestion}`, [this.edit(d.start, d.end, suggestion)], { isPreferred: true })];
    if (!Array.isArray(allowed)) return [];
    return allowed
      .filter((v): v is string | number | boolean => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')
      .slice(0, 10)
      .map((v) => this.fix(d, `Change to ${literalText(v)}`, [this.edit(d.start, d.end, literalText(v))]));
  }

  /** Adds the missing arguments of a node call, from names in scope or placeholder values. */
  private missingArgs(d: Diagnostic, missing: string[]): QuickFix[] {
    const found = this.graphAt(d.start);
    if (!found || !missing.length) return [];
    const call = findNode(found.decl, (n): n is NodeCall => n.kind === 'NodeCall' && n.start === d.start && n.end === d.end);
    const info = found.g.model.nodes.get(call?.name.text ?? '')?.info;
    if (!call || !info || this.text.charCodeAt(call.end - 1) !== 41) return [];
    const edge = found.g.model.edges.find((e) => e.targets.some((t) => t.call === call));
    const sources = edge?.from.filter((f) => f !== 'start') ?? [];
    const args: string[] = [];
    for (const name of missing) {
      const p = info.params.find((x) => x.name === name);
      if (!p) return [];
      const fake: CallableInfo = { ...info, params: [p] };
      const filled = fillArgs(fake, found.g.model.scope, sources);
      args.push(filled !== undefined ? (filled.includes(':') ? filled : `${name}: ${filled}`) : `${name}: ${placeholderValue(p.type)}`);
    }
    const close = call.end - 1;
    const text = (call.args.length ? ', ' : '') + args.join(', ');
    return [this.fix(d, `Add the missing argument${args.length === 1 ? '' : 's'} ${missing.map((m) => `'${m}'`).join(', ')}`, [this.edit(close, close, text)], { isPreferred: true })];
  }

  private addRequired(d: Diagnostic, property: string | undefined): QuickFix[] {
    const decl = declAt(this.analysis.unit.parse.file, d.start);
    if (!property || !decl || (decl.kind !== 'AgentDecl' && decl.kind !== 'ToolDecl' && decl.kind !== 'HumanDecl' && decl.kind !== 'ModelDecl')) return [];
    let value: string | undefined;
    if (property === 'model') value = [...this.analysis.symbols.values()].find((s) => s.kind === 'model')?.name;
    else if (property === 'prompt') {
      const params = decl.kind === 'ModelDecl' ? [] : decl.params.filter((p) => !p.name.missing).map((p) => `{{${p.name.text}}}`);
      value = JSON.stringify(`TODO: describe the task for ${decl.name.text}.${params.length ? ` ${params.join(' ')}` : ''}`);
    }
    if (!value) return [];
    return [this.fix(d, `Add \`${property}: ${value.length > 30 ? value.slice(0, 30) + '…' : value}\``, [this.addProperty(this.analysis.unit, decl, property, value)])];
  }

  // ------------------------------------------------------------------ loops and routing

  private boundLoop(d: Diagnostic): QuickFix[] {
    const at = d.data?.insertAt;
    if (typeof at !== 'number') return [];
    const edits = [this.edit(at, at, ` max ${LOOP_BOUND}`)];
    let title = `Add \`max ${LOOP_BOUND}\` to bound this loop`;
    // A bounded conditional route stops matching once spent: its group then needs an `otherwise`.
    const found = this.graphAt(d.start);
    const edge = found?.g.model.edges.find((e) => e.ast.end === at);
    if (found && edge?.when) {
      const group = found.g.model.groups.get(sourceKey(edge.from)) ?? [edge];
      if (!group.some((e) => e.otherwise)) {
        const route = this.otherwiseRoute(found.g, group);
        if (route) {
          const last = group[group.length - 1]!;
          edits.push(this.edit(last.ast.end, last.ast.end, this.eol + indentOf(this.text, last.ast.start) + route.text));
          title = `Add \`max ${LOOP_BOUND}\` to bound this loop, and an \`otherwise\` route to ${route.target}`;
        }
      }
    }
    return [this.fix(d, title, edits, { isPreferred: true })];
  }

  private routing(d: Diagnostic): QuickFix[] {
    const found = this.graphAt(d.start);
    const data = d.data ?? {};
    const key = str(data.source);
    const insertAfter = data.insertAfter;
    if (!found || key === undefined || typeof insertAfter !== 'number') return [];
    const group = found.g.model.groups.get(key);
    if (!group?.length) return [];
    const indent = indentOf(this.text, group[group.length - 1]!.ast.start);
    const sourceText = this.text.slice(group[0]!.ast.source.start, group[0]!.ast.source.end);
    const out: QuickFix[] = [];
    const missing = Array.isArray(data.missing) ? (data.missing as (string | number | boolean)[]) : [];
    const subject = str(data.subject);
    if (missing.length && subject) {
      // One route per missing value, to the target of the last unbounded route.
      const template = [...group].reverse().find((e) => e.when && e.max === undefined);
      if (template) {
        const target = this.text.slice(template.ast.target.start, template.ast.target.end);
        const lines = missing.map((v) => {
          const cond = typeof v === 'boolean' ? (v ? subject : `!${subject}`) : `${subject} == ${literalText(v)}`;
          return `${this.eol}${indent}${sourceText} -> ${target} when ${cond}`;
        });
        out.push(this.fix(d, `Add the missing case${missing.length === 1 ? '' : 's'} ${missing.map(literalText).join(', ')}`, [this.edit(insertAfter, insertAfter, lines.join(''))]));
      }
    }
    const route = this.otherwiseRoute(found.g, group);
    if (route) {
      out.unshift(this.fix(d, `Add an \`otherwise\` route to ${route.target}`, [this.edit(insertAfter, insertAfter, `${this.eol}${indent}${route.text}`)], { isPreferred: true }));
    }
    return out;
  }

  /**
   * An `otherwise` edge for a route group: to a human of the graph when its parameters can be
   * filled, else to `end(…)` with a value of the graph's result type, else `end` with a
   * placeholder value of that type for the user to fill in.
   */
  private otherwiseRoute(g: GraphAnalysis, group: GEdge[]): { text: string; target: string } | undefined {
    const first = group[0]!;
    const sourceText = this.text.slice(first.ast.source.start, first.ast.source.end);
    const sources = first.from.filter((f) => f !== 'start');
    const scope = g.model.scope;
    for (const n of g.model.nodes.values()) {
      if (n.info.kind !== 'human') continue;
      const args = fillArgs(n.info, scope, sources);
      if (args !== undefined) return { text: `${sourceText} -> ${n.name}(${args}) otherwise`, target: `\`${n.name}\`` };
    }
    const result = g.model.info.output;
    for (const name of [...sources, ...g.model.info.params.map((p) => p.name)]) {
      const b = scope.lookup(name);
      if (b && assignable(b.ty, result)) return { text: `${sourceText} -> end(${name}) otherwise`, target: `\`end(${name})\`` };
      // What the source node was given, e.g. the draft a reviewer rejected.
      const inputs = b?.node?.inputs;
      if (inputs?.k === 'object') {
        const f = inputs.fields.find((x) => assignable(x.type, result));
        if (f) return { text: `${sourceText} -> end(inputs(${name}).${f.name}) otherwise`, target: `\`end(inputs(${name}).${f.name})\`` };
      }
    }
    const placeholder = placeholderValue(result);
    return { text: `${sourceText} -> end(${placeholder}) otherwise`, target: '`end(…)`' };
  }

  // ------------------------------------------------------------------ creating declarations

  private create(d: Diagnostic, kind: string, name: string): QuickFix[] {
    const decl = declAt(this.analysis.unit.parse.file, d.start);
    if (!decl || !isIdentifier(name) || this.analysis.symbols.has(name)) return [];
    switch (kind) {
      case 'agent': {
        if (decl.kind !== 'GraphDecl') return [];
        const call = findNode(decl, (n): n is NodeCall => n.kind === 'NodeCall' && n.name.start === d.start);
        if (!call) return [];
        const edits: FileEdit[] = [];
        let model = [...this.analysis.symbols.values()].find((s) => s.kind === 'model')?.name;
        if (!model) {
          model = this.freeName('default_model');
          edits.push(this.declAbove(decl, `model ${model} = openai("gpt-4o-mini") {\n  temperature: 0\n  max_tokens: 800\n}`));
        }
        const text = this.agentFromCall(decl, call, name, model);
        edits.push(this.declAbove(decl, text));
        return [this.fix(d, `Create agent '${name}'`, edits)];
      }
      case 'model':
        return [this.fix(d, `Create model '${name}'`, [this.declAbove(decl, `model ${name} = openai("gpt-4o-mini") {\n  temperature: 0\n  max_tokens: 800\n}`)])];
      case 'tool':
        return [this.fix(d, `Create tool '${name}'`, [this.declAbove(decl, `tool ${name}(input: string) -> string {\n  description: "TODO: what ${name} does"\n  effect: read\n  timeout: 10s\n}`)])];
      case 'human': {
        let params = '';
        let result = 'boolean';
        if (decl.kind === 'GraphDecl') {
          const info = this.analysis.graphs.get(decl.name.text)?.model.info;
          params = info?.params.map((p) => `${p.name}: ${displayShort(p.type)}`).join(', ') ?? '';
          if (info) result = displayShort(info.output);
        } else if (decl.kind === 'ToolDecl') {
          params = decl.params.map((p) => this.text.slice(p.start, p.end)).join(', ');
        }
        return [this.fix(d, `Create human '${name}'`, [this.declAbove(decl, `human ${name}(${params}) -> ${result} {\n  prompt: "TODO: what to ask"\n  timeout: 4h\n}`)])];
      }
      case 'type': {
        const fields = this.inferFields(name);
        const body = fields.length ? `{\n${fields.map((f) => `  ${f}`).join('\n')}\n}` : '{}';
        return [this.fix(d, `Create type '${name}'`, [this.declAbove(decl, `type ${name} ${body}`)])];
      }
      default:
        return [];
    }
  }

  /** An agent declaration shaped by how a graph calls it and uses its output. */
  private agentFromCall(graph: GraphDecl, call: NodeCall, name: string, model: string): string {
    const g = this.analysis.graphs.get(graph.name.text);
    let scope: Scope | undefined = g?.model.scope;
    if (scope && call.forEach && !call.forEach.variable.missing) {
      const listT = stripOptional(typeOfExpr(this.analysis, scope, call.forEach.list));
      scope = tableScope(new Map<string, Binding>([[call.forEach.variable.text, { ty: listT.k === 'list' ? listT.element : T.error }]]), scope);
    }
    const params: string[] = [];
    const seen = new Set<string>();
    call.args.forEach((a, i) => {
      let pname = a.name?.text ?? (a.value.kind === 'Ident' ? a.value.name : a.value.kind === 'Member' ? a.value.property.text : `input${i + 1}`);
      if (!isIdentifier(pname) || seen.has(pname)) pname = `input${i + 1}`;
      seen.add(pname);
      const t = scope ? typeOfExpr(this.analysis, scope, a.value) : T.error;
      params.push(`${pname}: ${typeText(t)}`);
    });
    const result = this.inferResult(graph, name);
    const refs = [...seen].map((p) => `{{${p}}}`).join('\n    ');
    return `agent ${name}(${params.join(', ')}) -> ${result} {\n  model: ${model}\n  prompt: """\n    TODO: describe what ${name} does.\n${refs ? `    ${refs}\n` : ''}  """\n}`;
  }

  /** The result type of a new node: what `end(…)`, other calls and conditions do with its output. */
  private inferResult(graph: GraphDecl, name: string): string {
    const g = this.analysis.graphs.get(graph.name.text)?.model;
    const fields = fieldUses(graph, new Set([name]));
    if (fields.size) return `{ ${[...fields].map(([f, u]) => `${f}: ${u.type()}`).join(', ')} }`;
    for (const e of g?.edges ?? []) {
      const t = e.ast.target;
      if (t.kind === 'EndTarget' && t.value?.kind === 'Ident' && t.value.name === name && g) return displayShort(g.info.output);
      for (const c of t.kind === 'NodeCall' ? [t] : t.kind === 'FanOut' ? t.calls : []) {
        const callee = g?.nodes.get(c.name.text)?.info;
        if (!callee) continue;
        let positional = 0;
        for (const a of c.args) {
          const p = a.name ? callee.params.find((x) => x.name === a.name!.text) : callee.params[positional++];
          if (p && a.value.kind === 'Ident' && a.value.name === name) return displayShort(p.type);
        }
      }
    }
    return 'string';
  }

  /** Fields read from values of a missing type (parameters and node outputs typed by it). */
  private inferFields(typeName: string): string[] {
    const out = new Map<string, FieldUse>();
    for (const d of this.analysis.unit.parse.file.decls) {
      if (d.kind !== 'AgentDecl' && d.kind !== 'HumanDecl' && d.kind !== 'ToolDecl' && d.kind !== 'GraphDecl') continue;
      const roots = new Set<string>();
      for (const p of d.params) if (p.type.kind === 'NamedType' && p.type.name.text === typeName) roots.add(p.name.text);
      if (d.kind === 'GraphDecl') {
        const g = this.analysis.graphs.get(d.name.text)?.model;
        for (const item of d.items) {
          if (item.kind !== 'Edge') continue;
          const calls = item.target.kind === 'NodeCall' ? [item.target] : item.target.kind === 'FanOut' ? item.target.calls : [];
          for (const c of calls) {
            const sym = this.analysis.symbols.get(c.name.text);
            const res = sym && 'result' in sym.decl ? sym.decl.result : undefined;
            if (res?.kind === 'NamedType' && res.name.text === typeName && !g?.nodes.get(c.name.text)?.mapped) roots.add(c.name.text);
          }
        }
      }
      if (!roots.size) continue;
      for (const [f, u] of fieldUses(d, roots)) {
        const prev = out.get(f);
        if (prev) prev.merge(u);
        else out.set(f, u);
      }
    }
    return [...out].map(([f, u]) => `${f}: ${u.type()}`);
  }

  private createPromptFile(d: Diagnostic): QuickFix[] {
    const target = str(d.data?.path);
    const decl = declAt(this.analysis.unit.parse.file, d.start);
    if (!target || !decl || decl.kind === 'ImportDecl') return [];
    const sym = this.analysis.symbols.get(decl.name.text);
    const info = sym ? this.analysis.decls.callable(sym) : undefined;
    const lines = [`TODO: describe the task for ${decl.name.text}.`, ''];
    for (const p of info?.params ?? []) lines.push(`${p.name[0]!.toUpperCase()}${p.name.slice(1).replace(/_/g, ' ')}: {{${p.name}}}`);
    const rel = path.relative(path.dirname(this.file), target).split(path.sep).join('/');
    return [this.fix(d, `Create ${rel} with a starter prompt`, [this.edit(0, 0, lines.join('\n') + '\n', target)], { createFiles: [target], isPreferred: true })];
  }

  // ------------------------------------------------------------------ reliability

  private approval(d: Diagnostic): QuickFix[] {
    const names = d.data?.tools;
    if (!Array.isArray(names) || names.length === 0) return [];
    const edits: FileEdit[] = [];
    const approvers: string[] = [];
    const created = new Set<string>();
    for (const n of names) {
      if (typeof n !== 'string') continue;
      const sym = this.analysis.symbols.get(n);
      if (!sym || sym.kind !== 'tool' || sym.decl.kind !== 'ToolDecl') continue;
      const tool = sym.decl;
      const unit = this.unitOf(sym.file);
      if (!unit) continue;
      let human = `approve_${n}`;
      const existing = this.analysis.symbols.get(human);
      if (existing && existing.kind !== 'human') human = this.freeName(human);
      if (!this.analysis.symbols.has(human) && !created.has(human)) {
        created.add(human);
        const eol = eolOf(unit.text);
        const params = tool.params.map((p) => unit.text.slice(p.start, p.end)).join(', ');
        const refs = tool.params.filter((p) => !p.name.missing).map((p) => `${p.name.text} = {{${p.name.text}}}`).join(', ');
        const declText = `human ${human}(${params}) -> boolean {${eol}  prompt: ${JSON.stringify(`Approve ${n}(${refs})?`)}${eol}  timeout: 4h${eol}}`;
        const at = lineEndOf(unit.text, tool.end);
        edits.push(this.edit(at, at, `${eol}${eol}${declText}`, unit.path));
      }
      edits.push(this.addProperty(unit, tool, 'approve', human));
      approvers.push(human);
    }
    if (!edits.length) return [];
    const tools = names.filter((x): x is string => typeof x === 'string');
    return [this.fix(d, `Require a person's approval before ${tools.map((t) => `'${t}'`).join(', ')} runs (\`approve: ${approvers.join(', ')}\`)`, edits, { isPreferred: true })];
  }

  private capableModel(d: Diagnostic): QuickFix[] {
    const bad = str(d.data?.model);
    const decl = declAt(this.analysis.unit.parse.file, d.start);
    if (!bad || decl?.kind !== 'AgentDecl') return [];
    const sym = this.analysis.symbols.get(decl.name.text);
    const a = sym ? (this.analysis.decls.callable(sym) as AgentInfo) : undefined;
    if (!a) return [];
    // The identifier naming the incapable model inside the diagnostic's range.
    let at: { start: number; end: number } | undefined;
    walkRange(decl, d.start, d.end, (n) => {
      if (!at && n.kind === 'Ident' && n.name === bad) at = n;
    });
    if (!at) return [];
    const chain = new Set([a.model?.name, ...a.fallback.map((m) => m.name)].filter((x): x is string => !!x));
    const needsSchema = a.output.k !== 'string' && a.output.k !== 'error';
    const candidates = [...this.analysis.symbols.values()]
      .filter((s) => s.kind === 'model' && s.name !== bad && !chain.has(s.name))
      .map((s) => this.analysis.decls.model(s))
      .filter((m) => m.profile.supportsTools && promptTokens(a) + outputTokens(a, m) <= m.profile.contextWindow)
      .sort((x, y) => Number(y.profile.supportsJsonSchema && needsSchema) - Number(x.profile.supportsJsonSchema && needsSchema) || x.profile.inputPrice - y.profile.inputPrice);
    const best = candidates[0];
    if (best) return [this.fix(d, `Use model '${best.name}' (${best.modelId}, supports tools) instead of '${bad}'`, [this.edit(at.start, at.end, best.name)], { isPreferred: true })];
    const profile = MODEL_CATALOG.find((p) => p.id === 'gpt-4o-mini')!;
    const name = this.freeName('tool_model');
    const maxTokens = this.analysis.decls.model(this.analysis.symbols.get(bad)!).maxTokens ?? 800;
    return [
      this.fix(d, `Declare model '${name}' (${profile.id}, supports tools) and use it instead of '${bad}'`, [
        this.declAbove(decl, `model ${name} = openai("${profile.id}") {\n  temperature: 0\n  max_tokens: ${maxTokens}\n}`),
        this.edit(at.start, at.end, name),
      ]),
    ];
  }
}

// ------------------------------------------------------------------ helpers

function findNode<T extends Node>(root: Node, pred: (n: Node) => n is T): T | undefined {
  let found: T | undefined;
  walk(root, (n) => {
    if (found) return false;
    if (pred(n)) {
      found = n;
      return false;
    }
    return true;
  });
  return found;
}

function walkRange(root: Node, start: number, end: number, cb: (n: Node) => void): void {
  walk(root, (n) => {
    if (n.end < start || n.start > end) return false;
    cb(n);
    return true;
  });
}

/** How a type is written in a new declaration: named where possible, `string` when unknown. */
function typeText(t: Ty): string {
  if (isLoose(t)) return 'string';
  const w = t.k === 'literal' ? widen(t) : t;
  return displayShort(w);
}

/** Arguments filling a callable's parameters from names in scope (undefined if one cannot be filled). */
function fillArgs(info: CallableInfo, scope: Scope, sources: string[]): string | undefined {
  const args: string[] = [];
  let named = false;
  for (const p of info.params) {
    let value: string | undefined;
    const same = scope.lookup(p.name);
    if (same && !same.node && assignable(same.ty, p.type)) value = p.name;
    if (value === undefined) {
      for (const s of sources) {
        const b = scope.lookup(s);
        if (b && assignable(b.ty, p.type)) {
          value = s;
          break;
        }
        const input = b?.node?.inputs;
        if (input && input.k === 'object') {
          const f = input.fields.find((x) => x.name === p.name);
          if (f && assignable(f.type, p.type)) {
            value = `inputs(${s}).${p.name}`;
            break;
          }
        }
      }
    }
    if (value === undefined) {
      if (p.type.k === 'optional') {
        named = true;
        continue;
      }
      return undefined;
    }
    args.push(named || value !== p.name ? `${p.name}: ${value}` : value);
  }
  return args.join(', ');
}

/** A value of a type that type-checks, for the user to replace. */
function placeholderValue(t: Ty, depth = 0): string {
  if (depth > 4) return 'null';
  switch (t.k) {
    case 'string':
      return '""';
    case 'number':
    case 'integer':
      return '0';
    case 'boolean':
      return 'false';
    case 'literal':
      return literalText(t.value);
    case 'list':
      return '[]';
    case 'optional':
    case 'null':
      return 'null';
    case 'union':
      return t.members[0] ? placeholderValue(t.members[0], depth + 1) : 'null';
    case 'object':
      return `{ ${t.fields.filter((f) => !f.optional).map((f) => `${f.name}: ${placeholderValue(f.type, depth + 1)}`).join(', ')} }`;
    case 'duration':
      return '0s';
    case 'money':
      return '$0';
    default:
      return '""';
  }
}

/** How a field is used: compared with string literals, with numbers, as a condition, or otherwise. */
class FieldUse {
  literals = new Set<string>();
  numeric = false;
  boolean = false;
  merge(o: FieldUse): void {
    for (const l of o.literals) this.literals.add(l);
    this.numeric ||= o.numeric;
    this.boolean ||= o.boolean;
  }
  type(): string {
    if (this.boolean) return 'boolean';
    if (this.numeric) return 'number';
    if (this.literals.size) return [...this.literals].map((l) => JSON.stringify(l)).join(' | ');
    return 'string';
  }
}

/** Fields read as `root.field` in a declaration, for roots in `roots`, with how each is used. */
function fieldUses(decl: Decl, roots: Set<string>): Map<string, FieldUse> {
  const out = new Map<string, FieldUse>();
  const parents = new Map<Node, Node | undefined>();
  walk(decl, (n, parent) => {
    parents.set(n, parent);
    if (n.kind !== 'Member' || n.object.kind !== 'Ident' || !roots.has(n.object.name) || n.property.missing) return true;
    const use = out.get(n.property.text) ?? new FieldUse();
    out.set(n.property.text, use);
    const p = parent;
    if (p?.kind === 'Binary') {
      const other: Expr = p.left === n ? p.right : p.left;
      if ((p.op === '==' || p.op === '!=') && other.kind === 'StringLit') use.literals.add(other.value);
      else if (other.kind === 'NumberLit' || p.op === '<' || p.op === '<=' || p.op === '>' || p.op === '>=') use.numeric = true;
      else if (p.op === '&&' || p.op === '||') use.boolean = true;
    } else if ((p?.kind === 'Unary' && p.op === '!') || (p?.kind === 'Edge' && p.when === n) || p?.kind === 'Assert') use.boolean = true;
    return true;
  });
  return out;
}
