// Property tests: `parse` never throws, every node range lies inside the text and inside its
// parent's, and no two diagnostics start at the same offset, for random text, random token soup,
// and thousands of random mutations (deleted, duplicated, swapped and truncated slices) of the
// fixtures and examples.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { parse, parseExpression } from '../../server/src/syntax/parser.ts';
import { validateParse } from '../../server/src/syntax/validate.ts';

function sources(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.agentgraph'))
    .sort()
    .map((f) => readFileSync(path.join(dir, f), 'utf8'));
}

const corpus = [...sources(path.join(__dirname, '..', 'fixtures', 'syntax')), ...sources(path.join(__dirname, '..', '..', 'examples'))];

function check(text: string): void {
  const result = parse(text);
  const problems = validateParse(text, result.file, result.diagnostics);
  assert.deepEqual(problems, [], `input: ${JSON.stringify(text.length > 400 ? text.slice(0, 400) + '…' : text)}`);
  const expr = parseExpression(text);
  assert.deepEqual(validateParse(text, expr.expr, expr.diagnostics), []);
}

const VOCAB = [
  'import', 'type', 'model', 'tool', 'agent', 'human', 'graph', 'eval', 'for', 'in', 'when', 'otherwise', 'max',
  'start', 'end', 'supervise', 'escalate', 'assert', 'budget', 'backoff', 'true', 'false', 'null', 'list', 'map',
  'string', 'number', 'x', 'y', 'ticket', '{', '}', '(', ')', '[', ']', ',', ':', '.', '?', '|', '=', '==', '!=', '!',
  '<', '>', '<=', '>=', '+', '-', '*', '/', '&&', '||', '->', '12', '0.5', '1e6', '250ms', '5s', '$0.10', '5x', '$',
  '"s"', '"{{x.y}}"', '"{{', '}}"', '"""', '"""a {{b}}"""', '///', '//', '/*', '*/', '\\', '#', '\n', '"', '{{', '}}',
];

const mutation = fc.record({
  op: fc.constantFrom('delete', 'duplicate', 'swap', 'truncate', 'insert'),
  a: fc.double({ min: 0, max: 1, noNaN: true }),
  b: fc.double({ min: 0, max: 1, noNaN: true }),
  len: fc.nat({ max: 60 }),
  junk: fc.constantFrom(...VOCAB),
});

type Mutation = { op: string; a: number; b: number; len: number; junk: string };

function mutate(text: string, muts: Mutation[]): string {
  let t = text;
  for (const m of muts) {
    const i = Math.floor(m.a * t.length);
    const j = Math.min(t.length, i + m.len);
    switch (m.op) {
      case 'delete':
        t = t.slice(0, i) + t.slice(j);
        break;
      case 'duplicate':
        t = t.slice(0, j) + t.slice(i, j) + t.slice(j);
        break;
      case 'swap': {
        const k = Math.floor(m.b * t.length);
        const l = Math.min(t.length, k + m.len);
        if (l <= i || k >= j) {
          const [first, second] = k < i ? [[k, l], [i, j]] : [[i, j], [k, l]];
          t =
            t.slice(0, first[0]) + t.slice(second[0], second[1]) + t.slice(first[1], second[0]) + t.slice(first[0], first[1]) + t.slice(second[1]);
        }
        break;
      }
      case 'truncate':
        t = t.slice(0, i);
        break;
      default:
        t = t.slice(0, i) + m.junk + t.slice(i);
    }
  }
  return t;
}

test('random text never breaks the parser', () => {
  fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), check), { numRuns: 1000 });
});

test('random token soup never breaks the parser', () => {
  const soup = fc
    .array(fc.tuple(fc.constantFrom(...VOCAB), fc.constantFrom(' ', '', '\n', '  ')), { maxLength: 120 })
    .map((parts) => parts.map(([tok, sep]) => tok + sep).join(''));
  fc.assert(fc.property(soup, check), { numRuns: 1500 });
});

test('mutated fixtures and examples never break the parser', () => {
  assert.ok(corpus.length >= 10);
  const arb = fc.tuple(fc.nat({ max: corpus.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 6 }));
  fc.assert(
    fc.property(arb, ([index, muts]) => check(mutate(corpus[index]!, muts))),
    { numRuns: 2500 },
  );
});

test('every prefix of a fixture parses cleanly in structure', () => {
  // Truncation at every offset simulates a file being typed from top to bottom.
  const text = corpus.find((t) => t.includes('graph Support')) ?? corpus[0]!;
  for (let i = 0; i <= text.length; i += 3) check(text.slice(0, i));
});
