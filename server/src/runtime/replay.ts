// "Run from here" (time travel): a new run of a finished run's graph that starts again at a chosen
// node. The new run gets the old run's input and seed and, in its journal, every step the old run
// recorded before the chosen node's first execution; the executor replays those steps from the
// journal (as a resume does), so the chosen node runs again with exactly the inputs it had, and
// everything after it runs afresh. The chosen node's prompt may be replaced for that execution.

import type { CheckpointState, RunStore, StepRecord } from './checkpoint.ts';
import type { DebugHooks } from './debug.ts';

export interface ReplayOptions {
  /** The finished (or interrupted) run to start from; its checkpoint must be in the run store. */
  fromRunId: string;
  /** The node (of the run's graph) to run again. */
  node: string;
  /** A user prompt to send instead of the rendered one when that node runs again (agents only). */
  promptOverride?: string;
}

export interface ReplaySeed {
  input: unknown;
  seed: number;
  /** The recorded steps before the chosen node, marked as coming from an earlier session. */
  steps: Record<string, StepRecord>;
}

/** The input, seed and journal a run-from-here starts with; throws when the old run cannot serve. */
export function replaySeed(store: RunStore | undefined, replay: ReplayOptions, graph: string): ReplaySeed {
  const prior: CheckpointState | undefined = store?.load(replay.fromRunId);
  if (!prior) throw new Error(`cannot run from '${replay.node}' of run '${replay.fromRunId}': no checkpoint of that run found`);
  if (prior.graph !== graph) throw new Error(`cannot run from run '${replay.fromRunId}': it ran graph ${prior.graph}, not ${graph}`);
  const steps: Record<string, StepRecord> = {};
  let found = false;
  // Steps are recorded in the order they finished (object keys keep insertion order in JSON).
  for (const [key, rec] of Object.entries(prior.steps)) {
    if (rec.node === replay.node && !key.includes('/')) {
      found = true;
      break;
    }
    steps[key] = { ...rec, session: 0 };
  }
  if (!found) throw new Error(`cannot run from '${replay.node}': it did not run in '${replay.fromRunId}' (or its output was not recorded)`);
  return { input: prior.input, seed: prior.seed, steps };
}

/** Hooks that replace the chosen node's prompt once, around the caller's own hooks (if any). */
export function promptOverrideHooks(inner: DebugHooks | undefined, node: string, prompt: string): DebugHooks {
  let used = false;
  return {
    async beforeNode(stop) {
      if (!used && stop.keyPrefix === '' && stop.node.name === node && stop.node.kind === 'agent') {
        used = true;
        stop.prompt = prompt;
      }
      await inner?.beforeNode?.(stop);
    },
    afterNode: inner?.afterNode && ((stop) => inner.afterNode!(stop)),
    beforeCall: inner?.beforeCall && ((stop) => inner.beforeCall!(stop)),
  };
}
