// Unit tests of the parser: every syntax diagnostic code from a tiny input, recovery, the
// one-error-per-position rule, range nesting, strings (escapes, dedent, templates), doc comments,
// literal values and the graph constructs.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type {
  AgentDecl,
  Decl,
  Edge,
  EvalDecl,
  Expr,
  GraphDecl,
  ModelDecl,
  Node,
  Property,
  StringLit,
  Supervise,
  TypeDecl,
} from '../../server/src/syntax/ast.ts';
import { SYNTAX_CODES } from '../../server/src/syntax/codes.ts';
import { parse, parseExpression, type ParseResult } from '../../server/src/syntax/parser.ts';
import { parseTemplateText } from '../../server/src/syntax/templates.ts';
import { validateParse } from '../../server/src/syntax/validate.ts';
import { walk } from '../../server/src/syntax/walk.ts';

/** Parses and asserts the structural invariants, so every test checks them too. */
function ok(text: string): ParseResult {
  const result = parse(text);
  assert.deepEqual(validateParse(text, result.file, result.diagnostics), [], `invariants of ${JSON.stringify(text)}`);
  return result;
}

function codes(text: string): string[] {
  return ok(text).diagnostics.map((d) => d.code);
}

function decl<T extends Decl>(text: string, index = 0): T {
  const result = ok(text);
  assert.deepEqual(result.diagnostics, [], 'expected no diagnostics');
  return result.file.decls[index] as T;
}

function prop(props: Property[], key: string): Expr {
  const p = props.find((x) => x.key.text === key);
  assert.ok(p, `property ${key}`);
  return p.value;
}

describe('diagnostic codes', () => {
  const cases: [string, string][] = [
    ['AG1001', 'type A { a: string } #'],
    ['AG1002', 'import "abc'],
    ['AG1002', 'agent a() -> T { prompt: """never closed }'],
    ['AG1003', 'type A { a: string } /* open'],
    ['AG1004', 'agent a(x: T -> T { model: m }'],
    ['AG1005', 'hello'],
    ['AG1006', 'agent a() -> T { model: }'],
    ['AG1007', 'type A { a: 5s }'],
    ['AG1008', 'agent a() -> T { timeout: 5x }'],
    ['AG1008', 'agent a() -> T { version: 1.2.3 }'],
    ['AG1009', 'agent a() -> T { prompt: "hi {{ x" }'],
    ['AG1009', 'agent a() -> T { prompt: "hi {{ }}" }'],
    ['AG1010', `agent a() -> T { v: ${'['.repeat(300)}${']'.repeat(300)} }`],
  ];
  for (const [code, text] of cases) {
    test(`${code}: ${text.length > 60 ? text.slice(0, 60) + '…' : text}`, () => {
      const result = ok(text);
      assert.ok(
        result.diagnostics.some((d) => d.code === code),
        `expected ${code}, got ${JSON.stringify(result.diagnostics)}`,
      );
      for (const d of result.diagnostics) {
        assert.equal(d.severity, 'error');
        assert.equal(d.file, undefined);
        assert.ok(d.code in SYNTAX_CODES, `${d.code} is registered`);
        assert.match(d.message, /[.!]$/, 'messages are sentences');
      }
    });
  }

  test('every registered code has a title', () => {
    for (const [code, title] of Object.entries(SYNTAX_CODES)) {
      assert.match(code, /^AG10\d\d$/);
      assert.ok(title.length > 0);
    }
  });

  test('messages say what to do and name the owner', () => {
    const [d] = ok('agent classify(t: T) -> R {\n  model: fast\n').diagnostics;
    assert.equal(d?.message, "Expected '}' to close the block of agent 'classify'.");
    const [u] = ok('type A { a: string }\n#').diagnostics;
    assert.equal(u?.message, "Unexpected character '#'. Remove it.");
  });

  test('deep nesting of every kind is reported, not a stack overflow', () => {
    const inputs = [
      `eval e for G { x: ${'('.repeat(5000)}1${')'.repeat(5000)} }`,
      `eval e for G { x: ${'{a:'.repeat(5000)}1${'}'.repeat(5000)} }`,
      `eval e for G { x: ${'!'.repeat(5000)}a }`,
      `eval e for G { x: a${' + a'.repeat(5000)} }`,
      `eval e for G { x: a${'.b'.repeat(5000)} }`,
      `eval e for G { x: a${'[0]'.repeat(5000)} }`,
      `type A = ${'list<'.repeat(5000)}string${'>'.repeat(5000)}`,
      `type A = ${'('.repeat(5000)}string${')'.repeat(5000)}`,
      `type A = ${'{a:'.repeat(5000)}string${'}'.repeat(5000)}`,
      `agent a() -> T { p: "{{ ${'('.repeat(5000)} }}" }`,
    ];
    for (const text of inputs) {
      const result = ok(text);
      assert.ok(
        result.diagnostics.some((d) => d.code === 'AG1010'),
        `AG1010 for ${text.slice(0, 30)}: ${JSON.stringify(result.diagnostics.slice(0, 3))}`,
      );
    }
  });
});

describe('recovery', () => {
  test('a broken agent in the middle keeps the declarations before and after it', () => {
    const text = [
      'type Ticket { id: string }',
      'agent first(t: Ticket) -> string { model: fast, prompt: "one" }',
      'agent broken(t: Ticket -> string {',
      '  model: fast',
      '  prompt: "two" +',
      '  retry: 2 backoff',
      '}',
      'agent third(t: Ticket) -> string { model: fast, prompt: "three" }',
      'graph G(t: Ticket) -> string { start -> first(t) first -> end(first) }',
    ].join('\n');
    const result = ok(text);
    assert.deepEqual(
      result.file.decls.map((d) => `${d.kind}:${'name' in d ? d.name.text : ''}`),
      ['TypeDecl:Ticket', 'AgentDecl:first', 'AgentDecl:broken', 'AgentDecl:third', 'GraphDecl:G'],
    );
    const broken = result.file.decls[2] as AgentDecl;
    assert.deepEqual(
      broken.props.map((p) => p.key.text),
      ['model', 'prompt', 'retry'],
    );
    const third = result.file.decls[3] as AgentDecl;
    assert.equal(third.props.length, 2);
    assert.ok(result.diagnostics.length >= 1 && result.diagnostics.length <= 4, JSON.stringify(result.diagnostics));
  });

  test('an unclosed block ends at the next declaration', () => {
    const result = ok('agent a(x: T) -> T {\n  model: fast\nagent b(x: T) -> T { model: fast }\n');
    assert.equal(result.file.decls.length, 2);
    assert.equal(result.diagnostics.length, 1);
    assert.equal(result.diagnostics[0]?.code, 'AG1004');
  });

  test('a property named like a declaration keyword is not mistaken for one', () => {
    const a = decl<AgentDecl>('agent a(x: T) -> T {\n  model: fast\n  tool: x\n  type: y\n}');
    assert.deepEqual(
      a.props.map((p) => p.key.text),
      ['model', 'tool', 'type'],
    );
  });

  test('junk at the top level resyncs on the next declaration keyword or doc comment', () => {
    // The junk after the doc comment is not reported: nothing was parsed successfully since the
    // first error (panic mode).
    const result = ok('what is this\n}\n/// Doc.\nfoo bar\ntype A { a: string }\n');
    assert.deepEqual(
      result.file.decls.map((d) => d.kind),
      ['TypeDecl'],
    );
    assert.deepEqual(
      result.diagnostics.map((d) => d.code),
      ['AG1005'],
    );
    const two = ok('what\ntype A { a: string }\n) junk\ntype B = A');
    assert.deepEqual(
      two.diagnostics.map((d) => d.code),
      ['AG1005', 'AG1005'],
    );
    assert.equal(two.file.decls.length, 2);
  });

  test('a very deep pile of brackets at the top level is skipped without recursion', () => {
    const result = ok('['.repeat(100000) + '\ntype A = string');
    assert.equal(result.file.decls.length, 1);
  });

  test('argument and parameter lists recover at commas and closing parentheses', () => {
    const result = ok('agent a(x: T, y: , z: U) -> T { p: f(1, , 2, ]) }');
    const a = result.file.decls[0] as AgentDecl;
    assert.deepEqual(
      a.params.map((p) => p.name.text),
      ['x', 'y', 'z'],
    );
    assert.equal(a.params[1]?.type.kind, 'ErrorType');
    const call = prop(a.props, 'p');
    assert.equal(call.kind, 'Call');
  });

  test('a half-typed file still yields complete shapes', () => {
    const result = ok('agent a(');
    const a = result.file.decls[0] as AgentDecl;
    assert.equal(a.kind, 'AgentDecl');
    assert.equal(a.result.kind, 'ErrorType');
    assert.deepEqual(a.props, []);
    const m = ok('model').file.decls[0] as ModelDecl;
    assert.equal(m.name.missing, true);
    assert.equal(m.name.text, '');
    assert.equal(m.provider.missing, true);
    assert.equal(m.modelId, undefined);
  });

  test('a missing value before the next property is reported once', () => {
    const result = ok('agent a() -> T {\n  model:\n  prompt: "x"\n}');
    assert.deepEqual(
      result.diagnostics.map((d) => d.code),
      ['AG1006'],
    );
    const a = result.file.decls[0] as AgentDecl;
    assert.equal(prop(a.props, 'model').kind, 'ErrorExpr');
    assert.equal(prop(a.props, 'prompt').kind, 'StringLit');
  });
});

describe('one error per position', () => {
  const broken = [
    'agent',
    'agent a',
    'agent a(',
    'agent a(x',
    'agent a(x:',
    'agent a(x: T',
    'agent a(x: T)',
    'agent a(x: T) ->',
    'agent a(x: T) -> {',
    'agent a(x: T) -> T {',
    'agent a(x: T) -> T { model',
    'agent a(x: T) -> T { model:',
    'agent a(x: T) -> T { model: [',
    'agent a(x: T) -> T { model: f(',
    'graph G() -> T { a -> ',
    'graph G() -> T { a -> b(',
    'graph G() -> T { a -> b() when',
    'graph G() -> T { a -> b() max',
    'graph G() -> T { [a, ',
    'graph G() -> T { supervise',
    'graph G() -> T { supervise [a] x(',
    'eval e for',
    'eval e for G { assert',
    'type A = ',
    'type A = list<',
    'type A { a:',
    'type A { a?',
    'model m = openai(',
    '"""',
    '"',
    '$',
    '{{}}}}{{',
    ')))]]]}}}',
    '-> -> ->',
    '@@@ ### $$$',
    '\u0000\u0001\uffff\ud800',
  ];
  for (const text of broken) {
    test(JSON.stringify(text), () => {
      const result = ok(text);
      const starts = result.diagnostics.map((d) => d.start);
      assert.equal(new Set(starts).size, starts.length, JSON.stringify(result.diagnostics));
    });
  }

  test('one typo gives one diagnostic', () => {
    assert.equal(codes('agent a(x: T) -> T { model: fast prompt "x" }').length, 1);
    assert.equal(codes('type A { a: string, b: }').length, 1);
    assert.equal(codes('graph G() -> T { start -> a(x) when }').length, 1);
    assert.equal(codes('model m = openai("gpt) { temperature: 0 }').length, 1);
  });
});

describe('ranges', () => {
  test('every node lies inside its parent and the text', () => {
    const text = [
      '/// Doc.',
      'type A { a: list<string>?, b: { c: "x" | 1 | true } }',
      'agent a(x: A) -> A { p: """\n  {{ x.a[0] + f(y: 1) }}\n""", r: 2 backoff linear(1s) }',
      'graph G(x: A) -> A { budget { cost: $1 } start -> a(x) for i in x.a max 2 when !x max 3 [a, b] -> [c(), d()] a -> end() supervise s [a] one_for_one() escalate h }',
      'eval e for G { assert (a) == -b }',
    ].join('\n');
    const result = ok(text);
    assert.deepEqual(result.diagnostics, []);
    let count = 0;
    walk(result.file, () => {
      count++;
    });
    assert.ok(count > 80);
  });

  test('parenthesised operands are inside the binary node', () => {
    const { expr } = parseExpression('(a + b) * c');
    assert.equal(expr.kind, 'Binary');
    assert.equal(expr.start, 0);
    assert.equal(expr.end, 11);
  });
});

describe('strings', () => {
  test('escapes are cooked', () => {
    const { expr } = parseExpression(String.raw`"a\"b\\c\nd\te\rf\{g\}h"`);
    assert.equal((expr as StringLit).value, 'a"b\\c\nd\te\rf{g}h');
  });

  test('triple-quoted strings are raw and dedented', () => {
    const text = 'agent a() -> T { p: """\n    line one\n      indented\n\n    {{x}} \\n raw\n  """ }';
    const a = decl<AgentDecl>(text);
    const s = prop(a.props, 'p') as StringLit;
    assert.equal(s.triple, true);
    assert.equal(s.value, 'line one\n  indented\n\n{{x}} \\n raw');
  });

  test('dedent keeps a first line that has text and drops only blank edge lines', () => {
    const cases: [string, string][] = [
      ['"""abc"""', 'abc'],
      ['"""  abc  """', 'abc  '],
      ['"""\n  a\n   b\n"""', 'a\n b'],
      ['"""first\n  second\n"""', 'first\n  second'],
      ['"""\n\ta\n\tb"""', 'a\nb'],
      ['"""\r\n  a\r\n  b\r\n"""', 'a\nb'],
      ['"""\n   \n"""', ''],
      ['"""say \\""" and \\{{x}}"""', 'say """ and {{x}}'],
    ];
    for (const [src, value] of cases) {
      const { expr, diagnostics } = parseExpression(src);
      assert.deepEqual(diagnostics, [], src);
      assert.equal((expr as StringLit).value, value, src);
    }
  });

  test('template offsets point at the expression text in the file', () => {
    const text = 'agent a(ticket: T) -> T {\n  p: """\n    Subject: {{ ticket.subject }}\n    {{inputs(x).y}}\n  """\n  q: "id {{ticket.id}} \\{{not}}"\n}';
    const a = decl<AgentDecl>(text);
    const p = prop(a.props, 'p') as StringLit;
    assert.deepEqual(
      p.templates.map((t) => text.slice(t.start, t.end)),
      ['{{ ticket.subject }}', '{{inputs(x).y}}'],
    );
    assert.deepEqual(
      p.templates.map((t) => text.slice(t.expr.start, t.expr.end)),
      ['ticket.subject', 'inputs(x).y'],
    );
    const q = prop(a.props, 'q') as StringLit;
    assert.deepEqual(
      q.templates.map((t) => text.slice(t.expr.start, t.expr.end)),
      ['ticket.id'],
    );
    assert.equal(q.value, 'id {{ticket.id}} {{not}}');
  });

  test('a template in a "…" string may hold string literals', () => {
    const text = 'agent a(t: T) -> T { p: "Say {{ matches(t.x, "^a+") }} now", q: 1 }';
    const a = decl<AgentDecl>(text);
    const p = prop(a.props, 'p') as StringLit;
    assert.equal(p.templates.length, 1);
    assert.equal(text.slice(p.templates[0]!.expr.start, p.templates[0]!.expr.end), 'matches(t.x, "^a+")');
    assert.equal(a.props.length, 2);
  });

  test('errors inside templates point into the string', () => {
    const text = 'agent a() -> T { p: "x {{ a. }} y" }';
    const [d] = ok(text).diagnostics;
    assert.equal(d?.code, 'AG1004');
    assert.ok(d !== undefined && d.start > text.indexOf('{{') && d.start < text.indexOf('}}') + 2);
  });

  test('parseTemplateText finds the templates of a prompt file', () => {
    const text = 'Hello {{ user.name }}!\nLiteral \\{{ here }}, and {{ items[0] }}.';
    const { templates, diagnostics } = parseTemplateText(text);
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(
      templates.map((t) => text.slice(t.expr.start, t.expr.end)),
      ['user.name', 'items[0]'],
    );
  });
});

describe('doc comments', () => {
  test('attach to declarations and fields', () => {
    const text = '/// Line one.\n///  indented\n///\ntype A {\n  /// Field.\n  a: string\n  b: number\n}\n// plain\nagent x() -> A { m: 1 }';
    const result = ok(text);
    const a = result.file.decls[0] as TypeDecl;
    assert.equal(a.doc, 'Line one.\n indented\n');
    assert.equal(a.type.kind, 'ObjectType');
    if (a.type.kind === 'ObjectType') {
      assert.equal(a.type.fields[0]?.doc, 'Field.');
      assert.equal(a.type.fields[1]?.doc, undefined);
    }
    assert.equal((result.file.decls[1] as AgentDecl).doc, undefined);
  });

  test('four slashes are an ordinary comment', () => {
    const a = decl<TypeDecl>('//// ruler\ntype A = string');
    assert.equal(a.doc, undefined);
  });

  test('docs attach to every kind of declaration', () => {
    const text = ['import "x"', 'type A = string', 'model m = openai("x")', 'tool t() -> A { }', 'agent a() -> A { }', 'human h() -> A', 'graph G() -> A { }', 'eval e for G { }']
      .map((d, i) => `/// Doc ${i}.\n${d}`)
      .join('\n');
    const result = ok(text);
    assert.deepEqual(result.diagnostics, []);
    assert.deepEqual(
      result.file.decls.map((d) => d.doc),
      result.file.decls.map((_, i) => `Doc ${i}.`),
    );
  });
});

describe('literals', () => {
  test('numbers, durations and money', () => {
    const values = (src: string) => parseExpression(src).expr;
    assert.deepEqual(values('12'), { kind: 'NumberLit', start: 0, end: 2, value: 12, integer: true });
    assert.deepEqual(values('0.5'), { kind: 'NumberLit', start: 0, end: 3, value: 0.5, integer: false });
    assert.deepEqual(values('1e6'), { kind: 'NumberLit', start: 0, end: 3, value: 1e6, integer: false });
    assert.deepEqual(values('250ms'), { kind: 'DurationLit', start: 0, end: 5, ms: 250, unit: 'ms' });
    assert.deepEqual(values('5s'), { kind: 'DurationLit', start: 0, end: 2, ms: 5000, unit: 's' });
    assert.deepEqual(values('2m'), { kind: 'DurationLit', start: 0, end: 2, ms: 120000, unit: 'm' });
    assert.deepEqual(values('4h'), { kind: 'DurationLit', start: 0, end: 2, ms: 14400000, unit: 'h' });
    assert.deepEqual(values('1d'), { kind: 'DurationLit', start: 0, end: 2, ms: 86400000, unit: 'd' });
    assert.deepEqual(values('1.5s'), { kind: 'DurationLit', start: 0, end: 4, ms: 1500, unit: 's' });
    assert.deepEqual(values('$0.10'), { kind: 'MoneyLit', start: 0, end: 5, usd: 0.1 });
    assert.deepEqual(values('$12'), { kind: 'MoneyLit', start: 0, end: 3, usd: 12 });
    assert.deepEqual(values('true'), { kind: 'BoolLit', start: 0, end: 4, value: true });
    assert.deepEqual(values('null'), { kind: 'NullLit', start: 0, end: 4 });
    assert.deepEqual(values('-3'), {
      kind: 'Unary',
      start: 0,
      end: 2,
      op: '-',
      operand: { kind: 'NumberLit', start: 1, end: 2, value: 3, integer: true },
    });
  });

  test('malformed numbers are reported and still become literals', () => {
    for (const [src, kind] of [
      ['5x', 'NumberLit'],
      ['1.2.3', 'NumberLit'],
      ['$', 'MoneyLit'],
      ['$5s', 'MoneyLit'],
      ['2min', 'NumberLit'],
    ] as const) {
      const { expr, diagnostics } = parseExpression(src);
      assert.equal(expr.kind, kind, src);
      assert.deepEqual(
        diagnostics.map((d) => d.code),
        ['AG1008'],
        src,
      );
    }
  });
});

describe('declarations and graph bodies', () => {
  test('retry with backoff', () => {
    const a = decl<AgentDecl>('agent a() -> T { retry: 2 backoff exponential(250ms, max: 4s) }');
    const retry = a.props[0]!;
    assert.equal(retry.value.kind, 'NumberLit');
    assert.equal(retry.backoff?.strategy.text, 'exponential');
    assert.deepEqual(
      retry.backoff?.args.map((x) => x.name?.text ?? null),
      [null, 'max'],
    );
  });

  test('edges: sources, targets and modifiers', () => {
    const g = decl<GraphDecl>(
      [
        'graph G(x: T) -> T {',
        '  start -> a(x)',
        '  a -> b(y: x) for t in a.items max 5 when ok max 2',
        '  [a, b] -> [c(a), d(b)]',
        '  c -> end(c)',
        '  d -> end() otherwise max 1',
        '  supervise workers [a, b] one_for_all(max_restarts: 1) escalate lead',
        '}',
      ].join('\n'),
    );
    const edges = g.items.filter((i): i is Edge => i.kind === 'Edge');
    assert.deepEqual(
      edges.map((e) => `${e.source.kind}->${e.target.kind}`),
      ['StartRef->NodeCall', 'NodeRef->NodeCall', 'JoinSource->FanOut', 'NodeRef->EndTarget', 'NodeRef->EndTarget'],
    );
    const fan = edges[1]!;
    assert.equal(fan.target.kind === 'NodeCall' && fan.target.forEach?.max?.value, 5);
    assert.equal(fan.max?.value, 2);
    assert.equal(fan.when?.kind, 'Ident');
    const last = edges[4]!;
    assert.ok(last.otherwise);
    assert.equal(last.max?.value, 1);
    assert.equal(last.target.kind === 'EndTarget' && last.target.value, undefined);
    const sup = g.items.find((i): i is Supervise => i.kind === 'Supervise')!;
    assert.equal(sup.name?.text, 'workers');
    assert.equal(sup.strategy.text, 'one_for_all');
    assert.equal(sup.escalate?.name.text, 'lead');
  });

  test('a max after a for-clause without when belongs to the fan-out; a second max to the edge', () => {
    const g = decl<GraphDecl>('graph G() -> T { a -> b(t) for t in xs max 3 max 4 }');
    const e = g.items[0] as Edge;
    assert.equal(e.target.kind === 'NodeCall' && e.target.forEach?.max?.value, 3);
    assert.equal(e.max?.value, 4);
  });

  test('an index cannot start a new line, so a join edge follows a condition', () => {
    const g = decl<GraphDecl>('graph G() -> T {\n  a -> b() when a.ok\n  [a, b] -> c()\n}');
    assert.equal(g.items.length, 2);
  });

  test('eval blocks hold properties and assertions', () => {
    const e = decl<EvalDecl>('eval triage for Support { dataset: "x.jsonl", assert a == b\n assert run.cost < $0.05\n pass_rate: 0.9 }');
    assert.equal(e.graph.text, 'Support');
    assert.deepEqual(
      e.props.map((p) => p.key.text),
      ['dataset', 'pass_rate'],
    );
    assert.equal(e.asserts.length, 2);
  });

  test('models: provider, id and block', () => {
    const m = decl<ModelDecl>('model fast = openai("gpt-4o-mini") { temperature: 0 }');
    assert.equal(m.provider.text, 'openai');
    assert.equal(m.modelId?.value, 'gpt-4o-mini');
    assert.equal(m.props.length, 1);
  });

  test('parseExpression reports trailing text', () => {
    const { expr, diagnostics } = parseExpression('a + b c');
    assert.equal(expr.kind, 'Binary');
    assert.deepEqual(
      diagnostics.map((d) => d.code),
      ['AG1004'],
    );
  });

  test('inputs that are not text at all never throw', () => {
    const nodes: Node[] = [];
    const text = Array.from({ length: 2000 }, (_, i) => String.fromCharCode((i * 7919) % 65536)).join('');
    const result = ok(text);
    walk(result.file, (n) => {
      nodes.push(n);
    });
    assert.ok(nodes.length >= 1);
  });
});
