// Real event streams for the run-state and run-overlay tests: the example specs run by the
// runtime (runGraph) on the simulated provider and virtual time, with scripted answers and
// injected faults that steer each run down a known path. Nothing is hand-written: the events are
// what the editor's run bus would carry.

import { pathToFileURL } from 'node:url';
import * as path from 'node:path';
import { MemoryRunStore } from '../../server/src/runtime/checkpoint.ts';
import { answersHuman, type HumanChannel } from '../../server/src/runtime/human.ts';
import { createProvider, VirtualClock } from '../../server/src/runtime/providers/index.ts';
import type { FixtureFile } from '../../server/src/runtime/providers/fixtures.ts';
import { runGraph, type RunResult } from '../../server/src/runtime/run.ts';
import type { RunEvent } from '../../server/src/runtime/trace.ts';
import type { RunSessionData } from '../../client/src/run/run-state.ts';
import { EXAMPLES_DIR, exampleIR } from '../diagram/examples.ts';

export interface RecordedRun {
  events: RunEvent[];
  result: RunResult;
  session: RunSessionData;
}

export const TICKET = { id: 'T-1', customer_id: 'C-1', subject: 'Charged twice', body: 'My card was charged twice.', tier: 'pro' };
const LEAD_REPLY = { body: 'Refunded by hand.', cites: ['INV-1'], internal_note: 'done' };

export function sessionFor(example: string, graph: string, id = 'run-1'): RunSessionData {
  return { id, kind: 'run', specUri: pathToFileURL(path.join(EXAMPLES_DIR, `${example}.agentgraph`)).toString(), graph, provider: 'simulated', startedAt: 1_000 };
}

interface Options {
  example: string;
  graph: string;
  input: unknown;
  fixtures?: FixtureFile;
  faults?: string;
  human?: HumanChannel;
  /** Aborts the run once this returns true for an event. */
  cancelWhen?: (e: RunEvent) => boolean;
}

export async function record(o: Options): Promise<RecordedRun> {
  const clock = new VirtualClock();
  const provider = createProvider('simulated', { seed: 7, clock, ...(o.fixtures ? { fixtures: o.fixtures } : {}), ...(o.faults ? { faults: o.faults } : {}) });
  const events: RunEvent[] = [];
  const controller = new AbortController();
  const result = await runGraph({
    ir: exampleIR(o.example),
    graph: o.graph,
    input: o.input,
    provider,
    clock,
    human: o.human ?? answersHuman({}),
    store: new MemoryRunStore(),
    noCache: true,
    signal: controller.signal,
    env: {},
    onEvent: (e) => {
      // The bus hands events to views as they come; a copy keeps later changes out.
      events.push(structuredClone(e));
      if (o.cancelWhen?.(e)) controller.abort();
    },
  });
  return { events, result, session: sessionFor(o.example, o.graph) };
}

/** triage retries once (a 429), billing drafts, review rejects once, billing revises, review accepts. */
export const supportLoop = () =>
  record({
    example: 'support',
    graph: 'Support',
    input: { ticket: TICKET },
    faults: 'triage:429@1',
    fixtures: {
      agents: {
        triage: [{ content: { category: 'billing', confidence: 0.9, summary: 'double charge' } }],
        billing: [{ content: { body: 'Here is what happened.', cites: ['INV-1'] } }],
        review: [{ content: { ok: false, problems: ['cite the invoice'] } }, { content: { ok: true, problems: [] } }],
      },
    },
  });

/** triage is unsure, so the ticket goes to the support lead, who answers. */
export const supportHuman = () =>
  record({
    example: 'support',
    graph: 'Support',
    input: { ticket: TICKET },
    fixtures: { agents: { triage: [{ content: { category: 'other', confidence: 0.4, summary: 'unclear' } }] } },
    human: answersHuman({ support_lead: LEAD_REPLY }),
  });

/** review fails on every attempt (retry: 1, so it retries once), with a message that is markup: the run fails. */
export const XSS = '<img src=x onerror="document.body.dataset.pwned=1">';
export const supportFails = () =>
  record({
    example: 'support',
    graph: 'Support',
    input: { ticket: TICKET },
    fixtures: {
      agents: {
        triage: [{ content: { category: 'technical', confidence: 0.95, summary: 'outage' } }],
        technical: [{ content: { body: 'We are on it.', cites: ['KB-1'] } }],
        review: [{ error: { kind: 'server', status: 503, message: XSS } }],
      },
    },
  });

/** Cancelled while triage runs. */
export const supportCancelled = () =>
  record({
    example: 'support',
    graph: 'Support',
    input: { ticket: TICKET },
    fixtures: { agents: { triage: [{ content: { category: 'billing', confidence: 0.9, summary: 'x' } }] } },
    cancelWhen: (e) => e.type === 'node_status' && e.node === 'triage' && e.status === 'running',
  });

/** research fans out to one researcher per sub-question (three), then joins. */
export const researchFanOut = () =>
  record({
    example: 'research',
    graph: 'Research',
    input: { question: 'Why is the sky blue?', audience: 'engineer' },
    fixtures: { agents: { scope: [{ content: { sub_questions: ['a', 'b', 'c'], must_cover: ['x'] } }] } },
  });
