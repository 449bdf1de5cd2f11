// The formatter: the canonical layout on hand-written cases, idempotence and meaning
// preservation over every example, and the same over fuzzed whitespace variants of them.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { applyEdits, formatEdits, formatText, tokenSignature } from '../../server/src/features/format.ts';
import { analyzeFile } from '../../server/src/semantics/analyze.ts';
import { Program } from '../../server/src/semantics/program.ts';
import { DiagSink } from '../../server/src/syntax/diag-sink.ts';
import { lex } from '../../server/src/syntax/token-list.ts';
import { parse } from '../../server/src/syntax/parser.ts';

const EXAMPLES = path.resolve('examples');

function specFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? specFiles(p) : p.endsWith('.agentgraph') ? [p] : [];
  });
}

function diskRead(p: string): string | undefined {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return undefined;
  }
}

/** Diagnostic codes of `file` analysed with `text` in place of its content, sorted. */
function codes(file: string, text: string): string[] {
  const program = new Program({ readFile: (p) => (p === file ? text : diskRead(p)) }, EXAMPLES);
  return (analyzeFile(program, file)?.diagnostics ?? []).map((d) => d.code).sort();
}

function fmt(text: string): string {
  const out = formatText(text);
  assert.ok(out !== undefined, 'formatting was refused');
  return out;
}

test('the canonical layout', () => {
  const input = `import "models.agentgraph"
/// A ticket.
type Ticket { id: string,subject:string , tier: "free"|"pro" }
type Route  {category: "billing" | "other"
  , confidence: number  // how sure
}


type P=|"a"|"b"
model fast=openai("gpt-4o-mini"){temperature:0,max_tokens:300}
tool lookup(id: string)->{amount:number}{
description: "x"   effect: read
timeout: 5s
}
agent classify(ticket: Ticket) -> Route { model: fast
  prompt: """
      Classify {{ticket.id}}
         keep   this   as is
  """
  retry: 2 backoff exponential(250ms,max:4s)
  fallback: [ fast ]
}
agent billing(ticket: Ticket)->list<Route>? { model: fast, tools: [lookup], prompt: "Answer   {{ticket.id}}" }
graph Support(ticket: Ticket) -> Route { budget { cost: $0.10, latency: 60s }
  start->classify(ticket)
  classify -> billing(ticket) when classify.category=="billing"&&!(classify.confidence< -1)
     max 2
  classify -> end(classify) otherwise
  billing -> end(billing[0]) /* trailing */
  supervise w [classify, billing] one_for_one(max_restarts: 3, within: 60s)
}
eval e for Support { dataset: "x.jsonl"
  assert run.cost < $0.05 }
`;
  const expected = `import "models.agentgraph"
/// A ticket.
type Ticket { id: string, subject: string, tier: "free" | "pro" }

type Route {
  category: "billing" | "other",
  confidence: number // how sure
}

type P = | "a" | "b"
model fast = openai("gpt-4o-mini") { temperature: 0, max_tokens: 300 }

tool lookup(id: string) -> { amount: number } {
  description: "x"
  effect: read
  timeout: 5s
}

agent classify(ticket: Ticket) -> Route {
  model: fast
  prompt: """
      Classify {{ticket.id}}
         keep   this   as is
  """
  retry: 2 backoff exponential(250ms, max: 4s)
  fallback: [fast]
}

agent billing(ticket: Ticket) -> list<Route>? { model: fast, tools: [lookup], prompt: "Answer   {{ticket.id}}" }

graph Support(ticket: Ticket) -> Route {
  budget { cost: $0.10, latency: 60s }
  start -> classify(ticket)
  classify -> billing(ticket) when classify.category == "billing" && !(classify.confidence < -1)
    max 2
  classify -> end(classify) otherwise
  billing -> end(billing[0]) /* trailing */
  supervise w [classify, billing] one_for_one(max_restarts: 3, within: 60s)
}

eval e for Support {
  dataset: "x.jsonl"
  assert run.cost < $0.05
}
`;
  assert.equal(fmt(input), expected);
  assert.equal(fmt(expected), expected);
});

test('lists and argument lists: exploded when their first item starts a new line', () => {
  const input = `agent a(t: string) -> string {
  tools: [
    x, y,
       z]
  prompt: "p"
}
graph G(t: string) -> string {
  start -> a(t,
        t)
  a -> end(a)
}
`;
  assert.equal(
    fmt(input),
    `agent a(t: string) -> string {
  tools: [
    x,
    y,
    z
  ]
  prompt: "p"
}

graph G(t: string) -> string {
  start -> a(t,
    t)
  a -> end(a)
}
`,
  );
});

test('comments are kept where they are; blank lines are kept, at most one', () => {
  const input = `// header


/// Doc of A.
type A { x: string }   // trailing
/* block
   comment */
type B {
  // inside
  y: number


  z: number
  // last
}
`;
  assert.equal(
    fmt(input),
    `// header

/// Doc of A.
type A { x: string } // trailing

/* block
   comment */
type B {
  // inside
  y: number

  z: number
  // last
}
`,
  );
});

test('line endings are kept (CRLF stays CRLF)', () => {
  const out = fmt('type A {\r\n  x:string\r\n}\r\n');
  assert.equal(out, 'type A {\r\n  x: string\r\n}\r\n');
});

test('a file with syntax errors is not formatted', () => {
  assert.equal(formatEdits('agent a(t: string -> string { model: m'), undefined);
  assert.equal(formatEdits('type A { x: "unterminated }'), undefined);
});

test('range formatting formats only the declarations the range touches', () => {
  const text = 'type A{x:string}\ntype B{y:string}\ntype C{z:string}\n';
  const start = text.indexOf('type B');
  const edits = formatEdits(text, { start: start + 2, end: start + 4 })!;
  assert.equal(applyEdits(text, edits), 'type A{x:string}\ntype B { y: string }\ntype C{z:string}\n');
});

test('the edits only touch whitespace between tokens and comments', () => {
  const text = readFileSync(path.join(EXAMPLES, 'support.agentgraph'), 'utf8').replace(/ +->/g, '->');
  for (const e of formatEdits(text)!) assert.match(text.slice(e.start, e.end), /^\s*$/);
});

for (const file of specFiles(EXAMPLES)) {
  const rel = path.relative(EXAMPLES, file);
  test(`examples/${rel}: formatting is idempotent and preserves tokens and diagnostics`, () => {
    const text = readFileSync(file, 'utf8');
    const out = formatText(text);
    if (parse(text).diagnostics.length > 0) {
      assert.equal(out, undefined, 'a file with syntax errors is left alone');
      return;
    }
    assert.ok(out !== undefined);
    assert.equal(formatText(out), out, 'idempotent');
    assert.deepEqual(tokenSignature(out), tokenSignature(text), 'same tokens');
    assert.deepEqual(codes(file, out), codes(file, text), 'same diagnostics');
  });
}

/** Random whitespace in the gaps between tokens (comments untouched), never gluing two tokens. */
function fuzzWhitespace(text: string, choices: number[]): string {
  const s = lex(text, new DiagSink());
  const pieces = [' ', '', '\n', '  ', '\n\n\n', '\t', ' \n    ', '\n  '];
  let out = '';
  let prev = 0;
  for (let i = 0; i < s.count - 1; i++) {
    const start = s.starts[i]!;
    const gap = text.slice(prev, start);
    const c = choices[i % choices.length]!;
    if (/^[ \t\r\n]*$/.test(gap) && c < pieces.length) {
      let ws = pieces[c]!;
      // Keep a separator where one was (two words must not merge), and keep existing line breaks
      // before a '[' (a line break decides between an index and a join edge).
      if (ws === '' && gap !== '') ws = ' ';
      if (text.charCodeAt(start) === 91 && /\n/.test(gap) !== /\n/.test(ws)) ws = gap;
      out += ws;
    } else out += gap;
    out += text.slice(start, s.ends[i]!);
    prev = s.ends[i]!;
  }
  return out + text.slice(prev);
}

test('fuzzed whitespace variants of the examples: idempotent, same tokens, same diagnostics', () => {
  const files = specFiles(EXAMPLES).filter((f) => parse(readFileSync(f, 'utf8')).diagnostics.length === 0);
  fc.assert(
    fc.property(fc.constantFrom(...files), fc.array(fc.nat({ max: 20 }), { minLength: 1, maxLength: 64 }), (file, choices) => {
      const variant = fuzzWhitespace(readFileSync(file, 'utf8'), choices);
      const out = formatText(variant);
      if (parse(variant).diagnostics.length > 0) return out === undefined;
      assert.ok(out !== undefined, 'formats');
      assert.equal(formatText(out), out, 'idempotent');
      assert.deepEqual(tokenSignature(out), tokenSignature(variant), 'same tokens');
      assert.deepEqual(codes(file, out), codes(file, variant), 'same diagnostics');
      return true;
    }),
    { numRuns: 60, seed: 20250101 },
  );
});
