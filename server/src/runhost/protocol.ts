// The messages between the editor (the parent) and the run host (a child process started with
// child_process.fork, see main.ts). A run executes outside the extension host so that a tool that
// blocks the event loop, leaks memory or crashes cannot take the editor down with it, and so that
// cancelling can always end the process. Messages travel over Node's IPC channel as JSON, so every
// field is plain data. The API key never travels here: the parent passes it to the child only as
// the environment variable OPENAI_API_KEY, and every message from the child is redacted.

import type { HumanRequest } from '../runtime/human.ts';
import type { RunResult } from '../runtime/run.ts';
import type { RunEvent } from '../runtime/trace.ts';

export type RunHostProvider = 'simulated' | 'openai';

/** A tool that throws instead of running (fault simulation); the real implementation is not called. */
export interface ToolFault {
  tool: string;
  /** Only these calls of the tool in the run throw (1-based, counted per tool); every call when absent. */
  calls?: number[];
  /** The error message the tool throws. */
  message?: string;
}

// ------------------------------------------------------------------ parent → child

/** Starts the one run this process executes. */
export interface StartMessage {
  type: 'start';
  /** Absolute path of the spec that declares the graph. */
  specPath: string;
  /** The workspace root: `.agentgraph/cache` and `.agentgraph/runs` live under it. */
  root: string;
  graph: string;
  /** The graph's parameters by name. */
  input: unknown;
  /** Unsaved editor buffers (absolute path → text), compiled instead of the files on disk. */
  overlays?: Record<string, string>;
  provider: RunHostProvider;
  /** openai only: overrides every model's base URL and model id. */
  openai?: { baseUrl?: string; model?: string };
  /** Seed of the simulated provider and retry jitter (default 1). */
  seed?: number;
  /** simulated only: a fault spec in the syntax of server/src/runtime/providers/faults.ts. */
  faults?: string;
  /** Tools that throw (fault simulation). */
  toolFaults?: ToolFault[];
  /** simulated only: the path of a fixtures file with scripted answers per agent. */
  fixtures?: string;
  /** Neither read nor write the response cache. */
  noCache?: boolean;
}

/**
 * Compiles the spec and describes its graphs (for the editor's pickers) without running anything.
 * May come before `start`, so one process serves the pickers and then the run.
 */
export interface DescribeMessage {
  type: 'describe';
  id: number;
  specPath: string;
  root: string;
  overlays?: Record<string, string>;
}

/** Cancels the run; the child answers with `done` (outcome cancelled) and exits. */
export interface CancelMessage {
  type: 'cancel';
}

/** The person's answer to a `humanAsk`; `answer` undefined means they dismissed the question. */
export interface HumanAnswerMessage {
  type: 'humanAnswer';
  id: number;
  answer?: { value: unknown };
}

export type ParentMessage = DescribeMessage | StartMessage | CancelMessage | HumanAnswerMessage;

// ------------------------------------------------------------------ child → parent

/** What the editor needs to know about a graph to ask for its input and offer faults. */
export interface GraphDescription {
  name: string;
  doc?: string;
  /** JSON Schema of the graph's parameters object (what `input` must match). */
  input: Record<string, unknown>;
  params: string[];
  /** Agents the graph runs (subgraphs included), with the models they may call. */
  agents: { name: string; model: string; fallback: string[]; retries: number }[];
  /** Tools those agents may call and tool nodes of the graph. */
  tools: string[];
  humans: string[];
}

/** The answer to `describe`: the graphs, or why the spec cannot be compiled. */
export interface DescribedMessage {
  type: 'described';
  id: number;
  graphs?: GraphDescription[];
  message?: string;
  diagnostics?: string[];
}

/** What a waiting person is asked: the runtime's HumanRequest without its AbortSignal (a signal cannot cross IPC). */
export type HumanQuestionPayload = Omit<HumanRequest, 'signal'>;

/** The run needs a person's answer; the parent replies with `humanAnswer` and the same id. */
export interface HumanAskMessage {
  type: 'humanAsk';
  id: number;
  question: HumanQuestionPayload;
}

/** The question `id` is no longer needed (the run was cancelled or the human timed out): close its form. */
export interface HumanCancelMessage {
  type: 'humanCancel';
  id: number;
}

/** One trace event, in order (the same events as in trace.jsonl). */
export interface EventMessage {
  type: 'event';
  event: RunEvent;
}

/**
 * The run finished (in any outcome); the child exits after sending it. The fields are the runtime's
 * RunResult minus what stays in the child (node outputs, the visit order and the span records).
 */
export interface DoneMessage extends Pick<RunResult, 'runId' | 'graph' | 'outcome' | 'output' | 'error' | 'totals' | 'escalated' | 'nodes' | 'tracePath'> {
  type: 'done';
}

/**
 * The run could not start or the host failed outside the runtime. `diagnostics` lists a spec's
 * errors as `file:line:col: AGxxxx message` when it did not compile.
 */
export interface ErrorMessage {
  type: 'error';
  message: string;
  diagnostics?: string[];
}

export type ChildMessage = DescribedMessage | HumanAskMessage | HumanCancelMessage | EventMessage | DoneMessage | ErrorMessage;

/** Rejects anything that is not a parent message (IPC carries whatever the other side sends). */
export function isParentMessage(m: unknown): m is ParentMessage {
  if (!m || typeof m !== 'object') return false;
  const t = (m as { type?: unknown }).type;
  if (t === 'start') {
    const s = m as Partial<StartMessage>;
    return typeof s.specPath === 'string' && typeof s.root === 'string' && typeof s.graph === 'string' && (s.provider === 'simulated' || s.provider === 'openai');
  }
  if (t === 'describe') {
    const d = m as Partial<DescribeMessage>;
    return typeof d.id === 'number' && typeof d.specPath === 'string' && typeof d.root === 'string';
  }
  if (t === 'cancel') return true;
  if (t === 'humanAnswer') return typeof (m as { id?: unknown }).id === 'number';
  return false;
}

/** Rejects anything that is not a child message. */
export function isChildMessage(m: unknown): m is ChildMessage {
  if (!m || typeof m !== 'object') return false;
  const t = (m as { type?: unknown }).type;
  return t === 'described' || t === 'humanAsk' || t === 'humanCancel' || t === 'event' || t === 'done' || t === 'error';
}
