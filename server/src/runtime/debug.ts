// Debug hooks: what a debugger (the debug adapter, a test) injects through RunOptions.debug to
// stop a run before a node runs, after it produced its output and before each model or tool call,
// inspect the run state and edit values before the run continues. The executor and the agent node
// call the hooks only when they are present (one property check otherwise), and every context
// object handed to a hook is made only then, so runs without a debugger pay nothing.

import type { EdgeIR, NodeIR } from '../ir/schema.ts';
import type { BudgetLimits, Totals } from './budget.ts';
import type { Scope } from './evaluate.ts';
import type { ChatMessage } from './provider.ts';

/** The state of one graph execution as a debugger sees it; the maps are live (edits apply). */
export interface DebugRunState {
  /** The graph this execution runs (a sub-graph's own name inside a sub-graph node). */
  readonly graph: string;
  /** The graph's parameters. */
  readonly input: Map<string, unknown>;
  /** The latest output of every node that finished; editing a value changes what later routes and arguments see. */
  readonly outputs: Map<string, unknown>;
  /** The arguments of each node's latest execution. */
  readonly inputs: Map<string, unknown>;
  readonly visited: ReadonlySet<string>;
  /** How often each node was activated so far. */
  readonly activations: ReadonlyMap<string, number>;
  /** What spec expressions evaluate against (the same maps). */
  readonly scope: Scope;
  /** Usage so far against the limits of this execution's budget. */
  budget(): { used: Totals; limits: BudgetLimits };
}

/** One step on the path that led to a node: the node and its activation number. */
export interface DebugPathStep {
  node: string;
  activation: number;
  /** The edge that activated it (undefined for an escalation target or a restart). */
  edge?: EdgeIR;
}

/** A node about to run (beforeNode) or that just produced its output (afterNode). */
export interface NodeStop {
  readonly state: DebugRunState;
  readonly node: NodeIR;
  /** `node` or `node[i]` for one branch of a fan-out. */
  readonly label: string;
  /** The fan-out branch, when the node runs once per list element. */
  readonly index?: number;
  readonly activation: number;
  readonly restarts: number;
  /** Sub-graph nesting: '' at the top, `outer#1/` inside a sub-graph node. */
  readonly keyPrefix: string;
  /** The nodes that led here, oldest first, this node last. */
  readonly path: DebugPathStep[];
  /** The node's arguments: replace values before the node runs (beforeNode only). */
  args: Record<string, unknown>;
  /** For an agent: the rendered user prompt; set another text to send that instead (beforeNode only). */
  prompt?: string;
  /** For an agent with a system prompt: the rendered system prompt. */
  readonly system?: string;
  /** afterNode only: the node's output; replace it before the graph routes on it. */
  output?: unknown;
}

/** A model call (step into) about to be sent, or a tool call about to run, inside a node. */
export type CallStop =
  | {
      readonly kind: 'model';
      readonly node: string;
      readonly label: string;
      readonly model: string;
      readonly attempt: number;
      readonly call: number;
      /** The messages about to be sent: edit the content of the last one to change the prompt. */
      readonly messages: ChatMessage[];
    }
  | {
      readonly kind: 'tool';
      readonly node: string;
      readonly label: string;
      readonly tool: string;
      /** The arguments the tool is about to be called with: replace values to change them. */
      args: unknown;
    };

export interface DebugHooks {
  /** Before a node instance runs; the run waits for the returned promise. */
  beforeNode?(stop: NodeStop): void | Promise<void>;
  /** After a node instance produced its output, before the graph routes on it. */
  afterNode?(stop: NodeStop): void | Promise<void>;
  /** Before each model call and each tool call inside a node. */
  beforeCall?(stop: CallStop): void | Promise<void>;
}
