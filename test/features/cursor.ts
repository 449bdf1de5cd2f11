// The `<|>` cursor fixture helper of the feature tests: a spec text with one `<|>` marking the
// cursor (or `<|` … `|>` marking a range) becomes the plain text, the cursor offset, and an
// analysis of it inside a small in-memory workspace that other files can be added to.

import * as path from 'node:path';
import { analyzeFile, type Analysis } from '../../server/src/semantics/analyze.ts';
import { Program } from '../../server/src/semantics/program.ts';

export const ROOT = '/ws';
export const MAIN = path.join(ROOT, 'main.agentgraph');

export interface Fixture {
  text: string;
  offset: number;
  /** End of a `<|…|>` range (equal to offset for a plain cursor). */
  end: number;
  files: Map<string, string>;
  program: Program;
  analysis: Analysis;
  path: string;
}

/** Splits `<|>` (a cursor) or `<|`…`|>` (a range) out of a text. */
export function cursor(marked: string): { text: string; offset: number; end: number } {
  const at = marked.indexOf('<|>');
  if (at >= 0) return { text: marked.slice(0, at) + marked.slice(at + 3), offset: at, end: at };
  const open = marked.indexOf('<|');
  const close = marked.indexOf('|>', open + 2);
  if (open >= 0 && close > open) {
    const text = marked.slice(0, open) + marked.slice(open + 2, close) + marked.slice(close + 2);
    return { text, offset: open, end: close - 2 };
  }
  return { text: marked, offset: marked.length, end: marked.length };
}

/**
 * Analyses `marked` as /ws/main.agentgraph next to `others` (paths relative to /ws → text).
 * The cursor marker is removed first.
 */
export function fixture(marked: string, others: Record<string, string> = {}): Fixture {
  const { text, offset, end } = cursor(marked);
  const files = new Map<string, string>([[MAIN, text]]);
  for (const [rel, t] of Object.entries(others)) files.set(path.join(ROOT, rel), t);
  const program = new Program({ readFile: (p) => files.get(p) }, ROOT);
  const analysis = analyzeFile(program, MAIN)!;
  return { text, offset, end, files, program, analysis, path: MAIN };
}

/** Re-analyses `text` in place of main.agentgraph in the same workspace. */
export function reanalyse(f: Fixture, text: string, extra: Record<string, string | undefined> = {}): Analysis {
  const files = new Map(f.files);
  files.set(MAIN, text);
  for (const [p, t] of Object.entries(extra)) {
    if (t === undefined) files.delete(p);
    else files.set(p, t);
  }
  const program = new Program({ readFile: (p) => files.get(p) }, ROOT);
  return analyzeFile(program, MAIN)!;
}

/** The shared support-desk spec most feature tests start from (the language reference's example). */
export const SUPPORT = `type Ticket { id: string, subject: string, body: string, tier: "free" | "pro" | "enterprise" }
/// Where a ticket should go.
type Route  {
  /// The queue.
  category: "billing" | "technical" | "other"
  confidence: number
}
type Draft  { reply: string, cites: list<string> }
type Verdict { ok: boolean, problems: list<string> }

model fast  = openai("gpt-4o-mini") { temperature: 0, max_tokens: 300 }
model smart = openai("gpt-4o")      { temperature: 0.2, max_tokens: 800 }

tool lookup_invoice(invoice_id: string) -> { amount: number, status: "paid" | "due" } {
  description: "Fetch one invoice by id"
  effect: read
  timeout: 5s
}

/// Sorts tickets into queues.
agent classify(ticket: Ticket) -> Route {
  model: fast
  prompt: """
    Classify this support ticket.
    Subject: {{ticket.subject}}
    {{ticket.body}}
  """
  retry: 2 backoff exponential(250ms, max: 4s)
  fallback: [smart]
  cache: 24h
}
agent billing(ticket: Ticket) -> Draft { model: smart, tools: [lookup_invoice], prompt: "Answer {{ticket.body}}" }
agent critic(draft: Draft, ticket: Ticket) -> Verdict { model: fast, prompt: """Check {{draft.reply}} against {{ticket.body}}.""" }
human support_lead(ticket: Ticket) -> Draft { timeout: 4h }
`;
