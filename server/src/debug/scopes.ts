// The scopes of a stop in the Variables view: the node (its arguments, the rendered prompt about to
// be sent, its output after a step over, or the model call's messages and the tool call's
// arguments), the run state (graph input, every node output and input so far, visited nodes and
// activation counts), the budget (used against the limits) and the attempts per node. Entries
// the run will still read are editable.

import type { DebugProtocol } from '@vscode/debugprotocol';
import type { DebugPathStep } from '../runtime/debug.ts';
import type { Stopped } from './controller.ts';
import type { Container, VariableStore } from './variables.ts';

function nodeContainer(s: Stopped): Container {
  const n = s.node;
  const c = s.call;
  return {
    path: '',
    entries: () => {
      const e: [string, unknown][] = [];
      if (n) {
        e.push(['node', n.label], ['kind', n.node.kind], ['activation', n.activation], ['args', n.args]);
        if (n.prompt !== undefined) e.push(['prompt', n.prompt]);
        if (n.system !== undefined) e.push(['system', n.system]);
        if (s.phase === 'after') e.push(['output', n.output]);
      }
      if (c?.kind === 'model') e.push(['model', c.model], ['attempt', c.attempt], ['call', c.call], ['messages', c.messages]);
      if (c?.kind === 'tool') e.push(['tool', c.tool], ['toolArgs', c.args]);
      return e;
    },
    assign: (name, v) => {
      if (name === 'args' && n && s.phase === 'before') {
        if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('args must be an object of the node parameters');
        n.args = v as Record<string, unknown>;
      } else if (name === 'prompt' && n && s.phase === 'before' && n.prompt !== undefined) n.prompt = typeof v === 'string' ? v : JSON.stringify(v);
      else if (name === 'output' && n && s.phase === 'after') n.output = v;
      else if (name === 'toolArgs' && c?.kind === 'tool') c.args = v;
      else throw new Error(`${name} cannot be edited at this stop`);
    },
  };
}

function budgetContainer(s: Stopped): Container | undefined {
  const state = s.node?.state;
  if (!state) return undefined;
  return {
    path: 'budget',
    entries: () => {
      const { used, limits } = state.budget();
      const of = (v: string, limit: string | undefined) => (limit === undefined ? v : `${v} / ${limit}`);
      return [
        ['cost', of(`$${used.costUsd.toFixed(4)}`, limits.costUsd === undefined ? undefined : `$${limits.costUsd.toFixed(2)}`)],
        ['tokens', of(String(used.tokens), limits.tokens?.toString())],
        ['steps', of(String(used.steps), limits.steps?.toString())],
        ['latency', of(`${Math.round(used.latencyMs)} ms`, limits.latencyMs === undefined ? undefined : `${limits.latencyMs} ms`)],
        ['modelCalls', used.modelCalls],
        ['toolCalls', used.toolCalls],
        ['humanWait', `${Math.round(used.humanWaitMs)} ms`],
      ];
    },
  };
}

/** A node further down the call stack: what the run state holds for it now (its latest execution). */
function earlierContainer(s: Stopped, step: DebugPathStep): Container {
  const state = s.node!.state;
  return {
    path: '',
    entries: () => [
      ['node', step.node],
      ['activation', step.activation],
      ['latestInputs', state.inputs.get(step.node)],
      ['latestOutput', state.outputs.get(step.node)],
    ],
  };
}

/** The path step a frame shows, when it is not the stop's own node or call (see stack.ts for the frame order). */
export function stepOfFrame(s: Stopped, frameId: number): DebugPathStep | undefined {
  const path = s.node?.path;
  if (!path) return undefined;
  const below = frameId - 1 - (s.call ? 1 : 0);
  return below >= 1 && below < path.length ? path[path.length - 1 - below] : undefined;
}

export function runStateScopes(s: Stopped, store: VariableStore, attempts: ReadonlyMap<string, number>, frameId = 1): DebugProtocol.Scope[] {
  const scopes: DebugProtocol.Scope[] = [];
  const earlier = stepOfFrame(s, frameId);
  if (earlier) scopes.push({ name: `Node ${earlier.node} #${earlier.activation} (latest values)`, variablesReference: store.scope(earlierContainer(s, earlier)), expensive: false });
  else {
    const title = s.call ? `${s.call.kind === 'model' ? 'Model call' : 'Tool call'} in ${s.call.label}` : `Node ${s.node?.label ?? ''}`;
    scopes.push({ name: title, variablesReference: store.scope(nodeContainer(s)), expensive: false });
  }
  const state = s.node?.state;
  if (state) {
    const run: Container = {
      path: '',
      // The graph input and the outputs and inputs so far are what the run reads next: editable inside.
      editableChild: (name) => name === 'input' || name === 'outputs' || name === 'inputs',
      entries: () => [
        ['input', state.input],
        ['outputs', state.outputs],
        ['inputs', state.inputs],
        ['visited', [...state.visited]],
        ['activations', Object.fromEntries(state.activations)],
      ],
    };
    const runRef = store.scope(run);
    scopes.push({ name: `Run state (${state.graph})`, variablesReference: runRef, expensive: false });
  }
  const budget = budgetContainer(s);
  if (budget) scopes.push({ name: 'Budget', variablesReference: store.scope(budget), expensive: false });
  scopes.push({ name: 'Attempts', variablesReference: store.scope({ path: 'attempts', entries: () => [...attempts.entries()] }), expensive: false });
  return scopes;
}
