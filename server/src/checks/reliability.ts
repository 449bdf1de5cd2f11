// Reliability checks: what a retry, fallback or restart could do twice, whether the models an agent
// may fall back to can do what it needs, whether its prompt fits, and whether supervision is sound.

import type { Ctx } from '../semantics/context.ts';
import type { AgentInfo, ToolInfo } from '../semantics/declarations.ts';
import type { GraphModel } from '../semantics/graph-model.ts';
import { assignable, displayShort } from '../semantics/types.ts';
import { outputTokens, promptTokens } from './economics.ts';
import { START, type Topology } from './graph-topology.ts';

function unapprovedIrreversible(a: AgentInfo): readonly ToolInfo[] {
  // Most agents have none: skip allocating an empty result for them.
  let risky: ToolInfo[] | undefined;
  for (const t of a.tools) if (t.effect === 'irreversible' && !t.approve) (risky ??= []).push(t);
  return risky ?? NO_TOOLS;
}

const NO_TOOLS: readonly ToolInfo[] = [];

/** Checks on one agent declaration, independent of the graphs that use it. */
export function checkAgent(ctx: Ctx, a: AgentInfo): void {
  const decl = a.sym.decl;
  if (decl.kind !== 'AgentDecl') return;
  const risky = unapprovedIrreversible(a);
  if (risky.length) {
    const names = risky.map((t) => `'${t.sym.name}'`).join(', ');
    if (a.retry.max > 0 && a.retrySpan) {
      ctx.report('AG5001', a.retrySpan, `A retry re-runs the whole attempt, so irreversible tool ${names} could run twice. Add \`approve: <human>\` to the tool, make it idempotent, or remove the retry.`, { data: { tools: risky.map((t) => t.sym.name) } });
    }
    if (a.fallback.length && a.fallbackSpan) {
      ctx.report('AG5001', a.fallbackSpan, `A fallback model re-runs the attempt, so irreversible tool ${names} could run twice. Add \`approve: <human>\` to the tool, or remove the fallback.`, { data: { tools: risky.map((t) => t.sym.name) } });
    }
  }

  const needsSchema = a.output.k !== 'string' && a.output.k !== 'error';
  // The model, then the fallbacks; `i` counts the models present, as in [model, ...fallback].
  for (let k = -1, i = -1; k < a.fallback.length; k++) {
    const m = k < 0 ? a.model : a.fallback[k];
    if (!m) continue;
    i++;
    const at = i === 0 ? propSpan(a, 'model') : propSpan(a, 'fallback');
    if (!at) continue;
    const role = i === 0 ? 'Model' : 'Fallback model';
    if (a.tools.length && !m.profile.supportsTools) {
      ctx.report('AG5003', at, `${role} '${m.name}' (${m.modelId}) cannot call tools, but agent '${a.sym.name}' uses ${a.tools.map((t) => t.sym.name).join(', ')}. Choose a model with tool support${i > 0 ? ' as fallback' : ''}.`, { data: { model: m.name } });
    }
    if (needsSchema && !m.profile.supportsJsonSchema) {
      ctx.report('AG5011', at, `${role} '${m.name}' (${m.modelId}) has no JSON-schema output, so '${a.sym.name}' must rely on prompting and one repair request to return ${displayShort(a.output)}. Prefer a model with JSON-schema support.`, { data: { model: m.name } });
    }
    const need = promptTokens(a) + outputTokens(a, m);
    if (need > m.profile.contextWindow) {
      ctx.report('AG5004', at, `Agent '${a.sym.name}' needs about ${need} tokens (prompt ≈ ${promptTokens(a)} + max_tokens ${outputTokens(a, m)}), more than the ${m.profile.contextWindow}-token context window of '${m.name}'. Shorten the prompt, lower max_tokens, or use a larger model.`);
    }
  }
}

function propSpan(a: AgentInfo, key: string) {
  const d = a.sym.decl;
  if (d.kind !== 'AgentDecl') return undefined;
  for (const p of d.props) if (p.key.text === key) return p.value;
  return undefined;
}

/** Supervision and irreversible-effect checks that depend on a graph's shape. */
export function checkGraphReliability(ctx: Ctx, g: GraphModel, topo: Topology): void {
  // Supervisors: children exist, nobody has two parents, escalation targets can be called.
  const supNames = new Set(g.supervisors.filter((s) => s.name).map((s) => s.name!));
  const parent = new Map<string, { sup: (typeof g.supervisors)[number]; span: { start: number; end: number } }>();
  for (const s of g.supervisors) {
    if (s.name && g.nodes.has(s.name)) ctx.report('AG2002', s.ast.name!, `Supervisor name '${s.name}' is already a node of this graph; choose another name.`);
    for (const ref of s.ast.children) {
      if (ref.name.missing) continue;
      const child = ref.name.text;
      if (!g.nodes.has(child) && !supNames.has(child)) {
        ctx.report('AG5005', ref.name, `'${child}' is not a node or named supervisor of graph '${g.sym.name}', so it cannot be supervised. Supervise nodes that appear on edges.`, { data: { name: child } });
        continue;
      }
      if (child === s.name) {
        ctx.report('AG5005', ref.name, `Supervisor '${child}' cannot supervise itself.`);
        continue;
      }
      const prev = parent.get(child);
      if (prev) {
        ctx.report('AG5006', ref.name, `'${child}' is already supervised${prev.sup.name ? ` by '${prev.sup.name}'` : ''}; a node has exactly one supervisor, or restarts would fight. Remove it from one of them.`, {
          related: [{ file: ctx.file, start: prev.span.start, end: prev.span.end, message: 'first supervised here' }],
        });
        continue;
      }
      parent.set(child, { sup: s, span: ref.name });
      const node = g.nodes.get(child);
      if (node?.info.kind === 'agent' && s.maxRestarts > 0) {
        const risky = unapprovedIrreversible(node.info as AgentInfo);
        if (risky.length) {
          ctx.report('AG5001', ref.name, `A restart re-runs '${child}', so irreversible tool ${risky.map((t) => `'${t.sym.name}'`).join(', ')} could run twice. Add \`approve: <human>\` to the tool, or leave '${child}' unsupervised.`);
        }
      }
    }
    if (s.escalate && s.ast.escalate) {
      const target = s.escalate;
      const info = g.nodes.get(target.name)?.info;
      const params = info?.params ?? [];
      if (!info) {
        // An escalation target outside the graph is called with the graph's inputs, by name.
        const d = target.decl;
        if (d.kind === 'HumanDecl' || d.kind === 'GraphDecl') {
          for (const p of d.params) {
            const gp = g.info.params.find((x) => x.name === p.name.text);
            const pt = ctx.types.resolve(p.type, target.file);
            if (!gp || !assignable(gp.type, pt)) {
              ctx.report('AG3004', s.ast.escalate.name, `Escalation calls '${target.name}' with the graph's inputs by name, but the graph has no input '${p.name.text}: ${displayShort(pt)}'. Give the target parameters the graph has.`);
            }
          }
        }
      }
      void params;
    }
  }

  // An irreversible tool should only be reachable through a person who can stop it.
  const humans = new Set([...g.nodes.values()].filter((n) => n.info.kind === 'human').map((n) => n.name));
  const withoutHuman = new Set<string>([START]);
  const queue = [START];
  for (let i = 0; i < queue.length; i++) {
    for (const e of topo.out.get(queue[i]!) ?? []) {
      for (const t of e.targets) {
        if (humans.has(t.name) || withoutHuman.has(t.name)) continue;
        withoutHuman.add(t.name);
        queue.push(t.name);
      }
    }
  }
  for (const n of g.nodes.values()) {
    if (!withoutHuman.has(n.name)) continue;
    const tools: readonly ToolInfo[] = n.info.kind === 'agent' ? unapprovedIrreversible(n.info as AgentInfo) : n.info.kind === 'tool' && (n.info as ToolInfo).effect === 'irreversible' && !(n.info as ToolInfo).approve ? [n.info as ToolInfo] : [];
    if (!tools.length) continue;
    ctx.report('AG5002', n.site, `'${n.name}' can run irreversible ${tools.map((t) => `'${t.sym.name}'`).join(', ')} with no person on the path from start. Put a \`human\` approval step before it, or add \`approve: <human>\` to the tool.`, {
      data: { node: n.name, tools: tools.map((t) => t.sym.name) },
    });
  }
}
